from offgrid.engine.kv_cache import Chunk, plan_reuse, shift_order
from offgrid.engine.sequences import SequencePool


def test_common_prefix_is_kept_and_last_token_always_evaluated():
    plan = plan_reuse([1, 2, 3, 4], [1, 2, 3, 4], min_chunk=2, can_shift=True)
    assert plan.n_prefix == 3 and plan.evaluate == (3,)
    plan = plan_reuse([1, 2, 3], [1, 2, 3, 9, 8], min_chunk=2, can_shift=True)
    assert plan.n_prefix == 3 and plan.evaluate == (3, 4)


def test_deleted_tokens_shift_the_rest_down():
    cached = list(range(10)) + [100, 101] + list(range(20, 40))
    prompt = list(range(10)) + list(range(20, 40)) + [7]
    plan = plan_reuse(cached, prompt, min_chunk=4, can_shift=True)
    assert plan.n_prefix == 10
    assert plan.chunks == (Chunk(old_start=12, new_start=10, length=20),)
    assert plan.evaluate == (30,)


def test_inserted_tokens_are_evaluated_and_the_rest_shifted_up():
    cached = list(range(50))
    prompt = list(range(10)) + [500, 501, 502] + list(range(10, 50)) + [9]
    plan = plan_reuse(cached, prompt, min_chunk=8, can_shift=True)
    assert plan.chunks == (Chunk(old_start=10, new_start=13, length=40),)
    assert plan.evaluate == (10, 11, 12, 53)
    assert plan.n_shifted == 40


def test_without_shift_support_only_the_prefix_is_reused():
    cached = list(range(50))
    prompt = list(range(10)) + [500] + list(range(10, 50))
    plan = plan_reuse(cached, prompt, min_chunk=8, can_shift=False)
    assert plan.chunks == () and plan.n_prefix == 10 and len(plan.evaluate) == 41


def test_short_matches_are_not_worth_a_shift():
    cached = list(range(20))
    prompt = list(range(5)) + [99] + list(range(5, 8)) + [98]
    plan = plan_reuse(cached, prompt, min_chunk=4, can_shift=True)
    assert plan.chunks == ()


def test_shift_order_never_moves_onto_unmoved_cells():
    chunks = (Chunk(10, 5, 5), Chunk(20, 12, 3), Chunk(30, 40, 5), Chunk(50, 60, 5))
    order = shift_order(chunks)
    assert order == [Chunk(10, 5, 5), Chunk(20, 12, 3), Chunk(50, 60, 5), Chunk(30, 40, 5)]


def test_sequence_pool_evicts_least_recently_used():
    pool = SequencePool(2)
    a, _ = pool.acquire("a")
    b, _ = pool.acquire("b")
    pool.tokens[a].extend([1, 2])
    pool.acquire("a")  # a is now the most recent
    c, evicted = pool.acquire("c")
    assert evicted == b and c == b and pool.keys() == ["a", "c"]
    assert pool.tokens[a] == [1, 2]


def test_changed_tokens_counts_what_an_edit_really_changed():
    from offgrid.engine.kv_cache import changed_tokens

    old = list(range(100))
    assert changed_tokens(old, old + [7, 8]) == 2
    assert changed_tokens(old, old[:50] + [500, 501, 502] + old[50:]) == 3
    assert changed_tokens(old, old[:40] + old[45:]) == 0
    assert changed_tokens([], [1, 2, 3]) == 3
