"""The context pack for a cursor: what a reader would look up, chosen by priority under a token budget and
laid out in a stable order (by file path, then by line) so that the model's KV cache stays reusable.

Priority: the headers of the scopes around the cursor and the imports (when the local window does not show
them; at most half the budget), then windows of other files' code most like the lines being written (similar.py;
under their own budget), then the definitions of the names used near the cursor or imported, as
signatures (names.py says which names and where they are defined), then recently edited or viewed code.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

import tree_sitter

from offgrid.context.languages import Language
from offgrid.context.mode import Mode
from offgrid.context.names import Finder, Lookup, priority, references
from offgrid.context.outline import FileOutline, Row, Source, find_body, header_end, node_key
from offgrid.context.receiver import declared_types
from offgrid.context.recent import Chunk
from offgrid.context.similar import Window

TYPE_ROWS = 80  # declarations this far above the cursor say what a variable is
MAX_SHARE = 2  # one name's definitions take at most this share of the budget, so one big class cannot crowd out
Count = Callable[[str], int]
_CLOSERS = ("}", ")", "]", "end")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class FileSnippet:
    path: str  # as shown to the model: relative to the workspace root
    text: str


@dataclass(frozen=True)
class ContextPack:
    """Extra context for one cursor. `stub` is the current file's rows above the local window (imports, the
    scope headers around the cursor), which go right before the prefix; `files` go before the current file."""

    repo: str = ""
    path: str = ""
    comment: str = "#"
    files: tuple[FileSnippet, ...] = ()
    stub: str = ""
    mode: Mode | None = None
    tokens: int = 0  # the budget's estimate of what it costs
    names: tuple[str, ...] = field(default=(), compare=False)  # resolved names, for logs and tests
    format: str = "repo"  # see ContextSettings.format


@dataclass(frozen=True)
class Cursor:
    """Where the completion is: the document, the cursor, and the rows the local prompt window shows."""

    uri: str
    path: str  # display path
    row: int
    column: int
    first: int  # first row of the prefix window
    last: int  # last row of the suffix window
    anchor: tuple[int, int] | None = None  # where scopes are looked up (the code above a blank line)


def scope_chain(lang: Language, tree: tree_sitter.Tree, src: Source, row: int, col: int) -> list[Row]:
    """Header rows of the scopes around the cursor, outermost first."""
    query = lang.query("scopes")
    if query is None:
        return []
    qc = tree_sitter.QueryCursor(query)
    qc.set_point_range((row, 0), (row + 1, 0))
    rows: list[Row] = []
    seen: set[tuple[int, int, int]] = set()
    for node in sorted(qc.captures(tree.root_node).get("scope", []), key=lambda n: n.start_byte):
        if node_key(node) in seen or not (node.start_point <= (row, col) <= node.end_point):
            continue
        seen.add(node_key(node))
        end = header_end(node, find_body(node), src)
        if end < row:
            rows.extend(src.rows(node.start_point.row, end))
    return rows


class _Selection:
    """Rows chosen so far, by file, with their token cost."""

    def __init__(self, budget: int, count: Count) -> None:
        self.budget, self.count = budget, count
        self.rows: dict[str, dict[int, str]] = {}
        self.used = 0

    def add(self, path: str, rows: Iterable[Row], cap: int | None = None) -> bool:
        """Take all of `rows` if they fit in what is left of the budget (and cost at most `cap`)."""
        have = self.rows.get(path, {})
        new = [(n, t) for n, t in rows if n not in have]
        if not new:
            return True
        cost = self.count("\n".join(t for _, t in new)) + len(new)
        if path not in self.rows:
            cost += self.count(path) + 2
        if self.used + cost > self.budget or (cap is not None and cost > cap):
            return False
        self.rows.setdefault(path, {}).update(new)
        self.used += cost
        return True

    def add_all(self, found: list[tuple[str, Iterable[Row]]], cap: int) -> bool:
        """Take all the rows of all of `found` if together they fit (and cost at most `cap`), else none."""
        saved = {p: dict(r) for p, r in self.rows.items()}, self.used
        ok = all(self.add(p, rows, cap - (self.used - saved[1])) for p, rows in found)
        if not ok:
            self.rows, self.used = saved
        return ok


def render(rows: dict[int, str]) -> str:
    """Rows in order; a blank line where a gap leads to a new top-level item."""
    out: list[str] = []
    prev = None
    for n in sorted(rows):
        text = rows[n]
        new_item = text[:1] not in ("", " ", "\t") and not text.startswith(_CLOSERS)
        if prev is not None and n > prev + 1 and new_item and out[-1] != "":
            out.append("")
        out.append(text)
        prev = n
    return "\n".join(out)


def _import_groups(rows: list[Row]) -> list[list[Row]]:
    """Import rows by statement: a statement's continuation rows are indented or close it."""
    groups: list[list[Row]] = []
    for n, text in rows:
        if groups and (text[:1] in (" ", "\t") or text.lstrip().startswith(_CLOSERS)) and groups[-1][-1][0] == n - 1:
            groups[-1].append((n, text))
        else:
            groups.append([(n, text)])
    return groups


def _add_imports(sel: _Selection, here: str, rows: list[Row], cap: int, lookup: Lookup, local: FileOutline) -> None:
    """The file's imports, all of them when they cost at most `cap`; else first those that bring in names the
    workspace defines (what the pack can say more about), then the others, while they fit."""
    if not rows or sel.add(here, rows, cap):
        return

    def ours(group: list[Row]) -> bool:
        names = {w for _, t in group for w in _WORD.findall(t)} & local.imported
        return any(
            lookup.definitions(w, local.family, local.path) or lookup.modules(w, local.family, local.path)
            for w in names
        )

    groups = _import_groups(rows)
    start = sel.used
    for group in [g for g in groups if ours(g)] + [g for g in groups if not ours(g)]:
        sel.add(here, group, cap - (sel.used - start))


def build_pack(
    lang: Language,
    tree: tree_sitter.Tree,
    src: Source,
    local: FileOutline,
    cur: Cursor,
    lookup: Lookup,
    recent: list[Chunk],
    budget: int,
    count: Count,
    display: Callable[[str], str],
    similar: Sequence[Window] = (),
    similar_budget: int = 0,
) -> tuple[dict[str, dict[int, str]], dict[int, str], int, list[str]]:
    """Choose rows under `budget` tokens: (rows of other files by display path, current-file rows above the
    window, tokens used, names resolved)."""
    sel = _Selection(budget, count)
    here = "\0here"  # the current file's rows, split into stub and section afterwards
    # 1. scope headers and imports the local window does not show
    row, col = cur.anchor or (cur.row, cur.column)
    sel.add(here, [r for r in scope_chain(lang, tree, src, row, col) if r[0] < cur.first])
    _add_imports(sel, here, [r for r in local.import_rows if r[0] < cur.first], budget // 2, lookup, local)
    # 2. code of other files most like the lines being written (how they call what this line may call)
    start = sel.used
    for window in similar:
        sel.add(display(window.path), window.rows, similar_budget - (sel.used - start))
    # 3. definitions of the names used near the cursor, nearest first, then of the imported names
    refs = references(lang, tree, cur.first, cur.last, cur.row)
    in_window = {s.name for s in local.symbols if cur.first <= s.line <= cur.last}
    types = declared_types(t for _, t in src.rows(max(cur.first, cur.row - TYPE_ROWS), cur.row))
    find = Finder(lookup, local, cur.first, cur.last, refs, display, here, types)
    resolved: list[str] = []
    for tier, group in groupby(priority(refs, local.imported), key=lambda tn: tn[0]):
        if sel.used >= budget:
            break
        entries = [(name, found) for _, name in group if name not in in_window and (found := find(name))]
        if tier == 2:  # the imports the window does not use: the shortest first, so that more of them fit
            entries.sort(key=lambda e: sum(len(t) for _, rows in e[1] for _, t in rows))  # (tokenizing all is slow)
        for name, found in entries:
            if sel.add_all(found, budget // MAX_SHARE):
                resolved.append(name)
    # 4. recently edited or viewed code, newest first
    for chunk in recent:
        sel.add(here if chunk.uri == cur.uri else display(chunk.path), chunk.rows)
    mine_rows = sel.rows.pop(here, {})
    stub = {n: t for n, t in mine_rows.items() if n < cur.first}
    below = {n: t for n, t in mine_rows.items() if n > cur.last}
    if not all(t.strip().startswith(_CLOSERS) for t in below.values()):  # not just the closing `}` of a scope
        sel.rows.setdefault(cur.path, {}).update(below)
    return sel.rows, stub, sel.used, resolved


def assemble(
    repo: str, cur: Cursor, lang: Language, files: dict[str, dict[int, str]], stub: dict[int, str], used: int
) -> tuple[tuple[FileSnippet, ...], str]:
    """Snippets in a stable order (by path; the current file's own section last) and the stub's text."""
    order = sorted(p for p in files if p != cur.path) + ([cur.path] if cur.path in files else [])
    snippets = tuple(FileSnippet(p, render(files[p])) for p in order if files[p])
    text = render(stub)
    return snippets, text + "\n" if text else ""
