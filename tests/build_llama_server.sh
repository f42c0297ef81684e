#!/usr/bin/env bash
# Build llama.cpp's `llama-server` for the /infill tests, from the llama.cpp that llama-cpp-python 0.3.36 vendors
# (the same llama.cpp as offgrid's in-process engine). Downloads the sdist from PyPI, checks its sha256, and builds
# only the llama-server target. Does nothing when the binary is already there. Prints the binary's path on stdout;
# progress goes to stderr and the compiler's output to build.log next to the sources.
# About 12-15 minutes on 2 idle cores, 50 on a loaded machine; needs cmake, a C++ compiler and make or ninja.
#
# Settings (environment): OFFGRID_LLAMA_SERVER_CACHE (default ~/.cache/offgrid/llama-server-build), JOBS (parallel
# compile jobs, default all cores). The source's version, URL and hash can be overridden (OFFGRID_LLAMA_SDIST_VERSION,
# _URL, _SHA256) so that tests can run this script's build path on a tiny CMake project.
set -euo pipefail
VERSION=${OFFGRID_LLAMA_SDIST_VERSION:-0.3.36}
URL=${OFFGRID_LLAMA_SDIST_URL:-https://files.pythonhosted.org/packages/ec/e9/e7de2b0463ea3ffbf0ede6cb21b58c1258a8f6521aae45ca773a59fe7cf3/llama_cpp_python-0.3.36.tar.gz}
SHA256=${OFFGRID_LLAMA_SDIST_SHA256:-832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e}
CACHE=${OFFGRID_LLAMA_SERVER_CACHE:-$HOME/.cache/offgrid/llama-server-build}
NAME=llama_cpp_python-$VERSION
SRC=$CACHE/$NAME/vendor/llama.cpp
BIN=$SRC/build/bin/llama-server
PY=${PYTHON:-python3}

if [ -x "$BIN" ]; then
  echo "llama-server already built: $BIN" >&2
  echo "$BIN"
  exit 0
fi
for tool in cmake "$PY"; do
  command -v "$tool" >/dev/null || { echo "building llama-server needs $tool" >&2; exit 1; }
done
mkdir -p "$CACHE"
TARBALL=$CACHE/$NAME.tar.gz

sha256_of() { "$PY" -c 'import hashlib,sys; print(hashlib.file_digest(open(sys.argv[1],"rb"),"sha256").hexdigest())' "$1"; }

if [ ! -f "$TARBALL" ] || [ "$(sha256_of "$TARBALL")" != "$SHA256" ]; then
  echo "downloading $URL" >&2
  "$PY" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$URL" "$TARBALL.part"
  got=$(sha256_of "$TARBALL.part")
  if [ "$got" != "$SHA256" ]; then
    rm -f "$TARBALL.part"
    echo "the download's sha256 is $got, expected $SHA256: not building from it" >&2
    exit 1
  fi
  mv "$TARBALL.part" "$TARBALL"
fi

if [ ! -f "$SRC/CMakeLists.txt" ]; then  # else an interrupted build goes on where it stopped
  tar -xzf "$TARBALL" -C "$CACHE"
fi
[ -f "$SRC/CMakeLists.txt" ] || { echo "$TARBALL has no vendor/llama.cpp/CMakeLists.txt" >&2; exit 1; }
echo "building llama-server in $SRC/build (log: $CACHE/build.log)" >&2
cmake -S "$SRC" -B "$SRC/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >"$CACHE/cmake.log" 2>&1 ||
  { tail -20 "$CACHE/cmake.log" >&2; exit 1; }
cmake --build "$SRC/build" --target llama-server -j "${JOBS:-$(nproc)}" >"$CACHE/build.log" 2>&1 ||
  { tail -20 "$CACHE/build.log" >&2; exit 1; }
[ -x "$BIN" ] || { echo "the build finished without $BIN" >&2; exit 1; }
echo "$BIN"
