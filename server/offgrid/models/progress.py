"""How a long fetch reports progress: the CLI draws a terminal bar, the LSP layer sends work-done progress."""

import sys
from typing import Protocol


class Progress(Protocol):
    """Receives a fetch's progress; `total` is 0 when unknown."""

    def update(self, message: str, done: int, total: int) -> None: ...

    def finish(self, message: str) -> None: ...


class SilentProgress:
    """Progress that goes nowhere (tests, and servers whose client did not ask for it)."""

    def update(self, message: str, done: int, total: int) -> None:
        pass

    def finish(self, message: str) -> None:
        pass


class TerminalProgress:
    """A tqdm bar on stderr, so stdout stays clean for the suggestion `offgrid complete` prints."""

    def __init__(self) -> None:
        self._bar = None
        self._message = ""

    def update(self, message: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if self._bar is None or message != self._message:
            if self._bar is not None:
                self._bar.close()
            in_bytes = total == 0 or total > 10_000  # PyPI fetches count parts, hub fetches count bytes
            self._bar = tqdm(
                total=total or None,
                desc=message,
                unit="B" if in_bytes else " part",
                unit_scale=in_bytes,
                file=sys.stderr,
                leave=False,
            )
            self._message = message
        elif total and self._bar.total != total:  # a fetch announced before its size was known
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def finish(self, message: str) -> None:
        self.close()
        print(message, file=sys.stderr)

    def close(self) -> None:
        """Clear the bar, so that an error printed after a failed fetch starts a line of its own."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
