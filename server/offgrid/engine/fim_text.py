"""Fill-in-the-middle prompts as text, for servers that take a raw prompt (OpenAI-compatible /v1/completions).

A remote model has no local vocabulary to detect its format from, so the format is named in the settings
(or follows from a preset's name). The server must tokenize special tokens in the prompt, as vLLM, Ollama
(raw mode) and llama-cpp-python's server do.
"""

from dataclasses import dataclass


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


def render_fim(
    t: FimTemplate | None, prefix: str, suffix: str, typed: str, extra: tuple[tuple[str, str], ...] = ()
) -> str:
    """PSM text prompt with the typed part last; `extra` (path, text) files go first where the format has file
    separators. Without a template: prefix-only (prefix + typed)."""
    if t is None:
        return prefix + typed
    head = ""
    if extra and t.file_sep:
        head = (f"{t.repo_name}offgrid\n" if t.repo_name else "") + "".join(
            f"{t.file_sep}{path}\n{text}" for path, text in extra
        )
        head += f"{t.file_sep}current\n"
    if t.spm:
        return f"{head}{t.suffix}{suffix}{t.prefix}{prefix}{typed}"
    return f"{head}{t.prefix}{prefix}{t.suffix}{suffix}{t.middle}{typed}"
