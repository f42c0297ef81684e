"""Token-id prompts in the model's own fill-in-the-middle format (never through text with special tokens)."""

from collections.abc import Callable
from dataclasses import dataclass

from offgrid.complete.windows import Windows
from offgrid.engine.fim import FimFormat

Tokenize = Callable[[str], list[int]]
Piece = Callable[[int], bytes]
_CHARS_PER_TOKEN = 8  # generous: cutting text before tokenizing keeps a 5 MB line from costing seconds


@dataclass(frozen=True)
class PromptBudget:
    """Token caps for the prefix and suffix windows."""

    prefix_tokens: int = 1024
    suffix_tokens: int = 256


def _tail_tokens(tokenize: Tokenize, text: str, budget: int) -> list[int]:
    """The last `budget` tokens of `text`."""
    ids = tokenize(text[-budget * _CHARS_PER_TOKEN :])
    return ids[-budget:] if budget > 0 else []


def _head_tokens(tokenize: Tokenize, text: str, budget: int) -> list[int]:
    """The first `budget` tokens of `text`."""
    ids = tokenize(text[: budget * _CHARS_PER_TOKEN])
    return ids[:budget] if budget > 0 else []


@dataclass(frozen=True)
class Prompt:
    """Token ids, and the bytes of the typed text's last token, held back for the model to rewrite."""

    ids: list[int]
    healed: bytes = b""


def build_prompt(
    tokenize: Tokenize, piece: Piece, fim: FimFormat | None, w: Windows, budget: PromptBudget, bos: int | None = None
) -> Prompt:
    """Layout (PSM): PRE prefix SUF suffix MID typed. The typed part comes last so a keystroke changes only
    the end of the prompt and the KV cache keeps everything before it. Without FIM tokens: prefix + typed.

    The typed part's last token is left out (token healing): a cursor inside a word splits a token, and the
    model does better rewriting it than continuing from half of it.
    """
    head = [bos] if bos is not None else []
    typed = tokenize(w.typed)
    healed = b"".join(piece(t) for t in typed[-1:])
    typed = typed[:-1]
    prefix = _tail_tokens(tokenize, w.prefix, budget.prefix_tokens)
    if fim is None:
        return Prompt(head + prefix + typed, healed)
    suffix = _head_tokens(tokenize, w.suffix, budget.suffix_tokens)
    if fim.spm:  # Codestral: suffix first, and the prefix runs straight into the middle
        return Prompt(head + [fim.suffix] + suffix + [fim.prefix] + prefix + typed, healed)
    middle = [fim.middle] if fim.middle is not None else []
    return Prompt(head + [fim.prefix] + prefix + [fim.suffix] + suffix + middle + typed, healed)
