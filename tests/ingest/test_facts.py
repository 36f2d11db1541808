"""Budget facts of A/78/6 (Sect. 3): each printed figure typed with its body, year, basis and source."""

from __future__ import annotations

import pytest

from budgetqa.ingest.budget import Basis, Breakdown, ChangeKind, FundingSource, Measure, TableKind
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.numeric import parse_number


@pytest.fixture(scope="module")
def facts(document) -> list[Fact]:
    return extract_facts(document)


def _pick(facts: list[Fact], **wanted: object) -> list[Fact]:
    def matches(fact: Fact) -> bool:
        for name, value in wanted.items():
            actual = getattr(fact.source, name[len("source_"):]) if name.startswith("source_") else getattr(fact, name)
            if actual != value:
                return False
        return True

    return [fact for fact in facts if matches(fact)]


def test_fact_ids_are_unique_and_name_their_block(facts) -> None:
    assert len(facts) > 2500
    assert len({fact.id for fact in facts}) == len(facts)
    for fact in facts:
        assert fact.id.startswith(f"{fact.source.kind.value}:{fact.source.ref}#")


def test_dppa_regular_budget_2024_before_recosting_agrees_in_table_annex_and_paragraph(facts) -> None:
    common = dict(body="DPPA", year=2024, basis=Basis.ESTIMATE_BEFORE_RECOSTING, funding=FundingSource.REGULAR_BUDGET)
    table = _pick(facts, source_ref="3.27", breakdown=Breakdown.TOTAL, **common)
    annex = _pick(facts, source_kind=BlockKind.ANNEX, measure=Measure.MONEY, **common)
    sentence = _pick(facts, source_ref="3.115", **common)
    assert [(f.printed, f.unit, f.label) for f in table] == [("51 212.8", "千美元", "小计(1)")]
    assert [(f.printed, f.unit) for f in annex] == [("51 212.8", "千美元")]
    assert [(f.printed, f.unit) for f in sentence] == [("51 212 800 美元", "美元")]
    assert [f.usd for f in table + annex + sentence] == pytest.approx([51_212_800] * 3)


def test_unoct_regular_budget_posts_2024_are_57_wherever_printed(facts) -> None:
    totals = _pick(
        facts, body="UNOCT", year=2024, measure=Measure.POSTS, funding=FundingSource.REGULAR_BUDGET,
        basis=Basis.PROPOSED, breakdown=Breakdown.TOTAL,
    )
    assert {f.source.ref for f in totals} >= {"3.76", "3.77", "3.79", "四"}
    assert {f.value for f in totals} == {57.0}
    assert all(f.unit == "员额" and f.usd is None for f in totals)


def test_unoct_posts_by_grade_add_up_to_its_total(facts) -> None:
    grades = _pick(facts, source_ref="3.77", year=2024, basis=Basis.PROPOSED, breakdown=Breakdown.GRADE)
    assert {f.label: f.value for f in grades}["P-4"] == 17.0
    assert sum(f.number or 0 for f in grades) == 57.0


def test_a_change_percentage_is_a_percentage_never_money(facts, document) -> None:
    percentages = [f for f in facts if f.source.column and "百分比" in f.source.column]
    assert len(percentages) > 50
    for fact in percentages:
        assert (fact.measure, fact.unit, fact.basis, fact.usd) == (Measure.PERCENTAGE, "%", Basis.CHANGE, None)
    # 表 3.27: the policymaking organs grow by 414.3 thousand dollars, 337.1 per cent.
    organs = _pick(facts, source_ref="3.27", label="决策机关", funding=FundingSource.REGULAR_BUDGET, basis=Basis.CHANGE)
    assert {(f.change, f.measure): f.value for f in organs}[(ChangeKind.TOTAL, Measure.PERCENTAGE)] == 337.1
    assert {(f.change, f.measure): f.usd for f in organs}[(ChangeKind.TOTAL, Measure.MONEY)] == pytest.approx(414_300)


def test_every_cell_fact_reads_back_from_its_printed_cell(facts) -> None:
    cells = [f for f in facts if f.source.kind in (BlockKind.TABLE, BlockKind.ANNEX)]
    for fact in cells:
        assert fact.printed == fact.source.text
        if fact.is_nil:
            assert fact.value is None and fact.number == 0.0
        else:
            assert parse_number(fact.source.text) == pytest.approx(fact.value), fact.id


def test_every_sentence_fact_is_printed_in_its_sentence(facts, document) -> None:
    paragraphs = {p.ref: "".join(p.text.split()) for p in document.paragraphs}
    for fact in (f for f in facts if f.source.kind is BlockKind.PARAGRAPH):
        assert fact.printed in fact.source.text
        assert "".join(fact.source.text.split()) in paragraphs[fact.source.ref]


def test_by_source_table_facts_carry_the_funding_source_of_their_sub_part(facts) -> None:
    by_source = [f for f in facts if f.table_kind in (TableKind.RESOURCES_BY_SOURCE, TableKind.POSTS_BY_SOURCE)]
    sources = {"经常预算": FundingSource.REGULAR_BUDGET, "其他分摊": FundingSource.OTHER_ASSESSED, "预算外": FundingSource.EXTRABUDGETARY}
    seen = set()
    for fact in by_source:
        if fact.source.sub_part is None:
            assert fact.funding is FundingSource.ALL and fact.label == "共计"
        else:
            expected = next(source for word, source in sources.items() if word in fact.source.sub_part)
            assert fact.funding is expected, fact.id
        seen.add(fact.funding)
    assert seen == set(FundingSource)  # UNOAU's tables 3.68/3.69 have other assessed resources


def test_only_the_regular_budget_is_estimated_before_recosting(facts) -> None:
    for fact in facts:
        if fact.basis is Basis.ESTIMATE_BEFORE_RECOSTING:
            assert fact.funding is FundingSource.REGULAR_BUDGET, fact.id
    # 表 3.27 (2): DPPA's extrabudgetary 2024 figure, printed under "2024 年估计(重计费用前)", is an estimate.
    extrabudgetary = _pick(facts, source_ref="3.27", label="小计(2)", year=2024, measure=Measure.MONEY)
    assert [(f.basis, f.printed) for f in extrabudgetary if f.basis is not Basis.CHANGE] == [(Basis.ESTIMATE, "38 394.1")]


def test_resources_table_columns_are_typed_once(document) -> None:
    table = next(t for t in document.tables if t.ref == "3.27")
    assert table.kind is TableKind.RESOURCES_BY_SOURCE
    typed = [(c.year, c.basis, c.change, c.measure, c.unit) for c in table.column_types]
    assert typed == [
        (2022, Basis.ACTUAL, None, Measure.MONEY, "千美元"),
        (2023, Basis.ESTIMATE, None, Measure.MONEY, "千美元"),
        (2023, Basis.APPROPRIATION, None, Measure.MONEY, "千美元"),
        (None, Basis.CHANGE, ChangeKind.TECHNICAL, Measure.MONEY, "千美元"),
        (None, Basis.CHANGE, ChangeKind.NEW_MANDATES, Measure.MONEY, "千美元"),
        (None, Basis.CHANGE, ChangeKind.OTHER, Measure.MONEY, "千美元"),
        (None, Basis.CHANGE, ChangeKind.TOTAL, Measure.MONEY, "千美元"),
        (None, Basis.CHANGE, ChangeKind.TOTAL, Measure.PERCENTAGE, "%"),
        (2024, Basis.ESTIMATE_BEFORE_RECOSTING, None, Measure.MONEY, "千美元"),
    ]


def test_a_mixed_money_and_posts_table_types_each_row(facts, document) -> None:
    # 表 3.80 (千美元/员额数目): UNOCT's money rows and post rows under the same columns.
    table = next(t for t in document.tables if t.ref == "3.80")
    assert table.kind is TableKind.RESOURCES_AND_POSTS and table.unit == "千美元/员额数目"
    rows = _pick(facts, source_ref="3.80", year=2024, basis=Basis.ESTIMATE_BEFORE_RECOSTING)
    assert {f.measure for f in rows} == {Measure.MONEY, Measure.POSTS}
    assert {f.unit for f in rows if f.measure is Measure.POSTS} == {"员额"}
    assert 57.0 in {f.value for f in rows if f.measure is Measure.POSTS}


def test_changes_are_facts_of_the_later_year(facts) -> None:
    changes = [f for f in facts if f.basis is Basis.CHANGE and f.source.kind is BlockKind.TABLE and f.change]
    assert changes and {f.year for f in changes} == {2024}


def test_a_subprogramme_row_names_its_subprogramme(facts) -> None:
    row = _pick(facts, source_ref="3.27", subprogramme=5, year=2024, basis=Basis.ESTIMATE_BEFORE_RECOSTING)
    assert [(f.component, f.breakdown, f.printed) for f in row] == [("巴勒斯坦问题", Breakdown.COMPONENT, "2 919.1")]


# ---------------------------------------------------------------- budget sentences


def test_a_change_sentence_without_a_source_takes_the_source_of_the_amount_before_it(facts) -> None:
    # ¶3.269: UNOCT's extrabudgetary estimate, then "减少 42 063 300 美元，系捐助方停止供资".
    decrease = _pick(facts, source_ref="3.269", basis=Basis.CHANGE)
    assert [(f.funding, f.usd, f.year) for f in decrease] == [(FundingSource.EXTRABUDGETARY, -42_063_300, 2024)]
    # ¶3.229: UNOAU's other assessed estimate, then a decrease of 128 400 美元.
    other = _pick(facts, source_ref="3.229", basis=Basis.CHANGE)
    assert [(f.funding, f.usd) for f in other] == [(FundingSource.OTHER_ASSESSED, -128_400)]


def test_an_extrabudgetary_amount_that_names_no_basis_is_an_estimate(facts) -> None:
    # ¶3.132: "本次级方案的预算外资源为 1 980 000 美元" (electoral assistance).
    (fact,) = _pick(facts, source_ref="3.132")
    assert (fact.funding, fact.basis, fact.component, fact.usd) == (
        FundingSource.EXTRABUDGETARY, Basis.ESTIMATE, "选举援助", 1_980_000
    )


def test_the_parts_of_a_change_are_changes(facts) -> None:
    # ¶3.268: an increase of 4 304 300 美元 "包括员额资源项下 4 045 700 美元和非员额资源项下 258 600 美元".
    parts = _pick(facts, source_ref="3.268", breakdown=Breakdown.OBJECT)
    assert {(f.label, f.usd) for f in parts} >= {("员额", 4_045_700), ("非员额", 258_600)}
    assert {f.basis for f in parts} == {Basis.CHANGE}


def test_a_clause_naming_a_component_puts_the_change_in_that_component(facts) -> None:
    # ¶3.117 (b): "由次级方案 1 员额项下减少 7 200 美元" — 表 3.27 prints (7.2) for subprogramme 1.
    (decrease,) = _pick(facts, source_ref="3.117", subprogramme=1)
    assert (decrease.component, decrease.label, decrease.usd) == ("预防、管理和解决冲突", "员额", -7_200)
    (row,) = _pick(facts, source_ref="3.27", subprogramme=1, change=ChangeKind.TOTAL, measure=Measure.MONEY,
                   funding=FundingSource.REGULAR_BUDGET)
    assert row.usd == pytest.approx(decrease.usd)
    # ¶3.116: "行政领导和管理项下拟议增加 200 000 美元".
    (increase,) = _pick(facts, source_ref="3.116")
    assert (increase.component, increase.basis, increase.usd) == ("行政领导和管理", Basis.CHANGE, 200_000)


def test_an_unchanged_amount_is_a_change_of_zero(facts) -> None:
    (unchanged,) = _pick(facts, source_ref="3.228", basis=Basis.CHANGE)
    assert (unchanged.body, unchanged.value, unchanged.funding) == ("UNOAU", 0.0, FundingSource.REGULAR_BUDGET)
