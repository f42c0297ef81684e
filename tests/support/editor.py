"""The editor side of code actions: a client-side copy of each open document that applies workspace/applyEdit
like an editor does (and sends the change back), plus helpers to ask for and resolve code actions."""

import asyncio
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.support.lsp import open_doc


def _offset(text: str, pos: types.Position) -> int:
    lines = text.split("\n")
    return sum(len(line) + 1 for line in lines[: pos.line]) + pos.character  # ASCII test files


class Editor:
    """Open documents as the editor holds them; applies edits the server asks for, as VS Code would."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.applied: list[types.WorkspaceEdit] = []
        conv = client.protocol._converter

        def command_or_action(obj: Any, _type: Any) -> types.Command | types.CodeAction:
            # the default hook takes a CodeAction whose `command` is an object for a Command
            kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
            return conv.structure(obj, kind)

        conv.register_structure_hook(types.Command | types.CodeAction, command_or_action)

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(_ls: LanguageClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            ok = self.apply(params.edit)
            return types.ApplyWorkspaceEditResult(applied=ok, failure_reason=None if ok else "stale version")

    def open(self, uri: str, text: str, language: str = "python") -> None:
        self.texts[uri], self.versions[uri] = text, 1
        open_doc(self.client, uri, text, language)

    def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str) -> None:
        """Type: replace a range and tell the server."""
        rng = types.Range(types.Position(*start), types.Position(*end))
        self._change(uri, [types.TextEdit(range=rng, new_text=new_text)])

    def apply(self, edit: types.WorkspaceEdit) -> bool:
        """Apply a WorkspaceEdit; a versioned one is refused when the document has moved on."""
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            uri, version = change.text_document.uri, change.text_document.version
            if version is not None and version != self.versions[uri]:
                return False
            self._change(uri, [e for e in change.edits if isinstance(e, types.TextEdit)])
        for uri, edits in (edit.changes or {}).items():
            self._change(uri, list(edits))
        self.applied.append(edit)
        return True

    def _change(self, uri: str, edits: list[types.TextEdit]) -> None:
        text = self.texts[uri]
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            a, b = _offset(text, e.range.start), _offset(text, e.range.end)
            text = text[:a] + e.new_text + text[b:]
        self.texts[uri] = text
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [
                    types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
                ],
            )
        )

    async def code_actions(
        self,
        uri: str,
        start: tuple[int, int],
        end: tuple[int, int],
        diagnostics: list[types.Diagnostic] | None = None,
        only: list[str] | None = None,
    ) -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(*start), types.Position(*end)),
            context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
        )
        result = await self.client.text_document_code_action_async(params)
        assert all(isinstance(a, types.CodeAction) for a in result or []), result
        return list(result or [])

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        return await self.client.code_action_resolve_async(action)

    async def run_command(self, command: str, *arguments: Any) -> Any:
        params = types.ExecuteCommandParams(command=command, arguments=list(arguments))
        return await self.client.workspace_execute_command_async(params)

    def start_command(self, command: str, *arguments: Any) -> asyncio.Task:
        return asyncio.ensure_future(self.run_command(command, *arguments))


def rng(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    """An LSP Range as JSON."""
    return {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}
