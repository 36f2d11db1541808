"""Vetoes: evidence that cannot answer a question, whatever its score, and why.

Each veto is a function of (the question as read, one piece of evidence) that returns a
:class:`Reason` (the rule and the reason, in Chinese and English) or None.  The passage answerer drops
vetoed evidence before it ranks the rest by fitted score (:mod:`.features`, :mod:`.weights`); when
nothing is left it declines and says why.

- :func:`before_recosting` — an amount after recosting answered by an estimate before recosting.
- :func:`missing_rare_entity` — the question names a body, office or place the document mentions
  only in a few blocks, and the evidence never mentions it: it is about something else.
- :func:`missing_ordinal` — "第八次审查" / "the eighth review" answered by evidence on another one.
- :func:`other_body_part` — the question names a body with a part of its own; the evidence comes
  from another body's part and never names it.
- :func:`uncounted_noun` — a count question answered by evidence that never names what it counts.
- :func:`count_for_money` — an amount of money answered by a bare count.
- :func:`other_year` — a figure for a year answered by a figure of another year.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from budgetqa.index.glossary import normalize_zh
from budgetqa.ingest.budget import Basis, Measure
from budgetqa.ingest.model import Document, Table

from .asked import AskedQuestion
from .features import Evidence, cell_basis, cell_year, names_body
from .measure import STATES_NONE, mentions
from .verify import stated_figures

# A body, office or place the document names in at most this many blocks (of about 400) is specific
# enough that evidence not mentioning it answers about something else; a name in more blocks (the
# Security Council, the General Assembly) is context, not the subject.
RARE_ENTITY_BLOCKS = 10
SUBPROGRAMME_HEADING = "次级方案"


@dataclass(frozen=True)
class Reason:
    """Why a piece of evidence cannot answer: the rule, and the reason in each language."""

    rule: str
    zh: str
    en: str

    def reason(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass
class DocumentTexts:
    """What the vetoes read of the document: its blocks' texts (normalised), by subprogramme too."""

    blocks: list[str]
    subprogrammes: dict[tuple[str, ...], str]
    tables: dict[str, Table]
    _frequency: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Document) -> DocumentTexts:
        blocks = [normalize_zh(unit.text) for unit in document.units()]
        texts: dict[tuple[str, ...], list[str]] = {}
        for unit, normalized in zip(document.units(), blocks, strict=True):
            key = subprogramme_of(unit.section)
            if key is not None:
                texts.setdefault(key, []).append(normalized)
        return cls(blocks, {key: " ".join(parts) for key, parts in texts.items()}, {t.ref: t for t in document.tables})

    def block_frequency(self, forms: Sequence[str]) -> int:
        """In how many blocks any of `forms` (normalised) occurs."""
        key = "|".join(forms)
        if key not in self._frequency:
            self._frequency[key] = sum(any(form in text for form in forms) for text in self.blocks)
        return self._frequency[key]


def subprogramme_of(section: Sequence[str]) -> tuple[str, ...] | None:
    """The heading path down to a unit's subprogramme ("次级方案 4 非殖民化"), or None outside one."""
    for depth, heading in enumerate(section):
        if heading.startswith(SUBPROGRAMME_HEADING):
            return tuple(section[: depth + 1])
    return None


# ---------------------------------------------------------------------------------------------- vetoes


def before_recosting(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """An amount after recosting answered by a column of estimates before recosting."""
    if not question.parsed.after_recosting or evidence.cell is None:
        return None
    if cell_basis(evidence.cell) is not Basis.ESTIMATE_BEFORE_RECOSTING:
        return None
    return Reason("before_recosting", "文件只给出重计费用前的估计数", "the document gives the estimate before recosting only")



def missing_rare_entity(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """The question names a rare body, office or place (a glossary entity in a few blocks only) that
    the evidence's unit never mentions.  A subprogramme's blocks speak of its body by a short name
    once one of them has named it in full, so the subprogramme's text counts as the unit's."""
    unit = evidence.candidate.unit
    seen = normalize_zh(f"{unit.text} {unit.title} {' '.join(unit.section)}")
    subprogramme = subprogramme_of(unit.section)
    if subprogramme is not None:
        seen += texts.subprogrammes.get(subprogramme, "")
    for entry in question.entities:
        forms = [normalize_zh(form) for form in entry.zh_forms]
        if texts.block_frequency(forms) <= RARE_ENTITY_BLOCKS and not any(form in seen for form in forms):
            return Reason("rare_entity", f"最接近的证据没有提到{entry.zh}", f"the nearest evidence never names {entry.en or entry.zh}")
    return None


def missing_ordinal(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """"第八次审查" / "the eighth review": the evidence must speak of that occurrence."""
    if not question.ordinals:
        return None
    text = evidence.text + evidence.candidate.unit.text
    if any(re.search(f"第{numeral}[次届轮]", text) for numeral in question.ordinals):
        return None
    asked = "、".join(sorted(question.ordinals))
    return Reason("ordinal", f"证据没有提到第{asked}次", f"the evidence does not speak of the occurrence asked (第{asked})")


def other_body_part(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """Evidence from another body's part that never names the body asked about."""
    if not question.home_parts or not evidence.candidate.unit.part or names_body(question, evidence):
        return None
    names = "、".join(body.name_zh for body in question.parsed.bodies if body.part)
    english = ", ".join(body.name_en for body in question.parsed.bodies if body.part)
    return Reason("other_body", f"证据属于另一机构，没有提到{names}", f"the evidence is about another body, not {english}")


def uncounted_noun(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """A count question ("多少份索赔申请表") answered by evidence that never names what it counts."""
    noun = question.counted
    if noun is None or mentions(evidence.text, noun):
        return None
    return Reason("counted_noun", f"证据没有提到{noun}的数目", f"the evidence gives no number of {noun}")


def count_for_money(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """"How much is the budget of X" answered by a count of X's meetings."""
    if question.figure and question.measure is Measure.MONEY and evidence.measure is Measure.COUNT:
        return Reason("count_for_money", "证据只有数目，没有金额", "the evidence gives a count, not an amount")
    return None


def other_year(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """A figure question naming years, answered by a cell of another year's column or a sentence that
    gives no figure for an asked year.  A column without a year (a change) is about the budget year."""
    if not question.figure or not question.years:
        return None
    years = sorted(question.years)
    if evidence.cell is not None:
        year = cell_year(evidence.cell)
        if year is None or year in question.years:
            return None
    else:
        unit = evidence.candidate.unit
        context = " ".join(unit.section)
        if unit.note is not None:  # a table note speaks of the table's figures, of its columns' years
            context += " " + " ".join(texts.tables[unit.ref].columns)
        if any(figure_for_year(evidence.text, str(year), context) for year in years):
            return None
    shown = "、".join(str(year) for year in years)
    return Reason("other_year", f"证据没有 {shown} 年的数字", f"the evidence gives no figure for {', '.join(map(str, years))}")


Rule = Callable[[DocumentTexts, AskedQuestion, Evidence], "Reason | None"]
VETOES: tuple[Rule, ...] = (
    before_recosting,
    missing_rare_entity,
    missing_ordinal,
    other_body_part,
    uncounted_noun,
    count_for_money,
    other_year,
)


def veto(texts: DocumentTexts, question: AskedQuestion, evidence: Evidence) -> Reason | None:
    """The first veto that applies to the evidence, or None."""
    for rule in VETOES:
        found = rule(texts, question, evidence)
        if found is not None:
            return found
    return None


def figure_for_year(sentence: str, year: str, context: str = "") -> bool:
    """The sentence states a figure for `year`: the year is followed, within its clause, by a figure,
    or the sentence has no year but sits under a heading of that year ("2022 年方案执行情况").

    >>> figure_for_year("2021 年在 12 个国家投入 0.9 亿美元，比 2018 年多。", "2021")
    True
    >>> figure_for_year("2021 年在 12 个国家投入 0.9 亿美元，比 2018 年多。", "2018")
    False
    >>> figure_for_year("由于供资结束，预计 2025 年没有预算外资源。", "2025")
    True
    """
    for match in re.finditer(rf"(?<!\d){year}(?!\d)", sentence):
        clause = re.split(r"[。；;]", sentence[match.end() :], maxsplit=1)[0][:60]
        if stated_figures(clause) or STATES_NONE.search(clause):
            return True
    if year not in sentence:
        return year in context and bool(stated_figures(sentence) or STATES_NONE.search(sentence))
    return False
