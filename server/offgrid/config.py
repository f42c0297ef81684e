"""offgrid's settings: one nested dataclass model with defaults, read from LSP initializationOptions or the
`offgrid` workspace configuration section (camelCase keys), the CLI, and the environment.

Every settings class lives here and the layers below import theirs from here; this module imports none of them,
so reading settings loads no model code (a remote-only setup never imports llama.cpp)."""

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from offgrid.models.presets import AUTO_PRESET  # a leaf module: the settings pull in no model code

BACKENDS = ("local", "infill", "openai")  # the values of `backend` (see Settings)

MODEL_ENV = "OFFGRID_MODEL"  # the model's path or preset, below the --model flag and above the client's settings

# The completion prompt's windows, written once: CompletionSettings' defaults, and those of the prompt budget and
# the infill request built from them.
DEFAULT_PREFIX_TOKENS = 1024
DEFAULT_SUFFIX_TOKENS = 256
DEFAULT_WINDOW_STEP = 16  # the prefix window drops lines from the top this many at a time


@dataclass(frozen=True)
class EngineSettings:
    """How the model is run."""

    threads: int | None = None  # None: the physical cores
    context_size: int = 8192
    documents: int = 4  # prompts whose KV cache is kept warm at once (plus scratch, speculative, action)
    # of those, how many one document may hold: where the cursor was before a jump to a far place keeps its
    # cache, so coming back costs only what changed (1: one per document, as before)
    windows_per_document: int = 2
    min_reuse_chunk: int = 32  # shortest run of cached tokens worth moving instead of recomputing
    # "chunks": reuse the common prefix and move cached runs after lines are inserted or deleted above the cursor
    # (far fewer tokens; the moved keys are approximate until the repair below recomputes them in a pause).
    # "prefix": the common prefix only. "none": no reuse. See `offgrid bench consistency [--repair]`.
    cache_reuse: str = "chunks"
    # With "chunks": after this long without a request, recompute the shifted part of the cache, so the drift
    # never outlives a pause in typing.
    repair_idle_ms: int = 300
    # Memory-map the weights instead of reading them in: a faster start, and pages shared between servers, but
    # the file must not change while the server runs (truncating a mapped file kills the process). When it is
    # seen changed, the server stops using the model and says so.
    mmap: bool = False
    # Layers put on the GPU where llama.cpp was built with one (Metal, CUDA, Vulkan, ROCm): -1 all of them
    # (llama.cpp's convention), 0 none (CPU only), N the first N. Without a GPU backend, ignored.
    gpu_layers: int = -1


LAYOUTS = ("psm", "typed-last", "spm")


@dataclass(frozen=True)
class CompletionSettings:
    """Windows, budgets and caps for inline completion."""

    prefix_lines: int = 128
    suffix_lines: int = 32
    window_step: int = DEFAULT_WINDOW_STEP
    prefix_tokens: int = DEFAULT_PREFIX_TOKENS
    suffix_tokens: int = DEFAULT_SUFFIX_TOKENS
    max_tokens: int = 128
    # tokens a model that ends its blocks itself may go on past where the block rules guess the end: if it then
    # ends the text, the longer answer is kept (engine/generation.py HeldStop, complete/model_ends.py);
    # 0: the rules decide
    end_grace_tokens: int = 64
    prompt_time_ms: int | None = 10_000
    generate_time_ms: int | None = 1_500
    reuse_suggestions: bool = True  # answer typed-through suggestions from memory, without the model
    prefetch: bool = True  # while idle, compute the next suggestion as if the shown one were accepted
    invoked_items: int = 3  # suggestions for an explicit request (one while typing)
    # where the typed part of the cursor's line goes in the prompt: "psm" (at the end of the prefix, as the models
    # were trained), "typed-last" (after the middle token) or "spm" (suffix first); see complete/prompt.py
    layout: str = "psm"
    # in idle time, evaluate the prompt where the cursor rests (the editor's offgrid/cursor notification: a file
    # opened or focused, a jump) and the rest of a prompt that promptTimeMs stopped, so the next keystroke there
    # pays only for what changed; any request stops it
    warm: bool = True

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ValueError(f"completion.layout must be one of {', '.join(LAYOUTS)}, not {self.layout!r}")


@dataclass(frozen=True)
class ContextSettings:
    """What goes into the prompt besides the local window, and how much of the workspace is indexed."""

    enabled: bool = True
    max_tokens: int = 512  # the pack's budget (the local prefix and suffix windows have their own)
    index_workspace: bool = True
    max_files: int = 5000
    max_file_bytes: int = 1 << 20
    recent_chunks: int = 8
    # tokens of the pack spent on other files' code most like the lines being written (0: none)
    similar_tokens: int = 256
    # how other files are shown to the model: "comments" writes them as comments with a path header at the top
    # of the prefix (any model; within a case or two of "repo" on `offgrid bench context` with
    # Qwen2.5-Coder-0.5B), "repo" uses its repo-level tokens (<|repo_name|>, <|file_sep|>) where the vocabulary
    # has them
    format: str = "comments"
    # relevance gates (context/relevance.py): a recent chunk enters the pack only when it uses at least this share
    # of the names in the code above the cursor, a window of similar code only when its score reaches
    # similarMinScore; 0 lets everything in
    recent_min_overlap: float = 0.3
    similar_min_score: float = 0.1


@dataclass(frozen=True)
class ActionSettings:
    """Limits and scheduling for code actions."""

    max_selection_lines: int = 500  # larger selections are refused with a message
    max_tokens: int = 512  # longest answer
    max_prompt_tokens: int = 4096  # a longer prompt (a huge function, a long selection) is refused with a message
    context_lines: int = 20  # lines before the code shown to the model as context
    preempt: bool = True  # completions stop a running action between tokens; it resumes afterwards
    message_chars: int = 240  # explanations up to this long are a message, longer ones a markdown document


@dataclass(frozen=True)
class RemoteSettings:
    """Where the model server is and how to talk to it. The API key itself is never a setting."""

    url: str = ""  # base URL, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine for "openai")
    model: str = ""  # model name sent to /v1/completions ("": the server's first model)
    fim: str = ""  # "openai" only: FIM format or preset name ("": from the model name, then `preset`)
    api_key_env: str = ""  # name of the environment variable that holds the API key ("": no key)
    connect_timeout_ms: int = 3_000
    read_timeout_ms: int = 15_000  # longest silence while the server evaluates the prompt or generates
    verify_tls: bool = True
    ca_bundle: str = ""  # a CA bundle file for servers with a private certificate authority


@dataclass(frozen=True)
class Settings:
    """Everything a user can set."""

    model: str | None = None  # a GGUF path or a preset name; overrides `preset`
    preset: str = AUTO_PRESET  # "auto": the largest preset this machine runs fast enough (see `offgrid doctor`)
    engine: EngineSettings = field(default_factory=EngineSettings)
    completion: CompletionSettings = field(default_factory=CompletionSettings)
    context: ContextSettings = field(default_factory=ContextSettings)
    actions: ActionSettings = field(default_factory=ActionSettings)
    debug: bool = False  # llama.cpp's own logs (model loading) on stderr; they hold no source text
    # Log suggestions, action answers and the LSP messages themselves (which carry the documents' text) at the
    # server's log level. Off: no log line, message or metric holds source text.
    log_source_text: bool = False
    # Documents larger than this get no suggestions, actions or syntax tree (told once per document).
    max_document_bytes: int = 4 << 20
    # "local": the model in this process. "infill": a llama.cpp server's /infill. "openai": an OpenAI-compatible
    # /v1/completions (vLLM, Ollama, llama-cpp-python's server). With a remote backend no local model is loaded.
    backend: str = "local"
    remote: RemoteSettings = field(default_factory=RemoteSettings)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")

    def model_choice(self) -> str:
        """The path or preset to load: `model` (see `with_model_flag`), then `preset`."""
        return self.model or self.preset


def with_model_flag(settings: Settings, flag: str | None) -> Settings:
    """The settings with `model` in the documented order: the `--model` flag, then the `OFFGRID_MODEL`
    environment variable, then the client's `model` (initializationOptions or workspace settings)."""
    return replace(settings, model=flag or os.environ.get(MODEL_ENV) or settings.model)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=False)
    for cls in (EngineSettings, CompletionSettings, ContextSettings, ActionSettings, RemoteSettings, Settings):
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, **{f.name: override(rename=_camel(f.name)) for f in fields(cls)})
        )
    return conv


_CONVERTER = _converter()


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, str | None]:
    """Settings from a client's JSON object; on bad values, the defaults and a message saying what was wrong."""
    base = base or Settings()
    if raw is None or raw == {}:
        return base, None
    if not isinstance(raw, dict):
        return base, f"offgrid settings must be an object, not {type(raw).__name__}; using defaults"
    try:
        merged = _merge(_unstructure(base), raw)
        return _CONVERTER.structure(merged, Settings), None
    except Exception as e:  # cattrs raises a group of per-field errors
        detail = (
            "; ".join(cattrs.transform_error(e, format_exception=_describe))
            if isinstance(e, cattrs.BaseValidationError)
            else str(e)
        )
        return base, f"invalid offgrid settings ({detail}); using defaults"


def _describe(exc: BaseException, type_: Any) -> str:
    """cattrs' wording, except for our own checks, whose messages say what is allowed."""
    if type(exc) is ValueError and type_ is None:
        return str(exc)
    return format_exception(exc, type_)


def _unstructure(s: Any) -> Any:
    if hasattr(s, "__dataclass_fields__"):
        return {_camel(f.name): _unstructure(getattr(s, f.name)) for f in fields(s)}
    return s


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
