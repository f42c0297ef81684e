"""The workspace index: .gitignore, bounds, odd files, and updates."""

import logging
import os

from offgrid.config import ContextSettings
from offgrid.context.index import WorkspaceIndex
from offgrid.context.service import ContextService
from offgrid.context.walk import WalkLimits, source_files


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(index, name):
    return sorted(s.path.rsplit("/", 1)[-1] for s in index.definitions(name))


def test_gitignore_is_honoured_at_every_level(tmp_path):
    write(tmp_path / ".gitignore", "build/\n*.gen.py\n")
    write(tmp_path / "a.py", "def keep(): pass\n")
    write(tmp_path / "build" / "b.py", "def dropped(): pass\n")
    write(tmp_path / "c.gen.py", "def dropped(): pass\n")
    write(tmp_path / "sub" / ".gitignore", "local.py\n")
    write(tmp_path / "sub" / "local.py", "def dropped(): pass\n")
    write(tmp_path / "sub" / "kept.py", "def keep(): pass\n")
    write(tmp_path / "node_modules" / "x.js", "function dropped() {}\n")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in source_files(tmp_path, WalkLimits()))
    assert found == ["a.py", "sub/kept.py"]


def test_symlink_loops_and_dangling_links_do_not_hang_or_crash(tmp_path):
    write(tmp_path / "pkg" / "m.py", "def f(): pass\n")
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")  # a folder linking to its ancestor
    os.symlink(tmp_path / "a.py", tmp_path / "b.py")  # b -> a -> b
    os.symlink(tmp_path / "b.py", tmp_path / "a.py")
    os.symlink(tmp_path / "missing.py", tmp_path / "dangling.py")
    index = WorkspaceIndex([tmp_path])
    stats = index.build()
    assert stats.files == 1 and names(index, "f") == ["m.py"]


def test_big_minified_and_binary_files_are_skipped_and_said_once(tmp_path, caplog):
    write(tmp_path / "ok.js", "function ok() {}\n")
    write(tmp_path / "big.js", "function big() {}\n" + "// pad\n" * 200_000)
    write(tmp_path / "min.js", "function mini(){" + "var a=1;" * 2000 + "}\n")
    (tmp_path / "blob.py").write_bytes(b"def x():\0\0\0 pass\n")
    with caplog.at_level(logging.INFO, logger="offgrid.context.walk"):
        index = WorkspaceIndex([tmp_path], WalkLimits(max_file_bytes=1 << 20))
        index.build()
    assert names(index, "ok") == ["ok.js"]
    assert not index.definitions("big") and not index.definitions("mini") and not index.definitions("x")
    assert sum("big.js" in r.message for r in caplog.records) == 1
    assert sum("min.js" in r.message for r in caplog.records) == 1


def test_file_count_is_bounded(tmp_path):
    for i in range(30):
        write(tmp_path / f"m{i:02}.py", f"def f{i}(): pass\n")
    index = WorkspaceIndex([tmp_path], WalkLimits(max_files=10))
    assert index.build().files == 10


def test_syntax_errors_everywhere_still_index_what_parses(tmp_path):
    write(tmp_path / "broken.py", "def good(a, b):\n    return a +\n\nclass Half(:\n    def method(self, x\n")
    index = WorkspaceIndex([tmp_path])
    index.build()
    assert names(index, "good") == ["broken.py"]


def test_updates_and_removals(tmp_path):
    path = write(tmp_path / "m.py", "def old(): pass\n")
    index = WorkspaceIndex([tmp_path])
    index.build()
    gen = index.generation
    write(path, "def new(): pass\n")
    index.update(path)
    assert not index.definitions("old") and names(index, "new") == ["m.py"]
    assert index.generation > gen
    path.unlink()
    index.update(path)  # gone: dropped
    assert not index.definitions("new") and len(index) == 0


def test_modules_by_stem(tmp_path):
    write(tmp_path / "pkg" / "__init__.py", "def top(): pass\n")
    write(tmp_path / "utils.py", "def helper(): pass\n")
    index = WorkspaceIndex([tmp_path])
    index.build()
    assert [o.path.rsplit("/", 1)[-1] for o in index.modules("utils")] == ["utils.py"]
    assert [o.path.rsplit("/", 2)[-2] for o in index.modules("pkg")] == ["pkg"]


def test_links_out_of_the_workspace_are_never_read(tmp_path):
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    write(ws / "real.py", "def kept(): pass\n")
    write(outside / "secret.py", "def leaked(): pass\n")
    write(outside / "deep" / "more.py", "def leaked_too(): pass\n")
    write(outside / ".gitignore", "real.py\n")
    os.symlink(outside / "secret.py", ws / "link.py")  # a file link pointing out
    os.symlink(outside, ws / "linked_dir")  # a folder link pointing out
    os.symlink(ws / "real.py", ws / "alias.py")  # a link that stays inside is fine
    os.symlink(outside / ".gitignore", ws / ".gitignore")  # not even a .gitignore is read through a link
    os.symlink(ws, ws / "loop")
    index = WorkspaceIndex([ws])
    index.build()
    assert names(index, "leaked") == [] and names(index, "leaked_too") == []
    assert sorted(names(index, "kept")) == ["alias.py", "real.py"]
    # a save or watched-file event naming the link does not read through it either
    index.update(ws / "link.py")
    index.update(ws / "linked_dir" / "deep" / "more.py")
    assert names(index, "leaked") == [] and names(index, "leaked_too") == []
    service = ContextService(ContextSettings(), [ws])
    service.file_changed(ws / "link.py")
    assert service.index.definitions("leaked") == []


def test_recent_files_give_the_new_text_once_a_file_changes(tmp_path):
    import os

    from offgrid.context.walk import RecentFiles, WalkLimits

    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    files = RecentFiles(size=1)
    assert files.read(path, WalkLimits()) == "x = 1\n"
    path.write_text("x = 22\n")
    assert files.read(path, WalkLimits()) == "x = 22\n"
    st = path.stat()
    path.write_text("y = 33\n")  # the same size: the modification time tells
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert files.read(path, WalkLimits()) == "y = 33\n"
    (tmp_path / "b.py").write_text("b = 0\n")
    assert files.read(tmp_path / "b.py", WalkLimits()) == "b = 0\n" and len(files._texts) == 1
    path.unlink()
    assert files.read(path, WalkLimits()) is None
