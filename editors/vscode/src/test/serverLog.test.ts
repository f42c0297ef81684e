import { strict as assert } from "node:assert";
import { test } from "node:test";
import { Level, ServerLog } from "../serverLog";

function channel() {
  const lines: string[] = [];
  const at = (level: Level) => (message: string) => lines.push(`[${level}] ${message}`);
  return { lines, sink: { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

test("server log lines go to the output channel at their own level, not all as errors", () => {
  const out = channel();
  const log = new ServerLog(out.sink);
  log.line("2026-12-01 22:26:24,243 WARNING offgrid.lsp.notices: the model is still loading");
  log.line("2026-12-01 22:26:25,001 INFO offgrid.lsp.inline_completion: completion {'source': 'model'}");
  log.line("2026-12-01 22:26:25,002 DEBUG offgrid.engine: plan");
  log.line("2026-12-01 22:26:26,100 ERROR offgrid.host: the model failed to load");
  log.line("Traceback (most recent call last):");
  log.line('  File "host.py", line 3, in load');
  log.line("2026-12-01 22:26:27,000 CRITICAL offgrid: gone");
  assert.deepEqual(out.lines, [
    "[warn] offgrid.lsp.notices: the model is still loading",
    "[info] offgrid.lsp.inline_completion: completion {'source': 'model'}",
    "[debug] offgrid.engine: plan",
    "[error] offgrid.host: the model failed to load",
    "[error] Traceback (most recent call last):",
    '[error]   File "host.py", line 3, in load',
    "[error] offgrid: gone",
  ]);
});

test("a line before any record, or with an unknown level word, is not called an error", () => {
  const out = channel();
  const log = new ServerLog(out.sink);
  log.line("llama_model_loader: loaded meta data");
  log.line("2026-12-01 22:26:24,243 NOTICE something: else");
  assert.deepEqual(out.lines, [
    "[info] llama_model_loader: loaded meta data",
    "[info] 2026-12-01 22:26:24,243 NOTICE something: else",
  ]);
});
