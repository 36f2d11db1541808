"""Generated ranking questions ("which row of a body's table is largest"), on the real document: the
rankings are read from the facts, their first row is the expected figure, ties and rankings too short
to ask are left out, and the scorer does not let a figure listed later stand for the first row's."""

from __future__ import annotations

import random

import pytest

from budgetqa.eval.answer_metrics import AnswerRecord, CitedUnit
from budgetqa.eval.generate import (
    MIN_RANKED_ROWS,
    TEMPLATES,
    GeneratedQuestion,
    Kind,
    Period,
    Ranked,
    Split,
    Target,
    generate_questions,
    ranked_rows,
    ranking_phrases,
    ranking_targets,
    read_questions,
    row_names,
    write_questions,
)
from budgetqa.eval.generated_metrics import score
from budgetqa.ingest.bodies import SECTION_KEY, BodyRegistry
from budgetqa.ingest.budget import FundingSource, Measure
from budgetqa.ingest.commands import load_document
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document


@pytest.fixture(scope="module")
def section() -> tuple[Document, list[Fact]]:
    """The bundled section and its facts, read once for the module."""
    document = load_document()
    return document, extract_facts(document)


@pytest.fixture(scope="module")
def document(section: tuple[Document, list[Fact]]) -> Document:
    return section[0]


@pytest.fixture(scope="module")
def facts(section: tuple[Document, list[Fact]]) -> list[Fact]:
    return section[1]


@pytest.fixture(scope="module")
def targets(section: tuple[Document, list[Fact]]) -> list[Target]:
    return ranking_targets(section[1])


@pytest.fixture(scope="module")
def rankings(section: tuple[Document, list[Fact]]) -> list[GeneratedQuestion]:
    return [q for q in generate_questions(section[0]) if q.kind == Kind.RANKING.value]


def _find(
    targets: list[Target], body: str, rows: Ranked, measure: Measure, period: Period, *, lowest: bool
) -> list[Target]:
    return [
        t
        for t in targets
        if t.key.body == body
        and t.ranking is not None
        and t.ranking.rows is rows
        and t.key.measure is measure
        and t.key.period is period
        and t.ranking.lowest is lowest
    ]


def test_every_ranking_is_ordered_long_enough_and_has_a_single_first_row(targets: list[Target]) -> None:
    assert len(targets) >= 40
    for target in targets:
        ranking = target.ranking
        assert ranking is not None
        values = list(ranking.values)
        assert len(values) >= MIN_RANKED_ROWS and 0 not in values
        assert values == sorted(values, reverse=not ranking.lowest)
        assert target.value == values[0]
        assert all(abs(abs(v) - abs(values[0])) >= 0.5 for v in values[1:]), target
        if target.key.period is Period.CHANGE_2024:
            assert (values[0] < 0) if ranking.lowest else (values[0] > 0)
        assert target.key.period in (Period.CURRENT_2023, Period.PROPOSED_2024, Period.CHANGE_2024)


def test_every_kind_of_row_is_ranked_both_ways(targets: list[Target]) -> None:
    seen = {(t.ranking.rows, t.ranking.lowest) for t in targets if t.ranking is not None}
    assert seen == {(rows, lowest) for rows in Ranked for lowest in (False, True)}
    periods = {t.key.period for t in targets}
    assert periods == {Period.CURRENT_2023, Period.PROPOSED_2024, Period.CHANGE_2024}


def test_the_first_row_is_the_extreme_of_the_table_it_comes_from(
    targets: list[Target], facts: list[Fact]
) -> None:
    by_id = {f.id: f for f in facts}
    for target in targets:
        assert target.ranking is not None
        first = by_id[target.fact_id]
        assert ranked_rows(first) is target.ranking.rows
        same_rows = [
            f
            for f in facts
            if ranked_rows(f) is target.ranking.rows
            and f.body == first.body
            and f.measure is first.measure
            and f.year == first.year
            and f.basis is first.basis
            and f.change == first.change
            and (target.ranking.rows is Ranked.SOURCES or f.funding is first.funding)
            and f.table_kind is first.table_kind
            and f.source.ref == first.source.ref
            and not f.is_nil
            and f.number
        ]
        values = [(f.usd if f.measure is Measure.MONEY else f.number) or 0.0 for f in same_rows]
        best = min(values) if target.ranking.lowest else max(values)
        assert target.value == pytest.approx(best, abs=0.01), target


def test_known_rankings_of_the_document(targets: list[Target]) -> None:
    # the largest fall among the Special Coordinator's objects of expenditure: contractual services
    [fall] = _find(targets, "UNSCO", Ranked.OBJECTS, Measure.MONEY, Period.CHANGE_2024, lowest=True)
    assert fall.key.item == (None, "订约承办事务") and fall.value == -62_900.0 and "table:3.46" in fall.refs
    # DPPA's grade with the most regular-budget posts in 2024
    [grade] = _find(targets, "DPPA", Ranked.GRADES, Measure.POSTS, Period.PROPOSED_2024, lowest=False)
    assert grade.key.item == (None, "GS (OL)") and grade.value == 86 and grade.refs == ("table:3.26",)
    # the section's smallest funding source in 2024: other assessed resources, printed in annex IV
    [source] = _find(targets, SECTION_KEY, Ranked.SOURCES, Measure.MONEY, Period.PROPOSED_2024, lowest=True)
    assert source.key.funding is FundingSource.OTHER_ASSESSED and source.value == 8_947_600.0
    assert source.refs == ("annex:四",)
    # DPPA's subprogramme with the largest extrabudgetary resources, first of five printed rows
    subs = _find(targets, "DPPA", Ranked.SUBPROGRAMMES, Measure.MONEY, Period.PROPOSED_2024, lowest=False)
    [xb] = [t for t in subs if t.key.funding is FundingSource.EXTRABUDGETARY]
    assert xb.subprogramme == 1 and xb.value == 25_212_000.0 and xb.ranking is not None
    assert len(xb.ranking.values) == 5  # two of the seven subprogrammes print none


def test_ties_short_rankings_and_missing_directions_ask_nothing(targets: list[Target]) -> None:
    # three grades of the Register of Damage share the fewest posts
    assert not _find(targets, "UNRoD", Ranked.GRADES, Measure.POSTS, Period.PROPOSED_2024, lowest=True)
    # the Special Coordinator's grades change by +2, +1 and -1: a fall of one is as large as a rise of one
    assert not _find(targets, "UNSCO", Ranked.GRADES, Measure.POSTS, Period.CHANGE_2024, lowest=True)
    assert _find(targets, "UNSCO", Ranked.GRADES, Measure.POSTS, Period.CHANGE_2024, lowest=False)
    # no object of expenditure of the Office of Counter-Terrorism falls
    assert not _find(targets, "UNOCT", Ranked.OBJECTS, Measure.MONEY, Period.CHANGE_2024, lowest=True)
    # only one DPPA subprogramme's regular budget changes
    assert not _find(targets, "DPPA", Ranked.SUBPROGRAMMES, Measure.MONEY, Period.CHANGE_2024, lowest=False)
    # the special political missions print two money sources, not three
    assert not [t for t in targets if t.key.body == "SPM"]


def test_ranking_targets_refs_are_tables_or_annexes_that_print_the_first_row(
    targets: list[Target], facts: list[Fact]
) -> None:
    printed: dict[str, set[float]] = {}
    for fact in facts:
        value = fact.usd if fact.measure is Measure.MONEY else fact.number
        if value is not None:
            printed.setdefault(f"{fact.source.kind.value}:{fact.source.ref}", set()).add(round(value, 2))
    for target in targets:
        assert target.refs and all(r.startswith(("table:", "annex:")) for r in target.refs)
        assert all(any(abs(v - target.value) < 0.5 for v in printed[r]) for r in target.refs)


def test_ranking_templates_are_eight_per_language_split_in_halves() -> None:
    for lang in ("zh", "en"):
        mine = [t for t in TEMPLATES if t.kind is Kind.RANKING and t.lang == lang]
        assert len([t for t in mine if t.split is Split.FIT]) == 4
        assert len([t for t in mine if t.split is Split.CHECK]) == 4
        assert len({t.text for t in mine}) == 8


def test_every_template_fills_for_every_ranking(targets: list[Target], document: Document) -> None:
    registry = BodyRegistry.of(document)
    rng = random.Random(7)
    for target in targets:
        for template in (t for t in TEMPLATES if t.kind is Kind.RANKING):
            words = ranking_phrases(target, template.lang, registry.by_key(target.key.body), rng)
            text = template.text.format(**words)
            assert "{" not in text and "  " not in text.strip(), text
            rows = words["rows_pl"] if "{rows_pl}" in template.text else words["rows"]
            assert words["body"] in text and rows in text and words["most"] in text


def test_ranking_questions_in_both_languages_and_halves(rankings: list[GeneratedQuestion]) -> None:
    for lang in ("zh", "en"):
        for split in ("fit", "check"):
            mine = [q for q in rankings if q.lang == lang and q.split == split]
            assert len(mine) >= 20 and len({q.question for q in mine}) == len(mine)
    for question in rankings:
        assert question.answerable and question.unit in ("USD", "posts")
        assert len(question.rivals) >= MIN_RANKED_ROWS - 1 and question.expected[0] not in question.rivals
        assert question.slot["ranks"] in {r.value for r in Ranked}
        assert question.slot["extreme"] in ("highest", "lowest")
    zh = " ".join(q.question for q in rankings if q.lang == "zh")
    en = " ".join(q.question for q in rankings if q.lang == "en")
    assert "最少" in zh and "最多" in zh and "明年" in zh
    assert "fewest" in en and "object of expenditure" in en.replace(
        "objects of expenditure", "object of expenditure"
    )


def test_a_ranking_question_round_trips_with_its_rivals(rankings: list[GeneratedQuestion], tmp_path) -> None:
    path = tmp_path / "ranking.jsonl"
    write_questions(rankings[:5], path)
    assert read_questions(path) == rankings[:5] and all(q.rivals for q in read_questions(path))


# ---------------------------------------------------------------------------------------------- scoring


def test_a_first_row_is_named_in_both_languages(targets: list[Target], facts: list[Fact]) -> None:
    by_id = {f.id: f for f in facts}
    [fall] = _find(targets, "UNSCO", Ranked.OBJECTS, Measure.MONEY, Period.CHANGE_2024, lowest=True)
    assert fall.ranking is not None and {"订约承办事务", "contractual services"} <= set(fall.ranking.names)
    [sub] = [
        t
        for t in _find(
            targets, "DPPA", Ranked.SUBPROGRAMMES, Measure.POSTS, Period.PROPOSED_2024, lowest=True
        )
        if t.key.funding is FundingSource.REGULAR_BUDGET
    ]
    assert {"次级方案 7", "subprogramme 7"} <= set(row_names(Ranked.SUBPROGRAMMES, by_id[sub.fact_id]))
    [source] = _find(targets, SECTION_KEY, Ranked.SOURCES, Measure.MONEY, Period.PROPOSED_2024, lowest=True)
    assert source.ranking is not None and {"其他分摊资源", "other assessed resources"} <= set(
        source.ranking.names
    )


def _question(
    expected: float, rivals: tuple[float, ...], unit: str, first_row: tuple[str, ...] = ()
) -> GeneratedQuestion:
    return GeneratedQuestion(
        "r",
        "en",
        "ranking",
        "ranking-en-check-1",
        "check",
        "Which …?",
        (expected,),
        unit,
        ("table:3.46",),
        True,
        rivals=rivals,
        first_row=first_row,
    )


def _answer(text: str) -> AnswerRecord:
    return AnswerRecord("r", text, (CitedUnit("table", "3.46"),))


def test_the_first_row_must_be_stated_before_the_others() -> None:
    question = _question(-62_900.0, (-34_700.0, 4_200.0), "USD")
    right = "Largest fall: contractual services: USD -62.9 thousand. Ranking: USD -62.9 thousand; USD -34.7 thousand"
    assert score(question, _answer(right)).correct
    wrong = "Largest fall: general operating expenses: USD -34.7 thousand. Ranking: …; contractual services: USD -62.9 thousand"
    result = score(question, _answer(wrong))
    assert not result.value_ok and not result.correct and not result.wrong_unit
    assert not score(question, _answer("一般业务费用 -34.7 千美元")).correct


def test_numbers_of_row_names_are_not_taken_for_figures() -> None:
    grades = _question(17.0, (13.0, 12.0, 4.0, 1.0), "posts")
    assert score(grades, _answer("最多的是 P-4：17 个员额。排序：P-4：17；GS (OL)：13；P-3：12")).correct
    assert score(grades, _answer("Largest: P-2/1 is not it; P-4: 17 posts")).correct
    assert not score(grades, _answer("Largest: GS (OL): 13; P-4: 17")).correct
    subprogrammes = _question(147.0, (48.0, 2.0), "posts")
    assert score(subprogrammes, _answer("最多的是预防冲突（次级方案 2）：147")).correct


def test_an_equal_figure_of_another_slot_without_the_first_row_named_is_not_the_answer() -> None:
    question = _question(2.0, (1.0, -1.0), "posts", ("LL",))
    assert score(question, _answer("Largest rise among the grades: LL: +2 posts (30 → 32)")).correct
    assert score(question, _answer("各职等中，增加最多的是LL：+2 个员额")).correct
    body_total = "The Special Coordinator's regular budget, change 2023 to 2024: +2 posts [Table 3.48]"
    assert not score(question, _answer(body_total)).correct
    objects = _question(-62_900.0, (-34_700.0,), "USD", ("订约承办事务", "contractual services"))
    assert score(objects, _answer("Largest fall: Contractual services: USD -62.9 thousand")).correct
    assert score(objects, _answer("减少最多的是订约承办事务：-62.9 千美元")).correct
