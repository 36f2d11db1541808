from __future__ import annotations

import pytest

from budgetqa.index.language import detect_language


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("政治建和部 2024 年的员额资源是多少？", "zh"),
        ("UNOAU 2024 年的员额？", "zh"),
        ("How many posts does DPPA have in 2024?", "en"),
        ("How many posts does 联非办 have in 2024?", "en"),
        ("3.115", "en"),
    ],
)
def test_detect_language(question: str, language: str) -> None:
    assert detect_language(question) == language
