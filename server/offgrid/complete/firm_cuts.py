"""The cuts a model's own end never overrules: the context's layout written back, and the file's top level
below an indented cursor line."""

from offgrid.complete.postprocess.context import CLOSERS, PostContext, indentation
from offgrid.complete.stop_text import CLOSING_WORDS, complete_lines, cut_before, earliest
from offgrid.context.languages import family_of
from offgrid.engine.generation import StopRule

# special tokens of the FIM families, as text: a model that writes one has left the middle
_SPECIAL = ("<|file_sep|>", "<|fim_", "<|repo_name|>", "<|endoftext|>", "<file_sep>", "<fim_", "<repo_name>")


def echoes_context(ctx: PostContext) -> StopRule:
    """Stop where the suggestion starts writing the prompt's context layout instead of code for the cursor: a
    special token's text, a path row of the context pack, or one of its rows as the comment it was shown as (a
    `# other.py` row and the other file's code commented out, seen as whole suggestions)."""
    typed, echoes = ctx.typed, ctx.echoes

    def rule(text: str) -> int | None:
        cuts = [i for m in _SPECIAL if (i := text.find(m)) >= 0]
        for offset, line in complete_lines(typed, text + "\n"):  # the line being written counts when it matches
            if offset + len(line) > 0 and line.strip() in echoes:
                cuts.append(cut_before(offset) if offset > 0 else 0)
                break
        return min(cuts) if cuts else None

    return rule


def leaves_to_top_level(ctx: PostContext) -> StopRule:
    """Stop before a line at the file's top level below an indented cursor line: the code after the cursor's
    definition (example usage, a test, the next function) is no suggestion for the cursor, whatever the model's
    own end says (mid-line `return math.sqrt(|)`: the 0.5B wrote `a**2 + b**2)`, `# Example usage:`, `print(...)`,
    then ended). A closing bracket or `end` there closes the definition and is left to the other rules, as is a
    preprocessor line of the C family."""
    typed = ctx.typed
    if not indentation(typed):
        return lambda text: None
    preprocessed = family_of(ctx.language) == "c"  # its `#` directives sit at column 0 inside functions too

    def stays(offset: int, line: str) -> bool:
        if offset <= 0 or line[0].isspace() or line[0] in CLOSERS or line.split()[0] in CLOSING_WORDS:
            return True
        return preprocessed and line.startswith("#")

    def rule(text: str) -> int | None:
        code_end = 0  # where the last line with code before it ends (blank lines before it go too)
        for offset, line in complete_lines(typed, text):
            if not line.strip():
                continue
            if not stays(offset, line):
                return code_end
            code_end = max(0, offset + len(line))
        return None

    return rule


def firm_cuts(ctx: PostContext) -> StopRule:
    """The cuts a model's own end never overrules: firm while streaming (never held for the grace), and the only
    cuts limit_scope applies to an answer the model ended past a held cut. The context's layout, and the file's
    top level below an indented cursor line."""
    return earliest(echoes_context(ctx), leaves_to_top_level(ctx))
