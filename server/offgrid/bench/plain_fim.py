"""The plain fill-in-the-middle baseline that every quality figure is measured against, on the same model file:
the simplest client a user could write. PSM prompt: PRE, the 64 lines before the cursor with the typed part of
the cursor's line, SUF, the rest of that line and the 16 lines after it, MID; greedy; no context pack, no token
healing, no filters.

Where it stops is where llama-server's /infill stops for llama.vim: the end of text, the token cap, or (for a
multi-line answer) the first non-blank line indented less than the cursor's line (`n_indent`). A single-line
answer is its first line.
"""

from dataclasses import dataclass

from offgrid.engine.generation import GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.errors import OffgridError

PREFIX_LINES = 64
SUFFIX_LINES = 16
MAX_TOKENS = 128  # llama.vim's n_predict


@dataclass(frozen=True)
class PlainAnswer:
    text: str
    n_prompt: int
    prompt_ms: float
    generate_ms: float


def plain_prompt(engine: LlamaEngine, text: str, line: int, column: int) -> list[int]:
    """PRE prefix+typed SUF suffix MID, in the model's own FIM tokens."""
    model = engine.model
    if model.fim is None or model.fim.middle is None or model.fim.spm:
        raise OffgridError("the plain baseline needs a model with PSM fill-in-the-middle tokens")
    lines = text.split("\n")
    current = lines[line] if line < len(lines) else ""
    before = "".join(f"{s}\n" for s in lines[max(0, line - PREFIX_LINES) : line]) + current[:column]
    after = current[column:] + "".join(f"\n{s}" for s in lines[line + 1 : line + 1 + SUFFIX_LINES])
    head = [model.bos] if model.add_bos and model.bos >= 0 else []
    fim = model.fim
    return head + [fim.prefix] + model.tokenize(before) + [fim.suffix] + model.tokenize(after) + [fim.middle]


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" \t"))


def plain_cut(text: str, multiline: bool, n_indent: int) -> str:
    """The answer as llama.vim's /infill request gets it back."""
    if not multiline:
        return text.split("\n", 1)[0]
    if n_indent <= 0:
        return text
    rows = text.split("\n")
    for k, row in enumerate(rows[1:], 1):
        if row.strip() and _indent(row) < n_indent:
            return "\n".join(rows[:k]) + "\n"
    return text


def plain_complete(
    engine: LlamaEngine, text: str, line: int, column: int, multiline: bool, slot: str = "plain"
) -> PlainAnswer:
    """Complete at (line, column) the plain way (blocking, on the engine's thread)."""
    lines = text.split("\n")
    n_indent = _indent(lines[line][:column]) if line < len(lines) else 0
    prompt = plain_prompt(engine, text, line, column)
    gen = engine.generate(GenerationRequest(tuple(prompt), slot=slot, max_tokens=MAX_TOKENS))
    return PlainAnswer(plain_cut(gen.text, multiline, n_indent), gen.n_prompt, gen.prompt_ms, gen.generate_ms)
