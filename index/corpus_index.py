"""The search index of a corpus: one `HybridIndex` per document, searched with corpus-wide BM25.

Each document keeps its own index (units, FAISS stores, its directory under ``<cache>/indexes``), built
from embeddings cached per unit content, so adding a document embeds that document alone and removing
one embeds nothing. What a corpus of several documents shares is BM25: document frequencies and the
average length are counted over every unit of the corpus, so a term's weight is the same whichever
document a unit comes from. On the embedded backend that is one bm25s store per field over the whole
corpus (``<cache>/indexes/corpus-<key>``), rebuilt from cached tokens when the corpus changes
(:mod:`budgetqa.index.token_cache`); on PostgreSQL it is the statistics tables, updated in the
transaction of each ingest or removal. Each document's index then searches through its window on that
backend (:class:`~budgetqa.index.corpus_backend.DocumentView`), and a corpus-wide search fuses the
corpus's rankings directly.

A corpus of one document is its document's index, unchanged.

>>> # corpus_index = CorpusIndex.open(Corpus.load(settings), settings)
>>> # corpus_index.index_of("A/79/6 (Sect. 3)").search("员额")       # one document, corpus-wide BM25
>>> # corpus_index.search("员额", SearchScope(years=(2025,)))         # the corpus, filtered
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from budgetqa.atomic import replace_directory, write_text
from budgetqa.ingest.corpus import Corpus
from budgetqa.settings import BackendKind, Settings

from .backend import Backend, backend_rankings
from .corpus_backend import CorpusBackend, CorpusMember, DocumentView
from .encoders import Encoder, open_encoder
from .fusion import reciprocal_rank_fusion
from .integrity import digest_directory, find_damage
from .language import Language, detect_language
from .lexical import LexicalStore
from .model import DocumentTag, SearchHit, SearchScope
from .searcher import CANDIDATES, FUSION_WEIGHTS, HybridIndex, one_per_ref, units_digest
from .token_cache import TokenCache, merge_tokenized
from .tokenize import tokenizer_fingerprint

LEXICAL_MANIFEST = "manifest.json"
LEXICAL_VERSION = 1


@dataclass
class CorpusBuildInfo:
    """How a corpus index came to be: per document whether its index was rebuilt, and the seconds
    spent on the corpus-wide BM25 (0 when it was reopened or not needed)."""

    seconds: float
    rebuilt: dict[str, bool]
    lexical_seconds: float = 0.0
    lexical_rebuilt: bool = False
    removed: tuple[str, ...] = ()  # documents the database held that the corpus does not
    database_seconds: float = 0.0  # bringing the database to the corpus (postgres: ingests and removals)


@dataclass(frozen=True)
class Placement:
    """Where a document's units sit among the backend's global ids."""

    index: HybridIndex
    base: int

    @property
    def end(self) -> int:
        return self.base + len(self.index.units)


class CorpusIndex:
    """Every document's index of a corpus, and the backend they share."""

    def __init__(self, corpus: Corpus, placements: Sequence[Placement], backend: Backend, info: CorpusBuildInfo) -> None:
        self.corpus = corpus
        self.placements = list(placements)
        self.backend = backend
        self.info = info
        self._by_symbol = {placement.index.document.symbol: placement.index for placement in self.placements}

    @property
    def indexes(self) -> list[HybridIndex]:
        return [placement.index for placement in self.placements]

    def index_of(self, symbol: str) -> HybridIndex:
        """The index of the document `symbol` (exactly as the corpus lists it)."""
        return self._by_symbol[symbol]

    # ---------------------------------------------------------------- open

    @classmethod
    def open(
        cls,
        corpus: Corpus,
        settings: Settings,
        *,
        console: Console | None = None,
        encoder_loader: Callable[[str], Encoder] | None = None,
    ) -> CorpusIndex:
        """Open (or build) each document's index, then the backend they share (see the module)."""
        console = console or Console(stderr=True)
        started = time.perf_counter()
        load = encoder_loader or (lambda name: open_encoder(name, models_dir=settings.models_dir, console=console))
        loaded: dict[str, Encoder] = {}

        def shared(name: str) -> Encoder:  # each encoder is loaded once for every document
            if name not in loaded:
                loaded[name] = load(name)
            return loaded[name]

        embedded = replace(settings, backend=BackendKind.EMBEDDED)
        indexes = [
            HybridIndex.open(corpus.parse(entry), embedded, console=console, encoder_loader=shared)
            for entry in corpus.entries
        ]
        info = CorpusBuildInfo(0.0, {index.document.symbol: index.info.rebuilt for index in indexes})
        backend: Backend
        if settings.backend is BackendKind.POSTGRES:
            from .pg_backend import PostgresBackend, sync_corpus  # psycopg is an optional extra

            synced = time.perf_counter()
            database = PostgresBackend.from_settings(settings)
            database.create_schema()
            info.removed = tuple(sync_corpus(database, indexes))
            info.database_seconds = time.perf_counter() - synced
            for symbol in info.removed:
                console.print(f"[yellow]removed {escape(symbol)} from the database: it is not in the corpus[/]")
            bases = [database.unit_ids(index.document.symbol).start for index in indexes]
            backend = database
        elif len(indexes) == 1:
            bases, backend = [0], indexes[0].backend
        else:
            lexical_started = time.perf_counter()
            lexical, info.lexical_rebuilt = corpus_lexical(indexes, settings, console)
            info.lexical_seconds = time.perf_counter() - lexical_started
            bases = _consecutive(indexes)
            members = [
                CorpusMember(
                    DocumentTag.of(index.document),
                    base,
                    index.units,
                    {name: (store, rows) for name, (_, store, rows) in index.dense.items()},
                )
                for index, base in zip(indexes, bases, strict=True)
            ]
            backend = CorpusBackend(members, lexical)
            for index, base in zip(indexes, bases, strict=True):
                index.backend = DocumentView(backend, index.document.symbol, base, len(index.units))
        info.seconds = time.perf_counter() - started
        placements = [Placement(index, base) for index, base in zip(indexes, bases, strict=True)]
        return cls(corpus, placements, backend, info)

    # ---------------------------------------------------------------- search

    def search(
        self,
        text: str,
        filters: SearchScope | None = None,
        *,
        top_k: int = 10,
        lang: Language | None = None,
    ) -> list[SearchHit]:
        """Fused hits over the whole corpus (or the documents, years, parts of `filters`), a table's best
        row standing for its table in each document; every hit's unit names its document."""
        text = text.strip()
        if not text:
            raise ValueError("empty query: ask a question or give a reference such as 3.115 or 表 3.27")
        first = self.placements[0].index
        rankings = backend_rankings(self.backend, first.query(text), filters, CANDIDATES)
        weights = FUSION_WEIGHTS[lang or detect_language(text)]
        hits = []
        for global_id, score, ranks in reciprocal_rank_fusion(rankings, weights):
            placement = self._placement_of(global_id)
            hits.append(SearchHit(placement.index.units[global_id - placement.base], score, ranks))
        return one_per_ref(hits)[:top_k]

    def _placement_of(self, global_id: int) -> Placement:
        for placement in self.placements:
            if placement.base <= global_id < placement.end:
                return placement
        raise LookupError(f"unit id {global_id} belongs to no document of the corpus")


def _consecutive(indexes: Sequence[HybridIndex]) -> list[int]:
    bases, base = [], 0
    for index in indexes:
        bases.append(base)
        base += len(index.units)
    return bases


# -------------------------------------------------------------------- corpus-wide BM25


def corpus_lexical(
    indexes: Sequence[HybridIndex], settings: Settings, console: Console
) -> tuple[dict[str, LexicalStore], bool]:
    """One bm25s store per BM25 field over every unit of the corpus (global ids in corpus order);
    reopened from ``<cache>/indexes/corpus-<key>`` when the corpus is unchanged, else rebuilt from the
    documents' cached tokens. Returns the stores and whether they were rebuilt."""
    fields = list(indexes[0].fields)
    tokenizer = tokenizer_fingerprint()
    digests = [units_digest(index.units) for index in indexes]
    key = hashlib.sha256("\n".join([tokenizer, *fields, *digests]).encode()).hexdigest()[:16]
    path = settings.indexes_dir / f"corpus-{key}"
    stores = _load_lexical(path, fields, sum(len(index.units) for index in indexes))
    if stores is not None:
        return stores, False
    console.print(f"[bold]Building the corpus's BM25[/] over {len(indexes)} documents …")
    cache = TokenCache(settings.cache_dir / "tokens")  # where each document's index build left them
    built: dict[str, LexicalStore] = {}
    for field in fields:
        parts = [
            cache.tokens(
                TokenCache.key(digest, field, tokenizer),
                [index.fields[field].text_of(unit) for unit in index.units],
                index.fields[field].tokenize,
            )
            for index, digest in zip(indexes, digests, strict=True)
        ]
        built[field] = LexicalStore.from_token_ids(*merge_tokenized(parts))
    with replace_directory(path) as tmp:
        for field, store in built.items():
            store.save(tmp / _store_name(field))
        files = digest_directory(tmp)
        manifest = {"version": LEXICAL_VERSION, "fields": fields, "documents": digests, "files": {
            name: {"size": digest.size, "sha256": digest.sha256} for name, digest in files.items()
        }}
        write_text(tmp / LEXICAL_MANIFEST, json.dumps(manifest, indent=1))
    return built, True


def _load_lexical(path: Path, fields: list[str], units: int) -> dict[str, LexicalStore] | None:
    """The corpus's stores at `path`, or None when they are missing, damaged or of another corpus."""
    from .integrity import FileDigest

    try:
        manifest = json.loads((path / LEXICAL_MANIFEST).read_text())
        files = {name: FileDigest(int(d["size"]), str(d["sha256"])) for name, d in manifest["files"].items()}
        if manifest["version"] != LEXICAL_VERSION or manifest["fields"] != fields or find_damage(path, files):
            return None
        stores = {field: LexicalStore.load(path / _store_name(field)) for field in fields}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stores if all(store.size == units for store in stores.values()) else None


def _store_name(field: str) -> str:
    return field.replace(":", "-")  # "bm25", "bm25-en": the names a document's index uses
