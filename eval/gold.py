"""Gold question sets: the dev-set JSON-lines format, typed, with the unit ids each question is about.

One line per question::

    {"id": "P1-005", "lang": "zh", "type": "numeric", "question": "…",
     "gold_paragraphs": ["3.87"], "gold_tables": [], "gold_figures": ["3.十一"],
     "answer": "…", "answer_zh_span": "…", "follow_up_of": null}

A question's relevant units are its gold paragraphs, tables and figures, as unit ids
("paragraph:3.87", "table:3.7", "figure:3.十一"); an annex listed among the tables ("附件三") is the
unit "annex:三".  Unanswerable questions have no relevant units.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal, get_args

Language = Literal["zh", "en"]
QuestionType = Literal["fact", "numeric", "table", "lookup", "multi", "unanswerable"]

LANGUAGES: tuple[str, ...] = get_args(Language)
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
FOLLOW_UP = "follow-up"  # the extra breakdown group of questions asked as a follow-up in a session
UNANSWERABLE = "unanswerable"

_ANNEX_PREFIX = "附件"
_ROW_PREFIX = "row:"


class GoldFormatError(ValueError):
    """A gold file line that does not follow the dev-set format."""


@dataclass(frozen=True)
class GoldQuestion:
    """One gold question with its reference answer and the units that answer it."""

    id: str
    lang: Language
    type: QuestionType
    question: str
    gold_paragraphs: tuple[str, ...]
    gold_tables: tuple[str, ...]
    gold_figures: tuple[str, ...]
    answer: str
    answer_zh_span: str
    follow_up_of: str | None = None

    @property
    def answerable(self) -> bool:
        """False for questions the document does not answer (the system should abstain)."""
        return self.type != UNANSWERABLE

    @property
    def groups(self) -> tuple[str, ...]:
        """Breakdown groups of the question: its type, plus "follow-up" when asked as one."""
        return (self.type, FOLLOW_UP) if self.follow_up_of else (self.type,)


def unit_id(kind: str, ref: str) -> str:
    """The canonical unit id of a cited block: ("table", "3.27") → "table:3.27".

    Annexes are written either "附件三" or "三"; both give "annex:三".  A table listed with an annex
    ref ("附件三" among the gold tables) is that annex.
    """
    ref = ref.strip()
    kind = kind.strip().lower()
    if ref.startswith(_ANNEX_PREFIX):
        return f"annex:{ref[len(_ANNEX_PREFIX) :].strip()}"
    return f"{kind}:{ref}"


def normalise_unit_id(uid: str) -> str:
    """Canonical form of a unit id from any stage.

    A table-row unit ("row:3.24:0") counts as its table ("table:3.24"), as the search contract reports
    it; "annex:附件三" becomes "annex:三".
    """
    if uid.startswith(_ROW_PREFIX):
        table_ref = uid[len(_ROW_PREFIX) :].split(":", 1)[0]
        return f"table:{table_ref}"
    kind, sep, ref = uid.partition(":")
    if not sep:
        raise ValueError(f"unit id {uid!r} has no kind prefix; expected e.g. 'paragraph:3.115'")
    return unit_id(kind, ref)


def normalise_ranking(uids: Iterable[str]) -> list[str]:
    """Canonical ids of a ranked list, each kept at its first (best) rank."""
    seen: dict[str, None] = {}
    for uid in uids:
        seen.setdefault(normalise_unit_id(uid), None)
    return list(seen)


def relevant_ids(question: GoldQuestion) -> set[str]:
    """The unit ids that answer `question`: gold paragraphs, tables (or annexes) and figures."""
    ids = {unit_id("paragraph", ref) for ref in question.gold_paragraphs}
    ids |= {unit_id("table", ref) for ref in question.gold_tables}
    ids |= {unit_id("figure", ref) for ref in question.gold_figures}
    return ids


def default_gold_path() -> Path:
    """The dev set shipped with budgetqa (package data of ``budgetqa.eval``)."""
    return Path(str(files("budgetqa.eval").joinpath("gold", "dev_qa.jsonl")))


def _string_list(record: dict[str, object], key: str, where: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise GoldFormatError(f"{where}: {key!r} must be a list of strings, got {value!r}")
    return tuple(item.strip() for item in value)


def _string(record: dict[str, object], key: str, where: str, *, required: bool = True) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise GoldFormatError(f"{where}: {key!r} must be a non-empty string, got {value!r}")
    return value


def parse_gold_line(line: str, where: str) -> GoldQuestion:
    """One gold question from one JSON line; `where` ("dev_qa.jsonl:12") prefixes every error."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise GoldFormatError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(record, dict):
        raise GoldFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    lang = _string(record, "lang", where)
    if lang not in LANGUAGES:
        raise GoldFormatError(f"{where}: 'lang' must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    qtype = _string(record, "type", where)
    if qtype not in QUESTION_TYPES:
        raise GoldFormatError(f"{where}: 'type' must be one of {', '.join(QUESTION_TYPES)}, got {qtype!r}")
    follow_up_of = record.get("follow_up_of")
    if follow_up_of is not None and not isinstance(follow_up_of, str):
        raise GoldFormatError(f"{where}: 'follow_up_of' must be a question id or null, got {follow_up_of!r}")
    return GoldQuestion(
        id=_string(record, "id", where).strip(),
        lang=lang,  # type: ignore[arg-type]
        type=qtype,  # type: ignore[arg-type]
        question=_string(record, "question", where),
        gold_paragraphs=_string_list(record, "gold_paragraphs", where),
        gold_tables=_string_list(record, "gold_tables", where),
        gold_figures=_string_list(record, "gold_figures", where),
        answer=_string(record, "answer", where, required=False),
        answer_zh_span=_string(record, "answer_zh_span", where, required=False),
        follow_up_of=follow_up_of or None,
    )


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """Read a gold file in the dev-set format, checking every line.

    Errors name the file and line number and say what is wrong: invalid JSON, a missing or mistyped
    field, an unknown language or type, a duplicate id, a follow-up of an id not defined earlier, or
    an answerable question without any gold unit.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"gold file {path} does not exist; pass a JSON-lines file in the dev-set format"
        )
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            question = parse_gold_line(line, where)
            if question.id in seen:
                raise GoldFormatError(
                    f"{where}: duplicate id {question.id!r} (first on line {seen[question.id]})"
                )
            if question.follow_up_of is not None and question.follow_up_of not in seen:
                raise GoldFormatError(
                    f"{where}: 'follow_up_of' names {question.follow_up_of!r}, which is not an earlier "
                    "question of this file; a follow-up must come after the question it follows"
                )
            if question.answerable and not relevant_ids(question):
                raise GoldFormatError(
                    f"{where}: question {question.id!r} of type {question.type!r} lists no gold paragraph, "
                    "table or figure; give at least one, or mark it 'unanswerable'"
                )
            seen[question.id] = number
            questions.append(question)
    if not questions:
        raise GoldFormatError(f"{path}: no questions found")
    return questions
