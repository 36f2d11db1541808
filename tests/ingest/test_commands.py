"""The ingest commands: `budgetqa ingest`, `budgetqa units`, `budgetqa show`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app

runner = CliRunner()


def test_ingest_prints_counts_misprints_and_debris():
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    assert "271" in result.output and "3.262" in result.output and "url 537" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01\x02binary", "binary"), (b"", "empty"), ("一些普通的中文文本。\n".encode(), "budget")],
)
def test_ingest_rejects_non_documents_with_a_message_and_exit_code_2(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2
    assert message in result.output.lower()
    assert "Traceback" not in result.output


def test_ingest_of_a_missing_file_says_it_does_not_exist(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_units_json_prints_one_contract_object_per_line(document):
    result = runner.invoke(app, ["units", "--json"])
    assert result.exit_code == 0
    lines = result.output.strip().split("\n")
    objects = [json.loads(line) for line in lines]
    assert objects[0] == next(document.units()).to_json()
    assert {o["kind"] for o in objects} >= {"paragraph", "table", "figure", "foreword", "mandates", "annex"}
    assert set(objects[0]) == {"kind", "ref", "title", "text", "lines", "section", "part"}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("3.115", "第 3.115 段"),
        ("表3.27", "表 3.27"),
        ("table 3.27", "表 3.27"),
        ("图 3.十四", "图 3.十四"),
        ("附件三", "附件三"),
    ],
)
def test_show_prints_a_unit_for_every_written_form(ref, expected):
    result = runner.invoke(app, ["show", ref], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_show_of_an_unknown_ref_names_the_nearest_and_fails():
    result = runner.invoke(app, ["show", "3.999"])
    assert result.exit_code == 2
    assert "3.271" in result.output
