"""Every exception offgrid raises on purpose; the LSP layer and the CLI turn them into messages."""


class OffgridError(Exception):
    """Base class: the message is written for the user and says how to fix the problem."""


class ModelError(OffgridError):
    """The model file is missing, unreadable, not GGUF, or of an architecture llama.cpp cannot load."""


class DownloadError(OffgridError):
    """A model could not be fetched or failed verification."""


class Cancelled(OffgridError):
    """A request was cancelled or superseded before it finished."""


class ActionRefused(OffgridError):
    """A code action cannot run on this input, or its result is not safe to apply; the message says why."""


class RemoteError(OffgridError):
    """A model server could not be reached, answered with an error, or sent something offgrid cannot read."""
