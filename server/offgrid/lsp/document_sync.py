"""didOpen, didChange and didClose: the server's copy of each document, its syntax tree in the context service
(none while it is over the size cap), and the suggestions remembered for it."""

import logging
from collections.abc import Sequence

from lsprotocol import types

from offgrid.lsp.documents import Document
from offgrid.lsp.limits import within_limit
from offgrid.lsp.state import OffgridServer

log = logging.getLogger(__name__)


def did_open(ls: OffgridServer, params: types.DidOpenTextDocumentParams) -> None:
    d = params.text_document
    doc = ls.documents.open(d.uri, d.language_id, d.version, d.text)
    if within_limit(ls, doc):
        ls.context.opened(d.uri, d.language_id, d.text)


def did_change(ls: OffgridServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        log.warning("change for a document that is not open: %s", params.text_document.uri)
        return
    had_tree = doc.uri not in ls.oversized
    _apply(ls, doc, params.content_changes, had_tree)
    doc.version = params.text_document.version
    if not within_limit(ls, doc):
        ls.context.closed(doc.uri)  # no tree kept for a document over the cap
    elif not had_tree:
        ls.context.opened(doc.uri, doc.language_id, doc.text)  # back under the cap


def did_close(ls: OffgridServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.documents.close(params.text_document.uri)
    ls.oversized.discard(params.text_document.uri)
    ls.context.closed(params.text_document.uri)
    ls.suggestions.forget(params.text_document.uri)


def _apply(
    ls: OffgridServer, doc: Document, changes: Sequence[types.TextDocumentContentChangeEvent], with_tree: bool
) -> None:
    """Apply the changes in order to the document and, `with_tree`, to its syntax tree."""
    for change in changes:
        before = doc.text
        if isinstance(change, types.TextDocumentContentChangePartial):
            r = change.range
            a, b = doc.apply((r.start.line, r.start.character), (r.end.line, r.end.character), change.text)
            if with_tree:
                ls.context.changed(doc.uri, before, a, b, change.text)
        else:
            doc.apply(None, None, change.text)
            if with_tree:
                ls.context.replaced(doc.uri, change.text)
