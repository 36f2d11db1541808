"""Generated questions: figure questions written from the document's typed facts, in Chinese and English.

The development set was written by the people who built the answerer; these questions measure how
well it does on wordings it was not tuned on.  Every question asks for one *target*: a slot of the
budget (body, funding source, period, measure, and the component, object of expenditure or grade
when the question asks for a part), read from :func:`budgetqa.ingest.facts.extract_facts`.  The
expected value is the one the tables and the overview annex print for that slot; the acceptable
citations are every table, annex and paragraph that prints an equal figure for the same slot (money
compared in US dollars).  A slot whose tables disagree, or print a nil ("—") or zero, asks nothing.

Kinds of question (:class:`Kind`): a body's total resources by funding source and period; the
section's totals; the change from 2023 to 2024 (amount and percentage); a body's posts by funding
source; posts by grade; an object of expenditure; a component or subprogramme; follow-ups asked in the
session of the question they follow ("那 2023 年呢？"); and unanswerable variants that must be declined
(an approved 2024 amount, an amount after recosting, a year the document does not give, a body the
section does not cover).  Rankings ask which of a body's rows — its numbered subprogrammes, objects of
expenditure, grades or funding sources — is highest or lowest in 2023, in 2024 or in the change
between them; the expected figure is the first row's, and the other rows' figures are kept so that
the scorer can tell an answer that names the first row first from one that only lists it.

**Splits.**  Each kind has at least 8 templates per language, listed in :data:`TEMPLATES` as a
``fit`` half and a ``check`` half.  The split belongs to the template, never to the fact: a fact may
be asked in both halves, in different words.  Tune on ``fit``; report ``check``.

**Sampling.**  Each (language, kind, split) draws :data:`QUOTAS` questions with a generator seeded by
:data:`SEED` and those three names, so the set is the same on every run and on every machine.

>>> # questions = generate_questions(load_document())
>>> # sum(q.split == "check" and q.lang == "zh" for q in questions)  # about 245
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from budgetqa.ingest.bodies import SECTION_KEY, Body, BodyRegistry
from budgetqa.ingest.budget import Basis, Breakdown, ChangeKind, FundingSource, Measure, TableKind, is_grade
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document

from .gold import GoldQuestion

SEED = 20240611


class Kind(StrEnum):
    """What a generated question asks."""

    BODY_TOTAL = "body_total"  # (a) a body's total resources by funding source and period
    SECTION_TOTAL = "section_total"  # (b) the section's totals (resources, posts)
    CHANGE = "change"  # (c) the change 2023 → 2024, amount or percentage
    POSTS = "posts"  # (d) a body's posts by funding source
    GRADE = "posts_by_grade"  # (e) posts of one grade
    OBJECT = "object"  # (f) an object of expenditure
    COMPONENT = "component"  # (g) a component or subprogramme
    RANKING = "ranking"  # (h) which row of a body's table is largest or smallest, and its figure
    FOLLOW_UP = "follow_up"  # another year of the slot asked just before, in the same session
    UNANSWERABLE = "unanswerable"  # must be declined


class Split(StrEnum):
    FIT = "fit"
    CHECK = "check"


class Period(StrEnum):
    """The years and bases a budget table prints, as one reader-facing notion."""

    ACTUAL_2022 = "2022_expenditure"
    CURRENT_2023 = (
        "2023_appropriation_or_estimate"  # appropriation (regular budget), estimate, approved posts
    )
    PROPOSED_2024 = "2024_proposed_before_recosting"  # estimate before recosting, proposal, estimate
    CHANGE_2024 = "2024_change"

    @property
    def year(self) -> int:
        return {"2022_expenditure": 2022, "2023_appropriation_or_estimate": 2023}.get(self.value, 2024)


def period_of(fact: Fact) -> Period | None:
    """The period of a fact, or None for a year and basis no generated question asks about."""
    if fact.basis is Basis.CHANGE:
        return Period.CHANGE_2024 if fact.year == 2024 and fact.change in (None, ChangeKind.TOTAL) else None
    if fact.basis is Basis.ACTUAL:
        return Period.ACTUAL_2022 if fact.year == 2022 else None
    if fact.year == 2023 and fact.basis in (Basis.APPROPRIATION, Basis.APPROVED, Basis.ESTIMATE):
        return Period.CURRENT_2023
    if fact.year == 2024 and fact.basis in (Basis.ESTIMATE, Basis.ESTIMATE_BEFORE_RECOSTING, Basis.PROPOSED):
        return Period.PROPOSED_2024
    return None


# ---------------------------------------------------------------------------------------------- targets

Item = tuple[str | None, str | None]  # (component, row label); (None, None) is the body's total


@dataclass(frozen=True)
class SlotKey:
    """A budget slot: whose figure, from which source, for which period, of what."""

    body: str
    funding: FundingSource
    measure: Measure
    period: Period
    item: Item


class Ranked(StrEnum):
    """The rows of a body's tables a ranking question ranks."""

    SUBPROGRAMMES = "subprogrammes"  # numbered subprogramme rows of the resources / posts by source tables
    OBJECTS = "objects"  # objects of expenditure of the resources-by-object table
    GRADES = "grades"  # grades of the posts-by-grade table
    SOURCES = "sources"  # the body's total per funding source


@dataclass(frozen=True)
class Ranking:
    """A ranking question's rows, best first: the highest (or, when `lowest`, the lowest) first."""

    rows: Ranked
    lowest: bool
    values: tuple[float, ...]  # each row's figure (money in US dollars), best first; no nil rows
    names: tuple[str, ...] = ()  # the first row's names, in Chinese and English (see :func:`row_names`)

    @property
    def rivals(self) -> tuple[float, ...]:
        """The figures of the rows after the first."""
        return self.values[1:]


@dataclass(frozen=True)
class Target:
    """One slot with its expected value (money in US dollars) and the refs that print it.

    A ranking's target is the slot of its first row, with the ranking it heads."""

    key: SlotKey
    value: float
    unit: str  # "USD", "posts", "%"
    refs: tuple[str, ...]  # unit ids: "table:3.75", "annex:四", "paragraph:3.264"
    fact_id: str  # the table or annex fact the value was read from
    subprogramme: int | None = None
    ranking: Ranking | None = None


def _item_of(fact: Fact) -> Item | None:
    if fact.breakdown in (Breakdown.TOTAL, Breakdown.COMPONENT):
        return (fact.component, None)
    if fact.breakdown in (Breakdown.OBJECT, Breakdown.GRADE) and fact.label:
        return (fact.component, fact.label)
    return None  # subtotals, categories, items


def _comparable(fact: Fact) -> float | None:
    """The value compared across sources: money in US dollars, other measures as printed."""
    return fact.usd if fact.measure is Measure.MONEY else fact.number


def _unit(measure: Measure) -> str:
    return {Measure.MONEY: "USD", Measure.POSTS: "posts", Measure.PERCENTAGE: "%"}.get(measure, "count")


def _same(a: float, b: float, measure: Measure) -> bool:
    return abs(a - b) < (0.5 if measure is Measure.MONEY else 1e-6)


def slot_facts(facts: Iterable[Fact]) -> dict[SlotKey, list[Fact]]:
    """Facts grouped by slot (facts of no slot left out)."""
    slots: dict[SlotKey, list[Fact]] = defaultdict(list)
    for fact in facts:
        period, item = period_of(fact), _item_of(fact)
        if (
            period is None
            or item is None
            or fact.measure not in (Measure.MONEY, Measure.POSTS, Measure.PERCENTAGE)
        ):
            continue
        if fact.measure is Measure.PERCENTAGE and period is not Period.CHANGE_2024:
            continue
        slots[SlotKey(fact.body, fact.funding, fact.measure, period, item)].append(fact)
    return slots


def target_of(key: SlotKey, facts: Sequence[Fact]) -> Target | None:
    """The slot's target: the value every table and annex fact agrees on, and every ref printing it."""
    printed = [f for f in facts if f.table_kind is not None]
    values = [_comparable(f) for f in printed]
    if not printed or any(v is None for v in values):
        return None
    first = values[0]
    assert first is not None
    if first == 0 or any(not _same(first, v, key.measure) for v in values if v is not None):
        return None  # nil, zero or disagreeing sources: no question
    refs = {
        f"{f.source.kind.value}:{f.source.ref}"
        for f in facts
        if (v := _comparable(f)) is not None and _same(first, v, key.measure)
    }
    return Target(
        key, round(first, 2), _unit(key.measure), tuple(sorted(refs)), printed[0].id, printed[0].subprogramme
    )


def kind_of(key: SlotKey, facts: Sequence[Fact]) -> Kind | None:
    """Which kind of question a slot feeds, if any."""
    component, label = key.item
    change = key.period is Period.CHANGE_2024
    if key.measure is Measure.PERCENTAGE:
        return Kind.CHANGE if key.item == (None, None) else None
    if key.item == (None, None):
        if change:
            return Kind.CHANGE if key.measure is Measure.MONEY else None
        if key.body == SECTION_KEY:
            return Kind.SECTION_TOTAL
        return Kind.BODY_TOTAL if key.measure is Measure.MONEY else Kind.POSTS
    if change:
        return None
    if label is None:
        return Kind.COMPONENT if key.measure is Measure.MONEY and key.body != SECTION_KEY else None
    if key.measure is Measure.POSTS and is_grade(label) and component is None:
        return Kind.GRADE
    if key.measure is Measure.MONEY and component is None and label not in ("员额", "非员额"):
        return Kind.OBJECT
    return None


def build_targets(facts: Iterable[Fact]) -> dict[Kind, list[Target]]:
    """Every target of the document, by the kind of question it feeds (in a stable order)."""
    facts = list(facts)
    out: dict[Kind, list[Target]] = defaultdict(list)
    for key, grouped in slot_facts(facts).items():
        kind = kind_of(key, grouped)
        target = target_of(key, grouped) if kind is not None else None
        if kind is not None and target is not None:
            out[kind].append(target)
    out[Kind.RANKING] = ranking_targets(facts)
    for targets in out.values():
        targets.sort(key=lambda t: (t.fact_id, t.ranking.lowest if t.ranking else False))
    return dict(out)


# Periods a ranking question asks about: the two years' levels and the printed change between them.
RANKED_PERIODS = (Period.CURRENT_2023, Period.PROPOSED_2024, Period.CHANGE_2024)
MIN_RANKED_ROWS = 3
_RANKED_MEASURES = (Measure.MONEY, Measure.POSTS)


def ranked_rows(fact: Fact) -> Ranked | None:
    """The rows a table fact is one of, for ranking questions (None: a fact no ranking ranks)."""
    if fact.table_kind is None:
        return None
    if (
        fact.breakdown is Breakdown.COMPONENT
        and fact.subprogramme is not None
        and fact.table_kind in (TableKind.RESOURCES_BY_SOURCE, TableKind.POSTS_BY_SOURCE)
    ):
        return Ranked.SUBPROGRAMMES
    if fact.component is not None:
        return None
    if fact.breakdown is Breakdown.OBJECT and fact.table_kind is TableKind.RESOURCES_BY_OBJECT and fact.label:
        return Ranked.OBJECTS
    if fact.breakdown is Breakdown.GRADE and fact.table_kind is TableKind.POSTS_BY_GRADE and fact.label:
        return Ranked.GRADES
    if fact.breakdown is Breakdown.TOTAL and fact.funding is not FundingSource.ALL:
        return Ranked.SOURCES
    return None


def row_names(rows: Ranked, fact: Fact) -> tuple[str, ...]:
    """What an answer may call a ranked row, in either language: its label and the glossary's English
    for it, a subprogramme's number ("次级方案 1", "subprogramme 1"), a funding source's names."""
    names: tuple[str, ...]
    if rows is Ranked.SOURCES:  # the first of each is the document's own name of the source
        names = (*SOURCE_ZH[fact.funding], *SOURCE_EN[fact.funding])
    elif rows is Ranked.GRADES:
        names = (fact.label,)
    else:
        names = (fact.label, english_label(fact.label))
    if fact.subprogramme is not None:
        names += (
            f"次级方案 {fact.subprogramme}",
            f"次级方案{fact.subprogramme}",
            f"subprogramme {fact.subprogramme}",
        )
    return tuple(dict.fromkeys(names))


def _row_value(measure: Measure, facts: Sequence[Fact]) -> tuple[bool, float | None]:
    """Whether a row's tables agree, and its figure (None when printed as nil or zero everywhere)."""
    values = [_comparable(f) for f in facts]
    printed = [v for v in values if v]
    if not printed:
        return True, None
    agree = len(printed) == len(values) and all(_same(printed[0], v, measure) for v in printed)
    return agree, round(printed[0], 2)


def ranking_targets(facts: Iterable[Fact]) -> list[Target]:
    """Every ranking the document supports, highest and lowest, as the target of its first row.

    For each body, rows (:class:`Ranked`), funding source (all sources together when the sources are
    the rows), measure and period (:data:`RANKED_PERIODS`), the rows are ranked by their figure.  Rows
    printed as nil are left out; a ranking with fewer than :data:`MIN_RANKED_ROWS` rows, whose rows'
    tables disagree, or whose first row's figure another row's equals (even in absolute value) asks
    nothing.  A change ranking asks for the largest rise only when a row rises, and for the largest
    fall only when a row falls.  The expected refs are the tables and annexes that print the first
    row's figure (any table, not only the ranked one)."""
    facts = list(facts)
    slots = slot_facts(facts)
    groups: dict[tuple[str, Ranked, FundingSource | None, Measure, Period], dict[SlotKey, list[Fact]]]
    groups = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        rows, period, item = ranked_rows(fact), period_of(fact), _item_of(fact)
        if (
            rows is None
            or period not in RANKED_PERIODS
            or item is None
            or fact.measure not in _RANKED_MEASURES
        ):
            continue
        assert period is not None
        funding = None if rows is Ranked.SOURCES else fact.funding  # the sources are the rows
        key = SlotKey(fact.body, fact.funding, fact.measure, period, item)
        groups[fact.body, rows, funding, fact.measure, period][key].append(fact)
    targets: list[Target] = []
    for (_, rows, _, measure, period), members in groups.items():
        values = {key: _row_value(measure, row) for key, row in members.items()}
        if not all(agree for agree, _ in values.values()):
            continue  # the tables disagree on a row
        ranked = [(key, value) for key, (_, value) in values.items() if value is not None]
        if len(ranked) < MIN_RANKED_ROWS:
            continue
        for lowest in (False, True):
            order = sorted(ranked, key=lambda pair: pair[1], reverse=not lowest)
            top_key, top = order[0]
            if period is Period.CHANGE_2024 and (top >= 0 if lowest else top <= 0):
                continue  # nothing falls (or rises)
            if any(_same(abs(top), abs(value), measure) for _, value in order[1:]):
                continue  # a tie: no row is first
            top_facts = [f for f in slots[top_key] if f.table_kind is not None]
            refs = {
                f"{f.source.kind.value}:{f.source.ref}"
                for f in top_facts
                if (v := _comparable(f)) is not None and _same(top, v, measure)
            }
            first = members[top_key][0]
            targets.append(
                Target(
                    top_key,
                    top,
                    _unit(measure),
                    tuple(sorted(refs)),
                    first.id,
                    first.subprogramme,
                    Ranking(rows, lowest, tuple(value for _, value in order), row_names(rows, first)),
                )
            )
    return targets


# ---------------------------------------------------------------------------------------------- phrases

SOURCE_ZH = {
    FundingSource.REGULAR_BUDGET: ("经常预算", "经常预算"),
    FundingSource.OTHER_ASSESSED: ("其他分摊资源", "其他分摊经费"),
    FundingSource.EXTRABUDGETARY: ("预算外资源", "预算外"),
    FundingSource.ALL: ("所有资金来源合计", "各类资金合计"),
}
SOURCE_EN = {
    FundingSource.REGULAR_BUDGET: ("regular budget", "regular budget"),
    FundingSource.OTHER_ASSESSED: ("other assessed resources", "other assessed funding"),
    FundingSource.EXTRABUDGETARY: ("extrabudgetary resources", "extrabudgetary funding"),
    FundingSource.ALL: ("combined funding from all sources", "all-source total"),
}


def _basis_zh(key: SlotKey) -> tuple[str, ...]:
    regular = key.funding is FundingSource.REGULAR_BUDGET
    posts = key.measure is Measure.POSTS
    return {
        Period.ACTUAL_2022: ("支出", "实际支出"),
        Period.CURRENT_2023: (("核定", "核定") if posts else ("批款", "批款数"))
        if regular
        else ("估计", "估计数"),
        Period.PROPOSED_2024: (("拟议", "拟议") if posts else ("拟议数(重计费用前)", "估计(重计费用前)"))
        if regular
        else ("估计", "估计数"),
        Period.CHANGE_2024: ("变动", "变化"),
    }[key.period]


def _basis_en(key: SlotKey) -> tuple[str, ...]:
    regular = key.funding is FundingSource.REGULAR_BUDGET
    posts = key.measure is Measure.POSTS
    return {
        Period.ACTUAL_2022: ("2022 expenditure", "actual expenditure for 2022"),
        Period.CURRENT_2023: (
            ("approved for 2023", "2023 approved")
            if posts
            else ("appropriation for 2023", "2023 appropriation")
        )
        if regular
        else ("2023 estimate", "estimate for 2023"),
        Period.PROPOSED_2024: (
            ("proposed for 2024", "2024 proposed")
            if posts
            else (
                "proposed resource requirements for 2024 before recosting",
                "2024 estimate before recosting",
            )
        )
        if regular
        else ("2024 estimate", "estimate for 2024"),
        Period.CHANGE_2024: ("change from 2023 to 2024", "change between 2023 and 2024"),
    }[key.period]


_ENGLISH_LABELS = {
    "行政领导和管理": "executive direction and management",
    "方案支助": "programme support",
    "决策机关": "policymaking organs",
    "工作方案": "programme of work",
}


def english_label(label: str) -> str:
    """A component, object of expenditure or grade in English (the glossary's term; grades as printed)."""
    if is_grade(label):
        return label
    from budgetqa.index.glossary import load_glossary

    for entry in load_glossary().entries:
        if entry.zh == label:
            return entry.en
    return _ENGLISH_LABELS.get(label, label)


def body_names(body: Body, lang: str) -> tuple[str, ...]:
    """The names a question may call a body by: full name, short forms and abbreviations."""
    if lang == "zh":
        return tuple(dict.fromkeys((body.name_zh, *body.aliases_zh)))
    names = (body.name_en, *body.aliases_en)
    return tuple(dict.fromkeys(_with_article(n) for n in names if " " in n or n[:1].isupper()))


def _with_article(name: str) -> str:
    """ "the Office of Counter-Terrorism", "the special political missions"; abbreviations stay bare."""
    return (
        name
        if " " not in name or name.startswith(("the ", "Section ")) or not name[:1].isalpha()
        else f"the {name}"
    )


def component_name(target: Target, lang: str, rng: random.Random) -> str:
    component = target.key.item[0] or ""
    number = target.subprogramme
    if lang == "zh":
        return (
            # a bare number keeps a space after it, so that a year the template puts next does not run into it
            rng.choice((f"次级方案 {number} ", f"次级方案 {number}({component})", component))
            if number
            else component
        )
    english = english_label(component)
    return (
        rng.choice((f"subprogramme {number}", f"subprogramme {number} ({english})", english))
        if number
        else english
    )


def phrases(target: Target, lang: str, body: Body, rng: random.Random) -> dict[str, str]:
    """The words a template fills in for a target."""
    key = target.key
    label = key.item[1] or ""
    if lang == "zh":
        return {
            "body": rng.choice(body_names(body, "zh")),
            "year": str(key.period.year),
            "src": rng.choice(SOURCE_ZH[key.funding]),
            "basis": rng.choice(_basis_zh(key)),
            "item": label,
            "component": component_name(target, "zh", rng) if key.item[0] else "",
        }
    return {
        "body": rng.choice(body_names(body, "en")),
        "year": str(key.period.year),
        "src": rng.choice(SOURCE_EN[key.funding]),
        "basis": rng.choice(_basis_en(key)),
        "item": english_label(label) if label else "",
        "component": component_name(target, "en", rng) if key.item[0] else "",
    }


# What a ranking question calls its rows: (zh nouns, en nouns as (singular, plural)).
RANKED_ZH: dict[Ranked, tuple[str, ...]] = {
    Ranked.SUBPROGRAMMES: ("次级方案",),
    Ranked.OBJECTS: ("支出用途", "开支项目", "支出类别"),
    Ranked.GRADES: ("职等", "级别"),
    Ranked.SOURCES: ("资金来源", "经费来源"),
}
RANKED_EN: dict[Ranked, tuple[tuple[str, str], ...]] = {
    Ranked.SUBPROGRAMMES: (("subprogramme", "subprogrammes"),),
    Ranked.OBJECTS: (
        ("object of expenditure", "objects of expenditure"),
        ("expenditure category", "expenditure categories"),
    ),
    Ranked.GRADES: (("grade", "grades"), ("grade level", "grade levels")),
    Ranked.SOURCES: (("funding source", "funding sources"), ("source of funds", "sources of funds")),
}

# Which end is asked for, by (measure, a change?, lowest?).
_MOST_ZH: dict[tuple[Measure, bool, bool], tuple[str, ...]] = {
    (Measure.MONEY, False, False): ("经费最多", "钱最多", "预算最高", "拿的钱最多"),
    (Measure.MONEY, False, True): ("经费最少", "钱最少", "预算最低"),
    (Measure.POSTS, False, False): ("员额最多", "编制最多", "员额数最多"),
    (Measure.POSTS, False, True): ("员额最少", "编制最少"),
    (Measure.MONEY, True, False): ("增加最多", "增得最多", "涨得最多"),
    (Measure.MONEY, True, True): ("减少最多", "减得最多", "削减最多", "砍得最多"),
    (Measure.POSTS, True, False): ("员额增加最多", "新增员额最多"),
    (Measure.POSTS, True, True): ("员额减少最多", "裁减员额最多"),
}
_MOST_EN: dict[tuple[Measure, bool, bool], tuple[str, ...]] = {
    (Measure.MONEY, False, False): (
        "gets the most money",
        "has the largest allocation",
        "has the highest resource requirements",
    ),
    (Measure.MONEY, False, True): (
        "gets the least money",
        "has the smallest allocation",
        "has the lowest resource requirements",
    ),
    (Measure.POSTS, False, False): ("has the most posts", "has the largest number of posts"),
    (Measure.POSTS, False, True): ("has the fewest posts", "has the smallest number of posts"),
    (Measure.MONEY, True, False): ("increases the most", "sees the largest increase", "grows the most"),
    (Measure.MONEY, True, True): ("decreases the most", "sees the largest reduction", "is cut the most"),
    (Measure.POSTS, True, False): ("gains the most posts", "sees the largest increase in posts"),
    (Measure.POSTS, True, True): ("loses the most posts", "sees the largest reduction in posts"),
}
_WHEN_ZH: dict[Period, tuple[str, ...]] = {
    Period.PROPOSED_2024: ("2024 年", "明年", "2024 年拟议"),
    Period.CURRENT_2023: ("2023 年",),
    Period.CHANGE_2024: ("2024 年比 2023 年", "与 2023 年相比，2024 年", "明年比今年"),
}
_WHEN_EN: dict[Period, tuple[str, ...]] = {
    Period.PROPOSED_2024: ("in 2024", "for 2024", "in the 2024 proposal", "next year"),
    Period.CURRENT_2023: ("in 2023", "for 2023"),
    Period.CHANGE_2024: ("from 2023 to 2024", "between 2023 and 2024", "in 2024 compared with 2023"),
}
_FROM_EN: dict[FundingSource, tuple[str, ...]] = {
    FundingSource.REGULAR_BUDGET: (" under the regular budget", " from the regular budget"),
    FundingSource.OTHER_ASSESSED: (" from other assessed resources",),
    FundingSource.EXTRABUDGETARY: (" from extrabudgetary resources", " in extrabudgetary funding"),
}


def ranking_phrases(target: Target, lang: str, body: Body, rng: random.Random) -> dict[str, str]:
    """The words a ranking template fills in: {body} (and {body_s}, {rows_pl} in English), {rows}, {when},
    {src} (empty when the sources are the rows; may be left out for the regular-budget-only objects of
    expenditure and grades) and {most}, which says the end and the measure ("经费最少", "loses the most posts")."""
    assert target.ranking is not None
    key, ranking = target.key, target.ranking
    most = (key.measure, key.period is Period.CHANGE_2024, ranking.lowest)
    rows = ranking.rows
    optional = rows in (Ranked.OBJECTS, Ranked.GRADES)
    if lang == "zh":
        src = "" if rows is Ranked.SOURCES else rng.choice(SOURCE_ZH[key.funding])
        return {
            "body": rng.choice(body_names(body, "zh")),
            "rows": rng.choice(RANKED_ZH[rows]),
            "when": rng.choice(_WHEN_ZH[key.period]),
            "src": rng.choice(("", src)) if optional else src,
            "most": rng.choice(_MOST_ZH[most]),
        }
    singular, plural = rng.choice(RANKED_EN[rows])
    src = "" if rows is Ranked.SOURCES else rng.choice(_FROM_EN[key.funding])
    name = rng.choice(body_names(body, "en"))
    return {
        "body": name,
        "body_s": f"{name}'" if name.endswith("s") else f"{name}'s",
        "rows": singular,
        "rows_pl": plural,
        "when": rng.choice(_WHEN_EN[key.period]),
        "src": rng.choice(("", src)) if optional else src,
        "most": rng.choice(_MOST_EN[most]),
    }


# ---------------------------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class Template:
    """A question wording: a format string over :func:`phrases`, the periods it suits, its split."""

    id: str
    kind: Kind
    lang: str
    split: Split
    text: str
    periods: tuple[Period, ...] = ()  # empty: any period
    measures: tuple[Measure, ...] = ()  # empty: any measure
    variant: str = ""  # unanswerable templates: what makes the question unanswerable

    def suits(self, target: Target) -> bool:
        return (not self.periods or target.key.period in self.periods) and (
            not self.measures or target.key.measure in self.measures
        )


_Y24 = (Period.PROPOSED_2024,)
_MONEY = (Measure.MONEY,)
_POSTS = (Measure.POSTS,)
_PCT = (Measure.PERCENTAGE,)

# (text, periods, measures) per template; the first list of each kind and language is the fit half.
_Spec = tuple[str, tuple[Period, ...], tuple[Measure, ...]] | str

TEMPLATE_TEXTS: dict[tuple[Kind, str], tuple[list[_Spec], list[_Spec]]] = {
    (Kind.BODY_TOTAL, "zh"): (
        [
            "{body}{year}年{src}{basis}是多少？",
            "{year} 年{body}的{src}{basis}为多少美元？",
            ("{body}明年{src}要多少钱？", _Y24, ()),
            "请问{body}在{year}年的{src}{basis}数额是多少",
        ],
        [
            "{year}年{body}{src}{basis}有多少？",
            ("{body} {year} 年{src}拟议多少", _Y24, ()),
            "查一下{body}{year}年的{src}{basis}。",
            "{body}的{src}，{year} 年{basis}是多少？",
        ],
    ),
    (Kind.BODY_TOTAL, "en"): (
        [
            "What is the {basis} of {body} under the {src}?",
            "{body}: {src}, {basis}?",
            "How much is the {basis} for {body} ({src})?",
            ("How much is {body} asking for next year from the {src}?", _Y24, ()),
        ],
        [
            "In the {src}, what is the {basis} for {body}?",
            "Tell me the {basis} of the {src} for {body}",
            "What are {body}'s {src} resources ({basis})?",
            "How much money does {body} have in {src}, {basis}?",
        ],
    ),
    (Kind.SECTION_TOTAL, "zh"): (
        [
            ("{body}{year}年{src}{basis}资源总额是多少？", (), _MONEY),
            ("{body}{year}年{src}{basis}员额共有多少个？", (), _POSTS),
            ("整个{body}{year} 年的{src}{basis}员额一共几个", (), _POSTS),
            ("{body}{src}{year}年{basis}合计多少钱", (), _MONEY),
        ],
        [
            ("{year}年{body}{src}{basis}共计多少？", (), _MONEY),
            ("{year} 年{body}{src}{basis}员额总数", (), _POSTS),
            ("{body}全部{src}员额在{year}年{basis}多少个？", (), _POSTS),
            ("请问{body}{year}年{src}{basis}一共是多少美元", (), _MONEY),
        ],
    ),
    (Kind.SECTION_TOTAL, "en"): (
        [
            ("What is the {basis} for {body} as a whole from the {src}?", (), _MONEY),
            ("How many {src} posts does {body} have in total, {basis}?", (), _POSTS),
            ("Total number of posts for {body} under the {src} ({basis})?", (), _POSTS),
            ("{body} in total: {src}, {basis}?", (), _MONEY),
        ],
        [
            ("Overall, what is the {basis} of {body} from the {src}?", (), _MONEY),
            ("What is the total {src} post count for {body}, {basis}?", (), _POSTS),
            ("How many posts in all ({src}, {basis}) for {body}?", (), _POSTS),
            ("How much does {body} total in {src}, {basis}?", (), _MONEY),
        ],
    ),
    (Kind.CHANGE, "zh"): (
        [
            ("{body}{src}2024 年比 2023 年变动了多少？", (), _MONEY),
            ("{body}{src}从 2023 年到 2024 年变化的百分比是多少？", (), _PCT),
            ("与 2023 年相比，{body} 2024 年{src}增减多少钱", (), _MONEY),
            ("{body}{src}2024 年变动百分比", (), _PCT),
        ],
        [
            ("{body}的{src}2024 年较 2023 年的变动数额是多少？", (), _MONEY),
            ("{body}{src}增长或减少了百分之多少（2023→2024）？", (), _PCT),
            ("{body}明年{src}比今年多了还是少了？差多少", (), _MONEY),
            ("2024 年{body}{src}变动幅度(百分比)是多少", (), _PCT),
        ],
    ),
    (Kind.CHANGE, "en"): (
        [
            ("By how much does {body}'s {src} change from 2023 to 2024?", (), _MONEY),
            ("What is the percentage change in {body}'s {src} between 2023 and 2024?", (), _PCT),
            ("How much more or less does {body} get from the {src} in 2024 than in 2023?", (), _MONEY),
            ("{body} {src}: change in per cent, 2023 to 2024?", (), _PCT),
        ],
        [
            (
                "What is the change in {src} resources for {body} compared with the 2023 appropriation?",
                (),
                _MONEY,
            ),
            ("By what percentage do {body}'s {src} resources change in 2024?", (), _PCT),
            ("{body}, {src}: what is the 2024 change in dollars?", (), _MONEY),
            ("How large is the 2023-2024 change for {body} ({src}) as a percentage?", (), _PCT),
        ],
    ),
    (Kind.POSTS, "zh"): (
        [
            "{body}{year}年{src}{basis}员额有多少个？",
            "{year}年{body}{src}{basis}员额数是多少",
            ("{body}明年{src}拟设多少个员额", _Y24, ()),
            "请问{body}的{src}员额（{year}年{basis}）有几个？",
        ],
        [
            "{body} {year} 年{basis}的{src}员额有几个？",
            "{year} 年{body}{src}员额{basis}多少个",
            ("{body}明年{src}有几个员额", _Y24, ()),
            "{body}{src}{year}年{basis}员额总数",
        ],
    ),
    (Kind.POSTS, "en"): (
        [
            "How many {src} posts does {body} have, {basis}?",
            "Number of posts for {body} under the {src} ({basis})?",
            "What is the {src} staffing of {body}, {basis}?",
            ("How many posts will {body} have next year from the {src}?", _Y24, ()),
        ],
        [
            "{body}: {src} posts {basis}?",
            "How many posts are {basis} for {body} under the {src}?",
            "Tell me the number of {src} posts of {body} ({basis})",
            "What is {body}'s post count from the {src}, {basis}?",
        ],
    ),
    (Kind.GRADE, "zh"): (
        [
            "{body}{year}年{basis}的 {item} 员额有几个？",
            "{year} 年{body}{item}职等员额数是多少",
            "{body}有多少个 {item} 员额（{year} 年{basis}）？",
            ("{body}明年拟设 {item} 员额多少个", _Y24, ()),
        ],
        [
            "{body} {item} 员额 {year} 年{basis}多少个？",
            "{year}年{body}{basis}的{item}职位有几个",
            "请问{body}的 {item} 员额{year}年{basis}数目",
            ("{body}明年有几个 {item}", _Y24, ()),
        ],
    ),
    (Kind.GRADE, "en"): (
        [
            "How many {item} posts does {body} have, {basis}?",
            "Number of {item} posts at {body} ({basis})?",
            "{body}: {item} posts, {basis}?",
            ("How many {item} posts will {body} have in 2024?", _Y24, ()),
        ],
        [
            "What is the number of {item}-level posts for {body}, {basis}?",
            "How many {item} positions does {body} have ({basis})?",
            "Tell me how many {item} posts {body} has, {basis}",
            ("{body} {item} posts proposed for 2024?", _Y24, ()),
        ],
    ),
    (Kind.OBJECT, "zh"): (
        [
            "{body}{year}年{item}{basis}是多少？",
            "{year} 年{body}的{item}经费{basis}为多少",
            ("{body}明年{item}要花多少钱", _Y24, ()),
            "请问{body}{item}{year}年{basis}多少美元",
        ],
        [
            "{body}的{item}在{year}年{basis}多少？",
            "{year}年{body}{item}{basis}数额",
            ("{body}明年的{item}预算是多少", _Y24, ()),
            "{body}{item}经费（{year}年{basis}）是多少",
        ],
    ),
    (Kind.OBJECT, "en"): (
        [
            "What is the {basis} for {item} at {body}?",
            "How much does {body} spend on {item} ({basis})?",
            "{body}: {item}, {basis}?",
            ("How much will {body} need for {item} next year?", _Y24, ()),
        ],
        [
            "How much is {body}'s {item} budget, {basis}?",
            "What are the {item} resources of {body} ({basis})?",
            "Tell me {body}'s {basis} for {item}",
            ("{item} at {body}: proposed resources for 2024?", _Y24, ()),
        ],
    ),
    (Kind.COMPONENT, "zh"): (
        [
            "{body}{component}{year}年{src}{basis}是多少？",
            "{year} 年{body}的{component}{src}{basis}为多少",
            ("{body}{component}明年{src}要多少钱", _Y24, ()),
            "请问{component}（{body}）{year}年{src}{basis}数额",
        ],
        [
            "{body}的{component}在{year}年{src}{basis}多少？",
            "{year}年{component}{src}{basis}是多少（{body}）",
            ("{body}{component}明年{src}拟议多少", _Y24, ()),
            "{component}的{src}资源，{year} 年{basis}，{body}",
        ],
    ),
    (Kind.COMPONENT, "en"): (
        [
            "What is the {basis} for {component} of {body} under the {src}?",
            "{body}, {component}: {src}, {basis}?",
            "How much {src} money goes to {component} at {body} ({basis})?",
            ("What will {component} of {body} need next year from the {src}?", _Y24, ()),
        ],
        [
            "What are the {src} resources of {component} ({body}), {basis}?",
            "Tell me the {basis} of {component} at {body} from the {src}",
            "How much is {component} of {body} getting from the {src}, {basis}?",
            ("{component} ({body}): {src} requirements for 2024 before recosting?", _Y24, ()),
        ],
    ),
    # Rankings: {most} carries the end asked for and the measure, {when} the year or the change.
    (Kind.RANKING, "zh"): (
        [
            "{body}{when}哪个{rows}{src}{most}？",
            "{when}{body}的各{rows}中，哪一个{src}{most}",
            "请问{body}{src}{when}{most}的{rows}是哪个？",
            "{body}哪个{rows}{when}{src}{most}，是多少？",
        ],
        [
            "{body}里{when}{src}{most}的是哪个{rows}？",
            "{when}，{body}哪一个{rows}的{src}{most}？",
            "帮我看看{body}各{rows}里{when}谁{src}{most}",
            "{body}的{rows}当中，{when}{src}{most}的是哪一项，多少？",
        ],
    ),
    (Kind.RANKING, "en"): (
        [
            "Which {rows} of {body} {most}{src} {when}?",
            "{when}, which of {body_s} {rows_pl} {most}{src}?",
            "At {body}, what {rows} {most}{src} {when}, and how much is it?",
            "Among the {rows_pl} of {body}, which one {most}{src} {when}?",
        ],
        [
            "{body}: which {rows} {most}{src} {when}?",
            "Looking at {body_s} {rows_pl} {when}, which {most}{src}?",
            "Which is the {rows} that {most}{src} at {body} {when}?",
            "Of all the {rows_pl} of {body}, which {most}{src} {when}, and what is its figure?",
        ],
    ),
    (Kind.FOLLOW_UP, "zh"): (
        [
            "那 {year} 年呢？",
            "{year} 年的呢？",
            "换成 {year} 年呢",
            ("那 2022 年实际支出呢？", (Period.ACTUAL_2022,), ()),
        ],
        [
            "那{year}年呢",
            "{year} 年又是多少？",
            "那么 {year} 年是多少？",
            ("2022 年实际花了多少？", (Period.ACTUAL_2022,), ()),
        ],
    ),
    (Kind.FOLLOW_UP, "en"): (
        [
            "And in {year}?",
            "What about {year}?",
            "And for {year}?",
            ("And the 2022 expenditure?", (Period.ACTUAL_2022,), ()),
        ],
        [
            "How about {year}?",
            "And {year}?",
            "Same question for {year}?",
            ("What was actually spent in 2022?", (Period.ACTUAL_2022,), ()),
        ],
    ),
}

# Unanswerable variants: (text, variant) with {body} a covered body, {absent} a body the section does
# not cover, {year} a year the document does not give.
APPROVED_2024 = "approved_2024"
AFTER_RECOSTING = "after_recosting"
ABSENT_YEAR = "absent_year"
ABSENT_BODY = "absent_body"
UNANSWERABLE_TEXTS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "zh": (
        [
            ("大会为{body}核定的 2024 年经常预算批款是多少？", APPROVED_2024),
            ("{body} 2024 年重计费用后的经常预算资源是多少？", AFTER_RECOSTING),
            ("{body}{year}年经常预算是多少？", ABSENT_YEAR),
            ("{absent} 2024 年经常预算拟议多少？", ABSENT_BODY),
        ],
        [
            ("{body} 2024 年最终批准的预算是多少钱", APPROVED_2024),
            ("重计费用之后，{body}2024 年需要多少经费？", AFTER_RECOSTING),
            ("{year} 年{body}的预算外资源估计是多少", ABSENT_YEAR),
            ("{absent}明年的经常预算要多少钱", ABSENT_BODY),
        ],
    ),
    "en": (
        [
            ("What is the approved 2024 regular budget appropriation for {body}?", APPROVED_2024),
            ("What are {body}'s regular budget requirements for 2024 after recosting?", AFTER_RECOSTING),
            ("What is the regular budget of {body} for {year}?", ABSENT_YEAR),
            ("How much does the {absent} propose under the regular budget for 2024?", ABSENT_BODY),
        ],
        [
            ("How much did the General Assembly approve for {body} for 2024?", APPROVED_2024),
            ("After recosting, what will {body} receive from the regular budget in 2024?", AFTER_RECOSTING),
            ("What are {body}'s extrabudgetary resources in {year}?", ABSENT_YEAR),
            ("What is the 2024 regular budget proposal for the {absent}?", ABSENT_BODY),
        ],
    ),
}
ABSENT_YEARS = (2019, 2025, 2026)
# Bodies this section does not budget for (other sections of the programme budget).
ABSENT_BODIES: dict[str, tuple[str, ...]] = {
    "zh": ("和平行动部", "裁军事务厅", "经济和社会事务部", "法律事务厅"),
    "en": (
        "Department of Peace Operations",
        "Office for Disarmament Affairs",
        "Department of Economic and Social Affairs",
        "Office of Legal Affairs",
    ),
}


def _spec(spec: _Spec) -> tuple[str, tuple[Period, ...], tuple[Measure, ...]]:
    return (spec, (), ()) if isinstance(spec, str) else spec


def build_templates() -> list[Template]:
    """Every template, with its id ("body_total-zh-fit-1") and split."""
    templates: list[Template] = []
    for (kind, lang), halves in TEMPLATE_TEXTS.items():
        for split, specs in zip((Split.FIT, Split.CHECK), halves, strict=True):
            for number, spec in enumerate(specs, start=1):
                text, periods, measures = _spec(spec)
                templates.append(
                    Template(f"{kind}-{lang}-{split}-{number}", kind, lang, split, text, periods, measures)
                )
    for lang, uhalves in UNANSWERABLE_TEXTS.items():
        for split, entries in zip((Split.FIT, Split.CHECK), uhalves, strict=True):
            for number, (text, variant) in enumerate(entries, start=1):
                templates.append(
                    Template(
                        f"unanswerable-{lang}-{split}-{number}",
                        Kind.UNANSWERABLE,
                        lang,
                        split,
                        text,
                        variant=variant,
                    )
                )
    return templates


TEMPLATES: list[Template] = build_templates()

# ---------------------------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class GeneratedQuestion:
    """A generated question with what a correct answer must contain."""

    id: str
    lang: str
    kind: str
    template: str
    split: str
    question: str
    expected: tuple[float, ...]  # money in US dollars; () when unanswerable
    unit: str  # "USD", "posts", "%", "" when unanswerable
    refs: tuple[str, ...]  # acceptable citations as unit ids
    answerable: bool
    follow_up_of: str | None = None
    fact: str | None = None  # the fact the expected value was read from
    slot: dict[str, object] = field(default_factory=dict)  # what is asked: body, funding, period, item
    variant: str = ""  # unanswerable questions: why
    # ranking questions: the other rows' figures, none of which may be stated before the expected one,
    # and the first row's names, one of which must be
    rivals: tuple[float, ...] = ()
    first_row: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["expected"], out["refs"], out["rivals"] = list(self.expected), list(self.refs), list(self.rivals)
        out["first_row"] = list(self.first_row)
        return out

    @classmethod
    def from_json(cls, record: dict[str, object]) -> GeneratedQuestion:
        values = dict(record)
        values["expected"] = tuple(float(v) for v in values.get("expected") or ())  # type: ignore[attr-defined]
        values["refs"] = tuple(values.get("refs") or ())  # type: ignore[arg-type]
        values["rivals"] = tuple(float(v) for v in values.get("rivals") or ())  # type: ignore[attr-defined]
        values["first_row"] = tuple(values.get("first_row") or ())  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    def as_gold(self) -> GoldQuestion:
        """The question in the dev-set form, for the shared runner (its refs are its gold units)."""
        kinds: dict[str, list[str]] = {"paragraph": [], "table": [], "figure": []}
        for ref in self.refs:
            kind, _, value = ref.partition(":")
            kinds["table" if kind == "annex" else kind].append(f"附件{value}" if kind == "annex" else value)
        return GoldQuestion(
            id=self.id,
            lang=self.lang,  # type: ignore[arg-type]
            type="numeric" if self.answerable else "unanswerable",
            question=self.question,
            gold_paragraphs=tuple(kinds["paragraph"]),
            gold_tables=tuple(kinds["table"]),
            gold_figures=(),
            answer="",
            answer_zh_span="",
            follow_up_of=self.follow_up_of,
        )


# Questions drawn per (language, kind, split); follow-ups count their first question separately.
QUOTAS: dict[Kind, int] = {
    Kind.BODY_TOTAL: 28,
    Kind.SECTION_TOTAL: 12,
    Kind.CHANGE: 24,
    Kind.POSTS: 24,
    Kind.GRADE: 24,
    Kind.OBJECT: 28,
    Kind.COMPONENT: 28,
    Kind.RANKING: 24,
    Kind.FOLLOW_UP: 14,
    Kind.UNANSWERABLE: 24,
}


def _slot_json(target: Target) -> dict[str, object]:
    key = target.key
    slot: dict[str, object] = {
        "body": key.body,
        "funding": key.funding.value,
        "measure": key.measure.value,
        "period": key.period.value,
        "component": key.item[0],
        "item": key.item[1],
    }
    if target.ranking is not None:  # the slot of the first row, and what was ranked
        slot["ranks"] = target.ranking.rows.value
        slot["extreme"] = "lowest" if target.ranking.lowest else "highest"
    return slot


def _question(
    qid: str, template: Template, target: Target, words: dict[str, str], follow_up_of: str | None = None
) -> GeneratedQuestion:
    return GeneratedQuestion(
        id=qid,
        lang=template.lang,
        kind=template.kind.value,
        template=template.id,
        split=template.split.value,
        question=_sentence(template.text.format(**words)),
        expected=(target.value,),
        unit=target.unit,
        refs=target.refs,
        answerable=True,
        follow_up_of=follow_up_of,
        fact=target.fact_id,
        slot=_slot_json(target),
        rivals=target.ranking.rivals if target.ranking is not None else (),
        first_row=target.ranking.names if target.ranking is not None else (),
    )


_DOUBLED = (
    ("resources resources", "resources"),
    ("funding money", "funding"),
    ("funding funding", "funding"),
    ("total all-source total", "all-source total"),
    ("  ", " "),
)


def _sentence(text: str) -> str:
    """Capitalised, with the doubled words a template and a phrase can make together removed."""
    for doubled, single in _DOUBLED:
        text = text.replace(doubled, single)
    return text[:1].upper() + text[1:]


def _draw(
    rng: random.Random, targets: Sequence[Target], templates: Sequence[Template], quota: int
) -> list[tuple[Target, Template]]:
    """`quota` (target, template) pairs: targets shuffled, templates in turn (skipping those that do not suit)."""
    order = list(targets)
    rng.shuffle(order)
    pairs: list[tuple[Target, Template]] = []
    turn = 0
    for target in order * max(1, -(-quota // max(1, len(order)))):
        if len(pairs) >= quota:
            break
        for step in range(len(templates)):
            template = templates[(turn + step) % len(templates)]
            if template.suits(target):
                pairs.append((target, template))
                turn += step + 1
                break
    return pairs


def _answerable(
    kind: Kind, lang: str, split: Split, targets: Sequence[Target], registry: BodyRegistry
) -> list[GeneratedQuestion]:
    rng = random.Random(f"{SEED}:{lang}:{kind}:{split}")
    templates = [t for t in TEMPLATES if t.kind is kind and t.lang == lang and t.split is split]
    out = []
    for number, (target, template) in enumerate(_draw(rng, targets, templates, QUOTAS[kind]), start=1):
        body = registry.by_key(target.key.body)
        words = (
            ranking_phrases(target, lang, body, rng)
            if kind is Kind.RANKING
            else phrases(target, lang, body, rng)
        )
        out.append(_question(f"G-{lang}-{kind}-{split}-{number:03d}", template, target, words))
    return out


def _other_period(target: Target, by_key: dict[SlotKey, Target], rng: random.Random) -> Target | None:
    periods = [
        p
        for p in (Period.ACTUAL_2022, Period.CURRENT_2023, Period.PROPOSED_2024)
        if p is not target.key.period
    ]
    rng.shuffle(periods)
    for period in periods:
        key = SlotKey(target.key.body, target.key.funding, target.key.measure, period, target.key.item)
        if key in by_key:
            return by_key[key]
    return None


def _follow_ups(
    lang: str, split: Split, targets: dict[Kind, list[Target]], registry: BodyRegistry
) -> list[GeneratedQuestion]:
    """Pairs: a first question (a body total, posts or component), then another year in the same session."""
    rng = random.Random(f"{SEED}:{lang}:{Kind.FOLLOW_UP}:{split}")
    pool = [t for kind in (Kind.BODY_TOTAL, Kind.POSTS, Kind.COMPONENT) for t in targets.get(kind, [])]
    kinds = {
        id(t): kind for kind in (Kind.BODY_TOTAL, Kind.POSTS, Kind.COMPONENT) for t in targets.get(kind, [])
    }
    by_key = {t.key: t for t in pool}
    firsts = {
        kind: [t for t in TEMPLATES if t.kind is kind and t.lang == lang and t.split is split]
        for kind in set(kinds.values())
    }
    follow_templates = [
        t for t in TEMPLATES if t.kind is Kind.FOLLOW_UP and t.lang == lang and t.split is split
    ]
    order = list(pool)
    rng.shuffle(order)
    out: list[GeneratedQuestion] = []
    for target in order:
        number = len(out) // 2 + 1
        if number > QUOTAS[Kind.FOLLOW_UP]:
            break
        second = _other_period(target, by_key, rng)
        follow = next(
            (t for t in rng.sample(follow_templates, len(follow_templates)) if second and t.suits(second)),
            None,
        )
        first_template = next(
            (
                t
                for t in rng.sample(firsts[kinds[id(target)]], len(firsts[kinds[id(target)]]))
                if t.suits(target)
            ),
            None,
        )
        if second is None or follow is None or first_template is None:
            continue
        words = phrases(target, lang, registry.by_key(target.key.body), rng)
        first_id = f"G-{lang}-{Kind.FOLLOW_UP}-{split}-{number:03d}a"
        out.append(_question(first_id, first_template, target, words))
        words = {**words, "year": str(second.key.period.year)}
        out.append(
            _question(
                f"G-{lang}-{Kind.FOLLOW_UP}-{split}-{number:03d}b",
                follow,
                second,
                words,
                follow_up_of=first_id,
            )
        )
    return out


def _unanswerable(lang: str, split: Split, registry: BodyRegistry) -> list[GeneratedQuestion]:
    rng = random.Random(f"{SEED}:{lang}:{Kind.UNANSWERABLE}:{split}")
    templates = [t for t in TEMPLATES if t.kind is Kind.UNANSWERABLE and t.lang == lang and t.split is split]
    bodies = [b for b in registry.bodies if not b.is_section]
    out = []
    for number in range(1, QUOTAS[Kind.UNANSWERABLE] + 1):
        template = templates[(number - 1) % len(templates)]
        body = rng.choice(bodies)
        words = {
            "body": rng.choice(body_names(body, lang)),
            "absent": rng.choice(ABSENT_BODIES[lang]),
            "year": str(rng.choice(ABSENT_YEARS)),
        }
        slot: dict[str, object] = {"body": None if template.variant == ABSENT_BODY else body.key}
        if template.variant == ABSENT_BODY:
            slot["absent_body"] = words["absent"]
        if template.variant == ABSENT_YEAR:
            slot["year"] = int(words["year"])
        out.append(
            GeneratedQuestion(
                id=f"G-{lang}-{Kind.UNANSWERABLE}-{split}-{number:03d}",
                lang=lang,
                kind=Kind.UNANSWERABLE.value,
                template=template.id,
                split=split.value,
                question=_sentence(template.text.format(**words)),
                expected=(),
                unit="",
                refs=(),
                answerable=False,
                slot=slot,
                variant=template.variant,
            )
        )
    return out


def generate_questions(
    document: Document, *, splits: Sequence[Split] = (Split.FIT, Split.CHECK)
) -> list[GeneratedQuestion]:
    """The generated questions of `document` for `splits`, in a stable order (a follow-up after its first)."""
    registry = BodyRegistry.of(document)
    targets = build_targets(extract_facts(document, registry))
    out: list[GeneratedQuestion] = []
    for lang in ("zh", "en"):
        for split in splits:
            for kind in Kind:
                if kind is Kind.FOLLOW_UP:
                    out.extend(_follow_ups(lang, split, targets, registry))
                elif kind is Kind.UNANSWERABLE:
                    out.extend(_unanswerable(lang, split, registry))
                else:
                    out.extend(_answerable(kind, lang, split, targets.get(kind, []), registry))
    return out


def write_questions(questions: Iterable[GeneratedQuestion], path: Path) -> int:
    """Write the questions as JSON lines; returns how many."""
    lines = [json.dumps(q.to_json(), ensure_ascii=False) for q in questions]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def read_questions(path: Path) -> list[GeneratedQuestion]:
    """Questions written by :func:`write_questions`."""
    return [
        GeneratedQuestion.from_json(json.loads(line))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
