"""The document size cap (`maxDocumentBytes`): a document over it gets no suggestions, actions or syntax tree,
and the user is told once per document, not on every keystroke."""

from typing import TYPE_CHECKING

from lsprotocol import types

from offgrid.lsp.documents import Document

if TYPE_CHECKING:
    from offgrid.lsp.server import OffgridServer


def document_bytes(text: str, limit: int) -> int:
    """The UTF-8 size of `text`, computed only when it could be over `limit` (a code point is 1 to 4 bytes)."""
    if len(text) * 4 <= limit:
        return len(text)
    return len(text.encode("utf-8", errors="surrogatepass"))


def within_limit(ls: "OffgridServer", doc: Document) -> bool:
    """Whether offgrid works on `doc`; the first time it is over the cap, a message says so."""
    limit = ls.settings.max_document_bytes
    size = document_bytes(doc.text, limit)
    if size <= limit:
        ls.oversized.discard(doc.uri)
        return True
    if doc.uri not in ls.oversized:
        ls.oversized.add(doc.uri)
        name = doc.uri.rsplit("/", 1)[-1]
        ls.show(
            f"{name} is {_size(size)}, over the {_size(limit)} limit (setting maxDocumentBytes): "
            "no suggestions or actions in it",
            types.MessageType.Warning,
        )
    return False


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.1f} KB"
