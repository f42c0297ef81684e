"""Every place that lists the presets lists the same ones: the VS Code setting's choices are the server's presets
and `auto`, so a preset added to the server can be picked in the editor (and no editor choice is unknown to it)."""

import json
from pathlib import Path

from offgrid.models.presets import AUTO_PRESET, PRESETS

ROOT = Path(__file__).resolve().parents[2]


def test_the_vs_code_preset_choices_are_the_server_s_presets():
    manifest = json.loads((ROOT / "editors/vscode/package.json").read_text())
    choices = manifest["contributes"]["configuration"]["properties"]["offgrid.preset"]["enum"]
    assert sorted(choices) == sorted([AUTO_PRESET, *PRESETS])


def test_the_readme_table_names_every_preset():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in PRESETS if f"| `{name}`" not in readme]
    assert not missing, missing
