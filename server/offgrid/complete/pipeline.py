"""From a cursor to a suggestion: windows, context, a backend's generation under stop rules, then post-processing."""

import logging
import threading
import time
from dataclasses import replace

from offgrid.complete.alternatives import more_suggestions
from offgrid.complete.fit import fit_prefix, fit_suffix
from offgrid.complete.model_ends import ModelEnds
from offgrid.complete.postprocess import Candidate, make_context, postprocess
from offgrid.complete.postprocess.context import PostContext, indentation
from offgrid.complete.prompt import Pieces, context_echoes, meter_for, render
from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.complete.stop_rules import stop_rule
from offgrid.complete.windows import cut_windows, split_lines
from offgrid.config import CompletionSettings
from offgrid.context.pack import ContextPack
from offgrid.context.service import ContextService
from offgrid.engine.backends.base import Backend, InfillRequest
from offgrid.engine.backends.local import LocalBackend
from offgrid.engine.backends.streamed import CHARS_PER_TOKEN
from offgrid.engine.generation import Generation
from offgrid.engine.llama_engine import LlamaEngine

log = logging.getLogger(__name__)


FAILED = ("cancelled", "prompt_time", "context_full")


def _approximate_count(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1  # a remote model's tokenizer is not at hand


def raw_candidate(gen: Generation) -> Candidate:
    """A generation's text as the post-processing chain takes it: cut by a cap, or ended by the model itself."""
    return Candidate(gen.text, truncated=gen.stop_reason in ("max_tokens", "time"), ended=gen.stop_reason == "end")


def _rule_answer(gen: Generation, infill: InfillRequest, ctx: PostContext) -> Candidate | None:
    """Where the filters threw away a longer answer the model ended past a held cut, the rule's shorter one, which
    may still stand (HumanEval random span 16/1 with the 1.5B: `set(string.lower())`, then test code)."""
    if not gen.held or gen.stop_reason != "end" or infill.stop is None or (cut := infill.stop(gen.text)) is None:
        return None
    return postprocess(Candidate(gen.text[:cut]), ctx)


class Completer:
    """Turns CompletionRequests into Suggestions through a backend, on the model worker's thread."""

    def __init__(
        self,
        backend: Backend | LlamaEngine,
        settings: CompletionSettings | None = None,
        context: ContextService | None = None,
    ) -> None:
        self.backend: Backend = LocalBackend(backend) if isinstance(backend, LlamaEngine) else backend
        # the in-process engine, for its counters and cache repair (None with a remote backend)
        self.engine = self.backend.engine if isinstance(self.backend, LocalBackend) else None
        self.settings = settings or CompletionSettings()
        self.context = context
        self.ends = ModelEnds()  # whether the model's own end of a block is trusted (complete/model_ends.py)

    def _context(self, req: CompletionRequest, line: int, column: int, first: int, last: int) -> ContextPack | None:
        if self.context is None:
            return None
        if self.engine is not None:
            tokenize = self.engine.model.tokenize
            count = lambda s: len(tokenize(s))  # noqa: E731
        else:
            count = _approximate_count
        uri = req.uri or req.slot
        try:
            pack = self.context.for_cursor(uri, req.language, req.text, line, column, first, last, count)
        except Exception:  # a context bug costs this request its pack, never the suggestion
            log.exception("context pack failed for %s", uri)
            pack = None
        return pack

    def complete(self, req: CompletionRequest, cancel: threading.Event | None = None) -> Suggestion:
        """Generate the suggestion for `req` (blocking; run it on the model worker)."""
        s = self.settings
        infill, ctx, line, column = self.plan(req)
        first = self._generate(infill, ctx, line, column, cancel)
        failed = first.generation is None or first.generation.stop_reason in FAILED
        if not req.invoked or s.invoked_items <= 1 or failed:
            return first
        deadline = None if s.generate_time_ms is None else time.monotonic() + s.generate_time_ms / 1000

        def generate(exclude: tuple[int, ...]) -> Suggestion:
            return self._generate(replace(infill, exclude_first=exclude), ctx, line, column, cancel)

        found = [x for x in (first, *more_suggestions(generate, first, s.invoked_items, deadline, cancel)) if x.text]
        return replace(found[0], more=tuple(found[1:])) if found else first

    def warm(self, req: CompletionRequest, cancel: threading.Event | None = None) -> Generation | None:
        """Evaluate the prompt a request at `req`'s cursor would have into the document's cache, with no time cap
        and nothing generated, so that request then pays only for what changed. None with a remote backend (its
        server keeps its own cache)."""
        if self.engine is None:
            return None
        infill, _ctx, _line, _column = self.plan(req)
        return self.backend.infill(replace(infill, max_tokens=0, stop=None, prompt_time_limit_s=None), cancel)

    def plan(self, req: CompletionRequest) -> tuple[InfillRequest, PostContext, int, int]:
        """The backend request for `req` (windows, context pack, rendered prompt, stop rule), the post-processing
        context, and the cursor clamped to the text."""
        s = self.settings
        lines = split_lines(req.text)
        line = min(max(req.line, 0), len(lines) - 1)
        column = min(max(req.column, 0), len(lines[line]))
        w = cut_windows(lines, line, column, s.prefix_lines, s.suffix_lines, s.window_step)
        meter = meter_for(self.backend)
        prefix = fit_prefix(meter, w.prefix, s.prefix_tokens, s.window_step)
        suffix = fit_suffix(meter, w.suffix, s.suffix_tokens)
        # the rows the budget leaves out are not shown: the pack must give their scope headers and imports
        pack = self._context(req, line, column, w.first + prefix.skipped_lines, w.last)
        mode = pack.mode if pack is not None else None
        ctx = make_context(w.prefix + w.typed, w.suffix, req.language, mode, context_echoes(pack))
        infill = InfillRequest(
            prompt=render(self.backend, Pieces(prefix, suffix, w.typed, pack, s.layout)),
            slot=req.slot,
            fork_from=req.fork_from,
            max_tokens=s.max_tokens,
            stop=stop_rule(ctx),
            indent=indentation(lines[line]) if ctx.multiline else 0,
            end_grace=self.ends.grace(s.end_grace_tokens),
            prompt_time_limit_s=None if s.prompt_time_ms is None else s.prompt_time_ms / 1000,
            generate_time_limit_s=None if s.generate_time_ms is None else s.generate_time_ms / 1000,
        )
        return infill, ctx, line, column

    def _generate(
        self, infill: InfillRequest, ctx: PostContext, line: int, column: int, cancel: threading.Event | None
    ) -> Suggestion:
        """One generation under the stop rules, then the post-processing chain."""
        gen = self.backend.infill(infill, cancel)
        if gen.stop_reason not in FAILED:
            self.ends.observe(gen.stop_reason, gen.held, ctx.multiline)
        out = Candidate("") if gen.stop_reason in FAILED else postprocess(raw_candidate(gen), ctx)
        if not (out.text or out.replace):
            out = _rule_answer(gen, infill, ctx) or out
        end = column + out.replace
        return Suggestion(text=out.text, line=line, column=column, replace_to_column=end, generation=gen)
