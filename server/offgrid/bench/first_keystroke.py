"""The first keystroke in a file opened a moment ago, and after jumping away and back (`offgrid bench latency
--opened N`): open a file, say where the cursor is (offgrid/cursor, as both editor shims do when a file is opened
or focused or the cursor rests after a jump), wait `rest_s`, type one character and time the request; then jump
to a place far above, rest, type; then back to the first place, rest, type. "after" is today's defaults
(warm-ups on, two cache windows per document); "before" turns both off (`warm: false`, `windowsPerDocument: 1`).
Both in one run, on the same files (real code of installed packages), each file new to the server."""

import asyncio
import statistics
from dataclasses import dataclass, field
from typing import Any

from offgrid.bench.lsp_client import BenchClient, lsp_position
from offgrid.bench.session import module_file

MODULES = (
    "pygls.protocol.language_server",
    "pygls.workspace.workspace",
    "pygls.server",
    "pygls.uris",
    "pygls.capabilities",
    "pygls.feature_manager",
    "pygls.protocol.json_rpc",
    "pygls.client",
)
QUIET = {"prefetch": False, "reuseSuggestions": False}  # the answer that is timed comes from the model


MOMENTS = ("opened", "jumped away", "came back")


@dataclass
class Opened:
    uri: str
    text: str
    here: int  # the first place (an indented line near the middle; a character is typed at its indentation)
    there: int  # the place jumped to (the same near the top)


@dataclass
class Side:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MOMENTS})
    evaluated: dict[str, list[int]] = field(default_factory=lambda: {m: [] for m in MOMENTS})
    prompt_tokens: list[int] = field(default_factory=list)


def _indented_line(lines: list[str], start: int) -> int:
    return next(i for i in range(start, len(lines)) if lines[i].strip() and lines[i] != lines[i].lstrip())


def _offset(lines: list[str], row: int) -> int:
    line = lines[row]
    return sum(len(ln) + 1 for ln in lines[:row]) + len(line) - len(line.lstrip())


def opened_file(module: str) -> Opened:
    """The module's source, the first place near its middle and the place to jump to near its top."""
    path = module_file(module)
    text = path.read_text()
    lines = text.split("\n")
    here, there = _indented_line(lines, len(lines) // 2), _indented_line(lines, len(lines) // 10)
    return Opened(path.as_uri(), text, _offset(lines, here), _offset(lines, there))


async def _type_at(client: BenchClient, f: Opened, offset: int, rest_s: float) -> tuple[float, dict[str, Any]]:
    """Rest at `offset` (told to the server as the shims tell it), then type one character there and time it."""
    text = client.docs[f.uri]
    pos = lsp_position(text, offset)
    cursor = {"textDocument": {"uri": f.uri}, "position": {"line": pos.line, "character": pos.character}}
    client.client.protocol.notify("offgrid/cursor", cursor)
    await asyncio.sleep(rest_s)
    client.edit(f.uri, offset, offset, "x")
    ms, _ = await client.request(f.uri, offset + 1).future
    client.edit(f.uri, offset, offset + 1, "")  # and delete it again: the text is the same at each visit
    return ms, client.metrics[-1]


async def _side(model: str, options: dict[str, Any], files: list[Opened], rest_s: float) -> Side:
    client, side = BenchClient(), Side()
    await client.start(model, options)
    try:
        for f in files:
            client.open(f.uri, f.text)
            for moment, offset in zip(MOMENTS, (f.here, f.there, f.here), strict=True):
                ms, m = await _type_at(client, f, offset, rest_s)
                side.latencies[moment].append(ms)
                side.evaluated[moment].append(m.get("evaluated", 0))
                if moment == "opened":
                    side.prompt_tokens.append(m.get("promptTokens", 0))
    finally:
        await client.stop()
    return side


SIDES = {
    "after": {"completion": {**QUIET, "warm": True}, "engine": {"windowsPerDocument": 2}},
    "before": {"completion": {**QUIET, "warm": False}, "engine": {"windowsPerDocument": 1}},
}


async def first_keystrokes(model: str, n: int, rest_s: float = 3.0) -> dict[str, dict[str, Any]]:
    """Per side and moment: the keystroke's latency p50 and each value, and the prompt tokens it evaluated."""
    files = [opened_file(m) for m in MODULES[:n]]
    out: dict[str, dict[str, Any]] = {}
    for name, options in SIDES.items():
        print(f"... opened, jumped away, came back: {name} ({len(files)} files, {rest_s:.0f} s rests)", flush=True)
        s = await _side(model, options, files, rest_s)
        for moment in MOMENTS:
            out[f"{moment}, {name}"] = {
                "p50_ms": round(statistics.median(s.latencies[moment]), 1),
                "max_ms": round(max(s.latencies[moment]), 1),
                "evaluated_p50": statistics.median(s.evaluated[moment]),
                "prompt_tokens_p50": statistics.median(s.prompt_tokens),
                "latencies_ms": [round(x) for x in s.latencies[moment]],
            }
    return out
