/** Starting `offgrid serve` and the LanguageClient that talks to it (inline completion is built into
 * vscode-languageclient 11). */
import * as readline from "node:readline";
import { Readable } from "node:stream";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { Launch } from "./python";
import { ServerLog } from "./serverLog";
import { OffgridConfig, configurationAnswer, initializationOptions } from "./settings";

/** A client for the server `launch` starts; `suggest` says whether to ask for suggestions in a document. */
export function createClient(
  launch: Launch,
  config: () => OffgridConfig,
  suggest: (document: vscode.TextDocument) => boolean,
  output: vscode.LogOutputChannel,
): LanguageClient {
  // No `transport: stdio`: the client would append `--stdio`, which `offgrid serve` does not take (stdio is its default).
  const serverOptions: ServerOptions = { command: launch.command, args: launch.args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    initializationOptions: initializationOptions(config()),
    outputChannel: output,
    // the server logs to stderr at its own levels, which the default handler would all call errors
    stdioOptions: { stdout: (input, channel) => lines(input, (l) => channel.info(l)), stderr: serverLog },
    middleware: {
      provideInlineCompletionItems: (document, position, context, token, next) =>
        suggest(document) ? next(document, position, context, token) : null,
      workspace: {
        // The server asks for the `offgrid` section: answer with the settings in its own shape.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return configurationAnswer(params.items, config(), answers);
        },
      },
    },
  };
  return new LanguageClient("offgrid", "offgrid", serverOptions, clientOptions);
}

function lines(input: Readable, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on("line", each);
}

function serverLog(input: Readable, channel: vscode.LogOutputChannel): void {
  const log = new ServerLog(channel);
  lines(input, (line) => log.line(line));
}
