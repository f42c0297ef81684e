"""Model chatter and code fences out of an answer, so only code reaches the document."""

import re

_FENCE_LINE = re.compile(r"^[ \t]*```")
_CHATTER = re.compile(
    r"^\s*(here('s| is| are)|sure|certainly|of course|below|the (following|rewritten|updated|corrected|fixed))\b",
    re.IGNORECASE,
)


def cut_at_fence(text: str) -> int | None:
    """A stop rule for answers that start inside a code block: where the closing fence begins, or None."""
    m = re.search(r"(^|\n)[ \t]*```", text)
    return m.start() if m else None


def extract_code(answer: str, inside_fence: bool) -> str:
    """The code of an answer. `inside_fence`: the prompt opened the code block, so the answer's code runs up to
    the first fence; otherwise the first fenced block wins, and without one, chatter lines around it are dropped."""
    if inside_fence:
        cut = cut_at_fence(answer)
        return answer if cut is None else answer[:cut]
    lines = answer.split("\n")
    opens = [i for i, line in enumerate(lines) if _FENCE_LINE.match(line)]
    if opens:
        first = opens[0]
        close = next((i for i in opens[1:]), len(lines))
        return "\n".join(lines[first + 1 : close])
    while lines and (not lines[0].strip() or _CHATTER.match(lines[0])):
        lines.pop(0)
    # a trailing paragraph of prose after a blank line ("This version uses ...") is commentary, not code
    if "" in lines:
        last_blank = len(lines) - 1 - lines[::-1].index("")
        tail = [line for line in lines[last_blank + 1 :] if line.strip()]
        if tail and all(_looks_like_prose(line) for line in tail):
            lines = lines[:last_blank]
    return "\n".join(lines).rstrip()


def _looks_like_prose(line: str) -> bool:
    s = line.strip()
    return bool(re.match(r"^[A-Z][a-z]+(\s+\S+){3,}", s)) and not s.endswith((":", "{", "(", ";", ","))


def after_prefill(answer: str, prefill: str, final: bool = True) -> str | None:
    """The part of a whole answer that follows `prefill`, for servers that cannot be handed the answer's start: the
    model writes the opening fence and the prefill's lines itself (compared without indentation). While the answer
    streams (`final` False), None until it has got past them. Always a tail of `answer`."""
    if not prefill:
        return answer
    *whole, partial = prefill.split("\n")
    pos = 0
    if whole and _FENCE_LINE.match(whole[0]):
        fence = re.search(r"^[ \t]*```[^\n]*\n", answer, re.MULTILINE)
        if fence is None and not final:
            return None
        pos = fence.end() if fence is not None else len(answer) - len(answer.lstrip("\n"))  # no fence: code at once
        whole = whole[1:]
    lines = answer[pos:].split("\n")
    if not final and len(lines) <= len(whole) + bool(partial.strip()):
        return None  # the lines to compare have not all arrived
    i = 0
    for expected in whole:
        # a line the model added (a decorator, an import) is passed over; a line it changed (a type hint) counts
        ahead = [j for j in range(i, min(i + 4, len(lines))) if lines[j].strip() == expected.strip()]
        i = (ahead[0] if ahead else i) + 1
    pos += sum(len(line) + 1 for line in lines[:i])
    head = partial.strip()
    if head and pos <= len(answer):
        line = answer[pos:].split("\n", 1)[0]
        if line.lstrip().startswith(head):
            pos += len(line) - len(line.lstrip()) + len(head)
    return answer[min(pos, len(answer)) :]
