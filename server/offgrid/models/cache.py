"""Where fetched models live on disk, and how a file is verified once and remembered as verified."""

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path


def cache_dir() -> Path:
    """offgrid's model cache: $OFFGRID_CACHE, else $XDG_CACHE_HOME/offgrid, else ~/.cache/offgrid."""
    if env := os.environ.get("OFFGRID_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "offgrid"


def models_dir() -> Path:
    """The folder holding fetched GGUF files."""
    return cache_dir() / "models"


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """Hash a file in 4 MiB blocks, reporting progress in bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(4 << 20):
            digest.update(block)
            if on_bytes:
                on_bytes(len(block))
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(path: Path, sha256: str) -> bool:
    """True when `path` was hashed before and has not changed since (size and mtime match the stamp)."""
    stamp = _stamp(path)
    if not (path.is_file() and stamp.is_file()):
        return False
    st = path.stat()
    return stamp.read_text().strip() == f"{sha256} {st.st_size} {st.st_mtime_ns}"


def mark_verified(path: Path, sha256: str) -> None:
    """Remember that `path` hashed to `sha256`, so the next start skips rehashing hundreds of MB."""
    st = path.stat()
    _stamp(path).write_text(f"{sha256} {st.st_size} {st.st_mtime_ns}\n")


def is_disk_full(e: BaseException) -> bool:
    """Whether an error (or one it wraps) is the disk or a quota running out."""
    while e is not None:
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        e = e.__cause__ or e.__context__  # type: ignore[assignment]
    return False


def disk_full_message(folder: Path, setting: str) -> str:
    """What to tell a user whose download filled the disk: where, how much is free, and what to change."""
    try:
        free = f"{shutil.disk_usage(folder).free / 1e6:.0f} MB free"
    except OSError:
        free = "free space unknown"
    return (
        f"no space left on the disk holding {folder} ({free}); the partial download was not kept for use. "
        f"Free some space, or point {setting} at another disk, and try again"
    )
