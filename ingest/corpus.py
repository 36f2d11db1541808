"""The corpus: the budget sections users ask about, each kept as the text it was parsed from.

``budgetqa ingest FILE…`` adds documents, ``budgetqa documents`` lists them, ``budgetqa remove SYMBOL``
takes one out. Until a document is added, the corpus is the bundled section alone (or the one
``BUDGETQA_DOCUMENT`` names, which always stands alone). The corpus lives in ``<cache>/corpus``: a
registry (``corpus.json``) and a copy of each document's text (``texts/<sha256[:16]>.txt``), so that it
does not depend on the files it was given staying where they were. Every write is atomic.

>>> # corpus = Corpus.load(Settings.from_env())
>>> # corpus = corpus.add(parse_document(path), path)     # writes the registry and the text
>>> # [entry.symbol for entry in corpus.entries]           # ['A/78/6 (Sect. 3)', 'A/79/6 (Sect. 3)']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

from budgetqa.atomic import write_bytes, write_text

from .document_refs import DocumentScope, parse_symbol
from .english import has_han
from .model import Document
from .parser import parse_document
from .sectioninfo import budget_year

if TYPE_CHECKING:
    from budgetqa.settings import Settings

REGISTRY_NAME = "corpus.json"
REGISTRY_VERSION = 1
COVERED_YEARS = 2  # a section also prints the two years before its budget year (appropriation, actuals)


class CorpusRegistryError(ValueError):
    """A corpus that cannot be read or changed as asked; the message says why and what to do."""


@dataclass(frozen=True)
class CorpusEntry:
    """One document of the corpus, as `budgetqa documents` lists it."""

    symbol: str  # "A/79/6 (Sect. 3)"
    section: int  # 3
    title: str  # "政治事务"
    year: int | None  # the budget year it proposes: 2025
    language: str  # "zh"
    sha256: str  # of its text
    path: str  # its text: relative to the corpus directory, or absolute (the bundled document)
    paragraphs: int
    tables: int
    figures: int

    @classmethod
    def of(cls, document: Document, path: str) -> CorpusEntry:
        """The entry of a parsed `document` whose text is at `path`."""
        return cls(
            symbol=document.symbol,
            section=document.section_number,
            title=document.title,
            year=budget_year(document.symbol),
            language="zh" if has_han(document.title) else "en",
            sha256=document.source_sha256,
            path=path,
            paragraphs=len(document.paragraphs),
            tables=len(document.tables),
            figures=len(document.figures),
        )

    def covers(self, year: int) -> bool:
        """Whether the document prints figures of `year`: its budget year or one of the two before."""
        return self.year is not None and self.year - COVERED_YEARS <= year <= self.year


@dataclass(frozen=True)
class _Registry:
    version: int
    documents: list[CorpusEntry]


_REGISTRY = TypeAdapter(_Registry)


@dataclass(frozen=True)
class Corpus:
    """The documents of a corpus, in the order they were added.

    `home` is the directory the corpus is kept in; `stored` says whether its registry is on disk (a
    default corpus, the bundled section alone, is not written until a document is added to it).
    """

    entries: tuple[CorpusEntry, ...]
    home: Path
    stored: bool = False
    fixed: bool = False  # BUDGETQA_DOCUMENT names the one document: the corpus cannot change

    # ---------------------------------------------------------------- open

    @classmethod
    def load(cls, settings: Settings) -> Corpus:
        """The corpus of `settings`: ``BUDGETQA_DOCUMENT`` alone, the registry in ``<cache>/corpus``,
        or (when there is none yet) the bundled section alone."""
        home = settings.cache_dir / "corpus"
        if settings.document is not None:
            return cls((_entry_of_file(settings.document),), home, fixed=True)
        registry = home / REGISTRY_NAME
        if not registry.exists():
            return cls((_entry_of_file(settings.document_path()),), home)
        try:
            stored = _REGISTRY.validate_json(registry.read_bytes())
        except (OSError, ValidationError) as error:
            raise CorpusRegistryError(
                f"the corpus registry {registry} cannot be read ({_first_problem(error)}); "
                "remove it to start again from the bundled section"
            ) from None
        if stored.version != REGISTRY_VERSION:
            raise CorpusRegistryError(f"{registry} has version {stored.version}; this budgetqa reads version {REGISTRY_VERSION}")
        return cls(tuple(stored.documents), home, stored=True)

    def text_path(self, entry: CorpusEntry) -> Path:
        """Where the text of `entry` is kept."""
        path = Path(entry.path)
        return path if path.is_absolute() else self.home / path

    def parse(self, entry: CorpusEntry) -> Document:
        """The parsed document of `entry`."""
        return parse_document(self.text_path(entry))

    def documents(self) -> list[Document]:
        """Every document of the corpus, parsed, in corpus order."""
        return [self.parse(entry) for entry in self.entries]

    # ---------------------------------------------------------------- change

    def add(self, document: Document, source: Path) -> Corpus:
        """The corpus with `document` (parsed from `source`) added, written to disk.

        A document whose text is already in the corpus changes nothing; another text under a symbol
        the corpus holds is refused (remove that document first)."""
        self._check_mutable()
        for entry in self.entries:
            if entry.sha256 == document.source_sha256:
                return self
            if entry.symbol == document.symbol:
                raise CorpusRegistryError(
                    f"the corpus already holds another text of {document.symbol}: "
                    f"run budgetqa remove '{document.symbol}' first to replace it"
                )
        entries = [self._stored_copy(entry) for entry in self.entries]
        name = f"texts/{document.source_sha256[:16]}.txt"
        write_bytes(self.home / name, source.read_bytes())
        entries.append(CorpusEntry.of(document, name))
        return self._written(entries)

    def remove(self, symbol: str) -> tuple[Corpus, CorpusEntry]:
        """The corpus without the document `symbol` names ("A/79/6 (Sect. 3)", or "A/79/6" when one
        section of that session is in the corpus), written to disk; and the entry removed."""
        self._check_mutable()
        entry = self.entry(symbol)
        if len(self.entries) == 1:
            raise CorpusRegistryError(f"{entry.symbol} is the only document of the corpus; add another before removing it")
        kept = [self._stored_copy(other) for other in self.entries if other is not entry]
        corpus = self._written(kept)
        if not Path(entry.path).is_absolute():
            self.text_path(entry).unlink(missing_ok=True)
        return corpus, entry

    def entry(self, symbol: str) -> CorpusEntry:
        """The entry `symbol` names; a ``LookupError`` listing the corpus's symbols when none or several do."""
        wanted = parse_symbol(symbol)
        found = [e for e in self.entries if e.symbol == symbol.strip() or (wanted is not None and wanted.matches(e.symbol))]
        listed = ", ".join(e.symbol for e in self.entries)
        if not found:
            raise LookupError(f"the corpus has no document {symbol!r}; it holds {listed}")
        if len(found) > 1:
            raise LookupError(f"{symbol!r} names {len(found)} documents ({', '.join(e.symbol for e in found)}); give the section too")
        return found[0]

    # ---------------------------------------------------------------- choose

    def select(self, scope: DocumentScope) -> list[CorpusEntry]:
        """The documents `scope` names: by symbol, then section, then year. A year picks the documents
        whose budget year it is, or else those that print figures of it; a year no document covers (a
        mandate's year, "the 2030 Agenda") does not narrow the choice. Empty when the corpus holds no
        document of a named symbol or section."""
        entries = list(self.entries)
        if scope.symbols:
            entries = [e for e in entries if any(symbol.matches(e.symbol) for symbol in scope.symbols)]
        if scope.sections:
            entries = [e for e in entries if e.section in scope.sections]
        if scope.years and entries:
            proposing = [e for e in entries if e.year in scope.years]
            covering = [e for e in entries if any(e.covers(year) for year in scope.years)]
            entries = proposing or covering or entries
        return entries

    def latest(self, entries: Sequence[CorpusEntry] | None = None) -> CorpusEntry:
        """The document of the latest budget year among `entries` (default: the corpus), the first added on a tie."""
        pool = list(entries if entries is not None else self.entries)
        return max(pool, key=lambda e: (e.year or 0, -pool.index(e)))

    # ---------------------------------------------------------------- helpers

    def _check_mutable(self) -> None:
        if self.fixed:
            raise CorpusRegistryError(
                "BUDGETQA_DOCUMENT names one document to answer from; unset it to add to or remove from the corpus"
            )

    def _stored_copy(self, entry: CorpusEntry) -> CorpusEntry:
        """`entry` with its text kept inside the corpus directory (the bundled text is copied in)."""
        if not Path(entry.path).is_absolute():
            return entry
        name = f"texts/{entry.sha256[:16]}.txt"
        write_bytes(self.home / name, Path(entry.path).read_bytes())
        return replace(entry, path=name)

    def _written(self, entries: list[CorpusEntry]) -> Corpus:
        registry = {"version": REGISTRY_VERSION, "documents": [asdict(entry) for entry in entries]}
        write_text(self.home / REGISTRY_NAME, json.dumps(registry, ensure_ascii=False, indent=1))
        return Corpus(tuple(entries), self.home, stored=True)


def _entry_of_file(path: Path) -> CorpusEntry:
    return CorpusEntry.of(parse_document(path), str(path.resolve()))


def _first_problem(error: OSError | ValidationError) -> str:
    if isinstance(error, ValidationError):
        item = error.errors()[0]
        return f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
    return str(error.strerror or error)
