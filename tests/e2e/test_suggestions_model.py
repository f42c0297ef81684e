"""What the post-processing does for a user, through the real server and the real 0.5B model."""

import pytest
from lsprotocol import types

from tests.support.lsp import complete, open_doc, running_server, wait_ready

pytestmark = pytest.mark.model
URI = "file:///work/shapes.py"
# no time caps: on a busy machine they would decide how many alternatives fit, and this checks behaviour
MODEL_ONLY = {
    "completion": {"reuseSuggestions": False, "prefetch": False, "generateTimeMs": None, "promptTimeMs": None}
}
TEXT = (
    "import math\n\n\n"
    "def circle_area(radius):\n"
    '    """The area of a circle of this radius."""\n'
    "    \n"
    "\n\n"
    "def square_area(side):\n"
    "    return side * side\n"
)


async def test_invoked_request_gets_up_to_three_different_items_and_typing_gets_one(qwen_model):
    async with running_server(str(qwen_model), MODEL_ONLY) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, URI, TEXT)
        typed = await complete(client, URI, 5, 4)
        assert typed is not None and len(typed.items) == 1
        invoked = await complete(client, URI, 5, 4, invoked=True)
        assert invoked is not None and 2 <= len(invoked.items) <= 3, invoked
        texts = [i.insert_text for i in invoked.items]
        assert len(set(texts)) == len(texts)
        assert texts[0] == typed.items[0].insert_text  # the greedy answer comes first
        for item in invoked.items:
            assert item.range == types.Range(types.Position(5, 4), types.Position(5, 4))
            assert "def square_area" not in item.insert_text  # each ends with the function's body
            assert item.insert_text.strip()


async def test_block_suggestion_stops_at_the_end_of_the_function(qwen_model):
    async with running_server(str(qwen_model), MODEL_ONLY) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, URI, "import math\n\n\ndef circle_area(radius):\n    ")
        result = await complete(client, URI, 4, 4)
        assert result is not None and result.items
        text = result.items[0].insert_text
        assert "radius" in text
        assert all(not ln.strip() or ln.startswith("    ") for ln in text.split("\n")[1:]), text


async def test_auto_closed_bracket_is_replaced_not_repeated(qwen_model):
    async with running_server(str(qwen_model), MODEL_ONLY) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, URI, "def hypotenuse(a, b):\n    return math.sqrt()\n")
        result = await complete(client, URI, 1, 21)
        assert result is not None and result.items
        item = result.items[0]
        line = "    return math.sqrt()"
        end = item.range.end.character
        accepted = line[: item.range.start.character] + item.insert_text + line[end:]
        assert accepted.count("(") == accepted.count(")"), accepted
