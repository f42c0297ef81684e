"""Explain the selection (or the definition at the cursor): the answer is shown to the user, never written into
the code."""

import textwrap

from offgrid.actions.definitions import definition_at
from offgrid.actions.plan import Plan, context_before, fenced
from offgrid.actions.request import ActionRequest, ActionResult
from offgrid.actions.targets import selected_lines
from offgrid.config import ActionSettings
from offgrid.errors import ActionRefused

SYSTEM = "You are an expert programmer. Explain code clearly and briefly, in Markdown."


def plan_explain(req: ActionRequest, settings: ActionSettings) -> Plan:
    """Ask for an explanation of the selection, or of the definition at the cursor when nothing is selected."""
    start, end = req.start, req.end
    if end <= start or not req.text[start:end].strip():
        d = definition_at(req.text, req.language, start)
        if d is None:
            raise ActionRefused("select the code to explain first")
        start, end = d.start, d.end
    else:
        lines = selected_lines(req.text, start, end)
        if lines is not None:
            start, end = lines.start, lines.end
    n = req.text.count("\n", start, end)
    if n > settings.max_selection_lines:
        raise ActionRefused(
            f"the selection has {n} lines; code actions take at most {settings.max_selection_lines} "
            "(setting actions.maxSelectionLines)"
        )
    code = textwrap.dedent(req.text[start:end])

    def finish(answer: str) -> ActionResult:
        text = answer.strip()
        if not text:
            raise ActionRefused("the model had nothing to say")
        return ActionResult(explanation=text)

    return Plan(
        user=context_before(req.text, start, 0, req.related)
        + f"Explain what this {req.language} code does.\n{fenced(code, req.language)}",
        prefill="",
        fim_prefix=f"{fenced(code, req.language)}\n\nWhat the code above does, explained:\n",
        fim_suffix="",
        max_tokens=settings.max_tokens,
        finish=finish,
        system=SYSTEM,
        must_end=False,
    )
