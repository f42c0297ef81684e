"""Tab pressed while the prefetch for it still runs: when the request waits for that prefetch and when it asks
the model itself. The prefetches are real jobs on the model worker; the server is reduced to what the decision
reads (the last prefetch, and whether an action holds the model)."""

import asyncio
import threading
from types import SimpleNamespace

import pytest
from offgrid.complete.request import Suggestion
from offgrid.engine.generation import Generation
from offgrid.engine.worker import PRIORITY_PREFETCH, Worker
from offgrid.lsp.prefetch import adopt_prefetch
from offgrid.lsp.state import Prefetching

URI, TEXT, OFFSET = "file:///a.py", "x = 1\n", 6


@pytest.fixture
def worker():
    w = Worker()
    yield w
    w.stop()


def answer(text: str, stop_reason: str) -> Suggestion:
    gen = Generation(text, stop_reason, 10, 9, 0, 1, 1, 1.0, 1.0)
    return Suggestion(text, 1, 0, 0, gen)


def server(prefetching: Prefetching) -> SimpleNamespace:
    return SimpleNamespace(prefetching=prefetching, host=SimpleNamespace(actions_running=lambda: False))


def prefetch(worker: Worker, result: Suggestion, release: threading.Event, multiline: bool = False) -> Prefetching:
    def fn(cancel: threading.Event) -> Suggestion:
        while not release.is_set() and not cancel.is_set():
            release.wait(0.01)
        return result

    job = worker.submit("prefetch", fn, PRIORITY_PREFETCH, background=True)
    return Prefetching(URI, TEXT, OFFSET, job, multiline)


async def test_a_running_prefetch_after_a_one_line_suggestion_is_waited_for(worker):
    release = threading.Event()
    ls = server(prefetch(worker, answer("y = 2", "stop_rule"), release))
    waiting = asyncio.ensure_future(adopt_prefetch(ls, URI, TEXT, OFFSET))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    release.set()
    assert (await asyncio.wait_for(waiting, 5)).text == "y = 2"


async def test_a_running_prefetch_after_a_suggestion_of_several_lines_is_not_waited_for(worker):
    release = threading.Event()  # never set: the prefetch would run until stopped
    ls = server(prefetch(worker, answer("y = 2", "stop_rule"), release, multiline=True))
    assert await asyncio.wait_for(adopt_prefetch(ls, URI, TEXT, OFFSET), 1) is None
    ls.prefetching.job.cancel()


async def test_an_empty_answer_the_model_ended_is_the_answer_but_one_cut_by_time_is_not(worker):
    release = threading.Event()
    release.set()
    ended = await adopt_prefetch(server(prefetch(worker, answer("", "stop_rule"), release)), URI, TEXT, OFFSET)
    assert ended is not None and ended.text == ""
    timed = await adopt_prefetch(server(prefetch(worker, answer("", "time"), release)), URI, TEXT, OFFSET)
    assert timed is None
