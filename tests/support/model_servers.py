"""Real model servers started on loopback for tests and benchmarks: llama-cpp-python's OpenAI-compatible server,
and llama.cpp's own `llama-server` (for /infill) where a binary is at hand."""

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from offgrid.engine.model import amx_built

# Where tests/build_llama_server.sh puts llama-server (built from llama-cpp-python's vendored llama.cpp), looked
# for after $OFFGRID_LLAMA_SERVER and PATH.
BUILT = (
    Path(os.environ.get("OFFGRID_LLAMA_SERVER_CACHE") or Path.home() / ".cache/offgrid/llama-server-build")
    / "llama_cpp_python-0.3.36/vendor/llama.cpp/build/bin/llama-server"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def llama_server_binary() -> str | None:
    """A llama.cpp `llama-server` executable, if one is installed or was built here."""
    for candidate in (os.environ.get("OFFGRID_LLAMA_SERVER"), shutil.which("llama-server"), str(BUILT)):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@contextmanager
def _serving(cmd: list[str], probe: str, timeout: float = 120) -> Iterator[None]:
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"offgrid-test-server-{os.getpid()}.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}; see {log.name}")
            try:
                with urlopen(probe, timeout=2) as r:
                    if r.status == 200:
                        break
            except (URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{cmd[0]} did not start in {timeout} s; see {log.name}")
            time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def llama_cpp_python_server(model: Path, port: int | None = None, threads: int = 1) -> Iterator[str]:
    """`python -m llama_cpp.server` on loopback; yields its base URL."""
    port = port or free_port()
    cmd = [sys.executable, str(Path(__file__).with_name("llama_cpp_server_main.py"))]
    cmd += ["--model", str(model), "--n_threads", str(threads)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with _serving(cmd, f"http://127.0.0.1:{port}/v1/models"):
        yield f"http://127.0.0.1:{port}"


@functools.cache
def _knows(binary: str, option: str) -> bool:
    """Whether the binary's --help lists `option`."""
    run = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    return option in run.stdout + run.stderr


@contextmanager
def llama_server(binary: str, model: Path, port: int | None = None, threads: int = 1) -> Iterator[str]:
    """llama.cpp's `llama-server` on loopback; yields its base URL."""
    port = port or free_port()
    cmd = [binary, "-m", str(model), "-t", str(threads), "--host", "127.0.0.1", "--port", str(port), "-c", "4096"]
    if amx_built() and _knows(binary, "--no-repack"):  # the same llama.cpp built the same way: its AMX matmul
        cmd.append("--no-repack")  # dies (engine/model.py amx_built)
    with _serving(cmd + ["--no-webui", "-np", "1"], f"http://127.0.0.1:{port}/health"):
        yield f"http://127.0.0.1:{port}"
