"""The in-process backend: the GGUF model in llama.cpp through LlamaEngine, with KV reuse per document.

The token layout (PSM with token healing) is the completion layer's: it is passed in as `render`, so the
engine layer never imports it.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from offgrid.engine.backends.base import InfillRequest
from offgrid.engine.generation import Generation, GenerationRequest, after_skip
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model


@dataclass(frozen=True)
class TokenPrompt:
    """Token ids, and the bytes of the typed text's last token, held back for the model to rewrite."""

    ids: list[int]
    healed: bytes = b""


Render = Callable[[Model, InfillRequest], TokenPrompt]


def after_healed(text: str, healed: bytes) -> str:
    """The model's text minus the held-back bytes the user had already typed."""
    data = text.encode("utf-8", errors="surrogatepass")
    return data[len(healed) :].decode("utf-8", errors="ignore") if data.startswith(healed) else ""


class LocalBackend:
    """LlamaEngine behind the Backend interface, unchanged in behaviour."""

    name = "local"

    def __init__(self, engine: LlamaEngine, render: Render) -> None:
        self.engine = engine
        self.render = render

    def infill(self, req: InfillRequest, cancel: threading.Event | None = None) -> Generation:
        """Render the token prompt, generate on the document's KV sequence, drop the healed bytes."""
        prompt = self.render(self.engine.model, req)
        gen = self.engine.generate(
            GenerationRequest(
                prompt=tuple(prompt.ids),
                slot=req.slot,
                fork_from=req.fork_from,
                max_tokens=req.max_tokens,
                stop=after_skip(req.stop, prompt.healed.decode("utf-8", errors="ignore")) if req.stop else None,
                prompt_time_limit_s=req.prompt_time_limit_s,
                generate_time_limit_s=req.generate_time_limit_s,
                forced_prefix=prompt.healed,
                exclude_first=req.exclude_first,
                finish_piece=req.fork_from is None,
            ),
            cancel,
        )
        return replace(gen, text=after_healed(gen.text, prompt.healed))

    def needs_repair(self, slot: str) -> bool:
        return self.engine.needs_repair(slot)

    def repair(self, slot: str, cancel: threading.Event | None = None) -> int:
        return self.engine.repair(slot, cancel)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.name}

    def close(self) -> None:
        self.engine.close()
