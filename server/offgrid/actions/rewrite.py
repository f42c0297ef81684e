"""Rewrite the selection by the user's instruction, or fix a diagnostic: both replace a region with new code."""

import textwrap

from offgrid.actions.clean import cut_at_fence, extract_code
from offgrid.actions.definitions import definition_at
from offgrid.actions.edit import checked_edit, reindent
from offgrid.actions.plan import Plan, context_before, fenced
from offgrid.actions.request import ActionKind, ActionRequest, ActionResult
from offgrid.actions.targets import line_of, line_range, selected_lines
from offgrid.config import ActionSettings
from offgrid.context.languages import line_comment
from offgrid.errors import ActionRefused

FIX_DEFINITION_LINES = 60  # a diagnostic inside a function this short gets the whole function rewritten
FIX_AROUND = 3  # otherwise this many lines either side


def plan_rewrite(req: ActionRequest, settings: ActionSettings) -> Plan:
    """Rewrite req.start..req.end by req.instruction."""
    if req.end <= req.start or not req.text[req.start : req.end].strip():
        raise ActionRefused("select the code to rewrite first")
    if not req.instruction.strip():
        raise ActionRefused("say how to rewrite the selection")
    lines = selected_lines(req.text, req.start, req.end)
    if lines is None:
        return _plan(req, settings, req.start, req.end, None, req.instruction.strip())
    n = req.text.count("\n", lines.start, lines.end)
    if n > settings.max_selection_lines:
        raise ActionRefused(
            f"the selection has {n} lines; code actions take at most {settings.max_selection_lines} "
            "(setting actions.maxSelectionLines)"
        )
    return _plan(req, settings, lines.start, lines.end, lines.indent, req.instruction.strip())


def plan_fix(req: ActionRequest, settings: ActionSettings) -> Plan:
    """Rewrite the code around a diagnostic so that its problem goes away."""
    if not req.diagnostic.strip():
        raise ActionRefused("there is no diagnostic to fix here")
    d = definition_at(req.text, req.language, req.start)
    if d is not None and req.text.count("\n", d.start, d.end) <= FIX_DEFINITION_LINES:
        start, end, indent = d.start, d.end, d.indent
    else:
        r = line_range(req.text, req.diagnostic_line - FIX_AROUND, req.diagnostic_line + FIX_AROUND)
        start, end, indent = r.start, r.end, r.indent
    rel = req.diagnostic_line - line_of(req.text, start) + 1
    instruction = f"fix this problem, reported at line {rel} of the code: {req.diagnostic.strip()}"
    return _plan(req, settings, start, end, indent, instruction)


def _plan(req: ActionRequest, settings: ActionSettings, start: int, end: int, indent: str | None, how: str) -> Plan:
    """`indent` is None for a part of one line, else the indentation of the region's whole lines."""
    region = req.text[start:end]
    code = textwrap.dedent(region) if indent is not None else region
    lang = req.language
    # No surrounding code for a plain rewrite: the small models copy it into their answer. A fix gets the related
    # code (the definitions of names it uses), which a problem report often needs.
    user = (
        context_before(req.text, start, 0, req.related if req.kind is ActionKind.FIX else "")
        + f"Rewrite this {lang} code ({how}):\n{fenced(code, lang)}\nReply with the complete rewritten code only."
    )
    cm = line_comment(lang)
    commented = "".join(f"{cm} {line}\n" for line in code.rstrip("\n").split("\n"))
    fim_prefix = req.text[:start] + f"{cm} Original code:\n{commented}{cm} Rewritten ({how}):\n"

    def finish(answer: str) -> ActionResult:
        new = extract_code(answer, inside_fence=True).strip("\n")
        if not new.strip():
            raise ActionRefused("the model returned no code")
        tail = "\n" if region.endswith("\n") else ""
        new = new.strip() if indent is None else reindent(new, indent) + tail
        return ActionResult(edit=checked_edit(req.text, start, end, new, lang, "the model left the code as it was"))

    return Plan(
        user=user,
        prefill=f"```{lang}\n",
        fim_prefix=fim_prefix,
        fim_suffix=req.text[end:],
        max_tokens=settings.max_tokens,
        finish=finish,
        stop=cut_at_fence,
        region=(start, end),
    )
