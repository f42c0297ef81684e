"""One regression test per protocol failure the fuzz tests found in the server (each got silence, a wrong answer or a
traceback before the fix; see lsp/jsonrpc.py, lsp/wire.py and lsp/transport.py)."""

import hashlib

import pytest

from tests.support.raw_lsp import RawClient, frame, message

P0 = {"line": 0, "character": 0}
INLINE = {"textDocument": {"uri": "file:///r.py"}, "position": P0, "context": {"triggerKind": 1}}


def _req(msg_id, method, params=None, **extra):
    payload = {"jsonrpc": "2.0", "id": msg_id, "method": method, **extra}
    if params is not None:
        payload["params"] = params
    return message(payload)


CASES = [
    # (what pygls did before, bytes, id the answer carries, expected error code or None for a result)
    ("request without params: silence", _req(101, "offgrid/status"), 101, None),
    ("typed request without params: silence", _req(102, "textDocument/inlineCompletion"), 102, -32602),
    ("wrong param type: silence", _req(103, "textDocument/inlineCompletion", {**INLINE, "position": 5}), 103, -32602),
    (
        '"line": "1" was read as 1',
        _req(104, "textDocument/inlineCompletion", {**INLINE, "position": {"line": "1", "character": 0}}),
        104,
        -32602,
    ),
    (
        '"line": true was read as 1',
        _req(105, "textDocument/inlineCompletion", {**INLINE, "position": {"line": True, "character": 0}}),
        105,
        -32602,
    ),
    ("negative line: silence", _req(106, "textDocument/codeAction", {"range": -1}), 106, -32602),
    ("params a string: answered as if valid", _req(107, "offgrid/status", "x"), 107, -32602),
    ('"jsonrpc": "1.0": silence', message({"jsonrpc": "1.0", "id": 108, "method": "offgrid/status"}), 108, -32600),
    ("float id: echoed", message({"jsonrpc": "2.0", "id": 1.5, "method": "offgrid/status"}), None, -32600),
    (
        "boolean id: answered as id true",
        message({"jsonrpc": "2.0", "id": True, "method": "offgrid/status"}),
        None,
        -32600,
    ),
    ("a batch: AttributeError traceback, silence", frame("[1, 2]"), None, -32600),
    ("invalid JSON: traceback, silence", frame("{bad"), None, -32700),
    ("not UTF-8: traceback, silence", frame(b'{"a": "\xff"}'), None, -32700),
    ("notification with an id: applied, silence", _req(109, "textDocument/didOpen", {"textDocument": {}}), 109, -32600),
    ("second initialize: accepted", _req(110, "initialize", {"capabilities": {}}), 110, -32600),
]


@pytest.mark.parametrize("before, data, msg_id, code", CASES, ids=[c[0] for c in CASES])
def test_bad_request_gets_its_error(fuzz_server, before, data, msg_id, code):
    nulls = fuzz_server.client.answers.setdefault(None, [])
    seen = len(nulls)
    fuzz_server.write(data)
    if msg_id is None:
        fuzz_server.request("offgrid/status", {})  # answers come in order: the null-id answer is in by now
        assert [a["error"]["code"] for a in nulls[seen:]] == [code]
        return
    got = fuzz_server.answer(msg_id)
    assert (got["error"]["code"] if "error" in got else None) == code, got


def test_a_cancel_with_an_unhashable_id_is_ignored(fuzz_server):
    # pygls: TypeError: unhashable type: 'dict', with a traceback
    fuzz_server.notify("$/cancelRequest", {"id": {"a": 1}})
    assert "result" in fuzz_server.request("offgrid/status", {})
    assert "Traceback" not in fuzz_server.client.stderr_text()


def test_a_notification_sent_with_an_id_is_not_applied(fuzz_server):
    item = {"uri": "file:///r/with-id.py", "languageId": "python", "version": 1, "text": "x = 1\n"}
    fuzz_server.write(_req(111, "textDocument/didOpen", {"textDocument": item}))
    assert fuzz_server.answer(111)["error"]["code"] == -32600
    assert fuzz_server.request("offgrid/documentDigest", {"uri": item["uri"]})["result"] is None


def test_an_edit_with_a_null_range_length_is_applied(fuzz_server):
    """rangeLength is deprecated; a client that sends it as null still means its edit (the fuzz oracle had taken
    the edit as invalid while the server applied it, which is the behaviour that loses nothing)."""
    uri = "file:///r/null-range-length.py"
    item = {"uri": uri, "languageId": "python", "version": 1, "text": ""}
    fuzz_server.notify("textDocument/didOpen", {"textDocument": item})
    edit = {"range": {"start": P0, "end": P0}, "text": "a", "rangeLength": None}
    fuzz_server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [edit]})
    digest = fuzz_server.request("offgrid/documentDigest", {"uri": uri})["result"]
    assert digest["version"] == 2 and digest["sha256"] == hashlib.sha256(b"a").hexdigest()


def test_unpaired_surrogates_become_replacement_characters(fuzz_server):
    uri = "file:///r/surrogate.py"
    item = {"uri": uri, "languageId": "python", "version": 1, "text": 'x = "\ud83d"\n'}
    fuzz_server.notify("textDocument/didOpen", {"textDocument": item})  # json.dumps writes the lone half as \ud83d
    digest = fuzz_server.request("offgrid/documentDigest", {"uri": uri})["result"]
    assert digest["sha256"] == hashlib.sha256('x = "\ufffd"\n'.encode()).hexdigest()
    params = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 5}, "context": {"triggerKind": 1}}
    assert "result" in fuzz_server.request("textDocument/inlineCompletion", params)


def test_an_expected_error_answer_is_logged_without_a_traceback(fuzz_server):
    got = fuzz_server.request("workspace/executeCommand", {"command": "no.such.command"})
    assert got["error"]["code"] == -32602
    assert "Traceback" not in fuzz_server.client.stderr_text()


async def test_positions_stay_utf16_when_the_client_offers_utf8_first(tiny_model):
    # Neovim lists utf-8 first; pygls took it, while offgrid counts UTF-16 units: edits after an emoji went wrong
    client = await RawClient.start(str(tiny_model))
    try:
        caps = {"general": {"positionEncodings": ["utf-8", "utf-16", "utf-32"]}}
        init = await client.initialize(caps)
        assert init["result"]["capabilities"]["positionEncoding"] == "utf-16"
    finally:
        await client.stop()
