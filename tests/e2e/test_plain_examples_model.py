"""Two files where a prompt that puts the typed part of the line after the middle token made the 0.5B model
copy the function below instead of writing the one at the cursor (issue: never worse than a plain FIM prompt).
Through the real server and model, the suggestion is the plain FIM prompt's answer or better."""

import pytest

from tests.support.lsp import complete, open_doc, running_server, wait_ready

pytestmark = pytest.mark.model
MODEL_ONLY = {
    "completion": {"reuseSuggestions": False, "prefetch": False, "generateTimeMs": None, "promptTimeMs": None}
}
GEOMETRY = (
    "import math\n\n\n"
    "def hypotenuse(a: float, b: float) -> float:\n"
    "    return \n\n\n"
    "def circle_area(r: float) -> float:\n"
    "    return math.pi * r * r\n"
)
GREET = "def greet(names):\n    return \n\n\ndef shout(s):\n    return s.upper() + '!'\n"


@pytest.mark.parametrize("context", [True, False])
async def test_the_hypotenuse_is_not_the_circle_below(qwen_model, context):
    options = MODEL_ONLY | {"context": {"enabled": context}}
    async with running_server(str(qwen_model), options) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, "file:///work/geometry.py", GEOMETRY)
        result = await complete(client, "file:///work/geometry.py", 4, 11)
        assert result is not None and result.items
        text = result.items[0].insert_text
        assert "sqrt" in text and "pi" not in text, text


async def test_greet_joins_the_names_instead_of_shouting(qwen_model):
    async with running_server(str(qwen_model), MODEL_ONLY) as client:
        await wait_ready(client, timeout=120)
        open_doc(client, "file:///work/greet.py", GREET)
        result = await complete(client, "file:///work/greet.py", 1, 11)
        assert result is not None and result.items
        text = result.items[0].insert_text
        assert "names" in text and "upper" not in text, text
