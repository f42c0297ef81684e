"""Single- or multi-line: decided once, here, for each completion; the pack and then the PostContext carry it.

The context pack's mode is the tree rule (after llm-ls's should_complete, Tabby's isLineEnd and Continue's
shouldCompleteMultiline), or, for a language without a grammar, the text rule `text_mode`:
- code after the cursor on its line (other than closing brackets and quotes): the rest of the line only;
- inside a comment or a string: one line;
- a blank line, or the end of a line that opens a block whose body is still empty: several lines;
- otherwise, the end of a line being typed: the rest of that line.
Without a context pack at all (no context service, or it failed) `completion_mode` falls back to `fallback_mode`:
several lines at the end of a line, one in the middle of a line or in a line comment.
"""

import re
from typing import Literal

import tree_sitter

from offgrid.context.languages import MULTILINE_OPENERS, in_line_comment

Mode = Literal["single", "multi"]

# What may follow the cursor on its line for the cursor to count as at the line's end. The two rules have always
# used slightly different sets (the fallback also allows `.` and any whitespace); kept apart so neither changes.
_CLOSERS = set(")]}>\"'`;,: \t")
_LINE_END_REST = re.compile(r"^[\s)\]}\"'`;:,.>]*$")


def _mid_line(after_cursor: str) -> bool:
    return any(ch not in _CLOSERS for ch in after_cursor)


def text_mode(line_text: str, column: int) -> Mode:
    """The rule without a tree (unknown languages): mid-line or a typed line means one line."""
    typed, after = line_text[:column], line_text[column:]
    if _mid_line(after):
        return "single"
    return "multi" if not typed.strip() or typed.rstrip().endswith(MULTILINE_OPENERS) else "single"


def _node_at(tree: tree_sitter.Tree, row: int, col_byte: int) -> tree_sitter.Node | None:
    point = (row, max(0, col_byte - 1))
    return tree.root_node.descendant_for_point_range(point, point)


def _in_comment_or_string(node: tree_sitter.Node | None, row: int, col_byte: int) -> bool:
    """The cursor is in a comment, or strictly inside a string literal (a few levels up from the leaf:
    `string_content` inside `string`, a string inside an f-string interpolation)."""
    n = node
    for _ in range(3):
        if n is None:
            return False
        if "comment" in n.type:
            return True
        if ("string" in n.type or n.type in ("template_string", "char_literal")) and (
            n.start_point < (row, col_byte) < n.end_point
        ):
            return True
        n = n.parent
    return False


def _empty_body_ahead(node: tree_sitter.Node | None) -> bool:
    """The cursor ends a header whose body is empty or not written yet."""
    n = node
    for _ in range(6):
        if n is None:
            return False
        # the block's field is "body" in most grammars, "consequence" for Python's and Go's `if`
        body = n.child_by_field_name("body") or n.child_by_field_name("consequence")
        if body is not None:
            return body.named_child_count == 0 or body.has_error or body.is_missing
        if n.is_error or n.type == "ERROR":
            return True
        n = n.parent
    return False


def _header_without_body(node: tree_sitter.Node | None, row: int) -> bool:
    """The cursor ends the first line of a construct that goes on below with nothing in it yet
    (`def area(r)` before its `end` in Ruby, `function f()` in Lua)."""
    n = node
    for _ in range(4):
        if n is None or n.type == "ERROR" or n.parent is None:
            return False
        if n.is_named and n.start_point.row == row and n.end_point.row > row:
            return not any(c.start_point.row > row for c in n.named_children)
        n = n.parent
    return False


def tree_mode(tree: tree_sitter.Tree, line_text: str, row: int, column: int) -> Mode:
    """The mode at (row, column) of a parsed document; `line_text` is the cursor's line."""
    typed, after = line_text[:column], line_text[column:]
    if _mid_line(after):
        return "single"
    col_byte = len(typed.encode("utf-8", errors="surrogatepass"))
    node = _node_at(tree, row, col_byte)
    if typed.strip() and _in_comment_or_string(node, row, col_byte):
        return "single"
    if not typed.strip():
        return "multi"
    if typed.rstrip().endswith(MULTILINE_OPENERS) and _empty_body_ahead(node):
        return "multi"
    if _header_without_body(node, row):
        return "multi"
    return "single"


def mode_at(tree: tree_sitter.Tree | None, line_text: str, row: int, column: int) -> Mode:
    """The context pack's mode: the tree rule, or the text rule for a language without a grammar (no tree)."""
    return tree_mode(tree, line_text, row, column) if tree is not None else text_mode(line_text, column)


def fallback_mode(typed: str, line_rest: str, language: str) -> Mode:
    """The mode without a context pack: several lines when the cursor is at the end of its line (closing brackets
    and quotes aside) and not in a line comment; one in the middle of a line or in a comment."""
    at_end = bool(_LINE_END_REST.match(line_rest))
    return "multi" if at_end and not in_line_comment(typed, language) else "single"


def completion_mode(pack_mode: Mode | None, typed: str, line_rest: str, language: str) -> Mode:
    """The mode of a completion: the context pack's when there is one (the syntax tree knows better than the text
    around the cursor), else the fallback. `typed` and `line_rest` are the cursor line before and after it."""
    return pack_mode if pack_mode else fallback_mode(typed, line_rest, language)
