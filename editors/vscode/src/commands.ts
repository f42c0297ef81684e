/** Commands: toggle, status, restart, the code action picker, and "Rewrite selection…" (also the client side of
 * the server's "Rewrite selection…" code action, whose command `offgrid.askRewrite` asks for the instruction). */
import * as vscode from "vscode";
import {
  CodeAction,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  Command,
  ExecuteCommandRequest,
  LanguageClient,
  Range as LspRange,
} from "vscode-languageclient/node";

export interface RewriteTarget {
  uri: string;
  range: LspRange;
}

/** Ask for the instruction, then let the server rewrite the range (it applies the edit with workspace/applyEdit). */
export async function askRewrite(client: LanguageClient | undefined, target: RewriteTarget | undefined): Promise<void> {
  if (!client || !target?.uri || !target.range) {
    void vscode.window.showErrorMessage("offgrid: select some code to rewrite first.");
    return;
  }
  const instruction = await vscode.window.showInputBox({
    title: "offgrid: Rewrite selection",
    prompt: "What should change?",
    placeHolder: "e.g. use a list comprehension",
    ignoreFocusOut: true,
  });
  if (!instruction?.trim()) {
    return;
  }
  // The server shows its own cancellable progress while it rewrites, and applies the edit itself.
  try {
    await client.sendRequest(ExecuteCommandRequest.type, {
      command: "offgrid.rewrite",
      arguments: [{ uri: target.uri, range: target.range, instruction }],
    });
  } catch (e) {
    void vscode.window.showErrorMessage(`offgrid: rewrite failed: ${e instanceof Error ? e.message : e}`);
  }
}

/** The selection of the active editor, in the protocol's terms. */
export function selectionTarget(client: LanguageClient | undefined): RewriteTarget | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || editor.selection.isEmpty) {
    return undefined;
  }
  return { uri: editor.document.uri.toString(), range: client.code2ProtocolConverter.asRange(editor.selection) };
}

/** Is this entry of a codeAction answer a CodeAction (not a bare Command)? */
function isCodeAction(a: Command | CodeAction): a is CodeAction {
  return typeof (a as Command).command !== "string";
}

/** List offgrid's code actions for the selection in a quick pick and run the chosen one. Only the chosen action is
 * resolved: resolving runs the model (VS Code's vscode.executeCodeActionProvider would resolve every one). */
export async function pickCodeAction(client: LanguageClient | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) {
    return;
  }
  const c2p = client.code2ProtocolConverter;
  const here = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.range.intersection(editor.selection));
  const answer = await client.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: editor.document.uri.toString() },
    range: c2p.asRange(editor.selection),
    context: { diagnostics: await c2p.asDiagnostics(here), triggerKind: CodeActionTriggerKind.Invoked },
  });
  const ours = (answer ?? []).filter(isCodeAction).filter((a) => a.title.startsWith("offgrid: "));
  if (ours.length === 0) {
    void vscode.window.showInformationMessage("offgrid: no code actions here.");
    return;
  }
  const picked = await vscode.window.showQuickPick(
    ours.map((action) => ({ label: action.title, action })),
    { title: "offgrid: code actions" },
  );
  if (!picked) {
    return;
  }
  let action = picked.action;
  if (!action.edit && !action.command) {
    action = await client.sendRequest(CodeActionResolveRequest.type, action);
  }
  if (action.edit) {
    await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(action.edit));
  }
  if (action.command) {
    // offgrid.askRewrite is ours; the server's commands are registered by the client from its capabilities
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}
