"""Whether a piece of context has anything to do with the code at the cursor. Being recent or open is not
relevance: code of a file the user only looked at, which shares nothing with the lines being written, makes a
small model copy it (a whole function of another file as the suggestion).

The measure is plain: the share of the names in the code above the cursor (similar.query_text, keywords left
out) that the piece also uses, with at least MIN_SHARED of them.
"""

from offgrid.context.similar import names_in

MIN_SHARED = 2  # one shared name (`result`, `value`) is chance


def overlap(query: set[str], text: str) -> float:
    """The share of `query`'s names that `text` uses; 0 when fewer than MIN_SHARED are shared."""
    if not query:
        return 0.0
    shared = len(query & names_in(text))
    return shared / len(query) if shared >= MIN_SHARED else 0.0


def relevant(query: set[str], text: str, threshold: float) -> bool:
    """Whether `text` passes the gate (a threshold of 0 lets everything in, as before the gates)."""
    return threshold <= 0 or overlap(query, text) >= threshold
