"""What this machine offers a model: physical cores, memory, and the devices of the llama.cpp build (CPU, GPUs).

llama-cpp-python 0.3.36 binds llama_supports_gpu_offload but none of ggml's backend registry, so the devices are
read through ctypes from the ggml library it loaded. Imported only for the local backend (it loads llama.cpp)."""

import ctypes
import os
from dataclasses import dataclass

# enum ggml_backend_dev_type
_KINDS = {0: "CPU", 1: "GPU", 2: "integrated GPU", 3: "accelerator", 4: "meta"}
_GPU_KINDS = ("GPU", "integrated GPU")  # the kinds llama.cpp offloads layers to


@dataclass(frozen=True)
class Device:
    name: str  # "CPU", "CUDA0", "Metal", "Vulkan0", ...
    description: str
    kind: str  # a value of _KINDS
    free: int  # bytes
    total: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in _GPU_KINDS


def _ggml() -> ctypes.CDLL:
    import llama_cpp  # noqa: F401  (loads libggml-base and libggml first)
    from llama_cpp._ggml import libggml

    lib = libggml
    p, size = ctypes.c_void_p, ctypes.c_size_t
    for name, args, res in (
        ("ggml_backend_reg_count", [], size),
        ("ggml_backend_reg_get", [size], p),
        ("ggml_backend_reg_name", [p], ctypes.c_char_p),
        ("ggml_backend_dev_count", [], size),
        ("ggml_backend_dev_get", [size], p),
        ("ggml_backend_dev_name", [p], ctypes.c_char_p),
        ("ggml_backend_dev_description", [p], ctypes.c_char_p),
        ("ggml_backend_dev_type", [p], ctypes.c_int),
        ("ggml_backend_dev_memory", [p, ctypes.POINTER(size), ctypes.POINTER(size)], None),
    ):
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    return lib


def supports_gpu_offload() -> bool:
    """Whether this llama.cpp build has a GPU backend with a device (it loads the backends on first use)."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def backends() -> list[str]:
    """The backends compiled into (or loaded by) llama.cpp: "CPU", "CUDA", "Metal", "Vulkan", ..."""
    supports_gpu_offload()  # registers them if none is yet
    lib = _ggml()
    return [
        (lib.ggml_backend_reg_name(lib.ggml_backend_reg_get(i)) or b"?").decode()
        for i in range(lib.ggml_backend_reg_count())
    ]


def devices() -> list[Device]:
    supports_gpu_offload()
    lib = _ggml()
    out = []
    for i in range(lib.ggml_backend_dev_count()):
        dev = lib.ggml_backend_dev_get(i)
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        lib.ggml_backend_dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        out.append(
            Device(
                name=(lib.ggml_backend_dev_name(dev) or b"?").decode(errors="replace"),
                description=(lib.ggml_backend_dev_description(dev) or b"").decode(errors="replace").strip(),
                kind=_KINDS.get(lib.ggml_backend_dev_type(dev), "other"),
                free=free.value,
                total=total.value,
            )
        )
    return out


def memory_bytes() -> int:
    """Physical memory, 0 where the system does not say (the choice then goes by cores and GPU alone)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 0


def offloaded_layers(n_layer: int, gpu_layers: int, has_gpu: bool) -> int:
    """How many of the model's n_layer + 1 offloadable layers (the output layer counts) llama.cpp puts on a GPU:
    none without a GPU device, all for a negative `gpu_layers` (llama.cpp's convention), else at most that many."""
    if not has_gpu:
        return 0
    return n_layer + 1 if gpu_layers < 0 else min(gpu_layers, n_layer + 1)
