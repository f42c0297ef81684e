import { strict as assert } from "node:assert";
import { test } from "node:test";
import { configurationAnswer, DEFAULTS, enabledFor, initializationOptions, readConfig } from "../settings";

test("unset and ill-typed settings fall back to the defaults", () => {
  const given: Record<string, unknown> = { maxTokens: "lots", model: "", preset: "qwen2.5-coder-1.5b", enable: [] };
  const c = readConfig((key) => given[key]);
  assert.equal(c.maxTokens, DEFAULTS.maxTokens);
  assert.equal(c.model, null);
  assert.equal(c.preset, "qwen2.5-coder-1.5b");
  assert.deepEqual(c.enable, DEFAULTS.enable);
});

test("initializationOptions use the server's camelCase keys and nest completion caps", () => {
  const c = readConfig((key) => ({ model: "/m/x.gguf", maxTokens: 64, generateTimeMs: 900 })[key]);
  assert.deepEqual(initializationOptions(c), {
    model: "/m/x.gguf",
    preset: "auto",
    completion: { maxTokens: 64, generateTimeMs: 900 },
    debug: false,
    logSourceText: false,
  });
  assert.equal("model" in initializationOptions(DEFAULTS), false, "no model: the server picks the preset");
});

test("a model server is passed on only when the backend is not local, and an unknown backend falls back", () => {
  const remote = { url: "https://gpu-box:8080", apiKeyEnv: "OFFGRID_API_KEY" };
  const c = readConfig((key) => ({ backend: "infill", remote })[key]);
  assert.deepEqual(initializationOptions(c), { ...initializationOptions(DEFAULTS), backend: "infill", remote });
  const local = readConfig((key) => ({ backend: "gpu", remote })[key]);
  assert.equal(local.backend, "local");
  assert.equal("backend" in initializationOptions(local), false);
  assert.equal("remote" in initializationOptions(local), false);
});

test("per-language enable: the language's own entry, then *, then on", () => {
  const enable = { "*": false, python: true, markdown: false };
  assert.equal(enabledFor(enable, "python"), true);
  assert.equal(enabledFor(enable, "rust"), false);
  assert.equal(enabledFor({ markdown: false }, "rust"), true);
  assert.equal(enabledFor(DEFAULTS.enable, "markdown"), false);
});

test("the offgrid configuration section is answered with the server's settings, others by the editor", () => {
  const answer = configurationAnswer([{ section: "editor" }, { section: "offgrid" }], DEFAULTS, [{ tabSize: 4 }, {}]);
  assert.deepEqual(answer, [{ tabSize: 4 }, initializationOptions(DEFAULTS)]);
});
