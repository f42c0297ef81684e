"""Where completions come from: the in-process model (local) or a model server over HTTP (infill, openai)."""

from offgrid.engine.backends.base import Backend, InfillRequest

__all__ = ["Backend", "InfillRequest"]
