"""What a variable's members are: its type as the code near the cursor declares it, and that class's public
members (its own, then its bases') as header rows.

`converter.` asks for one of Converter's methods. The variable's name alone does not say which class it is
(cattrs has a dozen classes ending in Converter), but its annotation or constructor nearby does, in most
languages: `converter: Converter` (Python, TypeScript, Rust), `x = Foo(...)`, `x := &Foo{}` (Go),
`Foo x = new Foo()` (Java, C#, C++).
"""

import re
from collections.abc import Callable, Iterable

from offgrid.context.outline import CLASS_KINDS, Row, Symbol, public_name

MAX_MEMBER_CHARS = 1200  # about 300 tokens: room for about 15 short method headers
OWN_SHARE = 0.6  # of MAX_MEMBER_CHARS for the class's own members, when bases follow

_TYPE = r"(?:[\w]+\.)*([A-Z]\w*)"  # `Converter`, `mod.Converter`: the class's own name
_ANNOTATED = re.compile(r"\b([a-z_]\w*)\s*:\s*[\"']?(?:&\s*)?(?:mut\s+)?" + _TYPE)
_CONSTRUCTED = re.compile(r"\b([a-z_]\w*)\s*:?=\s*(?:new\s+|&)?" + _TYPE + r"\s*[({]")
_DECLARED = re.compile(r"\b([A-Z]\w*)(?:<[^<>;()]*>)?\s*[*&]?\s+([a-z_]\w*)\s*[=;,)]")
_BASES = re.compile(r"\(([^()]*)\)\s*:?\s*$|\bextends\s+([\w.]+)")
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def declared_types(lines: Iterable[str]) -> dict[str, str]:
    """Variable name -> the class name its nearest (last) declaration gives it."""
    found: dict[str, str] = {}
    for line in lines:
        hits = [(m.start(), m.group(1), m.group(2)) for m in _ANNOTATED.finditer(line)]
        hits += [(m.start(), m.group(1), m.group(2)) for m in _CONSTRUCTED.finditer(line)]
        hits += [(m.start(), m.group(2), m.group(1)) for m in _DECLARED.finditer(line)]
        for _, name, type_name in sorted(hits):
            found[name] = type_name
    return found


def snake_to_class(name: str) -> str:
    """`prepared_request` -> `preparedrequest`: compared with a class name in lower case."""
    return name.replace("_", "").lower()


def base_names(cls: Symbol) -> list[str]:
    """The bases named on a class's header row: `class Converter(BaseConverter):`, `extends Base`."""
    header = next((text for n, text in cls.rows if n == cls.line), "")
    m = _BASES.search(header)
    if m is None:
        return []
    names = (m.group(1) or m.group(2) or "").split(",")
    return [b.strip().rsplit(".", 1)[-1] for b in names if b.strip() and "=" not in b]


def header_rows(m: Symbol) -> list[Row]:
    """A member's signature rows as its class's stub shows them (the same rows, so that the two merge), its
    decorators left out; none for a nested class, whose header would pull in its members."""
    if m.kind in CLASS_KINDS:
        return []
    return [(n, t) for n, t in m.sig if m.line <= n <= m.end_line and not t.lstrip().startswith("@")]


def name_parts(name: str) -> set[str]:
    """`add_dataset_author` -> {add, dataset, author}; `TokenStream` -> {token, stream}."""
    return {p.lower() for p in _PARTS.findall(name)}


def by_relevance(members: list[Symbol], words: set[str]) -> list[Symbol]:
    """Members sharing the most name parts with the code near the cursor first, in source order otherwise:
    a class with more members than fit shows those next to what the code uses (`add_dataset_author` nearby
    brings `add_dataset_version`), not its first fifteen."""
    if not words:
        return members
    return sorted(members, key=lambda m: -len(name_parts(m.name) & words))


def member_listing(
    cls: Symbol,
    members: Callable[[Symbol], list[Symbol]],
    bases: Callable[[str], Symbol | None],
    words: set[str] | None = None,
) -> list[tuple[str, list[Row]]]:
    """The class's header and its public members' headers, then its bases' (one level), by
    file, up to MAX_MEMBER_CHARS; the class's own take at most OWN_SHARE of it when it has bases. When not all
    fit, those whose names share parts with `words` (the code near the cursor) are chosen first. Empty when
    the class shows no member."""
    owners = [cls] + [b for name in base_names(cls) if (b := bases(name)) is not None and b.name != cls.name]
    out: list[tuple[str, list[Row]]] = []
    seen: set[str] = set()
    chars = 0
    for i, owner in enumerate(owners):
        cap = MAX_MEMBER_CHARS * OWN_SHARE if i == 0 and len(owners) > 1 else MAX_MEMBER_CHARS
        rows: list[Row] = [r for r in owner.rows if r[0] == owner.line]
        for m in by_relevance(members(owner), words or set()):
            if m.name in seen or not public_name(m.name):
                continue
            own = header_rows(m)
            cost = sum(len(t) + 1 for _, t in own)
            if not own or chars + cost > cap:
                continue
            seen.add(m.name)
            rows += own
            chars += cost
        if len(rows) > 1:
            out.append((owner.path, sorted(rows)))
    return out
