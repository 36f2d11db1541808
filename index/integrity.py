"""Checksums of the files of an index directory, recorded at build time and verified on open.

A store file that was truncated, overwritten, bit-flipped or deleted after the index was written is
found before any loader reads it, and named, so that the index is rebuilt instead of answering from
damaged data (or crashing inside FAISS or bm25s).

>>> # files = digest_directory(index_dir, exclude={"manifest.json"})     # at build time
>>> # problems = find_damage(index_dir, files)                           # on open: [] when intact
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class FileDigest:
    """Size in bytes and sha256 of one file."""

    size: int
    sha256: str


def digest_file(path: Path) -> FileDigest:
    """The size and sha256 of `path`."""
    with path.open("rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return FileDigest(path.stat().st_size, sha256)


def digest_directory(root: Path, *, exclude: Collection[str] = ()) -> dict[str, FileDigest]:
    """Digests of every file under `root`, keyed by their POSIX path relative to it (sorted)."""
    return {
        path.relative_to(root).as_posix(): digest_file(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).as_posix() not in exclude
    }


def find_damage(root: Path, expected: dict[str, FileDigest]) -> list[str]:
    """What differs between the files under `root` and their recorded digests, one line per file
    (missing, wrong size, wrong checksum); an empty list when every file is intact."""
    problems: list[str] = []
    for name, digest in expected.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            problems.append(f"{name!r} is not the name of a file inside the index")
            continue
        path = root / relative
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        size = path.stat().st_size
        if size != digest.size:
            problems.append(f"{name} has {size} bytes, {digest.size} were written")
        elif digest_file(path).sha256 != digest.sha256:
            problems.append(f"{name} does not match its checksum (sha256 {digest.sha256[:12]}…)")
    return problems
