"""The soak's editing session: five real source files from installed packages, visited in turn; in each, one
function body is typed (with typos, Enter with auto-indent, jumps elsewhere and back), deleted once it is complete,
and typed again, so the session can be as long as asked."""

import ast
import random
import re
from dataclasses import dataclass

from offgrid.bench.session import Edit, module_file

SOAK_MODULES = (
    "pygls.workspace.text_document",
    "pygls.workspace.position_codec",
    "tqdm.std",
    "cattrs.converters",
    "huggingface_hub.file_download",
)


def function_bodies(text: str) -> dict[str, tuple[int, int]]:
    """Offsets of each function body (the lines from its first statement to its last) by name, for names defined
    once in the file."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found: dict[str, list[tuple[int, int]]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.body[0].lineno > node.lineno:
            end = (
                starts[node.end_lineno] if node.end_lineno is not None and node.end_lineno < len(starts) else len(text)
            )
            found.setdefault(node.name, []).append((starts[node.body[0].lineno - 1], end))
    return {name: spans[0] for name, spans in found.items() if len(spans) == 1}


def pick_function(text: str, shortest: int = 300, longest: int = 1500) -> tuple[int, int]:
    """The longest function body of `shortest` to `longest` characters (ties: the first in the file)."""
    spans = [(end - start, -start, start, end) for start, end in function_bodies(text).values()]
    fitting = [s for s in spans if shortest <= s[0] <= longest]
    if not fitting:
        raise RuntimeError("no function body of a suitable length")
    _, _, start, end = max(fitting)
    return start, end


@dataclass
class Typist:
    """One file's progress: the body to type, where it starts, and the cursor."""

    uri: str
    text: str  # the file as it stands (the builder keeps it in step with the edits)
    body: str
    body_start: int
    cur: int
    i: int = 0  # the next character of `body` to type
    typed: int = 0

    def apply(self, e: Edit) -> Edit:
        self.text = self.text[: e.start] + e.text + self.text[e.end :]
        return e

    def keystroke(self, rng: random.Random) -> list[Edit]:
        """The next keystroke (a typo brings its backspace along), or deleting the finished body."""
        if self.i >= len(self.body):
            e = Edit(self.uri, self.body_start, self.cur, "", self.body_start, "undo")
            self.cur, self.i = self.body_start, 0
            return [self.apply(e)]
        ch = self.body[self.i]
        if ch == "\n":  # Enter with auto-indent: the next line's indentation comes with it
            j = self.i + 1
            while j < len(self.body) and self.body[j] == " ":
                j += 1
            e = Edit(self.uri, self.cur, self.cur, self.body[self.i : j], self.cur + j - self.i, "enter")
            self.cur, self.i = self.cur + j - self.i, j
            return [self.apply(e)]
        self.typed += 1
        out = []
        if ch.isalpha() and rng.random() < 0.03:  # a typo, then backspace
            out.append(self.apply(Edit(self.uri, self.cur, self.cur, "q", self.cur + 1, "type")))
            out.append(self.apply(Edit(self.uri, self.cur, self.cur + 1, "", self.cur, "backspace")))
        out.append(self.apply(Edit(self.uri, self.cur, self.cur, ch, self.cur + 1, "type")))
        self.cur, self.i = self.cur + 1, self.i + 1
        return out

    def jump(self, rng: random.Random) -> list[Edit]:
        """Look at a line above the body (offsets there never move), then come back."""
        starts = [m.end() for m in re.finditer("\n", self.text[: self.body_start])]
        there = rng.choice(starts) if starts else 0
        return [
            Edit(self.uri, there, there, "", there, "jump"),
            Edit(self.uri, self.cur, self.cur, "", self.cur, "jump"),
        ]


def build_soak_session(keystrokes: int, seed: int = 11) -> tuple[dict[str, str], list[Edit]]:
    """Open documents (uri -> text) and exactly `keystrokes` edits: visits of 150 to 400 keystrokes to each file in
    turn, each visit starting with a switch to that file's cursor."""
    rng = random.Random(seed)
    typists = []
    for name in SOAK_MODULES:
        path = module_file(name)
        full = path.read_text()
        start, end = pick_function(full)
        body = full[start:end].rstrip("\n") + "\n"
        typists.append(Typist(path.as_uri(), full[:start] + full[end:], body, start, start))
    docs = {t.uri: t.text for t in typists}
    edits: list[Edit] = []
    visit = 0
    while len(edits) < keystrokes:
        t = typists[visit % len(typists)]
        if visit:
            edits.append(Edit(t.uri, t.cur, t.cur, "", t.cur, "switch"))
        visit += 1
        end = len(edits) + rng.randint(150, 400)
        while len(edits) < min(end, keystrokes):
            edits += t.jump(rng) if rng.random() < 0.004 else t.keystroke(rng)
    return docs, edits[:keystrokes]
