"""Typed results of the index stage: retrievable units and search hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetqa.ingest.model import BlockKind, Document, LineSpan
from budgetqa.ingest.sectioninfo import budget_year

from .language import detect_language


@dataclass(frozen=True)
class IndexUnit:
    """One retrievable unit: a document block, or one row of a table.

    `text` is what a reader sees; `indexed_text` is what the stores embed and tokenise: the text with
    its context (part, subprogramme, table caption and column headers) prefixed, and English labels
    from the glossary appended, so that "subprogramme 3" or "UNOAU" in a question can match.
    `english_text` is the unit's checked English version with its context, the English field of
    search ("" where the unit has none).
    """

    uid: str  # "paragraph:3.115", "table:3.24", "row:3.24:0", "note:3.24:0"
    kind: BlockKind  # kind of the citable block (a row's kind is TABLE)
    ref: str  # the citable ref: "3.115", "3.24"
    title: str
    text: str
    indexed_text: str
    lines: LineSpan
    section: tuple[str, ...]
    part: str
    english_label: str = ""
    row: int | None = None  # index into Table.rows for a row unit
    row_label: str | None = None
    note: int | None = None  # index into Table.notes for a table-note unit
    english_text: str = ""
    document: str = ""  # the symbol of the document the unit belongs to: "A/78/6 (Sect. 3)"

    @property
    def is_whole_table(self) -> bool:
        """The unit of a table as a whole (not one of its rows or notes)."""
        return self.kind is BlockKind.TABLE and self.row is None and self.note is None


@dataclass(frozen=True)
class SearchHit:
    """A ranked unit with its fused score and the per-retriever ranks that produced it."""

    unit: IndexUnit
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # "bm25": 0, "dense:usem3": 3, …

    def to_json(self) -> dict[str, object]:
        """The `search --json` contract: a row hit is reported as its table, with "row"."""
        out: dict[str, object] = {
            "kind": self.unit.kind.value,
            "ref": self.unit.ref,
            "score": round(self.score, 6),
            "lines": self.unit.lines.as_list(),
            "title": self.unit.title,
        }
        if self.unit.document:
            out["document"] = self.unit.document
        if self.unit.row is not None:
            out["row"] = self.unit.row_label
            out["row_index"] = self.unit.row
        return out


_SUBPROGRAMME = re.compile(r"^次级方案\s*(\d+)")


def unit_subprogramme(unit: IndexUnit) -> str | None:
    """The number of the subprogramme whose heading a unit lies under ("3"), or None.

    >>> unit_subprogramme(IndexUnit("paragraph:1.1", BlockKind.PARAGRAPH, "1.1", "", "", "", LineSpan(1, 1),
    ...                             ("一. 某部", "次级方案 2 某事务"), "一"))
    '2'
    """
    for heading in unit.section:
        match = _SUBPROGRAMME.match(heading)
        if match:
            return match.group(1)
    return None


@dataclass(frozen=True)
class DocumentTag:
    """Which document a unit belongs to, as search filters see it: its symbol, budget year and language."""

    symbol: str  # "A/78/6 (Sect. 3)"
    year: int | None  # 2024
    language: str  # "zh"

    @classmethod
    def of(cls, document: Document) -> DocumentTag:
        """The tag of a parsed document (its language read from its title)."""
        return cls(document.symbol, budget_year(document.symbol), detect_language(document.title))


@dataclass(frozen=True)
class SearchScope:
    """What a question is about, as search filters: the parts (bodies) and subprogrammes of a document
    it names, and the documents, budget years and languages it is asked of.

    The fused search ranks the units of the named parts above the others (a boost, not a cut: a
    passage outside the scope is still found when nothing inside it answers); a backend given a scope
    as filters returns only the candidates inside it. Units of no part (the section's introduction,
    the annexes that span every body) lie outside every scope of parts: they are found on their own
    merit. An empty scope filters nothing.
    """

    parts: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()  # document symbols
    subprogrammes: tuple[str, ...] = ()  # subprogramme numbers, "3"
    languages: tuple[str, ...] = ()  # "zh", "en"
    years: tuple[int, ...] = ()  # budget years

    def __bool__(self) -> bool:
        return any((self.parts, self.documents, self.subprogrammes, self.languages, self.years))

    def admits(self, unit: IndexUnit, tag: DocumentTag | None = None) -> bool:
        """Whether `unit` (of the document tagged `tag`) lies inside the scope; a unit of an unknown
        document lies outside every scope of documents, years or languages."""
        if self.parts and unit.part not in self.parts:
            return False
        if self.subprogrammes and unit_subprogramme(unit) not in self.subprogrammes:
            return False
        if not (self.documents or self.years or self.languages):
            return True
        return tag is not None and self.admits_document(tag)

    def admits_document(self, tag: DocumentTag) -> bool:
        """Whether a document tagged `tag` passes the scope's document, year and language filters."""
        return (
            (not self.documents or tag.symbol in self.documents)
            and (not self.years or tag.year in self.years)
            and (not self.languages or tag.language in self.languages)
        )
