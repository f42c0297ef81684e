"""Complete the body of a function whose body is empty (`pass`, `...`): the model continues after the header."""

import textwrap

from offgrid.actions.clean import cut_at_fence, extract_code
from offgrid.actions.definitions import Definition, definition_at
from offgrid.actions.edit import checked_edit, leading_space, reindent
from offgrid.actions.plan import Plan, context_before, fenced
from offgrid.actions.request import ActionRequest, ActionResult
from offgrid.config import ActionSettings
from offgrid.errors import ActionRefused

_EMPTY = "the model left the body empty"


def completable(req: ActionRequest) -> Definition | None:
    """The function at the cursor when its body is empty."""
    d = definition_at(req.text, req.language, req.start)
    return d if d is not None and d.body_is_empty and not d.is_class else None


def _end_of_body(text: str) -> int | None:
    """Stop rule: a closing fence, or a line back at the header's indentation (the function has ended; for
    braces, that line is the closing one)."""
    cut = cut_at_fence(text)
    pos = 0
    for line in text.split("\n")[:-1]:  # the last line may still be growing
        if line.strip() and not leading_space(line):
            return pos if cut is None else min(pos, cut)
        pos += len(line) + 1
    return cut


def _step(d: Definition) -> str:
    return d.body_indent[len(d.indent) :] or "    "


def plan_body(req: ActionRequest, settings: ActionSettings) -> Plan:
    """Ask for the body of the empty function at the cursor."""
    d = completable(req)
    if d is None:
        raise ActionRefused("put the cursor in a function whose body is empty (`pass` or `...`)")
    if d.braces:
        return _plan_braces(req, settings, d)
    head = textwrap.dedent(req.text[d.start : d.doc_end])
    user = (
        context_before(req.text, d.start, settings.context_lines, req.related)
        + f"Implement this {req.language} function.\n{fenced(head + _step(d) + '...', req.language)}\n"
        + "Reply with the complete function."
    )

    def finish(answer: str) -> ActionResult:
        body = _body_of(answer)
        if not body.strip() or body.strip() in ("pass", "..."):
            raise ActionRefused("the model wrote no body")
        new = reindent(body, d.body_indent) + "\n"  # the model's frame (dedented or not) does not matter
        return ActionResult(edit=checked_edit(req.text, d.doc_end, d.end, new, req.language, _EMPTY))

    return Plan(
        user=user,
        prefill=f"```{req.language}\n{head}",
        fim_prefix=req.text[: d.doc_end],
        fim_suffix=req.text[d.end :],
        max_tokens=settings.max_tokens,
        finish=finish,
        stop=_end_of_body,
        region=(d.doc_end, d.end),
    )


def _body_of(answer: str) -> str:
    """The answer's code up to where the function ends."""
    code = extract_code(answer, inside_fence=True)
    cut = _end_of_body(code + "\n")
    return (code if cut is None else code[:cut]).rstrip()


def _plan_braces(req: ActionRequest, settings: ActionSettings, d: Definition) -> Plan:
    """The body between `{` and `}`: the model continues after the header's `{`."""
    head = textwrap.dedent(req.text[d.start : d.body_start]).rstrip() + "\n"
    closing = req.text[d.body_close : d.end].rstrip("\n")
    user = (
        context_before(req.text, d.start, settings.context_lines, req.related)
        + f"Implement this {req.language} function.\n{fenced(head + closing.strip(), req.language)}\n"
        + "Reply with the complete function."
    )

    def finish(answer: str) -> ActionResult:
        body = _body_of(answer)
        if not body.strip():
            raise ActionRefused("the model wrote no body")
        new = "\n" + reindent(body, d.body_indent) + "\n" + d.indent
        return ActionResult(edit=checked_edit(req.text, d.body_start, d.body_close, new, req.language, _EMPTY))

    return Plan(
        user=user,
        prefill=f"```{req.language}\n{head}",
        fim_prefix=req.text[: d.body_start] + "\n",
        fim_suffix="\n" + d.indent + req.text[d.body_close :],
        max_tokens=settings.max_tokens,
        finish=finish,
        stop=_end_of_body,
        region=(d.body_start, d.body_close),
    )
