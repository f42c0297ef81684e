/** offgrid for VS Code: activate starts the server through vscode-languageclient, deactivate stops it. */
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";
import { askRewrite, pickCodeAction, RewriteTarget, selectionTarget } from "./commands";
import { askAgain, CURSOR_NOTIFICATION, CursorRest, Warmed, WARMED_NOTIFICATION } from "./cursorRest";
import { findServerCommand, systemLookup } from "./python";
import { createClient } from "./server";
import { enabledFor, OffgridConfig, readConfig, RESTART_KEYS } from "./settings";
import { Metrics, ServerStatus, statusLines } from "./statusText";
import { StatusItem } from "./status";
import { StatusRefresh } from "./statusRefresh";

let client: LanguageClient | undefined;
let statusItem: StatusItem | undefined;
let refresh: StatusRefresh | undefined;
let enabled = true;
let cursorRest: CursorRest | undefined;

function config(): OffgridConfig {
  const section = vscode.workspace.getConfiguration("offgrid");
  return readConfig((key) => section.get(key));
}

async function fetchStatus(): Promise<ServerStatus | undefined> {
  if (!client?.isRunning()) {
    return undefined;
  }
  return client.sendRequest<ServerStatus>("offgrid/status", {});
}

/** Poll offgrid/status until the model has loaded (or failed), for the status bar. */
async function watchLoading(): Promise<void> {
  for (let i = 0; i < 600 && client?.isRunning(); i++) {
    const status = await fetchStatus().catch(() => undefined);
    statusItem?.update({ status });
    if (status && status.state !== "loading" && status.state !== "starting") {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function start(output: vscode.LogOutputChannel): Promise<void> {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const launch = findServerCommand(config(), systemLookup(folders));
  output.info(`starting ${launch.command} ${launch.args.join(" ")}`);
  client = createClient(launch, config, (doc) => enabled && enabledFor(config().enable, doc.languageId), output);
  // the tooltip's totals and answer counts are in offgrid/status only: fetch it again after answers
  const refreshing = new StatusRefresh(fetchStatus, (status) => statusItem?.update({ status }));
  refresh = refreshing;
  client.onNotification("offgrid/metrics", (m: Metrics) => {
    statusItem?.update({ last: m });
    refreshing.answered();
  });
  client.onNotification(WARMED_NOTIFICATION, (w: Warmed) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !client || !editor.selection.isEmpty) {
      return;
    }
    const here = {
      uri: client.code2ProtocolConverter.asUri(editor.document.uri),
      version: editor.document.version,
      line: editor.selection.active.line,
      character: editor.selection.active.character,
    };
    if (askAgain(w, here)) {
      void vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    }
  });
  statusItem?.update({ status: { state: "starting" } });
  try {
    await client.start();
  } catch (e) {
    statusItem?.update({ status: { state: "failed", error: String(e) } });
    void vscode.window.showErrorMessage(
      `offgrid: could not start \`${launch.command}\`: ${e}. Set offgrid.command or offgrid.python.`,
    );
    return;
  }
  void watchLoading();
  const running = client;
  cursorRest = new CursorRest((place) => {
    if (running.isRunning()) {
      void running.sendNotification(CURSOR_NOTIFICATION, {
        textDocument: { uri: place.uri },
        position: { line: place.line, character: place.character },
      });
    }
  });
  const active = vscode.window.activeTextEditor;
  if (active) {
    cursorMoved(active);
  }
}

/** Tell the server where the cursor rests in a document it suggests for (lsp/warm.py evaluates the prompt
 * there in idle time); a selection is not a place to type. */
function cursorMoved(editor: vscode.TextEditor): void {
  const doc = editor.document;
  if (!client || !cursorRest || !editor.selection.isEmpty || !enabled || !enabledFor(config().enable, doc.languageId)) {
    return;
  }
  const uri = client.code2ProtocolConverter.asUri(doc.uri);
  cursorRest.moved({ uri, line: editor.selection.active.line, character: editor.selection.active.character });
}

async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  refresh?.dispose();
  refresh = undefined;
  cursorRest?.dispose();
  cursorRest = undefined;
  if (old) {
    await old.stop().catch(() => undefined);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("offgrid", { log: true });
  statusItem = new StatusItem();
  context.subscriptions.push(output, statusItem);
  const command = (name: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(name, run));

  command("offgrid.toggle", () => {
    enabled = !enabled;
    statusItem?.update({ enabled });
  });
  command("offgrid.showStatus", async () => {
    const lines = statusLines(await fetchStatus().catch(() => undefined), statusItem?.last);
    output.appendLine(lines.join("\n"));
    output.show(true);
  });
  command("offgrid.restart", async () => {
    await stop();
    await start(output);
  });
  command("offgrid.codeActions", () => pickCodeAction(client));
  command("offgrid.rewriteSelection", () => askRewrite(client, selectionTarget(client)));
  command("offgrid.askRewrite", (target: RewriteTarget) => askRewrite(client, target));

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && cursorMoved(editor)),
    vscode.window.onDidChangeTextEditorSelection((e) => cursorMoved(e.textEditor)),
    vscode.workspace.onDidChangeTextDocument(() => cursorRest?.edited()),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (RESTART_KEYS.some((key) => e.affectsConfiguration(`offgrid.${key}`))) {
        await stop();
        await start(output);
      }
    }),
  );
  await start(output);
}

export async function deactivate(): Promise<void> {
  await stop();
}
