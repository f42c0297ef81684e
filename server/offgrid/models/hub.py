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


class _Unreachable(Exception):
    """The hub did not answer at all (no route, no name, refused, timed out): not worth huggingface_hub's retries."""


def _in_cache(source: HubSource) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(source.repo_id, source.filename, revision=source.revision), str)


def _check_reachable(source: HubSource) -> None:
    """One HEAD for the file, without retries. Where it gets no answer, hf_hub_download would try five more times
    with a minute's timeout each, backing off 1+2+4+8+8 s: 23 s of silence before the same failure when offline."""
    import httpx2
    from huggingface_hub import constants, get_hf_file_metadata, hf_hub_url

    if constants.HF_HUB_OFFLINE:
        return  # hf_hub_download says so itself
    url = hf_hub_url(source.repo_id, source.filename, revision=source.revision)
    try:
        get_hf_file_metadata(url, timeout=constants.HF_HUB_ETAG_TIMEOUT)
    except httpx2.TimeoutException as e:
        why = f"no answer in {constants.HF_HUB_ETAG_TIMEOUT:g} s (HF_HUB_ETAG_TIMEOUT)"
        raise _Unreachable(unreachable_message(constants.ENDPOINT, why)) from e
    except httpx2.TransportError as e:
        raise _Unreachable(unreachable_message(constants.ENDPOINT, str(e) or type(e).__name__)) from e


def unreachable_message(endpoint: str, why: str) -> str:
    return f"cannot reach {endpoint} ({why}); check the network or proxy, or set HF_ENDPOINT to a mirror"


def fetch_from_hub(source: HubSource, sha256: str | None, progress: Progress) -> Path:
    """Download (or find in the cache) `source` and check its sha256.

    Without a pinned hash, the hub's own LFS hash (the blob's name in the cache) is checked instead.
    """
    import httpx2  # huggingface_hub's HTTP client: its transport errors are not OSErrors
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    label = f"fetching {source.filename} from {source.repo_id}"
    try:
        if not _in_cache(source):
            progress.update(label, 0, 0)  # said at once: the hub may take seconds to answer, or never
            _check_reachable(source)
        path = Path(
            hf_hub_download(
                source.repo_id,
                source.filename,
                revision=source.revision,
                tqdm_class=_tqdm_for(progress, label),
            )
        )
    except _Unreachable as e:
        raise DownloadError(f"could not download {source.repo_id}/{source.filename}: {e}") from e
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
