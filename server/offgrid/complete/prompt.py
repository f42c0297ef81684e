"""Every completion prompt is laid out here, for every backend: the fitted windows and the context pack become
token ids for the local model (never through text with special tokens), a raw FIM text for an
OpenAI-compatible server, or llama.cpp's /infill fields.

Layouts (`completion.layout`):
- "psm": [context] PRE [stub] prefix typed SUF suffix MID, the order the models were trained on. A keystroke
  changes the typed part in the middle of the prompt; the engine moves the cached suffix after it instead of
  evaluating it again (kv_cache.py), so a keystroke still costs only its own tokens and the middle token.
- "typed-last": [context] PRE [stub] prefix SUF suffix MID typed: a keystroke changes only the end of the prompt,
  but the model reads the typed part as the start of its answer and copies from the suffix more often.
- "spm": [context] SUF suffix PRE [stub] prefix typed, no middle token: the typed part is last and in the prefix.
Without FIM tokens: [context] prefix typed. The context pack (other files' definitions, then the current file's
imports and scope headers above the window) comes first: it changes only when the cursor moves to another
definition, so it stays cached.
"""

from dataclasses import dataclass

from offgrid.complete.fit import CHARS, Fitted, Meter, Piece, Tokenize, token_meter
from offgrid.context.pack import ContextPack
from offgrid.engine.backends.base import Backend, InfillFields, Prompt, TextPrompt, TokenPrompt
from offgrid.engine.fim import FimFormat, FimTemplate


@dataclass(frozen=True)
class Pieces:
    """One cursor's prompt material: the windows as fitted with the backend's meter, the typed part of the
    cursor line, and the context pack."""

    prefix: Fitted
    suffix: Fitted
    typed: str
    context: ContextPack | None = None
    layout: str = "psm"  # see the module's docstring


@dataclass(frozen=True)
class Vocab:
    """What the token layout needs of the local model."""

    tokenize: Tokenize
    piece: Piece
    fim: FimFormat | None
    bos: int | None = None


def meter_for(backend: Backend) -> Meter:
    """How the backend's windows are measured: the local model's tokens, else characters."""
    if backend.wire == "tokens":
        m = backend.engine.model  # type: ignore[attr-defined]
        return token_meter(m.tokenize, m.piece)
    return CHARS


def render(backend: Backend, p: Pieces) -> Prompt:
    """The prompt in the wire format the backend takes."""
    if backend.wire == "tokens":
        m = backend.engine.model  # type: ignore[attr-defined]
        bos = m.bos if m.add_bos and m.bos >= 0 else None
        return render_tokens(Vocab(m.tokenize, m.piece, m.fim, bos), p)
    if backend.wire == "text":
        return render_text(backend.fim_template(), p)  # type: ignore[attr-defined]
    return render_infill(p)


def _commented(pack: ContextPack) -> str:
    """Other files as comment rows, each under a row with its path, then the current file's path."""
    c = pack.comment
    rows = "".join(f"{c} {f.path}\n" + "".join(f"{c} {row}\n" for row in f.text.split("\n")) for f in pack.files)
    return rows + (f"{c} {pack.path}\n" if pack.files else "")


_MIN_ECHO = 6  # shorter rows (`# }`, `# x = 1`) are as likely the model's own


def context_echoes(pack: ContextPack | None) -> frozenset[str]:
    """The lines that only the context's layout shows the model: the path rows and the other files' rows as
    comments, and the bare paths that follow a file separator. A suggestion that writes one is copying the
    layout, not writing code for the cursor (firm_cuts.echoes_context)."""
    if pack is None or not pack.files:
        return frozenset()
    rows = {row.strip() for row in _commented(pack).split("\n")}
    rows |= {f.path for f in pack.files} | {pack.path}
    return frozenset(r for r in rows if len(r) >= _MIN_ECHO)


def _has_context(pack: ContextPack | None) -> bool:
    return pack is not None and bool(pack.files or pack.stub)


def _context_tokens(tokenize: Tokenize, fim: FimFormat | None, pack: ContextPack | None) -> tuple[list[int], str]:
    """The context pack's tokens that go before the FIM prefix token, and the text that goes right after it.

    Models with repo-level tokens (Qwen2.5-Coder, StarCoder2) get other files the way they were trained:
    `<|repo_name|>repo`, then `<|file_sep|>path` and the file's rows for each file, then `<|file_sep|>` and
    the current file's path. Other models get the same as comments at the top of the prefix.
    """
    if pack is None or not _has_context(pack):
        return [], ""
    if pack.format == "repo" and fim is not None and fim.repo_name is not None and fim.file_sep is not None:
        ids = [fim.repo_name] + tokenize(f"{pack.repo}\n")
        for f in pack.files:
            ids += [fim.file_sep] + tokenize(f"{f.path}\n{f.text}\n")
        return ids + [fim.file_sep] + tokenize(f"{pack.path}\n"), pack.stub
    return [], _commented(pack) + pack.stub


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


def render_tokens(v: Vocab, p: Pieces) -> TokenPrompt:
    """Token ids in the model's own FIM format; the windows were fitted with its tokens.

    The typed part's last token is left out (token healing): a cursor inside a word splits a token, and the
    model does better rewriting it than continuing from half of it.
    """
    head = [v.bos] if v.bos is not None else []
    typed, healed = held_back(v.tokenize, v.piece, p.typed)
    repo, stub_text = _context_tokens(v.tokenize, v.fim, p.context)
    head += repo
    stub = v.tokenize(stub_text) if stub_text else []
    prefix, suffix = list(p.prefix.units), list(p.suffix.units)
    fim = v.fim
    if fim is None:
        return TokenPrompt(head + stub + prefix + typed, healed)
    if fim.spm or p.layout == "spm":  # Codestral's own order: the prefix runs straight into the middle
        return TokenPrompt(head + [fim.suffix] + suffix + [fim.prefix] + stub + prefix + typed, healed)
    middle = [fim.middle] if fim.middle is not None else []
    if p.layout == "typed-last":
        return TokenPrompt(head + [fim.prefix] + stub + prefix + [fim.suffix] + suffix + middle + typed, healed)
    return TokenPrompt(head + [fim.prefix] + stub + prefix + typed + [fim.suffix] + suffix + middle, healed)


def hold_back_space(typed: str) -> tuple[str, str]:
    """Split off the typed line's trailing spaces. A remote tokenizer cannot be healed (the local backend
    regenerates the last token), and a prompt ending in a space makes the model start with another one."""
    kept = typed.rstrip(" \t")
    return (kept, typed[len(kept) :]) if kept.strip() else (typed, "")


def _context_text(t: FimTemplate | None, pack: ContextPack | None) -> tuple[str, str]:
    """The context's text before the FIM prefix token, and the text right after it (as the token layout does)."""
    if pack is None or not _has_context(pack):
        return "", ""
    if pack.format == "repo" and t is not None and t.repo_name and t.file_sep:
        head = f"{t.repo_name}{pack.repo}\n" + "".join(f"{t.file_sep}{f.path}\n{f.text}\n" for f in pack.files)
        return head + f"{t.file_sep}{pack.path}\n", pack.stub
    return "", _commented(pack) + pack.stub


def render_text(t: FimTemplate | None, p: Pieces) -> TextPrompt:
    """A raw FIM prompt for a server that tokenizes special tokens (vLLM, Ollama raw mode, llama-cpp-python's
    server); without a template, prefix-only. The windows were fitted in characters."""
    typed, held = hold_back_space(p.typed)
    head, stub = _context_text(t, p.context)
    prefix, suffix = p.prefix.text(), p.suffix.text()
    if t is None:
        return TextPrompt(f"{head}{stub}{prefix}{typed}", held)
    if t.spm or p.layout == "spm":
        return TextPrompt(f"{head}{t.suffix}{suffix}{t.prefix}{stub}{prefix}{typed}", held)
    if p.layout == "typed-last":
        return TextPrompt(f"{head}{t.prefix}{stub}{prefix}{t.suffix}{suffix}{t.middle}{typed}", held)
    return TextPrompt(f"{head}{t.prefix}{stub}{prefix}{typed}{t.suffix}{suffix}{t.middle}", held)


def render_infill(p: Pieces) -> InfillFields:
    """llama.cpp's /infill fields: the stub goes before the prefix, other files as input_extra."""
    typed, held = hold_back_space(p.typed)
    pack = p.context
    stub = pack.stub if pack else ""
    extra = tuple((f.path, f.text) for f in pack.files) if pack else ()
    return InfillFields(stub + p.prefix.text(), p.suffix.text(), typed, extra, held)
