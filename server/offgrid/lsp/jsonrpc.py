"""Every incoming JSON-RPC message is checked here before pygls dispatches it, so each bad request gets an error
answer with the right code instead of silence (pygls parses inside its read loop and only logs what fails there).

Rules, from JSON-RPC 2.0 and LSP 3.17:
- a body that is not UTF-8 JSON: -32700, id null;
- not an object (LSP has no batches), a bad `jsonrpc`, `id` or `method`, or an LSP notification sent with an id:
  -32600 (id null when the id itself is bad);
- params of the wrong shape or type: -32602; an unknown method: -32601 (pygls);
- a request before `initialize`: -32002; after `shutdown`: -32600. Notifications get no answer: bad ones are
  logged in one line and dropped whole, so a half-understood edit never reaches the documents.
Strings are made valid Unicode on the way in: an unpaired surrogate (JSON allows `"\\ud800"`) becomes U+FFFD,
one UTF-16 unit for one, so positions stay right and no layer below meets text it cannot encode.
"""

import json
import logging
import re
from collections.abc import Generator
from functools import partial
from typing import Any

import cattrs
from lsprotocol import types
from lsprotocol.types import ResponseErrorMessage
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

from offgrid.errors import BadMessage

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002

_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins valid pairs, so any left is unpaired
NOTIFICATIONS = frozenset(m for m, t in types.METHOD_TO_TYPES.items() if t[0].__name__.endswith("Notification"))
REQUESTS = frozenset(types.METHOD_TO_TYPES) - NOTIFICATIONS


def is_id(value: Any) -> bool:
    """LSP ids are integers or strings (JSON true is not an integer here)."""
    return type(value) is int or type(value) is str


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _valid_unicode(value: Any) -> Any:
    if isinstance(value, str):
        return _UNPAIRED_SURROGATE.sub("\ufffd", value) if _UNPAIRED_SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    return value


def parse(body: bytes) -> dict[str, Any]:
    """The message as a JSON object with valid strings, or BadMessage."""
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise BadMessage(PARSE_ERROR, "parse error: the message is not UTF-8") from None
    except (ValueError, RecursionError) as e:
        raise BadMessage(PARSE_ERROR, f"parse error: {str(e)[:120]}") from None
    if not isinstance(data, dict):
        raise BadMessage(INVALID_REQUEST, "invalid request: a message must be a JSON object (LSP has no batches)")
    return _valid_unicode(data)


def _describe(error: Exception) -> str:
    if isinstance(error, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(error))[:300]
    return str(error)[:300]


class OffgridProtocol(LanguageServerProtocol):
    """pygls' protocol with every message checked first, UTF-16 positions only, and no second copy of documents."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_seen = False

    def receive(self, body: bytes) -> None:
        """Handle one message body from the wire."""
        try:
            message = self._check(parse(body))
        except BadMessage as bad:
            log.warning("%s", bad.message)
            if bad.answer:
                self.send_error(bad.msg_id, bad.code, bad.message)
            return
        if message is not None:
            self.handle_message(message)

    def send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        """An error response, also for messages whose id could not be read (id null, as JSON-RPC asks)."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def _check(self, data: dict[str, Any]) -> Any:
        """The structured message to dispatch, None to drop it quietly, or BadMessage."""
        has_id = "id" in data
        msg_id = data.get("id")
        if has_id and not is_id(msg_id):
            raise BadMessage(INVALID_REQUEST, "invalid request: id must be an integer or a string")
        answer = has_id

        def bad(code: int, text: str) -> BadMessage:
            return BadMessage(code, text, msg_id, answer)

        if data.get("jsonrpc") != "2.0":
            raise bad(INVALID_REQUEST, 'invalid request: "jsonrpc" must be "2.0"')
        if "method" not in data:
            if has_id and ("result" in data or "error" in data):
                return self._response(data)
            raise bad(INVALID_REQUEST, "invalid request: no method")
        method = data["method"]
        if type(method) is not str:
            raise bad(INVALID_REQUEST, "invalid request: method must be a string")
        if has_id and method in NOTIFICATIONS:
            raise bad(INVALID_REQUEST, f"invalid request: {method} is a notification and must not have an id")
        params = data.get("params")
        if params is not None and not isinstance(params, dict | list):
            raise bad(INVALID_PARAMS, f"invalid params for {method}: params must be an object or an array")
        if not has_id and method in REQUESTS:
            log.warning("%s came without an id: ignored (a request needs one)", method)
            return None
        if not self._lifecycle_allows(method, has_id, bad):
            return None
        if method == types.CANCEL_REQUEST and not (isinstance(params, dict) and is_id(params.get("id"))):
            log.warning("$/cancelRequest without a valid id: ignored")
            return None
        message = self._structure(data, method, bad)
        if method == types.INITIALIZE:
            self.initialize_seen = True
        return message

    def _lifecycle_allows(self, method: str, has_id: bool, bad: Any) -> bool:
        if method == types.EXIT:
            return True
        if not self.initialize_seen and method != types.INITIALIZE:
            if has_id:
                raise bad(SERVER_NOT_INITIALIZED, f"{method} before initialize")
            log.warning("%s before initialize: dropped", method)
            return False
        if method == types.INITIALIZE and self.initialize_seen:
            raise bad(INVALID_REQUEST, "invalid request: initialize may only be sent once")
        if self._shutdown:
            if has_id:
                raise bad(INVALID_REQUEST, f"invalid request: {method} after shutdown")
            return False
        return True

    def _response(self, data: dict[str, Any]) -> Any:
        """The client's answer to one of our requests (never answered back, even when malformed)."""
        result_type = self._result_types.pop(data["id"], None)
        try:
            if "error" in data:
                return self._converter.structure(data, ResponseErrorMessage)
            return self._converter.structure(data, result_type or JsonRPCResponseMessage)
        except Exception as e:
            log.warning("a malformed response from the client was dropped: %s", _describe(e))
            future = self._request_futures.pop(data["id"], None)
            if future is not None and not future.done():
                future.set_exception(JsonRpcInternalError("malformed response"))
            return None

    def _structure(self, data: dict[str, Any], method: str, bad: Any) -> Any:
        data.setdefault("params", None)  # pygls' generic request types require the field
        fallback = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
        try:
            return self._converter.structure(data, self.get_message_type(method) or fallback)
        except Exception as e:
            raise bad(INVALID_PARAMS, f"invalid params for {method}: {_describe(e)}") from None

    def _run_generator(self, future: Any, *, gen: Any, result_future: Any) -> None:
        """pygls reads the result of a cancelled step and its CancelledError escapes into the event loop (a traceback
        per pending request when the client leaves mid-request); cancel the request it belongs to instead."""
        if future is not None and future.cancelled():
            gen.close()
            if not result_future.done():
                result_future.cancel()
            return
        super()._run_generator(future, gen=gen, result_future=result_future)

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, *args: Any, **kwargs: Any) -> None:
        """pygls files the future of every notification, and of every step of a generator handler, under a
        made-up id and never removes it: leaked futures on every keystroke (about 2.5 MB per 1,000 in the soak).
        Only a request's own future can be cancelled by the client (and pygls removes it when it answers)."""
        super()._execute_handler(msg_id, handler, callback, *args, **kwargs)
        answers_client = isinstance(callback, partial) and callback.func == self._send_handler_result
        if not answers_client:
            self._request_futures.pop(msg_id, None)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        """A cancel for a request already answered is routine (VS Code sends one per superseded keystroke);
        pygls logs a warning for each, which filled the log."""
        future = self._request_futures.pop(msg_id, None)
        if future is None:
            log.debug("$/cancelRequest for %s, which is already answered", msg_id)
        elif future.cancel():
            log.debug("cancelled request %s before it started", msg_id)

    def pending_requests(self) -> int:
        """Requests the server is still working on (notifications never count)."""
        return len(self._request_futures)

    def _send_handler_result(self, future: Any, *, msg_id: Any) -> None:
        """pygls logs a traceback for every error answer; an expected one (a JsonRpcException) gets one line."""
        error = None if future.cancelled() else future.exception()
        if isinstance(error, JsonRpcException):
            self._request_futures.pop(msg_id, None)
            log.warning("request %s: %s", msg_id, error.message)
            self._send_response(msg_id, error=error.to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        """pygls picks the client's first position encoding (Neovim offers UTF-8 first); offgrid counts UTF-16."""
        if params.capabilities.general is not None:
            params.capabilities.general.position_encodings = None
        return (yield from super().lsp_initialize(params))

    # Documents live in offgrid's own store (lsp/documents.py): pygls' copy cost memory, and an edit its copy
    # could not apply stopped offgrid's handler from running.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        yield self.fm.features[types.TEXT_DOCUMENT_DID_OPEN], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CHANGE], (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        yield self.fm.features[types.TEXT_DOCUMENT_DID_CLOSE], (params,), None
