"""Whether a piece of context has anything to do with the code at the cursor. Being recent or open is not
relevance: code of a file the user only looked at, which shares nothing with the lines being written, makes a
small model copy it (a whole function of another file as the suggestion).

The measure is plain: the share of the names in the code above the cursor (similar.query_text, keywords left
out) that the piece also uses, with at least MIN_SHARED of them.
"""

from offgrid.context.similar import names_in

MIN_SHARED = 2  # one shared name (`result`, `value`) is chance
MIN_ROW_CHARS = 8  # shorter rows (`else:`, `return x`, `}`) are in any code
REPEATED_SHARE = 0.5  # a piece with this share of its rows already in the prompt is a copy of what it shows


def overlap(query: set[str], text: str) -> float:
    """The share of `query`'s names that `text` uses; 0 when fewer than MIN_SHARED are shared."""
    if not query:
        return 0.0
    shared = len(query & names_in(text))
    return shared / len(query) if shared >= MIN_SHARED else 0.0


def relevant(query: set[str], text: str, threshold: float) -> bool:
    """Whether `text` passes the gate (a threshold of 0 lets everything in, as before the gates)."""
    return threshold <= 0 or overlap(query, text) >= threshold


def shown_rows(lines: list[str]) -> frozenset[str]:
    """The distinctive rows (stripped) of the code the prompt's windows show."""
    return frozenset(s for ln in lines if len(s := ln.strip()) >= MIN_ROW_CHARS)


def repeats_shown(shown: frozenset[str], rows: list[str]) -> bool:
    """Whether most distinctive rows of a piece are already in the prompt: a copy of the file being edited (an
    older copy, the same code with other lines missing) tells the model nothing the window does not, and the
    1.5B model ends where such a copy differs (HumanEval multi-line, where the other holes of one problem are
    such copies: 7 of 14 such tasks right with them in the pack against 11 of 14 with the plain prompt)."""
    distinct = [s for r in rows if len(s := r.strip()) >= MIN_ROW_CHARS]
    return bool(distinct) and sum(s in shown for s in distinct) >= REPEATED_SHARE * len(distinct)
