"""Where text is generated: the local model (loading a GGUF, its fill-in-the-middle tokens, its KV cache, and the
one worker that drives it) and the backends that stand in for it on a model server (backends/).

Nothing here knows about documents, positions or LSP: each backend takes a prompt already laid out for it (token
ids for the local model, a raw FIM text or /infill fields for a server) and returns text.
"""
