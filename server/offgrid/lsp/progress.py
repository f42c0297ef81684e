"""Model-download progress shown in the editor as LSP work-done progress, sent from the model thread."""

import asyncio
import uuid

from lsprotocol import types
from pygls.lsp.server import LanguageServer


class LspProgress:
    """A models.progress.Progress that reports through `window/workDoneProgress` (thread-safe)."""

    def __init__(self, server: LanguageServer, loop: asyncio.AbstractEventLoop, title: str) -> None:
        self._server, self._loop, self._title = server, loop, title
        self._token: str | None = None
        self._last_pct = -1

    def _send(self, fn: object, *args: object) -> None:
        self._loop.call_soon_threadsafe(fn, *args)  # type: ignore[arg-type]

    def _begin(self, token: str) -> None:
        progress = self._server.work_done_progress
        progress.create(token)
        progress.begin(token, types.WorkDoneProgressBegin(title=self._title, percentage=0, cancellable=False))

    def update(self, message: str, done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 0
        if self._token is None:
            self._token = str(uuid.uuid4())
            self._send(self._begin, self._token)
        if pct != self._last_pct:
            self._last_pct = pct
            report = types.WorkDoneProgressReport(message=message, percentage=pct)
            self._send(self._server.work_done_progress.report, self._token, report)

    def finish(self, message: str) -> None:
        if self._token is not None:
            self._send(self._server.work_done_progress.end, self._token, types.WorkDoneProgressEnd(message=message))
            self._token = None
