#!/usr/bin/env bash
# Build llama.cpp's `llama-server` for the /infill tests, from the llama.cpp that llama-cpp-python 0.3.36 vendors
# (the same llama.cpp as offgrid's in-process engine). Downloads the sdist with pip, so the machine's own index,
# proxy and certificate settings apply, checks its sha256, and builds only the llama-server target. Does nothing
# when the binary is already there. Prints the binary's path on stdout; progress goes to stderr and the compiler's
# output to build.log next to the sources.
# About 12-15 minutes on 2 idle cores, 50 on a loaded machine; needs cmake, a C++ compiler and make or ninja.
#
# Settings (environment): OFFGRID_LLAMA_SERVER_CACHE (default ~/.cache/offgrid/llama-server-build), JOBS (parallel
# compile jobs, default all cores), OFFGRID_LLAMA_SDIST_FILE (an sdist already on disk: no download). The source's
# version and hash can be overridden (OFFGRID_LLAMA_SDIST_VERSION, _SHA256) so that tests can run this script's
# build path on a tiny CMake project.
set -euo pipefail
VERSION=${OFFGRID_LLAMA_SDIST_VERSION:-0.3.36}
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

# The sdist into $TARBALL.part: the given file, or pip's download from whatever index the machine is set up for.
# pip prepares its metadata too, installing its build requirements in a throw-away environment: as wheels, since
# `--no-binary :all:` would build those from source as well (4 minutes instead of 25 s on 2 cores).
fetch_sdist() {
  if [ -n "${OFFGRID_LLAMA_SDIST_FILE:-}" ]; then
    cp "$OFFGRID_LLAMA_SDIST_FILE" "$TARBALL.part"
    return
  fi
  local dir=$CACHE/download
  rm -rf "$dir"
  echo "downloading llama-cpp-python==$VERSION's sdist with pip" >&2
  if ! "$PY" -m pip download --no-binary llama-cpp-python --no-deps --disable-pip-version-check -d "$dir" \
    "llama-cpp-python==$VERSION" >&2; then  # pip's "Saved ..." goes to stderr: stdout is the binary's path
    rm -rf "$dir"
    echo "pip could not download llama-cpp-python==$VERSION's sdist" >&2
    exit 1
  fi
  mv "$dir/$NAME.tar.gz" "$TARBALL.part" || { rm -rf "$dir"; echo "pip saved no $NAME.tar.gz" >&2; exit 1; }
  rm -rf "$dir"
}

if [ ! -f "$TARBALL" ] || [ "$(sha256_of "$TARBALL")" != "$SHA256" ]; then
  fetch_sdist
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
