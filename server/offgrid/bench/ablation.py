"""`offgrid bench quality --ablate`: where offgrid's difference from the plain FIM client comes from, its prompt
or its cut. Two more sides per task: offgrid's prompt (windows, context pack, token healing) cut the way the plain
client cuts (end of text, the cap, `n_indent`), and the plain prompt cut by offgrid's stop rules and filters.
This split showed that the block rules, not the prompt, cost the 1.5B model most of its loss (README, quality).
"""

from dataclasses import replace

from offgrid.bench.plain_fim import MAX_TOKENS, plain_cut, plain_prompt
from offgrid.complete.pipeline import Completer, raw_candidate
from offgrid.complete.postprocess import PostContext, postprocess
from offgrid.complete.postprocess.context import indentation
from offgrid.complete.request import CompletionRequest
from offgrid.complete.stop_rules import stop_rule
from offgrid.engine.backends.base import InfillRequest
from offgrid.engine.generation import GenerationRequest

# what Completer.plan returns for the request: the backend request, the post-processing context, the cursor
Plan = tuple[InfillRequest, PostContext, int, int]

SIDES = ("offgrid-prompt+plain-cut", "plain-prompt+offgrid-cut")


def offgrid_prompt_plain_cut(
    completer: Completer, req: CompletionRequest, plan: Plan, multiline: bool
) -> tuple[str, int]:
    """offgrid's prompt, generated uncut, then cut as the plain client cuts."""
    infill, _ctx, line, column = plan
    gen = completer.backend.infill(replace(infill, stop=None, end_grace=0, max_tokens=MAX_TOKENS))
    typed = req.text.split("\n")[line][:column]
    return plain_cut(gen.text, multiline, indentation(typed)), 0


def plain_prompt_offgrid_cut(completer: Completer, req: CompletionRequest, plan: Plan) -> tuple[str, int]:
    """The plain prompt, stopped by offgrid's rules (with the grace the model has earned) and filtered."""
    assert completer.engine is not None
    infill, ctx, line, column = plan
    gen = completer.engine.generate(
        GenerationRequest(
            tuple(plain_prompt(completer.engine, req.text, line, column)),
            slot="plain-ablation",
            max_tokens=infill.max_tokens,
            stop=stop_rule(ctx),
            end_grace=infill.end_grace,
        )
    )
    out = postprocess(raw_candidate(gen), ctx)
    return out.text, out.replace
