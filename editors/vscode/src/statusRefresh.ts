/** Refreshing offgrid/status after answers, so that the tooltip's totals and answer counts follow them
 * (offgrid/metrics carries one request's figures, not the server's running totals). */
import { ServerStatus } from "./statusText";

export class StatusRefresh {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  /** `fetch` asks the server for its status, `apply` shows it; one fetch per `delayMs` at most, however fast
   * the answers come while typing. */
  constructor(
    private readonly fetch: () => Promise<ServerStatus | undefined>,
    private readonly apply: (status: ServerStatus) => void,
    private readonly delayMs = 500,
  ) {}

  /** An answer was published: fetch the status after `delayMs` (answers in the meantime join that fetch, so a
   * steady stream of them still refreshes the totals). */
  answered(): void {
    if (this.timer !== undefined || this.disposed) {
      return;
    }
    this.timer = setTimeout(() => void this.run(), this.delayMs);
  }

  private async run(): Promise<void> {
    this.timer = undefined; // an answer from now on asks for another fetch: this one may not include it
    const status = await this.fetch().catch(() => undefined);
    if (status && !this.disposed) {
      this.apply(status);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
