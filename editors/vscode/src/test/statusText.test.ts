import { strict as assert } from "node:assert";
import { test } from "node:test";
import { barText, metricsLine, statusLines } from "../statusText";

const ready = {
  version: "0.1.0",
  state: "ready",
  model: { path: "/c/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", description: "qwen2 1B", fim: "qwen2.5-coder" },
  last: {},
};

test("the status bar shows the model and the last latency, or why it cannot", () => {
  assert.equal(barText(true, ready, { source: "model", serverMs: 123.4 }), "$(sparkle) qwen2.5-coder-0.5b-instruct-q4_k_m 123 ms");
  assert.equal(barText(true, ready, undefined), "$(sparkle) qwen2.5-coder-0.5b-instruct-q4_k_m");
  assert.equal(barText(true, { state: "loading" }, undefined), "$(sync~spin) offgrid loading");
  assert.equal(barText(true, { state: "failed", error: "no model" }, undefined), "$(error) offgrid");
  assert.equal(barText(false, ready, undefined), "$(circle-slash) offgrid off");
});

test("after a reused or prefetched answer the status bar says where it came from, not 0 ms", () => {
  const name = "$(sparkle) qwen2.5-coder-0.5b-instruct-q4_k_m";
  assert.equal(barText(true, ready, { source: "typed-through", serverMs: 0.2 }), `${name} from memory`);
  assert.equal(barText(true, ready, { source: "prefetch", serverMs: 0.3 }), `${name} prefetched`);
  assert.equal(barText(true, ready, { source: "model", serverMs: 0.4 }), `${name} 0 ms`);
});

test("the status report has the server's running totals and answers by source", () => {
  const lines = statusLines({ ...ready, totals: { evaluated: 40, reused: 900 }, answers: { model: 3, prefetch: 1 } }, undefined);
  assert.ok(lines.includes("answers: model 3, prefetch 1"));
  assert.ok(lines.includes("totals: evaluated 40, reused 900"));
});

test("metrics lines say where the answer came from and what it cost", () => {
  assert.equal(metricsLine(undefined), "no completion yet");
  assert.equal(metricsLine({ source: "typed-through", serverMs: 0.4 }), "typed-through in 0.4 ms");
  const m = { source: "model", serverMs: 80, promptTokens: 300, reused: 290, evaluated: 10, promptMs: 40,
    generated: 5, generateMs: 38, stopReason: "stop_rule" };
  assert.equal(metricsLine(m), "model in 80 ms; prompt 300 tokens (290 reused, 10 evaluated in 40 ms); 5 generated in 38 ms, stopped by stop_rule");
});

test("the status report falls back to the last notification when the server has none", () => {
  const lines = statusLines(ready, { source: "model", serverMs: 12 });
  assert.equal(lines[0], "offgrid 0.1.0: ready");
  assert.ok(lines.includes("last: model in 12 ms"));
  assert.deepEqual(statusLines(undefined, undefined), ["offgrid: the server is not running"]);
});
