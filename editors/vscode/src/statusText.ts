/** What the status bar item and "offgrid: Show status" say, from offgrid/status and offgrid/metrics. */

export interface Metrics {
  source?: string;
  serverMs?: number;
  promptTokens?: number;
  reused?: number;
  evaluated?: number;
  generated?: number;
  promptMs?: number;
  generateMs?: number;
  stopReason?: string;
}

export interface ServerStatus {
  version?: string;
  state?: string;
  error?: string | null;
  model?: { path?: string; description?: string; fim?: string | null; threads?: number; contextSize?: number };
  last?: Metrics;
  totals?: Record<string, number>;
  answers?: Record<string, number>;
}

/** The model's file name without `.gguf` and the quantization suffix's case kept. */
export function modelName(status: ServerStatus | undefined): string | undefined {
  const file = status?.model?.path?.split(/[\\/]/).pop();
  return file?.replace(/\.gguf$/i, "");
}

/** The status bar text: an icon, the model, and the last request's latency. */
export function barText(enabled: boolean, status: ServerStatus | undefined, last: Metrics | undefined): string {
  if (!enabled) {
    return "$(circle-slash) offgrid off";
  }
  const state = status?.state ?? "starting";
  if (state === "failed") {
    return "$(error) offgrid";
  }
  if (state !== "ready") {
    return "$(sync~spin) offgrid " + state;
  }
  return `$(sparkle) ${modelName(status) ?? "offgrid"}` + lastAnswer(last);
}

/** What the last answer cost: its server time for the model's own, where it came from for a reused one
 * (their time is ~0 ms, which reads as a broken timer). */
function lastAnswer(last: Metrics | undefined): string {
  if (last?.source === "typed-through") {
    return " from memory";
  }
  if (last?.source === "prefetch") {
    return " prefetched";
  }
  const ms = last?.serverMs;
  return ms === undefined ? "" : ` ${Math.round(ms)} ms`;
}

/** One line for a metrics object. */
export function metricsLine(m: Metrics | undefined): string {
  if (!m || m.serverMs === undefined) {
    return "no completion yet";
  }
  let line = `${m.source ?? "?"} in ${m.serverMs} ms`;
  if (m.promptTokens !== undefined) {
    line += `; prompt ${m.promptTokens} tokens (${m.reused} reused, ${m.evaluated} evaluated in ${m.promptMs} ms)`;
    line += `; ${m.generated} generated in ${m.generateMs} ms, stopped by ${m.stopReason}`;
  }
  return line;
}

/** The lines of the full status report (tooltip and "Show status"). */
export function statusLines(status: ServerStatus | undefined, last: Metrics | undefined): string[] {
  if (!status) {
    return ["offgrid: the server is not running"];
  }
  const out = [`offgrid ${status.version ?? "?"}: ${status.state ?? "?"}${status.error ? ` (${status.error})` : ""}`];
  const m = status.model;
  if (m) {
    out.push(`model: ${m.description ?? "?"} (${m.path ?? "?"}), fill-in-the-middle ${m.fim ?? "none"}`);
    out.push(`${m.threads ?? "?"} threads, context ${m.contextSize ?? "?"} tokens`);
  }
  const lastMetrics = status.last && Object.keys(status.last).length > 0 ? status.last : last;
  out.push("last: " + metricsLine(lastMetrics));
  if (status.answers && Object.keys(status.answers).length > 0) {
    out.push("answers: " + Object.entries(status.answers).map(([k, v]) => `${k} ${v}`).join(", "));
  }
  if (status.totals) {
    out.push("totals: " + Object.entries(status.totals).map(([k, v]) => `${k} ${v}`).join(", "));
  }
  return out;
}
