"""offgrid/status (the server's state as JSON, for the editor and the tests) and offgrid/documentDigest."""

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from offgrid import __version__
from offgrid.host import ModelHost
from offgrid.lsp.context_sync import context_status
from offgrid.lsp.state import OffgridServer
from offgrid.models.auto import auto_status

STATUS_REQUEST = "offgrid/status"
DIGEST_REQUEST = "offgrid/documentDigest"  # for tests: proves the server's copy equals the client's, without text


def status(ls: OffgridServer, _params: Any) -> dict[str, Any]:
    host = ls.host
    out: dict[str, Any] = {
        "version": __version__,
        "state": host.state.value if host else "starting",
        "error": host.error if host else None,
        "documents": len(ls.documents),
        "pendingRequests": ls.protocol.pending_requests(),
        "last": ls.last,
        "context": context_status(ls.context),
    }
    if host is not None:
        out.update(_host_status(host, ls.counts))
    return out


def document_digest(ls: OffgridServer, params: Any) -> dict[str, Any] | None:
    uri = getattr(params, "uri", None)
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams('offgrid/documentDigest wants {"uri": string}')
    doc = ls.documents.get(uri)
    return None if doc is None else doc.digest()


def _host_status(host: ModelHost, counts: dict[str, int]) -> dict[str, Any]:
    """The model, the backend, the worker's figures and the answers by source, where they exist."""
    out: dict[str, Any] = {}
    if (auto := auto_status(host.settings)) is not None:
        out["auto"] = auto  # what "preset": "auto" became on this machine, and why
    if host.model is not None:
        info = host.model.info
        out["model"] = {
            "path": str(info.path),
            "description": info.description,
            "fim": info.fim.name if info.fim else None,
            "threads": host.model.n_threads,
            "contextSize": host.model.n_ctx,
        }
    if host.completer is not None:
        out["backend"] = host.completer.backend.describe()
        if host.completer.engine is not None:
            out["totals"] = dict(host.completer.engine.totals)
        out["dropped"] = host.worker.dropped
        out["warmed"] = host.warmed  # prompts evaluated in idle time (lsp/warm.py, time-capped requests)
        out["actionsRunning"] = host.actions_running()
        out["answers"] = dict(counts)
        ends = host.completer.ends  # whether the model's own end is trusted over the rules' cut (model_ends.py)
        grace = ends.grace(host.completer.settings.end_grace_tokens)
        out["modelEnds"] = {"seen": ends.seen, "share": ends.share, "graceTokens": grace}
    return out
