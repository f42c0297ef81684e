"""From a cursor to a suggestion: windows, context, a backend's generation under stop rules, then post-processing."""

import logging
import threading
import time
from dataclasses import dataclass, replace

from offgrid.complete.alternatives import more_suggestions
from offgrid.complete.postprocess import Candidate, make_context, postprocess, stop_rule
from offgrid.complete.postprocess.context import PostContext, indentation
from offgrid.complete.prompt import PromptBudget, build_prompt, kept_prefix_lines
from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.complete.windows import Windows, cut_windows, split_lines
from offgrid.context.pack import ContextPack, FileSnippet
from offgrid.context.service import ContextService
from offgrid.engine.backends.base import Backend, ExtraFile, InfillRequest, RepoContext
from offgrid.engine.backends.local import LocalBackend, TokenPrompt
from offgrid.engine.backends.streamed import CHARS_PER_TOKEN
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model

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


def repo_context(pack: ContextPack | None) -> RepoContext | None:
    """The context pack as text for any backend."""
    if pack is None:
        return None
    files = tuple(ExtraFile(f.path, f.text) for f in pack.files)
    return RepoContext(pack.repo, pack.path, files, pack.stub, pack.comment, pack.format)


def _pack(ctx: RepoContext | None) -> ContextPack | None:
    if ctx is None:
        return None
    files = tuple(FileSnippet(f.path, f.text) for f in ctx.files)
    return ContextPack(repo=ctx.repo, path=ctx.path, comment=ctx.comment, files=files, stub=ctx.stub, format=ctx.format)


def token_prompt(model: Model, req: InfillRequest) -> TokenPrompt:
    """The local backend's rendering: token ids in the model's own FIM format (PSM, context, token healing)."""
    bos = model.bos if model.add_bos and model.bos >= 0 else None
    w = Windows(prefix=req.prefix, typed=req.typed, after_cursor="", suffix=req.suffix)
    budget = PromptBudget(req.prefix_tokens, req.suffix_tokens, req.step_lines)
    prompt = build_prompt(model.tokenize, model.piece, model.fim, w, budget, bos, _pack(req.context))
    return TokenPrompt(prompt.ids, prompt.healed)


def _approximate_count(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1  # a remote model's tokenizer is not at hand


class Completer:
    """Turns CompletionRequests into Suggestions through a backend, on the model worker's thread."""

    def __init__(
        self,
        backend: Backend | LlamaEngine,
        settings: CompletionSettings | None = None,
        context: ContextService | None = None,
    ) -> None:
        self.backend: Backend = LocalBackend(backend, token_prompt) if isinstance(backend, LlamaEngine) else backend
        # the in-process engine, for its counters and cache repair (None with a remote backend)
        self.engine = self.backend.engine if isinstance(self.backend, LocalBackend) else None
        self.settings = settings or CompletionSettings()
        self.context = context
        self.last_context: ContextPack | None = None

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
        self.last_context = pack
        return pack

    def complete(self, req: CompletionRequest, cancel: threading.Event | None = None) -> Suggestion:
        """Generate the suggestion for `req` (blocking; run it on the model worker)."""
        s = self.settings
        lines = split_lines(req.text)
        line = min(max(req.line, 0), len(lines) - 1)
        column = min(max(req.column, 0), len(lines[line]))
        w = cut_windows(lines, line, column, s.prefix_lines, s.suffix_lines, s.window_step)
        first = w.first
        if self.engine is not None and self.context is not None:  # the rows the token budget leaves out are
            tokenize = self.engine.model.tokenize  # not shown: the pack must give their scope headers and imports
            first += kept_prefix_lines(tokenize, w.prefix, s.prefix_tokens, s.window_step)
        pack = self._context(req, line, column, first, w.last)
        ctx = make_context(w.prefix + w.typed, w.suffix, req.language)
        if pack is not None and pack.mode:  # the syntax tree knows better than the text around the cursor
            ctx = replace(ctx, multiline=pack.mode == "multi")
        infill = InfillRequest(
            prefix=w.prefix,
            suffix=w.suffix,
            typed=w.typed,
            context=repo_context(pack),
            slot=req.slot,
            fork_from=req.fork_from,
            prefix_tokens=s.prefix_tokens,
            suffix_tokens=s.suffix_tokens,
            step_lines=s.window_step,
            max_tokens=s.max_tokens,
            stop=stop_rule(ctx),
            indent=indentation(lines[line]) if ctx.multiline else 0,
            prompt_time_limit_s=None if s.prompt_time_ms is None else s.prompt_time_ms / 1000,
            generate_time_limit_s=None if s.generate_time_ms is None else s.generate_time_ms / 1000,
        )
        first = self._generate(infill, ctx, line, column, cancel)
        failed = first.generation is None or first.generation.stop_reason in FAILED
        if not req.invoked or s.invoked_items <= 1 or failed:
            return first
        deadline = None if s.generate_time_ms is None else time.monotonic() + s.generate_time_ms / 1000

        def generate(exclude: tuple[int, ...]) -> Suggestion:
            return self._generate(replace(infill, exclude_first=exclude), ctx, line, column, cancel)

        found = [x for x in (first, *more_suggestions(generate, first, s.invoked_items, deadline, cancel)) if x.text]
        return replace(found[0], more=tuple(found[1:])) if found else first

    def _generate(
        self, infill: InfillRequest, ctx: PostContext, line: int, column: int, cancel: threading.Event | None
    ) -> Suggestion:
        """One generation under the stop rules, then the post-processing chain."""
        gen = self.backend.infill(infill, cancel)
        raw = Candidate(gen.text, truncated=gen.stop_reason in ("max_tokens", "time"))
        out = Candidate("") if gen.stop_reason in FAILED else postprocess(raw, ctx)
        end = column + out.replace
        return Suggestion(text=out.text, line=line, column=column, replace_to_column=end, generation=gen)
