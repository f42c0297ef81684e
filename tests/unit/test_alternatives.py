import time

from offgrid.complete.alternatives import more_suggestions
from offgrid.complete.request import Suggestion
from offgrid.engine.generation import Generation


def suggestion(text, first_token):
    gen = Generation(text, "end", 1, 0, 0, 1, 1, 0.0, 0.0, first_token=first_token)
    return Suggestion(text=text, line=0, column=0, replace_to_column=0, generation=gen)


def test_each_alternative_excludes_earlier_first_tokens_and_texts_are_distinct():
    answers = {(1,): suggestion("b", 2), (1, 2): suggestion("a", 3), (1, 2, 3): suggestion("c", 4)}
    asked = []

    def generate(exclude):
        asked.append(exclude)
        return answers[exclude]

    more = more_suggestions(generate, suggestion("a", 1), 3, None, None)
    assert [s.text for s in more] == ["b", "c"]  # "a" again was skipped
    assert asked == [(1,), (1, 2), (1, 2, 3)]


def test_no_alternatives_past_the_deadline():
    more = more_suggestions(lambda e: suggestion("x", 9), suggestion("a", 1), 3, time.monotonic() - 1, None)
    assert more == []
