"""What the user is told once, not on every keystroke: the model failing to load, the model server failing and
answering again, the model file changing on disk, a document over the size cap."""

import logging

from lsprotocol import types

from offgrid.host import HostState
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)


def model_loaded(ls: OffgridServer) -> None:
    """After loading: why the model is not there, and the host's warnings (plain http to another machine, ...)."""
    assert ls.host is not None
    if ls.host.state is HostState.FAILED:
        ls.show(
            f"{ls.host.error}. Set `model` to a GGUF path or a preset in the offgrid settings, "
            "or run `offgrid doctor` in a terminal."
        )
    for notice in ls.host.notices:
        ls.show(notice, types.MessageType.Warning)


def model_file_notice(ls: OffgridServer) -> None:
    """Say once that the model file was deleted or changed under the running server."""
    notice = ls.host.file_notice if ls.host else None
    if notice and ls.last_file_notice != notice:
        ls.last_file_notice = notice
        kind = types.MessageType.Error if ls.host and ls.host.state is HostState.FAILED else types.MessageType.Warning
        ls.show(notice, kind)


def remote_failed(ls: OffgridServer, problem: str) -> None:
    """Tell the user once per outage, not per keystroke; every request tries the server again."""
    log.warning("remote completion failed: %s", problem)
    if ls.remote_problem is None:
        ls.show(f"{problem} (suggestions resume once it answers again)", types.MessageType.Warning)
    ls.remote_problem = problem


def remote_answered(ls: OffgridServer) -> None:
    """The model server answers after an outage the user was told about."""
    if ls.remote_problem is not None:
        ls.remote_problem = None
        ls.show("the model server answers again", types.MessageType.Info)


def document_too_large(ls: OffgridServer, uri: str, size: int, limit: int) -> None:
    """Say once per document (until it is back under the cap) that offgrid does nothing in it."""
    if uri in ls.oversized:
        return
    ls.oversized.add(uri)
    name = uri.rsplit("/", 1)[-1]
    ls.show(
        f"{name} is {_size(size)}, over the {_size(limit)} limit (setting maxDocumentBytes): "
        "no suggestions or actions in it",
        types.MessageType.Warning,
    )


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.1f} KB"
