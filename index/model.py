"""Typed results of the index stage: retrievable units and search hits."""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetqa.ingest.model import BlockKind, LineSpan


@dataclass(frozen=True)
class IndexUnit:
    """One retrievable unit: a document block, or one row of a table.

    `text` is what a reader sees; `indexed_text` is what the stores embed and tokenise: the text with
    its context (part, subprogramme, table caption and column headers) prefixed, and English labels
    from the glossary appended, so that "subprogramme 3" or "UNOAU" in a question can match.
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
        if self.unit.row is not None:
            out["row"] = self.unit.row_label
            out["row_index"] = self.unit.row
        return out


@dataclass(frozen=True)
class SearchScope:
    """What a question is about, as a search filter: the parts (bodies) of the document it names.

    Search ranks the units of these parts above the others (a boost, not a cut: a passage outside
    the scope is still found when nothing inside it answers). Units of no part (the section's
    introduction, the annexes that span every body) lie outside every scope: they are found on
    their own merit. An empty scope filters nothing.
    """

    parts: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.parts)

    def admits(self, unit: IndexUnit) -> bool:
        """Whether `unit` lies inside the scope."""
        return not self.parts or unit.part in self.parts
