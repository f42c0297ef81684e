"""Whether the model ends its text is learnt only from answers that could show it: a held cut (the model ended
within the grace, or wrote past it), or a block the model ended itself before any rule cut it. A rule's cut that
was not held shows nothing, so it must not count as "did not end": counted so, it kept a model that had lost the
grace from ever earning it back (the 1.5B on held-out random spans, seed 67). And since cuts that are not held
show nothing, a model without the grace gets it again after a run of such answers (a probe), else it could never
earn it back (seed 79). Through `offgrid serve` over stdio, with a loopback stand-in streaming the model's words."""

import os

from offgrid.complete.model_ends import MIN_SEEN, PROBE_AFTER

from tests.support.lsp import complete, open_doc, running_server, status, wait_ready
from tests.support.stand_in_server import StandIn

MID_LINE = "def count(string):\n    return len()\n"  # cursor after `len(`: the line's end is a held cut
BODY = "def f(x):\n    \n"  # cursor in the empty body: block mode

# past the held line end the model writes on for longer than the grace (64 tokens): it did not end
WRITES_ON = ("set(string))", "\n", *(["    print(1)\n"] * 70))
# a block the model leaves for the top level: a firm cut, never held, so nothing is learnt from it
CUT_FIRMLY = ("y = x + 1", "\n", "\n", "\n", "def h():", "\n", "    pass")
ENDS = ("return x + 1",)  # a block the model ends itself
ENDS_MID_LINE = ("set(string))", "\n", "    # the count")  # past the held line end the model ends within the grace


async def test_cuts_that_were_not_held_teach_nothing_and_a_model_earns_the_grace_back(tmp_path):
    env = {**os.environ, "OFFGRID_MODEL": str(tmp_path / "missing.gguf"), "OFFGRID_CACHE": str(tmp_path / "cache")}
    server = await StandIn().start()
    options = {
        "backend": "openai",
        "remote": {"url": server.url + "/v1"},
        "completion": {"reuseSuggestions": False, "prefetch": False},
    }
    n = 0

    async def answer(pieces: tuple[str, ...], text: str, line: int, column: int) -> str | None:
        nonlocal n
        n += 1
        server.pieces = pieces
        uri = f"file:///work/ends{n}.py"
        open_doc(c, uri, text)
        result = await complete(c, uri, line, column)
        return result.items[0].insert_text if result is not None and result.items else None

    try:
        async with running_server(None, options, env=env) as c:
            await wait_ready(c)
            for _ in range(MIN_SEEN):
                assert await answer(WRITES_ON, MID_LINE, 1, len("    return len(")) == "set(string)"
            ends = (await status(c))["modelEnds"]
            assert ends == {"seen": 8, "share": 0.0, "graceTokens": 0}, ends  # real evidence: the grace is gone

            for _ in range(PROBE_AFTER - 1):
                assert await answer(CUT_FIRMLY, BODY, 1, 4) == "y = x + 1"
            ends = (await status(c))["modelEnds"]
            assert ends == {"seen": 8, "share": 0.0, "graceTokens": 0}, ends  # firm cuts stopped it before it showed

            assert await answer(CUT_FIRMLY, BODY, 1, 4) == "y = x + 1"
            ends = (await status(c))["modelEnds"]
            assert ends["graceTokens"] == 64, ends  # a probe: the next cut is held again
            probe = await answer(ENDS_MID_LINE, MID_LINE, 1, len("    return len("))
            assert probe is not None and "# the count" in probe, probe  # held, and the model's own end kept
            ends = (await status(c))["modelEnds"]
            assert ends == {"seen": 9, "share": 1 / 9, "graceTokens": 0}, ends  # learnt from, and the probe done

            for _ in range(MIN_SEEN):
                assert await answer(ENDS, BODY, 1, 4) == "return x + 1"
            ends = (await status(c))["modelEnds"]
            assert ends == {"seen": 17, "share": 9 / 17, "graceTokens": 64}, ends
    finally:
        await server.stop()
