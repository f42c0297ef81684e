/**
 * End to end: the real `offgrid serve` with the real model, started with the command the extension would find
 * (findServerCommand: the repository's .venv, or OFFGRID_BIN), given the extension's initializationOptions and
 * workspace/configuration answer, over vscode-jsonrpc (the protocol layer vscode-languageclient runs on).
 * The model: OFFGRID_TEST_MODEL, else the default preset (fetched and cached by `bash tests/run`).
 */
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  createMessageConnection,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { findServerCommand, systemLookup } from "../python";
import { configurationAnswer, OffgridConfig, readConfig, initializationOptions } from "../settings";
import { ServerStatus } from "../statusText";

const ROOT = path.resolve(__dirname, "../../../..");
const given: Record<string, unknown> = {
  command: process.env.OFFGRID_BIN ? [process.env.OFFGRID_BIN, "serve"] : undefined,
  model: process.env.OFFGRID_TEST_MODEL,
  maxTokens: 24,
};
const config: OffgridConfig = readConfig((key) => given[key]);
const URI = "file:///tmp/offgrid-e2e/shapes.py";
const TEXT = "def area(w, h):\n    x = w * h\n    return x\n\n\ndef add(a, b):\n    return a\n";

let server: ChildProcess;
let conn: MessageConnection;
let capabilities: Record<string, unknown>;
const metrics: Record<string, unknown>[] = [];
const applied: unknown[] = [];
let stderr = "";

before(async () => {
  const launch = findServerCommand(config, systemLookup([ROOT]));
  server = spawn(launch.command, launch.args, { stdio: ["pipe", "pipe", "pipe"] });
  server.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  conn.onNotification("offgrid/metrics", (m) => {
    metrics.push(m);
  });
  conn.onNotification("window/showMessage", (m) => console.log("server says:", m.message));
  conn.onRequest("workspace/configuration", (p: { items: { section?: string }[] }) =>
    configurationAnswer(p.items, config, p.items.map(() => null)),
  );
  conn.onRequest("workspace/applyEdit", (p: { edit: unknown }) => {
    applied.push(p.edit);
    return { applied: true };
  });
  conn.listen();
  const init = await conn.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      textDocument: { inlineCompletion: { dynamicRegistration: false }, codeAction: { resolveSupport: { properties: ["edit"] } } },
      workspace: { configuration: true, applyEdit: true },
    },
    initializationOptions: initializationOptions(config),
  });
  capabilities = (init as { capabilities: Record<string, unknown> }).capabilities;
  await conn.sendNotification("initialized", {});
  const deadline = Date.now() + 180_000;
  for (;;) {
    const status = await conn.sendRequest<ServerStatus>("offgrid/status", {});
    if (status.state === "ready") {
      break;
    }
    assert.ok(status.state === "loading" || status.state === "starting", `model failed: ${JSON.stringify(status)}`);
    assert.ok(Date.now() < deadline, "model still loading after 180 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  await conn.sendNotification("textDocument/didOpen", {
    textDocument: { uri: URI, languageId: "python", version: 1, text: TEXT },
  });
});

after(async () => {
  try {
    await conn.sendRequest("shutdown");
    await conn.sendNotification("exit");
  } finally {
    setTimeout(() => server.kill(), 2000).unref();
    conn.dispose();
  }
});

test("the server offers inline completion and answers one at the cursor", async () => {
  assert.ok(capabilities.inlineCompletionProvider, "inlineCompletionProvider is advertised");
  const result = await conn.sendRequest<{ items: { insertText: string; range?: unknown }[] }>(
    "textDocument/inlineCompletion",
    { textDocument: { uri: URI }, position: { line: 6, character: 12 }, context: { triggerKind: 2 } },
  );
  assert.equal(result.items.length, 1, stderr);
  const text = result.items[0].insertText;
  console.log("suggestion after `return a`:", JSON.stringify(text));
  assert.ok(text.includes("b"), `the suggestion for add(a, b)'s \`return a\` uses b: ${JSON.stringify(text)}`);
  const m = metrics.at(-1) as { source: string; generated: number; serverMs: number };
  assert.equal(m.source, "model");
  assert.ok(m.generated <= 24, "maxTokens from the extension's settings caps generation");
  assert.ok(m.serverMs > 0);
});

test("offgrid/status reports the model and the last request, as the status bar shows them", async () => {
  const s = await conn.sendRequest<ServerStatus>("offgrid/status", {});
  assert.ok(s.model?.path?.endsWith(".gguf"));
  assert.equal(s.last?.source, "model");
});

test("code actions: an offgrid action resolves to an edit, and Rewrite selection… rewrites", async (t) => {
  if (!capabilities.codeActionProvider) {
    t.skip("the server offers no code actions yet (codeActionProvider missing)");
    return;
  }
  const range = { start: { line: 0, character: 0 }, end: { line: 2, character: 12 } };
  type Action = { title: string; edit?: unknown; command?: { command: string; arguments?: unknown[] }; data?: unknown };
  const actions = await conn.sendRequest<Action[]>("textDocument/codeAction", {
    textDocument: { uri: URI },
    range,
    context: { diagnostics: [] },
  });
  console.log("actions:", actions.map((a) => a.title));
  const rewrite = actions.find((a) => a.command?.command === "offgrid.askRewrite");
  assert.ok(rewrite, "a Rewrite selection… action carrying offgrid.askRewrite");
  assert.deepEqual(rewrite.command!.arguments, [{ uri: URI, range }]);
  const other = actions.find((a) => a.title.startsWith("offgrid: ") && !a.command);
  assert.ok(other, "an ordinary offgrid action");
  const resolved = other.edit ? other : await conn.sendRequest<Action>("codeAction/resolve", other);
  assert.ok(resolved.edit, `${other.title} resolves to an edit`);
  // What the extension's offgrid.askRewrite sends once the user typed the instruction:
  await conn.sendRequest("workspace/executeCommand", {
    command: "offgrid.rewrite",
    arguments: [{ uri: URI, range, instruction: "rename the variable x to result" }],
  });
  assert.ok(applied.length > 0, "the server applied the rewrite with workspace/applyEdit");
  assert.ok(JSON.stringify(applied.at(-1)).includes("result"));
});
