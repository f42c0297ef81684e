"""The first keystroke in a file opened a moment ago (`offgrid bench latency --opened N`): open a file, say where
the cursor is (offgrid/cursor, as both editor shims do when a file is opened or focused), wait `rest_s`, type one
character and time the request. With warm-ups on, idle time has evaluated the prompt there; off, the keystroke
pays for the whole cold prompt. Both in one run, on the same files (real code of installed packages), each file
new to the server it is opened in."""

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


@dataclass
class Opened:
    uri: str
    text: str  # with the cursor's line cleared to its indentation
    offset: int  # the cursor
    typed: str  # the character typed


@dataclass
class Side:
    latencies: list[float] = field(default_factory=list)
    evaluated: list[int] = field(default_factory=list)
    prompt_tokens: list[int] = field(default_factory=list)


def opened_file(module: str) -> Opened:
    """The module's source with an indented line near its middle cleared to its indentation: the cursor there."""
    path = module_file(module)
    lines = path.read_text().split("\n")
    mid = len(lines) // 2
    row = next(i for i in range(mid, len(lines)) if lines[i].strip() and lines[i] != lines[i].lstrip())
    indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
    typed = lines[row].strip()[0]
    lines[row] = indent
    text = "\n".join(lines)
    offset = sum(len(ln) + 1 for ln in lines[:row]) + len(indent)
    return Opened(path.as_uri(), text, offset, typed)


async def _side(model: str, options: dict[str, Any], files: list[Opened], rest_s: float) -> Side:
    client, side = BenchClient(), Side()
    await client.start(model, options)
    try:
        for f in files:
            client.open(f.uri, f.text)
            pos = lsp_position(f.text, f.offset)
            cursor = {"textDocument": {"uri": f.uri}, "position": {"line": pos.line, "character": pos.character}}
            client.client.protocol.notify("offgrid/cursor", cursor)
            await asyncio.sleep(rest_s)
            client.edit(f.uri, f.offset, f.offset, f.typed)
            ms, _ = await client.request(f.uri, f.offset + 1).future
            m = client.metrics[-1]
            side.latencies.append(ms)
            side.evaluated.append(m.get("evaluated", 0))
            side.prompt_tokens.append(m.get("promptTokens", 0))
    finally:
        await client.stop()
    return side


async def first_keystrokes(model: str, n: int, rest_s: float = 3.0) -> dict[str, dict[str, Any]]:
    """Per side (warm-ups on, off): the first keystroke's latency in each of `n` freshly opened files."""
    files = [opened_file(m) for m in MODULES[:n]]
    out = {}
    for name, warm in (("warm on", True), ("warm off", False)):
        print(f"... first keystrokes, {name} ({len(files)} files, {rest_s:.0f} s after opening)", flush=True)
        s = await _side(model, {"completion": {**QUIET, "warm": warm}}, files, rest_s)
        out[name] = {
            "p50_ms": round(statistics.median(s.latencies), 1),
            "max_ms": round(max(s.latencies), 1),
            "evaluated_p50": statistics.median(s.evaluated),
            "prompt_tokens_p50": statistics.median(s.prompt_tokens),
            "latencies_ms": [round(x) for x in s.latencies],
        }
    return out
