"""Headings of a budget section and the rank that places each in the section path.

Programme-budget sections share one outline: parts ("一. …"), sub-parts ("A. 2024 年拟议方案计划…"),
then 总方向 / 工作方案 / 概览, subprogrammes and components, then the standard sub-headings
(目标, 战略, 成果 N：…, 立法授权, 应交付产出, …).  The rank orders them for the path
(1 = part … 7 = innermost); :func:`model_level` maps a rank to the model's four levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CHINESE_NUMERAL_CHARS

PART_RE = re.compile(rf"^\s*(?P<number>[{CHINESE_NUMERAL_CHARS}]+)\.\s+(?P<title>\S.*?)\s*$")
SUB_PART_RE = re.compile(r"^ {1,4}(?P<letter>[A-Z])\.\s+(?P<title>\S.*?[^\d—\s])\s?$")
SUBPROGRAMME_RE = re.compile(r"^次级方案\s*\d+$")

# Standard headings, as they are printed in every section, with their rank.
_STANDARD: list[tuple[re.Pattern[str], int]] = [
    (re.compile(p), rank)
    for p, rank in [
        (r"总方向|工作方案|概览|其他信息", 3),
        (r"按因素.*列示的差异解释", 3),
        (r"次级方案\s*\d+(?:\s+\S.*)?", 4),
        (r"所需资源：.*", 4),
        (r"任务和背景|目标|战略|\d{4} 年战略和外部因素|疫情的影响.*|立法授权|应交付产出|评价活动", 5),
        (r"\d{4} 年方案执行情况|\d{4} 年计划成果|预算外资源|其他分摊资源和预算外资源|总体资源变动", 5),
        (r"成果\s*\d+[：:].*", 6),
        (r"新的/扩大的任务|其他变动|技术调整", 6),
        (r"\d{4} 年方案执行情况和 \d{4} 年具体目标|\d{4} 年拟议方案计划|经验教训和计划作出的改变", 7),
    ]
]
MANDATES_HEADING = "立法授权"


@dataclass(frozen=True)
class HeadingLine:
    """A recognised heading: its text and rank in the outline."""

    text: str
    rank: int


def standard_rank(text: str) -> int | None:
    """Rank of a standard heading (matched on the whole stripped line), None if it is not one."""
    stripped = text.strip()
    for pattern, rank in _STANDARD:
        if pattern.fullmatch(stripped):
            return rank
    return None


def is_sub_part(text: str) -> bool:
    """A sub-part heading ("  A. 2024 年拟议方案计划和 2022 年方案执行情况"), not a table row."""
    return bool(SUB_PART_RE.match(text)) and not text.endswith("  ")


def looks_like_heading(text: str, indent: int) -> bool:
    """An indented short line without figures in columns: a heading when outside a table."""
    stripped = text.strip()
    if indent < 2 or len(stripped) > 60 or stripped.endswith(("。", "；")):
        return False
    return not re.search(r"\d[\d.]*\s+(?:\d|—)", stripped) and not stripped.startswith(("(", "—", "注"))


def model_level(rank: int) -> int:
    """Map an outline rank to the model's levels: 1 part, 2 sub-part, 3 subprogramme/component, 4 below."""
    if rank <= 2:
        return rank
    return 3 if rank <= 4 else 4


def is_subprogramme_number(text: str) -> bool:
    """ "次级方案 1" alone on its line (its title follows on the next line)."""
    return bool(SUBPROGRAMME_RE.fullmatch(text.strip()))
