"""The language registry: LSP languageIds and file extensions to a tree-sitter grammar and its query files; and the
facts about languages that the rest of offgrid reads (line comment markers, how a line that opens a block ends).

Adding a language means adding a folder of `.scm` files under the repository's `grammars/<name>/` and one line
in `_REGISTRY`. `server/offgrid/grammars` is a link to that folder, so the files ship inside the package
(package data) and an installed offgrid finds them next to this module without a source checkout.
"""

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath

import tree_sitter

log = logging.getLogger(__name__)

GRAMMARS = Path(__file__).resolve().parent.parent / "grammars"
PURPOSES = ("definitions", "scopes", "imports", "references")  # the same file names in every grammar folder

# Line comment markers by LSP languageId, grammar or not: the one table (prompts, headers, the mode's comment test).
DEFAULT_COMMENT = "//"  # the C family, JavaScript, Go, Rust, Java, and any language not listed
LINE_COMMENTS: Mapping[str, str] = {
    "python": "#", "ruby": "#", "shellscript": "#", "r": "#", "perl": "#", "toml": "#", "yaml": "#",
    "lua": "--", "sql": "--", "haskell": "--",
}  # fmt: skip
BLOCK_COMMENT_ROWS = ("/*", "* ", "*/")  # how the rows of a /* */ comment start, where the line comment is `//`

# How a line that opens a block ends. Three lists, as their readers ask different questions:
BLOCK_HEADER_ENDS = (":", "{")  # a header that needs a body below it (`else:`, `} else {`): one left empty is dropped
# The mode: a line end that asks for a body of several lines. Not an open ( or [: that asks for the arguments, one line.
MULTILINE_OPENERS = (*BLOCK_HEADER_ENDS, "=>", " do", " then", "->")
# The stop rules: a line the next lines indent under, so an open ( or [ counts too (arguments one per line, as
# formatters write them). No `->`: the stop rules never had it (a return type or `p->` cut short is no block).
INDENTING_OPENERS = (*BLOCK_HEADER_ENDS, "(", "[", " do", " then", "=>")


@dataclass(frozen=True)
class Language:
    """A grammar and its queries (source text by purpose: definitions, scopes, imports, references)."""

    name: str
    ts_language: tree_sitter.Language = field(compare=False)
    queries: Mapping[str, str] = field(compare=False, repr=False)
    comment: str = DEFAULT_COMMENT  # line comment marker, for file-path headers and elided bodies
    family: str = ""  # languages that can use each other's definitions (c and cpp; js, ts and tsx)

    @property
    def ellipsis(self) -> str:
        """What stands for an elided body: `...` where that is valid code (Python), else a comment."""
        return "..." if self.name == "python" else f"{self.comment} ..."

    def query(self, purpose: str) -> tree_sitter.Query | None:
        """The compiled query for `purpose`, or None when this language has none."""
        return _compiled(self, purpose)


@dataclass(frozen=True)
class _Spec:
    name: str
    module: str  # the grammar wheel's module
    function: str  # its function returning the language pointer
    language_ids: tuple[str, ...]
    extensions: tuple[str, ...]
    family: str = ""
    grammar_dir: str = ""  # query folder, when shared with another language (tsx uses typescript's)


# One line per language. Grammars come from the official per-language wheels on PyPI.
_REGISTRY: tuple[_Spec, ...] = (
    _Spec("python", "tree_sitter_python", "language", ("python",), (".py", ".pyi", ".pyw")),
    _Spec("javascript", "tree_sitter_javascript", "language", ("javascript", "javascriptreact"),
          (".js", ".jsx", ".mjs", ".cjs"), family="js"),
    _Spec("typescript", "tree_sitter_typescript", "language_typescript", ("typescript",), (".ts", ".mts", ".cts"),
          family="js"),
    _Spec("tsx", "tree_sitter_typescript", "language_tsx", ("typescriptreact",), (".tsx",), family="js",
          grammar_dir="typescript"),
    _Spec("go", "tree_sitter_go", "language", ("go",), (".go",)),
    _Spec("rust", "tree_sitter_rust", "language", ("rust",), (".rs",)),
    _Spec("java", "tree_sitter_java", "language", ("java",), (".java",)),
    _Spec("c", "tree_sitter_c", "language", ("c",), (".c", ".h"), family="c"),
    _Spec("cpp", "tree_sitter_cpp", "language", ("cpp", "cuda-cpp"),
          (".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp"), family="c"),
    _Spec("lua", "tree_sitter_lua", "language", ("lua",), (".lua",)),
    _Spec("ruby", "tree_sitter_ruby", "language", ("ruby",), (".rb", ".rake", ".gemspec")),
)  # fmt: skip

_BY_ID = {lid: spec for spec in _REGISTRY for lid in spec.language_ids}
_BY_EXT = {ext: spec for spec in _REGISTRY for ext in spec.extensions}


def language_for(language_id: str | None, path: str | None = None) -> Language | None:
    """The language for an LSP languageId, else for a path's extension; None for anything unknown."""
    spec = _BY_ID.get(language_id or "")
    if spec is None and path:
        spec = _BY_EXT.get(PurePath(path).suffix.lower())
    return _load(spec.name) if spec is not None else None


def family_of(language_id: str) -> str:
    """The family of an LSP languageId (`c` for C and C++, `js` for JavaScript and TypeScript), or its own name;
    "" for a language not listed. Without loading the grammar."""
    spec = _BY_ID.get(language_id)
    return (spec.family or spec.name) if spec is not None else ""


def line_comment(language_id: str) -> str:
    """The line comment marker of an LSP languageId (`//` for the C family and unknown languages)."""
    return LINE_COMMENTS.get(language_id, DEFAULT_COMMENT)


def in_line_comment(typed: str, language_id: str) -> bool:
    """The cursor line, typed up to the cursor, holds a line comment marker (crude: strings are not parsed)."""
    return line_comment(language_id) in typed


def is_word_char(ch: str) -> bool:
    """A character of a name in every language offgrid knows (letters, digits, underscore)."""
    return ch.isalnum() or ch == "_"


def known_extensions() -> frozenset[str]:
    """File extensions some grammar handles (lower case, with the dot)."""
    return frozenset(_BY_EXT)


def all_languages() -> list[Language]:
    """Every registered language that loads (for checks and tests)."""
    return [lang for spec in _REGISTRY if (lang := _load(spec.name)) is not None]


@cache
def _load(name: str) -> Language | None:
    spec = next(s for s in _REGISTRY if s.name == name)
    try:
        module = importlib.import_module(spec.module)
        pointer: Callable[[], object] = getattr(module, spec.function)
        ts_language = tree_sitter.Language(pointer())
    except Exception as e:  # a missing or broken grammar wheel: plain-text context for that language, not a crash
        log.warning("tree-sitter grammar for %s unavailable (%s); using plain text context", name, e)
        return None
    folder = GRAMMARS / (spec.grammar_dir or spec.name)
    queries = {p: f.read_text(encoding="utf-8") for p in PURPOSES if (f := folder / f"{p}.scm").is_file()}
    return Language(name, ts_language, queries, line_comment(spec.language_ids[0]), spec.family or spec.name)


@cache
def _compiled(lang: Language, purpose: str) -> tree_sitter.Query | None:
    source = lang.queries.get(purpose)
    if not source:
        return None
    try:
        return tree_sitter.Query(lang.ts_language, source)
    except tree_sitter.QueryError as e:  # a bad query file disables that purpose only, and says so once
        log.warning("query %s/%s.scm does not compile: %s", lang.name, purpose, e)
        return None
