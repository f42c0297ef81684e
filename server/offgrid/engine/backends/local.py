"""The in-process backend: the GGUF model in llama.cpp through LlamaEngine, with KV reuse per document. It takes
token ids laid out by the completion layer (complete/prompt.py)."""

import threading
from dataclasses import replace
from typing import Any

from offgrid.engine.backends.base import InfillRequest, TokenPrompt
from offgrid.engine.generation import Generation, GenerationRequest, after_skip
from offgrid.engine.llama_engine import LlamaEngine


def after_healed(text: str, healed: bytes) -> str:
    """The model's text minus the held-back bytes the user had already typed."""
    data = text.encode("utf-8", errors="surrogatepass")
    return data[len(healed) :].decode("utf-8", errors="ignore") if data.startswith(healed) else ""


class LocalBackend:
    """LlamaEngine behind the Backend interface, unchanged in behaviour."""

    name = "local"
    wire = "tokens"

    def __init__(self, engine: LlamaEngine) -> None:
        self.engine = engine

    def infill(self, req: InfillRequest, cancel: threading.Event | None = None) -> Generation:
        """Generate on the document's KV sequence, then drop the healed bytes."""
        prompt = req.prompt
        if not isinstance(prompt, TokenPrompt):
            raise TypeError(f"the local backend takes token ids, not {type(prompt).__name__}")
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
                end_grace=req.end_grace,
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
