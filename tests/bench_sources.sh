#!/usr/bin/env bash
# Real multi-file sources in other languages for `offgrid bench context` (server/offgrid/bench/repo_cases_lang.py):
# npm packages (JavaScript, TypeScript) into a cache folder, Go modules and Rust crates from Debian's `-dev`
# packages (their source lands under /usr/share/gocode/src and /usr/share/cargo/registry). By package name only.
# Prints one `--packages` entry per source, then the whole list, ready to paste.
#
#   bash tests/bench_sources.sh            # install what is missing (apt-get needs root), print the entries
#   bash tests/bench_sources.sh --print    # install nothing, print what is there
#   OFFGRID_BENCH_SET=held-out bash tests/bench_sources.sh   # sources kept from tuning (seen in 0.5B runs since)
#   OFFGRID_BENCH_SET=final PYTHON=.venv/bin/python bash tests/bench_sources.sh   # first used 2026-12-03, never
#                                                      # tuned on: Python packages too (pip, into PYTHON's env)
set -euo pipefail

CACHE="${OFFGRID_BENCH_SOURCES:-$HOME/.cache/offgrid/bench-sources}"
# name@version, so a rerun measures the same code; each ships its source as many plain files, not one bundle
NPM=(axios@1.7.9 commander@12.1.0 js-yaml@4.1.0 semver@7.6.3 ws@8.18.0 moment@2.30.1 rxjs@7.8.1 ajv@8.17.1
  immer@10.1.1)
NPM_ENTRIES=(axios commander js-yaml semver ws moment/src/lib rxjs ajv immer)  # moment/src/lib: not its locales
GO_DEBS=(golang-github-spf13-pflag-dev golang-github-google-uuid-dev golang-github-burntsushi-toml-dev
  golang-gopkg-yaml.v3-dev golang-github-gorilla-mux-dev golang-github-google-go-cmp-dev
  golang-github-yuin-goldmark-dev golang-github-gorilla-websocket-dev)
GO_MODS=(github.com/spf13/pflag github.com/google/uuid github.com/BurntSushi/toml gopkg.in/yaml.v3
  github.com/gorilla/mux github.com/google/go-cmp github.com/yuin/goldmark github.com/gorilla/websocket)
RUST_DEBS=(librust-serde-json-dev librust-serde-dev librust-semver-dev librust-regex-syntax-dev librust-memchr-dev
  librust-base64-dev librust-toml-dev librust-ryu-dev)
RUST_CRATES=(serde_json serde semver regex-syntax memchr base64 toml ryu)
PY_DISTS=()  # the dev and held-out sets name their Python packages on the command line (README)
PY_MODS=()
if [[ "${OFFGRID_BENCH_SET:-dev}" == held-out ]]; then
  NPM=(yargs@17.7.2 express@4.21.2 dayjs@1.11.13 date-fns@4.1.0 uuid@11.0.3 mime@4.0.6 chalk@5.3.0 zod@3.24.1)
  NPM_ENTRIES=(yargs express dayjs/esm date-fns uuid mime chalk zod)
  GO_DEBS=(golang-github-sirupsen-logrus-dev golang-github-pkg-errors-dev golang-github-spf13-cobra-dev
    golang-github-stretchr-testify-dev golang-github-fsnotify-fsnotify-dev golang-golang-x-text-dev)
  GO_MODS=(github.com/sirupsen/logrus github.com/pkg/errors github.com/spf13/cobra github.com/stretchr/testify
    github.com/fsnotify/fsnotify golang.org/x/text)
  RUST_DEBS=(librust-itoa-dev librust-anyhow-dev librust-bytes-dev librust-smallvec-dev librust-indexmap-dev
    librust-log-dev librust-hashbrown-dev)
  RUST_CRATES=(itoa anyhow bytes smallvec indexmap log hashbrown)
elif [[ "${OFFGRID_BENCH_SET:-dev}" == final ]]; then
  PY_DISTS=(rich==13.9.4 click==8.1.8 jinja2==3.1.5 werkzeug==3.1.3 markdown-it-py==3.0.0 marshmallow==3.23.2
    tomlkit==0.13.2 python-dateutil==2.9.0.post0)
  PY_MODS=(rich click jinja2 werkzeug markdown_it marshmallow tomlkit dateutil)
  NPM=(luxon@3.5.0 yaml@2.6.1 handlebars@4.7.8 ramda@0.30.1)
  NPM_ENTRIES=(luxon/src yaml/dist handlebars/lib ramda/es)
  GO_DEBS=(golang-github-urfave-cli-dev golang-github-gin-gonic-gin-dev golang-github-pelletier-go-toml-dev
    golang-github-hashicorp-hcl-dev golang-github-go-playground-validator-v10-dev)
  GO_MODS=(github.com/urfave/cli github.com/gin-gonic/gin github.com/pelletier/go-toml github.com/hashicorp/hcl
    github.com/go-playground/validator/v10)
  RUST_DEBS=(librust-itertools-dev librust-rand-dev librust-aho-corasick-dev librust-textwrap-dev)
  RUST_CRATES=(itertools rand aho-corasick textwrap)
fi
PYTHON="${PYTHON:-python3}"

if [[ "${1:-}" != "--print" ]]; then
  if ((${#PY_DISTS[@]})); then
    "$PYTHON" -m pip install -q --disable-pip-version-check "${PY_DISTS[@]}" >&2
  fi
  mkdir -p "$CACHE/npm"
  npm install --prefix "$CACHE/npm" --no-audit --no-fund --ignore-scripts --omit=dev "${NPM[@]}" >&2
  missing=()
  for deb in "${GO_DEBS[@]}" "${RUST_DEBS[@]}"; do
    dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
  done
  if ((${#missing[@]})); then
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
fi

entries=()
for mod in "${PY_MODS[@]}"; do
  if "$PYTHON" -c "import $mod" 2>/dev/null; then entries+=("$mod"); fi
done
for name in "${NPM_ENTRIES[@]}"; do
  if [[ -d "$CACHE/npm/node_modules/$name" ]]; then entries+=("npm:$name"); fi
done
for mod in "${GO_MODS[@]}"; do
  if [[ -d "/usr/share/gocode/src/$mod" ]]; then entries+=("go:$mod"); fi
done
for crate in "${RUST_CRATES[@]}"; do
  if compgen -G "/usr/share/cargo/registry/$crate-[0-9]*" >/dev/null; then entries+=("rust:$crate"); fi
done
for e in "${entries[@]}"; do
  echo "$e"
done
(IFS=,; echo "--packages ${entries[*]}")
