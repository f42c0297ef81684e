"""What the model-server backends (infill, openai) share on top of the HTTP client: no cache of their own to
repair, chat answers for code actions, a connection pool to close."""

import threading

from offgrid.engine.backends.chat_stream import ChatRequest, stream_chat
from offgrid.engine.backends.http import HttpClient
from offgrid.engine.generation import Generation


class HttpBackend:
    """What the HTTP backends share: the server keeps its own cache (nothing to repair here), chat answers for
    code actions from /v1/chat/completions, and a connection pool to close."""

    http: HttpClient
    continues_prefill = False  # whether the server continues a last assistant message (llama.cpp's server does)

    def chat_model(self) -> str:
        """The model name chat requests carry ("": the server's own)."""
        return ""

    def chat(self, req: ChatRequest, cancel: threading.Event | None = None) -> Generation:
        """Stream a chat answer (blocking); a set `cancel` closes the stream. Failures raise RemoteError."""
        return stream_chat(self.http, req, self.chat_model(), cancel)

    def needs_repair(self, slot: str) -> bool:
        return False

    def repair(self, slot: str, cancel: threading.Event | None = None) -> int:
        return 0

    def close(self) -> None:
        self.http.close()
