"""Never repeat what already follows the cursor on its line: a closing bracket or quote the editor inserted.

When the suggestion ends with that text and closes brackets it did not open, the repeat is trimmed. When it
closes them earlier and goes on (`a, b) + 1` before `)`), the suggestion's range is widened to replace the
rest of the line instead, so accepting it leaves one closing bracket, not two.
"""

from collections import Counter

from offgrid.complete.postprocess.context import CLOSERS, OPENERS, Candidate, PostContext

_QUOTES = "\"'`"
_PAIRS = dict(zip(CLOSERS, OPENERS, strict=True))


def unmatched_closers(text: str) -> Counter[str]:
    """Closing brackets in `text` without an opener before them in `text`, and quotes left open, by char."""
    stack: list[str] = []
    out: Counter[str] = Counter()
    for ch in text:
        if ch in OPENERS:
            stack.append(ch)
        elif ch in CLOSERS:
            if stack and stack[-1] == _PAIRS[ch]:
                stack.pop()
            else:
                out[ch] += 1
    for q in _QUOTES:
        if text.count(q) % 2:
            out[q] += 1
    return out


def _covered(rest: str, text: str) -> bool:
    """Every bracket and quote that `rest` closes is closed by `text` too, without having been opened in it."""
    need = unmatched_closers(rest)
    have = unmatched_closers(text)
    return all(have[ch] >= n for ch, n in need.items())


def _has_brackets(text: str) -> bool:
    return any(ch in CLOSERS or ch in _QUOTES for ch in text)


def _opens_a_string(line: str, head: str) -> bool:
    """`head` starts with a quote that opens a string after `line` (an even count of it before): the model's
    quote then is not the one the editor put after the cursor. `append('` before ` ')` ends in an opening quote
    (HumanEval random span 101/7: trimmed, it lost the test the plain prompt passed)."""
    return head[0] in _QUOTES and line.count(head[0]) % 2 == 0


def trim_line_suffix(candidate: Candidate, ctx: PostContext) -> Candidate:
    """Trim a repeat of the rest of the cursor line, or replace the rest of the line with the suggestion."""
    rest = ctx.line_rest
    tail = rest.strip()
    text = candidate.text.rstrip()
    if not tail or not text or candidate.replace:
        return candidate
    if "\n" not in text:
        for k in range(len(tail), 0, -1):  # the longest start of the rest that the text ends with
            head = tail[:k]
            if text.endswith(head) and (k == len(tail) or _has_brackets(head)) and _covered(head, text):
                if _opens_a_string(ctx.typed + text[:-k], head):
                    continue
                return candidate.with_text(text[:-k])
    has_brackets = _has_brackets(tail)
    if has_brackets and set(tail) <= set(CLOSERS + _QUOTES + ";:,. ") and _covered(tail, text):
        return Candidate(text, replace=len(rest), truncated=candidate.truncated)
    return candidate
