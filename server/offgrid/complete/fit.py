"""Fitting the prefix and suffix windows to their budgets, for every backend: in the local model's tokens, or in
characters (four to a token) for a model server whose tokenizer is not at hand."""

from collections.abc import Callable
from dataclasses import dataclass

from offgrid.engine.backends.streamed import CHARS_PER_TOKEN

Tokenize = Callable[[str], list[int]]
Piece = Callable[[int], bytes]


@dataclass(frozen=True)
class Meter:
    """How a window is measured: `encode` cuts text into units (tokens, or characters), `spell` gives a unit's
    bytes, `per_token` is how many units a budget's token allows and `max_chars` a generous guess of the
    characters one unit can hold, so a 5 MB line is cut before it is encoded."""

    encode: Callable[[str], list]
    spell: Callable[[object], bytes]
    per_token: int
    max_chars: int


def token_meter(tokenize: Tokenize, piece: Piece) -> Meter:
    """The local model's own tokens."""
    return Meter(tokenize, piece, 1, 8)  # type: ignore[arg-type]


CHARS = Meter(list, lambda c: str(c).encode(), CHARS_PER_TOKEN, 1)


@dataclass(frozen=True)
class Fitted:
    """What is kept of a window: its units (token ids, or characters), and for the prefix how many lines at the
    top were left out."""

    units: list
    skipped_lines: int = 0

    def text(self) -> str:
        """The kept characters (for a character meter)."""
        return "".join(self.units)


def fit_prefix(meter: Meter, text: str, budget: int, step: int) -> Fitted:
    """Whole lines from the end of the prefix window, dropped from the top in steps of `step` until they fit.

    Cutting the first `n - budget` tokens instead would move the prompt's start on every keystroke once the
    budget binds, and with it every cached token after it.
    """
    step = max(1, step)
    lines = text.splitlines(keepends=True)
    units_budget = budget * meter.per_token
    if budget <= 0:
        return Fitted([], len(lines))
    chars, first = 0, len(lines)  # never encode more than a generous guess of what can fit
    while first > 0 and chars + len(lines[first - 1]) <= units_budget * meter.max_chars:
        first -= 1
        chars += len(lines[first])
    start = first + (-first % step)  # round the first kept line up to a step boundary, so it moves in steps
    units = meter.encode("".join(lines[start:]))
    while len(units) > units_budget and start < len(lines):
        start += step
        units = meter.encode("".join(lines[start:]))
    if not units and lines and start >= len(lines):  # one line alone is over budget: keep its tail
        units = meter.encode(lines[-1][-units_budget * meter.max_chars :])[-units_budget:]
    return Fitted(units, min(start, len(lines)))


def fit_suffix(meter: Meter, text: str, budget: int) -> Fitted:
    """Whole lines of the suffix window that fit `budget`, ending after a blank line when one is in their second
    half.

    A suffix cut at its token budget ended mid-line, often right after a function's header ("def f(x):\\n   "),
    and a small model then wrote that function's body instead of the missing middle. Lines end where a unit
    ends in a newline, so the text is encoded once.
    """
    units_budget = budget * meter.per_token
    head = text[: units_budget * meter.max_chars] if budget > 0 else ""
    units = meter.encode(head)
    if len(units) <= units_budget and len(head) == len(text):
        return Fitted(units)  # all of it fits
    ends: list[tuple[int, int, bool]] = []  # (units, lines) up to a line's end, and whether that line is blank
    pending, lines = b"", 0
    for k, u in enumerate(units[:units_budget], 1):
        pending += meter.spell(u)
        if pending.endswith(b"\n"):  # one token may end several lines ("\n\n")
            done = pending.split(b"\n")[:-1]
            lines += len(done)
            ends.append((k, lines, not done[-1].strip()))
            pending = b""
    if not ends:  # the first line alone is over budget
        return Fitted(units[:units_budget])
    blank = [k for k, n, empty in ends if empty and n > max(1, lines // 2)]
    return Fitted(units[: blank[-1] if blank else ends[-1][0]])
