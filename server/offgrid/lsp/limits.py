"""The document size cap (`maxDocumentBytes`): a document over it gets no suggestions, actions or syntax tree,
and the user is told once per document, not on every keystroke."""

from offgrid.lsp.documents import Document
from offgrid.lsp.notices import document_too_large
from offgrid.lsp.state import OffgridServer


def document_bytes(text: str, limit: int) -> int:
    """The UTF-8 size of `text`, computed only when it could be over `limit` (a code point is 1 to 4 bytes)."""
    if len(text) * 4 <= limit:
        return len(text)
    return len(text.encode("utf-8", errors="surrogatepass"))


def within_limit(ls: OffgridServer, doc: Document) -> bool:
    """Whether offgrid works on `doc`; the first time it is over the cap, a message says so."""
    limit = ls.settings.max_document_bytes
    size = document_bytes(doc.text, limit)
    if size <= limit:
        ls.oversized.discard(doc.uri)
        return True
    document_too_large(ls, doc.uri, size, limit)
    return False
