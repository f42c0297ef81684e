"""Explanations quote code and the temp folder is shared: they go to a folder only the user can read, and a
planted link or someone else's folder of that name is not used."""

import os
import stat
import tempfile

import pytest
from offgrid.lsp.action_commands import explanations_folder


@pytest.fixture
def temp(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_folder_is_the_users_own_and_private(temp):
    folder = explanations_folder()
    assert folder == temp / f"offgrid-explanations-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert explanations_folder() == folder  # reused


def test_a_planted_link_or_an_open_folder_is_not_used(temp):
    elsewhere = temp / "elsewhere"
    elsewhere.mkdir()
    (temp / f"offgrid-explanations-{os.getuid()}").symlink_to(elsewhere)
    folder = explanations_folder()
    assert folder.parent == temp and folder.name.startswith("offgrid-explanations-") and not folder.is_symlink()
    assert folder.resolve() != elsewhere.resolve() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    os.unlink(temp / f"offgrid-explanations-{os.getuid()}")
    opened = temp / f"offgrid-explanations-{os.getuid()}"
    opened.mkdir(mode=0o777)
    os.chmod(opened, 0o777)
    assert explanations_folder() != opened
