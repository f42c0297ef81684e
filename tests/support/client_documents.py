"""An LSP client's copy of a document, kept by the protocol's rules in UTF-16 code units (as VS Code holds text).

It is written apart from the server's store (offgrid/lsp/documents.py works on code points), so the fuzz tests can
compare the two. The rules, from LSP 3.17 and offgrid's documented choices for what LSP leaves open:
- lines end at "\\r\\n", "\\r" or "\\n";
- a character past the end of its line means the line's end; a line past the last means the document's end;
- a position inside a surrogate pair means the end of that character (an edit never splits one);
- a range whose start is after its end is taken the other way round;
- text is made valid Unicode as it arrives: an unpaired surrogate becomes U+FFFD;
- a notification that breaks LSP's schema (a negative or over-range position, a field of the wrong type) is dropped
  whole, version included.
"""

import hashlib
from typing import Any

UINT_MAX = 2**31 - 1
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
CR, LF, REPLACEMENT = 0x0D, 0x0A, 0xFFFD


def _is_high(unit: int) -> bool:
    return 0xD800 <= unit <= 0xDBFF


def _is_low(unit: int) -> bool:
    return 0xDC00 <= unit <= 0xDFFF


def utf16_units(text: str) -> list[int]:
    """The UTF-16 code units a client holds for `text` (lone surrogates included, as JSON can carry them)."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def as_received(units: list[int]) -> list[int]:
    """Unpaired surrogates replaced by U+FFFD, one unit for one."""
    out, i = [], 0
    while i < len(units):
        u = units[i]
        if _is_high(u) and i + 1 < len(units) and _is_low(units[i + 1]):
            out += [u, units[i + 1]]
            i += 2
            continue
        out.append(REPLACEMENT if _is_high(u) or _is_low(u) else u)
        i += 1
    return out


def is_uint(value: Any) -> bool:
    return type(value) is int and 0 <= value <= UINT_MAX


def is_int(value: Any) -> bool:
    return type(value) is int and INT_MIN <= value <= INT_MAX


def valid_position(pos: Any) -> bool:
    return isinstance(pos, dict) and is_uint(pos.get("line")) and is_uint(pos.get("character"))


def valid_change(change: Any) -> bool:
    """Whether a contentChanges entry passes LSP's schema."""
    if not isinstance(change, dict) or type(change.get("text")) is not str:
        return False
    if "range" not in change:
        return True
    rng = change["range"]
    if not (isinstance(rng, dict) and valid_position(rng.get("start")) and valid_position(rng.get("end"))):
        return False
    # rangeLength is deprecated and unused; a null one is taken as absent rather than losing the edit
    return change.get("rangeLength") is None or is_uint(change["rangeLength"])


class ClientDocument:
    """One open document as the client holds it."""

    def __init__(self, text: str, version: int) -> None:
        self.units = as_received(utf16_units(text))
        self.version = version

    def _lines(self) -> list[tuple[int, int]]:
        """(start, end of content) of each line, in units."""
        u, lines, start, i = self.units, [], 0, 0
        while i < len(u):
            if u[i] in (CR, LF):
                lines.append((start, i))
                i += 2 if u[i] == CR and i + 1 < len(u) and u[i + 1] == LF else 1
                start = i
            else:
                i += 1
        lines.append((start, len(u)))
        return lines

    def offset(self, line: int, character: int) -> int:
        lines = self._lines()
        if line >= len(lines):
            return len(self.units)
        start, end = lines[line]
        off = start + min(character, end - start)
        if off > start and off < end and _is_high(self.units[off - 1]) and _is_low(self.units[off]):
            off += 1
        return off

    def apply(self, change: dict[str, Any]) -> None:
        """Apply one (valid) contentChanges entry."""
        new = as_received(utf16_units(change["text"]))
        if "range" not in change:
            self.units = new
            return
        s, e = change["range"]["start"], change["range"]["end"]
        a, b = self.offset(s["line"], s["character"]), self.offset(e["line"], e["character"])
        a, b = min(a, b), max(a, b)
        self.units = self.units[:a] + new + self.units[b:]

    def text(self) -> str:
        data = b"".join(u.to_bytes(2, "little") for u in self.units)
        return data.decode("utf-16-le")

    def digest(self) -> dict[str, Any]:
        """What offgrid/documentDigest answers for this copy."""
        sha = hashlib.sha256(self.text().encode("utf-8")).hexdigest()
        return {"version": self.version, "length": len(self.units), "sha256": sha}

    def line_count(self) -> int:
        return len(self._lines())

    def line_length(self, line: int) -> int:
        start, end = self._lines()[line]
        return end - start


class ClientDocuments:
    """The client's open documents, changed by the notifications it sends."""

    def __init__(self) -> None:
        self.docs: dict[str, ClientDocument] = {}

    def did_open(self, params: dict[str, Any]) -> None:
        item = params["textDocument"]
        self.docs[item["uri"]] = ClientDocument(item["text"], item["version"])

    def did_change(self, params: dict[str, Any]) -> None:
        ident, changes = params["textDocument"], params["contentChanges"]
        if not (is_int(ident.get("version")) and all(valid_change(c) for c in changes)):
            return  # the whole notification is invalid: the server drops it
        doc = self.docs.get(ident["uri"])
        if doc is None:
            return
        for change in changes:
            doc.apply(change)
        doc.version = ident["version"]

    def did_close(self, params: dict[str, Any]) -> None:
        self.docs.pop(params["textDocument"]["uri"], None)
