from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.atomic import replace_directory, write_text


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
