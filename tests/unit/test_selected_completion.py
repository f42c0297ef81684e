"""VS Code's suggest widget open (typing `if n` selects `name`): VS Code shows an inline suggestion only when it
extends the selected item, so the model is asked as if the item were typed, and each answer starts with the
item's text over the item's range."""

import asyncio

from lsprotocol import types
from offgrid.complete.request import CompletionRequest
from offgrid.lsp.documents import Document
from offgrid.lsp.inline_completion import Selected, Shown, _after_selected, _selected, inline_completion

from tests.unit.test_inline_while_loading import URI, LoadingHost, make_server


def pos(line: int, character: int) -> types.Position:
    return types.Position(line, character)


def request(line: int, character: int, selected: tuple[int, int, str] | None) -> types.InlineCompletionParams:
    info = None
    if selected is not None:
        start, end, text = selected
        info = types.SelectedCompletionInfo(range=types.Range(pos(line, start), pos(line, end)), text=text)
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic, selected_completion_info=info
        ),
        text_document=types.TextDocumentIdentifier(uri=URI),
        position=pos(line, character),
    )


async def ask(text: str, params: types.InlineCompletionParams, host: LoadingHost) -> types.InlineCompletionList:
    ls = make_server(host, text)
    host.finish()
    return await asyncio.wait_for(inline_completion(ls, params), 5)


def items(result: types.InlineCompletionList) -> list[tuple[str, types.Position, types.Position]]:
    return [(i.insert_text, i.range.start, i.range.end) for i in result.items]


async def test_the_model_is_asked_as_if_the_selected_item_were_typed():
    host = LoadingHost(" is None:")
    result = await ask("name = f()\nif n\n", request(1, 4, (3, 4, "name")), host)
    assert [(r.text, r.line, r.column) for r in host.asked] == [("name = f()\nif name\n", 1, 7)]
    # over the item's range, starting with its text: VS Code shows it below the open suggest widget
    assert items(result) == [("name is None:", pos(1, 3), pos(1, 4))]


async def test_a_replacing_item_covers_the_word_after_the_cursor_too():
    host = LoadingHost("(x)")
    result = await ask("y = obj.ge_value\n", request(0, 10, (8, 16, "get_value")), host)
    assert host.asked[0].text == "y = obj.get_value\n" and host.asked[0].column == 17
    assert items(result) == [("get_value(x)", pos(0, 8), pos(0, 16))]


async def test_without_a_selected_item_nothing_changes():
    host = LoadingHost(" = 1")
    result = await ask("if n\n", request(0, 4, None), host)
    assert host.asked[0].text == "if n\n"
    assert items(result) == [(" = 1", pos(0, 4), pos(0, 4))]


async def test_non_ascii_lines_count_utf16_units():
    host = LoadingHost("()")
    # "😀" is two UTF-16 units: `v` is at unit 11 but code point 10
    result = await ask('s = "😀" + v\n', request(0, 12, (11, 12, "val")), host)
    assert host.asked[0].text == 's = "😀" + val\n'
    assert items(result) == [("val()", pos(0, 11), pos(0, 12))]


def test_a_selected_item_away_from_the_cursor_is_ignored():
    doc = Document(URI, "python", 1, "if n\nx\n")
    info = types.SelectedCompletionInfo(range=types.Range(pos(1, 0), pos(1, 1)), text="xs")
    assert _selected(doc, 0, 4, info) is None  # another line
    info = types.SelectedCompletionInfo(range=types.Range(pos(0, 0), pos(0, 2)), text="if")
    assert _selected(doc, 0, 4, info) is None  # ends before the cursor
    info = types.SelectedCompletionInfo(range=types.Range(pos(0, 3), pos(0, 4)), text="name")
    assert _selected(doc, 0, 4, info) == Selected(0, 3, 4, "name")


def test_suggestions_that_do_not_start_at_the_assumed_cursor_are_dropped():
    picked = Selected(1, 3, 4, "name")
    req = CompletionRequest(text="x\nif name\n", line=1, column=7)
    shown = [Shown(1, 7, 7, " is None"), Shown(1, 5, 7, "xx"), Shown(1, 7, 7, ""), Shown(1, 7, 9, "()")]
    assert _after_selected(shown, picked, req, "x\nif n\n") == [
        Shown(1, 3, 4, "name is None"),
        Shown(1, 3, 6, "name()"),
    ]


def test_letters_glued_onto_the_item_make_a_name_the_document_must_have():
    """Seen in the workbench with the 0.5B: `return a` selected `add`, and the model, asked at `return add`,
    went on `ie`; VS Code showed `addie`."""
    text = "def add(a, b):\n    return a + b\n\n\ndef subtract(a, b):\n    return a\n"
    picked = Selected(5, 11, 12, "add")
    req = CompletionRequest(text=text.replace("return a\n", "return add\n"), line=5, column=14)
    assert _after_selected([Shown(5, 14, 14, "ie")], picked, req, text) == []
    assert _after_selected([Shown(5, 14, 14, "ition(a, b)")], picked, req, text) == []
    # not glued, or glued into a name the document has: kept
    assert _after_selected([Shown(5, 14, 14, "(a, -b)")], picked, req, text) == [Shown(5, 11, 12, "add(a, -b)")]
    with_adds = text + "adds = 0\n"
    assert _after_selected([Shown(5, 14, 14, "s + 1")], picked, req, with_adds) == [Shown(5, 11, 12, "adds + 1")]
    # a name only inside a longer one is not the name
    assert _after_selected([Shown(5, 14, 14, "s")], picked, req, text + "x = paddsy\n") == []


async def test_an_answer_that_glues_onto_the_item_is_not_shown():
    host = LoadingHost("ie")
    result = await ask("def add(a, b):\n    return a\n", request(1, 12, (11, 12, "add")), host)
    assert host.asked and items(result) == []


async def test_a_remembered_suggestion_for_the_assumed_text_is_used():
    """Memory is keyed by the text as if the item were typed: after accepting the item, typing through works."""
    host = LoadingHost(" is None:")
    ls = make_server(host, "if n\n")
    host.finish()
    await inline_completion(ls, request(0, 4, (3, 4, "name")))
    doc = ls.documents.get(URI)
    doc.apply((0, 3), (0, 4), "name")  # the user accepts the suggest widget's item
    doc.version = 2
    result = await inline_completion(ls, request(0, 7, None))
    assert items(result) == [(" is None:", pos(0, 7), pos(0, 7))]
    assert len(host.asked) == 1  # answered from memory
