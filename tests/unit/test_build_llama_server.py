"""tests/build_llama_server.sh, which tests/run calls before pytest: nothing to do when the binary is there, and
its download, hash check and build path run on a tiny CMake project standing in for llama.cpp (the real build
takes 12-50 minutes)."""

import hashlib
import os
import subprocess
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


def run(cache: Path, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "OFFGRID_LLAMA_SERVER_CACHE": str(cache), "JOBS": "1", **env}
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=full, timeout=300)


def sdist_env(url: str, sha: str) -> dict[str, str]:
    return {"OFFGRID_LLAMA_SDIST_VERSION": VERSION, "OFFGRID_LLAMA_SDIST_URL": url, "OFFGRID_LLAMA_SDIST_SHA256": sha}


def stand_in_sdist(tmp_path: Path) -> tuple[str, str]:
    src = tmp_path / "src" / f"llama_cpp_python-{VERSION}" / "vendor" / "llama.cpp"
    src.mkdir(parents=True)
    (src / "CMakeLists.txt").write_text(CMAKE)
    (src / "main.c").write_text('#include <stdio.h>\nint main(void) { puts("stand-in llama-server"); return 0; }\n')
    tarball = tmp_path / "sdist.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(tmp_path / "src" / f"llama_cpp_python-{VERSION}", arcname=f"llama_cpp_python-{VERSION}")
    return tarball.as_uri(), hashlib.sha256(tarball.read_bytes()).hexdigest()


def test_an_existing_binary_is_used_without_downloading_or_building(tmp_path):
    binary = tmp_path / "llama_cpp_python-0.3.36/vendor/llama.cpp/build/bin/llama-server"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    out = run(tmp_path, OFFGRID_LLAMA_SDIST_URL="file:///nonexistent/never-fetched.tar.gz")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(binary) and "already built" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["llama_cpp_python-0.3.36"]


def test_it_downloads_checks_and_builds_only_the_server_target(tmp_path):
    url, sha = stand_in_sdist(tmp_path)
    cache = tmp_path / "cache"
    env = sdist_env(url, sha)
    out = run(cache, **env)
    assert out.returncode == 0, out.stderr
    build = cache / f"llama_cpp_python-{VERSION}/vendor/llama.cpp/build"
    assert out.stdout.strip() == str(build / "bin/llama-server")
    assert subprocess.run([out.stdout.strip()], capture_output=True, text=True).stdout == "stand-in llama-server\n"
    assert not (build / "bin/llama-cli").exists()  # the other targets are not built
    assert (build / "flags.txt").read_text() == "Release shared=OFF curl=OFF"
    again = run(cache, **{**env, "OFFGRID_LLAMA_SDIST_URL": "file:///nonexistent/never-fetched.tar.gz"})
    assert again.returncode == 0 and "already built" in again.stderr


def test_a_download_with_the_wrong_hash_is_not_built(tmp_path):
    url, _ = stand_in_sdist(tmp_path)
    cache = tmp_path / "cache"
    out = run(cache, **sdist_env(url, "0" * 64))
    assert out.returncode == 1 and "sha256" in out.stderr and out.stdout == ""
    assert list(cache.iterdir()) == []  # neither the download nor sources are kept
