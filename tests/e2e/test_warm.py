"""Warm-ups in idle time (issue 19, items 3 and 4): where the editor says the cursor rests (offgrid/cursor), the
prompt there is evaluated before the first keystroke, and a prompt that promptTimeMs stopped is finished in idle
time, so the next request at that place pays only for what changed. The cost is read from the server's own
metrics (prompt tokens evaluated by each request), not timed."""

import asyncio
import time

from tests.support.lsp import change_doc, complete, open_doc, running_server, status, wait_ready

URI = "file:///work/warm.py"
# long enough that the cold prompt is hundreds of tokens, against a handful for one typed character
TEXT = "".join(
    f"def step_{i}(values, factor):\n    total = sum(values) * factor\n    return total\n\n" for i in range(40)
)
LINE = 81  # `    return total` of step_20, cleared to its indentation below
QUIET = {"completion": {"maxTokens": 4, "prefetch": False, "reuseSuggestions": False}}


def cleared(text: str, line: int) -> str:
    lines = text.split("\n")
    lines[line] = "    "
    return "\n".join(lines)


def cursor(client, uri: str, line: int, character: int) -> None:
    client.protocol.notify(
        "offgrid/cursor", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    )


async def warmed(client, at_least: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while (st := await status(client)).get("warmed", 0) < at_least:
        assert time.monotonic() < deadline, f"no warm-up done: {st}"
        await asyncio.sleep(0.05)
    return st


async def first_keystroke(client, warm_first: bool) -> dict:
    """Open the file, say where the cursor rests (when `warm_first`), wait for idle work, type one character."""
    open_doc(client, URI, cleared(TEXT, LINE))
    await wait_ready(client)
    if warm_first:
        cursor(client, URI, LINE, 4)
        await warmed(client, 1)
    change_doc(client, URI, 2, (LINE, 4), (LINE, 4), "r")
    await complete(client, URI, LINE, 5)
    return client.metrics[-1]


async def test_the_first_keystroke_where_the_cursor_rested_evaluates_only_what_it_changed(tiny_model):
    async with running_server(str(tiny_model), QUIET) as client:
        m = await first_keystroke(client, warm_first=True)
    assert m["promptTokens"] > 300, m
    assert m["evaluated"] < 40, m  # the typed character and the suffix after it, not the whole prompt


async def test_without_warm_ups_the_first_keystroke_pays_the_cold_prompt(tiny_model):
    async with running_server(str(tiny_model), {"completion": {**QUIET["completion"], "warm": False}}) as client:
        cursor(client, URI, LINE, 4)  # ignored
        m = await first_keystroke(client, warm_first=False)
        st = await status(client)
    assert m["evaluated"] > 300, m
    assert st["warmed"] == 0


async def test_a_bad_cursor_notification_is_ignored_and_the_server_goes_on(tiny_model):
    async with running_server(str(tiny_model), QUIET) as client:
        open_doc(client, URI, "x = 1\n")
        await wait_ready(client)
        client.protocol.notify("offgrid/cursor", {"textDocument": {"uri": 3}, "position": "here"})
        cursor(client, "file:///work/not-open.py", 0, 0)
        cursor(client, URI, 999, 999)  # past the end: clamped, as completion positions are
        await warmed(client, 1)
        assert (await status(client))["state"] == "ready"


async def test_a_prompt_stopped_by_its_time_cap_is_finished_in_idle_time(slow_model):
    # the slow model takes seconds for this prompt: a 300 ms cap stops the first request
    options = {"completion": {**QUIET["completion"], "promptTimeMs": 300}}
    async with running_server(str(slow_model), options) as client:
        open_doc(client, URI, cleared(TEXT, LINE))
        await wait_ready(client, 120)
        await complete(client, URI, LINE, 4)
        capped = client.metrics[-1]
        assert capped["stopReason"] == "prompt_time", capped
        await warmed(client, 1, timeout=240)
        for _ in range(100):
            if client.warmed:
                break
            await asyncio.sleep(0.05)
        # the editor is told, so it can ask again without another keystroke (both shims do)
        assert client.warmed == [{"uri": URI, "version": 1, "position": {"line": LINE, "character": 4}}]
        await complete(client, URI, LINE, 4)  # the same place again: now only the last token is evaluated
        again = client.metrics[-1]
    assert again["stopReason"] != "prompt_time", again
    assert again["evaluated"] <= 2 and again["reused"] >= capped["promptTokens"] - 2, again


async def test_a_place_told_while_the_model_loads_is_warmed_once_it_has_loaded(slow_model):
    # read into memory, the slow model takes a second or more to load: the editor says where its cursor is first
    options = {"engine": {"mmap": False}, "completion": QUIET["completion"]}
    async with running_server(str(slow_model), options) as client:
        open_doc(client, URI, "x = 1\ny = 2\n")
        cursor(client, URI, 0, 0)
        cursor(client, URI, 1, 0)  # the newest place is the one warmed
        st = await status(client)
        assert st["state"] in ("starting", "loading"), f"the model loaded before the test could ask: {st['state']}"
        st = await warmed(client, 1, timeout=120)
        await asyncio.sleep(0.5)
        assert (await status(client))["warmed"] == 1
