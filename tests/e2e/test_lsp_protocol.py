"""`offgrid serve` over stdio, driven by a real LSP client, with a tiny random-weight model."""

import asyncio

import pytest
from lsprotocol import types

from tests.support.lsp import change_doc, complete, inline_params, open_doc, running_server, status, wait_ready

URI = "file:///work/example.py"
MODEL_ONLY = {"completion": {"reuseSuggestions": False, "prefetch": False}}  # for exact token accounting


def assert_suggestions_at(
    result: types.InlineCompletionList | None, line: int, character: int, may_be_empty: bool = False
) -> None:
    """The handler always answers a list (never None). The letters model always writes a word, so there is at
    least one item unless `may_be_empty`; each has text and starts at the (clamped) cursor."""
    assert isinstance(result, types.InlineCompletionList), result
    assert may_be_empty or result.items, result
    for item in result.items:
        assert isinstance(item.insert_text, str) and item.insert_text, item
        assert item.range is not None and item.range.start == types.Position(line, character), item


async def test_initialize_advertises_inline_completion(tiny_model):
    async with running_server(str(tiny_model)) as client:
        caps = client.init_result.capabilities
        assert caps.inline_completion_provider is not None
        assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
        st = await wait_ready(client)
        assert st["state"] == "ready" and st["model"]["fim"] == "qwen2.5-coder"


async def test_completion_item_starts_at_the_cursor(letters_model):
    async with running_server(str(letters_model)) as client:
        await wait_ready(client)
        open_doc(client, URI, "def f(x):\n    return x\n")
        assert_suggestions_at(await complete(client, URI, 1, 11, invoked=True), 1, 11)


async def test_typing_along_a_line_evaluates_a_few_tokens_per_keystroke(tiny_model):
    text = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n" for i in range(30))
    async with running_server(str(tiny_model), MODEL_ONLY) as client:
        await wait_ready(client)
        open_doc(client, URI, text + "result = ")
        line = text.count("\n")
        await complete(client, URI, line, 9)
        first = (await status(client))["last"]
        assert first["evaluated"] == first["promptTokens"]
        for i, ch in enumerate("helper_1(", start=1):
            change_doc(client, URI, 1 + i, (line, 8 + i), (line, 8 + i), ch)
            await complete(client, URI, line, 9 + i)
            last = (await status(client))["last"]
            assert last["evaluated"] <= 4, last  # only the typed tail, not the 800-token prompt
            assert last["reused"] >= first["promptTokens"] - 4


async def test_incremental_changes_with_emoji_and_cjk_keep_positions_in_utf16(letters_model):
    async with running_server(str(letters_model)) as client:
        await wait_ready(client)
        open_doc(client, URI, 's = "😀漢字"\n')
        # insert after the closing quote: UTF-16 column 9 (the emoji takes two units)
        change_doc(client, URI, 2, (0, 9), (0, 9), " + t")
        result = await complete(client, URI, 0, 13, invoked=True)
        st = await status(client)
        assert st["documents"] == 1
        assert_suggestions_at(result, 0, 13)


async def test_bad_positions_and_unknown_documents_get_empty_answers(letters_model):
    async with running_server(str(letters_model)) as client:
        await wait_ready(client)
        assert (await complete(client, "file:///not/open.py", 0, 0)).items == ()
        open_doc(client, URI, "")
        assert_suggestions_at(await complete(client, URI, 0, 0), 0, 0)  # empty document
        open_doc(client, URI, "x = 1\n")
        # past the end: clamped to the last (empty) line, no crash
        assert_suggestions_at(await complete(client, URI, 500, 500), 1, 0)
        assert (await status(client))["state"] == "ready"


async def test_huge_and_binary_documents_do_not_break_the_server(letters_model):
    async with running_server(str(letters_model)) as client:
        await wait_ready(client)
        huge = "x = 1\n" * (5 * 1024 * 1024 // 6)
        open_doc(client, URI, huge)
        # over the 4 MiB cap (maxDocumentBytes): an empty answer, the model never asked, and one warning
        assert (await complete(client, URI, 400_000, 3)).items == ()
        change_doc(client, URI, 2, (0, 0), (0, 0), "y")  # still over: no second warning
        assert (await complete(client, URI, 0, 1)).items == ()
        assert (await status(client))["answers"] == {}
        capped = [m for m in client.messages if "maxDocumentBytes" in m.message]
        assert [(m.type, m.message) for m in capped] == [
            (
                types.MessageType.Warning,
                "offgrid: example.py is 5.0 MB, over the 4.0 MB limit (setting maxDocumentBytes): "
                "no suggestions or actions in it",
            )
        ]
        open_doc(client, "file:///work/blob.bin", "\x00\x01\x02\ufffd" * 1000, language="plaintext")
        assert_suggestions_at(await complete(client, "file:///work/blob.bin", 0, 10), 0, 10)
        one_line = "y" * 3_000_000  # under the cap: the model is asked (a word inside a word may be dropped)
        open_doc(client, "file:///work/minified.js", one_line, language="javascript")
        minified = await complete(client, "file:///work/minified.js", 0, 1_500_000)
        assert_suggestions_at(minified, 0, 1_500_000, may_be_empty=True)
        assert (await status(client))["state"] == "ready"
        assert len([m for m in client.messages if "maxDocumentBytes" in m.message]) == 1


@pytest.mark.parametrize("kind", ["missing", "not-gguf", "unknown-arch"])
async def test_broken_model_is_reported_once_and_server_keeps_answering(kind, tmp_path, tiny_model):
    from tests.support.tiny_gguf import write_tiny_gguf

    path = tmp_path / "model.gguf"
    if kind == "not-gguf":
        path.write_text("hello")
    elif kind == "unknown-arch":
        write_tiny_gguf(path, arch="notanarch")
    async with running_server(str(path)) as client:
        st = await wait_ready(client)
        assert st["state"] == "failed"
        open_doc(client, URI, "x = ")
        assert (await complete(client, URI, 0, 4)).items == ()
        await asyncio.sleep(0.2)
        errors = [m for m in client.messages if m.type == types.MessageType.Error]
        assert len(errors) == 1
        expected = {"missing": "does not exist", "not-gguf": "not a GGUF", "unknown-arch": "notanarch"}[kind]
        assert expected in errors[0].message


LONG_PROMPT = {"completion": {"prefixLines": 1000, "prefixTokens": 7000}}


async def test_cancel_request_stops_prompt_evaluation(slow_model):
    text = "".join(f"value_{i} = compute({i}, 'some words here')\n" for i in range(600))
    async with running_server(str(slow_model), LONG_PROMPT) as client:
        await wait_ready(client)
        open_doc(client, URI, text)
        task = asyncio.ensure_future(client.text_document_inline_completion_async(inline_params(URI, 550, 0)))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.2)
        totals = (await status(client))["totals"]
        # the prompt (about 7,000 tokens, well over a second) was not evaluated to the end
        assert totals["evaluated"] < 5000, totals


async def test_a_newer_request_supersedes_older_ones(slow_model):
    text = "".join(f"value_{i} = compute({i}, 'some words here')\n" for i in range(600))
    async with running_server(str(slow_model), LONG_PROMPT) as client:
        await wait_ready(client)
        open_doc(client, URI, text)
        first = asyncio.ensure_future(complete(client, URI, 550, 0))
        await asyncio.sleep(0.2)
        second = asyncio.ensure_future(complete(client, URI, 551, 0))
        third = asyncio.ensure_future(complete(client, URI, 552, 0))
        results = await asyncio.gather(first, second, third)
        assert results[0].items == () and results[1].items == ()  # stopped, dropped
        await asyncio.sleep(0.1)  # the last metrics notification
        # the first two never ran to their end: each was stopped while running or dropped before it started
        # (which of the two the second meets depends on how fast the first one's abort lands)
        finished = [m for m in client.metrics if m.get("stopReason") not in ("cancelled", None)]
        assert len(finished) == 1, client.metrics


async def test_typing_through_a_suggestion_is_answered_without_the_model(letters_model):
    async with running_server(str(letters_model), {"completion": {"prefetch": False}}) as client:
        await wait_ready(client)
        open_doc(client, URI, "x = ")
        first = await complete(client, URI, 0, 4)
        shown = first.items[0].insert_text
        assert len(shown) >= 2 and shown.isalpha(), shown
        evaluated_before = (await status(client))["totals"]["evaluated"]
        change_doc(client, URI, 2, (0, 4), (0, 4), shown[0])
        second = await complete(client, URI, 0, 5)
        assert second.items and second.items[0].insert_text == shown[1:]
        st = await status(client)
        assert st["totals"]["evaluated"] == evaluated_before  # the model did nothing
        assert client.metrics[-1]["source"] == "typed-through"


async def test_prefetch_answers_after_accepting(letters_model):
    text = "import os\nimport "
    async with running_server(str(letters_model)) as client:
        await wait_ready(client)
        open_doc(client, URI, text, language="plaintext")  # random-weight text: no syntax filter may drop it
        first = await complete(client, URI, 1, 7)
        shown = first.items[0].insert_text
        deadline = asyncio.get_running_loop().time() + 30  # idle: the prefetch runs (slowly on a busy machine)
        while (await status(client))["answers"].get("prefetched") != 1:
            assert asyncio.get_running_loop().time() < deadline, "no prefetch while idle"
            await asyncio.sleep(0.1)
        change_doc(client, URI, 2, (1, 7), (1, 7), shown)  # accept
        lines = (text + shown).split("\n")
        evaluated = (await status(client))["totals"]["evaluated"]
        result = await complete(client, URI, len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
        assert client.metrics[-1]["source"] == "prefetch" and result.items
        assert (await status(client))["totals"]["evaluated"] == evaluated  # the model did nothing


async def test_shifted_cache_is_repaired_once_the_user_pauses(tiny_model):
    body = "".join(f"def helper_{i}(value):\n    return value * {i}\n\n" for i in range(30))
    options = {"engine": {"cacheReuse": "chunks", "repairIdleMs": 100}, "completion": MODEL_ONLY["completion"]}
    async with running_server(str(tiny_model), options) as client:
        await wait_ready(client)
        open_doc(client, URI, body + "result = ")
        line = body.count("\n")
        await complete(client, URI, line, 9)
        change_doc(client, URI, 2, (0, 0), (0, 0), "import sys\n")  # a line added at the top
        await complete(client, URI, line + 1, 9)
        last = (await status(client))["last"]
        assert last["shifted"] > 100 and last["evaluated"] <= 1.2 * last["changed"] + 16  # issue 3's accounting
        deadline = asyncio.get_running_loop().time() + 10
        while (repaired := (await status(client))["totals"]["repaired"]) == 0:
            assert asyncio.get_running_loop().time() < deadline, "no repair after the pause"
            await asyncio.sleep(0.05)
        assert repaired >= last["shifted"]
        await complete(client, URI, line + 1, 9)  # the repaired cache still serves the same prompt
        assert (await status(client))["last"]["evaluated"] <= 2


async def test_an_explicit_request_goes_to_the_model_even_where_a_suggestion_is_remembered(tiny_model):
    """Alt+] / <M-]> ask for alternatives: memory has only the one suggestion it showed."""
    async with running_server(str(tiny_model), {"completion": {"prefetch": False}}) as client:
        await wait_ready(client)
        open_doc(client, URI, "x = ", language="plaintext")
        await complete(client, URI, 0, 4)
        await complete(client, URI, 0, 4)
        assert client.metrics[-1]["source"] == "typed-through"  # the same place again: from memory
        await complete(client, URI, 0, 4, invoked=True)
        assert client.metrics[-1]["source"] == "model"


async def test_the_server_keeps_nothing_per_notification(tiny_model):
    """pygls kept a future for every notification and generator step (a leak per keystroke); after hundreds
    of edits, completions, code actions and a close, only requests still being worked on are held."""
    async with running_server(str(tiny_model)) as client:
        await wait_ready(client)
        open_doc(client, URI, "x = ")
        for version in range(2, 302):
            change_doc(client, URI, version, (0, version + 2), (0, version + 2), "a")
            if version % 50 == 0:
                await complete(client, URI, 0, version + 3)
                await client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=types.TextDocumentIdentifier(uri=URI),
                        range=types.Range(types.Position(0, 0), types.Position(0, 1)),
                        context=types.CodeActionContext(diagnostics=[]),
                    )
                )
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=URI)))
        st = await status(client)
        assert st["documents"] == 0
        assert st["pendingRequests"] == 0, st["pendingRequests"]
