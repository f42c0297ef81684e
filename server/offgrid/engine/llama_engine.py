"""Decoding with a warm KV cache: evaluate only the prompt tokens that are not cached, then generate greedily."""

import codecs
import ctypes
import threading
import time

import llama_cpp
import numpy as np

from offgrid.engine.generation import Generation, GenerationRequest
from offgrid.engine.kv_cache import ReusePlan, plan_reuse, removal_ranges, shift_order
from offgrid.engine.model import Model
from offgrid.engine.sequences import SequencePool
from offgrid.errors import OffgridError


class _Aborted(Exception):
    pass


class LlamaEngine:
    """Runs generations on one Model. Call from a single thread (the worker)."""

    def __init__(self, model: Model, min_chunk: int = 32) -> None:
        self.model = model
        self.min_chunk = min_chunk
        self.pool = SequencePool(model.n_seq_max)
        self._batch = llama_cpp.llama_batch_init(model.n_batch, 0, 1)
        self._abort_now = threading.Event()
        self._cancel: threading.Event | None = None
        self._prompt_deadline: float | None = None
        # ctypes must keep the callback object alive as long as llama.cpp may call it.
        self._abort_cb = llama_cpp.ggml_abort_callback(self._should_abort)
        llama_cpp.llama_set_abort_callback(model.ctx, self._abort_cb, None)
        self.totals = {"evaluated": 0, "reused": 0, "shifted": 0, "generated": 0}

    def _should_abort(self, _data: ctypes.c_void_p) -> bool:
        if self._cancel is not None and self._cancel.is_set():
            return True
        return self._prompt_deadline is not None and time.monotonic() > self._prompt_deadline

    # --- KV bookkeeping -------------------------------------------------------------------------------

    def _apply_plan(self, seq: int, cached: list[int], plan: ReusePlan) -> None:
        mem = self.model.memory
        for p0, p1 in removal_ranges(len(cached), plan):
            llama_cpp.llama_memory_seq_rm(mem, seq, p0, p1)
        for c in shift_order(plan.chunks):
            llama_cpp.llama_memory_seq_add(mem, seq, c.old_start, c.old_start + c.length, c.delta)

    def _make_room(self, seq: int, needed: int) -> bool:
        """Evict other documents' sequences until `needed` more cells fit in the context."""
        while self.pool.total_tokens() + needed > self.model.n_ctx:
            other = self.pool.evict_oldest_except(seq)
            if other is None:
                return False
            llama_cpp.llama_memory_seq_rm(self.model.memory, other, -1, -1)
        return True

    def _decode(self, seq: int, tokens: list[int], positions: list[int], logits_last: bool) -> None:
        """Decode tokens at the given positions in batches; on abort or failure roll the sequence back."""
        b = self._batch
        cached = self.pool.tokens[seq]
        for start in range(0, len(tokens), self.model.n_batch):
            part = range(start, min(start + self.model.n_batch, len(tokens)))
            b.n_tokens = len(part)
            for j, i in enumerate(part):
                b.token[j] = tokens[i]
                b.pos[j] = positions[i]
                b.n_seq_id[j] = 1
                b.seq_id[j][0] = seq
                b.logits[j] = logits_last and i == len(tokens) - 1
            rc = llama_cpp.llama_decode(self.model.ctx, b)
            if rc != 0:
                first = positions[part[0]]
                llama_cpp.llama_memory_seq_rm(self.model.memory, seq, first, -1)
                del cached[first:]
                if rc == 2:
                    raise _Aborted
                raise OffgridError(f"llama_decode failed with status {rc}")

    # --- generation -----------------------------------------------------------------------------------

    def generate(self, req: GenerationRequest, cancel: threading.Event | None = None) -> Generation:
        """Evaluate what the cache lacks of `req.prompt`, then generate greedily until a stop."""
        self._cancel = cancel or threading.Event()
        try:
            return self._generate(req)
        finally:
            self._cancel = None
            self._prompt_deadline = None

    def _generate(self, req: GenerationRequest) -> Generation:
        prompt = list(req.prompt)
        t0 = time.monotonic()
        seq, evicted = self.pool.acquire(req.slot)
        if evicted is not None:
            llama_cpp.llama_memory_seq_rm(self.model.memory, evicted, -1, -1)
        cached = self.pool.tokens[seq]
        plan = plan_reuse(cached, prompt, self.min_chunk, self.model.can_shift)
        self._apply_plan(seq, cached, plan)
        cached[:] = prompt  # the cells now hold the prompt, except the positions still to evaluate
        n_room = len(prompt) + req.max_tokens
        if n_room > self.model.n_ctx or not self._make_room(seq, req.max_tokens):
            llama_cpp.llama_memory_seq_rm(self.model.memory, seq, -1, -1)
            cached.clear()
            return self._result("", "context_full", prompt, plan, 0, t0, t0, 0)
        if req.prompt_time_limit_s is not None:
            self._prompt_deadline = t0 + req.prompt_time_limit_s
        try:
            todo = list(plan.evaluate)
            if todo:
                # Cells past the first evaluated position are valid only once decoded: truncate on failure.
                self._decode(seq, [prompt[p] for p in todo], todo, logits_last=True)
        except _Aborted:
            reason = "cancelled" if self._cancel and self._cancel.is_set() else "prompt_time"
            return self._result("", reason, prompt, plan, 0, t0, time.monotonic(), 0)
        finally:
            self._prompt_deadline = None
        t1 = time.monotonic()
        text, reason, n_gen = self._sample_loop(seq, req, t1)
        return self._result(text, reason, prompt, plan, len(plan.evaluate), t0, t1, n_gen)

    def _sample_loop(self, seq: int, req: GenerationRequest, t1: float) -> tuple[str, str, int]:
        cached = self.pool.tokens[seq]
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text, n_gen, reason = "", 0, "max_tokens"
        while n_gen < req.max_tokens:
            if self._cancel is not None and self._cancel.is_set():
                reason = "cancelled"
                break
            logits = llama_cpp.llama_get_logits_ith(self.model.ctx, -1)
            token = int(np.ctypeslib.as_array(logits, shape=(self.model.n_vocab,)).argmax())
            if self.model.ends_generation(token):
                reason = "end"
                break
            n_gen += 1
            text += decoder.decode(self.model.piece(token))
            if req.stop is not None and (cut := req.stop(text)) is not None:
                text, reason = text[:cut], "stop_rule"
                break
            limit = req.generate_time_limit_s
            if limit is not None and "\n" in text.lstrip("\n") and time.monotonic() - t1 > limit:
                reason = "time"
                break
            if n_gen >= req.max_tokens:
                break
            try:
                self._decode(seq, [token], [len(cached)], logits_last=True)
            except _Aborted:
                reason = "cancelled"
                break
            cached.append(token)
        return text.rstrip("\ufffd"), reason, n_gen

    def _result(
        self, text: str, reason: str, prompt: list[int], plan: ReusePlan, n_eval: int, t0: float, t1: float, n_gen: int
    ) -> Generation:
        self.totals["evaluated"] += n_eval
        self.totals["reused"] += plan.n_prefix
        self.totals["shifted"] += plan.n_shifted
        self.totals["generated"] += n_gen
        return Generation(
            text=text,
            stop_reason=reason,
            n_prompt=len(prompt),
            n_reused=plan.n_prefix,
            n_shifted=plan.n_shifted,
            n_evaluated=n_eval,
            n_generated=n_gen,
            prompt_ms=(t1 - t0) * 1000,
            generate_ms=(time.monotonic() - t1) * 1000,
        )

    def close(self) -> None:
        """Free the batch; the Model is closed by its owner."""
        llama_cpp.llama_batch_free(self._batch)
