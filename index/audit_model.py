"""What the consistency audit reports: a finding cites both sides, their values, the difference and a class.

A :class:`Printed` is one figure as the document prints it (a table or annex cell, or an amount in a
paragraph sentence) with the place it is printed.  A :class:`Finding` sets one printed figure against
what another place says it should be: the sum of the component rows, 2023 plus the change, the same
figure printed elsewhere.  Its :class:`FindingClass` says whether rounding of the printed figures
explains the difference (:attr:`FindingClass.ROUNDING`) or not (:attr:`FindingClass.DISCREPANCY`).

>>> total = Printed(BlockKind.TABLE, "9.1", 10, "30.1", 30.1, row="共计", column="2024 年估计")
>>> parts = (Printed(BlockKind.TABLE, "9.1", 8, "10.0", 10.0), Printed(BlockKind.TABLE, "9.1", 9, "20.0", 20.0))
>>> finding = sum_finding(Check.ROW_SUM, "DEMO", total, parts)
>>> finding.finding_class.value, round(finding.difference, 1), finding.formula
('rounding', 0.1, '10.0 + 20.0 = 30.0')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import format_label

EPSILON = 1e-6  # below this, two figures are equal (floating-point noise)
PERCENT_HALF_UNIT = 0.05  # budget tables print percentages to one decimal


class Check(StrEnum):
    """What a finding checked."""

    ROW_SUM = "row_sum"  # a total or subtotal row against the sum of its component rows
    COLUMN_SUM = "column_sum"  # a total column against its components (the change parts, the funding sources)
    CHANGE = "change"  # the earlier year + the change = the later year
    PERCENTAGE = "percentage"  # the change percentage = change ÷ the earlier year
    SIGN = "sign"  # a change (or its percentage) printed without its sign or parentheses
    SAME_FIGURE = "same_figure"  # one figure printed in two places with different values
    PARAGRAPH = "paragraph"  # a paragraph's stated amount against the table cell it describes
    POST_LIST = "post_list"  # a post list ("1 个 USG、3 个 ASG…") against its count and the grade table
    ANNEX_POSTS = "annex_posts"  # a number of posts the annex of post changes states against the posts it lists

    def describe(self, lang: str) -> str:
        """The check in words, for reports."""
        return (_CHECK_NAMES_EN if lang == "en" else _CHECK_NAMES_ZH)[self]


_CHECK_NAMES_EN: dict[Check, str] = {
    Check.ROW_SUM: "total against its component rows",
    Check.COLUMN_SUM: "total column against its components",
    Check.CHANGE: "earlier year + change = later year",
    Check.PERCENTAGE: "change percentage = change ÷ earlier year",
    Check.SIGN: "change printed without its sign",
    Check.SAME_FIGURE: "same figure printed in two places",
    Check.PARAGRAPH: "paragraph amount against the table",
    Check.POST_LIST: "post list against its count and the grade table",
    Check.ANNEX_POSTS: "stated number of posts against the posts listed under it",
}
_CHECK_NAMES_ZH: dict[Check, str] = {
    Check.ROW_SUM: "合计行与其组成行之和",
    Check.COLUMN_SUM: "合计列与其组成部分之和",
    Check.CHANGE: "上年数 + 变动 = 下年数",
    Check.PERCENTAGE: "变动百分比 = 变动 ÷ 上年数",
    Check.SIGN: "变动数漏印正负号",
    Check.SAME_FIGURE: "同一数字在两处印出",
    Check.PARAGRAPH: "段落所述数额与表格",
    Check.POST_LIST: "员额明细与员额数及职等表",
    Check.ANNEX_POSTS: "所述员额数与其下所列员额",
}


class FindingClass(StrEnum):
    """Whether rounding of the printed figures explains a difference."""

    ROUNDING = "rounding"  # within the printed precision of the figures involved
    DISCREPANCY = "discrepancy"  # more than rounding can explain: a real inconsistency


@dataclass(frozen=True)
class Printed:
    """One figure as printed, and where: a table or annex cell, or an amount in a paragraph sentence.

    `value` is in the unit of the place it is printed in (a paragraph's 美元, a table's 千美元); a
    printed nil ("—") is 0.
    """

    kind: BlockKind
    ref: str
    line: int
    text: str  # the figure as printed: "29 662.5", "(128.4)", "—", "537 200 美元"
    value: float
    row: str | None = None  # row label (tables, annexes)
    column: str | None = None  # column header (tables, annexes)
    sub_part: str | None = None  # table sub-part: "(1) 经常预算"; the annex's column group: "预算外", "共计"
    sentence: str | None = None  # the sentence (paragraphs)
    fact: str | None = None  # id of the budget fact that holds this figure ("annex:四#money.UNOCT.10")

    @property
    def decimals(self) -> int:
        """Decimal places printed: "1 007.0" → 1, "277" → 0, "—" → 0."""
        digits = "".join(ch for ch in self.text if ch.isdigit() or ch == ".")
        return len(digits.split(".", 1)[1]) if "." in digits else 0

    @property
    def half_unit(self) -> float:
        """Half the last printed decimal: how far rounding may have moved the figure.

        A figure printed without decimals (a count of posts or deliverables, an amount in dollars)
        and a printed nil ("—") are exact: 0.
        """
        return 0.5 * 10.0 ** (-self.decimals) if self.decimals else 0.0

    def place(self, lang: str = "zh") -> str:
        """Where it is printed: "表 3.68 | (3) 预算外 | 共计 | 2023 年估计", "附件四 | 反恐怖主义办公室 | 共计 |
        2024 年估计" (an annex cell's column group after its row), "¶3.121"."""
        label = format_label(self.kind, self.ref, lang)
        return " | ".join([label, *self.place_parts()])

    def place_parts(self) -> list[str]:
        """The labels that place the figure within its block, outermost first: a table's sub-part,
        row and column; an annex's row, column group and column."""
        order = (self.row, self.sub_part, self.column) if self.kind is BlockKind.ANNEX else (self.sub_part, self.row, self.column)
        return [p for p in order if p]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "ref": self.ref,
            "label": format_label(self.kind, self.ref, "zh"),
            "label_en": format_label(self.kind, self.ref, "en"),
            "line": self.line,
            "printed": self.text,
            "value": self.value,
            "row": self.row,
            "column": self.column,
            "sub_part": self.sub_part,
            "sentence": self.sentence,
            "fact": self.fact,
        }


@dataclass(frozen=True)
class Finding:
    """A printed figure that another place of the document contradicts.

    `printed` is the figure under test (a total, a change, a percentage, a paragraph's amount, one of
    two places printing a figure); `expected` is what the other side gives, computed by `formula` from
    the `other` printed figures; `tolerance` is the largest difference rounding of all of them explains.
    """

    check: Check
    finding_class: FindingClass
    body: str  # body key: "UNOCT", "SECTION"
    printed: Printed
    expected: float
    other: tuple[Printed, ...]
    formula: str
    tolerance: float

    @property
    def difference(self) -> float:
        """Printed minus expected."""
        return self.printed.value - self.expected

    @property
    def id(self) -> str:
        """A stable id: the check and the printed figure's place."""
        p = self.printed
        where = "|".join(x or "" for x in (p.sub_part, p.row, p.column))
        return f"{self.check.value}:{p.kind.value}:{p.ref}:{p.line}:{where}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "check": self.check.value,
            "class": self.finding_class.value,
            "body": self.body,
            "printed": self.printed.to_json(),
            "expected": round(self.expected, 6),
            "difference": round(self.difference, 6),
            "tolerance": round(self.tolerance, 6),
            "formula": self.formula,
            "other": [o.to_json() for o in self.other],
        }


# ---------------------------------------------------------------------------- arithmetic


def classify(difference: float, tolerance: float) -> FindingClass | None:
    """None when the figures agree, ROUNDING within `tolerance`, else DISCREPANCY."""
    if abs(difference) <= EPSILON:
        return None
    return FindingClass.ROUNDING if abs(difference) <= tolerance + EPSILON else FindingClass.DISCREPANCY


def number_text(value: float, decimals: int) -> str:
    """A figure written as the document writes it: 9182.8 → "9 182.8", −529.5 → "(529.5)"."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ")
    return f"({text})" if value < -EPSILON and text.strip("0. ") else text


def sum_finding(check: Check, body: str, total: Printed, parts: Sequence[Printed]) -> Finding | None:
    """A finding when `total` is not the sum of `parts` (rounding of every figure allowed for)."""
    expected = math.fsum(p.value for p in parts)
    tolerance = total.half_unit + math.fsum(p.half_unit for p in parts)
    found = classify(total.value - expected, tolerance)
    if found is None:
        return None
    decimals = max([total.decimals, *(p.decimals for p in parts)])
    terms = " + ".join(number_text(p.value, decimals) if p.half_unit else p.text for p in parts)
    formula = f"{terms} = {number_text(expected, decimals)}"
    return Finding(check, found, body, total, expected, tuple(parts), formula, tolerance)


def change_finding(body: str, base: Printed, change: Printed, final: Printed) -> Finding | None:
    """A finding when `base` + `change` ≠ `final`: a SIGN finding when the change only lacks its sign."""
    expected = final.value - base.value
    tolerance = base.half_unit + change.half_unit + final.half_unit
    found = classify(change.value - expected, tolerance)
    if found is None:
        return None
    decimals = max(base.decimals, change.decimals, final.decimals)
    formula = f"{number_text(final.value, decimals)} − {number_text(base.value, decimals)} = {number_text(expected, decimals)}"
    unsigned = change.value > EPSILON and classify(-change.value - expected, tolerance) is None
    check = Check.SIGN if unsigned else Check.CHANGE
    return Finding(check, FindingClass.DISCREPANCY if unsigned else found, body, change, expected, (base, final), formula, tolerance)


def percentage_finding(body: str, percent: Printed, change: Printed, base: Printed) -> Finding | None:
    """A finding when the printed percentage is not change ÷ base (base 0: nothing to check).

    A percentage within its own rounding of the computed one agrees; one that the rounding of the change
    and the base could explain is ROUNDING; one with the opposite sign of its change is a SIGN finding.
    """
    if abs(base.value) <= EPSILON:
        return None
    expected = change.value / base.value * 100
    own = percent.half_unit or PERCENT_HALF_UNIT  # a "—" stands for a percentage that rounds to zero
    if abs(percent.value - expected) <= own + EPSILON:
        return None
    corners = [
        (change.value + dc) / (base.value + db) * 100
        for dc in (-change.half_unit, change.half_unit)
        for db in (-base.half_unit, base.half_unit)
        if abs(base.value + db) > EPSILON
    ]
    low, high = min(corners), max(corners)
    tolerance = max(high - expected, expected - low) + own
    decimals = max(1, percent.decimals)
    formula = (
        f"{number_text(change.value, change.decimals)} ÷ {number_text(base.value, base.decimals)} × 100"
        f" = {number_text(expected, decimals + 1)}"
    )
    opposite = percent.value * expected < 0 and abs(abs(percent.value) - abs(expected)) <= tolerance + EPSILON
    if opposite:
        return Finding(Check.SIGN, FindingClass.DISCREPANCY, body, percent, expected, (change, base), formula, tolerance)
    within = low - own - EPSILON <= percent.value <= high + own + EPSILON
    found = FindingClass.ROUNDING if within else FindingClass.DISCREPANCY
    return Finding(Check.PERCENTAGE, found, body, percent, expected, (change, base), formula, tolerance)


def same_figure_finding(check: Check, body: str, printed: Printed, other: Printed, scale: float = 1.0) -> Finding | None:
    """A finding when two places print one figure differently.

    `scale` converts `other`'s unit to `printed`'s (1000 when a paragraph in 美元 is set against a table
    in 千美元).  Two roundings of one quantity differ by at most one unit of the coarser precision: that
    much is ROUNDING.  A figure equal to the other's negative is a SIGN finding.
    """
    expected = other.value * scale
    tolerance = 2 * max(printed.half_unit, other.half_unit * scale)
    found = classify(printed.value - expected, tolerance)
    if found is None:
        return None
    if abs(expected) > EPSILON and classify(printed.value + expected, tolerance) is None:
        check, found = Check.SIGN, FindingClass.DISCREPANCY
    formula = f"{other.place()}: {other.text}" + (f" × {scale:g}" if scale != 1 else "")
    return Finding(check, found, body, printed, expected, (other,), formula, tolerance)
