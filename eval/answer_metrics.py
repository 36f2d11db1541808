"""Answer metrics: figure accuracy, citation precision and recall, abstention, gold-citation rate.

**Figure accuracy.**  The key figures of a gold answer are the numbers found in it by
:func:`budgetqa.ingest.numeric.find_numbers`, less the numbers that are labels rather than figures:
years (a four-digit integer from 1945 to 2100 written without separators: "2022 年", "2022-2024"),
document and resolution symbols ("A/77/83", "75/201", "ES-10/17", "II.55"), grades ("P-4", "D-2"),
and references ("第 3.144 段", "表 3.27", "subprogramme 1", "para. 3.115").  The *main* figures are the
key figures outside parentheses — "32 个(2022 年计划 25 个、实际 30 个)" is about 32; when every key
figure is inside parentheses, all of them are main.  An answer is figure-correct when each main figure
equals some number of the answer text under :func:`budgetqa.ingest.numeric.same_figure` (so "2.315 亿美元",
"231 500 000" and "231.5 million" meet).  Questions whose gold answer has no key figure, and unanswerable
questions, are not scored; `figure_recall` is the share of all key figures found.

**Citations.**  A citation is correct when its unit id is a gold id, or when the pluggable
`span_oracle(unit_id, question)` says the cited unit contains the gold answer span (see
:func:`span_oracle_from_texts`).  Precision is over the answer's citations; recall is the share of
the gold ids cited.  "Cites gold" is 1 when at least one citation is correct.

**Abstention.**  Unanswerable questions should be abstained from: precision = correct abstentions /
abstentions; recall = correct abstentions / unanswerable questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from budgetqa.ingest.english import has_han
from budgetqa.ingest.numeric import NumberMention, find_numbers, same_figure
from budgetqa.qa.model import Answer

from .gold import GoldQuestion, normalise_unit_id, relevant_ids, unit_id

SpanOracle = Callable[[str, GoldQuestion], bool]
"""(cited unit id, question) → True when the cited unit contains the question's gold answer span."""

_YEAR_RE = re.compile(r"^(19[4-9]\d|20\d\d|2100)$")
_LABEL_BEFORE_RE = re.compile(
    r"(第|表|图|附件|次级方案|构成部分|成果|subprogramme|component|result|para\.?|paragraph|paras\.?|"
    r"table|figure|annex|section|sect\.|resolution|decision)\s*$",
    re.IGNORECASE,
)
# "第 3.1 段", "64/288 号", "第 3 款"; and the month and day of a date ("7 月 1 日"), which an English
# answer writes in words ("1 July"), like a year, is a date, not a figure.
_LABEL_AFTER_RE = re.compile(r"^\s*(段|号|款|月|日)")
_OPEN, _CLOSE = "(（[【", ")）]】"


@dataclass(frozen=True)
class KeyFigure:
    """A figure of a gold answer, and whether it is one of the main ones."""

    text: str
    value: float
    scaled: float
    main: bool


@dataclass(frozen=True)
class CitedUnit:
    """A citation reduced to what the metrics compare: its kind and ref."""

    kind: str
    ref: str

    @property
    def uid(self) -> str:
        return unit_id(self.kind, self.ref)


@dataclass(frozen=True)
class AnswerRecord:
    """A system's answer to one gold question."""

    id: str
    text: str
    citations: tuple[CitedUnit, ...] = ()
    abstained: bool = False

    @classmethod
    def from_answer(cls, qid: str, answer: Answer) -> AnswerRecord:
        """From the tool's own :class:`budgetqa.qa.model.Answer` to gold question `qid`."""
        cited = tuple(CitedUnit(c.kind, c.ref) for c in answer.citations)
        return cls(qid, answer.text, cited, answer.abstained)

    @classmethod
    def from_json(cls, record: Mapping[str, object]) -> AnswerRecord:
        """From ``{"id", "answer" (or "text"), "citations": [{"kind", "ref"}, …], "abstained"}``."""
        qid = record.get("id")
        if not isinstance(qid, str):
            raise ValueError(f"answer record needs a string 'id', got {record!r}")
        text = record.get("answer", record.get("text", ""))
        citations = record.get("citations") or []
        if not isinstance(citations, list):
            raise ValueError(f"answer {qid!r}: 'citations' must be a list of {{'kind', 'ref'}} objects")
        cited: list[CitedUnit] = []
        for citation in citations:
            if not isinstance(citation, Mapping) or "kind" not in citation or "ref" not in citation:
                raise ValueError(f"answer {qid!r}: citation {citation!r} needs 'kind' and 'ref'")
            cited.append(CitedUnit(str(citation["kind"]), str(citation["ref"])))
        return cls(qid, str(text or ""), tuple(cited), bool(record.get("abstained", False)))


@dataclass(frozen=True)
class QuestionAnswerScore:
    """Answer metrics of one question (None where a metric does not apply)."""

    qid: str
    lang: str
    groups: tuple[str, ...]
    should_abstain: bool
    abstained: bool
    figure_correct: bool | None
    figure_recall: float | None
    main_figures: tuple[str, ...]
    citation_precision: float | None
    citation_recall: float | None
    cites_gold: bool | None
    cited: tuple[str, ...]
    correct_citations: tuple[str, ...]
    shows_chinese: bool | None = None  # an English question's answer text has Chinese characters

    def to_json(self) -> dict[str, object]:
        return {
            "qid": self.qid,
            "lang": self.lang,
            "groups": list(self.groups),
            "should_abstain": self.should_abstain,
            "abstained": self.abstained,
            "figure_correct": self.figure_correct,
            "figure_recall": self.figure_recall,
            "main_figures": list(self.main_figures),
            "citation_precision": self.citation_precision,
            "citation_recall": self.citation_recall,
            "cites_gold": self.cites_gold,
            "cited": list(self.cited),
            "correct_citations": list(self.correct_citations),
            "shows_chinese": self.shows_chinese,
        }


@dataclass(frozen=True)
class AnswerScores:
    """Means of the answer metrics over a set of questions, with how many questions each is over."""

    n: int
    figure_accuracy: float | None
    figure_n: int
    figure_recall: float | None
    citation_precision: float | None
    citation_precision_n: int
    citation_recall: float | None
    citation_recall_n: int
    cites_gold_rate: float | None
    abstention_precision: float | None
    abstention_recall: float | None
    abstentions: int
    unanswerable: int
    chinese_in_english: float | None = None  # share of English answers showing Chinese text

    def to_json(self) -> dict[str, float | int | None]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AnswerEvaluation:
    """Per-question answer scores and their aggregates."""

    per_question: dict[str, QuestionAnswerScore]
    overall: AnswerScores
    by_group: dict[str, AnswerScores] = field(default_factory=dict)


def _inside_parentheses(text: str) -> list[bool]:
    """For every character of `text`, whether it lies inside (possibly nested) parentheses."""
    depth, flags = 0, []
    for char in text:
        if char in _OPEN:
            depth += 1
        flags.append(depth > 0)
        if char in _CLOSE and depth > 0:
            depth -= 1
    return flags


def _is_label(text: str, mention: NumberMention) -> bool:
    """Whether a number of an answer is a year, a symbol, a grade or a reference rather than a figure."""
    token = mention.text.lstrip("(-−").rstrip(")%")
    before, after = text[: mention.start], text[mention.end :]
    if mention.text.startswith(("-", "−")) and before[-1:].isalnum():
        before = before + mention.text[0]  # "2022-2024", "P-4": the dash joins, it is no minus sign
    if _YEAR_RE.match(token) and mention.scaled == mention.value:
        return True
    last = before[-1:]
    if (last and last in "/-−") or after[:1] == "/" or (last.isalpha() and last.isascii()):
        return True  # A/77/83, 75/201, ES-10/17, P-4, D-2
    if before.endswith(".") and before[-2:-1].isalpha():
        return True  # II.55, para.3
    return bool(_LABEL_BEFORE_RE.search(before) or _LABEL_AFTER_RE.match(after))


def key_figures(answer: str) -> list[KeyFigure]:
    """The key figures of a gold answer, each marked main or not (see the module docstring)."""
    inside = _inside_parentheses(answer)
    figures = [
        (mention, inside[mention.start] if mention.start < len(inside) else False)
        for mention in find_numbers(answer)
        if not _is_label(answer, mention)
    ]
    any_outside = any(not is_inside for _, is_inside in figures)
    return [
        KeyFigure(m.text, m.value, m.scaled, main=(not is_inside) or not any_outside)
        for m, is_inside in figures
    ]


def figure_in(figure: KeyFigure, mentions: Sequence[NumberMention]) -> bool:
    """Whether the answer numbers `mentions` contain `figure`, up to unit changes and rounding."""
    return any(
        same_figure(figure.scaled, mention.scaled) or same_figure(abs(figure.value), abs(mention.value))
        for mention in mentions
    )


def _normalise_text(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def span_oracle_from_texts(texts: Mapping[str, str]) -> SpanOracle:
    """A span oracle over unit texts (unit id → text): the cited unit contains the gold answer span.

    Text is compared after NFKC normalisation with all whitespace removed, so that the span matches
    across the document's line breaks and full-width/half-width variants.
    """
    normalised = {normalise_unit_id(uid): _normalise_text(text) for uid, text in texts.items()}

    def contains_span(uid: str, question: GoldQuestion) -> bool:
        span = _normalise_text(question.answer_zh_span)
        return bool(span) and span in normalised.get(normalise_unit_id(uid), "")

    return contains_span


def score_answer(
    question: GoldQuestion, answer: AnswerRecord, span_oracle: SpanOracle | None = None
) -> QuestionAnswerScore:
    """Answer metrics of one answer against its gold question."""
    gold = relevant_ids(question)
    cited = tuple(dict.fromkeys(c.uid for c in answer.citations))
    correct = tuple(
        uid for uid in cited if uid in gold or (span_oracle is not None and span_oracle(uid, question))
    )
    figure_correct: bool | None = None
    figure_recall: float | None = None
    main: tuple[str, ...] = ()
    if question.answerable:
        figures = key_figures(question.answer)
        if figures:
            found = find_numbers(answer.text) if not answer.abstained else []
            hits = [figure_in(figure, found) for figure in figures]
            main = tuple(f.text for f in figures if f.main)
            figure_correct = all(hit for hit, figure in zip(hits, figures, strict=True) if figure.main)
            figure_recall = sum(hits) / len(hits)
    return QuestionAnswerScore(
        qid=question.id,
        lang=question.lang,
        groups=question.groups,
        should_abstain=not question.answerable,
        abstained=answer.abstained,
        figure_correct=figure_correct,
        figure_recall=figure_recall,
        main_figures=main,
        citation_precision=len(correct) / len(cited) if question.answerable and cited else None,
        citation_recall=len(set(correct) & gold) / len(gold) if question.answerable and gold else None,
        cites_gold=bool(correct) if question.answerable else None,
        cited=cited,
        correct_citations=correct,
        shows_chinese=has_han(answer.text) if question.lang == "en" else None,
    )


def _mean(values: Iterable[float | bool | None]) -> tuple[float | None, int]:
    present = [float(v) for v in values if v is not None]
    return (sum(present) / len(present) if present else None), len(present)


def aggregate(scores: Sequence[QuestionAnswerScore]) -> AnswerScores:
    """Means of per-question answer scores; a metric with no applicable question is None."""
    figure_accuracy, figure_n = _mean(s.figure_correct for s in scores)
    figure_recall, _ = _mean(s.figure_recall for s in scores)
    precision, precision_n = _mean(s.citation_precision for s in scores)
    recall, recall_n = _mean(s.citation_recall for s in scores)
    cites_gold, _ = _mean(s.cites_gold for s in scores)
    abstentions = sum(s.abstained for s in scores)
    unanswerable = sum(s.should_abstain for s in scores)
    correct_abstentions = sum(s.abstained and s.should_abstain for s in scores)
    chinese_in_english, _ = _mean(s.shows_chinese for s in scores)
    return AnswerScores(
        n=len(scores),
        figure_accuracy=figure_accuracy,
        figure_n=figure_n,
        figure_recall=figure_recall,
        citation_precision=precision,
        citation_precision_n=precision_n,
        citation_recall=recall,
        citation_recall_n=recall_n,
        cites_gold_rate=cites_gold,
        abstention_precision=correct_abstentions / abstentions if abstentions else None,
        abstention_recall=correct_abstentions / unanswerable if unanswerable else None,
        abstentions=abstentions,
        unanswerable=unanswerable,
        chinese_in_english=chinese_in_english,
    )


def evaluate_answers(
    questions: Sequence[GoldQuestion],
    answers: Iterable[AnswerRecord],
    span_oracle: SpanOracle | None = None,
) -> AnswerEvaluation:
    """Score every gold question's answer, overall and per language and per question group.

    Every gold question needs an answer record; a missing one is an error naming the ids.
    """
    by_id = {answer.id: answer for answer in answers}
    missing = [q.id for q in questions if q.id not in by_id]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValueError(f"{len(missing)} gold question(s) have no answer record: {shown}")
    per_question = {q.id: score_answer(q, by_id[q.id], span_oracle) for q in questions}
    groups: dict[str, list[QuestionAnswerScore]] = {}
    for question in questions:
        for name in (question.lang, *question.groups):
            groups.setdefault(name, []).append(per_question[question.id])
    return AnswerEvaluation(
        per_question=per_question,
        overall=aggregate(list(per_question.values())),
        by_group={name: aggregate(members) for name, members in groups.items()},
    )
