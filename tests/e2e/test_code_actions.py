"""Code actions over the protocol, with random-weight models: what is offered, bad input, cancellation, documents
that change while an action runs, and completions that do not wait for a running action."""

import ast
import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.support.editor import Editor, rng
from tests.support.lsp import complete, running_server, status, wait_ready

URI = "file:///work/shapes.py"
TEXT = "def area(r):\n    pass\n\n\ndef double(x):\n    y = x * 2\n    return y\n"


def titles(actions):
    return [a.title for a in actions]


async def started(client, timeout=60):
    """Wait until the server has begun an action's progress; return its token."""
    for _ in range(int(timeout / 0.02)):
        for token, reports in client.progress_reports.items():
            if str(token).startswith("offgrid-action-") and reports:
                return token
        await asyncio.sleep(0.02)
    raise TimeoutError("no action progress began")


def end_message(client, token):
    ends = [r for r in client.progress_reports[token] if isinstance(r, types.WorkDoneProgressEnd)]
    return ends[0].message if ends else None


async def test_offers_by_selection_cursor_and_diagnostics(tiny_model):
    async with running_server(str(tiny_model)) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        on_selection = await editor.code_actions(URI, (5, 0), (7, 0))
        assert titles(on_selection) == ["offgrid: Rewrite selection…", "offgrid: Add docstring", "offgrid: Explain"]
        rewrite = on_selection[0]
        assert rewrite.kind == types.CodeActionKind.RefactorRewrite
        assert rewrite.command.command == "offgrid.askRewrite"
        assert list(rewrite.command.arguments) == [{"uri": URI, "range": rng((5, 0), (7, 0))}]
        at_empty_body = await editor.code_actions(URI, (1, 4), (1, 4))
        assert titles(at_empty_body) == [
            "offgrid: Add docstring",
            "offgrid: Complete this function body",
            "offgrid: Explain",
        ]
        assert all(a.edit is None and a.data for a in at_empty_body[:2])  # computed on resolve
        diag = types.Diagnostic(range=types.Range(types.Position(5, 4), types.Position(5, 5)), message="unused y")
        with_diag = await editor.code_actions(URI, (5, 4), (5, 4), [diag])
        fix = [a for a in with_diag if a.kind == types.CodeActionKind.QuickFix]
        assert titles(fix) == ["offgrid: Fix “unused y”"] and list(fix[0].diagnostics) == [diag]
        assert all(t.startswith("offgrid: ") for t in titles(on_selection + at_empty_body + with_diag))
        only_fixes = await editor.code_actions(URI, (5, 4), (5, 4), [diag], only=["quickfix"])
        assert titles(only_fixes) == titles(fix)
        refactors = await editor.code_actions(URI, (5, 0), (7, 0), only=["refactor"])
        assert titles(refactors) == ["offgrid: Rewrite selection…", "offgrid: Add docstring"]
        assert await editor.code_actions(URI, (5, 0), (7, 0), only=["source.organizeImports"]) == []
        caps = client.init_result.capabilities
        assert set(caps.execute_command_provider.commands) >= {"offgrid.rewrite", "offgrid.explain"}
        assert "offgrid.askRewrite" not in caps.execute_command_provider.commands


async def test_empty_and_oversized_selections_are_refused_with_a_message(tiny_model):
    big = "".join(f"x{i} = {i}\n" for i in range(5000))
    async with running_server(str(tiny_model), {"actions": {"maxSelectionLines": 400}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        editor.open("file:///work/big.py", big)
        empty = await editor.run_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((5, 4), (5, 4)), "instruction": "x"}
        )
        huge = await editor.run_command(
            "offgrid.rewrite", {"uri": "file:///work/big.py", "range": rng((0, 0), (5000, 0)), "instruction": "sort"}
        )
        bad = await editor.run_command("offgrid.rewrite", {"uri": URI, "range": "everything"})
        assert not empty["applied"] and not huge["applied"] and not bad["applied"]
        said = [m.message for m in client.messages]
        assert "offgrid: select the code to rewrite first" in said
        assert any("5000 lines" in m and "maxSelectionLines" in m for m in said), said
        assert any("expected an LSP range" in m for m in said), said
        assert editor.texts[URI] == TEXT and not editor.applied


async def test_an_answer_that_is_not_code_is_never_applied(tiny_model):
    async with running_server(str(tiny_model), {"actions": {"maxTokens": 24}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        result = await editor.run_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((5, 0), (7, 0)), "instruction": "inline y"}
        )
        assert not result["applied"] and editor.texts[URI] == TEXT and not editor.applied
        assert client.messages and client.messages[-1].type == types.MessageType.Warning


async def test_cancelling_the_progress_stops_the_rewrite_and_leaves_the_document(slow_model):
    async with running_server(str(slow_model), {"actions": {"maxTokens": 4000}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        task = editor.start_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((5, 0), (7, 0)), "instruction": "inline y"}
        )
        token = await started(client)
        await asyncio.sleep(0.3)
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await asyncio.wait_for(task, 30)
        assert not result["applied"] and end_message(client, token) == "cancelled"
        assert editor.texts[URI] == TEXT and not editor.applied


async def test_cancelling_the_command_request_stops_the_rewrite(slow_model):
    async with running_server(str(slow_model), {"actions": {"maxTokens": 4000}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        params = types.ExecuteCommandParams(
            command="offgrid.rewrite",
            arguments=[{"uri": URI, "range": rng((5, 0), (7, 0)), "instruction": "inline y"}],
        )
        fut = client.protocol.send_request("workspace/executeCommand", params)
        token = await started(client)
        msg_id = next(k for k, v in client.protocol._request_futures.items() if v is fut)
        client.protocol.notify("$/cancelRequest", types.CancelParams(id=msg_id))
        for _ in range(1500):  # pygls answers the request at once; the command's own end comes when it stopped
            if end_message(client, token) is not None:
                break
            await asyncio.sleep(0.02)
        assert end_message(client, token) == "cancelled"
        assert editor.texts[URI] == TEXT and not editor.applied


async def test_an_edit_for_a_document_that_changed_meanwhile_is_dropped(slow_model):
    async with running_server(str(slow_model), {"actions": {"maxTokens": 60}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        task = editor.start_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((5, 0), (7, 0)), "instruction": "inline y"}
        )
        await started(client)
        editor.edit(URI, (0, 0), (0, 0), "# typed while the action ran\n")
        result = await asyncio.wait_for(task, 120)
        assert not result["applied"] and not editor.applied
        assert editor.texts[URI] == "# typed while the action ran\n" + TEXT
        said = [m.message for m in client.messages]
        assert "offgrid: the document changed while the action ran, so its edit was dropped" in said, said


async def test_a_completion_does_not_wait_for_a_running_action(slow_model):
    async with running_server(str(slow_model), {"actions": {"maxTokens": 4000}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        task = editor.start_command(
            "offgrid.rewrite", {"uri": URI, "range": rng((5, 0), (7, 0)), "instruction": "inline y"}
        )
        token = await started(client)
        await asyncio.sleep(0.5)
        await complete(client, URI, 6, 11)  # answered while the action is still generating
        assert end_message(client, token) is None and not task.done()
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        assert not (await asyncio.wait_for(task, 30))["applied"]


async def test_explanations_are_shown_as_a_message_or_a_markdown_document(tiny_model):
    for chars in (100_000, 1):
        options = {"actions": {"maxTokens": 12, "messageChars": chars}}
        async with running_server(str(tiny_model), options) as client:
            editor = Editor(client)
            await wait_ready(client)
            editor.open(URI, TEXT)
            answer = await editor.run_command("offgrid.explain", {"uri": URI, "range": rng((4, 0), (7, 0))})
            if answer is None:  # random weights may end at once: then the user was told
                assert client.messages and "nothing to say" in client.messages[-1].message
                continue
            if chars > 1:
                assert client.messages[-1].message == answer["explanation"] and not client.shown_documents
            else:
                [shown] = client.shown_documents
                assert shown.uri.endswith(".md")
                path = Path(shown.uri.removeprefix("file://"))
                assert path.read_text(encoding="utf-8") == answer["explanation"] + "\n"
            assert editor.texts[URI] == TEXT and not editor.applied


async def test_clients_without_resolve_get_a_server_command_that_applies_the_edit(tiny_model):
    caps = client_capabilities("visual-studio-code")
    caps.text_document.code_action.resolve_support = None
    async with running_server(str(tiny_model), {"actions": {"maxTokens": 12}}, capabilities=caps) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        actions = await editor.code_actions(URI, (1, 4), (1, 4))
        body = next(a for a in actions if a.title == "offgrid: Complete this function body")
        assert body.data is None and body.command.command == "offgrid.runAction"
        [args] = body.command.arguments
        assert args["kind"] == "completeBody"
        result = await editor.run_command("offgrid.runAction", args)
        token = next(k for k in client.progress_reports if str(k).startswith("offgrid-action-"))
        assert isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd)
        if result["applied"]:  # whatever random weights wrote, an applied edit leaves Python that parses
            ast.parse(editor.texts[URI])
        else:
            assert editor.texts[URI] == TEXT and client.messages


async def test_cancelling_a_resolve_stops_the_model(slow_model):
    async with running_server(str(slow_model), {"actions": {"maxTokens": 4000}}) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        diag = types.Diagnostic(range=types.Range(types.Position(5, 4), types.Position(5, 5)), message="unused y")
        [fix] = [a for a in await editor.code_actions(URI, (5, 4), (5, 4), [diag]) if a.kind == "quickfix"]
        fut = client.protocol.send_request(types.CODE_ACTION_RESOLVE, fix)
        await asyncio.sleep(1.0)
        assert (await status(client))["actionsRunning"] == 1  # a generation of up to 4000 tokens
        msg_id = next(k for k, v in client.protocol._request_futures.items() if v is fut)
        client.protocol.notify("$/cancelRequest", types.CancelParams(id=msg_id))
        for _ in range(500):
            if (await status(client))["actionsRunning"] == 0:
                break
            await asyncio.sleep(0.02)
        assert (await status(client))["actionsRunning"] == 0  # the model stopped it
        assert editor.texts[URI] == TEXT and not editor.applied


async def test_other_languages_are_offered_a_doc_comment_and_a_body(tiny_model):
    js = "export function add(a, b) {\n}\n\nfunction twice(x) {\n  return 2 * x;\n}\n"
    async with running_server(str(tiny_model)) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open("file:///work/math.js", js, "javascript")
        empty = await editor.code_actions("file:///work/math.js", (0, 20), (0, 20))
        assert titles(empty) == [
            "offgrid: Add doc comment",
            "offgrid: Complete this function body",
            "offgrid: Explain",
        ]
        full = await editor.code_actions("file:///work/math.js", (4, 4), (4, 4))
        assert titles(full) == ["offgrid: Add doc comment", "offgrid: Explain"]


async def test_resolving_a_command_only_action_returns_it_unchanged_and_silently(tiny_model):
    """Neovim 0.11 resolves every action without an edit, Rewrite selection… included: no warning for that."""
    async with running_server(str(tiny_model)) as client:
        editor = Editor(client)
        await wait_ready(client)
        editor.open(URI, TEXT)
        rewrite = (await editor.code_actions(URI, (5, 0), (7, 0)))[0]
        resolved = await editor.resolve(rewrite)
        assert resolved.command.command == "offgrid.askRewrite" and resolved.edit is None
        await asyncio.sleep(0.2)
        assert not client.messages
