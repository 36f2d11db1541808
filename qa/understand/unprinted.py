"""Breakdowns a programme budget never prints: who holds a post (gender, nationality), one person's
pay, where travel goes, a month or a quarter.  A figure question qualified by one of them cannot be
answered from the budget's rows, however close a row's figure is ("How many of the P-4 posts are held
by women?" is not answered by the number of P-4 posts).

The budget's tables give resources and posts by body, component, funding source, object of
expenditure, grade and year; nothing finer.
"""

from __future__ import annotations

import re
from enum import StrEnum

from budgetqa.ingest.budget import Measure


class Unprinted(StrEnum):
    """A breakdown of posts or resources that budget tables do not give."""

    GENDER = "gender"
    NATIONALITY = "nationality"
    PERSON = "person"  # one person's salary
    DESTINATION = "destination"  # where travel goes
    PERIOD = "period"  # a month or a quarter

    def label(self, lang: str) -> str:
        """What the breakdown is called: "gender" / "性别"."""
        return _NAMES[self][0 if lang == "en" else 1]

    def qualifies(self, measure: Measure | None) -> bool:
        """Whether the breakdown qualifies figures of `measure`: who holds a post qualifies posts (a
        question about money for "women and peace and security" names a topic, not a breakdown)."""
        return measure in _MEASURES[self]


_NAMES: dict[Unprinted, tuple[str, str]] = {
    Unprinted.GENDER: ("gender", "性别"),
    Unprinted.NATIONALITY: ("nationality", "国籍"),
    Unprinted.PERSON: ("individual salary", "个人薪金"),
    Unprinted.DESTINATION: ("destination", "目的地"),
    Unprinted.PERIOD: ("month or quarter", "月份或季度"),
}

_MEASURES: dict[Unprinted, tuple[Measure, ...]] = {
    Unprinted.GENDER: (Measure.POSTS,),
    Unprinted.NATIONALITY: (Measure.POSTS,),
    Unprinted.PERSON: (Measure.MONEY,),
    Unprinted.DESTINATION: (Measure.MONEY,),
    Unprinted.PERIOD: (Measure.MONEY, Measure.POSTS),
}

_PERSON_TITLE = r"(?:副?秘书长|特别协调员|主任|负责人|首长|主管|处长|干事|\bhead\b|\bchief\b|\bdirector\b|\bunder-secretary|\bUSG\b|\bcoordinator\b|\bofficer\b)"
_PATTERNS: tuple[tuple[re.Pattern[str], Unprinted], ...] = (
    (re.compile(r"女性|男性|性别|\bwomen\b|\bfemale\b|\bmales?\b|\bgender\b|\bmen\b", re.I), Unprinted.GENDER),
    (re.compile(r"国籍|\bnationalit", re.I), Unprinted.NATIONALITY),
    (
        re.compile(
            rf"{_PERSON_TITLE}.{{0,12}}(?:工资|薪金|薪水|年薪|月薪)|(?:工资|薪金|薪水|年薪|月薪)"
            rf"|\bsalar(?:y|ies)\b.{{0,40}}{_PERSON_TITLE}|{_PERSON_TITLE}.{{0,30}}\b(?:salary|paid|earn)",
            re.I,
        ),
        Unprinted.PERSON,
    ),
    (
        re.compile(
            r"去.{1,10}(?:的地方|出差|的差旅)|目的地"
            r"|\b(?:trips?|travel|journeys?) to\b(?! (?:attend|support|meet|carry|participat|conduct|undertake))|\bdestinations?\b",
            re.I,
        ),
        Unprinted.DESTINATION,
    ),
    (
        re.compile(
            r"每月|每个月|按月|每季度|按季度|[一二三四1-4]\s*季度|月份|\b(?:per|a|each) month\b|\bmonthly\b|\bquarter(?:ly)?\b",
            re.I,
        ),
        Unprinted.PERIOD,
    ),
)


def unprinted_breakdown(text: str) -> Unprinted | None:
    """The breakdown a budget does not print that `text` asks for, if any."""
    return next((kind for pattern, kind in _PATTERNS if pattern.search(text)), None)
