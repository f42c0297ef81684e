"""Context enters the prompt only when it shares names with the code being written."""

from offgrid.context.relevance import overlap, relevant
from offgrid.context.similar import names_in

QUERY = names_in("def below_zero(operations):\n    balance = 0\n    for op in operations:\n")


def test_code_sharing_names_with_the_cursor_passes():
    chunk = "def final_balance(operations):\n    balance = sum(operations)\n    return balance\n"
    assert overlap(QUERY, chunk) >= 0.5 and relevant(QUERY, chunk, 0.3)


def test_unrelated_code_and_a_single_shared_name_do_not():
    assert overlap(QUERY, "def shout(s):\n    return s.upper() + '!'\n") == 0
    assert overlap(QUERY, "for op in codes:\n    print(op)\n") == 0  # `op` alone is chance
    assert not relevant(QUERY, "def shout(s):\n    return s.upper()\n", 0.3)
    assert relevant(QUERY, "def shout(s):\n    return s.upper()\n", 0)  # a gate of 0 is off
