"""`offgrid fetch`: download and verify a preset's model ahead of time."""

import sys

from offgrid.errors import OffgridError
from offgrid.models.presets import AUTO_PRESET
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import fetch_preset, preset_named


def run_fetch(name: str) -> int:
    if name == AUTO_PRESET:  # what the server would load here with the default settings
        from offgrid.models.auto import auto_choice

        choice = auto_choice()
        print(choice.reason, file=sys.stderr)
        name = choice.preset
    progress = TerminalProgress()
    try:
        path = fetch_preset(preset_named(name), progress)
    except OffgridError as e:
        progress.close()
        print(f"offgrid: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0
