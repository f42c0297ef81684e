"""fetch_from_hub (and fetch_preset for a hub-only preset) against a local stand-in for the Hugging Face hub.

huggingface_hub does the real HTTP work (HEAD for the metadata, GET for the bytes, its own cache layout); the
stand-in on 127.0.0.1 answers like the hub does for an LFS file: X-Repo-Commit, an ETag that is the file's sha256,
and no Xet headers, so the plain HTTP download path is used.
"""

import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from offgrid.errors import DownloadError
from offgrid.models.cache import is_verified
from offgrid.models.hub import fetch_from_hub
from offgrid.models.presets import HubSource, Preset
from offgrid.models.resolve import fetch_preset

from tests.support.progress import Recording

REPO = "stand-in/tiny-GGUF"
FILENAME = "tiny-q4_k_m.gguf"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
PAYLOAD = b"GGUF" + bytes(range(256)) * 24  # a few KB, not all one byte
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()

_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


@dataclass
class Served:
    content: bytes
    etag: str  # what the hub says the sha256 is (normally the content's own)


@dataclass
class StandIn:
    """What the stand-in serves, and every request it saw."""

    url: str = ""
    files: dict[tuple[str, str], Served] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    drop_get: bool = False  # close the connection on GET without answering (network failure mid-download)

    def count(self, method: str) -> int:
        return sum(1 for m, _, _ in self.requests if m == method)


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # keep pytest output clean
            pass

        def _answer(self, send_body: bool) -> None:
            state.requests.append((self.command, self.path, dict(self.headers)))
            m = _RESOLVE.match(self.path.split("?", 1)[0])
            if m is None:
                return self._error(404, "RepoNotFound")
            repo, rev, filename = m["repo"], unquote(m["rev"]), unquote(m["file"])
            if not any(r == repo for r, _ in state.files):
                return self._error(404, "RepoNotFound")
            if rev not in ("main", COMMIT):
                return self._error(404, "RevisionNotFound")
            served = state.files.get((repo, filename))
            if served is None:
                return self._error(404, "EntryNotFound", commit=True)
            if send_body and state.drop_get:
                self.close_connection = True
                return
            body, status, extra = served.content, 200, {}
            rng = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if rng and send_body:
                start = int(rng[1])
                body, status = served.content[start:], 206
                extra["Content-Range"] = f"bytes {start}-{len(served.content) - 1}/{len(served.content)}"
            self.send_response(status)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{served.etag}"')
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _error(self, status: int, code: str, commit: bool = False) -> None:
            body = f'{{"error": "{code}"}}'.encode()
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            if commit:
                self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self._answer(send_body=False)

        def do_GET(self):
            self._answer(send_body=True)

    return Handler


def _point_hub_at(monkeypatch, endpoint: str, hf_home: Path) -> None:
    """Aim huggingface_hub at `endpoint`, with its cache and token under `hf_home`, in this process.

    huggingface_hub reads HF_ENDPOINT, HF_HOME, timeouts and so on into `huggingface_hub.constants` at import time,
    so the environment variables alone do nothing once it is imported: the constants are patched as well.
    """
    from huggingface_hub import constants

    hub_cache = hf_home / "hub"
    env = {"HF_ENDPOINT": endpoint, "HF_HOME": str(hf_home), "HF_HUB_CACHE": str(hub_cache)}
    env |= {"HF_HUB_ETAG_TIMEOUT": "2", "HF_HUB_DOWNLOAD_TIMEOUT": "2", "HF_HUB_DISABLE_XET": "1"}
    env |= {"HF_HUB_DISABLE_TELEMETRY": "1"}  # else it also asks the endpoint for /api/agent-harnesses
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", endpoint + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub_cache))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(hf_home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(hf_home / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_XET_CACHE", str(hf_home / "xet"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(hf_home / ".agent_harnesses.json"))
    monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", 2)
    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 2)


@pytest.fixture
def fast_retries(monkeypatch):
    """Bound huggingface_hub's retries: it backs off 1+2+4+8+8 s on a refused HEAD and 5 x 1 s on a failed GET."""
    from huggingface_hub import file_download
    from huggingface_hub.utils import _http

    monkeypatch.setitem(_http.http_backoff.__kwdefaults__, "base_wait_time", 0.01)
    monkeypatch.setitem(_http.http_backoff.__kwdefaults__, "max_wait_time", 0.01)
    http_get = getattr(file_download.http_get, "__wrapped__", file_download.http_get)
    monkeypatch.setitem(http_get.__kwdefaults__, "_nb_retries", 0)


@contextmanager
def serving(state: StandIn) -> Iterator[StandIn]:
    """The stand-in hub on a loopback port (its address in `state.url`) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def hub(tmp_path, monkeypatch, fast_retries):
    with serving(StandIn(files={(REPO, FILENAME): Served(PAYLOAD, PAYLOAD_SHA)})) as state:
        _point_hub_at(monkeypatch, state.url, tmp_path / "hf")
        monkeypatch.setenv("OFFGRID_CACHE", str(tmp_path / "offgrid"))
        yield state


def _hub_cache(tmp_path: Path) -> Path:
    return (tmp_path / "hf" / "hub").resolve()


def _blobs(tmp_path: Path) -> list[Path]:
    """Every file in the stand-in repo's blob folder (partial downloads included), stamps left out."""
    folder = _hub_cache(tmp_path) / f"models--{REPO.replace('/', '--')}" / "blobs"
    return [p for p in folder.glob("*") if not p.name.endswith(".verified")] if folder.is_dir() else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_download_verifies_reports_progress_and_lands_in_the_hub_cache(hub, tmp_path):
    progress = Recording()
    path = fetch_from_hub(HubSource(REPO, FILENAME), None, progress)

    assert path.read_bytes() == PAYLOAD
    assert path.name == FILENAME
    assert path.resolve().is_relative_to(_hub_cache(tmp_path))
    assert path.resolve().name == PAYLOAD_SHA  # the blob is named by the hub's hash
    assert is_verified(path.resolve(), PAYLOAD_SHA)
    # progress: byte counts that grow to the file's size, then one finish naming the file
    assert progress.updates, "no progress updates were received"
    assert all(FILENAME in m and REPO in m for m, _, _ in progress.updates)
    dones = [d for _, d, _ in progress.updates]
    assert dones == sorted(dones)
    assert progress.updates[-1][1:] == (len(PAYLOAD), len(PAYLOAD))
    assert len(progress.finished) == 1 and FILENAME in progress.finished[0]
    # only plain resolve requests reached the stand-in: a HEAD that checks the hub answers (without retries), one
    # HEAD for metadata, one GET for the bytes, no Xet
    assert [(m, p) for m, p, _ in hub.requests] == [
        ("HEAD", f"/{REPO}/resolve/main/{FILENAME}"),
        ("HEAD", f"/{REPO}/resolve/main/{FILENAME}"),
        ("GET", f"/{REPO}/resolve/main/{FILENAME}"),
    ]


def test_pinned_sha256_is_checked_too(hub):
    path = fetch_from_hub(HubSource(REPO, FILENAME), PAYLOAD_SHA, Recording())
    assert path.read_bytes() == PAYLOAD


def test_wrong_pinned_sha256_fails_and_leaves_nothing_usable(hub, tmp_path):
    wrong = "0" * 64
    progress = Recording()
    with pytest.raises(DownloadError, match="does not match") as info:
        fetch_from_hub(HubSource(REPO, FILENAME), wrong, progress)
    assert PAYLOAD_SHA in str(info.value) and wrong in str(info.value)
    assert progress.finished == []

    assert _blobs(tmp_path) == [], "the rejected blob was kept"
    snapshot = _hub_cache(tmp_path) / f"models--{REPO.replace('/', '--')}" / "snapshots" / COMMIT / FILENAME
    assert not snapshot.exists()  # a dangling link at most: nothing that opens

    # a second try downloads again rather than trusting anything from the first one
    with pytest.raises(DownloadError):
        fetch_from_hub(HubSource(REPO, FILENAME), wrong, Recording())
    assert hub.count("GET") == 2
    # and with the right hash, the file is fetched once more and used
    path = fetch_from_hub(HubSource(REPO, FILENAME), PAYLOAD_SHA, Recording())
    assert path.read_bytes() == PAYLOAD
    assert hub.count("GET") == 3


def test_content_that_does_not_match_the_hubs_etag_is_rejected(hub, tmp_path):
    corrupt = b"GGUF" + b"\x00" * (len(PAYLOAD) - 4)  # same size, other bytes: a damaged transfer
    hub.files[(REPO, FILENAME)] = Served(corrupt, PAYLOAD_SHA)
    with pytest.raises(DownloadError, match="does not match"):
        fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert _blobs(tmp_path) == []


def test_hub_without_a_sha256_etag_is_not_trusted(hub):
    hub.files[(REPO, FILENAME)] = Served(PAYLOAD, "a-git-sha1-not-a-sha256")
    with pytest.raises(DownloadError, match="no sha256"):
        fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())


def test_missing_file_is_a_clear_download_error(hub):
    with pytest.raises(DownloadError) as info:
        fetch_from_hub(HubSource(REPO, "no-such-file.gguf"), None, Recording())
    message = str(info.value)
    assert f"{REPO}/no-such-file.gguf" in message
    assert "404" in message


def test_missing_repo_is_a_clear_download_error(hub):
    with pytest.raises(DownloadError) as info:
        fetch_from_hub(HubSource("nobody/nothing", FILENAME), None, Recording())
    assert "nobody/nothing" in str(info.value)


def test_unknown_revision_is_a_download_error(hub):
    with pytest.raises(DownloadError, match=FILENAME):
        fetch_from_hub(HubSource(REPO, FILENAME, revision="v9"), None, Recording())


def test_connection_refused_is_a_download_error_without_hanging(hub, monkeypatch, tmp_path):
    dead = f"http://127.0.0.1:{_free_port()}"
    _point_hub_at(monkeypatch, dead, tmp_path / "hf")
    started = time.monotonic()
    with pytest.raises(DownloadError, match=f"could not download {REPO}/{FILENAME}"):
        fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert time.monotonic() - started < 5


def test_connection_lost_during_the_download_is_a_download_error(hub, tmp_path):
    hub.drop_get = True
    with pytest.raises(DownloadError, match=f"could not download {REPO}/{FILENAME}"):
        fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert hub.count("GET") == 1
    assert _blobs(tmp_path) == []  # no partial download left behind
    hub.drop_get = False
    assert fetch_from_hub(HubSource(REPO, FILENAME), None, Recording()).read_bytes() == PAYLOAD


def test_second_fetch_uses_the_cache(hub):
    first = fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert hub.count("GET") == 1
    progress = Recording()
    second = fetch_from_hub(HubSource(REPO, FILENAME), None, progress)
    assert second == first
    assert second.read_bytes() == PAYLOAD
    assert hub.count("GET") == 1  # only a HEAD to check the revision
    assert progress.updates == [] and len(progress.finished) == 1


def test_cached_file_is_used_when_the_hub_is_unreachable(hub, monkeypatch, tmp_path):
    first = fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    _point_hub_at(monkeypatch, f"http://127.0.0.1:{_free_port()}", tmp_path / "hf")
    started = time.monotonic()
    assert fetch_from_hub(HubSource(REPO, FILENAME), None, Recording()) == first
    assert time.monotonic() - started < 5


def test_pinned_commit_in_the_cache_makes_no_request(hub):
    first = fetch_from_hub(HubSource(REPO, FILENAME, revision=COMMIT), PAYLOAD_SHA, Recording())
    seen = len(hub.requests)
    assert fetch_from_hub(HubSource(REPO, FILENAME, revision=COMMIT), PAYLOAD_SHA, Recording()) == first
    assert len(hub.requests) == seen


def test_cached_blob_changed_on_disk_is_caught_and_fetched_again(hub):
    path = fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    blob = path.resolve()
    blob.chmod(0o644)
    blob.write_bytes(b"GGUF" + b"\xff" * (len(PAYLOAD) - 4))
    with pytest.raises(DownloadError, match="does not match"):
        fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert not blob.exists()
    again = fetch_from_hub(HubSource(REPO, FILENAME), None, Recording())
    assert again.read_bytes() == PAYLOAD
    assert hub.count("GET") == 2


def hub_only_preset(sha256: str | None, filename: str = FILENAME) -> Preset:
    return Preset(name="stand-in", filename=FILENAME, sha256=sha256, size_mb=1, hub=HubSource(REPO, filename))


def test_fetch_preset_hub_only(hub, tmp_path):
    progress = Recording()
    path = fetch_preset(hub_only_preset(PAYLOAD_SHA), progress)
    assert path.read_bytes() == PAYLOAD
    assert path.resolve().is_relative_to(_hub_cache(tmp_path))
    assert len(progress.finished) == 1
    assert [m for m, _, _ in hub.requests] == ["HEAD", "HEAD", "GET"]  # no PyPI source, so no pip


def test_fetch_preset_hub_only_failure_names_the_preset_and_the_hub(hub):
    with pytest.raises(DownloadError) as info:
        fetch_preset(hub_only_preset(PAYLOAD_SHA, filename="gone.gguf"), Recording())
    message = str(info.value)
    assert message.startswith("could not fetch preset stand-in: hub: ")
    assert "gone.gguf" in message


def test_a_fetched_hub_preset_is_found_in_the_cache_without_the_network(hub, tmp_path):
    from offgrid.models.resolve import cached_preset_path

    preset = hub_only_preset(None)
    assert cached_preset_path(preset) is None
    path = fetch_preset(preset, Recording())
    before = len(hub.requests)
    assert cached_preset_path(preset) == path  # doctor and later starts see it
    assert len(hub.requests) == before
