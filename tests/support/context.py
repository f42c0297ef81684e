"""Helpers for context tests: a fixture workspace copied without its cursor marker, and a pack as text."""

import shutil
from pathlib import Path

from offgrid.context.pack import ContextPack

CURSOR = "║"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "languages"


def workspace(language: str, dest: Path) -> tuple[Path, str, int, int]:
    """Copy a language's fixture to `dest`; returns the file holding the cursor, its text, row and column."""
    shutil.copytree(FIXTURES / language, dest)
    for path in sorted(dest.iterdir()):
        text = path.read_text(encoding="utf-8")
        if CURSOR in text:
            offset = text.index(CURSOR)
            text = text.replace(CURSOR, "")
            path.write_text(text, encoding="utf-8")
            row = text.count("\n", 0, offset)
            return path, text, row, offset - (text.rfind("\n", 0, offset) + 1)
    raise AssertionError(f"no {CURSOR} in {language}'s fixture")


def pack_text(pack: ContextPack) -> str:
    """The pack the way the repo-level prompt shows it, plus the mode."""
    out = [f"<|repo_name|>{pack.repo}"]
    out += [f"<|file_sep|>{f.path}\n{f.text}" for f in pack.files]
    out.append(f"<|file_sep|>{pack.path}\n{pack.stub}<window>")
    out.append(f"mode: {pack.mode}")
    return "\n".join(out) + "\n"
