#!/usr/bin/env bash
# Install the packaged extension into code-server (the real VS Code workbench, served on loopback) and drive it
# with Chromium: see workbench-check.js. Not part of tests/run: code-server builds native modules on install
# (about 20 minutes on 2 cores) and wants node 24. Needs:
#   CODE_SERVER  the code-server executable (npm package code-server, installed with node 24 on the PATH)
#   NODE24       a node 24 binary for code-server (default: node)
#   CHROMIUM     Chromium (default /usr/bin/chromium; Debian package chromium)
#   OFFGRID_BIN  the offgrid executable (default: the repository's .venv/bin/offgrid)
# Pass --actions to also try "Rewrite selection…" and "Code actions…" (needs a server with code actions).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
: "${CODE_SERVER:?set CODE_SERVER to the code-server executable}"
OFFGRID_BIN="${OFFGRID_BIN:-$here/../../.venv/bin/offgrid}"
NODE24="${NODE24:-node}"
work="$(mktemp -d)"
server_pid=
# code-server runs in its own process group (setsid), so that its forks and the offgrid server stop with it
trap '[ -n "$server_pid" ] && kill -- -"$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/data/User" "$work/ws/.git" "$work/shots"
printf 'def greet(name):\n    return "Hello, " + name\n\n\ndef add(a, b):\n    return a + b\n\n\ndef subtract(a, b):\n    return\n' \
  > "$work/ws/calc.py"
# VS Code's default editor settings (quick suggestions and their widget included, as a new user has them); only
# what offgrid needs: the server to start, and a trusted workspace (restricted mode disables the extension)
cat > "$work/data/User/settings.json" <<JSON
{
  "offgrid.command": ["$OFFGRID_BIN", "serve"],
  "security.workspace.trust.enabled": false
}
JSON
(cd "$here" && npm run --silent compile && npx vsce package --out "$work/offgrid.vsix" >/dev/null)
cs=(env PATH="$(dirname "$(command -v "$NODE24")"):$PATH" "$CODE_SERVER" --user-data-dir "$work/data"
  --extensions-dir "$work/ext" --disable-telemetry --disable-update-check)
"${cs[@]}" --install-extension "$work/offgrid.vsix" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid "${cs[@]}" --auth none --bind-addr "127.0.0.1:$port" "$work/ws" > "$work/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
SHOTS="${SHOTS:-$work/shots}" node "$here/scripts/workbench-check.js" "http://127.0.0.1:$port/?folder=$work/ws" "$@"
