"""Code actions (rewrite, docstring, explain, fix, complete body) computed with the resident model."""
