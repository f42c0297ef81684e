"""`"preset": "auto"`, the default: the largest preset a machine runs fast enough, by physical cores, memory and
GPU memory, with the reason in words; on a small machine (this one: 2 cores, no GPU) the PyPI-fetchable 0.5B."""

import pytest
from offgrid.config import Settings, parse_settings
from offgrid.models.auto import TIERS, auto_choice, auto_status, choose_preset
from offgrid.models.presets import AUTO_PRESET, DEFAULT_PRESET, PRESETS

SMALL, MEDIUM, LARGE, HUGE = "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-3b", "qwen2.5-coder-7b"


@pytest.mark.parametrize(
    ("cores", "memory_gb", "gpu_gb", "preset"),
    [
        (2, 8, 0, SMALL),  # a small laptop, or this machine
        (4, 16, 0, SMALL),
        (8, 16, 0, MEDIUM),  # 8 cores
        (4, 16, 8, MEDIUM),  # or 8 GB of GPU memory
        (2, 16, 10.7, MEDIUM),  # a 16 GB Apple laptop: Metal's share of the unified memory
        (16, 32, 0, LARGE),  # a workstation
        (4, 32, 12, LARGE),  # a 12 GB GPU
        (4, 32, 24, HUGE),  # a gaming GPU with 24 GB
        (4, 8, 24, LARGE),  # that GPU, but memory for the 3B only
        (64, 256, 0, LARGE),  # a large server without a GPU: never the 7B on the CPU
        (8, 2, 0, SMALL),  # cores enough, memory not
        (16, 6, 0, MEDIUM),  # memory enough for the 1.5B only
        (16, 0, 0, LARGE),  # memory unknown: not held against it
    ],
)
def test_choice_on_described_machines(cores, memory_gb, gpu_gb, preset):
    assert choose_preset(cores, memory_gb, gpu_gb).preset == preset


def test_the_reason_names_the_machine_and_what_the_next_size_wants():
    choice = choose_preset(2, 7.8, 0)
    assert choice.reason == (
        "auto: qwen2.5-coder-0.5b for 2 cores, 8 GB memory, no GPU "
        "(the 1.5B wants 8 cores or a GPU with 8 GB, and 4 GB of memory)"
    )
    gpu = choose_preset(4, 64, 24, "NVIDIA GeForce RTX 4090")
    assert gpu.reason == "auto: qwen2.5-coder-7b for 4 cores, 64 GB memory, NVIDIA GeForce RTX 4090 with 24 GB"
    cpu = choose_preset(16, 64, 0)
    assert cpu.reason == (
        "auto: qwen2.5-coder-3b for 16 cores, 64 GB memory, no GPU (the 7B wants a GPU with 16 GB, and 16 GB of memory)"
    )


def test_every_choice_is_a_preset_and_the_smallest_needs_no_hub():
    assert all(t.preset in PRESETS for t in TIERS)
    assert AUTO_PRESET not in PRESETS
    assert PRESETS[DEFAULT_PRESET].pypi is not None and PRESETS[DEFAULT_PRESET].sha256


def test_auto_is_the_default_and_this_small_machine_gets_the_pypi_preset():
    from offgrid.engine.model import physical_cores
    from offgrid.models.machine import devices

    assert Settings().preset == AUTO_PRESET and Settings().model_choice() == AUTO_PRESET
    if physical_cores() >= 8 or any(d.is_gpu for d in devices()):
        pytest.skip("a machine large enough for a bigger preset")
    assert auto_choice().preset == DEFAULT_PRESET
    assert auto_choice(use_gpu=False).preset == DEFAULT_PRESET


def test_status_shows_the_choice_only_where_auto_chooses():
    status = auto_status(Settings())
    assert status is not None and status["preset"] in PRESETS and status["reason"].startswith("auto: ")
    assert auto_status(Settings(model="/m.gguf")) is None
    assert auto_status(Settings(preset="smollm2-135m")) is None
    remote, _ = parse_settings({"backend": "infill", "remote": {"url": "http://127.0.0.1:1"}})
    assert auto_status(remote) is None


def test_a_remote_model_of_unknown_name_still_gets_the_qwen_format_under_auto():
    from offgrid.engine.backends.openai_completions import choose_template
    from offgrid.engine.fim import template_for

    assert choose_template("", "my-served-model", AUTO_PRESET) == template_for(DEFAULT_PRESET)


def test_offgrid_status_carries_the_choice():
    from types import SimpleNamespace

    from offgrid.lsp.status import _host_status

    host = SimpleNamespace(settings=Settings(), model=None, completer=None)
    assert _host_status(host, {})["auto"] == auto_status(Settings())
    host = SimpleNamespace(settings=Settings(model="/m.gguf"), model=None, completer=None)
    assert "auto" not in _host_status(host, {})
