"""A code action run while the model loads waits for the load (it is offered at once: offering needs no model),
and is stopped by the user or told why when the load fails. The model host is a stand-in whose load the test
ends."""

import asyncio
from concurrent.futures import Future
from types import SimpleNamespace

import pytest
from offgrid.actions.request import ActionKind, ActionRequest, ActionResult
from offgrid.errors import ActionRefused
from offgrid.lsp.action_requests import run_action

from tests.unit.test_inline_while_loading import URI, LoadingHost, make_server

TEXT = "def double(x):\n    y = x * 2\n    return y\n"


class ActingHost(LoadingHost):
    """Also runs actions: each explains the code as "it doubles"."""

    def __init__(self) -> None:
        super().__init__()
        self.plans: list = []

    def start_action(self, plan):
        self.plans.append(plan)
        future: Future = Future()
        future.set_result(ActionResult(explanation="it doubles"))
        run = SimpleNamespace(summary=lambda: {}, model=SimpleNamespace(answer=lambda: "it doubles"))
        return run, SimpleNamespace(future=future, cancel=lambda: None)


def explain() -> ActionRequest:
    return ActionRequest(ActionKind.EXPLAIN, TEXT, "python", 0, len(TEXT))


async def started(host: ActingHost, stop: asyncio.Event | None = None) -> asyncio.Task:
    ls = make_server(host, TEXT)
    task = asyncio.ensure_future(run_action(ls, ls.documents.get(URI), explain(), stop))
    await asyncio.sleep(0.05)
    assert not task.done(), "ran (or was refused) before the model loaded"
    return task


async def test_an_action_during_the_load_runs_once_the_model_is_ready():
    host = ActingHost()
    task = await started(host)
    host.finish()
    result = await asyncio.wait_for(task, 5)
    assert result is not None and result.explanation == "it doubles" and len(host.plans) == 1


async def test_a_failed_load_tells_the_waiting_action_why():
    host = ActingHost()
    task = await started(host)
    host.finish(ok=False)
    with pytest.raises(ActionRefused, match="does not exist"):
        await asyncio.wait_for(task, 5)
    assert host.plans == []


async def test_stopping_a_waiting_action_leaves_the_load_alone():
    host, stop = ActingHost(), asyncio.Event()
    task = await started(host, stop)
    stop.set()  # the progress's cancel button
    assert await asyncio.wait_for(task, 5) is None
    assert not host.loaded.done() and host.plans == []
