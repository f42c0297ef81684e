"""Code context from tree-sitter: languages, incremental parsing, the workspace index and the context pack."""
