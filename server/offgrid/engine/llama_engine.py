"""Decoding with a warm KV cache: evaluate only the prompt tokens that are not cached, then generate greedily."""

import codecs
import ctypes
import dataclasses
import threading
import time

import llama_cpp
import numpy as np

from offgrid.engine.generation import Generation, GenerationRequest, HeldStop
from offgrid.engine.kv_cache import ReusePlan, changed_tokens, plan_reuse, shift_order
from offgrid.engine.model import Model
from offgrid.engine.sequences import SequencePool
from offgrid.engine.token_healing import VocabIndex, constrained_argmax
from offgrid.errors import OffgridError

REUSE_MODES = ("chunks", "prefix", "none")
DECODE_CHUNK = 128
MIN_DECODE_CHUNK = 32  # smaller pieces cost throughput (16: about a fifth slower than 128 on the 0.5B model)
CHUNK_SECONDS = 0.5


class _Aborted(Exception):
    pass


class LlamaEngine:
    """Runs generations on one Model. Call from a single thread (the worker)."""

    def __init__(
        self,
        model: Model,
        min_chunk: int = 32,
        reuse: str = "prefix",
        adaptive_pieces: bool = True,
        windows_per_slot: int = 1,
    ) -> None:
        if reuse not in REUSE_MODES:
            raise ValueError(f"cache reuse must be one of {', '.join(REUSE_MODES)}, not {reuse!r}")
        self.model = model
        self.min_chunk = min_chunk
        self.reuse = reuse
        # Prompts are decoded in pieces of at most this many tokens, resized to the machine's speed (_fit_chunk): a
        # cancel takes effect between pieces, so a cold prompt warms up while the user types.
        self.decode_chunk = min(DECODE_CHUNK, model.n_batch)
        # Quality benchmarks keep pieces fixed: llama.cpp's sums depend on the batch size, so pieces sized by the
        # machine's load flip near-tied greedy choices from one run to the next.
        self.adaptive_pieces = adaptive_pieces
        if model.n_seq_max < 2:
            raise ValueError("the engine needs at least two sequences: documents and one scratch")
        self.scratch_seq = model.n_seq_max - 1  # holds reused chunks while the gaps before them are decoded
        self.pool = SequencePool(model.n_seq_max - 1, windows_per_slot)
        self._batch = llama_cpp.llama_batch_init(model.n_batch, 0, 1)
        self._cancel: threading.Event | None = None
        self._finish_piece = False  # see GenerationRequest.finish_piece
        self._prompt_deadline: float | None = None
        # ctypes must keep the callback object alive as long as llama.cpp may call it.
        self._abort_cb = llama_cpp.ggml_abort_callback(self._should_abort)
        llama_cpp.llama_set_abort_callback(model.ctx, self._abort_cb, None)
        self._decoded = 0  # tokens decoded by the current request, aborted batches excluded
        self._vocab: VocabIndex | None = None  # built on first use of token healing
        # Per sequence, the first position whose cached keys are approximate: a shifted chunk's keys were computed
        # in its old context, and so is everything decoded after it. repair() recomputes them when the user pauses.
        self._approx_from: dict[int, int] = {}
        self.totals = {"evaluated": 0, "reused": 0, "shifted": 0, "generated": 0, "repaired": 0}

    def _should_abort(self, _data: ctypes.c_void_p) -> bool:
        # The time limit stops a piece midway. A cancel of a document's completion (a newer keystroke) waits for the
        # piece being decoded, which _decode checks between pieces: the next request shares most of the prompt,
        # and on a slow machine aborting mid-piece on every keystroke never let a cold prompt finish (seen in
        # `offgrid bench soak` with one thread on a loaded machine: 1 answer in 1,000 keystrokes). Speculation,
        # repair and actions stop at once: the request that cancelled them should not wait for their piece.
        if self._prompt_deadline is not None and time.monotonic() > self._prompt_deadline:
            return True
        return not self._finish_piece and self._cancel is not None and self._cancel.is_set()

    # --- KV bookkeeping -------------------------------------------------------------------------------

    def _rebuild(self, seq: int, prompt: list[int], plan: ReusePlan) -> None:
        """Make sequence `seq` hold `prompt`: keep the prefix, move reused chunks, decode the rest.

        llama.cpp only accepts a batch whose positions continue right after the sequence's last cell, so
        chunks cannot stay in place while the gaps before them are filled. They wait in a scratch sequence
        (a copy there only tags the same cells), are shifted to their new positions, and are tagged back
        onto `seq` one by one as decoding reaches them.
        """
        mem, scratch = self.model.memory, self.scratch_seq
        cached = self.pool.tokens[seq]
        for c in plan.chunks:
            llama_cpp.llama_memory_seq_cp(mem, seq, scratch, c.old_start, c.old_start + c.length)
        llama_cpp.llama_memory_seq_rm(mem, seq, plan.n_prefix, -1)
        del cached[plan.n_prefix :]
        try:
            for c in shift_order(plan.chunks):
                llama_cpp.llama_memory_seq_add(mem, scratch, c.old_start, c.old_start + c.length, c.delta)
            for c in sorted(plan.chunks, key=lambda c: c.new_start):
                self._decode(seq, prompt, len(cached), c.new_start, logits_last=False)
                llama_cpp.llama_memory_seq_cp(mem, scratch, seq, c.new_start, c.new_start + c.length)
                cached.extend(prompt[c.new_start : c.new_start + c.length])
        finally:
            llama_cpp.llama_memory_seq_rm(mem, scratch, -1, -1)
        self._decode(seq, prompt, len(cached), len(prompt), logits_last=True)

    def _pick_window(self, seqs: list[int], prompt: list[int], shift: bool) -> int | None:
        """The slot's window that can reuse at least half of `prompt`, or nearly all it holds (a warm-up or a
        time-capped request stopped part-way through this prompt), the most recent first (the usual keystroke
        costs one plan); else None: the cursor went somewhere new, and the window it left stays for its return."""
        if self.reuse == "none":
            return seqs[0]
        for seq in seqs:
            cached = self.pool.tokens[seq]
            if not cached:
                return seq  # an emptied window is as good as a new one
            plan = plan_reuse(cached, prompt, self.min_chunk, shift)
            reused = plan.n_prefix + plan.n_shifted
            if 2 * reused >= len(prompt) or 10 * reused >= 9 * len(cached):
                return seq
        return None

    def _fork(self, source_slot: str, seq: int) -> None:
        """Start `seq` as a copy of another slot's cache. In a unified KV cache the copy only tags the same cells,
        so speculative work can reuse a document's cache without disturbing it."""
        mem = self.model.memory
        self._clear(seq)
        source = self.pool.peek(source_slot)
        if source is None:
            return
        llama_cpp.llama_memory_seq_cp(mem, source, seq, -1, -1)
        self.pool.tokens[seq] = list(self.pool.tokens[source])
        if source in self._approx_from:
            self._approx_from[seq] = self._approx_from[source]

    def _clear(self, seq: int) -> None:
        """Empty a sequence: its cells, its token record and its approximation mark."""
        llama_cpp.llama_memory_seq_rm(self.model.memory, seq, -1, -1)
        self.pool.tokens[seq] = []
        self._approx_from.pop(seq, None)

    def _make_room(self, seq: int, needed: int) -> bool:
        """Evict other documents' sequences until `seq` can hold `needed` cells."""
        while self.pool.total_tokens() - len(self.pool.tokens[seq]) + needed > self.model.n_ctx:
            other = self.pool.evict_oldest_except(seq)
            if other is None:
                return False
            self._clear(other)
        return True

    def _decode(self, seq: int, tokens: list[int], start: int, end: int, logits_last: bool, base: int = 0) -> None:
        """Decode the tokens for positions start..end-1 (position p is tokens[p - base]) and append them to the
        sequence's cache record.

        On abort or failure the sequence is cut back to what was decoded before the failing batch.
        """
        b = self._batch
        cached = self.pool.tokens[seq]
        first = start
        while first < end:
            if self._cancel is not None and self._cancel.is_set():
                raise _Aborted
            last = min(first + self.decode_chunk, end)
            b.n_tokens = last - first
            for j, p in enumerate(range(first, last)):
                b.token[j] = tokens[p - base]
                b.pos[j] = p
                b.n_seq_id[j] = 1
                b.seq_id[j][0] = seq
                b.logits[j] = logits_last and p == end - 1
            t = time.monotonic()
            rc = llama_cpp.llama_decode(self.model.ctx, b)
            if rc != 0:
                pos_max = llama_cpp.llama_memory_seq_pos_max(self.model.memory, seq)
                llama_cpp.llama_memory_seq_rm(self.model.memory, seq, first, -1)
                if rc == 2:
                    raise _Aborted
                raise OffgridError(
                    f"llama_decode failed with status {rc} (sequence {seq} ends at {pos_max}, batch starts at {first})"
                )
            cached.extend(tokens[first - base : last - base])
            self._decoded += last - first
            if self.adaptive_pieces and last - first == self.decode_chunk:
                self._fit_chunk(self.decode_chunk / max(time.monotonic() - t, 1e-6))
            first = last

    def _fit_chunk(self, tokens_per_s: float) -> None:
        """Size prompt pieces to about CHUNK_SECONDS at the speed just seen (powers of two, 32 to DECODE_CHUNK), so
        a cancel waits for at most that long, whatever the machine and its load."""
        size = MIN_DECODE_CHUNK
        while size * 2 <= min(DECODE_CHUNK, self.model.n_batch) and size * 2 <= tokens_per_s * CHUNK_SECONDS:
            size *= 2
        self.decode_chunk = size

    def _mark_approximate(self, seq: int, plan: ReusePlan) -> None:
        """Record where the sequence's cache stops being exact after `plan` was carried out (or aborted)."""
        prev = self._approx_from.get(seq)
        if prev is not None and prev < plan.n_prefix:
            start: int | None = prev  # kept in the prefix, so everything after it still attends to it
        else:
            start = min((c.new_start for c in plan.chunks), default=None)
        if start is None or start >= len(self.pool.tokens[seq]):
            self._approx_from.pop(seq, None)
        else:
            self._approx_from[seq] = start

    def needs_repair(self, slot: str) -> bool:
        """Whether the slot's cache holds shifted (approximate) keys."""
        seq = self.pool.peek(slot)
        return seq is not None and seq in self._approx_from

    def repair(self, slot: str, cancel: threading.Event | None = None) -> int:
        """Recompute the approximate part of a slot's cache so it is exact again; returns the tokens recomputed.

        Shifted keys drift from what a fresh evaluation gives, and each further shift adds to it; recomputing them
        while the user pauses keeps chunk reuse's speed without letting the drift pile up. On `cancel` it stops
        between batches and keeps both what it finished and the old cells after it (parked in the scratch
        sequence meanwhile), so an interrupted repair never costs the next request anything.
        """
        seq = self.pool.peek(slot)
        if seq is None or seq not in self._approx_from:
            return 0
        mem, scratch = self.model.memory, self.scratch_seq
        cached = self.pool.tokens[seq]
        tokens, start = list(cached), self._approx_from[seq]
        end = len(tokens)
        park = self.pool.total_tokens() + (end - start) <= self.model.n_ctx
        if park:
            llama_cpp.llama_memory_seq_cp(mem, seq, scratch, start, end)
        llama_cpp.llama_memory_seq_rm(mem, seq, start, -1)
        del cached[start:]
        self._cancel = cancel or threading.Event()
        try:
            self._decode(seq, tokens, start, end, logits_last=False)
        except _Aborted:
            pass
        finally:
            self._cancel = None
            done = len(cached)
            if park and done < end:
                llama_cpp.llama_memory_seq_cp(mem, scratch, seq, done, end)
                cached.extend(tokens[done:end])
            llama_cpp.llama_memory_seq_rm(mem, scratch, -1, -1)
            if len(cached) > done:
                self._approx_from[seq] = done
            else:
                self._approx_from.pop(seq, None)
            self.totals["repaired"] += done - start
        return done - start

    # --- generation -----------------------------------------------------------------------------------

    def generate(self, req: GenerationRequest, cancel: threading.Event | None = None) -> Generation:
        """Evaluate what the cache lacks of `req.prompt`, then generate greedily until a stop."""
        self._cancel = cancel or threading.Event()
        self._finish_piece = req.finish_piece
        try:
            return self._generate(req)
        finally:
            self._cancel = None
            self._finish_piece = False
            self._prompt_deadline = None

    def _generate(self, req: GenerationRequest) -> Generation:
        prompt = list(req.prompt)
        t0 = time.monotonic()
        self._decoded = 0
        shift = self.reuse == "chunks" and self.model.can_shift and req.fork_from is None
        pick = None if req.fork_from is not None else lambda seqs: self._pick_window(seqs, prompt, shift)
        seq, evicted = self.pool.acquire(req.slot, pick)
        if evicted is not None:
            self._clear(evicted)
        if req.fork_from is not None:
            self._fork(req.fork_from, seq)
        cached = self.pool.tokens[seq]
        changed = changed_tokens(cached, prompt)
        if self.reuse == "none":  # the baseline that re-evaluates everything (lsp-ai)
            plan = ReusePlan(0, (), tuple(range(len(prompt))))
        else:
            # A forked sequence shares its cells with the document's: shifting them would move the document's too.
            plan = plan_reuse(cached, prompt, self.min_chunk, shift)
        needed = len(prompt) + req.max_tokens
        if needed > self.model.n_ctx or not self._make_room(seq, needed):
            self._clear(seq)
            return self._result("", "context_full", prompt, ReusePlan(0), t0, t0, 0, 0, changed)
        if req.prompt_time_limit_s is not None:
            self._prompt_deadline = t0 + req.prompt_time_limit_s
        try:
            self._rebuild(seq, prompt, plan)
        except _Aborted:
            self._mark_approximate(seq, plan)
            reason = "cancelled" if self._cancel and self._cancel.is_set() else "prompt_time"
            return self._result("", reason, prompt, plan, t0, time.monotonic(), self._decoded, 0, changed)
        finally:
            self._prompt_deadline = None
        self._mark_approximate(seq, plan)
        t1, n_eval = time.monotonic(), self._decoded
        text, reason, ids, first, held = self._sample_loop(seq, req, t1)
        result = self._result(text, reason, prompt, plan, t0, t1, n_eval, len(ids), changed, tuple(ids))
        return dataclasses.replace(result, first_token=first, held=held)

    def _sample_loop(self, seq: int, req: GenerationRequest, t1: float) -> tuple[str, str, list[int], int | None, bool]:
        """The text, stop reason and ids generated, the first token chosen (None when none was), which is not
        ids[0] when it ended the generation: alternatives exclude an end-of-text choice too, and whether a soft
        cut was held."""
        cached = self.pool.tokens[seq]
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        text, n_gen, reason, produced, ids = "", 0, "max_tokens", b"", []
        first: int | None = None
        stop = HeldStop(req.stop, req.end_grace)
        while n_gen < req.max_tokens:
            if self._cancel is not None and self._cancel.is_set():
                reason = "cancelled"
                break
            token = self._next_token(req.forced_prefix, produced, req.exclude_first if n_gen == 0 else ())
            if n_gen == 0:
                first = token
            if token is None or self.model.ends_generation(token):
                reason = "end"
                break
            n_gen += 1
            ids.append(token)
            piece = self.model.piece(token)
            produced += piece
            text += decoder.decode(piece)
            if (cut := stop.after_token(text)) is not None:
                text, reason = text[:cut], "stop_rule"
                break
            limit = req.generate_time_limit_s
            if limit is not None and "\n" in text.lstrip("\n") and time.monotonic() - t1 > limit:
                reason = "time"
                break
            if n_gen >= req.max_tokens:
                break
            try:
                self._decode(seq, [token], len(cached), len(cached) + 1, logits_last=True, base=len(cached))
            except _Aborted:
                reason = "cancelled"
                break
        if (cut := stop.at_cap(reason)) is not None:
            text, reason = text[:cut], "stop_rule"
        return text.rstrip("\ufffd"), reason, ids, first, stop.held is not None

    def _next_token(self, forced: bytes, produced: bytes, exclude: tuple[int, ...] = ()) -> int | None:
        """Greedy choice, restricted to tokens that agree with the forced prefix until it is spelled out."""
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self.model.ctx, -1), shape=(self.model.n_vocab,))
        if exclude:
            logits = logits.copy()
            logits[list(exclude)] = -np.inf
        if len(produced) >= len(forced):
            return int(logits.argmax())
        return constrained_argmax(logits, self.vocab_index(), forced[len(produced) :])

    def vocab_index(self) -> VocabIndex:
        """The vocabulary index token healing needs; built once (about half a second for 150k tokens)."""
        if self._vocab is None:
            m = self.model
            self._vocab = VocabIndex(m.n_vocab, m.piece, m.ends_generation)
        return self._vocab

    def _result(
        self,
        text: str,
        reason: str,
        prompt: list[int],
        plan: ReusePlan,
        t0: float,
        t1: float,
        n_eval: int,
        n_gen: int,
        changed: int,
        ids: tuple[int, ...] = (),
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
            n_changed=changed,
            tokens=ids,
        )

    def close(self) -> None:
        """Free the batch; the Model is closed by its owner."""
        llama_cpp.llama_batch_free(self._batch)
