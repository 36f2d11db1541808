"""`budgetqa ask` prints an answer's citations in the answer's language, on the real document."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app

pytestmark = pytest.mark.slow


def test_an_english_answer_lists_its_cited_rows_in_english() -> None:
    result = CliRunner().invoke(app, ["ask", "Do the posts of the Office of Counter-Terrorism add up?"])
    assert result.exit_code == 0, result.output
    footer = result.output.split("╯")[-1]
    assert "Table 3.80 · Professional and higher" in footer and "专业及以上职类" not in footer


def test_a_chinese_answer_lists_its_cited_rows_as_printed() -> None:
    result = CliRunner().invoke(app, ["ask", "反恐办的员额数字对得上吗？"])
    assert result.exit_code == 0, result.output
    assert "表 3.80 · 专业及以上职类" in result.output.split("╯")[-1]
