"""Vetoes: the reasons the best evidence found cannot answer a question, each named.

Scoring (:mod:`budgetqa.qa.evidence_score`) ranks the candidates; a veto is a hard check on the one
ranked first.  It does not weigh anything: the evidence either states what the question asks for (the
body it names, the year, the role, the kind of figure) or it answers another question, and the
answerer abstains, saying why (:class:`Veto`), rather than quote it.
"""

from __future__ import annotations

import copy
import re
from enum import StrEnum

from budgetqa.index.glossary import Glossary, GlossaryEntry, normalize_zh
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.english import has_han
from budgetqa.ingest.model import Document
from budgetqa.ingest.numerals import int_to_chinese

from .evidence_score import Evidence, EvidenceWeights
from .measure import STATES_NONE, mentions
from .understand.counting import asked_measure, counted_noun, english_counted_phrase
from .understand.interrogatives import asks_figure
from .understand.parse import asks_change
from .verify import stated_figures

# A body, office or place the document names in at most this many blocks is specific enough that
# evidence not mentioning it answers about something else.
RARE_ENTITY_BLOCKS = 10
ENTITY_CATEGORIES = frozenset({"org", "geo"})
# Glossary categories that can answer "who": an office holder, an entity, a country.
WHO_CATEGORIES = frozenset({"org", "geo", "title"})

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ORDINAL_EN = {
    word: int_to_chinese(number)
    for number, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), start=1
    )
}
_ORDINAL_ZH = re.compile(r"第([一二三四五六七八九十]+)(?:次|届|轮)")
_ASKS_COUNTRY = re.compile(r"哪个国家|哪国|which (country|member state)", re.IGNORECASE)
# A question for a person or an office holder ("谁主持了…", "Who chaired …").
ASKS_PERSON = re.compile(r"\bwho(?:m|se)?\b|谁|哪位", re.IGNORECASE)
_PERCENT_SIGN = re.compile(r"%|％|百分之")
# A sentence stating a change: "增加了 232%", "从 229 次增至 739 次", "减少 105 900 美元", "翻了一番".
_STATES_CHANGE = re.compile(
    r"增加|减少|增长|下降|提高|降低|上升|扩大|缩减|缩小|增至|减至|升至|降至|净增|净减|变动|增幅|减幅|降幅|涨幅|翻了?一?番|倍"
    r"|从.{0,40}?(?:增|减|降|升|提|到|至)"
)
# A person's name as the document prints it: "弗拉基米尔·沃龙科夫".
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8}")
# Roles a question can ask about, in the document's Chinese and as English questions word them: the
# evidence must state the role ("who chaired the Commission" is not answered by its meetings).
_ROLES: dict[str, re.Pattern[str]] = {
    "副主席": re.compile(r"副主席|\bvice[- ](?:chair\w*|president)", re.IGNORECASE),
    "主席": re.compile(r"(?<!副)主席|\bchair(?:s|ed|ing|man|woman|person|manship)?\b|\bpresiden(?:t|cy)\b", re.IGNORECASE),
    "报告员": re.compile(r"报告员|\brapporteurs?\b", re.IGNORECASE),
}


class Veto(StrEnum):
    """Why the best evidence found does not answer the question."""

    WEAK = "weak"  # it scores below the fitted threshold
    OTHER_BODY = "other_body"  # it never names the body, office or place the question names
    OTHER_OCCURRENCE = "other_occurrence"  # "the eighth review" answered by another one
    NO_PLACE = "no_place"  # "which country" answered by a sentence naming none
    NO_PERSON = "no_person"  # "who" answered by a sentence naming nobody but the question's subjects
    ROLE_NOT_STATED = "role_not_stated"  # "who chaired" answered by a sentence on meetings
    COUNTED_NOT_STATED = "counted_not_stated"  # "how many claims" answered by evidence that never names them
    COUNT_FOR_AMOUNT = "count_for_amount"  # "how much money" answered by a count
    NO_PERCENTAGE = "no_percentage"  # "what rate" answered by a sentence without a percentage
    OTHER_YEAR = "other_year"  # a figure of another year than the one asked
    NO_CHANGE = "no_change"  # "how much did it grow" answered by a sentence that states no change

    @property
    def of_figure_kind(self) -> bool:
        """Whether the veto is about the kind of figure stated (its year, a percentage, an amount): a
        lower-scoring piece that states the asked kind may answer instead.  The other vetoes say the
        evidence is about something else, which a piece that merely omits the topic would pass."""
        return self in (Veto.OTHER_YEAR, Veto.NO_PERCENTAGE, Veto.COUNT_FOR_AMOUNT, Veto.NO_CHANGE)

    def explain(self, lang: str) -> str:
        """The reason in words, for the reader of an abstention."""
        zh, en = _EXPLANATIONS[self]
        return zh if lang == "zh" else en


_EXPLANATIONS: dict[Veto, tuple[str, str]] = {
    Veto.WEAK: ("找到的段落与问题相去较远", "the passages found match the question only weakly"),
    Veto.OTHER_BODY: ("找到的段落没有提到问题所说的机构或地点", "the passages found do not name the body or place asked about"),
    Veto.OTHER_OCCURRENCE: ("找到的段落说的是另一次", "the passages found speak of another occurrence"),
    Veto.NO_PLACE: ("找到的段落没有说出国家或地区", "the passages found name no country or region"),
    Veto.NO_PERSON: ("找到的段落没有说出是谁", "the passages found name no one"),
    Veto.ROLE_NOT_STATED: ("找到的段落没有说明所问的职务", "the passages found do not state the role asked about"),
    Veto.COUNTED_NOT_STATED: ("找到的段落没有给出所问事项的数目", "the passages found give no number of what is asked"),
    Veto.COUNT_FOR_AMOUNT: ("找到的段落只有次数，没有金额", "the passages found give a count, not an amount"),
    Veto.NO_PERCENTAGE: ("找到的段落没有百分比", "the passages found give no percentage"),
    Veto.OTHER_YEAR: ("找到的数字属于另一年份", "the figures found are for another year"),
    Veto.NO_CHANGE: ("找到的段落没有说明变化", "the passages found state no change"),
}


def states_asked_roles(question: str, text: str) -> bool:
    """Every role the question asks about (chair, vice-chair, rapporteur) is stated in `text`.

    >>> states_asked_roles("Who chaired the Commission in 2022?", "委员会举行了 27 次会议。")
    False
    >>> states_asked_roles("谁担任委员会主席？", "主席由摩洛哥担任。"), states_asked_roles("委员会开了几次会？", "")
    (True, True)
    """
    asked = [role for role, pattern in _ROLES.items() if pattern.search(question)]
    return all(role in text for role in asked)


def figure_for_year(sentence: str, year: str, context: str = "") -> bool:
    """The sentence states a figure for `year`: the year is followed, within its clause, by a figure,
    or the sentence has no year but sits under a heading of that year ("2022 年方案执行情况").

    >>> figure_for_year("2021 年向 12 个国家派出 4 个团，比 2018 年多。", "2021")
    True
    >>> figure_for_year("2021 年向 12 个国家派出 4 个团，比 2018 年多。", "2018")
    False
    >>> figure_for_year("因供资结束，预计 2024 年没有预算外资源。", "2024")
    True
    """
    for match in re.finditer(rf"(?<!\d){year}(?!\d)", sentence):
        clause = re.split(r"[。；;]", sentence[match.end() :], maxsplit=1)[0][:60]
        if stated_figures(clause) or STATES_NONE.search(clause):
            return True
    if year not in sentence:
        return year in context and bool(stated_figures(sentence) or STATES_NONE.search(sentence))
    return False


def subprogramme_of(section: tuple[str, ...] | list[str]) -> tuple[str, ...] | None:
    """The heading path down to a unit's subprogramme ("次级方案 4 非殖民化"), or None outside one."""
    for depth, heading in enumerate(section):
        if heading.startswith("次级方案"):
            return tuple(section[: depth + 1])
    return None


class QuestionTerms:
    """What a question names, in the document's terms: its glossary entities, what it counts, who it
    asks about.  Shared by the answerer's features and its vetoes."""

    def __init__(self, document: Document, glossary: Glossary) -> None:
        self.glossary = glossary
        self._block_texts = [normalize_zh(unit.text) for unit in document.units()]
        self._frequency: dict[str, int] = {}

    def entries_of(self, question: str) -> list[GlossaryEntry]:
        """The glossary entries a question names, in either language."""
        if has_han(question):
            return [entry for _, entry in self.glossary.find_terms(question)]
        return self.glossary.match_english(question)

    def named_entities(self, question: str) -> list[GlossaryEntry]:
        """The bodies, offices and places a question names."""
        return [entry for entry in self.entries_of(question) if entry.category in ENTITY_CATEGORIES]

    def counted(self, question: str) -> str | None:
        """What a count question counts, in the document's Chinese: "几个代表团" → 代表团, "how many
        civil society speakers" → 发言者 (the longest tail of the phrase the glossary knows).  Not
        posts: staffing tables count them under their own labels (see :mod:`.measure`)."""
        if asked_measure(question) is Measure.POSTS:
            return None
        if has_han(question):
            return counted_noun(question)
        phrase = english_counted_phrase(question)
        words = phrase.split() if phrase else []
        for start in range(len(words)):
            chinese = self.glossary.chinese_for(" ".join(words[start:]))
            if chinese:
                return chinese
        return None

    def names_someone_else(self, question: str, text: str) -> bool:
        """The text names a person, or an office holder, entity or country the question does not name."""
        if _PERSON_NAME.search(text):
            return True
        asked = {entry.zh for entry in self.entries_of(question)}
        return any(
            entry.category in WHO_CATEGORIES and entry.zh not in asked for _, entry in self.glossary.find_terms(text)
        )

    def names_a_place(self, text: str) -> bool:
        """The text names a country, territory or region (a glossary place)."""
        return any(entry.category == "geo" for _, entry in self.glossary.find_terms(text))

    def block_frequency(self, forms: list[str]) -> int:
        """In how many of the document's blocks any of `forms` appears."""
        key = "|".join(forms)
        if key not in self._frequency:
            self._frequency[key] = sum(any(form in text for form in forms) for text in self._block_texts)
        return self._frequency[key]


class Vetoes:
    """The checks the best evidence must pass to answer a question (see :class:`Veto`)."""

    def __init__(self, document: Document, terms: QuestionTerms, weights: EvidenceWeights) -> None:
        self.terms = terms
        self.weights = weights
        self._tables = {table.ref: table for table in document.tables}
        texts: dict[tuple[str, ...], list[str]] = {}
        for unit in document.units():
            key = subprogramme_of(unit.section)
            if key is not None:
                texts.setdefault(key, []).append(normalize_zh(unit.text))
        self._subprogramme_texts = {key: " ".join(parts) for key, parts in texts.items()}

    def with_weights(self, weights: EvidenceWeights) -> Vetoes:
        """These checks with another abstention threshold (the weights it comes with)."""
        other = copy.copy(self)
        other.weights = weights
        return other

    def first(self, question: str, best: Evidence) -> Veto | None:
        """The first reason `best` cannot answer `question`, or None when it can."""
        if best.score < self.weights.abstain_below:
            return Veto.WEAK
        if self.missing_rare_terms(question, best):
            return Veto.OTHER_BODY
        if self._misses_asked_ordinal(question, best):
            return Veto.OTHER_OCCURRENCE
        if _ASKS_COUNTRY.search(question) and not self.terms.names_a_place(best.candidate.text):
            return Veto.NO_PLACE
        if ASKS_PERSON.search(question) and not self.terms.names_someone_else(question, best.candidate.text):
            return Veto.NO_PERSON
        if not states_asked_roles(question, best.candidate.text):
            return Veto.ROLE_NOT_STATED
        counted = self.terms.counted(question)
        if counted and not mentions(best.candidate.text, counted):
            return Veto.COUNTED_NOT_STATED
        figure = asks_figure(question)
        asked = asked_measure(question)
        if figure and best.measure is Measure.COUNT and asked is Measure.MONEY:
            return Veto.COUNT_FOR_AMOUNT
        if (
            figure
            and asked is Measure.PERCENTAGE
            and best.measure is not Measure.PERCENTAGE
            and not _PERCENT_SIGN.search(best.candidate.text)
        ):
            return Veto.NO_PERCENTAGE
        years = tuple(dict.fromkeys(YEAR.findall(question)))
        if figure and years and not self._for_asked_year(best, years):
            return Veto.OTHER_YEAR
        if figure and asks_change(question) and best.cell is None and not _STATES_CHANGE.search(best.candidate.text):
            return Veto.NO_CHANGE  # a table row shows its years side by side: its change can be read off it
        return None

    def _for_asked_year(self, best: Evidence, years: tuple[str, ...]) -> bool:
        if best.cell is not None:
            # A column without a year (a change column) is about the budget year itself.
            header_years = YEAR.findall(best.cell.column)
            return not header_years or any(year in header_years for year in years)
        unit = best.candidate.unit
        context = " ".join(unit.section)
        if unit.note is not None:  # a table note speaks of the table's figures, of its columns' years
            context += " " + " ".join(self._tables[unit.ref].columns)
        return any(figure_for_year(best.candidate.text, year, context) for year in years)

    def missing_rare_terms(self, question: str, best: Evidence) -> list[str]:
        """Bodies, offices and places the question names (glossary entities the document mentions
        only in a few blocks) that the evidence's unit never mentions: the evidence is about
        something else (a question on one mission answered from a paragraph on another office)."""
        unit = best.candidate.unit
        seen = normalize_zh(f"{unit.text} {unit.title} {' '.join(unit.section)}")
        subprogramme = subprogramme_of(unit.section)
        if subprogramme is not None:
            # A subprogramme's blocks speak of its body by a short name ("特别委员会") once one of
            # them has named it in full.
            seen += self._subprogramme_texts.get(subprogramme, "")
        missing = []
        for entry in self.terms.named_entities(question):
            forms = [normalize_zh(form) for form in entry.zh_forms]
            if self.terms.block_frequency(forms) <= RARE_ENTITY_BLOCKS and not any(form in seen for form in forms):
                missing.append(entry.zh)
        return missing

    def _misses_asked_ordinal(self, question: str, best: Evidence) -> bool:
        """"第八次审查" / "the eighth review": evidence must speak of that occurrence, not another."""
        wanted = set(_ORDINAL_ZH.findall(question))
        wanted |= {zh for word, zh in _ORDINAL_EN.items() if re.search(rf"\b{word}\b", question, re.IGNORECASE)}
        if not wanted:
            return False
        text = best.candidate.text + best.candidate.unit.text
        return not any(f"第{numeral}" in text for numeral in wanted)
