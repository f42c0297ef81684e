"""offgrid: a local code assistant served over LSP from a GGUF model on the user's own machine."""

__version__ = "0.1.0"
