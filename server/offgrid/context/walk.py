"""The workspace's source files: only languages we parse, `.gitignore` honoured, bounded in count and size.

Nothing outside the workspace roots is read: symlinked folders are not followed (no loops either), and a
symlinked file is read only when its target is inside the root. Unreadable folders and files are skipped; what
is skipped for size or for looking minified is logged once per file.
"""

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from offgrid.context.languages import known_extensions

log = logging.getLogger(__name__)

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"})


@dataclass(frozen=True)
class WalkLimits:
    """Bounds on what the workspace index reads."""

    max_files: int = 5000
    max_file_bytes: int = 1 << 20
    max_line_chars: int = 4000  # a longer line means generated or minified code


class _Ignores:
    """The .gitignore files seen on the way down, each applying below its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, pathspec.PathSpec]] = []

    def load(self, folder: Path) -> None:
        f = folder / ".gitignore"
        try:  # a linked .gitignore could point anywhere
            lines = [] if f.is_symlink() or not f.is_file() else f.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return
        if lines:
            self._specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for base, spec in self._specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(rel + "/" if is_dir else rel):
                return True
        return False


def source_files(root: Path, limits: WalkLimits, max_files: int | None = None) -> Iterator[Path]:
    """Parseable files under `root`, in a stable order, at most `max_files` (default `limits.max_files`)."""
    max_files = limits.max_files if max_files is None else max_files
    if max_files <= 0:
        return
    exts = known_extensions()
    real_root = root.resolve()
    ignores = _Ignores()
    count = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        ignores.load(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            log.info("skipping unreadable folder %s: %s", folder, e.strerror)
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and not ignores.ignored(path, True):
                        subdirs.append(path)
                    continue
                if not entry.is_file() or os.path.splitext(entry.name)[1].lower() not in exts:
                    continue
                if entry.is_symlink() and not inside(path, [real_root]):
                    log.info("index skips %s: a link to outside the workspace", path)
                    continue
            except OSError:
                continue
            if ignores.ignored(path, False):
                continue
            yield path
            count += 1
            if count >= max_files:
                log.info("workspace index stops at %d files (maxFiles)", limits.max_files)
                return
        stack.extend(reversed(subdirs))


def inside(path: Path, roots: list[Path]) -> bool:
    """Whether `path`, with every link in it followed, is under one of the (resolved) roots."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return False
    return any(real.is_relative_to(r) for r in roots)


def read_source(path: Path, limits: WalkLimits) -> bytes | None:
    """A file's bytes, or None (logged) when it is too big, binary, minified or unreadable."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            log.info("index skips %s: %d bytes is over maxFileBytes", path, size)
            return None
        with path.open("rb") as f:
            data = f.read(limits.max_file_bytes + 1)
    except OSError as e:
        log.info("index skips unreadable %s: %s", path, e.strerror)
        return None
    if b"\0" in data[:8192]:
        return None
    if max(map(len, data.split(b"\n")), default=0) > limits.max_line_chars:  # (map runs in C: big files are common)
        log.info("index skips %s: lines over %d characters (minified?)", path, limits.max_line_chars)
        return None
    return data


class RecentFiles:
    """The text of the last few source files read, kept while their size and modification time stay the same."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._texts: dict[Path, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()

    def read(self, path: Path, limits: WalkLimits) -> str | None:
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_size, st.st_mtime_ns)
        with self._lock:
            cached = self._texts.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        data = read_source(path, limits)
        if data is None:
            return None
        text = data.decode("utf-8", errors="replace")
        with self._lock:
            self._texts.pop(path, None)
            if len(self._texts) >= self.size:
                self._texts.pop(next(iter(self._texts)))
            self._texts[path] = (stamp, text)
        return text
