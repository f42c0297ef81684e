"""The first minutes in a real editor (issue 19): typing and asking for code actions while the model still loads,
VS Code's suggest widget open over the ghost text, and `logSourceText` on while actions run.

The slow model (about 480 MB) with `engine.mmap` off takes a second or more to load, read into memory; each test
checks through offgrid/status that its requests really came while it loaded (status is answered in order,
after the requests sent before it)."""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from tests.support.editor import Editor, rng
from tests.support.lsp import change_doc, complete, inline_params, open_doc, running_server, status, wait_ready

URI = "file:///work/shapes.py"
TEXT = "def area(r):\n    pass\n\n\ndef double(x):\n    y = x * 2\n    return y\n"
LOADING = {"engine": {"mmap": False}, "completion": {"maxTokens": 4, "prefetch": False}, "actions": {"maxTokens": 4}}


async def still_loading(client) -> None:
    st = await status(client)
    assert st["state"] in ("starting", "loading"), f"the model loaded before the test could ask: {st['state']}"


def action_progress(client, kind: type) -> list:
    """The code actions' progress reports of one kind (begin, report, end), in order."""
    return [
        r
        for token, reports in client.progress_reports.items()
        if str(token).startswith("offgrid-action-")
        for r in reports
        if isinstance(r, kind)
    ]


async def test_typing_while_the_model_loads_is_answered_once_it_has_loaded(slow_model):
    async with running_server(str(slow_model), LOADING) as client:
        open_doc(client, URI, "x = ")
        first = asyncio.ensure_future(complete(client, URI, 0, 4))
        method, again = types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, 0, 4)
        dropped = asyncio.ensure_future(client.protocol.send_request_async(method, again, msg_id="dropped"))
        change_doc(client, URI, 2, (0, 4), (0, 4), "y")  # typed on: the newer request is the one to answer
        last = asyncio.ensure_future(complete(client, URI, 0, 5))
        await still_loading(client)
        client.cancel_request(types.CancelParams(id="dropped"))  # as VS Code does for each superseded keystroke
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(dropped, 120)
        older, newer = await asyncio.wait_for(asyncio.gather(first, last), 120)
        assert not older.items  # its text is gone
        assert all(i.range.start == types.Position(0, 5) for i in newer.items), newer
        st = await status(client)
        assert st["state"] == "ready" and st["pendingRequests"] == 0
        # the model answered once (random weights may end the answer at once); an older request may have been
        # stopped on the model by the newer one (pygls starts a handler after the edits already received)
        finished = [m for m in client.metrics if m["stopReason"] != "cancelled"]
        assert [m["source"] for m in finished] == ["model"] and finished[0]["evaluated"] > 0, client.metrics


async def test_code_actions_while_the_model_loads_are_offered_and_wait_for_it(slow_model):
    async with running_server(str(slow_model), LOADING) as client:
        editor = Editor(client)
        editor.open(URI, TEXT)
        offered = await editor.code_actions(URI, (1, 4), (1, 4))
        assert [a.title for a in offered] == [
            "offgrid: Add docstring",
            "offgrid: Complete this function body",
            "offgrid: Explain",
        ]
        # one action only: this model is slow to run too (resolving waits the same way: tests/unit)
        explain = editor.start_command("offgrid.explain", {"uri": URI, "range": rng((5, 0), (7, 0))})
        await still_loading(client)
        await asyncio.wait_for(explain, 240)
        assert not [m.message for m in client.messages if "not loaded" in m.message]
        reports = action_progress(client, types.WorkDoneProgressReport)
        assert [r.message for r in reports] == ["waiting for the model to load"]
        # the model answered (random weights may say nothing)
        ends = action_progress(client, types.WorkDoneProgressEnd)
        assert [e.message for e in ends] in (["done"], ["the model had nothing to say"]), ends


async def test_code_actions_after_a_failed_load_are_not_offered(tmp_path):
    broken = tmp_path / "model.gguf"
    broken.write_text("hello")
    async with running_server(str(broken)) as client:
        editor = Editor(client)
        editor.open(URI, TEXT)
        explained = await editor.run_command("offgrid.explain", {"uri": URI, "range": rng((5, 0), (7, 0))})
        assert explained is None
        assert await editor.code_actions(URI, (1, 4), (1, 4)) == []
        errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
        assert len(errors) == 1 and "not a GGUF" in errors[0], client.messages


async def test_the_selected_item_of_the_suggest_widget_is_extended(letters_model):
    """`if n` with `name` selected in VS Code's suggest widget: the model is asked at `if name`. This model writes
    only letters, so each answer glues onto `name` a name the document lacks (`namexq...`): dropped. A JSON key
    item (`"name": ` over `"n`) ends the name, and the answer is shown over the item's range, beginning with it."""
    async with running_server(str(letters_model), {"completion": {"prefetch": False}}) as client:
        await wait_ready(client)
        open_doc(client, URI, "name = 1\nif n\n")
        params = inline_params(URI, 1, 4)
        item = types.Range(types.Position(1, 3), types.Position(1, 4))
        params.context.selected_completion_info = types.SelectedCompletionInfo(range=item, text="name")
        result = await asyncio.wait_for(client.text_document_inline_completion_async(params), 120)
        assert not result.items and client.metrics[-1]["source"] == "model", (result, client.metrics)
        change_doc(client, URI, 2, (1, 3), (1, 4), "name")  # the user takes the suggest widget's item
        after = await complete(client, URI, 1, 7)
        assert client.metrics[-1]["source"] == "typed-through"  # remembered for the text as if it were typed
        assert after.items and after.items[0].insert_text.isalpha(), after

        json_uri = URI.rsplit("/", 1)[0] + "/config.json"
        open_doc(client, json_uri, '{"name": 1,\n "n\n', language="json")
        params = inline_params(json_uri, 1, 3)
        item = types.Range(types.Position(1, 1), types.Position(1, 3))
        params.context.selected_completion_info = types.SelectedCompletionInfo(range=item, text='"name": ')
        result = await asyncio.wait_for(client.text_document_inline_completion_async(params), 120)
        assert result.items, result
        for i in result.items:
            assert i.range.start == item.start and i.range.end == item.end, i
            assert i.insert_text.startswith('"name": ') and len(i.insert_text) > 8, i


async def test_actions_run_with_log_source_text_on(letters_model):
    options = {"logSourceText": True, "actions": {"maxTokens": 16}}
    async with running_server(str(letters_model), options) as client:
        await wait_ready(client)
        editor = Editor(client)
        editor.open(URI, TEXT)
        explained = await asyncio.wait_for(
            editor.run_command("offgrid.explain", {"uri": URI, "range": rng((5, 0), (7, 0))}), 120
        )
        assert explained is not None and explained["explanation"], explained
        assert [e.message for e in action_progress(client, types.WorkDoneProgressEnd)] == ["done"]
        offered = await editor.code_actions(URI, (1, 4), (1, 4))
        assert isinstance(await asyncio.wait_for(editor.resolve(offered[0]), 120), types.CodeAction)
