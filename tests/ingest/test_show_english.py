"""`budgetqa show REF --lang en`: the unit's English version from the shipped versions."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.ingest.english import EnglishVersions


def test_show_lang_en_prints_the_checked_english_version_of_a_paragraph(document, tmp_path, monkeypatch) -> None:
    """The first shipped paragraph whose checked English states a dollar figure is shown in English."""
    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path))  # only the shipped versions
    versions = EnglishVersions.load(document)
    found = [
        (paragraph.ref, english)
        for paragraph in document.paragraphs
        if (english := versions.get(f"paragraph:{paragraph.ref}")) and re.search(r"US\$[\d,.]+ (?:million|thousand)?", english)
    ]
    assert found, "the shipped versions have no checked paragraph with a dollar figure"
    ref, english = found[0]
    result = CliRunner().invoke(app, ["show", ref, "--lang", "en"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert " ".join(english.split()[:8]) in shown
    assert "Machine translation, figures checked" in result.output
    figure = re.search(r"US\$[\d,.]+", english)
    assert figure is not None and figure.group(0).removeprefix("US") in shown and "美元" not in result.output


def test_show_lang_en_of_a_table_names_the_parts_left_in_chinese(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BUDGETQA_CACHE_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["show", "表3.27", "--lang", "en"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Table 3.27: ")


def test_show_rejects_an_unknown_language() -> None:
    result = CliRunner().invoke(app, ["show", "3.115", "--lang", "fr"])
    assert result.exit_code == 2 and "choose zh or en" in result.output
