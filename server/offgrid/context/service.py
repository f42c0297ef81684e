"""The context service: open documents' trees, the workspace index and the recent-code ring behind one object
that the LSP layer feeds and the completion pipeline asks for a pack.

A pack is sticky: it is rebuilt only when the cursor moves to another top-level definition or another window
step, or when the index changes. Typing inside a function leaves it unchanged, so the model's cached prompt
up to the local window survives every keystroke.
"""

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import tree_sitter

from offgrid.config import ContextSettings
from offgrid.context.index import WorkspaceIndex, stem_of
from offgrid.context.languages import Language, language_for
from offgrid.context.mode import mode_at
from offgrid.context.outline import FileOutline, Source, Symbol, outline
from offgrid.context.pack import ContextPack, Count, Cursor, FileSnippet, assemble, build_pack, render
from offgrid.context.recent import RecentChunks
from offgrid.context.relevance import relevant, repeats_shown, shown_rows
from offgrid.context.similar import Window, names_in, query_text
from offgrid.context.trees import DocumentTrees, encode
from offgrid.context.walk import RecentFiles, WalkLimits, inside

log = logging.getLogger(__name__)


def uri_to_path(uri: str) -> str:
    """A file path for a file:// URI (other schemes stay as they are)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return url2pathname(unquote(parsed.path)) if parsed.netloc in ("", "localhost") else uri


class ContextService:
    """Everything offgrid knows about the code beyond the current window."""

    def __init__(self, settings: ContextSettings | None = None, roots: list[Path] | None = None) -> None:
        self.settings = settings or ContextSettings()
        self.roots = [r.resolve() for r in roots or []]
        limits = WalkLimits(self.settings.max_files, self.settings.max_file_bytes)
        self.index = WorkspaceIndex(self.roots, limits)
        self.trees = DocumentTrees()
        self.recent = RecentChunks(self.settings.recent_chunks)
        self._outlines: dict[str, tuple[int, FileOutline]] = {}
        self._packs: dict[str, tuple[tuple, ContextPack]] = {}
        self._lock = threading.Lock()
        self._displayed: dict[str, str] = {}
        self._counts: dict[str, int] = {}  # token counts of rows: the same signatures come back request after request
        self._texts = RecentFiles()  # the files similar code comes from come back pack after pack
        self.last_ms = 0.0
        self.last_cpu_ms = 0.0
        self.last_pack: ContextPack | None = None

    def configure(self, settings: ContextSettings) -> None:
        """New settings (the workspace configuration arrives after initialize)."""
        self.settings = settings
        self.index.limits = WalkLimits(settings.max_files, settings.max_file_bytes)
        with self._lock:
            self._packs.clear()

    # -- events from the editor

    def opened(self, uri: str, language_id: str, text: str) -> None:
        self.trees.open(uri, language_id, text, uri_to_path(uri))

    def changed(self, uri: str, before: str, start: int, end: int, new_text: str) -> None:
        self.trees.edit(uri, before, start, end, new_text)

    def replaced(self, uri: str, text: str) -> None:
        self.trees.replace(uri, text)

    def closed(self, uri: str) -> None:
        self.trees.close(uri)
        with self._lock:
            self._outlines.pop(uri, None)
            self._packs.pop(uri, None)

    def saved(self, uri: str) -> None:
        """Reindex a saved file (when it is in the workspace)."""
        self.file_changed(Path(uri_to_path(uri)))

    def file_changed(self, path: Path, deleted: bool = False) -> None:
        if not self.settings.index_workspace or not any(_under(path, r) for r in self.roots):
            return
        if deleted:
            self.index.remove(path)
        else:
            self.index.update(path)

    # -- lookups across files (the pack's Lookup)

    def _open_outlines(self, exclude: str) -> list[FileOutline]:
        out = []
        for uri in self.trees.uris():
            if uri_to_path(uri) == exclude:
                continue
            found = self._outline_of(uri)
            if found is not None:
                out.append(found)
        return out

    def definitions(self, name: str, family: str, exclude: str) -> list[Symbol]:
        opened = self._open_outlines(exclude)
        open_paths = {o.path for o in opened}
        mine = [s for o in opened if o.family == family for s in o.symbols if s.name == name]
        indexed = [s for s in self.index.definitions(name) if s.path != exclude and s.path not in open_paths]
        return mine + [s for s in indexed if _family(s.path) == family]

    def classes_like(self, word: str, family: str, exclude: str) -> list[Symbol]:
        """Classes in other files whose name ends in `word` (a guess at a variable's type from its name)."""
        return [s for s in self.index.classes_like(word) if s.path != exclude and _family(s.path) == family]

    def members(self, owner: Symbol) -> list[Symbol]:
        """The definitions inside a class, from its file's open document or the index."""
        opened = next((u for u in self.trees.uris() if uri_to_path(u) == owner.path), None)
        found = (self._outline_of(opened) if opened is not None else None) or self.index.file(owner.path)
        if found is None:
            return []
        return [s for s in found.symbols if s.parent == owner.name and owner.line < s.line <= owner.end_line]

    def modules(self, stem: str, family: str, exclude: str) -> list[FileOutline]:
        opened = {o.path: o for o in self._open_outlines(exclude) if stem_of(o.path) == stem}
        indexed = [opened.pop(o.path, o) for o in self.index.modules(stem)]  # an open document's text wins
        return [o for o in [*indexed, *opened.values()] if o.family == family and o.path != exclude]

    def _outline_of(self, uri: str) -> FileOutline | None:
        doc = self.trees.get(uri)
        if doc is None:
            return None
        with self.trees.lock:
            version, lang, tree, text = doc.version, doc.language, doc.current(), doc.text
            cached = self._outlines.get(uri)
            if cached is not None and cached[0] == version:
                return cached[1]
            if tree is None:
                return None
            found = outline(lang, tree, encode(text), uri_to_path(uri))
        with self._lock:
            self._outlines[uri] = (version, found)
        return found

    # -- the pack

    def display(self, path: str) -> str:
        """A path as the model sees it: relative to its workspace folder."""
        shown = self._displayed.get(path)
        if shown is None:
            p = Path(path)
            root = next((r for r in self.roots if _under(p, r)), None)
            shown = p.relative_to(root).as_posix() if root is not None else p.name
            if len(self._displayed) > 50_000:
                self._displayed.clear()
            self._displayed[path] = shown
        return shown

    def _memo(self, count: Count) -> Count:
        def counted(text: str) -> int:
            n = self._counts.get(text)
            if n is None:
                if len(self._counts) > 50_000:
                    self._counts.clear()
                n = self._counts[text] = count(text)
            return n

        return counted

    def for_cursor(
        self, uri: str, language_id: str, text: str, row: int, column: int, first: int, last: int, count: Count
    ) -> ContextPack:
        """The context pack for a cursor at (row, column) whose local window shows rows [first, last]."""
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            self.last_pack = self._for_cursor(uri, language_id, text, row, column, first, last, count)
            return self.last_pack
        finally:
            self.last_ms = (time.perf_counter() - t0) * 1000
            self.last_cpu_ms = (time.thread_time() - c0) * 1000  # what it costs, whatever else the machine runs

    def _for_cursor(
        self, uri: str, language_id: str, text: str, row: int, column: int, first: int, last: int, count: Count
    ) -> ContextPack:
        path = uri_to_path(uri)
        lang = language_for(language_id, path)
        lines = text.split("\n")
        line_text = lines[row].rstrip("\r") if 0 <= row < len(lines) else ""
        tree, data = self._tree(uri, lang, text)
        mode = mode_at(tree, line_text, row, column)
        repo = self.roots[0].name if self.roots else ""
        anchor = _anchor(lines, row, column)
        cur = Cursor(uri, self.display(path), row, column, first, last, anchor)
        base = ContextPack(repo, cur.path, lang.comment if lang else "#", mode=mode, format=self.settings.format)
        if not self.settings.enabled or self.settings.max_tokens <= 0:
            return base
        for edited, _ in self.trees.take_edits(uri):
            self.recent.note(uri, path, lines, edited)
        # the settings too: a pack built under another budget or format is not this one
        key = (uri, first, _top_scope_row(tree, anchor[0]), self.index.generation, len(self.index), self.settings)
        with self._lock:
            cached = self._packs.get(uri)
        if cached is not None and cached[0] == key:
            return replace(cached[1], mode=mode)
        query = names_in(query_text(lines, row, column, lang.comment if lang else "#"))
        gate = self.settings.recent_min_overlap
        shown = shown_rows(lines[max(0, first) : last + 1])
        recent = [
            c
            for c in self.recent.chunks()
            if c.uri != uri
            and relevant(query, "\n".join(t for _, t in c.rows), gate)
            and not repeats_shown(shown, [t for _, t in c.rows])
        ]
        if lang is None or tree is None:
            files = {self.display(c.path): dict(c.rows) for c in recent[:2]}
            snippets = tuple(FileSnippet(p, render(r)) for p, r in sorted(files.items()))
            pack = ContextPack(repo, cur.path, base.comment, snippets, "", mode, format=self.settings.format)
        else:
            local = self._local_outline(uri, text) or outline(lang, tree, data, path)
            budget, counted = self.settings.max_tokens, self._memo(count)
            similar_budget = min(budget, self.settings.similar_tokens)
            similar = self._similar(lines, row, column, path, lang.comment) if similar_budget > 0 else []
            similar = [w for w in similar if not repeats_shown(shown, [t for _, t in w.rows])]
            chosen, stub, used, names = build_pack(
                lang,
                tree,
                Source(data),
                local,
                cur,
                self,
                recent,
                budget,
                counted,
                self.display,
                similar,
                similar_budget,
            )
            snippets, stub_text = assemble(repo, cur, lang, chosen, stub, used)
            pack = ContextPack(
                repo, cur.path, lang.comment, snippets, stub_text, mode, used, tuple(names), self.settings.format
            )
        with self._lock:
            self._packs[uri] = (key, pack)
        self.recent.note(uri, path, lines, row)  # the place being viewed, for completions in other files
        return pack

    def _similar(self, lines: list[str], row: int, column: int, path: str, comment: str) -> list[Window]:
        """Windows of other files like the rows above the cursor (the cursor's row up to the cursor)."""
        open_texts = {uri_to_path(u): d.text for u in self.trees.uris() if (d := self.trees.get(u)) is not None}

        def read(p: str) -> str | None:
            if p in open_texts:  # what the editor shows, saved or not
                return open_texts[p]
            if not inside(Path(p), self.roots):  # replaced by a link out of the workspace since it was indexed
                return None
            return self._texts.read(Path(p), self.index.limits)

        found = self.index.similar.search(query_text(lines, row, column, comment), path, read)
        return [w for w in found if w.score >= self.settings.similar_min_score]

    def _local_outline(self, uri: str, text: str) -> FileOutline | None:
        """The open document's cached outline, when the request is for its current text."""
        doc = self.trees.get(uri)
        return self._outline_of(uri) if doc is not None and doc.text == text else None

    def _tree(self, uri: str, lang: Language | None, text: str) -> tuple[tree_sitter.Tree | None, bytes]:
        """The open document's tree when it matches `text`, else a fresh parse."""
        data = encode(text)
        if lang is None:
            return None, data
        doc = self.trees.get(uri)
        if doc is not None:
            with self.trees.lock:
                if doc.text == text and doc.language == lang:
                    return doc.current(), data
        return tree_sitter.Parser(lang.ts_language).parse(data), data


def _anchor(lines: list[str], row: int, column: int) -> tuple[int, int]:
    """Where to look up the scopes around the cursor. On an indented blank line that is the end of the code
    above it: a new line at the end of a function is still in that function, though its tree ends earlier."""
    if row >= len(lines) or lines[row].strip() or column == 0:
        return row, column
    above = next((r for r in range(row - 1, -1, -1) if lines[r].strip()), None)
    if above is None:
        return row, column
    return above, len(lines[above].rstrip().encode("utf-8", errors="surrogatepass"))


def _top_scope_row(tree: tree_sitter.Tree | None, row: int) -> int:
    """The first row of the top-level definition holding `row` (-1 between definitions)."""
    if tree is None:
        return -1
    for child in tree.root_node.children:
        if child.start_point.row <= row <= child.end_point.row and child.end_point.row > child.start_point.row:
            return child.start_point.row
    return -1


def _under(path: Path, root: Path) -> bool:
    return path.is_relative_to(root) or (path.is_absolute() is False and path.resolve().is_relative_to(root))


def _family(path: str) -> str:
    lang = language_for(None, path)
    return lang.family if lang else ""
