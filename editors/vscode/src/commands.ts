/** Commands: toggle, status, restart, the code action picker, and "Rewrite selection…" (also the client side of
 * the server's "Rewrite selection…" code action, whose command `offgrid.askRewrite` asks for the instruction). */
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient, Range as LspRange } from "vscode-languageclient/node";

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

/** Show offgrid's code actions for the selection in a quick pick and run the chosen one. */
export async function pickCodeAction(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      "vscode.executeCodeActionProvider",
      editor.document.uri,
      editor.selection,
      undefined,
      50,
    )) ?? [];
  const ours = actions.filter((a) => a.title.startsWith("offgrid: ") || a.command?.command === "offgrid.askRewrite");
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
  if (picked.action.edit) {
    await vscode.workspace.applyEdit(picked.action.edit);
  }
  if (picked.action.command) {
    await vscode.commands.executeCommand(picked.action.command.command, ...(picked.action.command.arguments ?? []));
  }
}
