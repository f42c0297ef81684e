"""`offgrid fetch`: download and verify a preset's model ahead of time."""

import sys

from offgrid.errors import OffgridError
from offgrid.models.progress import TerminalProgress
from offgrid.models.resolve import fetch_preset, preset_named, without_auto


def run_fetch(name: str) -> int:
    name, reason = without_auto(name)  # "auto": what the server would load here with the default settings
    if reason is not None:
        print(reason, file=sys.stderr)
    progress = TerminalProgress()
    try:
        path = fetch_preset(preset_named(name), progress)
    except OffgridError as e:
        progress.close()
        print(f"offgrid: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0
