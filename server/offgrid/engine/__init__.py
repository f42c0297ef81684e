"""The model: loading a GGUF, its fill-in-the-middle tokens, its KV cache, and the one worker that drives it.

Nothing here knows about documents, positions or LSP: it takes token ids and returns text.
"""
