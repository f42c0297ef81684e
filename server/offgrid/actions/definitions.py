"""The function or class at the cursor, found with tree-sitter: its lines, its body, whether it has a docstring
(Python) or a doc comment (other languages), and whether its body is empty. Offsets are code points."""

from dataclasses import dataclass

import tree_sitter

from offgrid.actions.edit import leading_space
from offgrid.actions.targets import line_starts
from offgrid.context.languages import language_for
from offgrid.context.syntax import parse

_KINDS = ("definition.function", "definition.method", "definition.class")
_WRAPPERS = ("export_statement", "decorated_definition")  # the doc comment goes above these


@dataclass(frozen=True)
class Definition:
    """A function or class. `start`..`end` covers its whole lines. Python: the body starts on the line after the
    header (`body_start`), after the docstring at `doc_end`. Braces: the body is between `body_start` (just after
    `{`) and `body_close` (the `}`)."""

    start: int
    end: int
    indent: str
    body_indent: str
    body_start: int
    doc_end: int
    body_close: int
    braces: bool
    is_class: bool
    has_docstring: bool
    body_is_empty: bool


class _Text:
    """Byte offsets of the tree to code points of the text, and line starts."""

    def __init__(self, text: str) -> None:
        self.text, self.data, self.starts = text, text.encode("utf-8", errors="surrogatepass"), line_starts(text)

    def cp(self, byte: int) -> int:
        return len(self.data[:byte].decode("utf-8", errors="surrogatepass"))

    def line(self, row: int) -> int:
        return self.starts[row] if row < len(self.starts) else len(self.text)

    def indent(self, row: int) -> str:
        return leading_space(self.text[self.line(row) : self.line(row + 1)])


def definition_at(text: str, language: str, offset: int) -> Definition | None:
    """The innermost function, method or class around `offset` (None outside one, in a language without a grammar,
    and for one-line definitions)."""
    tree, lang = parse(text, language), language_for(language)
    query = lang.query("definitions") if lang is not None else None
    if tree is None or query is None:
        return None
    t = _Text(text)
    at = len(text[:offset].encode("utf-8", errors="surrogatepass"))
    best: tuple[tree_sitter.Node, str] | None = None
    for kind, nodes in tree_sitter.QueryCursor(query).captures(tree.root_node).items():
        if kind in _KINDS:
            for n in nodes:
                if n.start_byte <= at <= n.end_byte and (best is None or n.start_byte >= best[0].start_byte):
                    best = (n, kind)
    if best is None:
        return None
    node, kind = best
    return _python(t, node) if language == "python" else _braces(t, node, kind == "definition.class")


def _python(t: _Text, node: tree_sitter.Node) -> Definition | None:
    body = node.child_by_field_name("body")
    colon = next((c for c in node.children if c.type == ":"), None)
    if body is None or colon is None or body.start_point.row == colon.start_point.row:
        return None
    stmts = [c for c in body.named_children if c.type != "comment"]
    first = stmts[0] if stmts else None
    doc = first is not None and first.type == "expression_statement" and _is_string(first.named_children)
    rest = stmts[1:] if doc else stmts
    empty = all(s.type == "pass_statement" or (s.type == "expression_statement" and _is_inert(s)) for s in rest)
    body_start = t.line(colon.end_point.row + 1)
    return Definition(
        start=t.line(node.start_point.row),
        end=t.line(node.end_point.row + 1),
        indent=t.indent(node.start_point.row),
        body_indent=t.indent(body.start_point.row),
        body_start=body_start,
        doc_end=t.line(first.end_point.row + 1) if doc and first is not None else body_start,
        body_close=t.line(node.end_point.row + 1),
        braces=False,
        is_class=node.type == "class_definition",
        has_docstring=doc,
        body_is_empty=empty,
    )


def _is_string(children: list[tree_sitter.Node]) -> bool:
    return bool(children) and children[0].type in ("string", "concatenated_string")


def _is_inert(stmt: tree_sitter.Node) -> bool:
    return bool(stmt.named_children) and stmt.named_children[0].type in ("ellipsis", "string")


def _body(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The `{ }` block of a definition, also inside `const f = () => { }`."""
    queue = [node]
    while queue:
        n = queue.pop(0)
        body = n.child_by_field_name("body")
        if body is not None and body.text is not None and body.text.startswith(b"{"):
            return body
        queue.extend(c for c in n.named_children if c.type not in ("comment", "string"))
    return None


def _braces(t: _Text, node: tree_sitter.Node, is_class: bool) -> Definition | None:
    outer = node.parent if node.parent is not None and node.parent.type in _WRAPPERS else node
    body = _body(node)
    if body is None or body.start_point.row == body.end_point.row and not is_class and body.named_child_count:
        return None
    row = outer.start_point.row
    indent = t.indent(row)
    before = outer.prev_sibling
    documented = before is not None and "comment" in before.type and before.end_point.row >= row - 1
    inner = [c for c in body.named_children if "comment" not in c.type]
    return Definition(
        start=t.line(row),
        end=t.line(node.end_point.row + 1),
        indent=indent,
        body_indent=indent + _indent_unit(t.text),
        body_start=t.cp(body.start_byte + 1),
        doc_end=t.cp(body.start_byte + 1),
        body_close=t.cp(body.end_byte - 1),
        braces=True,
        is_class=is_class,
        has_docstring=documented,
        body_is_empty=not inner,
    )


def _indent_unit(text: str) -> str:
    """The file's indentation step: a tab, or the smallest run of leading spaces (4 when nothing is indented)."""
    widths = set()
    for line in text.splitlines():
        if line.startswith("\t"):
            return "\t"
        space = len(line) - len(line.lstrip(" "))
        if space and line.strip():
            widths.add(space)
    return " " * min(widths) if widths else "    "
