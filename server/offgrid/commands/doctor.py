"""`offgrid doctor`: what offgrid sees, and whether completions can work (exit 0) or why not (exit 1)."""

import platform
import sys
from pathlib import Path
from typing import Any

from offgrid import __version__
from offgrid.config import Settings, parse_settings, with_model_flag
from offgrid.errors import OffgridError
from offgrid.models.presets import AUTO_PRESET, PRESETS
from offgrid.models.resolve import cached_preset_path


def _row(name: str, value: object) -> None:
    print(f"{name:<18} {value}")


def _cpu_features() -> str:
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode(errors="replace")
    on = [part.split("=")[0].strip() for part in info.split("|") if part.strip().endswith("= 1")]
    return ", ".join(on) or info.strip()


def _grammars() -> str:
    """The tree-sitter languages that load, with their query files (a broken one is named)."""
    from offgrid.context.languages import PURPOSES, all_languages

    langs = all_languages()
    broken = [f"{lang.name}/{p}.scm" for lang in langs for p in PURPOSES if lang.query(p) is None]
    text = f"{len(langs)} tree-sitter languages ({', '.join(lang.name for lang in langs)})"
    return text + (f"; queries that do not load: {', '.join(broken)}" if broken else "")


def _model_path(choice: str) -> Path:
    if choice in PRESETS:
        path = cached_preset_path(PRESETS[choice])
        if path is None:
            raise OffgridError(f"preset {choice} is not downloaded yet: run `offgrid fetch {choice}`")
        return path
    return Path(choice).expanduser()


def run_doctor(model: str | None, options: dict[str, Any] | None = None) -> int:
    settings, problem = parse_settings(options or {}, with_model_flag(Settings(), model))
    if problem:
        print(f"NOT READY: {problem}")
        return 1
    _row("offgrid", __version__)
    _row("python", f"{platform.python_version()} ({sys.executable})")
    if settings.backend != "local":
        return _doctor_remote(settings)
    return _doctor_local(settings)


def _doctor_remote(settings: Settings) -> int:
    """A model server: no local model is looked at or loaded."""
    from offgrid.engine.backends.health import check_backend
    from offgrid.engine.backends.remote import make_remote_backend

    _row("backend", f"{settings.backend} (remote model server)")
    try:
        backend, warnings = make_remote_backend(settings.backend, settings.remote, settings.preset)
    except OffgridError as e:
        print(f"NOT READY: {e}")
        return 1
    try:
        for w in warnings:
            _row("warning", w)
        rows, problem = check_backend(backend, sample_request)
        for name, value in rows:
            _row(name, value)
    finally:
        backend.close()
    if problem:
        print(f"NOT READY: {problem}")
        return 1
    print("READY: completions can work")
    return 0


def sample_request(backend: Any) -> Any:
    """`def add(a, b): return |` laid out for the backend, as a completion would be."""
    from offgrid.complete.fit import CHARS, fit_prefix, fit_suffix
    from offgrid.complete.prompt import Pieces, render
    from offgrid.engine.backends.base import InfillRequest

    pieces = Pieces(fit_prefix(CHARS, "def add(a, b):\n", 64, 1), fit_suffix(CHARS, "\n", 16), "    return ")
    return InfillRequest(render(backend, pieces), max_tokens=8)


def _doctor_local(settings: Settings) -> int:
    import llama_cpp

    from offgrid.engine.model import Model, physical_cores
    from offgrid.host import quiet_llama
    from offgrid.models import machine

    quiet_llama(False)
    _row("llama-cpp-python", llama_cpp.__version__)
    _row("cpu features", _cpu_features())
    _row("backends", ", ".join(machine.backends()))
    devices = machine.devices()
    for d in devices:
        _row("device", _device(d))
    _row("gpu offload", "yes" if any(d.is_gpu for d in devices) else f"no: {NO_GPU}")
    _row("threads", settings.engine.threads or f"{physical_cores()} (physical cores)")
    _row("context size", settings.engine.context_size)
    _row("grammars", _grammars())
    choice = settings.model_choice()
    if choice == AUTO_PRESET:
        from offgrid.models.auto import auto_choice

        auto = auto_choice(settings.engine.gpu_layers != 0)
        _row("preset", auto.reason)
        choice = auto.preset
    _row("model choice", choice)
    try:
        path = _model_path(choice)
        _row("model file", path)
        e = settings.engine
        m = Model(path, n_ctx=e.context_size, n_threads=e.threads, n_gpu_layers=e.gpu_layers)
        try:
            info = m.info
            _row("model", f"{info.description}, {info.architecture}, trained context {info.n_ctx_train}")
            _row("fill-in-middle", info.fim.name if info.fim else "none: prefix-only completions (no suffix context)")
            n_layer = llama_cpp.llama_model_n_layer(m.model)
            _row("gpu layers", offload_text(n_layer, e.gpu_layers, [d for d in devices if d.is_gpu]))
            _row("memory", _memory(llama_cpp.llama_model_size(m.model), machine.devices()))
        finally:
            m.close()
    except OffgridError as e:
        print(f"NOT READY: {e}")
        return 1
    print("READY: completions can work")
    return 0


NO_GPU = "this llama.cpp build has no GPU backend (README: GPU builds)"


def _device(d: Any) -> str:
    memory = f"{d.free / 1e9:.1f} of {d.total / 1e9:.1f} GB free" if d.total else "memory unknown"
    return f"{d.name} ({d.kind}): {d.description or '?'}, {memory}"


def offload_text(n_layer: int, gpu_layers: int, gpus: list[Any]) -> str:
    """How many of the model's layers llama.cpp put on a GPU, and why not more."""
    from offgrid.models.machine import offloaded_layers

    total = n_layer + 1  # the output layer is offloaded too
    n = offloaded_layers(n_layer, gpu_layers, bool(gpus))
    setting = f"engine.gpuLayers {gpu_layers}" + (": all" if gpu_layers < 0 else "")
    if not gpus:
        return f"0 of {total} offloaded: {NO_GPU}"
    return f"{n} of {total} offloaded to {', '.join(d.name for d in gpus)} ({setting})"


def _memory(weights: int, devices: list[Any]) -> str:
    """The weights' size, the process's resident memory, and what each GPU has in use, after loading."""
    text = f"weights {weights / 1e6:.0f} MB"
    if rss := _resident_bytes():
        text += f", process {rss / 1e6:.0f} MB resident"
    for d in devices:
        if d.is_gpu and d.total:
            text += f", {d.name} {(d.total - d.free) / 1e9:.1f} of {d.total / 1e9:.1f} GB in use"
    return text


def _resident_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource  # macOS: the peak, in bytes

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
