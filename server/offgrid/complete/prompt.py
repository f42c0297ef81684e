"""Token-id prompts in the model's own fill-in-the-middle format (never through text with special tokens)."""

from collections.abc import Callable
from dataclasses import dataclass

from offgrid.complete.windows import Windows
from offgrid.context.pack import ContextPack
from offgrid.engine.fim import FimFormat

Tokenize = Callable[[str], list[int]]
Piece = Callable[[int], bytes]
_CHARS_PER_TOKEN = 8  # generous: cutting text before tokenizing keeps a 5 MB line from costing seconds


@dataclass(frozen=True)
class PromptBudget:
    """Token caps for the prefix and suffix windows."""

    prefix_tokens: int = 1024
    suffix_tokens: int = 256
    step_lines: int = 16  # the prefix window drops lines from the top this many at a time


def _fit_prefix(tokenize: Tokenize, text: str, budget: int, step: int) -> tuple[int, list[int]]:
    """The first line of the prefix window that is kept, and the tokens of the kept lines: whole lines, dropped
    from the top in steps of `step` until they fit.

    Cutting the first `n - budget` tokens instead would move the prompt's start on every keystroke once the
    budget binds, and with it every cached token after it.
    """
    if budget <= 0:
        return len(text.splitlines()), []
    lines = text.splitlines(keepends=True)
    # never tokenize more than a generous guess of what can fit (a 5 MB line would take seconds)
    chars, first = 0, len(lines)
    while first > 0 and chars + len(lines[first - 1]) <= budget * _CHARS_PER_TOKEN:
        first -= 1
        chars += len(lines[first])
    start = first + (-first % step)  # round the first kept line up to a step boundary, so it moves in steps
    ids = tokenize("".join(lines[start:]))
    while len(ids) > budget and start < len(lines):
        start += step
        ids = tokenize("".join(lines[start:]))
    if not ids and lines and start >= len(lines):  # one line alone is over budget: keep its tail
        ids = tokenize(lines[-1][-budget * _CHARS_PER_TOKEN :])[-budget:]
    return min(start, len(lines)), ids


def kept_prefix_lines(tokenize: Tokenize, text: str, budget: int, step: int) -> int:
    """How many lines at the top of the prefix window the token budget leaves out of the prompt."""
    return _fit_prefix(tokenize, text, budget, max(1, step))[0]


def _fit_suffix(tokenize: Tokenize, piece: Piece, text: str, budget: int) -> list[int]:
    """The suffix window's tokens: whole lines that fit `budget`, ending after a blank line when one is in their
    second half.

    A suffix cut at its token budget ended mid-line, often right after a function's header ("def f(x):\n   "),
    and a small model then wrote that function's body instead of the missing middle. Lines end where a token
    ends in a newline, so the text is tokenized once, as before.
    """
    head = text[: budget * _CHARS_PER_TOKEN] if budget > 0 else ""
    ids = tokenize(head)
    if len(ids) <= budget and len(head) == len(text):
        return ids  # all of it fits
    ends: list[tuple[int, int, bool]] = []  # (tokens, lines) up to a line's end, and whether that line is blank
    pending, lines = b"", 0
    for k, t in enumerate(ids[:budget], 1):
        pending += piece(t)
        if pending.endswith(b"\n"):  # one token may end several lines ("\n\n")
            done = pending.split(b"\n")[:-1]
            lines += len(done)
            ends.append((k, lines, not done[-1].strip()))
            pending = b""
    if not ends:  # the first line alone is over budget
        return ids[:budget]
    blank = [k for k, n, empty in ends if empty and n > max(1, lines // 2)]
    return ids[: blank[-1] if blank else ends[-1][0]]


@dataclass(frozen=True)
class Prompt:
    """Token ids, and the bytes of the typed text's last token, held back for the model to rewrite."""

    ids: list[int]
    healed: bytes = b""


def _context_tokens(tokenize: Tokenize, fim: FimFormat | None, pack: ContextPack | None) -> tuple[list[int], str]:
    """The context pack's tokens that go before the FIM prefix token, and the text that goes right after it.

    Models with repo-level tokens (Qwen2.5-Coder, StarCoder2) get other files the way they were trained:
    `<|repo_name|>repo`, then `<|file_sep|>path` and the file's rows for each file, then `<|file_sep|>` and
    the current file's path. Other models get the same as comments at the top of the prefix.
    """
    if pack is None or not (pack.files or pack.stub):
        return [], ""
    if pack.format == "repo" and fim is not None and fim.repo_name is not None and fim.file_sep is not None:
        ids = [fim.repo_name] + tokenize(f"{pack.repo}\n")
        for f in pack.files:
            ids += [fim.file_sep] + tokenize(f"{f.path}\n{f.text}\n")
        return ids + [fim.file_sep] + tokenize(f"{pack.path}\n"), pack.stub
    c = pack.comment
    lines = [f"{c} {f.path}\n" + "".join(f"{c} {row}\n" for row in f.text.split("\n")) for f in pack.files]
    head = "".join(lines) + (f"{c} {pack.path}\n" if pack.files else "")
    return [], head + pack.stub


# a letter: what follows typed whitespace once the user types on, so the tokenizer splits the whitespace as it
# did in training
_NEXT = "a"


def held_back(tokenize: Tokenize, piece: Piece, typed: str) -> tuple[list[int], bytes]:
    """The typed part's tokens less its last one, and that token's bytes (token healing).

    Typed text that ends in whitespace is tokenized as if a letter followed. A blank line's indentation of 8
    spaces alone is one 8-space token, which the model never saw before a word: in training it was 7 spaces
    and then " word". Held back whole, the model may rewrite it as 3 + 5 spaces, go off its track and answer
    nothing but spaces. Split as in training, only the last space is held back.
    """
    data = typed.encode()
    if typed and typed[-1] in " \t":
        kept: list[int] = []
        spelled = b""
        for t in tokenize(typed + _NEXT):
            bit = piece(t)
            if len(spelled) + len(bit) >= len(data):
                break
            kept.append(t)
            spelled += bit
        if data.startswith(spelled):  # a tokenizer that adds a leading space, say, gets the plain split below
            return kept, data[len(spelled) :]
    ids = tokenize(typed)
    return ids[:-1], b"".join(piece(t) for t in ids[-1:])


def build_prompt(
    tokenize: Tokenize,
    piece: Piece,
    fim: FimFormat | None,
    w: Windows,
    budget: PromptBudget,
    bos: int | None = None,
    context: ContextPack | None = None,
) -> Prompt:
    """Layout (PSM): [context] PRE [stub] prefix SUF suffix MID typed. The typed part comes last so a keystroke
    changes only the end of the prompt and the KV cache keeps everything before it. Without FIM tokens:
    [context] prefix + typed.

    The context pack (other files' definitions, then the current file's imports and scope headers above the
    window) comes first: it changes only when the cursor moves to another definition, so it stays cached.

    The typed part's last token is left out (token healing): a cursor inside a word splits a token, and the
    model does better rewriting it than continuing from half of it.
    """
    head = [bos] if bos is not None else []
    typed, healed = held_back(tokenize, piece, w.typed)
    prefix = _fit_prefix(tokenize, w.prefix, budget.prefix_tokens, max(1, budget.step_lines))[1]
    repo, stub_text = _context_tokens(tokenize, fim, context)
    head += repo
    stub = tokenize(stub_text) if stub_text else []
    if fim is None:
        return Prompt(head + stub + prefix + typed, healed)
    suffix = _fit_suffix(tokenize, piece, w.suffix, budget.suffix_tokens)
    if fim.spm:  # Codestral: suffix first, and the prefix runs straight into the middle
        return Prompt(head + [fim.suffix] + suffix + [fim.prefix] + stub + prefix + typed, healed)
    middle = [fim.middle] if fim.middle is not None else []
    return Prompt(head + [fim.prefix] + stub + prefix + [fim.suffix] + suffix + middle + typed, healed)
