"""Generated questions: deterministic, every kind in both languages and both splits, expected values and
citations read from the document's facts, unanswerable variants really absent from them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.eval.generate import (
    ABSENT_BODIES,
    ABSENT_BODY,
    ABSENT_YEAR,
    AFTER_RECOSTING,
    APPROVED_2024,
    TEMPLATES,
    GeneratedQuestion,
    Kind,
    Split,
    generate_questions,
    period_of,
    read_questions,
    write_questions,
)
from budgetqa.eval.gold import relevant_ids
from budgetqa.ingest.bodies import BodyRegistry
from budgetqa.ingest.budget import Basis, Measure
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document


@pytest.fixture(scope="module")
def document() -> Document:
    return load_document()


@pytest.fixture(scope="module")
def facts(document: Document) -> list[Fact]:
    return extract_facts(document)


@pytest.fixture(scope="module")
def questions(document: Document) -> list[GeneratedQuestion]:
    return generate_questions(document)


def test_generation_is_deterministic(document: Document, questions: list[GeneratedQuestion]) -> None:
    again = generate_questions(document)
    assert [q.to_json() for q in again] == [q.to_json() for q in questions]


def test_every_kind_appears_in_both_languages_and_both_splits(questions: list[GeneratedQuestion]) -> None:
    seen = {(q.lang, q.kind, q.split) for q in questions}
    for lang in ("zh", "en"):
        for split in Split:
            for kind in Kind:
                assert (lang, kind.value, split.value) in seen, (lang, kind, split)


def test_the_check_half_has_150_to_300_questions_per_language(questions: list[GeneratedQuestion]) -> None:
    for lang in ("zh", "en"):
        count = sum(q.lang == lang and q.split == "check" for q in questions)
        assert 150 <= count <= 300, (lang, count)


def test_every_kind_has_at_least_8_templates_per_language_half_fit_half_check() -> None:
    for kind in Kind:
        for lang in ("zh", "en"):
            mine = [t for t in TEMPLATES if t.kind is kind and t.lang == lang]
            fit = [t for t in mine if t.split is Split.FIT]
            check = [t for t in mine if t.split is Split.CHECK]
            assert len(mine) >= 8 and len(fit) == len(check) == len(mine) // 2, (kind, lang)
    assert {t.split for t in TEMPLATES} == {Split.FIT, Split.CHECK}
    assert len({t.id for t in TEMPLATES}) == len(TEMPLATES)


def test_a_question_takes_the_split_of_its_template(questions: list[GeneratedQuestion]) -> None:
    splits = {t.id: t.split.value for t in TEMPLATES}
    assert all(q.split == splits[q.template] for q in questions)


def test_expected_values_are_the_facts_they_came_from(
    questions: list[GeneratedQuestion], facts: list[Fact]
) -> None:
    by_id = {fact.id: fact for fact in facts}
    for question in (q for q in questions if q.answerable):
        fact = by_id[question.fact or ""]
        value = fact.usd if fact.measure is Measure.MONEY else fact.number
        assert value is not None and question.expected == (pytest.approx(value, abs=0.01),), question.id
        assert question.slot["body"] == fact.body and question.slot["funding"] == fact.funding.value
        assert question.slot["measure"] == fact.measure.value
        period = period_of(fact)
        assert period is not None and question.slot["period"] == period.value
        assert question.unit == {"money": "USD", "posts": "posts", "percentage": "%"}[fact.measure.value]
        assert f"{fact.source.kind.value}:{fact.source.ref}" in question.refs


def test_acceptable_refs_exist_in_the_document_and_print_the_figure(
    questions: list[GeneratedQuestion], document: Document, facts: list[Fact]
) -> None:
    units = {f"table:{t.ref}" for t in document.tables} | {f"paragraph:{p.ref}" for p in document.paragraphs}
    units |= {f"annex:{a.number}" for a in document.annexes}
    printed: dict[str, set[float]] = {}
    for fact in facts:
        value = fact.usd if fact.measure is Measure.MONEY else fact.number
        if value is not None:
            printed.setdefault(f"{fact.source.kind.value}:{fact.source.ref}", set()).add(round(value, 2))
    for question in (q for q in questions if q.answerable):
        assert question.refs and set(question.refs) <= units, question.id
        for ref in question.refs:
            assert any(abs(v - question.expected[0]) < 0.5 for v in printed[ref]), (question.id, ref)


def test_follow_ups_come_after_the_question_they_follow_in_the_same_language_and_split(
    questions: list[GeneratedQuestion],
) -> None:
    seen: dict[str, GeneratedQuestion] = {}
    follow_ups = 0
    for question in questions:
        if question.follow_up_of is not None:
            first = seen[question.follow_up_of]
            assert (first.lang, first.split) == (question.lang, question.split)
            assert (
                first.slot["body"] == question.slot["body"]
                and first.slot["period"] != question.slot["period"]
            )
            follow_ups += 1
        seen[question.id] = question
    assert follow_ups >= 20


def test_unanswerable_variants_are_absent_from_the_facts(
    questions: list[GeneratedQuestion], document: Document, facts: list[Fact]
) -> None:
    registry = BodyRegistry.of(document)
    titles = "".join(part.title for part in document.parts)
    unanswerable = [q for q in questions if not q.answerable]
    assert {q.variant for q in unanswerable} == {APPROVED_2024, AFTER_RECOSTING, ABSENT_YEAR, ABSENT_BODY}
    for question in unanswerable:
        assert question.expected == () and question.refs == ()
        body = question.slot.get("body")
        if question.variant == ABSENT_YEAR:
            year = question.slot["year"]
            assert not [f for f in facts if f.body == body and f.year == year and f.measure is Measure.MONEY]
        elif question.variant == APPROVED_2024:
            assert not [
                f
                for f in facts
                if f.body == body
                and f.year == 2024
                and f.measure is Measure.MONEY
                and f.basis in (Basis.APPROVED, Basis.APPROPRIATION)
            ]
        elif question.variant == AFTER_RECOSTING:
            assert not [
                f for f in facts if f.body == body and "重计费用后" in (f.source.column or f.source.text)
            ]
        else:
            name = str(question.slot["absent_body"])
            assert name in question.question and registry.find(name) == [] and name not in titles
    for names in ABSENT_BODIES.values():
        assert all(registry.find(name) == [] for name in names)


def test_questions_round_trip_through_jsonl(questions: list[GeneratedQuestion], tmp_path) -> None:
    path = tmp_path / "generated.jsonl"
    assert write_questions(questions[:30], path) == 30
    assert read_questions(path) == questions[:30]


def test_a_generated_question_becomes_a_gold_question_for_the_runner(
    questions: list[GeneratedQuestion],
) -> None:
    question = next(q for q in questions if q.answerable and any(r.startswith("annex:") for r in q.refs))
    gold = question.as_gold()
    assert gold.type == "numeric" and relevant_ids(gold) == set(question.refs)
    follow = next(q for q in questions if q.follow_up_of)
    assert follow.as_gold().follow_up_of == follow.follow_up_of
    declined = next(q for q in questions if not q.answerable)
    assert declined.as_gold().type == "unanswerable"


def test_eval_generate_writes_the_questions_without_loading_a_model(tmp_path) -> None:
    out = tmp_path / "generated.jsonl"
    result = CliRunner().invoke(app, ["eval", "generate", "--out", str(out), "--split", "check"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and {r["split"] for r in records} == {"check"}
    assert {
        "id",
        "lang",
        "kind",
        "template",
        "expected",
        "unit",
        "refs",
        "answerable",
        "follow_up_of",
    } <= set(records[0])


def test_eval_rejects_an_unknown_part_or_split() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["eval", "--only", "everything"]).exit_code == 2
    assert runner.invoke(app, ["eval", "--generated-split", "half"]).exit_code == 2
    assert runner.invoke(app, ["eval", "generate", "--out", "x.jsonl", "--split", "half"]).exit_code == 2
