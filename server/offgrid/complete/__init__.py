"""Inline completion: cut the document into prompt windows, ask the engine, and clean what comes back."""
