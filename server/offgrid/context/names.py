"""Which names around a cursor are worth looking up, and the rows that define them: in the current file
outside the local window, or in other files (a member's class, the class a variable's name suggests, an
imported module's top level).
"""

from collections.abc import Callable, Iterable
from typing import Protocol

import tree_sitter

from offgrid.context.index import last_word
from offgrid.context.languages import Language
from offgrid.context.outline import FileOutline, Row, Symbol, is_top_class
from offgrid.context.receiver import member_listing, name_parts, snake_to_class

MAX_PER_NAME = 2  # definitions shown for one name
MAX_AMBIGUOUS = 4  # a name defined in more places than this is skipped unless the file imports it
MAX_MODULE_SYMBOLS = 12
MAX_AMBIGUOUS_MEMBER = 2  # `x.name` names the index may not know the owner of: only a rare name is looked up
MAX_OWNER_ROWS = 24  # a method's class is shown whole (signatures only) up to this many rows
MAX_GUESSES = 4  # a variable's name that fits more classes than this says nothing about its type
NEAR_ROWS = 8  # members used this close to the cursor come before the imported names the window does not use
SKIP_NAMES = frozenset({"self", "cls", "this", "super", "None", "True", "False", "nil", "null", "true", "false"})

Ref = tuple[int, bool, bool]  # rows from the cursor, only used as a member, has members used


class Lookup(Protocol):
    """Definitions outside the current file: other open documents, then the workspace index."""

    def definitions(self, name: str, family: str, exclude: str) -> list[Symbol]: ...

    def modules(self, stem: str, family: str, exclude: str) -> list[FileOutline]: ...

    def classes_like(self, word: str, family: str, exclude: str) -> list[Symbol]: ...

    def members(self, owner: Symbol) -> list[Symbol]: ...


def _is_member(node: tree_sitter.Node) -> bool:
    """`x.name`, `x->name`, `X::name`: the name after an access operator, whose owner the index cannot know."""
    prev = node.prev_sibling
    return prev is not None and prev.type in (".", "->", "::", "?.", ":")


def _is_receiver(node: tree_sitter.Node) -> bool:
    """`name.x`, `a.name.x`: a name whose members are used, so its type's members are worth showing."""
    n = node
    for _ in range(2):
        if n.next_sibling is not None:
            return n.next_sibling.type in (".", "->", "?.")
        if n.parent is None or n.parent.end_byte != n.end_byte:
            return False
        n = n.parent
    return False


def references(lang: Language, tree: tree_sitter.Tree, first: int, last: int, row: int) -> dict[str, Ref]:
    """Names used in rows [first, last], each with its distance in rows from the cursor's row, whether it is
    only ever used as a member (`x.name`) and whether its own members are used (`name.x`)."""
    query = lang.query("references")
    if query is None:
        return {}
    qc = tree_sitter.QueryCursor(query)
    qc.set_point_range((first, 0), (last + 1, 0))
    out: dict[str, Ref] = {}
    for node in qc.captures(tree.root_node).get("reference", []):
        name = (node.text or b"").decode("utf-8", errors="replace")
        if len(name) <= 1 or name in SKIP_NAMES:
            continue
        d, member, receiver = abs(node.start_point.row - row), _is_member(node), _is_receiver(node)
        old_d, old_member, old_receiver = out.get(name, (1 << 30, True, False))
        out[name] = (min(d, old_d), member and old_member, receiver or old_receiver)
    return out


def _nearness(s: Symbol, cur_dir: str, imported: frozenset[str]) -> tuple[int, int, str, int]:
    """Sort key: definitions in modules the file imports first, then in its folder."""
    stem = s.path.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    same_dir = s.path.replace("\\", "/").rsplit("/", 1)[0] == cur_dir
    return (0 if stem in imported else 1, 0 if same_dir else 1, s.path, s.line)


def _rank(symbols: list[Symbol], cur_dir: str, imported: frozenset[str]) -> list[Symbol]:
    return sorted(symbols, key=lambda s: _nearness(s, cur_dir, imported))


def priority(refs: dict[str, Ref], imported: frozenset[str]) -> list[tuple[int, str]]:
    """Names to look up, most useful first: plain names near the cursor (nearest first), then members used
    within NEAR_ROWS, then the names the file imports that the window does not use, then farther members."""

    def key(item: tuple[str, tuple[int, int]]) -> tuple[int, int, str]:
        return (*item[1], item[0])

    tiers: dict[str, tuple[int, int]] = {n: (2, 0) for n in imported}
    for name, (d, member, _) in refs.items():
        tiers[name] = (0, d) if not member or name in imported else (1 if d <= NEAR_ROWS else 3, d)
    return [(tier[0], n) for n, tier in sorted(tiers.items(), key=key)]


def _owner_sig(s: Symbol, lookup: Lookup, local: FileOutline) -> tuple[Row, ...]:
    """A method used as `x.name`: its class's signature (all its public members, which the code around the
    cursor may call next), when the class is small enough; else the method's own."""
    if not s.parent:
        return s.sig or s.rows
    owners = [o for o in lookup.definitions(s.parent, local.family, local.path) if o.path == s.path]
    sig = owners[0].sig if owners else ()
    return sig if sig and len(sig) <= MAX_OWNER_ROWS and any(n == s.line for n, _ in sig) else s.sig or s.rows


class Finder:
    """The rows that define a name: in the current file outside the window, else in other files (a member's
    class, a class a variable's name suggests, an imported module's top level)."""

    def __init__(
        self,
        lookup: Lookup,
        local: FileOutline,
        first: int,
        last: int,
        refs: dict[str, Ref],
        display: Callable[[str], str],
        here: str,
        types: dict[str, str] | None = None,
    ) -> None:
        self.lookup, self.local, self.refs, self.display, self.here = lookup, local, refs, display, here
        self.types = types or {}  # variable -> class, as declared near the cursor (receiver.declared_types)
        self.first, self.last = first, last  # the rows the local window shows
        self.cur_dir = local.path.replace("\\", "/").rsplit("/", 1)[0]

    def __call__(self, name: str) -> list[tuple[str, Iterable[Row]]]:
        local, lookup, first, last = self.local, self.lookup, self.first, self.last
        mine = [s for s in local.symbols if s.name == name and (s.end_line < first or s.line > last)]
        outside = [(self.here, [r for r in s.sig or s.rows if r[0] < first or r[0] > last]) for s in mine]
        if outside:
            return outside[:MAX_PER_NAME]
        imported = name in local.imported
        _, member, receiver = self.refs.get(name, (0, False, False))
        if receiver and (listing := self._members_of(name, imported)):
            return listing
        if receiver and not imported:
            guess = lookup.classes_like(last_word(name), local.family, local.path)  # `stream.x`: a TokenStream?
            if 0 < len(guess) <= MAX_GUESSES:  # the likeliest: the same name, then from a module the file imports
                s = min(guess, key=lambda s: (s.name.lower() != name, _nearness(s, self.cur_dir, local.imported)))
                return [(self.display(s.path), s.sig or s.rows)]
        theirs = lookup.definitions(name, local.family, local.path)
        if not member and not imported:  # a plain name: another file's local variable or method is not it
            theirs = [s for s in theirs if s.top_level]
        if len(theirs) > (MAX_AMBIGUOUS_MEMBER if member else MAX_AMBIGUOUS) and not imported:
            return []
        ranked = _rank(theirs, self.cur_dir, local.imported)[:MAX_PER_NAME]
        found = [(self.display(s.path), _owner_sig(s, lookup, local) if member else s.sig or s.rows) for s in ranked]
        if not found and imported:
            for mod in lookup.modules(name, local.family, local.path)[:1]:
                shown = [s for s in mod.symbols if s.top_level and not s.name.startswith("__")][:MAX_MODULE_SYMBOLS]
                found.append((self.display(mod.path), [r for s in shown for r in s.sig or s.rows]))
        return found

    def _members_of(self, name: str, imported: bool) -> list[tuple[str, Iterable[Row]]]:
        """`name.x`: the public members of name's class (the class itself, the type its declaration gives
        it, or the class its snake_case name spells), when another file defines that class."""
        local = self.local
        if imported or name[:1].isupper():
            cls = self._class_named(name)
        elif name in self.types:
            cls = self._class_named(self.types[name])
        else:  # `prepared_request` is a PreparedRequest, however many other classes end in Request
            want = snake_to_class(name)
            like = self.lookup.classes_like(last_word(name), local.family, local.path)
            cls = self._nearest([s for s in like if s.name.lower() == want])
        if cls is None:
            return []
        near = {part for n, (d, _, _) in self.refs.items() if d <= NEAR_ROWS for part in name_parts(n)}
        listing = member_listing(cls, self.lookup.members, self._class_named, near)
        return [(self.display(p), rows) for p, rows in listing]

    def _class_named(self, name: str) -> Symbol | None:
        """The top-level class of that name in another file, nearest first (see _nearness)."""
        local = self.local
        return self._nearest([s for s in self.lookup.definitions(name, local.family, local.path) if is_top_class(s)])

    def _nearest(self, symbols: list[Symbol]) -> Symbol | None:
        return _rank(symbols, self.cur_dir, self.local.imported)[0] if symbols else None
