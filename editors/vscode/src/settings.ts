/** The extension's settings (`offgrid.*`) and what they become for the server: its initializationOptions. */

export interface OffgridConfig {
  command: string[];
  python: string;
  model: string | null;
  preset: string;
  maxTokens: number;
  generateTimeMs: number;
  enable: Record<string, boolean>;
  debug: boolean;
  backend: string;
  remote: Record<string, unknown>;
}

export const DEFAULTS: OffgridConfig = {
  command: [],
  python: "",
  model: null,
  preset: "auto",
  maxTokens: 128,
  generateTimeMs: 1500,
  enable: { "*": true, plaintext: false, markdown: false, scminput: false },
  debug: false,
  backend: "local",
  remote: {},
};

const BACKENDS = ["local", "infill", "openai"];

/** Settings read through `get` (VS Code's WorkspaceConfiguration.get), defaults where unset or of the wrong type. */
export function readConfig(get: (key: string) => unknown): OffgridConfig {
  const pick = <K extends keyof OffgridConfig>(key: K, ok: (v: unknown) => boolean): OffgridConfig[K] => {
    const v = get(key);
    return (v !== undefined && ok(v) ? v : DEFAULTS[key]) as OffgridConfig[K];
  };
  const isString = (v: unknown) => typeof v === "string";
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  return {
    command: pick("command", (v) => Array.isArray(v) && v.every(isString)),
    python: pick("python", isString),
    model: pick("model", (v) => v === null || (isString(v) && v !== "")),
    preset: pick("preset", (v) => isString(v) && v !== ""),
    maxTokens: pick("maxTokens", isCount),
    generateTimeMs: pick("generateTimeMs", isCount),
    enable: pick("enable", (v) => typeof v === "object" && v !== null && !Array.isArray(v)),
    debug: pick("debug", (v) => typeof v === "boolean"),
    backend: pick("backend", (v) => isString(v) && BACKENDS.includes(v as string)),
    remote: pick("remote", (v) => typeof v === "object" && v !== null && !Array.isArray(v)),
  };
}

/** The server's settings (camelCase keys of offgrid's Settings), sent as initializationOptions and as the answer
 * to the server's workspace/configuration request for the `offgrid` section. */
export function initializationOptions(c: OffgridConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    preset: c.preset,
    completion: { maxTokens: c.maxTokens, generateTimeMs: c.generateTimeMs },
    debug: c.debug,
    logSourceText: c.debug, // the setting promises prompts and suggestions in the output: that is the server's logSourceText
  };
  if (c.model) {
    out.model = c.model;
  }
  if (c.backend !== "local") {
    // a model server: its address and options (the API key stays in the environment variable remote.apiKeyEnv names)
    out.backend = c.backend;
    out.remote = c.remote;
  }
  return out;
}

/** Whether suggestions are on for a language: its own entry in `offgrid.enable`, else the `*` entry, else on. */
export function enabledFor(enable: Record<string, boolean>, languageId: string): boolean {
  if (languageId in enable) {
    return enable[languageId] !== false;
  }
  return enable["*"] !== false;
}

/** Settings the server reads only when it starts; changing one restarts it. */
export const RESTART_KEYS = [
  "command",
  "python",
  "model",
  "preset",
  "maxTokens",
  "generateTimeMs",
  "debug",
  "backend",
  "remote",
];

/** The answer to the server's workspace/configuration request: offgrid's settings for the `offgrid` section, the
 * editor's own answer for any other. */
export function configurationAnswer(
  items: { section?: string }[],
  config: OffgridConfig,
  others: unknown[],
): unknown[] {
  return items.map((item, i) => (item.section === "offgrid" ? initializationOptions(config) : others[i] ?? null));
}
