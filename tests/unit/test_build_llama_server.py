"""tests/build_llama_server.sh, which tests/run calls before pytest: nothing to do when the binary is there, and
its download (pip, here from a local folder instead of an index), hash check and build path run on a tiny CMake
project standing in for llama.cpp (the real build takes 12-50 minutes)."""

import hashlib
import os
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "build_llama_server.sh"
VERSION = "9.9.9"
CMAKE = """cmake_minimum_required(VERSION 3.14)
project(stand_in_llama C)
file(WRITE ${CMAKE_BINARY_DIR}/flags.txt "${CMAKE_BUILD_TYPE} shared=${BUILD_SHARED_LIBS} curl=${LLAMA_CURL}")
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
add_executable(llama-server main.c)
add_executable(llama-cli main.c)
"""
# pip prepares an sdist's metadata before it calls it downloaded: an in-tree build backend needs nothing installed
PYPROJECT = """[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
"""
BACKEND = f"""import os


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = "llama_cpp_python-{VERSION}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info))
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: llama-cpp-python\\nVersion: {VERSION}\\n")
    return info
"""


def _dead_index() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/simple/"


def run(cache: Path, **env: str) -> subprocess.CompletedProcess:
    """The script with pip that sees no pip.conf and, unless told, an index that refuses every connection."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    full |= {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": _dead_index(), "PIP_NO_CACHE_DIR": "1"}
    full |= {"PIP_RETRIES": "0", "PYTHON": sys.executable, "OFFGRID_LLAMA_SERVER_CACHE": str(cache), "JOBS": "1"}
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=full | env, timeout=300)


def pip_env(folder: Path, sha: str) -> dict[str, str]:
    """pip finds the stand-in sdist in `folder` and nowhere else."""
    return {
        "OFFGRID_LLAMA_SDIST_VERSION": VERSION,
        "OFFGRID_LLAMA_SDIST_SHA256": sha,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(folder),
    }


def stand_in_sdist(tmp_path: Path) -> tuple[Path, str]:
    """A folder holding llama_cpp_python-9.9.9.tar.gz, and its sha256."""
    top = tmp_path / "src" / f"llama_cpp_python-{VERSION}"
    src = top / "vendor" / "llama.cpp"
    src.mkdir(parents=True)
    (src / "CMakeLists.txt").write_text(CMAKE)
    (src / "main.c").write_text('#include <stdio.h>\nint main(void) { puts("stand-in llama-server"); return 0; }\n')
    (top / "pyproject.toml").write_text(PYPROJECT)
    (top / "backend.py").write_text(BACKEND)
    folder = tmp_path / "index"
    folder.mkdir()
    tarball = folder / f"llama_cpp_python-{VERSION}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(top, arcname=f"llama_cpp_python-{VERSION}")
    return folder, hashlib.sha256(tarball.read_bytes()).hexdigest()


def test_an_existing_binary_is_used_without_downloading_or_building(tmp_path):
    binary = tmp_path / "llama_cpp_python-0.3.36/vendor/llama.cpp/build/bin/llama-server"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    out = run(tmp_path)  # pip's index refuses connections: any download would fail
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(binary) and "already built" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["llama_cpp_python-0.3.36"]


def test_it_downloads_with_pip_checks_and_builds_only_the_server_target(tmp_path):
    folder, sha = stand_in_sdist(tmp_path)
    cache = tmp_path / "cache"
    out = run(cache, **pip_env(folder, sha))
    assert out.returncode == 0, out.stderr
    assert "downloading llama-cpp-python==9.9.9's sdist with pip" in out.stderr
    build = cache / f"llama_cpp_python-{VERSION}/vendor/llama.cpp/build"
    assert out.stdout.strip() == str(build / "bin/llama-server")  # pip's own lines went to stderr
    assert subprocess.run([out.stdout.strip()], capture_output=True, text=True).stdout == "stand-in llama-server\n"
    assert not (build / "bin/llama-cli").exists()  # the other targets are not built
    assert (build / "flags.txt").read_text() == "Release shared=OFF curl=OFF"
    assert not (cache / "download").exists()
    again = run(cache, OFFGRID_LLAMA_SDIST_VERSION=VERSION)  # the dead index again: nothing is fetched
    assert again.returncode == 0 and "already built" in again.stderr


def test_a_local_sdist_file_needs_no_pip(tmp_path):
    folder, sha = stand_in_sdist(tmp_path)
    cache = tmp_path / "cache"
    tarball = folder / f"llama_cpp_python-{VERSION}.tar.gz"
    env = {"OFFGRID_LLAMA_SDIST_VERSION": VERSION, "OFFGRID_LLAMA_SDIST_SHA256": sha}
    out = run(cache, **env, OFFGRID_LLAMA_SDIST_FILE=str(tarball))
    assert out.returncode == 0, out.stderr
    assert "pip" not in out.stderr and out.stdout.strip().endswith("build/bin/llama-server")
    assert tarball.exists()


def test_a_download_with_the_wrong_hash_is_not_built(tmp_path):
    folder, _ = stand_in_sdist(tmp_path)
    cache = tmp_path / "cache"
    out = run(cache, **pip_env(folder, "0" * 64))
    assert out.returncode == 1 and "sha256" in out.stderr and out.stdout == ""
    assert list(cache.iterdir()) == []  # neither the download nor sources are kept


def test_an_unreachable_index_fails_with_a_message(tmp_path):
    cache = tmp_path / "cache"
    out = run(cache, OFFGRID_LLAMA_SDIST_VERSION=VERSION)
    assert out.returncode == 1 and out.stdout == ""
    assert "pip could not download llama-cpp-python==9.9.9's sdist" in out.stderr
    assert list(cache.iterdir()) == []
