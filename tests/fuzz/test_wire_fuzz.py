"""Malformed JSON-RPC through the real server's stdin: every bad request gets the error JSON-RPC asks for (with its
id, or id null when the id cannot be read), quiet messages get nothing, and the server keeps answering."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.malformed import any_case
from tests.support.fuzz import Tally, fuzz_settings


@pytest.mark.timeout(1800)
def test_every_bad_request_gets_the_right_error(fuzz_server):
    tally = Tally("wire")

    @fuzz_settings(250)
    @given(cases=st.lists(any_case, min_size=1, max_size=6))
    def run(cases):
        nulls = fuzz_server.client.answers.setdefault(None, [])
        before = len(nulls)
        fuzz_server.write(b"".join(c.data for c in cases))  # pipelined, as editors do
        for case in cases:
            tally.add(case.kind)
            if case.msg_id is None:
                continue
            got = fuzz_server.answer(case.msg_id)
            assert len(fuzz_server.client.answers[case.msg_id]) == 1, case
            if case.code is None:
                assert "result" in got, (case, got)
            else:
                assert got.get("error", {}).get("code") == case.code, (case, got)
        probe = fuzz_server.request("offgrid/status", {})  # still alive, still in step with the framing
        assert probe["result"]["version"], probe
        expected_nulls = sorted(c.code for c in cases if c.msg_id is None and c.answered)
        assert sorted(a["error"]["code"] for a in nulls[before:]) == expected_nulls, cases
        assert not fuzz_server.client.bad_output

    run()
    tally.report()
