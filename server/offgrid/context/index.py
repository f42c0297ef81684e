"""The workspace index: every definition in the workspace's source files, by name and by file stem.

Built in the background (its own thread, off the model's), updated one file at a time on save and on
`workspace/didChangeWatchedFiles`. It keeps outlines only (names, kinds and the few rows that show them)
and which names each file uses, never whole files or trees.
"""

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from offgrid.context.languages import language_for
from offgrid.context.outline import FileOutline, Symbol, is_top_class, outline
from offgrid.context.similar import SimilarCode
from offgrid.context.walk import WalkLimits, inside, read_source, source_files

log = logging.getLogger(__name__)
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

ProgressFn = Callable[[int, int], None]  # (files done, files total)


def outline_bytes(path: str, data: bytes) -> FileOutline | None:
    """Parse a file's bytes and outline it; None for an unknown language."""
    lang = language_for(None, path)
    if lang is None:
        return None
    tree = tree_sitter.Parser(lang.ts_language).parse(data)
    return outline(lang, tree, data, path)


@dataclass(frozen=True)
class IndexStats:
    files: int
    symbols: int
    seconds: float
    capped: bool = False  # the workspace has more source files than maxFiles


class WorkspaceIndex:
    """Outlines of the workspace's files. Readers get consistent snapshots; writers replace whole files."""

    def __init__(self, roots: list[Path] | None = None, limits: WalkLimits | None = None) -> None:
        self.roots = list(roots or [])
        self.limits = limits or WalkLimits()
        self.generation = 0  # bumped on every change, so cached context packs know to refresh
        self._files: dict[str, FileOutline] = {}
        self._by_name: dict[str, list[Symbol]] = {}
        self._by_stem: dict[str, list[str]] = {}
        self._by_tail: dict[str, list[Symbol]] = {}  # top-level classes by the last word of their name
        self._lock = threading.Lock()
        self.ready = threading.Event()
        self.similar = SimilarCode()  # which files use which names, for similar-code windows

    # -- building

    def build(self, progress: ProgressFn | None = None, cancel: threading.Event | None = None) -> IndexStats:
        """Index every source file under the root (blocking; run it on a background thread)."""
        t0 = time.perf_counter()
        paths: list[Path] = []
        for root in self.roots:
            # one more than the cap, to know whether there were more
            paths.extend(source_files(root, self.limits, self.limits.max_files + 1 - len(paths)))
        capped = len(paths) > self.limits.max_files
        paths = paths[: self.limits.max_files]
        for i, path in enumerate(paths):
            if cancel is not None and cancel.is_set():
                break
            self.update(path)
            if progress is not None:
                progress(i + 1, len(paths))
        self.ready.set()
        symbols = sum(len(v) for v in self._by_name.values())
        stats = IndexStats(len(self._files), symbols, time.perf_counter() - t0, capped)
        log.info("workspace index: %d files, %d definitions in %.1f s", stats.files, stats.symbols, stats.seconds)
        return stats

    def start(self, progress: ProgressFn | None = None, done: Callable[[IndexStats], None] | None = None) -> None:
        """Build in a daemon thread."""

        def run() -> None:
            try:
                stats = self.build(progress)
            except Exception:  # indexing must never take the server down
                log.exception("workspace indexing failed")
                stats = IndexStats(len(self._files), 0, 0.0)
                self.ready.set()
            if done is not None:
                done(stats)

        threading.Thread(target=run, name="offgrid-index", daemon=True).start()

    def update(self, path: Path) -> None:
        """(Re)index one file, or drop it when it is gone, ignored or unreadable."""
        key = str(path)
        roots = [r.resolve() for r in self.roots]
        readable = path.is_file() and (not roots or inside(path, roots))  # never through a link out of the roots
        data = read_source(path, self.limits) if readable else None
        try:
            found = outline_bytes(key, data) if data is not None else None
        except Exception as e:  # a grammar bug on one odd file must not stop the index
            log.info("index skips %s: %s", path, e)
            found = None
        with self._lock:
            self._remove(key)
            if found is not None:
                self._add(found)
            self.generation += 1
        if found is not None and data is not None:
            self.similar.add(key, data.decode("utf-8", errors="replace"))
        else:
            self.similar.remove(key)

    def remove(self, path: Path) -> None:
        with self._lock:
            self._remove(str(path))
            self.generation += 1
        self.similar.remove(str(path))

    def _add(self, out: FileOutline) -> None:
        self._files[out.path] = out
        for s in out.symbols:
            self._by_name.setdefault(s.name, []).append(s)
        self._by_stem.setdefault(stem_of(out.path), []).append(out.path)
        for s in out.symbols:
            if is_top_class(s):
                self._by_tail.setdefault(last_word(s.name), []).append(s)

    def _remove(self, key: str) -> None:
        old = self._files.pop(key, None)
        if old is None:
            return
        for s in old.symbols:
            same = self._by_name.get(s.name)
            if same is not None:
                same[:] = [x for x in same if x.path != key]
                if not same:
                    del self._by_name[s.name]
        for s in old.symbols:
            tails = self._by_tail.get(last_word(s.name))
            if tails is not None and s in tails:
                tails[:] = [x for x in tails if x.path != key]
        stems = self._by_stem.get(stem_of(key), [])
        if key in stems:
            stems.remove(key)

    # -- reading

    def definitions(self, name: str) -> list[Symbol]:
        with self._lock:
            return list(self._by_name.get(name, ()))

    def classes_like(self, word: str) -> list[Symbol]:
        """Top-level classes whose name ends in `word` (`stream` finds TokenStream, `formatter` HelpFormatter)."""
        with self._lock:
            return list(self._by_tail.get(word.lower(), ()))

    def modules(self, stem: str) -> list[FileOutline]:
        """Outlines of files named `stem` (utils.py, utils/__init__.py, utils.h)."""
        with self._lock:
            return [self._files[p] for p in self._by_stem.get(stem, ()) if p in self._files]

    def file(self, path: str) -> FileOutline | None:
        with self._lock:
            return self._files.get(path)

    def __len__(self) -> int:
        return len(self._files)


def last_word(name: str) -> str:
    """The last word of a CamelCase or snake_case name, lower case: Stream for TokenStream, formatter for
    help_formatter."""
    words = _WORDS.findall(name.rsplit("_", 1)[-1] or name)
    return (words[-1] if words else name).lower()


def stem_of(path: str) -> str:
    """The name a module is imported by: utils for utils.py, pkg for pkg/__init__.py."""
    p = Path(path)
    return p.parent.name if p.stem in ("__init__", "index", "mod", "init") else p.stem
