"""Cheap checks on a GGUF file before llama.cpp sees it, so a bad file gets a message, not a crash."""

import os
from dataclasses import dataclass
from pathlib import Path

from offgrid.errors import ModelError

GGUF_MAGIC = b"GGUF"


def check_gguf(path: Path) -> None:
    """Raise ModelError saying what is wrong if `path` is missing, unreadable, or not a GGUF file."""
    if not path.exists():
        raise ModelError(f"model file {path} does not exist")
    if not path.is_file():
        raise ModelError(f"model path {path} is not a file")
    if not os.access(path, os.R_OK):
        raise ModelError(f"model file {path} is not readable (check its permissions)")
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path} is not a GGUF model (it starts with {magic!r}, not b'GGUF')")


def gguf_architecture(path: Path) -> str | None:
    """The `general.architecture` of a GGUF file, or None when it cannot be read."""
    try:
        from gguf import GGUFReader

        field = GGUFReader(str(path)).get_field("general.architecture")
        return None if field is None else str(field.contents())
    except Exception:  # a damaged header: llama.cpp's own error will say more
        return None


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named, and its size and mtime, to tell later whether it was deleted or changed."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> "FileIdentity":
        st = path.stat()
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def changed(self, path: Path) -> str | None:
        """None if `path` is still this file, unchanged; else what happened to it, in words."""
        try:
            now = FileIdentity.of(path)
        except FileNotFoundError:
            return "was deleted"
        except OSError as e:
            return f"can no longer be read ({e.strerror or e})"
        if (now.device, now.inode) != (self.device, self.inode):
            return "was replaced by another file"
        if now.size < self.size:
            return f"was truncated ({self.size} to {now.size} bytes)"
        if now != self:
            return "was modified"
        return None
