"""Where completions come from: the in-process model (local) or a model server over HTTP (infill, openai)."""

from offgrid.engine.backends.base import Backend, ExtraFile, InfillRequest
from offgrid.engine.backends.http import RemoteSettings

BACKENDS = ("local", "infill", "openai")

__all__ = ["BACKENDS", "Backend", "ExtraFile", "InfillRequest", "RemoteSettings"]
