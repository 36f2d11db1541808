"""English versions of a document's text: what is translated (segments) and the checked results.

A document's Chinese text is cut into **segments**, each translated once by ``budgetqa translate``
(see :mod:`budgetqa.index.translate`): every paragraph, table caption, table note, figure title,
foreword, heading, mandate title and annex piece, and every distinct label (row labels, column
headers, units, text cells, chart labels).  A segment's uid names it the way the rest of the tool
does (``paragraph:3.115``, ``caption:3.27``, ``note:3.24:0``, ``annex:三#1``); a label or heading,
which recurs, is named by its text (``label:员额``, ``heading:目标``).

Each translation is one :class:`EnglishVersion` line of a JSON Lines file, keyed by the sha256 of the
Chinese text it translates, so that a version applies wherever that exact text occurs and never to
text that has changed.  The bundled document's versions are shipped with the package
(``budgetqa/data/A_78_6_Sect3_en.jsonl``); those of a document a user adds are written to
``<cache>/english/<document sha256[:16]>.jsonl``.  Only versions that passed every check are shown:

>>> # versions = EnglishVersions.load(document)
>>> # versions.get("paragraph:3.115")        → "As shown in tables 3.27 (1) and 3.28 (1), …"
>>> # versions.label("员额")                  → "Posts"
>>> # [m.uid for m in versions.missing()]    → the segments without a checked version
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .model import Document, Table

SHIPPED_SUFFIX = "_en.jsonl"
PIECE_CHARS = 600  # long blocks (annexes, mandate lists) are cut into pieces of about this size

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class SegmentKind(StrEnum):
    """What a segment is; also its translation priority (paragraphs and captions first)."""

    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    NOTE = "note"
    FIGURE = "figure"
    FOREWORD = "foreword"
    HEADING = "heading"
    LABEL = "label"
    MANDATE = "mandate"
    ANNEX = "annex"


class CheckName(StrEnum):
    """The checks every English version must pass before it is kept."""

    FIGURES = "figures"  # the same figures (after normalisation) and document symbols on both sides
    TERMS = "terms"  # every glossary term of the source in one of its English forms
    LENGTH = "length"  # a plausible length for the source's
    NO_HAN = "no_han"  # no Chinese characters left
    NO_PROMPT = "no_prompt"  # no part of the prompt (glossary, rules, failures) written back


@dataclass(frozen=True)
class Segment:
    """One piece of Chinese text that is translated as a whole."""

    uid: str
    kind: SegmentKind
    text: str
    # Where the text stands, for the translator only (not part of the text or its hash): the Chinese
    # caption of the table (or title of the figure) a label comes from.
    context: str = field(default="", compare=False)

    @property
    def sha256(self) -> str:
        """The content hash a translation of this text is keyed by."""
        return text_sha256(self.text)

    @property
    def ref(self) -> str:
        """The part of the uid after the kind: "3.115", "3.24:0", "员额"."""
        return self.uid.split(":", 1)[1]


class EnglishVersion(BaseModel):
    """One line of an English-versions file: a segment's translation and how it was checked.

    `english` is the text that passed every check, or None when the segment is "not translated";
    `rejected` is then the last attempt (kept for review, never shown) and `failures` say why.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    uid: str
    kind: SegmentKind
    ref: str
    source_sha256: str
    english: str | None
    checks: dict[CheckName, bool]
    failures: list[str] = []
    attempts: int
    model_sha256: str
    rejected: str | None = None

    def renamed(self, segment: Segment) -> EnglishVersion:
        """This version under the name of `segment`, another place where the same text occurs."""
        if segment.uid == self.uid:
            return self
        return self.model_copy(update={"uid": segment.uid, "kind": segment.kind, "ref": segment.ref})

    @property
    def passed(self) -> bool:
        """Translated, and every check passed."""
        return self.english is not None and all(self.checks.values()) and len(self.checks) == len(CheckName)


@dataclass(frozen=True)
class Missing:
    """A segment without a checked English version, and why."""

    uid: str
    kind: SegmentKind
    reason: str


NEVER_MADE = "no English version has been made (run `budgetqa translate`)"  # a Missing segment's reason


class EnglishVersionsError(ValueError):
    """An English-versions file that cannot be read; the message names the file, line and fix."""


def text_sha256(text: str) -> str:
    """The sha256 of a segment's text (UTF-8), its key in the translation cache and the versions file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def has_han(text: str) -> bool:
    """Whether `text` contains a Chinese (Han) character."""
    return bool(_HAN.search(text))


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """`text` cut at line ends into pieces of at least `size` characters (the last may be shorter).

    >>> split_pieces("a" * 5 + "\\n" + "b" * 5 + "\\n" + "c", 4)
    ['aaaaa', 'bbbbb', 'c']
    """
    pieces: list[str] = []
    piece: list[str] = []
    length = 0
    for line in text.splitlines():
        piece.append(line)
        length += len(line)
        if length >= size:
            pieces.append("\n".join(piece))
            piece, length = [], 0
    if piece:
        pieces.append("\n".join(piece))
    return pieces


# ---------------------------------------------------------------------------------------------- segments


def document_segments(document: Document) -> list[Segment]:
    """Every segment of `document` to translate, in priority order, each uid once.

    Paragraphs and table captions come first, then notes, figure titles, forewords, headings,
    labels, mandate titles and annex pieces; only text with Chinese characters is a segment.
    """
    found: dict[str, Segment] = {}
    for segment in _all_segments(document):
        text = segment.text.strip()
        if text and has_han(text) and segment.uid not in found:
            found[segment.uid] = Segment(segment.uid, segment.kind, text, segment.context)
    return list(found.values())


def _all_segments(document: Document) -> Iterator[Segment]:
    for paragraph in document.paragraphs:
        yield Segment(f"paragraph:{paragraph.ref}", SegmentKind.PARAGRAPH, paragraph.text)
    for table in document.tables:
        yield Segment(f"caption:{table.ref}", SegmentKind.CAPTION, table.caption)
    for table in document.tables:
        for index, note in enumerate(table.notes):
            yield Segment(f"note:{table.ref}:{index}", SegmentKind.NOTE, note)
    for figure in document.figures:
        yield Segment(f"figure:{figure.ref}", SegmentKind.FIGURE, figure.title)
    for foreword in document.forewords:
        yield Segment(f"foreword:{foreword.ref}", SegmentKind.FOREWORD, foreword.text)
    for heading in document.headings:
        yield label_segment(heading.text, SegmentKind.HEADING)
    for text, context in _labels(document):
        yield label_segment(text, context=context)
    for mandates in document.mandates:
        for entry in mandates.entries:
            yield label_segment(entry.title, SegmentKind.MANDATE)
    for annex in document.annexes:
        text = f"{annex.title}\n{annex.text}".strip()
        for number, piece in enumerate(split_pieces(text)):
            yield Segment(f"annex:{annex.ref}#{number}", SegmentKind.ANNEX, piece)


def label_segment(text: str, kind: SegmentKind = SegmentKind.LABEL, *, context: str = "") -> Segment:
    """The segment of a short recurring text, named by the text itself: ``label:员额``; `context`:
    the caption of the table it first occurs in."""
    text = " ".join(text.split())
    return Segment(f"{kind.value}:{text}", kind, text, " ".join(context.split()))


def _labels(document: Document) -> Iterator[tuple[str, str]]:
    """Short texts of tables, figures and forewords (row labels, groups, column headers, units, text
    cells, chart labels, signatories), each with the caption or title of where it stands."""
    for table in document.tables:
        yield from ((label, table.caption) for label in _table_labels(table))
    for figure in document.figures:
        yield from ((value.label, figure.title) for value in figure.values)
    for foreword in document.forewords:
        yield foreword.signatory_title, ""
        yield foreword.signatory, ""


def _table_labels(table: Table) -> Iterator[str]:
    if table.unit:
        yield table.unit
    yield from table.sub_parts
    yield from table.columns
    for row in table.rows:
        yield row.label
        yield from (item for item in (row.part, row.group) if item)
        yield from (cell.text for cell in row.cells if cell.value is None and not cell.is_nil)


# ---------------------------------------------------------------------------------------------- versions


def shipped_paths() -> list[Path]:
    """The English-versions files shipped with the package (``budgetqa/data/*_en.jsonl``)."""
    data = files("budgetqa.data")
    return sorted(
        Path(str(data.joinpath(entry.name))) for entry in data.iterdir() if entry.name.endswith(SHIPPED_SUFFIX)
    )


def user_path(cache_dir: Path, document: Document) -> Path:
    """Where ``budgetqa translate`` writes the versions of `document` by default."""
    return cache_dir / "english" / f"{document.source_sha256[:16]}.jsonl"


def read_versions(path: Path) -> list[EnglishVersion]:
    """The versions in the JSON Lines file at `path`; a malformed line raises :class:`EnglishVersionsError`."""
    out: list[EnglishVersion] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                out.append(EnglishVersion.model_validate_json(line))
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(part) for part in problem["loc"])
                raise EnglishVersionsError(
                    f"{path}:{number}: not an English version ({where}: {problem['msg']}); "
                    "regenerate the file with `budgetqa translate`"
                ) from None
    return out


def render_versions(versions: Iterable[EnglishVersion]) -> str:
    """The JSON Lines text of `versions`, one per line, in the order given."""
    return "".join(json.dumps(v.model_dump(mode="json"), ensure_ascii=False) + "\n" for v in versions)


class EnglishVersions:
    """The checked English versions of one document's segments.

    Versions are matched to segments by the sha256 of their Chinese text, so a version is used only
    for the text it was made from; of two versions of one text, the later given wins unless only
    the earlier passed its checks.  Build it with :meth:`load`.
    """

    def __init__(self, segments: list[Segment], versions: Iterable[EnglishVersion]) -> None:
        self.segments = segments
        self._by_uid = {segment.uid: segment for segment in segments}
        self._by_sha: dict[str, EnglishVersion] = {}
        for version in versions:
            # A later version (a user's own run after the shipped file) wins, unless only the earlier passed.
            kept = self._by_sha.get(version.source_sha256)
            if kept is None or version.passed or not kept.passed:
                self._by_sha[version.source_sha256] = version

    @classmethod
    def load(cls, document: Document, *, cache_dir: Path | None = None) -> EnglishVersions:
        """The versions of `document`: those shipped with the package, then (overriding them) those
        ``budgetqa translate`` wrote for it under `cache_dir`."""
        paths = shipped_paths()
        if cache_dir is not None and user_path(cache_dir, document).is_file():
            paths.append(user_path(cache_dir, document))
        versions: list[EnglishVersion] = []
        for path in paths:
            versions.extend(read_versions(path))
        return cls(document_segments(document), versions)

    def records(self) -> list[EnglishVersion]:
        """Every version loaded, one per source text (a checked one where there is one)."""
        return list(self._by_sha.values())

    def version(self, uid: str) -> EnglishVersion | None:
        """The version made for segment `uid`'s current text, checked or not; None if none was made."""
        segment = self._by_uid.get(uid)
        version = None if segment is None else self._by_sha.get(segment.sha256)
        # The same text may occur elsewhere (a caption printed twice): its version, under this name.
        return None if segment is None or version is None else version.renamed(segment)

    def get(self, uid: str) -> str | None:
        """The checked English text of segment `uid` ("paragraph:3.115"), or None."""
        version = self.version(uid)
        return version.english if version is not None and version.passed else None

    def label(self, text: str, kind: SegmentKind = SegmentKind.LABEL) -> str | None:
        """The checked English of a label, heading or mandate title given by its Chinese text."""
        return self.get(label_segment(text, kind).uid)

    def missing(self) -> list[Missing]:
        """Every segment without a checked version, with the reason (never translated, or the
        checks it failed)."""
        out: list[Missing] = []
        for segment in self.segments:
            version = self._by_sha.get(segment.sha256)
            if version is None:
                out.append(Missing(segment.uid, segment.kind, NEVER_MADE))
            elif not version.passed:
                out.append(Missing(segment.uid, segment.kind, "; ".join(version.failures) or "failed its checks"))
        return out

    def __len__(self) -> int:
        """How many segments have a checked version."""
        return sum(1 for segment in self.segments if self.get(segment.uid) is not None)
