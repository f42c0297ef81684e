"""The language server: LSP messages in, calls to completion and actions, LSP messages out.

Only this layer imports pygls.
"""
