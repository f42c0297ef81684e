"""Random documents and random incremental edits (invalid ranges, positions past the end, surrogate pairs split in
half, lone surrogates, broken fields) through the real server: after every step its copy of each document, read back
with offgrid/documentDigest, equals the client's copy kept by LSP's rules (tests/support/client_documents.py)."""

import itertools

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from tests.fuzz.strategies import big_texts, changes, texts
from tests.support.client_documents import INT_MAX, ClientDocuments
from tests.support.fuzz import Tally, fuzz_settings

URIS = 3
versions = st.one_of(st.integers(-5, 1000), st.integers(-(2**31), INT_MAX))
change_versions = st.one_of(versions, st.sampled_from([2**31, -(2**31) - 1, 1.5, "7", None]))
languages = st.sampled_from(["python", "javascript", "rust", "plaintext", "", "no-such-language"])
_runs = itertools.count()


def machine(server, tally: Tally) -> type[RuleBasedStateMachine]:
    class DocumentSync(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            run = next(_runs)
            self.uris = [f"file:///fuzz/sync/{run}/doc{i}.py" for i in range(URIS)]
            self.client = ClientDocuments()

        @initialize(text=big_texts, language=languages)
        def open_first(self, text: str, language: str) -> None:
            self._open(0, text, 1, language)

        @rule(i=st.integers(0, URIS - 1), text=big_texts, version=versions, language=languages)
        def open(self, i: int, text: str, version: int, language: str) -> None:
            self._open(i, text, version, language)

        def _open(self, i: int, text: str, version: int, language: str) -> None:
            item = {"uri": self.uris[i], "languageId": language, "version": version, "text": text}
            server.notify("textDocument/didOpen", {"textDocument": item})
            self.client.did_open({"textDocument": item})
            tally.add("open")

        @rule(i=st.integers(0, URIS - 1), version=change_versions, data=st.data())
        def change(self, i: int, version: object, data: st.DataObject) -> None:
            doc = self.client.docs.get(self.uris[i])
            edits = data.draw(st.lists(changes(doc), min_size=1, max_size=4))
            params = {"textDocument": {"uri": self.uris[i], "version": version}, "contentChanges": edits}
            server.notify("textDocument/didChange", params)
            self.client.did_change(params)
            tally.add("change")
            tally.add("edit", len(edits))

        @rule(i=st.integers(0, URIS - 1), text=texts)
        def change_whole(self, i: int, text: str) -> None:
            params = {"textDocument": {"uri": self.uris[i], "version": 9}, "contentChanges": [{"text": text}]}
            server.notify("textDocument/didChange", params)
            self.client.did_change(params)
            tally.add("change")

        @rule(i=st.integers(0, URIS - 1))
        def close(self, i: int) -> None:
            params = {"textDocument": {"uri": self.uris[i]}}
            server.notify("textDocument/didClose", params)
            self.client.did_close(params)
            tally.add("close")

        @invariant()
        def server_copy_equals_client_copy(self) -> None:
            for uri in self.uris:
                got = server.request("offgrid/documentDigest", {"uri": uri})
                assert "error" not in got, got
                doc = self.client.docs.get(uri)
                expected = doc.digest() if doc else None
                assert got["result"] == expected, (uri, doc.text() if doc else None)
            assert server.alive()
            tally.add("digest check", len(self.uris))

    return DocumentSync


@pytest.mark.timeout(1800)
def test_server_documents_always_equal_the_clients(fuzz_server):
    tally = Tally("document sync")
    state_machine = machine(fuzz_server, tally)
    run_state_machine_as_test(state_machine, settings=fuzz_settings(60, stateful_step_count=15))
    tally.report()
