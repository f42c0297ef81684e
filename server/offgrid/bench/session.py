"""A realistic editing session to replay: retype a function of a real source file, with typos, Enter, a jump to
another function and back, an edit above the cursor, and a switch to a second file and back."""

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edit:
    """One keystroke or editor action: replace [start, end) of `uri` by `text`, then ask at `cursor`."""

    uri: str
    start: int  # code-point offsets
    end: int
    text: str
    cursor: int
    kind: str  # "type", "enter", "backspace", "jump", "edit-above", "switch", "undo"


def module_file(name: str) -> Path:
    """The source file of an installed module (code nobody here wrote)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"module {name} is not installed")
    return Path(spec.origin)


def _function_body(text: str, name: str) -> tuple[int, int]:
    """Offsets of the body of `def name(...)`: from the line after its signature to the next top-level or
    same-level def/class."""
    m = re.search(rf"^(\s*)def {name}\(.*?\):\n", text, re.M | re.S)
    if m is None:
        raise RuntimeError(f"no function {name}")
    indent = len(m.group(1))
    nxt = re.compile(rf"^\s{{0,{indent}}}(def|class|@)\b", re.M).search(text, m.end())
    return m.end(), nxt.start() if nxt else len(text)


def build_session(keystrokes: int) -> tuple[dict[str, str], list[Edit]]:
    """Open documents (uri -> text) and the edits to replay, about `keystrokes` long. A session longer than the
    function is retyped: the typed body is undone in one edit and typed again."""
    a_path, b_path = module_file("pygls.workspace.text_document"), module_file("pygls.workspace.position_codec")
    a_uri, b_uri = a_path.as_uri(), b_path.as_uri()
    a_full = a_path.read_text()
    start, end = _function_body(a_full, "_apply_incremental_change")
    body = a_full[start:end].rstrip("\n") + "\n"
    a_text = a_full[:start] + a_full[end:]
    docs = {a_uri: a_text, b_uri: b_path.read_text()}
    edits: list[Edit] = []
    cur, typed, i, body_start = start, 0, 0, start
    b_cursor = docs[b_uri].index("\n", docs[b_uri].index("def position_from_client_units")) + 1
    jump_to = a_text.index("\n", a_text.index("def offset_at_position")) + 1
    while len(edits) < keystrokes:
        if i == len(body):
            edits.append(Edit(a_uri, body_start, cur, "", body_start, "undo"))
            cur, i = body_start, 0
        if len(edits) == keystrokes // 3:  # jump to another function and back
            edits += [Edit(a_uri, jump_to, jump_to, "", jump_to, "jump"), Edit(a_uri, cur, cur, "", cur, "jump")]
        if len(edits) == keystrokes // 2:  # a line added at the top of the file
            line = "import sys\n"
            edits.append(Edit(a_uri, 0, 0, line, cur + len(line), "edit-above"))
            cur += len(line)
            jump_to += len(line)
            body_start += len(line)
        if len(edits) == 2 * keystrokes // 3:  # another file for a moment
            edits += [Edit(b_uri, b_cursor, b_cursor, "", b_cursor, "switch")]
            for ch in "        ":
                edits.append(Edit(b_uri, b_cursor, b_cursor, ch, b_cursor + 1, "type"))
                b_cursor += 1
            edits.append(Edit(a_uri, cur, cur, "", cur, "switch"))
        ch = body[i]
        if ch == "\n":  # Enter with auto-indent: the next line's indentation comes with it
            j = i + 1
            while j < len(body) and body[j] == " ":
                j += 1
            edits.append(Edit(a_uri, cur, cur, body[i:j], cur + j - i, "enter"))
            cur, i = cur + j - i, j
            continue
        typed += 1
        if typed % 37 == 0 and ch.isalpha():  # a typo, then backspace
            edits.append(Edit(a_uri, cur, cur, "q", cur + 1, "type"))
            edits.append(Edit(a_uri, cur, cur + 1, "", cur, "backspace"))
        edits.append(Edit(a_uri, cur, cur, ch, cur + 1, "type"))
        cur, i = cur + 1, i + 1
    return docs, edits
