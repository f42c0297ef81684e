"""A prepared action: the prompt in both shapes (chat for instruct models, fill-in-the-middle for base models),
how long the answer may be, when it ends, and how the answer becomes a result."""

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from offgrid.actions.request import ActionResult
from offgrid.engine.generation import StopRule

SYSTEM = (
    "You are an expert programmer working inside a code editor. Follow the instruction exactly, keep the "
    "code's style, and reply with code only, in one fenced code block, with no explanation."
)


@dataclass(frozen=True)
class Plan:
    """What to ask the model and what to do with its answer (the text generated after `prefill`)."""

    user: str  # the chat request
    prefill: str  # the start of the answer, written for the model (chat)
    fim_prefix: str  # base models: the text before the hole; it ends where `prefill` would
    fim_suffix: str
    max_tokens: int
    finish: Callable[[str], ActionResult]
    stop: StopRule | None = None
    system: str = SYSTEM
    must_end: bool = True  # an answer cut off by the token limit is refused (half a rewrite is worse than none)
    # the code-point range of the document the edit may touch (the selection's lines, the definition's body);
    # an edit reaching outside it is refused, whatever the model was talked into writing
    region: tuple[int, int] | None = None
    max_prompt_tokens: int | None = None  # a longer prompt is refused (actions.maxPromptTokens)


def continuing(rule: StopRule | None, done: str) -> StopRule | None:
    """The plan's stop rule, which reads the whole answer, for a run that goes on from `done`."""
    if rule is None:
        return None

    def stop(new: str) -> int | None:
        cut = rule(done + new)
        return None if cut is None else max(0, cut - len(done))

    return stop


def fenced(code: str, language: str) -> str:
    """`code` in a Markdown code block whose fence is longer than any run of backticks in it, so the code cannot
    close the block and go on as instructions (CommonMark)."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


def context_before(text: str, start: int, lines: int, related: str = "") -> str:
    """A prompt paragraph with what the model should know around the code: the related code from the context pack
    when there is some, else up to `lines` lines before offset `start` ('' when there is nothing)."""
    if related.strip():
        return f"For context, related code from the project:\n{fenced(related.strip(), '')}\n"
    if lines <= 0:
        return ""
    head = text[:start].splitlines()[-lines:]
    if not any(line.strip() for line in head):
        return ""
    return f"For context, the code just before it in the file:\n{fenced(textwrap.dedent(chr(10).join(head)), '')}\n"
