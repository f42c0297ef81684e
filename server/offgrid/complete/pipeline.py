"""From a cursor to a suggestion: windows, prompt, generation with stop rules, and a first clean-up."""

import logging
import threading
import time
from dataclasses import dataclass, replace

from offgrid.complete.alternatives import more_suggestions
from offgrid.complete.postprocess import Candidate, make_context, postprocess, stop_rule
from offgrid.complete.postprocess.context import PostContext
from offgrid.complete.postprocess.stop_rules import after_skip
from offgrid.complete.prompt import Prompt, PromptBudget, build_prompt
from offgrid.complete.request import CompletionRequest, Suggestion
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
    invoked_items: int = 3  # suggestions for an explicit request (one while typing)


FAILED = ("cancelled", "prompt_time", "context_full")


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
        ctx = make_context(w.prefix + w.typed, w.suffix, req.language)
        if pack is not None and pack.mode:  # the syntax tree knows better than the text around the cursor
            ctx = replace(ctx, multiline=pack.mode == "multi")
        first = self._generate(req, prompt, ctx, line, column, (), cancel)
        failed = first.generation is None or first.generation.stop_reason in FAILED
        if not req.invoked or s.invoked_items <= 1 or failed:
            return first
        deadline = None if s.generate_time_ms is None else time.monotonic() + s.generate_time_ms / 1000

        def generate(exclude: tuple[int, ...]) -> Suggestion:
            return self._generate(req, prompt, ctx, line, column, exclude, cancel)

        found = [x for x in (first, *more_suggestions(generate, first, s.invoked_items, deadline, cancel)) if x.text]
        return replace(found[0], more=tuple(found[1:])) if found else first

    def _generate(
        self,
        req: CompletionRequest,
        prompt: Prompt,
        ctx: PostContext,
        line: int,
        column: int,
        exclude: tuple[int, ...],
        cancel: threading.Event | None,
    ) -> Suggestion:
        """One generation under the stop rules, then the post-processing chain."""
        s = self.settings
        healed = prompt.healed.decode("utf-8", errors="ignore")
        gen = self.engine.generate(
            GenerationRequest(
                prompt=tuple(prompt.ids),
                slot=req.slot,
                fork_from=req.fork_from,
                max_tokens=s.max_tokens,
                stop=after_skip(stop_rule(ctx), healed),
                prompt_time_limit_s=None if s.prompt_time_ms is None else s.prompt_time_ms / 1000,
                generate_time_limit_s=None if s.generate_time_ms is None else s.generate_time_ms / 1000,
                forced_prefix=prompt.healed,
                exclude_first=exclude,
            ),
            cancel,
        )
        raw = Candidate(_after_healed(gen.text, prompt.healed), truncated=gen.stop_reason in ("max_tokens", "time"))
        out = postprocess(raw, ctx)
        if gen.stop_reason in FAILED:
            out = Candidate("")
        end = column + out.replace
        return Suggestion(text=out.text, line=line, column=column, replace_to_column=end, generation=gen)
