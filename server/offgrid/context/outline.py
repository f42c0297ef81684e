"""What a parsed file defines and imports, each as the source lines that show it (signatures, not bodies).

A symbol's lines are a stub a model can read: the headers of the scopes around it, its own header, a short
docstring or doc comment, an elision line where the body was, and the closing line (`}`, `end`).
"""

from dataclasses import dataclass

import tree_sitter

from offgrid.context.languages import Language

Row = tuple[int, str]  # (0-based line, text)

MAX_ROW_CHARS = 200  # a minified line shows only its start
MAX_HEADER_ROWS = 12
MAX_DOC_ROWS = 6
MAX_SHORT_ROWS = 12  # a class or type this short shows whole
MAX_MEMBERS = 20
MAX_SIG_MEMBERS = 10  # a class's signature lists its first public members (the constructor first, in Python)
CLASS_KINDS = frozenset({"class", "interface", "enum", "module", "type"})


@dataclass(frozen=True)
class Symbol:
    """A definition: its name, kind and where it is, and the rows that show it."""

    name: str
    kind: str
    path: str
    line: int
    end_line: int
    rows: tuple[Row, ...]
    top_level: bool
    sig: tuple[Row, ...] = ()  # signature only: headers, a class's public members' headers, no docs or bodies
    parent: str = ""  # the enclosing definition's name (a method's class)


@dataclass(frozen=True)
class FileOutline:
    """The definitions and imports of one file."""

    path: str
    family: str  # languages that share definitions (see Language.family)
    symbols: tuple[Symbol, ...]
    import_rows: tuple[Row, ...]
    imported: frozenset[str]  # names the imports bring in, and the stems of imported modules and headers


class Source:
    """A file's bytes split into rows, decoded on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.lines = data.split(b"\n")

    def row(self, n: int) -> str:
        if n < 0 or n >= len(self.lines):
            return ""
        text = self.lines[n][: MAX_ROW_CHARS * 4].decode("utf-8", errors="replace").rstrip("\r")
        return text[:MAX_ROW_CHARS]

    def rows(self, first: int, last: int) -> list[Row]:
        return [(n, self.row(n)) for n in range(first, last + 1)]


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def node_key(node: tree_sitter.Node) -> tuple[int, int, int]:
    return node.start_byte, node.end_byte, node.kind_id


def find_body(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The node's `body` field, or that of a child a few levels down (`const f = () => {...}`)."""
    todo = [(node, 0)]
    while todo:
        n, depth = todo.pop(0)
        body = n.child_by_field_name("body")
        if body is not None:
            return body
        if depth < 3:
            todo.extend((c, depth + 1) for c in n.named_children)
    return None


def header_end(node: tree_sitter.Node, body: tree_sitter.Node | None, src: Source) -> int:
    """The last row of a definition's header: the row before its body, or the body's row when the body starts
    on a line that also holds header text (`{` languages)."""
    start = node.start_point.row
    if body is None:
        return start
    row, col = body.start_point
    before = src.lines[row][:col].strip() if row < len(src.lines) else b""
    end = row if before or row == start else row - 1
    return max(start, min(end, start + MAX_HEADER_ROWS - 1))


def closing_row(lang: Language, node: tree_sitter.Node, after: int, src: Source) -> Row | None:
    """The closing `}` / `end` row of a multi-line definition (None in Python)."""
    last = node.end_point.row
    if lang.name == "python" or last <= after:
        return None
    text = src.row(last)
    s = text.strip()
    return (last, text) if s and (len(s) <= 3 or s.startswith("}") or s.startswith("end")) else None


def _inner_indent(body: tree_sitter.Node, after: int, head_indent: str, src: Source) -> str:
    for child in body.named_children:
        if child.start_point.row > after:
            return _indent(src.row(child.start_point.row))
    return head_indent + ("\t" if head_indent.startswith("\t") else "    ")


class _Extractor:
    """Runs one file's definition and scope queries and turns nodes into rows."""

    def __init__(self, lang: Language, tree: tree_sitter.Tree, src: Source) -> None:
        self.lang, self.tree, self.src = lang, tree, src
        self.inner_docs: dict[tuple[int, int, int], tree_sitter.Node] = {}  # body's first statement -> docstring
        self.comments_by_end: dict[int, tree_sitter.Node] = {}

    def docs(self, nodes: list[tree_sitter.Node]) -> None:
        for doc in nodes:
            holder = doc.parent if doc.parent is not None and doc.parent.type == "expression_statement" else None
            if holder is not None:
                self.inner_docs[node_key(holder)] = doc
            else:  # a line comment may end at column 0 of the next row (it holds its newline)
                end = doc.end_point.row - (1 if doc.end_point.column == 0 and doc.end_point.row > 0 else 0)
                self.comments_by_end.setdefault(end, doc)

    def doc_rows(self, node: tree_sitter.Node, body: tree_sitter.Node | None) -> list[Row]:
        """A short docstring inside the body, or the doc comments right above the definition."""
        if body is not None and body.named_child_count:
            doc = self.inner_docs.get(node_key(body.named_children[0]))
            if doc is not None:
                first, last = doc.start_point.row, doc.end_point.row
                return self.src.rows(first, last) if last - first < MAX_DOC_ROWS else []
        rows: list[Row] = []
        row = node.start_point.row - 1
        while (c := self.comments_by_end.get(row)) is not None and len(rows) < MAX_DOC_ROWS:
            rows[:0] = self.src.rows(c.start_point.row, row)
            row = c.start_point.row - 1
        return rows if len(rows) <= MAX_DOC_ROWS else []

    def head(self, node: tree_sitter.Node) -> tuple[list[Row], int]:
        """Header rows (and the last header row) of a scope or definition, decorators included."""
        end = header_end(node, find_body(node), self.src)
        first = node.start_point.row
        if node.parent is not None and node.parent.type == "decorated_definition":
            first = max(node.parent.start_point.row, first - 3)
        return self.src.rows(first, end), end

    def stub(self, node: tree_sitter.Node, kind: str, members: list[list[Row]]) -> list[Row]:
        """The rows that show one definition, without its parents."""
        body = find_body(node)
        first, last = node.start_point.row, node.end_point.row
        if body is None or (kind in CLASS_KINDS and last - first < MAX_SHORT_ROWS):
            end = min(last, first + (MAX_SHORT_ROWS if kind in CLASS_KINDS or body is None else 2))
            rows = self.src.rows(first, end)
            if end < last:
                rows.append((end + 1, _indent(rows[-1][1]) + self.lang.ellipsis))
                if (close := closing_row(self.lang, node, end + 1, self.src)) is not None:
                    rows.append(close)
            return self.doc_rows(node, None) + rows
        head, end = self.head(node)
        doc = self.doc_rows(node, body)
        inner = [r for r in doc if r[0] > end]
        rows = [r for r in doc if r[0] < first] + head + inner
        if kind in CLASS_KINDS and members:
            for m in members[:MAX_MEMBERS]:
                rows.extend(m)
        elif last > end:
            after = max(r[0] for r in rows)
            if after < last:
                rows.append((after + 1, _inner_indent(body, end, _indent(head[0][1]), self.src) + self.lang.ellipsis))
        if (close := closing_row(self.lang, node, max(r[0] for r in rows), self.src)) is not None:
            rows.append(close)
        return rows

    def sig(self, node: tree_sitter.Node, kind: str, members: list[list[Row]]) -> list[Row]:
        """Header rows only, as in a stub file: a class lists its public members' headers, a function ends in
        an ellipsis (on its header row in Python, `def f(x): ...`; on a row of its own elsewhere)."""
        body = find_body(node)
        short = node.end_point.row - node.start_point.row < MAX_SHORT_ROWS
        if body is None or (kind in CLASS_KINDS and (short or not members)):
            return self.stub(node, kind, [])  # a constant, or a short class (its fields too), shown whole
        head, end = self.head(node)
        if kind in CLASS_KINDS:
            rows = head + [r for m in members[:MAX_SIG_MEMBERS] for r in m]
        elif self.lang.name == "python" and head[-1][1].rstrip().endswith(":"):
            rows = head[:-1] + [(end, head[-1][1].rstrip() + " ...")]
        else:
            inner = _inner_indent(body, end, _indent(head[0][1]), self.src)
            rows = head + ([(end + 1, inner + self.lang.ellipsis)] if node.end_point.row > end + 1 else [])
        if (close := closing_row(self.lang, node, max(r[0] for r in rows), self.src)) is not None:
            rows.append(close)
        return rows


def public_name(name: str) -> bool:
    """A member a user of the class calls: not private, though `__init__` and `__call__` are."""
    return not name.startswith("_") or name in ("__init__", "__call__")


def is_top_class(s: Symbol) -> bool:
    """A class, interface, enum or type at a file's top level: what a variable's type can name."""
    return s.top_level and s.kind in CLASS_KINDS


def _run(query: tree_sitter.Query | None, node: tree_sitter.Node) -> list[tuple[int, dict[str, list]]]:
    return tree_sitter.QueryCursor(query).matches(node) if query is not None else []


def outline(lang: Language, tree: tree_sitter.Tree, data: bytes, path: str) -> FileOutline:
    """The definitions and imports of a parsed file."""
    src = Source(data)
    ex = _Extractor(lang, tree, src)
    root = tree.root_node
    defs: list[tuple[tree_sitter.Node, str, str]] = []
    seen: set[tuple[int, int, int]] = set()
    doc_nodes: list[tree_sitter.Node] = []
    for _, caps in _run(lang.query("definitions"), root):
        doc_nodes.extend(caps.get("doc", []))
        kinds = [k for k in caps if k.startswith("definition.")]
        names = caps.get("name")
        if not kinds or not names:
            continue
        node = caps[kinds[0]][0]
        if node_key(node) in seen:
            continue
        seen.add(node_key(node))
        name = names[0].text.decode("utf-8", errors="replace") if names[0].text else ""
        if name:
            defs.append((node, kinds[0].removeprefix("definition."), name))
    ex.docs(doc_nodes)
    scopes = sorted((caps["scope"][0] for _, caps in _run(lang.query("scopes"), root) if "scope" in caps), key=node_key)
    symbols = _symbols(ex, defs, scopes, path)
    import_rows, imported = imports(lang, root, src)
    return FileOutline(path, lang.family, tuple(symbols), tuple(import_rows), frozenset(imported))


def _contains(outer: tree_sitter.Node, inner: tree_sitter.Node) -> bool:
    return (
        outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte and node_key(outer) != node_key(inner)
    )


def _parents(defs: list[tuple[tree_sitter.Node, str, str]]) -> list[int | None]:
    """Index of each definition's innermost enclosing definition (defs sorted by start, outer first)."""
    out: list[int | None] = []
    stack: list[int] = []
    for i, (node, _, _) in enumerate(defs):
        while stack and not _contains(defs[stack[-1]][0], node):
            stack.pop()
        out.append(stack[-1] if stack else None)
        stack.append(i)
    return out


def _ancestors(node: tree_sitter.Node, keys: dict[tuple[int, int, int], tree_sitter.Node]) -> list[tree_sitter.Node]:
    """The nodes among `keys` that enclose `node`, outermost first."""
    out = []
    n = node.parent
    while n is not None:
        if node_key(n) in keys:
            out.append(keys[node_key(n)])
        n = n.parent
    return out[::-1]


def _symbols(
    ex: _Extractor, defs: list[tuple[tree_sitter.Node, str, str]], scopes: list[tree_sitter.Node], path: str
) -> list[Symbol]:
    # 1. each definition's own rows, innermost first, so a class can list its members' stubs
    defs.sort(key=lambda d: (d[0].start_byte, -d[0].end_byte))
    parents = _parents(defs)
    own: dict[int, list[Row]] = {}
    sigs: dict[int, list[Row]] = {}
    members: dict[int, list[list[Row]]] = {}
    member_sigs: dict[int, list[list[Row]]] = {}
    for i in range(len(defs) - 1, -1, -1):
        node, kind, name = defs[i]
        own[i] = ex.stub(node, kind, members.get(i, []))
        sigs[i] = ex.sig(node, kind, member_sigs.get(i, []))
        parent = parents[i]
        if parent is not None and kind != "constant":
            members.setdefault(parent, []).insert(0, own[i])
            if public_name(name):
                member_sigs.setdefault(parent, []).insert(0, sigs[i])
    # 2. prefix the headers (and closing rows) of the scopes around each definition
    scope_keys = {node_key(s): s for s in scopes}
    out = []
    for i, (node, kind, name) in enumerate(defs):
        outer = _ancestors(node, scope_keys)
        heads: list[Row] = []
        for s in outer:
            head, end = ex.head(s)
            heads.extend(head)
            if (close := closing_row(ex.lang, s, end, ex.src)) is not None:
                heads.append(close)
        top = not outer and parents[i] is None
        rows, sig = tuple(heads + own[i]), tuple(heads + sigs[i])
        parent = defs[p][2] if (p := parents[i]) is not None else ""
        out.append(Symbol(name, kind, path, node.start_point.row, node.end_point.row, rows, top, sig, parent))
    return out


def imports(lang: Language, root: tree_sitter.Node, src: Source) -> tuple[list[Row], set[str]]:
    """Rows of the import statements, and the names and module stems they bring in."""
    rows: dict[int, str] = {}
    names: set[str] = set()
    for _, caps in _run(lang.query("imports"), root):
        for node in caps.get("import", []):
            if node.start_point.column > 0:  # inside a function or `if TYPE_CHECKING:`: out of place in a stub
                continue
            first, last = node.start_point.row, node.end_point.row
            shown = src.rows(first, min(last, first + MAX_HEADER_ROWS - 2))
            rows.update(shown + ([(last, src.row(last))] if last > shown[-1][0] else []))
        for node in caps.get("name", []):
            text = (node.text or b"").decode("utf-8", errors="replace").strip("\"'<>` ")
            stem = text.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
            names.update(n for n in (text, stem) if n and n.isidentifier())
    return sorted(rows.items()), names
