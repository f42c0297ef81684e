"""Cases for `offgrid bench context`: lines of installed packages that use a name defined in another file of the
same package.

A line qualifies when it is one statement on one row that calls or constructs such a name: a plain name the file
imports (`echo(...)`, `Path(...)`), or a member (`formatter.write_dl(...)`, `types.IntRange(...)`) that the
package defines in another file and not in this one, with a name too distinctive to be a built-in type's method.
Each line gives two cases: the whole line blanked to its indentation ("line"), and the line typed up to the
name ("name"), which asks only what the other file can tell (CrossCodeEval cuts its cases the same way).
"""

import builtins
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

from offgrid.config import ContextSettings
from offgrid.context.index import WorkspaceIndex
from offgrid.context.languages import language_for
from offgrid.context.service import ContextService

_CALLS = "(call function: [(identifier) (attribute attribute: (identifier))] @f)"
_FROM_IMPORTS = "(import_from_statement module_name: (_) @module) @import"
_STATEMENT_END = ("expression_statement", "return_statement", "assignment", "augmented_assignment")
CUTS = ("line", "name")


@dataclass(frozen=True)
class Case:
    package: str
    path: Path
    row: int
    column: int  # the cursor: the end of the indentation ("line") or the start of the name ("name")
    text: str  # the file with the row cut at the cursor
    expected: str  # the row's text from the cursor, stripped
    name: str  # the other file's name it uses
    cut: str  # "line" or "name"
    language: str = "python"  # the LSP languageId (repo_cases_lang.py finds cases in other languages)


def package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


# methods of built-in types: `x.append(...)` says nothing about the package even if it defines an `append`
_GENERIC = frozenset(
    n for t in (str, bytes, list, dict, set, tuple, int, float, object, type, Exception, builtins) for n in dir(t)
) | {"astype", "view", "reshape", "copy", "get", "items", "close", "read", "write", "run", "call", "update"}


def from_other_file(name: str, path: str, index: WorkspaceIndex, imported: frozenset[str], member: bool) -> bool:
    """A plain name the file imports and another file defines, or a distinctive member another file defines."""
    if name.startswith("__"):
        return False
    others = [s for s in index.definitions(name) if s.path != path]
    if not member:
        return name in imported and any(s.top_level for s in others)
    return bool(others) and name not in _GENERIC


def package_imports(tree: tree_sitter.Tree, lang: tree_sitter.Language, package: str) -> frozenset[str]:
    """Names brought in by `from .x import ...` or `from package.x import ...` (not those of other packages)."""
    names: set[str] = set()
    for _, caps in tree_sitter.QueryCursor(tree_sitter.Query(lang, _FROM_IMPORTS)).matches(tree.root_node):
        module = (caps["module"][0].text or b"").decode()
        if not (module.startswith(".") or module == package or module.startswith(package + ".")):
            continue
        for item in caps["import"][0].children_by_field_name("name"):
            shown = item.child_by_field_name("alias") or item
            names.add((shown.text or b"").decode().rsplit(".", 1)[-1])
    return frozenset(names)


def _cut(lines: list[str], row: int, column: int) -> str:
    return "\n".join(lines[:row] + [lines[row][:column]] + lines[row + 1 :])


def cases_in_file(package: str, path: Path, index: WorkspaceIndex) -> list[Case]:
    """Both cuts of every qualifying line of one file."""
    lang = language_for(None, str(path))
    if lang is None:
        return []
    data = path.read_bytes()
    tree = tree_sitter.Parser(lang.ts_language).parse(data)
    own = index.file(str(path))
    local = {s.name for s in own.symbols} if own else set()
    imported = package_imports(tree, lang.ts_language, package)
    lines = data.decode("utf-8", errors="replace").split("\n")
    found: dict[int, list[Case]] = {}
    query = tree_sitter.Query(lang.ts_language, _CALLS)
    # in source order: captures() gives them in an order that varies between runs, and the first name on a row wins
    calls = sorted(tree_sitter.QueryCursor(query).captures(tree.root_node).get("f", []), key=lambda n: n.start_byte)
    for node in calls:
        ident = node if node.type == "identifier" else node.child_by_field_name("attribute")
        name = (ident.text or b"").decode() if ident is not None else ""
        row = node.start_point.row
        if ident is None or not name or name in local or row in found or row >= len(lines):
            continue
        if not from_other_file(name, str(path), index, imported, node.type != "identifier"):
            continue
        stmt = node
        while stmt.parent is not None and stmt.type not in _STATEMENT_END:
            stmt = stmt.parent
        line = lines[row]
        body = line.strip()
        if stmt.start_point.row != row or stmt.end_point.row != row or not 8 <= len(body) <= 100:
            continue
        if body.startswith(("def ", "class ", "import ", "from ", "@", "assert ")) or "#" in body:
            continue  # no comment: a model cannot guess one
        if not line.isascii():
            continue  # tree-sitter's columns are bytes
        indent = len(line) - len(line.lstrip())
        at = ident.start_point.column
        found[row] = [
            Case(package, path, row, indent, _cut(lines, row, indent), body, name, "line"),
            Case(package, path, row, at, _cut(lines, row, at), line[at:].strip(), name, "name"),
        ]
    return [c for pair in found.values() for c in pair]


def collect_cases(
    packages: list[str], n: int, seed: int, cuts: tuple[str, ...] = CUTS, shard: tuple[int, int] = (1, 1)
) -> tuple[list[Case], dict[str, ContextService]]:
    """About n/len(packages) lines from each package (each in every cut), and a warm context service per package.

    shard (k, of) keeps the k-th of every `of` lines of the shuffled order: processes that run the shards of one
    seed side by side together run exactly the lines one process would.
    """
    from offgrid.bench.repo_cases_lang import cases_under, source_root  # not at the top: it imports Case from here

    rng = random.Random(seed)
    lines: list[list[Case]] = []  # the cuts of one line stay together: they share the prompt up to the cursor
    services: dict[str, ContextService] = {}
    per = max(1, n // max(1, len(packages)))
    for pkg in packages:
        other = ":" in pkg  # npm:NAME, go:MODULE or rust:CRATE, not a Python package
        label, root = source_root(pkg) if other else (pkg, package_dir(pkg))
        if root is None:
            print(f"skipping {pkg}: not installed")
            continue
        svc = ContextService(ContextSettings(), [root])  # the recent-code ring on, as in the editor
        svc.index.build()
        services[label] = svc
        if other:
            mine = cases_under(label, root, svc.index)
        else:
            mine = [c for p in sorted(root.rglob("*.py")) for c in cases_in_file(pkg, p, svc.index)]
        rows = sorted({(c.path, c.row) for c in mine})
        chosen = rng.sample(rows, min(per, len(rows)))
        by_row = {(c.path, c.row, c.cut): c for c in mine}
        lines.extend([by_row[(path, row, cut)] for cut in cuts] for path, row in chosen)
    rng.shuffle(lines)  # a run stopped early still reports a fair sample of every package
    k, of = shard
    return [c for cut_line in lines[k - 1 :: of] for c in cut_line], services
