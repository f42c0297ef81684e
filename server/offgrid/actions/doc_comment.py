"""Add a doc comment above a function or class in a language other than Python; the model writes only the
comment, inserted above the definition at its indentation, so the code itself is never touched."""

import textwrap

from offgrid.actions.clean import cut_at_fence
from offgrid.actions.definitions import Definition
from offgrid.actions.edit import checked_edit, reindent
from offgrid.actions.plan import Plan, context_before, fenced
from offgrid.actions.request import ActionRequest, ActionResult
from offgrid.config import ActionSettings
from offgrid.engine.generation import StopRule
from offgrid.errors import ActionRefused

DOC_TOKENS = 200
_LINE_STYLE = {"go": "//", "rust": "///", "lua": "---", "ruby": "#"}  # else a /** ... */ block


def _stop_at(header: str) -> StopRule:
    key = header.strip()[:30]

    def stop(text: str) -> int | None:
        """The comment ends where the model starts writing the definition itself (or closes the code block)."""
        fence, pos = cut_at_fence(text), 0
        for line in text.split("\n")[:-1]:
            if key and line.strip().startswith(key):
                return pos if fence is None else min(pos, fence)
            pos += len(line) + 1
        return fence

    return stop


def _comment_lines(answer: str, marker: str | None) -> list[str]:
    lines = [line.rstrip() for line in textwrap.dedent(answer).strip("\n").split("\n")]
    if marker is not None:
        return [line for line in lines if line.strip().startswith(marker)]
    if "*/" not in answer:
        return []
    return lines[: next(i for i, line in enumerate(lines) if "*/" in line) + 1]


def plan_doc_comment(req: ActionRequest, settings: ActionSettings, d: Definition) -> Plan:
    """Ask for the doc comment of definition `d`."""
    code = textwrap.dedent(req.text[d.start : d.end])
    header = code.split("\n", 1)[0]
    marker = _LINE_STYLE.get(req.language)
    opening = f"{marker} " if marker else "/**"
    what = "class" if d.is_class else "function"
    user = (
        context_before(req.text, d.start, settings.context_lines, req.related)
        + f"Write the doc comment for this {req.language} {what}: what it does, its parameters and result.\n"
        + f"{fenced(code, req.language)}\nReply with the doc comment followed by the {what}."
    )

    def finish(answer: str) -> ActionResult:
        lines = _comment_lines(opening + answer, marker)
        if not lines or not "".join(line.strip(" /*#-") for line in lines):
            raise ActionRefused("the model wrote no doc comment")
        new_text = reindent("\n".join(lines), d.indent) + "\n"
        return ActionResult(
            edit=checked_edit(req.text, d.start, d.start, new_text, req.language, "the model wrote no doc comment")
        )

    return Plan(
        user=user,
        prefill=f"```{req.language}\n{opening}",
        fim_prefix=req.text[: d.start] + d.indent + opening,
        fim_suffix="\n" + req.text[d.start :],
        max_tokens=DOC_TOKENS,
        finish=finish,
        stop=_stop_at(header),
        region=(d.start, d.start),
    )
