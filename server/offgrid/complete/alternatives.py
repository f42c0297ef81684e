"""Several suggestions for an explicit request: each further one must start with a token none of the earlier
ones started with, then continues greedily. The prompt is already in the KV cache, so each costs only its
generated tokens; they stop coming when the time cap is spent."""

import threading
import time
from collections.abc import Callable

from offgrid.complete.request import Suggestion

Generate = Callable[[tuple[int, ...]], Suggestion]  # one suggestion whose first token is not among those given


def more_suggestions(
    generate: Generate, first: Suggestion, count: int, deadline: float | None, cancel: threading.Event | None
) -> list[Suggestion]:
    """Up to `count - 1` suggestions with texts different from `first` and from each other."""
    if first.generation is None or first.generation.first_token is None:
        return []
    excluded = [first.generation.first_token]
    seen = {first.text}
    out: list[Suggestion] = []
    for _ in range(2 * (count - 1)):  # a different first token can still lead to the same text
        if len(out) >= count - 1 or (cancel is not None and cancel.is_set()):
            break
        if deadline is not None and time.monotonic() > deadline:
            break
        s = generate(tuple(excluded))
        if s.generation is None or s.generation.first_token is None:
            break
        excluded.append(s.generation.first_token)
        if s.text and s.text not in seen:
            seen.add(s.text)
            out.append(s)
    return out
