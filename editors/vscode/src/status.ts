/** The status bar item: model, last latency, click to toggle suggestions; its tooltip is the full status. */
import * as vscode from "vscode";
import { Metrics, ServerStatus, barText, statusLines } from "./statusText";

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("offgrid.status", vscode.StatusBarAlignment.Right, 100);
  status: ServerStatus | undefined;
  last: Metrics | undefined;
  enabled = true;

  constructor() {
    this.item.name = "offgrid";
    this.item.command = "offgrid.toggle";
    this.render();
    this.item.show();
  }

  update(change: { status?: ServerStatus; last?: Metrics; enabled?: boolean }): void {
    if ("status" in change) {
      this.status = change.status;
    }
    if (change.last) {
      this.last = change.last;
    }
    if (change.enabled !== undefined) {
      this.enabled = change.enabled;
    }
    this.render();
  }

  private render(): void {
    this.item.text = barText(this.enabled, this.status, this.last);
    const tooltip = statusLines(this.status, this.last).join("\n\n");
    this.item.tooltip = `${tooltip}\n\nClick to turn suggestions ${this.enabled ? "off" : "on"}.`;
  }

  dispose(): void {
    this.item.dispose();
  }
}
