"""The bundled corpus: the Chinese text of A/78/6 (Sect. 3), shipped so the tool runs on a fresh machine."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SECTION_3_ZH = "A_78_6_Sect3_zh.txt"


def bundled_document_path() -> Path:
    """Path of the bundled A/78/6 (Sect. 3) Chinese text."""
    return Path(str(files(__name__).joinpath(SECTION_3_ZH)))
