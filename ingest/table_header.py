"""Reconstructing a table's column headers from its flattened, multi-line header.

The extraction prints a header cell by cell and line by line, in an order that is not always
the column order ("变动 / 2024 年估计 / (重计费用前) / 2022 年 / 支出 / 2023 年 / 批款 技术调整 /
新的/ / 扩大的任务 其他 共计 百分比").  The header is cut into known fragments, fragments that
belong together are joined ("2023 年" + "批款" → "2023 年批款", "新的/" + "扩大的任务" →
"新的/扩大的任务", "2024 年估计" + "(重计费用前)"), and the columns are put in the document's
order: text columns first, then year columns by year, with the change columns just before the
last (estimate/proposal) column.

Column naming convention: the columns of the "变动" (change) group are prefixed "变动: " —
"变动: 技术调整", "变动: 新的/扩大的任务", "变动: 其他", "变动: 共计", "变动: 百分比".  In a
sub-part whose header has a bare "变动" column (the extrabudgetary "(2) 预算外" tables), that
column is the total change and is named "变动: 共计"; its "百分比" is "变动: 百分比".  The label
column's header ("支出用途", "职类和职等", "类别和次类别", …) is not a column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Headers of the label column: recognised, then dropped from the columns.
LABEL_HEADERS = ("构成部分/次级方案", "类别和次类别", "职类和职等", "支出用途", "构成部分", "决策机关")
_WORDS = ("支出", "批款", "估计", "核定", "拟议", "计划", "实际")
CHANGE_PARTS = ("技术调整", "新的/扩大的任务", "其他", "共计", "百分比")
CHANGE_PREFIX = "变动: "

_FRAGMENT = re.compile(
    r"构成部分/次级方案|类别和次类别|职类和职等|支出用途|构成部分|决策机关|说明|补充信息|数目|详情"
    r"|变动|技术调整|新的/|扩大的任务|其他|共计|百分比|\(重计费用前\)"
    r"|\d{4} ?\((?:实际|计划)\)|\d{4} 年(?:估计|核定|拟议|批款|支出|计划|实际)?"
    r"|支出|批款|估计|核定|拟议|计划|实际|(?<![\w/])[a-e](?![\w/])"
)


class TableShape(StrEnum):
    """The shapes of table this document prints."""

    RESOURCES = "resources"  # financial or post resources with a 变动 group (表 3.24, 3.26, 3.27)
    DELIVERABLES = "deliverables"  # 类别和次类别 × years planned/actual (表 3.1, 3.7)
    MEASURES = "measures"  # 业绩计量: text cells per year (表 3.2)
    COMPLIANCE = "compliance"  # 遵守率: numbers per year (表 3.32)
    POST_CHANGES = "post_changes"  # 数目 / 详情 (表 3.25)
    DECISION_ORGANS = "decision_organs"  # 决策机关 / 说明 / 补充信息 / amounts (表 3.30)
    OTHER = "other"


def is_header_line(text: str) -> bool:
    """True when a line consists only of header fragments ("批款 技术调整", "2022 年", "变动")."""
    stripped = text.strip()
    if not stripped:
        return False
    rest = _FRAGMENT.sub("", stripped)
    return not rest.strip() and bool(_FRAGMENT.search(stripped))


def header_fragments(lines: list[str]) -> list[str]:
    """The header fragments of `lines`, in printed order."""
    fragments: list[str] = []
    for line in lines:
        fragments.extend(match.group(0) for match in _FRAGMENT.finditer(line))
    return fragments


@dataclass(frozen=True)
class Header:
    """A parsed header: its columns in order, and the shape of table it heads."""

    columns: list[str]
    shape: TableShape
    label_header: str | None


def _year(column: str) -> int | None:
    match = re.match(r"(\d{4})", column)
    return int(match.group(1)) if match else None


def build_header(fragments: list[str], *, caption: str = "") -> Header:
    """Join header fragments into ordered column names.

    >>> build_header(["变动", "支出用途", "2022 年", "支出", "a", "2023 年", "批款", "技术调整",
    ...               "新的/", "扩大的任务", "其他", "共计", "百分比", "2024 年估计", "(重计费用前)"]).columns
    ['2022 年支出', '2023 年批款', '变动: 技术调整', '变动: 新的/扩大的任务', '变动: 其他', '变动: 共计', '变动: 百分比', '2024 年估计(重计费用前)']
    """
    label_header: str | None = None
    has_change_group = "变动" in fragments
    change_parts_present = any(f in ("技术调整", "新的/", "扩大的任务") for f in fragments)
    columns: list[str] = []
    pending_year: str | None = None
    index = 0
    while index < len(fragments):
        fragment = fragments[index]
        index += 1
        if fragment in LABEL_HEADERS:
            label_header = label_header or fragment
            continue
        if re.fullmatch(r"[a-e]", fragment):
            continue  # note marker ("支出 a")
        if re.fullmatch(r"\d{4} 年", fragment):
            pending_year = fragment
            continue
        if fragment in _WORDS and pending_year is not None:
            columns.append(f"{pending_year}{fragment}")
            pending_year = None
            continue
        if fragment == "(重计费用前)" and columns:
            target = max((i for i, c in enumerate(columns) if _year(c) is not None), default=len(columns) - 1)
            columns[target] += fragment
            continue
        if fragment == "新的/":
            if index < len(fragments) and fragments[index] == "扩大的任务":
                index += 1
            columns.append(CHANGE_PREFIX + "新的/扩大的任务")
            continue
        if fragment == "变动":
            if not change_parts_present:
                columns.append(CHANGE_PREFIX + "共计")
            continue
        if fragment in CHANGE_PARTS or fragment == "扩大的任务":
            name = "新的/扩大的任务" if fragment == "扩大的任务" else fragment
            columns.append(CHANGE_PREFIX + name if has_change_group else name)
            continue
        columns.append(re.sub(r"\s+", "", fragment) if re.fullmatch(r"\d{4} ?\(.*\)", fragment) else fragment)
    if pending_year is not None:
        columns.append(pending_year)
    return Header(
        columns=_order(columns), shape=_kind(columns, label_header, caption), label_header=label_header
    )


def _order(columns: list[str]) -> list[str]:
    """Text columns first, then year columns by year, change columns before the last year column."""
    text = [c for c in columns if _year(c) is None and not c.startswith(CHANGE_PREFIX)]
    change = [c for c in columns if c.startswith(CHANGE_PREFIX)]
    years = sorted((c for c in columns if _year(c) is not None), key=lambda c: _year(c) or 0)
    if change and years:
        return text + years[:-1] + change + years[-1:]
    return text + years + change


def _kind(columns: list[str], label_header: str | None, caption: str) -> TableShape:
    if label_header == "类别和次类别":
        return TableShape.DELIVERABLES
    if label_header == "决策机关" or "说明" in columns:
        return TableShape.DECISION_ORGANS
    if columns[:2] == ["数目", "详情"]:
        return TableShape.POST_CHANGES
    if any(c.startswith(CHANGE_PREFIX) for c in columns):
        return TableShape.RESOURCES
    if any(re.fullmatch(r"\d{4}\((实际|计划)\)", c) for c in columns):
        return TableShape.MEASURES
    if caption.startswith("遵守率") or any(re.fullmatch(r"\d{4} 年(实际|计划)", c) for c in columns):
        return TableShape.COMPLIANCE
    return TableShape.OTHER
