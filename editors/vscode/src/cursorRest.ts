/** Where the cursor rests: after a file is opened or focused, or the cursor jumps and stays, the server is told
 * (offgrid/cursor) so it can evaluate the prompt there in idle time and the first keystroke pays only for what
 * it changes. Typing moves the cursor too: only a place held for `delayMs` is sent, and never twice in a row. */

export interface CursorPlace {
  uri: string;
  line: number;
  character: number;
}

export const CURSOR_NOTIFICATION = "offgrid/cursor";

export class CursorRest {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = "";

  constructor(
    private readonly send: (place: CursorPlace) => void,
    private readonly delayMs = 300,
  ) {}

  /** The cursor is now at `place`: send it once it has stayed there `delayMs`. */
  moved(place: CursorPlace): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const key = `${place.uri}:${place.line}:${place.character}`;
      if (key !== this.last) {
        this.last = key;
        this.send(place);
      }
    }, this.delayMs);
  }

  /** The document changed: the same place may need its prompt again. */
  edited(): void {
    this.last = "";
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const WARMED_NOTIFICATION = "offgrid/warmed";

export interface Warmed {
  uri: string;
  version: number;
  position: { line: number; character: number };
}

/** After offgrid/warmed (a request the time cap left empty has been finished in idle time): ask again only if
 * the cursor is still where that request was and the text has not changed since. */
export function askAgain(warmed: Warmed, here: { uri: string; version: number; line: number; character: number }) {
  return (
    warmed.uri === here.uri &&
    warmed.version === here.version &&
    warmed.position?.line === here.line &&
    warmed.position?.character === here.character
  );
}
