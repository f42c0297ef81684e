"""A server that cannot be handed the start of an action's answer gets a whole answer back: `after_prefill` finds
where the prefill would have ended, so the same clean-up and edits apply as on the local model."""

import pytest
from offgrid.actions.clean import after_prefill

DOCSTRING_PREFILL = '```python\ndef add(a, b):\n    """'
BODY_PREFILL = '```python\ndef mean(xs):\n    """The mean."""\n'


@pytest.mark.parametrize(
    ("answer", "prefill", "rest"),
    [
        # the model copies the fence, the header and the opening quotes
        (
            '```python\ndef add(a, b):\n    """Add two numbers."""\n    return a + b\n```',
            DOCSTRING_PREFILL,
            'Add two numbers."""\n    return a + b\n```',
        ),
        # chatter before the fence, a different language tag
        ('Sure! Here it is:\n```py\ndef add(a, b):\n    """Sum."""\n```', DOCSTRING_PREFILL, 'Sum."""\n```'),
        # the model changed the header (type hints): its line still stands for the prefill's
        ('```python\ndef add(a: int, b: int) -> int:\n    """Sum."""\n```', DOCSTRING_PREFILL, 'Sum."""\n```'),
        # a decorator the model added is passed over
        (
            '```python\n@cache\ndef mean(xs):\n    """The mean."""\n    return sum(xs) / len(xs)\n```',
            BODY_PREFILL,
            "    return sum(xs) / len(xs)\n```",
        ),
        # no fence at all: the code starts at once
        ('def mean(xs):\n    """The mean."""\n    return 0\n', BODY_PREFILL, "    return 0\n"),
        # the rewrite prefill is the fence alone
        ("```python\nx = [n for n in ns]\n```\n", "```python\n", "x = [n for n in ns]\n```\n"),
        # explain has no prefill
        ("It adds.", "", "It adds."),
    ],
)
def test_the_answer_after_the_prefill(answer, prefill, rest):
    assert after_prefill(answer, prefill) == rest
    assert answer.endswith(rest)


def test_while_streaming_nothing_until_the_prefill_lines_have_arrived():
    whole = '```python\ndef add(a, b):\n    """Sum."""\n```'
    assert after_prefill("```pyth", DOCSTRING_PREFILL, final=False) is None
    assert after_prefill("```python\ndef add(a,", DOCSTRING_PREFILL, final=False) is None
    assert (
        after_prefill(whole[: whole.index("Sum")], DOCSTRING_PREFILL, final=False) is None
    )  # '    """' has no newline yet
    assert after_prefill(whole, DOCSTRING_PREFILL, final=False) == 'Sum."""\n```'
