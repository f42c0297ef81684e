"""Every module of the completion and context layers imports on its own, first, in a fresh interpreter: an
import cycle that only works in one order (the stop rules and the postprocess package import each other) fails
here."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

SERVER = Path(importlib.import_module("offgrid").__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    pkg = importlib.import_module(package)
    return sorted(m.name for m in pkgutil.walk_packages(pkg.__path__, package + "."))


def test_each_completion_and_context_module_imports_first_in_a_fresh_interpreter():
    # the layers whose modules import each other's names; the LSP and engine layers only import downwards
    mods = _modules("offgrid.complete") + _modules("offgrid.context")
    assert "offgrid.complete.block_end" in mods and "offgrid.complete.postprocess.limit_scope" in mods
    failed = []
    for m in mods:
        r = subprocess.run([sys.executable, "-c", f"import {m}"], capture_output=True, text=True, cwd=SERVER)
        if r.returncode:
            failed.append(f"{m}: {r.stderr.strip().splitlines()[-1]}")
    assert not failed, "\n".join(failed)
