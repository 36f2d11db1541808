"""Scoring generated questions: the expected figure in the right unit, and a citation that prints it.

An answer to an answerable generated question is **correct** when

- **value**: its text contains the expected figure with its unit.  Money is compared in US dollars
  after the unit the answer prints: "10 112.1 千美元", "USD 10,112.1 thousand", "10 112 100 美元" and
  "US$10.1 million" all state 10 112 100 dollars (a rounded figure counts when it agrees to the
  digits written and within 0.5 %); a bare "10 112.1" with no currency does not.  A percentage needs
  "%" (or "per cent"); posts need a number that is not money or a percentage.  Changes compare
  absolute values ("减少 128 400 美元" for a change of -128.4 thousand);
- **citation**: one of its citations names a unit that prints that figure (:attr:`GeneratedQuestion.refs`).

A ranking question ("which object of expenditure gets the most money") is answered by its first row
and that row's figure, and an answer may go on to list every row: its **value** holds only when the
first row's figure is stated before any other row's (:attr:`GeneratedQuestion.rivals`), and one of
the first row's names comes before it (:attr:`GeneratedQuestion.first_row`), so that neither a
ranking with the wrong row first nor another slot's equal figure passes.  The numbers of row names
("P-4", "P-2/1", "subprogramme 2", "第 3 款") are not figures.

An unanswerable question is correct when the answer abstains.  :func:`score` also records when the
figure was there but labelled with the wrong unit (a percentage written as 千美元).

>>> q = GeneratedQuestion("x", "zh", "body_total", "t", "check", "…", (10112100.0,), "USD", ("table:3.75",), True)
>>> score(q, AnswerRecord("x", "拟议 10 112.1 千美元。", (CitedUnit("table", "3.75"),))).correct
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from budgetqa.ingest.numeric import NumberMention, find_numbers, same_figure
from budgetqa.qa.service import QAService

from .answer_metrics import AnswerRecord, CitedUnit
from .generate import GeneratedQuestion, Kind
from .gold import unit_id
from .runner import run_tool

USD, PERCENT, POSTS = "USD", "%", "posts"

_THOUSAND_USD_AFTER = re.compile(r"^\s*[(（]?\s*千美元")
_USD_AFTER = re.compile(r"^\s*[(（]?\s*(?:美元|US\s?dollars|dollars|USD|US\$)", re.IGNORECASE)
_USD_BEFORE = re.compile(r"(?:USD|US\$|\$|美元)\s*[+＋−]?\s*$", re.IGNORECASE)  # "USD +4,304.3 thousand"
_PERCENT_AFTER = re.compile(r"^\s*(?:%|％|per\s?cent|percent)", re.IGNORECASE)
_PERCENT_BEFORE = re.compile(r"百分之\s*$")
_YEAR_AFTER = re.compile(r"^\s*年")
# The number of a row's name: a grade ("P-4", "D-1", the "1" of "P-2/1"), a subprogramme, a section.
_NAME_NUMBER_BEFORE = re.compile(r"(?:[A-Z]-\d+/|(?i:subprogramme|section)\s+|次级方案\s*|第\s*)$")
_GRADE_LETTER_BEFORE = re.compile(r"[A-Z]$")  # "P" of "P-4" (the number read is "-4")


def _names_a_row(text: str, figure: PrintedFigure) -> bool:
    before = text[: figure.mention.start]
    grade = figure.mention.text.startswith("-") and _GRADE_LETTER_BEFORE.search(before)
    return bool(grade or _NAME_NUMBER_BEFORE.search(before))


@dataclass(frozen=True)
class PrintedFigure:
    """A number of an answer with the unit it is printed in, scaled to that unit's base (US dollars)."""

    mention: NumberMention
    unit: str | None  # USD, %, or None (a count: posts, or an unlabelled number)
    base: float  # US dollars for money, the value otherwise
    scale: float  # base / written value: 1, 1e3, 1e6 … (1 for counts and percentages)


def printed_figures(text: str) -> list[PrintedFigure]:
    """Every number of `text` with its unit."""
    figures = []
    for mention in find_numbers(text):
        before, after = text[: mention.start], text[mention.end :]
        if mention.text.endswith("%") or _PERCENT_AFTER.match(after) or _PERCENT_BEFORE.search(before):
            figures.append(PrintedFigure(mention, PERCENT, mention.value, 1.0))
        elif _THOUSAND_USD_AFTER.match(after):
            base = mention.scaled * 1000
            figures.append(
                PrintedFigure(mention, USD, base, base / mention.value if mention.value else 1000.0)
            )
        elif _USD_AFTER.match(after) or _USD_BEFORE.search(before):
            scale = mention.scaled / mention.value if mention.value else 1.0
            figures.append(PrintedFigure(mention, USD, mention.scaled, scale))
        elif not _YEAR_AFTER.match(after):
            figures.append(PrintedFigure(mention, None, mention.value, 1.0))
    return figures


def _written_decimals(mention: NumberMention) -> int:
    digits = re.sub(r"[^\d.]", "", mention.text.split("万")[0].split("亿")[0])
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def money_agrees(figure: PrintedFigure, dollars: float) -> bool:
    """The figure states `dollars`: exactly, or rounded to the digits written (within 0.5 %)."""
    written, exact = abs(figure.base), abs(dollars)
    if abs(written - exact) <= 0.5:
        return True
    if exact == 0 or abs(written - exact) / exact > 0.005:
        return False
    return round(exact / figure.scale, _written_decimals(figure.mention)) == abs(figure.mention.value)


def _matches(figure: PrintedFigure, expected: float, unit: str) -> bool:
    if unit == USD:
        return figure.unit == USD and money_agrees(figure, expected)
    if unit == PERCENT:
        return figure.unit == PERCENT and abs(abs(figure.base) - abs(expected)) < 0.05
    return figure.unit is None and figure.base == expected


def stated_first(
    text: str,
    figures: Sequence[PrintedFigure],
    expected: float,
    unit: str,
    rivals: Iterable[float],
    names: Iterable[str] = (),
) -> bool:
    """Whether `expected` is stated, in its unit, before any of `rivals` is (numbers of row names
    skipped), after one of `names` (any case) when names are given."""
    rivals, names = tuple(rivals), tuple(n.casefold() for n in names)
    for figure in figures:
        if _names_a_row(text, figure):
            continue
        if _matches(figure, expected, unit):
            before = text[: figure.mention.start].casefold()
            return not names or any(name in before for name in names)
        if any(_matches(figure, rival, unit) for rival in rivals):
            return False
    return False


def _same_number(figure: PrintedFigure, expected: float) -> bool:
    """The written number is the expected one, whatever unit it is labelled with."""
    return same_figure(abs(figure.mention.value), abs(expected)) or same_figure(
        abs(figure.mention.scaled), abs(expected)
    )


@dataclass(frozen=True)
class GeneratedScore:
    """One generated question's answer, scored."""

    id: str
    lang: str
    kind: str
    split: str
    follow_up: bool
    answerable: bool
    abstained: bool
    value_ok: bool | None  # None for unanswerable questions
    wrong_unit: bool | None  # the number is there, labelled with another unit
    cites_ok: bool | None
    correct: bool
    text: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def cites_ok(question: GeneratedQuestion, citations: Iterable[CitedUnit]) -> bool:
    """Whether a citation names a unit that prints the expected figure."""
    accepted = set(question.refs)
    return any(unit_id(c.kind, c.ref) in accepted for c in citations)


def score(question: GeneratedQuestion, answer: AnswerRecord) -> GeneratedScore:
    """Score one answer (see the module docstring)."""
    if not question.answerable:
        return _scored(question, answer, value_ok=None, wrong_unit=None, cited=None, correct=answer.abstained)
    figures = [] if answer.abstained else printed_figures(answer.text)
    in_unit = all(any(_matches(f, value, question.unit) for f in figures) for value in question.expected)
    if question.rivals:
        value_ok = in_unit and all(
            stated_first(answer.text, figures, value, question.unit, question.rivals, question.first_row)
            for value in question.expected
        )
    else:
        value_ok = in_unit
    # the number is there only in another unit (a ranking that lists its first row late is not that)
    wrong_unit = not in_unit and any(_same_number(f, v) for f in figures for v in question.expected)
    cited = cites_ok(question, answer.citations)
    correct = value_ok and cited and not answer.abstained
    return _scored(question, answer, value_ok=value_ok, wrong_unit=wrong_unit, cited=cited, correct=correct)


def _scored(
    question: GeneratedQuestion,
    answer: AnswerRecord,
    *,
    value_ok: bool | None,
    wrong_unit: bool | None,
    cited: bool | None,
    correct: bool,
) -> GeneratedScore:
    return GeneratedScore(
        id=question.id,
        lang=question.lang,
        kind=question.kind,
        split=question.split,
        follow_up=question.follow_up_of is not None,
        answerable=question.answerable,
        abstained=answer.abstained,
        value_ok=value_ok,
        wrong_unit=wrong_unit,
        cites_ok=cited,
        correct=correct,
        text=answer.text,
    )


# ---------------------------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class GeneratedSummary:
    """Rates over a group of scored questions (None where no question applies)."""

    n: int
    correct: float | None
    value: float | None
    cites: float | None
    wrong_unit: int
    abstained_answerable: float | None  # answerable questions declined
    declined_unanswerable: float | None  # unanswerable questions declined (their accuracy)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _rate(values: Sequence[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(scores: Sequence[GeneratedScore]) -> GeneratedSummary:
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    return GeneratedSummary(
        n=len(scores),
        correct=_rate([s.correct for s in scores]),
        value=_rate([bool(s.value_ok) for s in answerable]),
        cites=_rate([bool(s.cites_ok) for s in answerable]),
        wrong_unit=sum(bool(s.wrong_unit) for s in answerable),
        abstained_answerable=_rate([s.abstained for s in answerable]),
        declined_unanswerable=_rate([s.abstained for s in unanswerable]),
    )


KIND_ORDER: tuple[str, ...] = tuple(kind.value for kind in Kind)


def breakdown(scores: Sequence[GeneratedScore]) -> dict[str, GeneratedSummary]:
    """Summaries keyed "lang/split/kind", "lang/split/all" and "all/split/all"."""
    groups: dict[str, list[GeneratedScore]] = {}
    for s in scores:
        for key in (f"{s.lang}/{s.split}/{s.kind}", f"{s.lang}/{s.split}/all", f"all/{s.split}/all"):
            groups.setdefault(key, []).append(s)
    return {key: summarise(members) for key, members in sorted(groups.items())}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render_markdown(scores: Sequence[GeneratedScore], *, title: str = "Generated questions") -> list[str]:
    """The section of the report: language × kind × split."""
    groups = breakdown(scores)
    header = [
        "lang",
        "split",
        "kind",
        "n",
        "correct",
        "value",
        "cites",
        "wrong unit",
        "abstained (answerable)",
        "declined (unanswerable)",
    ]
    rows = []
    for key, summary in groups.items():
        lang, split, kind = key.split("/")
        rows.append(
            (
                lang != "all",
                lang,
                split,
                KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER),
                [
                    lang,
                    split,
                    kind,
                    str(summary.n),
                    _fmt(summary.correct),
                    _fmt(summary.value),
                    _fmt(summary.cites),
                    str(summary.wrong_unit),
                    _fmt(summary.abstained_answerable),
                    _fmt(summary.declined_unanswerable),
                ],
            )
        )
    rows.sort(key=lambda r: r[:4])
    lines = [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(r[4]) + " |" for r in rows]
    lines += [
        "",
        "Generated from the document's typed facts (`budgetqa eval generate` writes them). Correct: the expected "
        "figure in its unit (money in US dollars, whatever unit the answer prints it in) and a citation of a unit "
        "that prints it (for a ranking, the first row's figure stated before any other row's); unanswerable "
        "questions are correct when declined. Follow-ups are asked in the session of "
        "the question they follow. Templates are split into a fit half and a check half (see eval/generate.py).",
        "",
    ]
    return lines


def results_json(scores: Sequence[GeneratedScore]) -> dict[str, object]:
    return {
        "summary": {key: s.to_json() for key, s in breakdown(scores).items()},
        "per_question": {s.id: s.to_json() for s in scores},
    }


def run_generated(service: QAService, questions: Sequence[GeneratedQuestion]) -> list[GeneratedScore]:
    """Ask every generated question through the shared runner (follow-ups in their session) and score it."""
    run = run_tool(service, [q.as_gold() for q in questions], answers=True)
    by_id = {record.id: record for record in run.answers}
    return [score(q, by_id[q.id]) for q in questions]
