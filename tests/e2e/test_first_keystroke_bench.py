"""`offgrid bench latency --opened`, short: the real server over stdio with the tiny model. Timings are not
checked (a benchmark's job); what each side evaluated is, since that is what the rest makes cheap."""

from offgrid.bench.first_keystroke import MOMENTS, first_keystrokes, opened_file


def test_the_places_are_far_apart_and_the_file_is_typed_back_to_its_text():
    f = opened_file("pygls.protocol.json_rpc")
    assert f.text[: f.there].count("\n") + 100 < f.text[: f.here].count("\n")


async def test_after_a_rest_the_warmed_side_evaluates_less_than_the_cold_one(tiny_model):
    result = await first_keystrokes(str(tiny_model), 1, rest_s=3.0)
    assert set(result) == {f"{m}, {side}" for m in MOMENTS for side in ("after", "before")}
    prompt = result["opened, before"]["prompt_tokens_p50"]
    assert result["opened, before"]["evaluated_p50"] >= prompt - 1  # cold: all of it
    assert result["opened, after"]["evaluated_p50"] < prompt / 4  # warmed during the rest
    assert result["came back, after"]["evaluated_p50"] < prompt / 4
