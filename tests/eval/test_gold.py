"""The gold-set format: loading the packaged dev set, relevant unit ids, and errors on malformed lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetqa.eval.gold import (
    GoldFormatError,
    default_gold_path,
    load_gold,
    normalise_ranking,
    normalise_unit_id,
    relevant_ids,
    unit_id,
)

GOOD = {
    "id": "Q-1",
    "lang": "zh",
    "type": "numeric",
    "question": "建设和平基金2022年一共投了多少钱？",
    "gold_paragraphs": ["3.87"],
    "gold_tables": [],
    "gold_figures": ["3.十一"],
    "answer": "2.315 亿美元",
    "answer_zh_span": "投资 2.315 亿美元",
    "follow_up_of": None,
}


def _write(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_packaged_dev_set_has_63_questions_33_chinese_and_30_english() -> None:
    questions = load_gold(default_gold_path())
    assert len(questions) == 63
    assert sum(q.lang == "zh" for q in questions) == 33
    assert sum(q.lang == "en" for q in questions) == 30
    assert sum(not q.answerable for q in questions) == 6


def test_default_gold_path_is_package_data_of_budgetqa_eval() -> None:
    path = default_gold_path()
    assert path.name == "dev_qa.jsonl" and path.is_file()
    assert path.parent.name == "gold"


def test_relevant_ids_of_the_peacebuilding_fund_question_are_paragraph_3_87_and_figure_3_eleven() -> None:
    question = {q.id: q for q in load_gold(default_gold_path())}["P1-005"]
    assert relevant_ids(question) == {"paragraph:3.87", "figure:3.十一"}


def test_an_annex_listed_among_gold_tables_is_the_annex_unit() -> None:
    question = {q.id: q for q in load_gold(default_gold_path())}["P3-013"]
    assert relevant_ids(question) == {"paragraph:3.172", "annex:三"}


def test_unanswerable_questions_have_no_relevant_ids() -> None:
    unanswerable = [q for q in load_gold(default_gold_path()) if not q.answerable]
    assert unanswerable and all(relevant_ids(q) == set() for q in unanswerable)


def test_follow_ups_are_grouped_as_follow_up_besides_their_type() -> None:
    question = {q.id: q for q in load_gold(default_gold_path())}["P1-006"]
    assert question.follow_up_of == "P1-005"
    assert question.groups == ("numeric", "follow-up")


def test_table_rows_count_as_their_table_and_annex_forms_meet() -> None:
    assert normalise_unit_id("row:3.24:0") == "table:3.24"
    assert (
        normalise_unit_id("annex:附件三")
        == "annex:三"
        == unit_id("annex", "三")
        == unit_id("table", "附件三")
    )
    assert normalise_ranking(["row:3.24:2", "paragraph:3.1", "table:3.24", "row:3.27:0"]) == [
        "table:3.24",
        "paragraph:3.1",
        "table:3.27",
    ]


def test_a_unit_id_without_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="no kind prefix"):
        normalise_unit_id("3.115")


def test_invalid_json_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, '{"id": "Q-2", "lang": ')
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl:2: not valid JSON"):
        load_gold(path)


def test_an_unknown_language_is_an_error_listing_the_choices(tmp_path: Path) -> None:
    path = _write(tmp_path, {**GOOD, "lang": "fr"})
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl:1: 'lang' must be one of zh, en, got 'fr'"):
        load_gold(path)


def test_an_unknown_type_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, {**GOOD, "type": "trivia"})
    with pytest.raises(GoldFormatError, match="'type' must be one of"):
        load_gold(path)


def test_gold_units_must_be_a_list_of_strings(tmp_path: Path) -> None:
    path = _write(tmp_path, {**GOOD, "gold_paragraphs": "3.87"})
    with pytest.raises(GoldFormatError, match="'gold_paragraphs' must be a list of strings"):
        load_gold(path)


def test_a_missing_question_is_an_error(tmp_path: Path) -> None:
    record = {k: v for k, v in GOOD.items() if k != "question"}
    with pytest.raises(GoldFormatError, match="'question' must be a non-empty string"):
        load_gold(_write(tmp_path, record))


def test_duplicate_ids_name_the_first_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, GOOD)
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl:2: duplicate id 'Q-1' \(first on line 1\)"):
        load_gold(path)


def test_a_follow_up_must_follow_an_earlier_question(tmp_path: Path) -> None:
    path = _write(tmp_path, {**GOOD, "follow_up_of": "Q-0"})
    with pytest.raises(GoldFormatError, match="not an earlier question"):
        load_gold(path)


def test_an_answerable_question_needs_a_gold_unit(tmp_path: Path) -> None:
    path = _write(tmp_path, {**GOOD, "gold_paragraphs": [], "gold_figures": []})
    with pytest.raises(GoldFormatError, match="lists no gold paragraph, table or figure"):
        load_gold(path)


def test_blank_lines_are_skipped_and_a_missing_file_says_so(tmp_path: Path) -> None:
    assert [q.id for q in load_gold(_write(tmp_path, GOOD, "", {**GOOD, "id": "Q-2"}))] == ["Q-1", "Q-2"]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_gold(tmp_path / "missing.jsonl")
