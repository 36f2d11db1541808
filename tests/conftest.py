"""Shared fixtures: the bundled document, parsed once per test session; and a file-writing helper."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def document():
    """The bundled A/78/6 (Sect. 3), parsed once for the whole session."""
    from budgetqa.data import bundled_document_path
    from budgetqa.ingest.parser import parse_document

    return parse_document(bundled_document_path())


def write_file(directory: Path, name: str, data: bytes) -> Path:
    """`data` written to `directory / name` (bad-input tests build their files with it)."""
    path = directory / name
    path.write_bytes(data)
    return path
