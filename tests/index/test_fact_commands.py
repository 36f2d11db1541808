"""`budgetqa facts`: filters by any body name, read-only SQL, exports that pandas reads back, exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.index.fact_store import COLUMN_NAMES
from budgetqa.settings import Settings


@pytest.fixture(scope="module")
def env(opened_facts, facts_cache: Settings) -> dict[str, str | None]:
    return {"BUDGETQA_CACHE_DIR": str(facts_cache.cache_dir), "BUDGETQA_DOCUMENT": None, "COLUMNS": "200"}


def _facts(env: dict[str, str | None], *args: str):
    return CliRunner().invoke(app, ["facts", *args], env=env)


@pytest.mark.parametrize("body", ["UNOCT", "反恐办", "Office of Counter-Terrorism", "unoct"])
def test_facts_of_a_body_by_any_of_its_names(env, body: str) -> None:
    result = _facts(env, "--body", body, "--year", "2024", "--measure", "posts", "--source", "regular-budget", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert records and {r["body"] for r in records} == {"UNOCT"}
    assert {r["value"] for r in records if r["basis"] == "proposed" and r["label"] == "共计"} == {57.0}


def test_the_terminal_table_cites_each_figure(env) -> None:
    result = _facts(env, "--table", "3.27", "--basis", "estimate-before-recosting")
    assert result.exit_code == 0, result.output
    assert "51 212.8" in result.stdout and "表 3.27" in result.stdout
    assert "89 606.9" not in result.stdout  # the all-sources total is an estimate, not before recosting


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--body", "UNDP"], "unknown body 'UNDP'; choose one of: DPPA"),
        (["--measure", "weight"], "unknown measure 'weight'; choose one of: money, posts"),
        (["--basis", "guess"], "choose one of: actual, appropriation"),
        (["--source", "gifts"], "choose one of: regular_budget"),
        (["--table", "3.99"], "no table 3.99"),
        (["--sql", "DROP TABLE facts"], "read-only"),
        (["--sql", "SELECT 1", "--year", "2024"], "--sql cannot be combined with --year"),
        (["--format", "parquet"], "give --out FILE"),
        (["--format", "table", "--out", "x.txt"], "prints to the terminal"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_code_2(env, args: list[str], message: str) -> None:
    result = _facts(env, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert result.stderr.startswith("error:") and result.stdout == ""


def test_sql_output_is_the_query_result(env) -> None:
    result = _facts(env, "--sql", "SELECT body, count(*) AS n FROM facts GROUP BY body ORDER BY body", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "body,n" and len(lines) == 8


@pytest.mark.parametrize(
    ("output_format", "read"),
    [
        ("csv", pd.read_csv),
        ("json", pd.read_json),
        ("parquet", pd.read_parquet),
        ("xlsx", pd.read_excel),
    ],
)
def test_exports_read_back_in_pandas_with_every_row(env, opened_facts, tmp_path: Path, output_format: str, read) -> None:
    pytest.importorskip({"parquet": "pyarrow", "xlsx": "openpyxl"}.get(output_format, "pandas"))
    out = tmp_path / f"dppa.{output_format}"
    result = _facts(env, "--body", "DPPA", "--format", output_format, "--out", str(out))
    assert result.exit_code == 0, result.output
    frame = read(out)
    assert len(frame) == len(opened_facts.query(body="DPPA"))
    assert list(frame.columns) == list(COLUMN_NAMES)
    assert set(frame["body"]) == {"DPPA"}
