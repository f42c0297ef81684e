import { strict as assert } from "node:assert";
import * as path from "node:path";
import { test } from "node:test";
import { findServerCommand, Lookup } from "../python";

function lookup(files: string[], onPath: Record<string, string> = {}, folders = ["/ws"]): Lookup {
  return { executable: (f) => files.includes(f), which: (n) => onPath[n], folders, platform: "linux" };
}

const none = { command: [], python: "" };

test("offgrid.command wins, as given", () => {
  const l = findServerCommand({ command: ["/opt/og/bin/offgrid", "serve", "--log-level", "DEBUG"], python: "py" }, lookup([]));
  assert.deepEqual(l, { command: "/opt/og/bin/offgrid", args: ["serve", "--log-level", "DEBUG"] });
});

test("offgrid.python runs the module", () => {
  assert.deepEqual(findServerCommand({ command: [], python: "/usr/bin/python3.11" }, lookup([])), {
    command: "/usr/bin/python3.11",
    args: ["-m", "offgrid", "serve"],
  });
});

test("a workspace virtual environment comes before the PATH", () => {
  const venv = path.join("/ws", "venv", "bin", "offgrid");
  const l = findServerCommand(none, lookup([venv], { offgrid: "/usr/local/bin/offgrid" }));
  assert.deepEqual(l, { command: venv, args: ["serve"] });
});

test("then offgrid on the PATH, then python3 -m offgrid", () => {
  assert.deepEqual(findServerCommand(none, lookup([], { offgrid: "/usr/local/bin/offgrid" })), {
    command: "/usr/local/bin/offgrid",
    args: ["serve"],
  });
  assert.deepEqual(findServerCommand(none, lookup([])), { command: "python3", args: ["-m", "offgrid", "serve"] });
});
