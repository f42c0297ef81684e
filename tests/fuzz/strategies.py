"""Hypothesis strategies for the fuzz tests: document text, edits (valid and not), positions, JSON junk."""

from typing import Any

from hypothesis import strategies as st

from tests.support.client_documents import UINT_MAX, ClientDocument

# Pieces that stress position arithmetic: line breaks of all three kinds, wide characters, astral characters (a
# surrogate pair each), lone surrogates, and a "\r" that a later "\n" may join.
PIECES = ["a", "b", " ", "\t", "x = 1", "\n", "\r\n", "\r", "é", "漢", "😀", "😀", "𐐀", "\ud83d", "\ude00", "{", "}"]

texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
big_texts = st.one_of(texts, st.lists(st.sampled_from(PIECES), max_size=400).map("".join))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)

# An out-of-schema position value, or a value of the wrong JSON type.
bad_uints = st.sampled_from([-1, -(2**31), UINT_MAX + 1, 2**64, 1.5, 2.0, "3", None, True, [1], {"a": 1}])


@st.composite
def uint_near(draw: st.DrawFn, limit: int) -> Any:
    """Mostly valid numbers up to just past `limit` (clamping), sometimes far out or of the wrong type (hypothesis
    does not pick one_of's branches evenly, so the odds are drawn here)."""
    roll = draw(st.integers(0, 99))
    if roll < 92:
        return draw(st.integers(0, limit + 2))
    if roll < 96:
        return draw(st.integers(0, UINT_MAX))
    return draw(bad_uints)


@st.composite
def positions(draw: st.DrawFn, doc: ClientDocument | None) -> dict[str, Any]:
    lines = doc.line_count() if doc else 1
    line = draw(uint_near(lines))
    width = doc.line_length(line) if doc and type(line) is int and 0 <= line < lines else 4
    return {"line": line, "character": draw(uint_near(width))}


@st.composite
def changes(draw: st.DrawFn, doc: ClientDocument | None) -> dict[str, Any]:
    """One contentChanges entry: mostly a ranged edit, sometimes a whole-text one, sometimes broken."""
    roll = draw(st.integers(0, 99))
    kind = "range" if roll < 88 else "whole" if roll < 94 else "broken"
    text = draw(texts)
    if kind == "whole":
        return {"text": text}
    change: dict[str, Any] = {"range": {"start": draw(positions(doc)), "end": draw(positions(doc))}, "text": text}
    if kind == "broken":
        breakage = draw(st.sampled_from(["text", "range", "end", "rangeLength"]))
        if breakage == "text":
            change["text"] = draw(st.one_of(st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=2)))
        elif breakage == "range":
            change["range"] = draw(json_values)
        elif breakage == "end":
            del change["range"]["end"]
        else:
            change["rangeLength"] = draw(bad_uints)
    elif draw(st.booleans()):
        change["rangeLength"] = draw(st.integers(0, 50))  # deprecated and ignored by both sides
    return change
