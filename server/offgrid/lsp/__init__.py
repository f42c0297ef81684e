"""The language server: LSP messages in, calls to completion and actions, LSP messages out.

Only this layer imports pygls. state.py holds the server's state; server.py registers the handlers, which live
in one module per feature (lifecycle, document_sync, inline_completion, code_actions, action_commands,
context_sync, status); prefetch.py and notices.py hold the speculative prefetch and what the user is told once.
"""
