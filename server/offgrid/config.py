"""offgrid's settings: one nested dataclass model with defaults, read from LSP initializationOptions or the
`offgrid` workspace configuration section (camelCase keys), the CLI, and the environment."""

import os
from dataclasses import dataclass, field, fields
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.v import format_exception

from offgrid.actions.settings import ActionSettings
from offgrid.complete.pipeline import CompletionSettings
from offgrid.context.service import ContextSettings
from offgrid.engine.backends import BACKENDS, RemoteSettings
from offgrid.models.presets import DEFAULT_PRESET


@dataclass(frozen=True)
class EngineSettings:
    """How the model is run."""

    threads: int | None = None  # None: the physical cores
    context_size: int = 8192
    documents: int = 4  # documents whose KV cache is kept warm at once (plus scratch, speculative, action)
    min_reuse_chunk: int = 32  # shortest run of cached tokens worth moving instead of recomputing
    # "chunks": reuse the common prefix and move cached runs after lines are inserted or deleted above the cursor
    # (far fewer tokens; the moved keys are approximate until the repair below recomputes them in a pause).
    # "prefix": the common prefix only. "none": no reuse. See `offgrid bench consistency [--repair]`.
    cache_reuse: str = "chunks"
    # With "chunks": after this long without a request, recompute the shifted part of the cache, so the drift
    # never outlives a pause in typing.
    repair_idle_ms: int = 300


@dataclass(frozen=True)
class Settings:
    """Everything a user can set."""

    model: str | None = None  # a GGUF path or a preset name; overrides `preset`
    preset: str = DEFAULT_PRESET
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
        """The path or preset to load: the `OFFGRID_MODEL` environment variable, then `model`, then `preset`."""
        return os.environ.get("OFFGRID_MODEL") or self.model or self.preset


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
