"""The `budgetqa search` contract other tools rely on, run through the real CLI on the session index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.settings import Settings


@pytest.fixture(scope="module")
def env(usem3_service, usem3_settings: Settings) -> dict[str, str | None]:
    """The CLI's environment: the session cache (index and sentence embeddings already built)."""
    return {
        "BUDGETQA_CACHE_DIR": str(usem3_settings.cache_dir),
        "BUDGETQA_ENCODERS": "usem3",
        "BUDGETQA_DOCUMENT": None,
        "HF_HUB_OFFLINE": "1",
    }


def _search(env: dict[str, str | None], *args: str):
    return CliRunner().invoke(app, ["search", *args], env=env)


def test_search_json_prints_one_object_with_ranked_results(env) -> None:
    result = _search(env, "How much is proposed for special political missions in 2024?", "--json", "--top-k", "5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    results = payload["results"]
    assert 1 <= len(results) <= 5
    for item in results:
        assert {"kind", "ref", "score", "lines"} <= set(item)
        assert isinstance(item["score"], float) and len(item["lines"]) == 2
        assert item["lines"][0] <= item["lines"][1]
    assert {"kind": "paragraph", "ref": "3.144"}.items() <= next(r for r in results if r["ref"] == "3.144").items()


def test_a_row_hit_is_reported_as_its_table_with_the_row(env) -> None:
    result = _search(env, "政治建和部员额 2023 年批款 47 278.1", "--json", "--top-k", "10")
    assert result.exit_code == 0, result.output
    rows = [item for item in json.loads(result.stdout)["results"] if "row" in item]
    assert rows and all(item["kind"] == "table" for item in rows)
    assert {"ref": "3.24", "row": "员额"}.items() <= next(item for item in rows if item["ref"] == "3.24").items()


def test_a_reference_is_looked_up_before_searching(env) -> None:
    result = _search(env, "para 3.115", "--json")
    first = json.loads(result.stdout)["results"][0]
    assert (first["kind"], first["ref"]) == ("paragraph", "3.115")


def test_batch_prints_one_line_per_input_and_bad_lines_do_not_stop_the_others(env, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "question": "联合国同阿拉伯国家联盟合作这个次级方案有几个员额？"}, ensure_ascii=False),
                json.dumps({"id": "b", "question": "那 2023 年呢？", "follow_up_of": "a"}, ensure_ascii=False),
                "{not json",
                json.dumps({"id": "no-question"}),
                json.dumps({"id": "orphan", "question": "那 2022 年呢？", "follow_up_of": "nobody"}, ensure_ascii=False),
                "",
                json.dumps({"id": "c", "question": "表3.27"}, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = _search(env, "--batch", str(questions), "--top-k", "3")
    assert result.exit_code == 1, result.output  # some lines failed
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [record["id"] for record in records] == ["a", "b", "line 3", "no-question", "orphan", "c"]
    errors = {record["id"]: record["error"] for record in records if "error" in record}
    assert set(errors) == {"line 3", "no-question", "orphan"}
    assert "question" in errors["no-question"] and "nobody" in errors["orphan"]
    answered = {record["id"]: record["results"] for record in records if "results" in record}
    assert all(1 <= len(results) <= 3 for results in answered.values())
    assert answered["c"][0]["kind"] == "table" and answered["c"][0]["ref"] == "3.27"
    # the follow-up is answered in the session of "a": it stays on the same subject
    assert answered["b"][0]["ref"] in {item["ref"] for item in answered["a"]}


def test_search_needs_a_question_or_a_batch_file(env) -> None:
    result = _search(env)
    assert result.exit_code == 2 and "QUESTION or --batch" in result.stderr


def test_an_empty_question_is_an_error_with_exit_code_2(env) -> None:
    result = _search(env, "   ", "--json")
    assert result.exit_code == 2 and "empty question" in result.stderr and result.stdout == ""


def test_an_unreadable_batch_file_is_an_error_that_names_it(env, tmp_path: Path) -> None:
    result = _search(env, "--batch", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 2 and "missing.jsonl" in result.stderr


def test_a_batch_line_with_id_0_keeps_its_id(env, tmp_path: Path) -> None:
    questions = tmp_path / "zero.jsonl"
    questions.write_text('{"id": 0, "question": "表3.27"}\n{"id": 1, "question": "那 2023 年呢？", "follow_up_of": 0}\n')
    result = _search(env, "--batch", str(questions), "--top-k", "1")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["0", "1"]
    assert all("results" in json.loads(line) for line in result.stdout.splitlines())


@pytest.mark.parametrize("command", [["index"], ["search", "表3.27"]])
def test_an_encoder_that_cannot_be_had_is_an_error_that_says_what_to_do(env, command, tmp_path: Path) -> None:
    offline = {**env, "BUDGETQA_ENCODERS": str(tmp_path / "no-such-model"), "HF_HUB_OFFLINE": "1"}
    result = CliRunner().invoke(app, command, env=offline)
    assert result.exit_code == 2
    assert "no-such-model" in result.stderr and "BUDGETQA_ENCODERS=usem3,e5-small" in result.stderr.replace("\n", "")
