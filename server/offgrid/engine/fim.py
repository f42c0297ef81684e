"""Fill-in-the-middle formats: which special tokens a model uses, found from its vocabulary."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FimFormat:
    """The FIM token ids of one model; `spm` means suffix-before-prefix order (Codestral)."""

    name: str
    prefix: int
    suffix: int
    middle: int | None
    pad: int | None = None
    repo_name: int | None = None
    file_sep: int | None = None
    spm: bool = False


# Token texts of the FIM families we know, tried in order when the GGUF lacks tokenizer.ggml.fim_* keys.
# (name, prefix, suffix, middle, pad, repo_name, file_sep, spm)
_KNOWN: tuple[tuple[str, str, str, str | None, str | None, str | None, str | None, bool], ...] = (
    (
        "qwen2.5-coder",
        "<|fim_prefix|>",
        "<|fim_suffix|>",
        "<|fim_middle|>",
        "<|fim_pad|>",
        "<|repo_name|>",
        "<|file_sep|>",
        False,
    ),
    ("starcoder", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>", "<repo_name>", "<file_sep>", False),
    ("deepseek-coder", "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", None, None, None, False),
    ("codellama", "▁<PRE>", "▁<SUF>", "▁<MID>", None, None, None, False),
    ("codellama", "<PRE>", "<SUF>", "<MID>", None, None, None, False),
    ("codestral", "[PREFIX]", "[SUFFIX]", None, None, None, None, True),
)


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
    for name, *texts, spm in _KNOWN:
        ids = [token_id(t) if t else None for t in texts]
        if ids[0] is not None and ids[1] is not None and (ids[2] is not None or texts[2] is None):
            return FimFormat(
                name=name,
                prefix=pre if pre is not None else ids[0],
                suffix=suf if suf is not None else ids[1],
                middle=mid if mid is not None else ids[2],
                pad=pad if pad is not None else ids[3],
                repo_name=rep if rep is not None else ids[4],
                file_sep=sep if sep is not None else ids[5],
                spm=spm,
            )
    if pre is not None and suf is not None:
        return FimFormat("gguf-metadata", pre, suf, mid, pad, rep, sep)
    return None
