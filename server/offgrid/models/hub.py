"""Fetch a GGUF from the Hugging Face hub into huggingface_hub's normal cache, and verify it.

`HF_ENDPOINT` points huggingface_hub at a mirror (or, in tests, a local stand-in server).
"""

import re
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from offgrid.errors import DownloadError
from offgrid.models.cache import disk_full_message, is_disk_full, is_verified, mark_verified, sha256_file
from offgrid.models.presets import HubSource
from offgrid.models.progress import Progress

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _tqdm_for(progress: Progress, label: str) -> type[tqdm]:
    """A tqdm class that forwards huggingface_hub's byte counts to `progress`."""

    class Forwarding(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True  # draw nothing; `progress` decides how to show it
            super().__init__(*args, **kwargs)
            self._done = 0

        def update(self, n: float | None = 1) -> bool | None:
            self._done += int(n or 0)
            progress.update(label, self._done, int(self.total or 0))
            return None

    return Forwarding


def fetch_from_hub(source: HubSource, sha256: str | None, progress: Progress) -> Path:
    """Download (or find in the cache) `source` and check its sha256.

    Without a pinned hash, the hub's own LFS hash (the blob's name in the cache) is checked instead.
    """
    import httpx2  # huggingface_hub's HTTP client: its transport errors are not OSErrors
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    label = f"fetching {source.filename} from {source.repo_id}"
    try:
        path = Path(
            hf_hub_download(
                source.repo_id,
                source.filename,
                revision=source.revision,
                tqdm_class=_tqdm_for(progress, label),
            )
        )
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, httpx2.HTTPError) as e:
        if is_disk_full(e):
            from huggingface_hub import constants

            why = disk_full_message(Path(constants.HF_HUB_CACHE), "HF_HUB_CACHE")
            raise DownloadError(f"could not download {source.repo_id}/{source.filename}: {why}") from e
        raise DownloadError(f"could not download {source.repo_id}/{source.filename}: {e}") from e
    blob = path.resolve()
    expected = sha256 or (blob.name if _SHA256.match(blob.name) else None)
    if expected is None:
        raise DownloadError(f"{source.filename}: the hub gave no sha256 to verify it against; not used")
    if not is_verified(blob, expected):
        actual = sha256_file(blob)
        if actual != expected:
            blob.unlink(missing_ok=True)
            raise DownloadError(f"{source.filename}: sha256 {actual} does not match {expected}; removed")
        mark_verified(blob, expected)
    progress.finish(f"{source.filename} is ready ({blob.stat().st_size / 1e6:.0f} MB)")
    return path
