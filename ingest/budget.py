"""The budget vocabulary: what a printed figure means, decided once, at ingest.

A programme budget is a database printed as prose and tables.  Every figure has a year, a basis
(expenditure, appropriation, estimate before recosting, proposal, change …), a measure (money,
posts, a count, a percentage) and a funding source.  The column headers say most of it
("2024 年估计(重计费用前)", "变动: 百分比"); :func:`type_column` reads a header once and everything
downstream reads the typed :class:`Column`, never the header string.

>>> type_column("2024 年估计(重计费用前)", table_unit="千美元")
Column(header='2024 年估计(重计费用前)', year=2024, basis=<Basis.ESTIMATE_BEFORE_RECOSTING: 'estimate_before_recosting'>, measure=<Measure.MONEY: 'money'>, change=None, unit='千美元')
>>> type_column("变动: 百分比", table_unit="千美元").measure
<Measure.PERCENTAGE: 'percentage'>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # the one year pattern of the project


class _Choice(StrEnum):
    """An enum parsed from user text with an error that lists the valid choices."""

    @classmethod
    def from_str(cls, value: str) -> _Choice:
        try:
            return cls(value.strip().lower().replace("-", "_"))
        except ValueError:
            choices = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown {cls.__name__.lower()} {value!r}; choose one of: {choices}") from None


class Basis(_Choice):
    """What a figure is: spent, appropriated, estimated, proposed, planned, or a change."""

    ACTUAL = "actual"  # 支出, 实际
    APPROPRIATION = "appropriation"  # 批款
    APPROVED = "approved"  # 核定 (posts)
    ESTIMATE = "estimate"  # 估计 (extrabudgetary and other assessed estimates; posts)
    ESTIMATE_BEFORE_RECOSTING = "estimate_before_recosting"  # 2024 年估计(重计费用前)
    PROPOSED = "proposed"  # 拟议
    PLANNED = "planned"  # 计划 (deliverables, performance targets)
    CHANGE = "change"  # 变动 (the year is the later year)


class ChangeKind(_Choice):
    """The parts of a change that resources tables print."""

    TECHNICAL = "technical_adjustments"  # 技术调整
    NEW_MANDATES = "new_mandates"  # 新的/扩大的任务
    OTHER = "other"  # 其他
    TOTAL = "total"  # 共计


class Measure(_Choice):
    """What a figure counts."""

    MONEY = "money"
    POSTS = "posts"
    COUNT = "count"
    PERCENTAGE = "percentage"
    TEXT = "text"


class FundingSource(_Choice):
    """Where the money comes from; ALL for figures over every source."""

    REGULAR_BUDGET = "regular_budget"  # 经常预算
    OTHER_ASSESSED = "other_assessed"  # 其他分摊资源
    EXTRABUDGETARY = "extrabudgetary"  # 预算外
    ALL = "all"


class TableKind(_Choice):
    """What a table reports (its shape and its subject)."""

    RESOURCES_BY_OBJECT = "resources_by_object"  # 按支出用途列示的财政资源
    RESOURCES_BY_SOURCE = "resources_by_source"  # 按资金来源、构成部分、次级方案列示的财政资源
    POSTS_BY_SOURCE = "posts_by_source"  # 按资金来源……列示的拟议员额
    POSTS_BY_GRADE = "posts_by_grade"  # 按职类和职等列示的拟议员额
    RESOURCES_AND_POSTS = "resources_and_posts"  # (次级方案 N：)财政资源和员额资源的演变情况
    POST_CHANGES = "post_changes"  # 2024 年拟议员额和员额变动 (数目 / 详情)
    DELIVERABLES = "deliverables"  # 应交付产出
    MEASURES = "measures"  # 业绩计量 (text per year)
    COMPLIANCE = "compliance"  # 遵守率 (percentages per year)
    DECISION_ORGANS = "decision_organs"  # 决策机关 / 说明 / 补充信息 / amounts
    ANNEX_OVERVIEW = "annex_overview"  # 按实体和资金来源列示的财政资源和员额资源概览
    OTHER = "other"


class Breakdown(_Choice):
    """What a fact's row is within its body: the total, or one of its parts."""

    TOTAL = "total"  # the body's (or the component's) total
    SUBTOTAL = "subtotal"  # a funding source's subtotal, a grade category's subtotal
    COMPONENT = "component"  # a component or subprogramme row
    OBJECT = "object"  # an object of expenditure (员额, 非员额, 差旅 …)
    CATEGORY = "category"  # a category of posts (专业及以上职类 …)
    GRADE = "grade"  # a grade (P-4, GS (OL) …)
    ITEM = "item"  # a deliverable, an indicator, a decision organ, a post change


SOURCE_NAMES_ZH: dict[FundingSource, str] = {
    FundingSource.REGULAR_BUDGET: "经常预算",
    FundingSource.OTHER_ASSESSED: "其他分摊资源",
    FundingSource.EXTRABUDGETARY: "预算外资源",
    FundingSource.ALL: "所有资金来源",
}
SOURCE_NAMES_EN: dict[FundingSource, str] = {
    FundingSource.REGULAR_BUDGET: "regular budget",
    FundingSource.OTHER_ASSESSED: "other assessed resources",
    FundingSource.EXTRABUDGETARY: "extrabudgetary resources",
    FundingSource.ALL: "all funding sources",
}
BASIS_NAMES_ZH: dict[Basis, str] = {
    Basis.ACTUAL: "支出",
    Basis.APPROPRIATION: "批款",
    Basis.APPROVED: "核定",
    Basis.ESTIMATE: "估计",
    Basis.ESTIMATE_BEFORE_RECOSTING: "估计(重计费用前)",
    Basis.PROPOSED: "拟议",
    Basis.PLANNED: "计划",
    Basis.CHANGE: "变动",
}
BASIS_NAMES_EN: dict[Basis, str] = {
    Basis.ACTUAL: "expenditure",
    Basis.APPROPRIATION: "appropriation",
    Basis.APPROVED: "approved",
    Basis.ESTIMATE: "estimate",
    Basis.ESTIMATE_BEFORE_RECOSTING: "estimate before recosting",
    Basis.PROPOSED: "proposed",
    Basis.PLANNED: "planned",
    Basis.CHANGE: "change",
}
CHANGE_NAMES_ZH: dict[ChangeKind, str] = {
    ChangeKind.TECHNICAL: "技术调整",
    ChangeKind.NEW_MANDATES: "新的/扩大的任务",
    ChangeKind.OTHER: "其他",
    ChangeKind.TOTAL: "共计",
}
CHANGE_NAMES_EN: dict[ChangeKind, str] = {
    ChangeKind.TECHNICAL: "technical adjustments",
    ChangeKind.NEW_MANDATES: "new and expanded mandates",
    ChangeKind.OTHER: "other changes",
    ChangeKind.TOTAL: "total change",
}

# Printed header words → basis.  "估计" with "(重计费用前)" is the proposal before recosting.
_BASIS_WORDS: tuple[tuple[str, Basis], ...] = (
    ("支出", Basis.ACTUAL),
    ("实际", Basis.ACTUAL),
    ("批款", Basis.APPROPRIATION),
    ("核定", Basis.APPROVED),
    ("拟议", Basis.PROPOSED),
    ("计划", Basis.PLANNED),
    ("估计", Basis.ESTIMATE),
)
_CHANGE_WORDS: dict[str, ChangeKind] = {name: kind for kind, name in CHANGE_NAMES_ZH.items()}
CHANGE_PREFIX = "变动: "


@dataclass(frozen=True)
class Column:
    """A typed table column: what every cell under the header means.

    `measure` is None where the table mixes measures row by row ("千美元/员额数目": money rows and
    posts rows); the row decides (:func:`row_measure`).
    """

    header: str
    year: int | None
    basis: Basis | None
    measure: Measure | None
    change: ChangeKind | None = None
    unit: str | None = None  # "千美元", "员额", "%"; None for text columns


def basis_for_source(basis: Basis, funding: FundingSource) -> Basis:
    """The basis of a figure of `funding`: only the regular budget is recosted, so an "estimate before
    recosting" column read in another source's rows (or in a total over every source) is a plain
    estimate, as the overview annex prints it.

    >>> basis_for_source(Basis.ESTIMATE_BEFORE_RECOSTING, FundingSource.EXTRABUDGETARY).value
    'estimate'
    """
    if basis is Basis.ESTIMATE_BEFORE_RECOSTING and funding is not FundingSource.REGULAR_BUDGET:
        return Basis.ESTIMATE
    return basis


def unit_measures(table_unit: str | None) -> tuple[Measure, ...]:
    """The measures a table's unit line announces: "千美元/员额数目" → (MONEY, POSTS)."""
    unit = table_unit or ""
    found: list[Measure] = []
    if "美元" in unit:
        found.append(Measure.MONEY)
    if "员额" in unit:
        found.append(Measure.POSTS)
    if "百分比" in unit:
        found.append(Measure.PERCENTAGE)
    return tuple(found)


def measure_unit(measure: Measure, table_unit: str | None = None) -> str | None:
    """The unit a measure is printed in within a table: money in 千美元 unless the table says 美元."""
    if measure is Measure.MONEY:
        return "千美元" if "千美元" in (table_unit or "千美元") else "美元"
    return {Measure.POSTS: "员额", Measure.PERCENTAGE: "%", Measure.COUNT: "个"}.get(measure)


def type_column(header: str, *, table_unit: str | None, numeric: bool = True) -> Column:
    """Type one printed header.

    `numeric` is False for tables whose cells are text (performance measures): their columns carry
    a year and a basis but measure TEXT.
    """
    compact = "".join(header.split())
    year_match = YEAR_RE.search(compact)
    year = int(year_match.group(1)) if year_match else None
    measures = unit_measures(table_unit)
    default_measure: Measure | None
    if not numeric:
        default_measure = Measure.TEXT
    elif len(measures) == 1:
        default_measure = measures[0]
    elif not measures:
        default_measure = Measure.COUNT
    else:
        default_measure = None
    if compact.startswith(CHANGE_PREFIX.strip()):
        part = compact.split(":", 1)[1]
        if part == "百分比":
            return Column(header, year, Basis.CHANGE, Measure.PERCENTAGE, ChangeKind.TOTAL, "%")
        change = _CHANGE_WORDS.get(part, ChangeKind.TOTAL)
        return Column(header, year, Basis.CHANGE, default_measure, change, _unit(default_measure, table_unit))
    basis: Basis | None = None
    for word, candidate in _BASIS_WORDS:
        if word in compact:
            basis = candidate
            break
    if basis is Basis.ESTIMATE and "重计费用前" in compact:
        basis = Basis.ESTIMATE_BEFORE_RECOSTING
    if year is None and basis is None:
        return Column(header, None, None, Measure.TEXT if header in ("说明", "补充信息", "详情") else default_measure,
                      unit=_unit(default_measure, table_unit) if header == "数目" else None)
    return Column(header, year, basis, default_measure, None, _unit(default_measure, table_unit))


def _unit(measure: Measure | None, table_unit: str | None) -> str | None:
    return measure_unit(measure, table_unit) if measure is not None else None


def type_columns(headers: list[str], *, table_unit: str | None, kind: TableKind) -> list[Column]:
    """Type every column of a table of `kind`."""
    numeric = kind is not TableKind.MEASURES
    columns = [type_column(header, table_unit=table_unit, numeric=numeric) for header in headers]
    if kind is TableKind.POST_CHANGES:
        columns = [
            Column(c.header, None, None, Measure.POSTS, unit="员额") if c.header == "数目" else c for c in columns
        ]
    return columns


def row_measure(table_unit: str | None, column: Column, group: str | None, label: str) -> Measure:
    """The measure of a cell: its column's, or, in a mixed money/posts table, its row's.

    Mixed tables ("千美元/员额数目") print the money rows under "按主要支出类别列" and the posts rows
    under "按职类列示的员额"; a post category or a grade is a count of posts.
    """
    if column.measure is not None:
        return column.measure
    measures = unit_measures(table_unit)
    context = f"{group or ''} {label}"
    if Measure.POSTS in measures and ("员额" in (group or "") or "职类" in context or _GRADE.match(label)):
        return Measure.POSTS
    return measures[0] if measures else Measure.COUNT


_GRADE = re.compile(r"^(USG|ASG|D-\d|P-\d(?:/\d)?|GS|LL|FS|NO|SS|TC)\b")


def is_grade(label: str) -> bool:
    """"P-4", "GS (OL)", "LL", "USG" are grades."""
    return bool(_GRADE.match(label.strip()))
