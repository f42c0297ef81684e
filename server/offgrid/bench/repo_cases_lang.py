"""Cases for `offgrid bench context` in JavaScript/TypeScript, Go and Rust: the same lines as repo_cases.py finds in
Python packages (one statement on one row that calls or constructs a name another file of the package defines, in
the "line" and "name" cuts), from real sources that npm and Debian ship.

`--packages` names them next to Python packages as LANG:SOURCE (tests/bench_sources.sh installs a set):
- `npm:NAME[/SUB]`: node_modules/NAME under $OFFGRID_BENCH_SOURCES/npm (default ~/.cache/offgrid/bench-sources),
  its folder SUB, else src/ or lib/ (the sources, not the bundles in dist/), else the package folder;
- `go:MODULE`: /usr/share/gocode/src/MODULE (Debian's golang-*-dev packages);
- `rust:CRATE`: the newest /usr/share/cargo/registry/CRATE-VERSION (Debian's librust-*-dev packages);
- or a folder in place of the name: `go:/path/to/module`, `rust:/path/to/crate`, `npm:/path/to/package`.

Which names count, by language. A plain name: JavaScript's must be imported from a relative module (`./x`), Rust's
brought in by a crate-local `use` (a glob one brings in all), Go's defined in another file of the same folder (a Go
package shares one namespace). A member or qualified name (`this.parse(`, `c.visit(`, `de::Error::custom(`): one
another file defines and this one does not, too distinctive to be a standard library's method, and not qualified
by an outside package (`fmt.`, `std::`, an npm dependency).
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from offgrid.bench.repo_cases import _GENERIC, Case, _cut
from offgrid.context.index import WorkspaceIndex
from offgrid.context.languages import Language, language_for
from offgrid.context.walk import source_files

GOCODE = Path("/usr/share/gocode/src")
CARGO = Path("/usr/share/cargo/registry")
KINDS = {"npm": (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"), "go": (".go",), "rust": (".rs",)}
LANGUAGE_IDS = {"tsx": "typescriptreact"}  # the LSP languageId, where it is not the grammar's name


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class _Rules:
    calls: str  # @plain: a name in scope; @member: a member or a qualified name
    statements: frozenset[str]
    declarations: tuple[str, ...]  # how a declaring or importing line starts
    generic: frozenset[str]


_JS = _Rules(
    """(call_expression function: (identifier) @plain)
    (call_expression function: (member_expression property: (property_identifier) @member))
    (new_expression constructor: (identifier) @plain)
    (new_expression constructor: (member_expression property: (property_identifier) @member))""",
    frozenset({"expression_statement", "return_statement", "lexical_declaration", "variable_declaration"})
    | {"throw_statement"},
    ("function", "async function", "class ", "import ", "export ", "@", "interface ", "type ", "enum ", "declare ")
    + ("abstract ", "namespace ", "module.exports", "exports."),
    _words(
        "push pop shift unshift slice splice concat indexOf includes find findIndex filter map forEach reduce some"
        " every keys values entries isArray toString valueOf hasOwnProperty call apply bind then catch finally"
        " resolve reject all race charAt charCodeAt startsWith endsWith trim toLowerCase toUpperCase substring"
        " substr replace match test exec has delete add emit on once off removeListener addListener end pipe"
        " destroy stringify assign create freeze defineProperty log warn error info debug next throw toJSON now"
        " floor ceil max min abs push set size length init start stop send open subscribe unsubscribe complete"
        " parse isNaN String Number Boolean Object Array Error Promise Map Set Symbol Date RegExp require name is"
    ),
)
_JS_GLOBALS = _words(
    "Object Array Math JSON Promise Reflect Number String Symbol console process Buffer globalThis Intl"
)
_GO = _Rules(
    """(call_expression function: (identifier) @plain)
    (call_expression function: (selector_expression field: (field_identifier) @member))
    (composite_literal type: (type_identifier) @plain)
    (composite_literal type: (qualified_type name: (type_identifier) @member))""",
    frozenset({"expression_statement", "return_statement", "short_var_declaration", "assignment_statement"})
    | {"var_declaration", "go_statement", "defer_statement", "send_statement"},
    ("func ", "type ", "package ", "import ", "const "),
    _words(
        "String Error Len Less Swap Read Write Close Lock Unlock RLock RUnlock Add Done Wait Get Set Put Delete Load"
        " Store Reset Bytes Next Value Key Err Unwrap Is As Format Sprintf Printf Println Errorf Fprintf Sprint"
        " WriteString WriteByte WriteRune Append Seek Flush Sum Size Name Type Kind Interface Elem Field Index Int"
        " Uint Float Bool Call Stop Start Run Init New Copy Equal Contains Join Split Trim Parse"
    ),
)
_RUST = _Rules(
    """(call_expression function: (identifier) @plain)
    (call_expression function: (scoped_identifier path: (identifier) @plain))
    (call_expression function: (scoped_identifier name: (identifier) @member))
    (call_expression function: (field_expression field: (field_identifier) @member))
    (struct_expression name: (type_identifier) @plain)
    (struct_expression name: (scoped_type_identifier name: (type_identifier) @member))
    (macro_invocation macro: (identifier) @member)""",
    frozenset({"expression_statement", "let_declaration"}),
    ("fn ", "pub ", "pub(", "use ", "mod ", "impl ", "impl<", "struct ", "enum ", "trait ", "type ", "const ")
    + ("static ", "#[", "#!", "extern ", "macro_rules!", "unsafe fn", "async fn"),
    _words(
        "new default clone to_string to_owned into from as_ref as_mut unwrap expect map and_then ok_or ok err"
        " is_some is_none is_ok is_err iter iter_mut into_iter collect push pop len is_empty get get_mut insert"
        " remove contains extend write write_str write_all read fmt eq cmp partial_cmp hash next with_capacity"
        " as_str as_bytes borrow borrow_mut lock take replace unwrap_or unwrap_or_else unwrap_or_default map_err"
        " chars bytes split trim parse format join append clear drain filter fold any all sum max min zip rev"
        " enumerate skip sort truncate reserve as_ptr from_str Some None Ok Err Box Vec String println print"
        " eprintln vec assert assert_eq assert_ne debug_assert panic unreachable write writeln matches cfg"
        " for_each key value end and or not finish"
    ),
)
_RULES = {"javascript": _JS, "typescript": _JS, "tsx": _JS, "go": _GO, "rust": _RUST}
_RUST_ROOTS = frozenset({"crate", "self", "super", "Self"})


def source_root(spec: str) -> tuple[str, Path | None]:
    """The label (`npm:axios`, `go:github.com/pkg/errors`, `rust:serde_json`) and folder of a LANG:SOURCE spec."""
    kind, _, name = spec.partition(":")
    given = Path(name).expanduser() if name.startswith(("/", ".", "~")) else None
    if kind == "npm":
        parts = name.split("/")
        n = 2 if name.startswith("@") else 1  # a scoped package's name has a slash of its own
        base, sub = "/".join(parts[:n]), "/".join(parts[n:])
        cache = Path(os.environ.get("OFFGRID_BENCH_SOURCES", "~/.cache/offgrid/bench-sources")).expanduser()
        pkg = given or cache / "npm" / "node_modules" / base
        if given is None:
            pkg = pkg / sub if sub else next((pkg / d for d in ("src", "lib") if (pkg / d).is_dir()), pkg)
        return f"npm:{given.name if given else base}", pkg.resolve() if pkg.is_dir() else None
    if kind == "go":
        root = given or GOCODE / name
        module = str(root.relative_to(GOCODE)) if root.is_relative_to(GOCODE) else root.name
        return f"go:{module}", root.resolve() if root.is_dir() else None
    if kind == "rust":
        versions = sorted(CARGO.glob(f"{name}-[0-9]*"), key=lambda p: _version(p.name)) if given is None else []
        root = given or (versions[-1] if versions else CARGO / name)
        return f"rust:{re.sub(r'-[0-9].*$', '', root.name)}", root.resolve() if root.is_dir() else None
    return spec, None


def _version(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"[0-9]+", re.sub(r"^.*?-(?=[0-9])", "", folder)))


def cases_under(label: str, root: Path, index: WorkspaceIndex) -> list[Case]:
    """Both cuts of every qualifying line in the source's files of its language (those the index reads)."""
    exts = KINDS.get(label.partition(":")[0], ())
    files = sorted(p for p in source_files(root, index.limits) if p.suffix in exts and not _skipped(p, root))
    return [c for p in files for c in cases_in_file(label, p, index)]


def _skipped(path: Path, root: Path) -> bool:
    """Tests (library code, as the Python packages ship), type declarations and minified files."""
    if path.name.endswith(("_test.go", "_test.rs", "_tests.rs", ".d.ts", ".min.js")) or path.stem in ("test", "tests"):
        return True
    if re.search(r"\.(test|spec)\.[jt]sx?$", path.name):
        return True
    return bool({"tests", "test", "__tests__", "benches", "testdata"} & set(path.relative_to(root).parts[:-1]))


def _text(node: tree_sitter.Node | None) -> str:
    return (node.text or b"").decode() if node is not None else ""


def _nodes(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    out, todo = [], [node] if node is not None else []
    while todo:
        n = todo.pop()
        out.append(n)
        todo.extend(n.children)
    return out


def _names(node: tree_sitter.Node | None) -> set[str]:
    kinds = ("identifier", "type_identifier", "shorthand_property_identifier_pattern")
    return {_text(n) for n in _nodes(node) if n.type in kinds}


Scope = tuple[set[str], set[str]]  # names from the package itself ("*": all, a glob import), names of outside ones


def _rust_scope(tree: tree_sitter.Tree, index: WorkspaceIndex) -> Scope:
    """`use crate::x::Y`, `use super::*` (and the 2015 edition's `use x::Y` of a module x of the crate)."""
    inside: set[str] = set()
    outside: set[str] = set()
    for n in _nodes(tree.root_node):
        if n.type == "use_declaration" and (arg := n.child_by_field_name("argument")) is not None:
            first = re.split(r"\W", _text(arg).lstrip(":"), maxsplit=1)[0]
            own = first in _RUST_ROOTS or bool(index.modules(first))
            (inside if own else outside).update(_names(arg) | ({"*"} if own and "*" in _text(arg) else set()))
    return inside, outside | {"std", "core", "alloc"}


def _go_scope(tree: tree_sitter.Tree, module: str) -> Scope:
    """Imports of the module's own packages, and of others (by the name they are used by: yaml for yaml.v3)."""
    inside: set[str] = set()
    outside: set[str] = set()
    for n in _nodes(tree.root_node):
        if n.type == "import_spec":
            path = _text(n.child_by_field_name("path")).strip('"`')
            last = ([s for s in path.split("/") if not re.fullmatch(r"v[0-9]+", s)] or [""])[-1]
            name = _text(n.child_by_field_name("name")) or re.sub(r"\.v[0-9]+$", "", last).removeprefix("go-")
            own = bool(module) and (path == module or path.startswith(module + "/"))
            (inside if own else outside).add(name.replace("-", "_"))
    return inside, outside


def _js_scope(tree: tree_sitter.Tree) -> Scope:
    """`import {a} from './x'` and `const {a} = require('./x')`; a module not starting with `.` is outside."""
    inside: set[str] = set()
    outside: set[str] = set()
    for n in _nodes(tree.root_node):
        source, bound = _js_import(n)
        if source is not None and source.type == "string":
            (inside if _text(source).strip("'\"`").startswith(".") else outside).update(_names(bound))
    return inside, outside | _JS_GLOBALS


def _js_import(n: tree_sitter.Node) -> tuple[tree_sitter.Node | None, tree_sitter.Node | None]:
    """The module string and the bound names of an import statement or of `const a = require('./x')`."""
    if n.type == "import_statement":
        return n.child_by_field_name("source"), next((c for c in n.children if c.type == "import_clause"), None)
    value = n.child_by_field_name("value") if n.type == "variable_declarator" else None
    while value is not None and value.type in ("member_expression", "await_expression"):  # require('./x').y
        value = value.child_by_field_name("object") or (value.named_children or [None])[0]
    if value is None or value.type != "call_expression" or _text(value.child_by_field_name("function")) != "require":
        return None, None
    args = value.child_by_field_name("arguments")
    return (args.named_children or [None])[0] if args else None, n.child_by_field_name("name")


def _go_module(root: Path) -> str:
    """The module path: go.mod's, else the folder's path under gocode/src."""
    mod = root / "go.mod"
    if mod.is_file():
        m = re.search(r"^module\s+(\S+)", mod.read_text("utf-8", errors="replace"), re.M)
        if m:
            return m.group(1).strip('"')
    return str(root.relative_to(GOCODE)) if root.is_relative_to(GOCODE) else ""


def _qualifier(node: tree_sitter.Node) -> str:
    """What qualifies a member: `fmt` of `fmt.Println`, `std` of `std::mem::swap`, `this` of `this.x()`."""
    parent = node.parent
    if parent is None:
        return ""
    q = parent.child_by_field_name("operand") or parent.child_by_field_name("package")  # Go
    q = q or parent.child_by_field_name("object") or parent.child_by_field_name("path")  # JS, Rust
    return re.split(r"\W", _text(q).lstrip(":"), maxsplit=1)[0]


def qualifies(
    name: str, node: tree_sitter.Node, member: bool, path: Path, lang: Language, index: WorkspaceIndex, scope: Scope
) -> bool:
    """Another file of the package defines `name`, and this use of it can only mean that definition."""
    inside, outside = scope
    others = [s for s in index.definitions(name) if s.path != str(path) and not s.path.endswith(".d.ts")]
    if not others or name.startswith("__") or name in _RULES[lang.name].generic:
        return False
    if member:
        return name not in _GENERIC and _qualifier(node) not in outside
    tops = [s for s in others if s.top_level]
    if lang.name == "go":  # a Go package is one folder, no imports between its files
        return any(Path(s.path).parent == path.parent for s in tops)
    return bool(tops) and (name in inside or (lang.name == "rust" and "*" in inside))


def _scope(lang: Language, tree: tree_sitter.Tree, path: Path, index: WorkspaceIndex) -> Scope:
    if lang.name == "rust":
        return _rust_scope(tree, index)
    if lang.name == "go":
        root = next((r.resolve() for r in index.roots if path.resolve().is_relative_to(r.resolve())), path.parent)
        return _go_scope(tree, _go_module(root))
    return _js_scope(tree)


def cases_in_file(label: str, path: Path, index: WorkspaceIndex) -> list[Case]:
    """Both cuts of every qualifying line of one file."""
    lang = language_for(None, str(path))
    if lang is None or lang.name not in _RULES:
        return []
    rules = _RULES[lang.name]
    data = path.read_bytes()
    tree = tree_sitter.Parser(lang.ts_language).parse(data)
    own = index.file(str(path))
    scope = _scope(lang, tree, path, index)
    # `const X = require('./x')` is a definition to the index, and an import here
    local = {s.name for s in own.symbols} - scope[0] if own else set()
    defining = {s.line for s in own.symbols if s.kind != "constant"} if own else set()  # `const f = () => g()`
    lines = data.decode("utf-8", errors="replace").split("\n")
    found: dict[int, list[Case]] = {}
    captures = tree_sitter.QueryCursor(tree_sitter.Query(lang.ts_language, rules.calls)).captures(tree.root_node)
    named = [(n, kind == "member") for kind, nodes in captures.items() for n in nodes]
    for node, member in sorted(named, key=lambda x: x[0].start_byte):
        name, row = _text(node), node.start_point.row
        if len(name) < 2 or name in local or row in found or row in defining or row >= len(lines):
            continue
        if not qualifies(name, node, member, path, lang, index, scope):
            continue
        stmt = node
        while stmt.parent is not None and stmt.type not in rules.statements:
            if lang.name == "rust" and stmt.parent.type == "block":
                break  # a block's tail expression is a statement too
            stmt = stmt.parent
        line = lines[row]
        body = line.strip()
        if stmt.start_point.row != row or stmt.end_point.row != row or not 8 <= len(body) <= 100:
            continue
        if body.rstrip(";,") != _text(stmt).rstrip(";,"):
            continue  # the statement is the whole line, not part of `if (x) f();` or a `for` header
        if lang.name == "go" and stmt.parent is not None and stmt.parent.type == "source_file":
            continue  # a package-level var is a declaration
        if body.startswith(rules.declarations) or "//" in body or "/*" in body or not line.isascii():
            continue  # no comment (a model cannot guess one); tree-sitter's columns are bytes
        indent = len(line) - len(line.lstrip())
        at = node.start_point.column
        language = LANGUAGE_IDS.get(lang.name, lang.name)
        found[row] = [
            Case(label, path, row, indent, _cut(lines, row, indent), body, name, "line", language),
            Case(label, path, row, at, _cut(lines, row, at), line[at:].strip(), name, "name", language),
        ]
    return [c for pair in found.values() for c in pair]
