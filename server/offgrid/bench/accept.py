"""Accepting suggestions: after the user presses Tab, is the next suggestion already there (prefetched while they
read the last one), and how long does it take compared with asking the model?"""

import asyncio
import re
import statistics
from typing import Any

from offgrid.bench.lsp_client import BenchClient


def accept_points(text: str, count: int) -> list[int]:
    """Cursor offsets at the end of indented code lines, spread over the file: places a suggestion is asked for."""
    ends = [m.end() for m in re.finditer(r"^ {4,}\S[^\n]*[^\n:,(\[{\\]$", text, re.M)]
    step = max(1, len(ends) // max(1, count))
    return ends[::step][:count]


async def accept_chain(
    model: str, options: dict[str, Any], uri: str, text: str, points: list[int], read_ms: int
) -> dict[str, Any]:
    """At each point: ask, read the suggestion for `read_ms`, accept it, ask again at the new cursor; then undo."""
    bc = BenchClient()
    await bc.start(model, options)
    after: list[tuple[float, str]] = []
    try:
        bc.open(uri, text)
        for offset in points:
            line = text[text.rfind("\n", 0, offset) + 1 : offset]
            enter = "\n" + line[: len(line) - len(line.lstrip())]  # Enter, with the editor's auto-indent
            cursor = offset + len(enter)
            bc.edit(uri, offset, offset, enter)
            first = bc.request(uri, cursor)
            _ms, shown = await first.future
            if shown:
                await asyncio.sleep(read_ms / 1000)
                bc.edit(uri, cursor, cursor, first.text)  # Tab
                seen = len(bc.metrics)
                second = bc.request(uri, cursor + len(first.text))
                ms, _ = await second.future
                await asyncio.sleep(0.005)  # the metrics notification precedes the answer; let it land
                source = bc.metrics[-1]["source"] if len(bc.metrics) > seen else "none"
                after.append((ms, source))
                bc.edit(uri, cursor, cursor + len(first.text), "")  # undo, so every point starts as in the file
            bc.edit(uri, offset, cursor, "")
            await asyncio.sleep(0.3)
    finally:
        await bc.stop()
    hits = [ms for ms, src in after if src == "prefetch"]
    return {
        "accepted": len(after),
        "prefetch_hits": len(hits),
        "p50_ms_after_accept": statistics.median([ms for ms, _ in after]) if after else 0.0,
        "p50_ms_prefetch_hits": statistics.median(hits) if hits else 0.0,
    }
