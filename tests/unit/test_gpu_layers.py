"""`engine.gpuLayers` and what `offgrid doctor` says about the llama.cpp build's backends, devices, offloaded layers
and memory: on a CPU-only build, 0 layers offloaded and why."""

from offgrid.commands.doctor import offload_text, run_doctor
from offgrid.config import Settings, parse_settings
from offgrid.models.machine import Device, backends, devices, offloaded_layers, supports_gpu_offload


def test_gpu_layers_setting():
    assert Settings().engine.gpu_layers == -1  # all of them, llama.cpp's convention
    s, problem = parse_settings({"engine": {"gpuLayers": 0}})
    assert problem is None and s.engine.gpu_layers == 0


def test_offloaded_layers():
    assert offloaded_layers(24, -1, has_gpu=True) == 25  # the output layer counts
    assert offloaded_layers(24, 999, has_gpu=True) == 25
    assert offloaded_layers(24, 10, has_gpu=True) == 10
    assert offloaded_layers(24, 0, has_gpu=True) == 0
    assert offloaded_layers(24, -1, has_gpu=False) == 0


def test_offload_text():
    assert offload_text(24, -1, []) == "0 of 25 offloaded: this llama.cpp build has no GPU backend (README: GPU builds)"
    gpu = Device("CUDA0", "NVIDIA H200", "GPU", 100, 140)
    assert offload_text(24, -1, [gpu]) == "25 of 25 offloaded to CUDA0 (engine.gpuLayers -1: all)"
    assert offload_text(24, 8, [gpu]) == "8 of 25 offloaded to CUDA0 (engine.gpuLayers 8)"


def test_the_build_lists_its_backends_and_devices():
    assert "CPU" in backends()
    found = devices()
    assert any(d.kind == "CPU" for d in found)
    assert supports_gpu_offload() == any(d.is_gpu for d in found)


def _rows(out: str) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in out.splitlines():
        name, _, value = line.partition("  ")
        rows.setdefault(name.strip(), []).append(value.strip())
    return rows


def test_doctor_reports_backends_devices_offload_and_memory(tiny_model, capsys):
    assert run_doctor(str(tiny_model)) == 0
    rows = _rows(capsys.readouterr().out)
    assert "CPU" in rows["backends"][0]
    assert any(d.startswith("CPU (CPU): ") for d in rows["device"])
    assert rows["memory"][0].startswith("weights ")
    if supports_gpu_offload():  # a GPU build: every layer of the 2-layer model, by default
        assert rows["gpu layers"][0].startswith("3 of 3 offloaded to ")
    else:
        assert rows["gpu offload"] == ["no: this llama.cpp build has no GPU backend (README: GPU builds)"]
        assert rows["gpu layers"] == ["0 of 3 offloaded: this llama.cpp build has no GPU backend (README: GPU builds)"]
