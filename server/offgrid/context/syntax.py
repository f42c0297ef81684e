"""One-shot parsing and syntax-error counting, for any module that wants a tree without keeping one."""

import tree_sitter

from offgrid.context.languages import language_for


def parse(text: str, language_id: str | None, path: str | None = None) -> tree_sitter.Tree | None:
    """Parse `text` with the grammar for `language_id` (or `path`'s extension); None for an unknown language."""
    lang = language_for(language_id, path)
    if lang is None:
        return None
    return tree_sitter.Parser(lang.ts_language).parse(text.encode("utf-8", errors="surrogatepass"))


def error_count(tree: tree_sitter.Tree) -> int:
    """ERROR and MISSING nodes in `tree` (0 for a clean parse): compare before and after an edit."""
    if not tree.root_node.has_error:
        return 0
    count = 0
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            count += 1
        # descend only into subtrees that hold an error; a clean subtree has none to count
        if node is not None and node.has_error and not node.is_missing and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count
