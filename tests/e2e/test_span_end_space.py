"""A span the model ends with a space right before a word that follows the cursor reaches the editor with the
space (else accepting it runs two words together: `s for sin strings`). Through `offgrid serve` over stdio, the
text streamed by a loopback stand-in so the model's words are known."""

import os

from tests.support.lsp import complete, open_doc, running_server, wait_ready
from tests.support.stand_in_server import StandIn

URI = "file:///work/concat.py"
TEXT = "def concat(strings):\n    return ' '.join([in strings])\n"


async def test_the_space_before_the_line_s_next_word_is_kept(tmp_path):
    env = {**os.environ, "OFFGRID_MODEL": str(tmp_path / "missing.gguf"), "OFFGRID_CACHE": str(tmp_path / "cache")}
    server = await StandIn(pieces=("s for", " s", " ")).start()
    options = {
        "backend": "openai",
        "remote": {"url": server.url + "/v1"},
        "completion": {"reuseSuggestions": False, "prefetch": False},
    }
    try:
        async with running_server(None, options, env=env) as c:
            await wait_ready(c)
            open_doc(c, URI, TEXT)
            result = await complete(c, URI, 1, len("    return ' '.join(["))
            assert result is not None and [i.insert_text for i in result.items] == ["s for s "]
    finally:
        await server.stop()
