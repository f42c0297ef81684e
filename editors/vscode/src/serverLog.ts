/** The server's log (its stderr) in the output channel at the levels it was written with: vscode-languageclient
 * tags every stderr line `[error]`, but offgrid writes all its logging there,
 * `2026-12-01 22:26:24,243 WARNING offgrid.lsp.notices: ...` (cli.py's format). */

export type Level = "trace" | "debug" | "info" | "warn" | "error";

/** The part of a LogOutputChannel this needs (a fake in the tests). */
export type LogSink = Record<Level, (message: string) => void>;

const LEVELS: Record<string, Level> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warn",
  WARN: "warn",
  ERROR: "error",
  CRITICAL: "error",
  FATAL: "error",
};

// the timestamp is dropped: the output channel puts its own before each line
const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d+)? ([A-Z]+) (.*)$/;

/** One server's stderr, line by line; a line that is not a record (a traceback's) keeps the record's level. */
export class ServerLog {
  private level: Level = "info"; // before any record: a line the server printed itself, not an error by itself

  constructor(private readonly sink: LogSink) {}

  line(text: string): void {
    const m = RECORD.exec(text);
    const level = m ? LEVELS[m[1]] : undefined;
    if (m && level) {
      this.level = level;
      this.sink[level](m[2]);
    } else {
      this.sink[this.level](text);
    }
  }
}
