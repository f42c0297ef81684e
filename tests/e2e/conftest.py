"""Real model servers on loopback with the 0.5B coder model, started once per test session and shared by the
remote-backend tests (completions and code actions)."""

import os

import pytest

from tests.support.model_servers import llama_cpp_python_server, llama_server, llama_server_binary


@pytest.fixture(scope="session")
def openai_url(qwen_model):
    """llama-cpp-python's OpenAI-compatible server (/v1/completions, /v1/chat/completions)."""
    with llama_cpp_python_server(qwen_model) as url:
        yield url


@pytest.fixture(scope="session")
def infill_url(qwen_model):
    """llama.cpp's llama-server (/infill, /v1/chat/completions). tests/run builds it and sets
    OFFGRID_REQUIRE_LLAMA_SERVER=1, so there a missing binary fails the tests instead of skipping them."""
    binary = llama_server_binary()
    if binary is None:
        why = "no llama-server binary: run tests/build_llama_server.sh, set OFFGRID_LLAMA_SERVER or put it on PATH"
        if os.environ.get("OFFGRID_REQUIRE_LLAMA_SERVER") == "1":
            pytest.fail(why)
        pytest.skip(why)
    with llama_server(binary, qwen_model) as url:
        yield url
