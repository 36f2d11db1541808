"""Atomic writes: a file or directory is replaced whole, a failed or killed write leaves the old one,
and what a killed writer left behind is put back or removed by the next reader."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from budgetqa import atomic
from budgetqa.atomic import recover_directory, remove_stale_temporaries, replace_directory, write_text


def _dead_pid() -> int:
    """The id of a process that has exited (a real one, so the id is not in use right after)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _contents(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.iterdir())}


def test_write_text_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "manifest.json"
    write_text(target, "one")
    write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["manifest.json"]


def test_a_failed_directory_build_leaves_the_old_directory_untouched(tmp_path: Path) -> None:
    target = tmp_path / "index"
    with replace_directory(target) as tmp:
        (tmp / "data").write_text("good")
    with pytest.raises(RuntimeError), replace_directory(target) as tmp:
        (tmp / "data").write_text("half")
        raise RuntimeError("embedding failed")
    assert (target / "data").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_a_directory_is_replaced_by_one_exchange_leaving_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "index"
    with replace_directory(target) as tmp:
        (tmp / "data").write_text("old")
        (tmp / "gone").write_text("only in the old one")
    with replace_directory(target) as tmp:
        (tmp / "data").write_text("new")
    assert _contents(target) == {"data": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_without_an_atomic_exchange_the_directory_is_replaced_by_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "exchange_paths", lambda first, second: False)
    target = tmp_path / "index"
    for content in ("old", "new"):
        with replace_directory(target) as tmp:
            (tmp / "data").write_text(content)
    assert _contents(target) == {"data": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_a_directory_moved_aside_by_a_dead_writer_is_put_back(tmp_path: Path) -> None:
    aside = tmp_path / f".index.old-{_dead_pid()}"
    aside.mkdir()
    (aside / "data").write_text("old")
    done = recover_directory(tmp_path / "index")
    assert done == [f"restored index from {aside.name}, left by an interrupted write"]
    assert _contents(tmp_path / "index") == {"data": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_temporaries_of_dead_writers_are_removed_and_those_of_live_ones_kept(tmp_path: Path) -> None:
    dead = _dead_pid()
    (tmp_path / f".index.tmp-{dead}-abc").mkdir()
    (tmp_path / f".usem3.npz.tmp-{dead}-xyz").write_bytes(b"half")
    (tmp_path / f".index.tmp-{os.getpid()}-live").mkdir()  # this process may be writing it
    (tmp_path / f".index.tmp-{os.getppid()}-live").mkdir()
    (tmp_path / ".hidden").write_text("not a temporary")
    removed = remove_stale_temporaries(tmp_path)
    assert sorted(removed) == [
        f"removed .index.tmp-{dead}-abc, left by an interrupted write",
        f"removed .usem3.npz.tmp-{dead}-xyz, left by an interrupted write",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".hidden", f".index.tmp-{os.getpid()}-live", f".index.tmp-{os.getppid()}-live"]
    )


# A writer replacing ./index ("old" → "new") that kills itself with SIGKILL at one point of the write:
# no exception handler, no cleanup runs, as when the machine or the process is killed.
_KILLED_WRITER = textwrap.dedent(
    """
    import os, shutil, signal, sys
    from pathlib import Path
    from budgetqa import atomic

    point = sys.argv[1]
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_replace, real_fsync_tree = os.replace, atomic.fsync_tree
    renames = []
    def replace(src, dst):
        renames.append(src)
        if point == "between renames" and len(renames) == 2:
            die()
        return real_replace(src, dst)
    if point in ("between renames", "after renames"):
        atomic.exchange_paths = lambda first, second: False
        os.replace = replace
    if point == "before the swap":
        atomic.fsync_tree = lambda root: (real_fsync_tree(root), die())
    if point in ("after the exchange", "after renames"):
        shutil.rmtree = die

    with atomic.replace_directory(Path("index")) as tmp:
        (tmp / "a").write_text("new")
        if point == "while writing":
            die()
        (tmp / "b").write_text("new")
    """
)

KILL_POINTS = {  # where the writer dies → what the directory holds afterwards
    "while writing": "old",
    "before the swap": "old",
    "after the exchange": "new",
    "between renames": "old",  # old directory moved aside, new one not yet in place
    "after renames": "new",
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_writer_killed_at_any_point_leaves_the_old_or_the_new_directory_whole(tmp_path: Path, point: str) -> None:
    target = tmp_path / "index"
    target.mkdir()
    (target / "a").write_text("old")
    (target / "b").write_text("old")
    child = subprocess.run([sys.executable, "-c", _KILLED_WRITER, point], cwd=tmp_path, capture_output=True)
    assert child.returncode == -9, child.stderr.decode()
    recover_directory(target)
    expected = KILL_POINTS[point]
    assert _contents(target) == {"a": expected, "b": expected}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
