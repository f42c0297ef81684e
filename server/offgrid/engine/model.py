"""A GGUF model loaded with llama.cpp: weights, vocabulary, and one context holding the KV cache."""

import ctypes
import os
from dataclasses import dataclass
from pathlib import Path

import llama_cpp

from offgrid.engine.fim import FimFormat, detect_fim
from offgrid.engine.gguf_file import FileIdentity, check_gguf, gguf_architecture
from offgrid.errors import ModelError

_backend_ready = False


def physical_cores() -> int:
    """Cores without hyper-threads where Linux says so; llama.cpp runs slower with one thread per SMT sibling."""
    try:
        siblings = set()
        for cpu in Path("/sys/devices/system/cpu").glob("cpu[0-9]*/topology/thread_siblings_list"):
            siblings.add(cpu.read_text().strip())
        if siblings:
            return min(len(siblings), len(os.sched_getaffinity(0)))
    except OSError:
        pass
    return max(1, (os.cpu_count() or 2) // 2)


def amx_built() -> bool:
    """Whether this llama.cpp build multiplies with Intel AMX. Built with gcc 12 (llama-cpp-python 0.3.36), that
    path loads a tile configuration whose rows and widths are not the source's (seen in gdb: `ldtilecfg` in
    ggml_backend_amx_mul_mat, a Xeon VM) and the process dies with SIGSEGV at the first decode, so on such builds
    the extra weight buffers (AMX, and with it weight repacking) are not used."""
    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


@dataclass(frozen=True)
class ModelInfo:
    """What `offgrid doctor` and the status line show about a loaded model."""

    path: Path
    description: str
    architecture: str
    n_ctx_train: int
    n_vocab: int
    fim: FimFormat | None


class Model:
    """Owns the llama.cpp model and context. Not thread-safe: only the engine worker touches it."""

    def __init__(
        self,
        path: Path,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        n_seq_max: int = 5,
        n_batch: int = 512,
        mmap: bool = False,
        n_gpu_layers: int = -1,
    ) -> None:
        global _backend_ready
        check_gguf(path)
        if not _backend_ready:
            llama_cpp.llama_backend_init()
            _backend_ready = True
        self.path = path
        self.file = FileIdentity.of(path)
        self.mmap = mmap
        mparams = llama_cpp.llama_model_default_params()
        # Mapped weights die with their file: truncating it while the server runs kills the process with SIGBUS.
        # Reading them into memory costs about 0.5 s more at start (0.5B model) and no more RSS.
        mparams.load_mode = llama_cpp.LLAMA_LOAD_MODE_MMAP if mmap else llama_cpp.LLAMA_LOAD_MODE_NONE
        mparams.use_extra_bufts = not amx_built()
        mparams.n_gpu_layers = n_gpu_layers  # -1: all (llama.cpp's convention); no effect without a GPU backend
        self.model = llama_cpp.llama_model_load_from_file(str(path).encode(), mparams)
        if not self.model:
            arch = gguf_architecture(path)
            hint = f" (architecture {arch!r} may be unsupported by llama.cpp {llama_cpp.__version__})" if arch else ""
            raise ModelError(f"llama.cpp could not load {path}{hint}; is the file complete?")
        self.vocab = llama_cpp.llama_model_get_vocab(self.model)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(self.vocab)
        self.n_threads = n_threads or physical_cores()
        self.n_batch = n_batch
        cparams = llama_cpp.llama_context_default_params()
        cparams.n_ctx = n_ctx
        cparams.n_batch = n_batch
        cparams.n_ubatch = n_batch
        cparams.n_seq_max = n_seq_max
        cparams.kv_unified = True  # all sequences share the n_ctx cells, so one busy document can use them all
        cparams.n_threads = self.n_threads
        cparams.n_threads_batch = self.n_threads
        cparams.no_perf = True
        self.ctx = llama_cpp.llama_init_from_model(self.model, cparams)
        if not self.ctx:
            llama_cpp.llama_model_free(self.model)
            raise ModelError(f"llama.cpp could not create a context of {n_ctx} tokens for {path} (out of memory?)")
        self.n_ctx = llama_cpp.llama_n_ctx(self.ctx)
        self.n_seq_max = n_seq_max
        self.memory = llama_cpp.llama_get_memory(self.ctx)
        self.can_shift = bool(llama_cpp.llama_memory_can_shift(self.memory))
        self.add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self.vocab))
        self.bos = llama_cpp.llama_vocab_bos(self.vocab)
        self.fim = self._detect_fim()
        self.info = ModelInfo(
            path=path,
            description=self._desc(),
            architecture=self.meta("general.architecture") or "unknown",
            n_ctx_train=llama_cpp.llama_model_n_ctx_train(self.model),
            n_vocab=self.n_vocab,
            fim=self.fim,
        )

    def file_problem(self) -> str | None:
        """What happened to the model file since it was loaded (deleted, replaced, changed), or None."""
        return self.file.changed(self.path)

    # --- metadata -------------------------------------------------------------------------------------

    def _desc(self) -> str:
        buf = ctypes.create_string_buffer(256)
        llama_cpp.llama_model_desc(self.model, buf, len(buf))
        return buf.value.decode(errors="replace")

    def meta(self, key: str) -> str | None:
        """A GGUF metadata value as text, or None."""
        buf = ctypes.create_string_buffer(4096)
        n = llama_cpp.llama_model_meta_val_str(self.model, key.encode(), buf, len(buf))
        return buf.value.decode(errors="replace") if n >= 0 else None

    def _detect_fim(self) -> FimFormat | None:
        v = self.vocab
        declared = (
            llama_cpp.llama_vocab_fim_pre(v),
            llama_cpp.llama_vocab_fim_suf(v),
            llama_cpp.llama_vocab_fim_mid(v),
            llama_cpp.llama_vocab_fim_pad(v),
            llama_cpp.llama_vocab_fim_rep(v),
            llama_cpp.llama_vocab_fim_sep(v),
        )
        return detect_fim(self.special_token_id, declared)

    def special_token_id(self, text: str) -> int | None:
        """The id of a token whose whole text is `text` (special tokens included), or None."""
        ids = self.tokenize(text, special=True)
        if len(ids) == 1 and self.piece(ids[0], special=True) == text.encode():
            return ids[0]
        return None

    # --- tokens ---------------------------------------------------------------------------------------

    def tokenize(self, text: str, special: bool = False) -> list[int]:
        """Token ids of `text`, no BOS. Special-token text in user code stays plain text unless `special`."""
        data = text.encode("utf-8", errors="surrogatepass")
        n_max = len(data) + 8
        buf = (llama_cpp.llama_token * n_max)()
        n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buf, n_max, False, special)
        if n < 0:
            n_max = -n
            buf = (llama_cpp.llama_token * n_max)()
            n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buf, n_max, False, special)
        return list(buf[:n])

    def piece(self, token: int, special: bool = False) -> bytes:
        """The bytes a token stands for (may be part of a UTF-8 character)."""
        buf = ctypes.create_string_buffer(64)
        n = llama_cpp.llama_token_to_piece(self.vocab, token, buf, len(buf), 0, special)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(self.vocab, token, buf, len(buf), 0, special)
        return buf.raw[:n]

    def ends_generation(self, token: int) -> bool:
        """End-of-text, end-of-turn and other control tokens (FIM tokens too) end a suggestion."""
        return bool(
            llama_cpp.llama_vocab_is_eog(self.vocab, token) or llama_cpp.llama_vocab_is_control(self.vocab, token)
        )

    def close(self) -> None:
        """Free the context and the weights."""
        if self.ctx:
            llama_cpp.llama_free(self.ctx)
            self.ctx = None
        if self.model:
            llama_cpp.llama_model_free(self.model)
            self.model = None
