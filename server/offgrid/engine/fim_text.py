"""Fill-in-the-middle prompts as text, for servers that take a raw prompt (OpenAI-compatible /v1/completions).

A remote model has no local vocabulary to detect its format from, so the format is named in the settings
(or follows from a preset's name). The server must tokenize special tokens in the prompt, as vLLM, Ollama
(raw mode) and llama-cpp-python's server do.
"""

from dataclasses import dataclass

from offgrid.engine.backends.base import RepoContext


@dataclass(frozen=True)
class FimTemplate:
    """The special-token texts of one FIM family; `spm` puts the suffix first (Codestral)."""

    name: str
    prefix: str
    suffix: str
    middle: str
    repo_name: str | None = None
    file_sep: str | None = None
    spm: bool = False
    stop: tuple[str, ...] = ()  # texts that end a completion if the server does not stop at them itself


TEMPLATES: dict[str, FimTemplate] = {
    t.name: t
    for t in (
        FimTemplate(
            "qwen2.5-coder",
            "<|fim_prefix|>",
            "<|fim_suffix|>",
            "<|fim_middle|>",
            "<|repo_name|>",
            "<|file_sep|>",
            stop=("<|endoftext|>", "<|file_sep|>", "<|fim_prefix|>", "<|fim_pad|>", "<|repo_name|>", "<|im_end|>"),
        ),
        FimTemplate(
            "starcoder",
            "<fim_prefix>",
            "<fim_suffix>",
            "<fim_middle>",
            "<repo_name>",
            "<file_sep>",
            stop=("<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_pad>"),
        ),
        FimTemplate(
            "deepseek-coder", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", stop=("<｜end▁of▁sentence｜>",)
        ),
        FimTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", stop=("<EOT>",)),
        FimTemplate("codestral", "[PREFIX]", "[SUFFIX]", "", spm=True, stop=("</s>",)),
    )
}
# Preset and model-name stems that imply a format (checked as substrings of the lower-cased name).
_FAMILIES = (
    ("qwen2.5-coder", "qwen2.5-coder"),
    ("qwen2.5coder", "qwen2.5-coder"),
    ("starcoder", "starcoder"),
    ("deepseek-coder", "deepseek-coder"),
    ("codellama", "codellama"),
    ("code-llama", "codellama"),
    ("codestral", "codestral"),
)


def template_for(name: str) -> FimTemplate | None:
    """The template named `name`, or the one a preset or model name implies; None when nothing matches."""
    key = name.strip().lower()
    if key in TEMPLATES:
        return TEMPLATES[key]
    for stem, fmt in _FAMILIES:
        if stem in key:
            return TEMPLATES[fmt]
    return None


def _context_text(t: FimTemplate | None, ctx: RepoContext | None) -> tuple[str, str]:
    """The context's text before the FIM prefix token, and the text right after it (as the local layout does:
    repo-level separators where the model has them, else the other files as comments before the prefix)."""
    if ctx is None or not (ctx.files or ctx.stub):
        return "", ""
    if ctx.format == "repo" and t is not None and t.repo_name and t.file_sep:
        head = f"{t.repo_name}{ctx.repo}\n" + "".join(f"{t.file_sep}{f.path}\n{f.text}\n" for f in ctx.files)
        return head + f"{t.file_sep}{ctx.path}\n", ctx.stub
    c = ctx.comment
    rows = "".join(f"{c} {f.path}\n" + "".join(f"{c} {row}\n" for row in f.text.split("\n")) for f in ctx.files)
    return "", rows + (f"{c} {ctx.path}\n" if ctx.files else "") + ctx.stub


def render_fim(t: FimTemplate | None, prefix: str, suffix: str, typed: str, ctx: RepoContext | None = None) -> str:
    """Text prompt, PSM with the typed part last: [context] PRE [stub] prefix SUF suffix MID typed. Without a
    template: prefix-only ([context] prefix typed)."""
    head, stub = _context_text(t, ctx)
    if t is None:
        return f"{head}{stub}{prefix}{typed}"
    if t.spm:
        return f"{head}{t.suffix}{suffix}{t.prefix}{stub}{prefix}{typed}"
    return f"{head}{t.prefix}{stub}{prefix}{t.suffix}{suffix}{t.middle}{typed}"
