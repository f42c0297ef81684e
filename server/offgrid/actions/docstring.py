"""Add a docstring to the function or class at the cursor; the model writes only the docstring, inserted as the
body's first statement, so the code itself is never touched."""

import re
import textwrap

from offgrid.actions.definitions import Definition, definition_at
from offgrid.actions.doc_comment import plan_doc_comment
from offgrid.actions.edit import checked_edit
from offgrid.actions.plan import Plan, context_before, fenced
from offgrid.actions.request import ActionRequest, ActionResult
from offgrid.config import ActionSettings
from offgrid.errors import ActionRefused

DOCSTRING_TOKENS = 200


def documentable(req: ActionRequest) -> Definition | None:
    """The definition at the cursor when it lacks a docstring."""
    d = definition_at(req.text, req.language, req.start)
    return d if d is not None and not d.has_docstring else None


def _closing_quotes(text: str) -> int | None:
    """Stop rule: the end of the docstring the prompt opened."""
    i = text.find('"""')
    return i + 3 if i >= 0 else None


def plan_docstring(req: ActionRequest, settings: ActionSettings) -> Plan:
    """Ask for the docstring of the definition at the cursor."""
    d = definition_at(req.text, req.language, req.start)
    if d is None:
        raise ActionRefused("put the cursor in a function or class to add a docstring")
    if d.has_docstring:
        raise ActionRefused("this definition already has a docstring")
    if d.braces:
        return plan_doc_comment(req, settings, d)
    code = textwrap.dedent(req.text[d.start : d.end])
    header = textwrap.dedent(req.text[d.start : d.body_start]).rstrip("\n")
    step = d.body_indent[len(d.indent) :] or "    "
    what = "class" if d.is_class else "function"
    user = (
        context_before(req.text, d.start, settings.context_lines, req.related)
        + f"Add a docstring to this Python {what}: a one-line summary, then what it takes and returns.\n"
        + f"{fenced(code, 'python')}\nReply with the {what} including its new docstring."
    )
    opening = f'{step}"""'

    def finish(answer: str) -> ActionResult:
        end = _closing_quotes(answer)
        body = (answer[: end - 3] if end is not None else answer).strip()
        body = re.sub(r"\n\s*\n\s*$", "", body)
        if not body:
            raise ActionRefused("the model wrote no docstring")
        lines = body.split("\n")
        rest = textwrap.dedent("\n".join(lines[1:])).split("\n") if len(lines) > 1 else []
        doc = [f'{d.body_indent}"""{lines[0].strip()}']
        doc += [f"{d.body_indent}{line}".rstrip() for line in rest]
        if len(doc) > 1:
            doc.append(f'{d.body_indent}"""')
        else:
            doc[0] += '"""'
        new_text = "\n".join(doc) + "\n"
        return ActionResult(
            edit=checked_edit(
                req.text, d.body_start, d.body_start, new_text, req.language, "the model wrote no docstring"
            )
        )

    return Plan(
        user=user,
        prefill=f"```python\n{header}\n{opening}",
        fim_prefix=req.text[: d.body_start] + d.body_indent + '"""',
        fim_suffix='"""\n' + req.text[d.body_start :],
        max_tokens=DOCSTRING_TOKENS,
        finish=finish,
        stop=_closing_quotes,
        region=(d.body_start, d.body_start),
    )
