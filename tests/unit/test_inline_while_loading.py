"""Typing while the model loads: the request waits for the load and is then answered (the editor does not ask
again), unless the user typed meanwhile, cancelled it, or the load failed. The server is real; the model host is
a stand-in whose load the test ends."""

import asyncio
from concurrent.futures import Future
from dataclasses import replace
from types import SimpleNamespace

from lsprotocol import types
from offgrid.complete.request import CompletionRequest, Suggestion
from offgrid.host import HostState
from offgrid.lsp.inline_completion import inline_completion
from offgrid.lsp.state import OffgridServer

URI = "file:///work/a.py"


class LoadingHost:
    """A host whose model loads until `finish`; each completion answers `word` at the cursor."""

    def __init__(self, word: str = "value") -> None:
        self.state, self.error = HostState.LOADING, None
        self.loaded: Future = Future()
        self.file_notice = None
        self.word = word
        self.asked: list[CompletionRequest] = []

    def finish(self, ok: bool = True) -> None:
        self.state = HostState.READY if ok else HostState.FAILED
        self.error = None if ok else "model file /m.gguf does not exist"
        self.loaded.set_result(None)

    def submit_completion(self, req: CompletionRequest) -> SimpleNamespace:
        self.asked.append(req)
        future: Future = Future()
        future.set_result(Suggestion(self.word, req.line, req.column, req.column))
        return SimpleNamespace(future=future, cancel=lambda: None)


def make_server(host: LoadingHost | None, text: str = "x = ") -> OffgridServer:
    ls = OffgridServer()
    ls.settings = replace(ls.settings, completion=replace(ls.settings.completion, prefetch=False))
    ls.protocol.notify = lambda *_a, **_k: None  # type: ignore[method-assign]  # no client: metrics go nowhere
    ls.documents.open(URI, "python", 1, text)
    if host is not None:
        ls.host = host  # type: ignore[assignment]
    return ls


def params(line: int, character: int) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=types.Position(line, character),
    )


async def pending(ls: OffgridServer) -> asyncio.Task:
    """A request sent now, checked to be waiting."""
    task = asyncio.ensure_future(inline_completion(ls, params(0, 4)))
    await asyncio.sleep(0.05)
    assert not task.done(), "answered before the model loaded"
    return task


async def test_a_request_during_the_load_is_answered_once_the_model_is_ready():
    host = LoadingHost()
    ls = make_server(host)
    task = await pending(ls)
    host.finish()
    result = await asyncio.wait_for(task, 5)
    assert [(i.insert_text, i.range.start) for i in result.items] == [("value", types.Position(0, 4))]
    assert [(r.text, r.line, r.column) for r in host.asked] == [("x = ", 0, 4)]


async def test_a_request_before_the_host_exists_waits_for_it_and_its_load():
    ls = make_server(None)
    task = await pending(ls)  # initialized has not started the host yet (workspace/configuration is slow)
    host = LoadingHost()
    ls.host = host  # type: ignore[assignment]
    await asyncio.sleep(0.05)
    assert not task.done()
    host.finish()
    assert (await asyncio.wait_for(task, 5)).items


async def test_a_failed_load_gives_the_waiting_request_the_empty_answer():
    host = LoadingHost()
    ls = make_server(host)
    task = await pending(ls)
    host.finish(ok=False)
    assert not (await asyncio.wait_for(task, 5)).items
    assert host.asked == []


async def test_typing_during_the_load_leaves_the_older_request_empty_and_unasked():
    host = LoadingHost()
    ls = make_server(host)
    old = await pending(ls)
    doc = ls.documents.get(URI)
    doc.apply((0, 4), (0, 4), "y")
    doc.version = 2
    new = asyncio.ensure_future(inline_completion(ls, params(0, 5)))
    await asyncio.sleep(0.05)
    host.finish()
    assert not (await asyncio.wait_for(old, 5)).items
    assert (await asyncio.wait_for(new, 5)).items
    assert [r.text for r in host.asked] == ["x = y"]  # the model was asked once, for the newer text


async def test_cancelling_a_waiting_request_leaves_the_load_alone():
    host = LoadingHost()
    ls = make_server(host)
    first = await pending(ls)
    second = await pending(ls)
    first.cancel()  # what pygls does on $/cancelRequest
    await asyncio.sleep(0.05)
    assert first.cancelled() and not host.loaded.cancelled()
    host.finish()
    assert (await asyncio.wait_for(second, 5)).items
    assert (await ls.loaded_host()) is host
