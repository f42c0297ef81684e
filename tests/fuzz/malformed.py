"""Malformed JSON-RPC for the wire fuzz test: each case is bytes to send and the answer JSON-RPC and LSP require."""

import itertools
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.strategies import bad_uints, json_scalars, json_values
from tests.support.raw_lsp import frame

PARSE, INVALID_REQUEST, NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
_ids = itertools.count(1)


@dataclass(frozen=True)
class Case:
    kind: str
    data: bytes
    msg_id: Any = None  # the id the answer must carry; None: answered with id null, or not at all
    code: int | None = None  # the error code expected; None with an id: a result
    answered: bool = True


def _frame(payload: Any) -> bytes:
    return frame(json.dumps(payload))


@st.composite
def fresh_id(draw: st.DrawFn) -> int | str:
    """A valid id never used before in this run: small, negative, huge, or a string."""
    n = next(_ids)
    shape = draw(st.sampled_from(["int", "negative", "huge", "string"]))
    if shape == "string":
        return f"{draw(st.text(max_size=6))}#{n}"
    return {"int": n, "negative": -n, "huge": 2**70 + n}[shape]


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


INLINE = {"textDocument": {"uri": "file:///fuzz/bad.py"}, "position": {"line": 0, "character": 0}, "context": {}}
INLINE["context"] = {"triggerKind": 1}
P0 = {"line": 0, "character": 0}
CODE_ACTION = {"textDocument": {"uri": "file:///fuzz/bad.py"}, "range": {"start": P0, "end": P0}, "context": {}}
CODE_ACTION["context"] = {"diagnostics": []}
# (method, valid params, [(path, bad values)]): each bad value at its path breaks LSP's schema
TYPED = [
    (
        "textDocument/inlineCompletion",
        INLINE,
        [
            (("textDocument", "uri"), [5, None, [], {}]),
            (("position", "line"), None),
            (("position", "character"), None),
            (("context", "triggerKind"), ["1", None, 1.5, {}]),
            (("position",), [None, 3, "x", []]),
        ],
    ),
    (
        "textDocument/codeAction",
        CODE_ACTION,
        [
            (("range", "start", "line"), None),
            (("range", "end"), [None, 1, {}]),
            (("context", "diagnostics"), ["x", 5, [{"message": 5}]]),
            (("textDocument",), [None, "file:///x"]),
        ],
    ),
    ("workspace/executeCommand", {"command": "offgrid.explain", "arguments": []}, [(("command",), [5, None, []])]),
    ("codeAction/resolve", {"title": "offgrid: x"}, [(("title",), [5, None, {}])]),
]


def _set(params: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(params))
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@st.composite
def wrong_params(draw: st.DrawFn) -> Case:
    method, params, breaks = draw(st.sampled_from(TYPED))
    path, values = draw(st.sampled_from(breaks))
    bad = draw(bad_uints if values is None else st.sampled_from(values))
    how = draw(st.sampled_from(["value", "value", "missing params", "null params"]))
    msg_id = draw(fresh_id())
    payload: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if how == "value":
        payload["params"] = _set(params, path, bad)
    elif how == "null params":
        payload["params"] = None
    return Case(f"wrong params ({how})", _frame(payload), msg_id, INVALID_PARAMS)


@st.composite
def simple_cases(draw: st.DrawFn) -> Case:
    kind = draw(
        st.sampled_from(
            [
                "invalid json",
                "not utf-8",
                "not an object",
                "bad id",
                "bad jsonrpc",
                "unknown method",
                "method not a string",
                "params not structured",
                "notification with id",
                "request without method",
                "second initialize",
            ]
        )
    )
    msg_id = draw(fresh_id())
    if kind == "invalid json":
        body = draw(st.text(max_size=30).filter(_not_json))
        return Case(kind, frame(body), None, PARSE)
    if kind == "not utf-8":
        body = b'{"jsonrpc": "2.0", "id": 1, "method": "\xff' + draw(st.binary(max_size=8)) + b'"}'
        return Case(kind, frame(body), None, PARSE)
    if kind == "not an object":
        value = draw(json_values.filter(lambda v: not isinstance(v, dict)))
        return Case(kind, _frame(value), None, INVALID_REQUEST)
    if kind == "bad id":
        bad = draw(st.sampled_from([1.5, 2.0, True, False, None, [], {}, [1]]))
        return Case(kind, _frame({"jsonrpc": "2.0", "id": bad, "method": "offgrid/status"}), None, INVALID_REQUEST)
    if kind == "bad jsonrpc":
        payload: dict[str, Any] = {"id": msg_id, "method": "offgrid/status"}
        version = draw(st.sampled_from(["1.0", 2, 2.0, None, "missing"]))
        if version != "missing":
            payload["jsonrpc"] = version
        return Case(kind, _frame(payload), msg_id, INVALID_REQUEST)
    if kind == "unknown method":
        method = draw(st.sampled_from(["fuzz/", "$/fuzz", "textDocument/fuzz", ""])) + draw(st.text(max_size=8))
        return Case(kind, _frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": {}}), msg_id, NOT_FOUND)
    if kind == "method not a string":
        method = draw(json_values.filter(lambda v: not isinstance(v, str)))
        return Case(kind, _frame({"jsonrpc": "2.0", "id": msg_id, "method": method}), msg_id, INVALID_REQUEST)
    if kind == "params not structured":
        params = draw(json_scalars.filter(lambda v: v is not None))
        payload = {"jsonrpc": "2.0", "id": msg_id, "method": "offgrid/status", "params": params}
        return Case(kind, _frame(payload), msg_id, INVALID_PARAMS)
    if kind == "notification with id":
        method = draw(st.sampled_from(NOTIFICATION_METHODS))
        payload = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": draw(json_values)}
        return Case(kind, _frame(payload), msg_id, INVALID_REQUEST)
    if kind == "request without method":
        return Case(kind, _frame({"jsonrpc": "2.0", "id": msg_id, "params": {}}), msg_id, INVALID_REQUEST)
    payload = {"jsonrpc": "2.0", "id": msg_id, "method": "initialize", "params": {"capabilities": {}}}
    return Case(kind, _frame(payload), msg_id, INVALID_REQUEST)


NOTIFICATION_METHODS = [
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "initialized",
    "exit",
    "$/cancelRequest",
    "$/setTrace",
    "workspace/didChangeConfiguration",
    "workspace/didChangeWatchedFiles",
]


@st.composite
def quiet_cases(draw: st.DrawFn) -> Case:
    """Messages that must get no answer and must not stop the server: garbage notifications, stray responses."""
    kind = draw(st.sampled_from(["garbage notification", "random cancel", "stray response"]))
    if kind == "garbage notification":
        method = draw(st.sampled_from([m for m in NOTIFICATION_METHODS if m != "exit"] + ["fuzz/notification"]))
        payload: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if draw(st.booleans()):
            payload["params"] = draw(json_values)
        return Case(kind, _frame(payload), answered=False)
    if kind == "random cancel":
        target = draw(st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=6), json_values))
        return Case(
            kind, _frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": target}}), answered=False
        )
    payload = {
        "jsonrpc": "2.0",
        "id": f"stray-{next(_ids)}",
        draw(st.sampled_from(["result", "error"])): draw(json_values),
    }
    return Case(kind, _frame(payload), answered=False)


@st.composite
def good_cases(draw: st.DrawFn) -> Case:
    """Valid requests in unusual but legal framings and ids: each must get its result."""
    msg_id = draw(fresh_id())
    payload: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": "offgrid/status"}
    if draw(st.booleans()):
        payload["params"] = draw(st.sampled_from([None, {}, [], {"extra": 1}]))
    body = json.dumps(payload).encode()
    framing = draw(st.sampled_from(["plain", "lowercase", "content-type", "bare newlines", "blank line before"]))
    header = {
        "plain": b"Content-Length: %d\r\n\r\n",
        "lowercase": b"content-length:%d\r\n\r\n",
        "content-type": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
        "bare newlines": b"Content-Length: %d\n\n",
        "blank line before": b"\r\nContent-Length: %d\r\n\r\n",
    }[framing]
    return Case(f"valid ({framing})", header % len(body) + body, msg_id, None)


any_case = st.one_of(simple_cases(), wrong_params(), quiet_cases(), good_cases())
