"""From a cursor to a suggestion: windows, prompt, generation with stop rules, and a first clean-up."""

import logging
import threading
from dataclasses import dataclass

from offgrid.complete.prompt import PromptBudget, build_prompt
from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.complete.stop_rules import end_of_block, indentation, single_line
from offgrid.complete.windows import cut_windows, split_lines
from offgrid.context.pack import ContextPack
from offgrid.context.service import ContextService
from offgrid.engine.generation import GenerationRequest
from offgrid.engine.llama_engine import LlamaEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompletionSettings:
    """Windows, budgets and caps for inline completion."""

    prefix_lines: int = 128
    suffix_lines: int = 32
    window_step: int = 16
    prefix_tokens: int = 1024
    suffix_tokens: int = 256
    max_tokens: int = 128
    prompt_time_ms: int | None = 10_000
    generate_time_ms: int | None = 1_500
    reuse_suggestions: bool = True  # answer typed-through suggestions from memory, without the model
    prefetch: bool = True  # while idle, compute the next suggestion as if the shown one were accepted


def _trim_line_suffix(text: str, after_cursor: str) -> str:
    """Drop a repeat of the text after the cursor (a closing bracket the editor already inserted)."""
    tail = after_cursor.strip()
    if tail and "\n" not in text and text.rstrip().endswith(tail):
        return text.rstrip()[: -len(tail)]
    return text


def _after_healed(text: str, healed: bytes) -> str:
    """The model's text minus the held-back bytes the user had already typed."""
    data = text.encode("utf-8", errors="surrogatepass")
    return data[len(healed) :].decode("utf-8", errors="ignore") if data.startswith(healed) else ""


class Completer:
    """Turns CompletionRequests into Suggestions on the engine's thread."""

    def __init__(
        self, engine: LlamaEngine, settings: CompletionSettings | None = None, context: ContextService | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings or CompletionSettings()
        self.context = context
        self.last_context: ContextPack | None = None

    def _context(self, req: CompletionRequest, line: int, column: int, first: int, last: int) -> ContextPack | None:
        if self.context is None:
            return None
        count = self.engine.model.tokenize
        uri = req.uri or req.slot
        try:
            pack = self.context.for_cursor(
                uri, req.language, req.text, line, column, first, last, lambda s: len(count(s))
            )
        except Exception:  # a context bug costs this request its pack, never the suggestion
            log.exception("context pack failed for %s", uri)
            pack = None
        self.last_context = pack
        return pack

    def complete(self, req: CompletionRequest, cancel: threading.Event | None = None) -> Suggestion:
        """Generate the suggestion for `req` (blocking; run it on the model worker)."""
        s, model = self.settings, self.engine.model
        lines = split_lines(req.text)
        line = min(max(req.line, 0), len(lines) - 1)
        column = min(max(req.column, 0), len(lines[line]))
        w = cut_windows(lines, line, column, s.prefix_lines, s.suffix_lines, s.window_step)
        bos = model.bos if model.add_bos and model.bos >= 0 else None
        budget = PromptBudget(s.prefix_tokens, s.suffix_tokens, s.window_step)
        pack = self._context(req, line, column, w.first, w.last)
        prompt = build_prompt(model.tokenize, model.piece, model.fim, w, budget, bos, pack)
        multi_line = pack.mode == "multi" if pack is not None and pack.mode else not w.after_cursor.strip()
        stop = end_of_block(indentation(lines[line])) if multi_line else single_line()
        gen = self.engine.generate(
            GenerationRequest(
                prompt=tuple(prompt.ids),
                slot=req.slot,
                fork_from=req.fork_from,
                max_tokens=s.max_tokens,
                stop=stop,
                prompt_time_limit_s=None if s.prompt_time_ms is None else s.prompt_time_ms / 1000,
                generate_time_limit_s=None if s.generate_time_ms is None else s.generate_time_ms / 1000,
                forced_prefix=prompt.healed,
            ),
            cancel,
        )
        text = _after_healed(gen.text, prompt.healed)
        if gen.stop_reason in ("max_tokens", "time") and "\n" in text:
            text = text[: text.rfind("\n")]  # the last line was cut mid-way: keep whole lines only
        text = _trim_line_suffix(text, w.after_cursor).rstrip()
        if gen.stop_reason in ("cancelled", "prompt_time", "context_full"):
            text = ""
        return Suggestion(text=text, line=line, column=column, replace_to_column=column, generation=gen)
