from offgrid.complete.suggestion_cache import SuggestionCache

DOC = "def add(a, b):\n    return \n\nprint(add(1, 2))\n"
CURSOR = DOC.index("return ") + len("return ")


def typed(text):
    return DOC[:CURSOR] + text + DOC[CURSOR:], CURSOR + len(text)


def test_typing_what_was_predicted_returns_the_rest():
    cache = SuggestionCache()
    cache.remember("u", DOC, CURSOR, "a + b")
    assert cache.lookup("u", DOC, CURSOR) == ("a + b", "model")
    assert cache.lookup("u", *typed("a")) == (" + b", "model")
    assert cache.lookup("u", *typed("a + ")) == ("b", "model")


def test_typing_something_else_misses():
    cache = SuggestionCache()
    cache.remember("u", DOC, CURSOR, "a + b")
    assert cache.lookup("u", *typed("b")) is None
    assert cache.lookup("u", *typed("a + b")) is None  # fully typed: nothing left to suggest
    assert cache.lookup("other", DOC, CURSOR) is None


def test_a_change_after_the_cursor_or_before_the_typed_text_misses():
    cache = SuggestionCache()
    cache.remember("u", DOC, CURSOR, "a + b")
    text, offset = typed("a")
    assert cache.lookup("u", text.replace("print", "show"), offset) is None
    assert cache.lookup("u", text.replace("def add", "def sum"), offset) is None


def test_backspace_to_the_original_position_hits_again():
    cache = SuggestionCache()
    cache.remember("u", DOC, CURSOR, "a + b")
    cache.lookup("u", *typed("a"))
    assert cache.lookup("u", DOC, CURSOR) == ("a + b", "model")


def test_bounded():
    cache = SuggestionCache(per_document=2, documents=2)
    for i in range(3):
        cache.remember("u", DOC, CURSOR, f"x{i}")
    assert cache.lookup("u", DOC, CURSOR) == ("x2", "model")
    cache.remember("v", DOC, CURSOR, "v")
    cache.remember("w", DOC, CURSOR, "w")
    assert cache.lookup("u", DOC, CURSOR) is None
