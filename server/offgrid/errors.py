"""Every exception offgrid raises on purpose. OffgridError and its subclasses carry a message written for the user,
which the LSP layer and the CLI show; the plain Exception subclasses after them are signals one layer catches
itself, kept out of OffgridError so that no `except OffgridError` swallows them. Two never leave their module and
stay there: llama_engine's private _Aborted and the soak bench's Deadlock."""


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


class Overdue(Exception):
    """A model server's answer took longer than the request's time limits; its stream was closed."""


class UsageError(Exception):
    """`offgrid complete`: a bad location or an unreadable file (exit status 2)."""


class FramingError(Exception):
    """LSP's byte stream cannot be split into messages any more."""


class BadMessage(Exception):
    """A JSON-RPC message that gets an error answer (when it has a usable id) instead of being dispatched."""

    def __init__(self, code: int, message: str, msg_id: int | str | None = None, answer: bool = True) -> None:
        super().__init__(message)
        self.code, self.message, self.msg_id, self.answer = code, message, msg_id, answer
