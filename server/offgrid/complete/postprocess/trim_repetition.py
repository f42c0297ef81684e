"""Cut a suggestion where the model starts looping: the same line, or the same block of lines, again and again."""

from offgrid.complete.postprocess.context import Candidate, PostContext

_MAX_BLOCK = 4  # longest repeated block looked for, in lines


def _first_loop(lines: list[str]) -> int | None:
    """Index of the first line of the second repetition of a block that occurs three times in a row."""
    key = [ln.strip() for ln in lines]
    for size in range(1, _MAX_BLOCK + 1):
        for i in range(len(key) - 3 * size + 1):
            block = key[i : i + size]
            if any(block) and block == key[i + size : i + 2 * size] == key[i + 2 * size : i + 3 * size]:
                return i + size
    return None


def trim_repetition(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Keep one copy of a block the model repeats three or more times in a row."""
    lines = candidate.text.split("\n")
    cut = _first_loop(lines)
    return candidate if cut is None else candidate.with_text("\n".join(lines[:cut]).rstrip())
