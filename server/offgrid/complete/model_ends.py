"""Whether this model ends its blocks itself, so that its end is trusted over the block rules' guess.

Qwen2.5-Coder-1.5B ends most HumanEval middles with end-of-text (28 of 40 multi-line tasks before any block rule
would cut, dev problems), and cutting it where the rules guess the block ends loses tasks that its own end gets
right. The 0.5B almost never ends (0 of 40: it writes on into test code until the token cap), so holding the
rules' cut for it only costs tokens. What a model does is seen at no cost wherever it could show it (a held cut,
or a multi-line answer no rule cut), so the grace (engine/generation.py HeldStop) is given only while the model's
recent answers mostly ended by themselves. A cut that was not held shows nothing and is not counted, so a model
without the grace is given it again now and then (a probe): else a few unlucky answers at the start would decide
for good (the 1.5B on held-out random spans, seed 79: three of its first four held line ends written past the
grace, then no cut held again: 9 of 40 passing against plain's 26; with every cut held, 24 of its 28 held cuts
there end within the grace, and it passes 26).
"""

from collections import deque

WINDOW = 20  # recent answers that showed the model's end looked at
MIN_SEEN = 8  # until this many are seen, the model is given the grace (a few held cuts are cheap)
MIN_SHARE = 0.5  # the share of them that ended by themselves (1.5B about 0.7-0.95, 0.5B under 0.1)
PROBE_AFTER = 8  # answers that showed nothing, after which a model without the grace is given it once more


class ModelEnds:
    """The recent answers of one model that could show its end: ended by itself, or not (written past a held cut,
    or to the token cap)."""

    def __init__(self) -> None:
        self._ended: deque[bool] = deque(maxlen=WINDOW)
        self._unseen = 0  # answers since the last one that showed the model's end

    def record(self, ended: bool) -> None:
        self._ended.append(ended)
        self._unseen = 0

    def observe(self, stop_reason: str, held: bool, multiline: bool) -> None:
        """Learn from one finished answer, where it could show the model's end: its cut was held, or no rule cut
        it (a multi-line answer that ended or ran to the token cap). A rule's cut given no grace shows nothing:
        counted as "did not end", it kept a model that had lost the grace from ever earning it back (the 1.5B on
        held-out random spans, seed 67: 5 of 35 against plain's 18, nearly all cut at the line end)."""
        if held or (multiline and stop_reason in ("end", "max_tokens")):
            self.record(stop_reason == "end")
        else:
            self._unseen += 1

    @property
    def seen(self) -> int:
        return len(self._ended)

    @property
    def share(self) -> float | None:
        """The share of recent answers that ended by themselves (None before any)."""
        return sum(self._ended) / len(self._ended) if self._ended else None

    def grace(self, tokens: int) -> int:
        """The tokens a block rule's cut is held for on the next request: `tokens` for a model that ends, 0 else,
        and `tokens` again once PROBE_AFTER answers showed nothing (until one held cut shows its end or not)."""
        if len(self._ended) < MIN_SEEN or sum(self._ended) >= MIN_SHARE * len(self._ended):
            return tokens
        return tokens if self._unseen >= PROBE_AFTER else 0
