"""Fill-in-the-middle formats: the one table of the FIM families offgrid knows, as token ids found in a local
model's vocabulary (FimFormat) and as the texts a raw prompt to a model server spells (FimTemplate)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FimFamily:
    """The special-token texts of one FIM family. `spm`: suffix before prefix (Codestral)."""

    name: str
    prefix: str
    suffix: str
    middle: str | None
    pad: str | None = None
    repo_name: str | None = None
    file_sep: str | None = None
    spm: bool = False
    stop: tuple[str, ...] = ()  # texts that end a completion if a server does not stop at them itself
    spelled: tuple[str, str, str] | None = None  # prefix, suffix, middle as a raw prompt writes them, if not as above
    detect_only: bool = False  # another spelling of a family's tokens, for detection in a vocabulary only


# Tried in this order when a GGUF file lacks the tokenizer.ggml.fim_* keys, and for a server's model by name.
FAMILIES: tuple[FimFamily, ...] = (
    FimFamily(
        "qwen2.5-coder",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
        "<|fim_pad|>",
        "<|repo_name|>",
        "<|file_sep|>",
        stop=("<|endoftext|>", "<|file_sep|>", "<|fim_prefix|>", "<|fim_pad|>", "<|repo_name|>", "<|im_end|>"),
    ),
    FimFamily(
        "starcoder",
        "<fim_prefix>",
        "<fim_suffix>",
        "<fim_middle>",
        "<fim_pad>",
        "<repo_name>",
        "<file_sep>",
        stop=("<|endoftext|>", "<file_sep>", "<fim_prefix>", "<fim_pad>"),
    ),
    FimFamily("deepseek-coder", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", stop=("<｜end▁of▁sentence｜>",)),
    FimFamily("codellama", "▁<PRE>", "▁<SUF>", "▁<MID>", stop=("<EOT>",), spelled=("<PRE> ", " <SUF>", " <MID>")),
    FimFamily("codellama", "<PRE>", "<SUF>", "<MID>", detect_only=True),
    FimFamily("codestral", "[PREFIX]", "[SUFFIX]", None, spm=True, stop=("</s>",)),
)


@dataclass(frozen=True)
class FimFormat:
    """The FIM token ids of one local model; `spm` means suffix-before-prefix order (Codestral)."""

    name: str
    prefix: int
    suffix: int
    middle: int | None
    pad: int | None = None
    repo_name: int | None = None
    file_sep: int | None = None
    spm: bool = False


def detect_fim(
    token_id: Callable[[str], int | None],
    declared: tuple[int, int, int, int, int, int],
) -> FimFormat | None:
    """Find the model's FIM tokens.

    `declared` is what llama.cpp reports (pre, suf, mid, pad, rep, sep; -1 when absent); `token_id`
    maps a token's text to its id. Declared ids win; known token texts are the fallback, because many
    GGUF files carry the tokens without the metadata keys. Returns None for a model with no FIM.
    """
    pre, suf, mid, pad, rep, sep = (t if t >= 0 else None for t in declared)
    for f in FAMILIES:
        texts = (f.prefix, f.suffix, f.middle, f.pad, f.repo_name, f.file_sep)
        ids = [token_id(t) if t else None for t in texts]
        if ids[0] is not None and ids[1] is not None and (ids[2] is not None or f.middle is None):
            return FimFormat(
                name=f.name,
                prefix=pre if pre is not None else ids[0],
                suffix=suf if suf is not None else ids[1],
                middle=mid if mid is not None else ids[2],
                pad=pad if pad is not None else ids[3],
                repo_name=rep if rep is not None else ids[4],
                file_sep=sep if sep is not None else ids[5],
                spm=f.spm,
            )
    if pre is not None and suf is not None:
        return FimFormat("gguf-metadata", pre, suf, mid, pad, rep, sep)
    return None


@dataclass(frozen=True)
class FimTemplate:
    """One family's FIM tokens as a raw text prompt writes them (the server tokenizes special tokens)."""

    name: str
    prefix: str
    suffix: str
    middle: str
    repo_name: str | None = None
    file_sep: str | None = None
    spm: bool = False
    stop: tuple[str, ...] = ()


def _template(f: FimFamily) -> FimTemplate:
    pre, suf, mid = f.spelled or (f.prefix, f.suffix, f.middle or "")
    return FimTemplate(f.name, pre, suf, mid, f.repo_name, f.file_sep, f.spm, f.stop)


TEMPLATES: dict[str, FimTemplate] = {f.name: _template(f) for f in FAMILIES if not f.detect_only}

# Preset and model-name stems that imply a format (checked as substrings of the lower-cased name).
_STEMS = (
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
    for stem, fmt in _STEMS:
        if stem in key:
            return TEMPLATES[fmt]
    return None
