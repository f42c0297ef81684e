"""inlineCompletion and codeAction at random positions (past the end, inside surrogate pairs, on documents that are not
open), interleaved with edits and random `$/cancelRequest`s, pipelined as an impatient editor sends them: every
request gets exactly one answer, a result or (only when cancelled) -32800, and the documents stay equal."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import big_texts, changes, positions
from tests.support.client_documents import ClientDocuments, valid_position
from tests.support.fuzz import Tally, fuzz_settings
from tests.support.raw_lsp import message

CANCELLED = -32800
_runs = itertools.count()


def _request(msg_id: int, method: str, params: dict) -> bytes:
    return message({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})


def _notify(method: str, params: dict) -> bytes:
    return message({"jsonrpc": "2.0", "method": method, "params": params})


@st.composite
def operations(draw: st.DrawFn, client: ClientDocuments, uri: str) -> list[tuple[str, dict]]:
    ops = []
    for _ in range(draw(st.integers(1, 8))):
        doc = client.docs.get(uri)
        kind = draw(st.sampled_from(["complete", "complete", "action", "cancel", "edit", "elsewhere"]))
        target = uri if kind != "elsewhere" else "file:///fuzz/not-open.py"
        if kind in ("complete", "elsewhere"):
            trigger = draw(st.sampled_from([1, 2]))
            params = {"textDocument": {"uri": target}, "position": draw(positions(doc)), "context": {}}
            params["context"] = {"triggerKind": trigger}
            ops.append(("textDocument/inlineCompletion", params))
        elif kind == "action":
            rng = {"start": draw(positions(doc)), "end": draw(positions(doc))}
            diagnostics = [{"range": rng, "message": draw(st.text(max_size=20))}] if draw(st.booleans()) else []
            ops.append(("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng, "context": {}}))
            ops[-1][1]["context"] = {"diagnostics": diagnostics}
        elif kind == "cancel":
            ops.append(("cancel", {"back": draw(st.integers(0, 4))}))
        else:
            change = draw(changes(doc))
            ops.append(("edit", {"change": change}))
    return ops


def _valid(params: dict) -> bool:
    pos = params.get("position") or params["range"]["start"]
    end = params.get("range", {}).get("end", pos)
    return valid_position(pos) and valid_position(end)


@pytest.mark.timeout(1800)
def test_random_requests_and_cancels_always_get_one_answer(fuzz_server):
    tally = Tally("requests")

    @fuzz_settings(100)
    @given(text=big_texts, data=st.data())
    def run(text, data):
        run_no = next(_runs)
        uri = f"file:///fuzz/requests/{run_no}.py"
        client = ClientDocuments()
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        client.did_open({"textDocument": item})
        batch = [_notify("textDocument/didOpen", {"textDocument": item})]
        sent: list[tuple[int, str, dict]] = []
        cancelled: set[int] = set()
        version = 1
        for method, params in data.draw(operations(client, uri)):
            if method == "cancel":
                if sent:
                    target = sent[max(0, len(sent) - 1 - params["back"])][0]
                    cancelled.add(target)
                    batch.append(_notify("$/cancelRequest", {"id": target}))
                tally.add("cancel")
            elif method == "edit":
                version += 1
                change_params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [params["change"]]}
                client.did_change(change_params)
                batch.append(_notify("textDocument/didChange", change_params))
                tally.add("edit")
            else:
                msg_id = fuzz_server.new_id()
                sent.append((msg_id, method, params))
                batch.append(_request(msg_id, method, params))
                tally.add(method.split("/")[-1])
        fuzz_server.write(b"".join(batch))
        for msg_id, method, params in sent:
            got = fuzz_server.answer(msg_id)
            assert len(fuzz_server.client.answers[msg_id]) == 1
            if not _valid(params):
                assert got["error"]["code"] == -32602, got
            elif "error" in got:
                assert got["error"]["code"] == CANCELLED and msg_id in cancelled, (method, params, got)
            if method == "textDocument/codeAction" and got.get("result") and data.draw(st.booleans()):
                _resolve(fuzz_server, got["result"][0], data.draw(st.booleans()), tally)
        digest = fuzz_server.request("offgrid/documentDigest", {"uri": uri})
        assert digest["result"] == client.docs[uri].digest()
        fuzz_server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    run()
    tally.report()


def _resolve(server, action: dict, cancel: bool, tally: Tally) -> None:
    """Resolve an offered action (the model writes its edit), perhaps cancelling it at once."""
    msg_id = server.new_id()
    data = _request(msg_id, "codeAction/resolve", action)
    if cancel:
        data += _notify("$/cancelRequest", {"id": msg_id})
    server.write(data)
    got = server.answer(msg_id, timeout=120)
    tally.add("resolve (cancelled)" if cancel else "resolve")
    if "error" in got:
        assert cancel and got["error"]["code"] == CANCELLED, got
