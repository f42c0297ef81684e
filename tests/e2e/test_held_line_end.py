"""Mid-line, the end of the cursor's line is a soft cut: a model that ends its text within the grace keeps the
lines it wrote, and where the filters throw that longer answer away the line's answer still stands. Through
`offgrid serve` over stdio, with the text streamed by a loopback stand-in (so the model's words are known)."""

import os

from tests.support.lsp import complete, open_doc, running_server, status, wait_ready
from tests.support.stand_in_server import StandIn

URI = "file:///work/spans.py"


def _env(tmp_path) -> dict[str, str]:
    return {**os.environ, "OFFGRID_MODEL": str(tmp_path / "missing.gguf"), "OFFGRID_CACHE": str(tmp_path / "cache")}


def _options(url: str) -> dict:
    completion = {"reuseSuggestions": False, "prefetch": False}
    return {"backend": "openai", "remote": {"url": url + "/v1"}, "completion": completion}


async def _suggest(tmp_path, pieces: tuple[str, ...], text: str, line: int, column: int) -> str | None:
    server = await StandIn(pieces=pieces).start()
    try:
        async with running_server(None, _options(server.url), env=_env(tmp_path)) as c:
            await wait_ready(c)
            open_doc(c, URI, text)
            result = await complete(c, URI, line, column)
            # the held line's end was decided by the model's own end: that teaches whether the model ends
            ends = (await status(c))["modelEnds"]
            assert ends["seen"] == 1 and ends["share"] == 1.0 and ends["graceTokens"] == 64, ends
            return result.items[0].insert_text if result is not None and result.items else None
    finally:
        await server.stop()


async def test_lines_the_model_ended_mid_line_are_kept_with_the_break_before_the_line_s_rest(tmp_path):
    # HumanEval random span 70/7 with the 1.5B: the span runs from `while` into the lines below, and the rest
    # of the cursor line (` switch = not switch`) goes on a line of its own
    text = "def f(lst):\n    res, switch = [], True\n    while switch = not switch\n    return res\n"
    pieces = (" lst:", "\n", "        res.append(lst.pop())", "\n", "       ")
    got = await _suggest(tmp_path, pieces, text, 2, len("    while"))
    assert got == " lst:\n        res.append(lst.pop())\n       "


async def test_a_longer_answer_the_filters_drop_leaves_the_line_s_answer(tmp_path):
    # HumanEval random span 16/1 with the 1.5B: the line's answer, then test code after it that breaks the file
    text = "def count(string):\n    return len()\n"
    pieces = ("set(string.lower()))", "\n\n\n", "if __name__ == '__main__':", "\n    main(")
    got = await _suggest(tmp_path, pieces, text, 1, len("    return len("))
    assert got == "set(string.lower())"
