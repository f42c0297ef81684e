"""llama.cpp's load chatter stays off stderr unless `debug` is on: `offgrid complete` on a model whose end token is
not typed as a control token (llama.cpp warns "load: control-looking token ... was not control-type", as it does
for Qwen2.5-Coder's '</s>') prints the suggestion and nothing from llama.cpp."""

import subprocess
import sys
from pathlib import Path

import gguf
import pytest

from tests.support.tiny_gguf import write_tiny_gguf

DEBUG_RUN = (
    "import sys; from offgrid.commands.complete import run_complete; "
    "sys.exit(run_complete(sys.argv[1], sys.argv[2], 4, False, {'debug': True}))"
)


@pytest.fixture(scope="module")
def warned_model(tmp_path_factory) -> Path:
    """The tiny model with <|endoftext|> retyped NORMAL in place, which llama.cpp warns about at every load."""
    path = write_tiny_gguf(tmp_path_factory.mktemp("models") / "untyped-eos.gguf", fim=False)
    reader = gguf.GGUFReader(str(path), "r+")
    tokens, types = reader.fields["tokenizer.ggml.tokens"], reader.fields["tokenizer.ggml.token_type"]
    names = [bytes(tokens.parts[i]).decode() for i in tokens.data]
    types.parts[types.data[names.index("<|endoftext|>")]][0] = gguf.TokenType.NORMAL
    del reader  # flushes the memory map
    return path


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "a.py"
    path.write_text("def add(a, b):\n    return \n")
    return path


def _llama_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("load:", "llama_", "print_info:"))]


def test_complete_prints_no_llama_cpp_load_lines(warned_model, source):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "offgrid",
            "complete",
            f"{source}:2:12",
            "--model",
            str(warned_model),
            "--max-tokens",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "control-looking" not in run.stderr
    assert _llama_lines(run.stderr) == []


def test_debug_shows_them(warned_model, source):
    run = subprocess.run(
        [sys.executable, "-c", DEBUG_RUN, f"{source}:2:12", str(warned_model)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "control-looking token" in run.stderr  # the model above does trigger the warning
    assert _llama_lines(run.stderr)
