"""Hybrid bilingual search over a persisted index: BM25 + dense encoders, fused, with cross-references.

>>> # index = HybridIndex.open(document, settings)        # builds once, then reopens from disk
>>> # [hit.unit.ref for hit in index.search("How much is proposed for special political missions?")]
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.markup import escape

from budgetqa.atomic import recover_directory, remove_stale_temporaries, replace_directory, write_text
from budgetqa.ingest.english import EnglishVersions
from budgetqa.ingest.model import BlockKind, Document
from budgetqa.settings import BackendKind, Settings

from .backend import Backend, BackendQuery, EmbeddedBackend, LexicalField, backend_rankings
from .dense import DenseStore
from .embedding_cache import EmbeddingCache
from .encoders import USEM3, Encoder, open_encoder
from .fusion import reciprocal_rank_fusion
from .glossary import Glossary, load_glossary
from .integrity import FileDigest, digest_directory, find_damage
from .language import Language, detect_language
from .lexical import EnglishLexicalStore, LexicalStore
from .model import DocumentTag, IndexUnit, SearchHit, SearchScope
from .session import ResolvedQuestion
from .token_cache import TokenCache, TokenizedUnits, merge_tokenized
from .tokenize import tokenize, tokenize_english, tokenize_query, tokenizer_fingerprint
from .units import build_index_units

MANIFEST_VERSION = 3  # 3: the manifest records the size and sha256 of every file of the index
MANIFEST_NAME = "manifest.json"
_NO_INDEX = "there is no index yet"
CANDIDATES = 100  # per-retriever candidates fed to fusion
LINKED_WITHIN = 2  # the top hits bring the blocks linked to them right after themselves

# Encoders too slow to embed every table row (e5 runs at ~13 passages/s on 2 cores) embed only the
# block units; rows are still reached through BM25 and the fast encoders.
ROW_LEVEL_ENCODERS = frozenset({USEM3})

# Fusion weights per query language, chosen on the dev set by `python -m budgetqa.eval.tune_fusion`
# (a grid over the three retrievers' weights, scored after links and reranking as a search runs).
# For Chinese the grid's best (BM25 0.3) and equal weights tie within one question on MRR@10 and
# hit@5; equal weights are kept because BM25 is what matches exact figures and symbols
# ("47 278.1", "72/262 C") that no dense encoder sees.  English questions lean on the
# cross-lingual USE, since BM25 sees them only through the glossary's Chinese expansion.
FUSION_WEIGHTS: dict[Language, dict[str, float]] = {
    "zh": {"bm25": 1.0, "dense:usem3": 1.0, "dense:e5-small": 1.0, "session": 1.0, "scope": 1.0, "bm25:en": 0.0},
    "en": {"bm25": 0.3, "dense:usem3": 0.6, "dense:e5-small": 0.3, "session": 1.0, "scope": 0.0, "bm25:en": 0.0},
}
# "bm25:en" (BM25 over the units' checked English versions) measured by `python -m budgetqa.eval.tune_english`
# with 1090 of 1092 units translated (annexes included), weight 0 / 0.3 / 0.6 / 1.0 / 1.5: the development
# set's fitting half, English (n=15) hit@5 1.000 / 1.000 / 1.000 / 0.933 / 0.933, MRR@10 0.872 / 0.872 /
# 0.872 / 0.800 / 0.789; Chinese (n=13) 1.000 / 0.962 up to 1.0, 1.000 / 0.910 at 1.5.  The generated
# fitting questions (n=206 a language): English hit@5 0.476 / 0.495 / 0.485 / 0.534 / 0.539, MRR@10
# 0.271 / 0.286 / 0.295 / 0.297 / 0.308; Chinese hit@5 0.568 / 0.558 / 0.549 / 0.544 / 0.539.  Natural
# English questions gain nothing below 1.0 and lose from 1.0, and the generated Chinese questions lose
# hit@5 at every weight above 0, so the weight stays 0 (docs/translation.md).
# "scope" ranks the candidates inside the bodies a question names (`HybridIndex.search`). Its weights
# were chosen on fitting halves (generated questions, gold units hit@5, scope weight 0 / 0.5 / 1):
# Chinese 0.533 / 0.582 / 0.604 with the development set's fitting half unchanged; English
# 0.478 / 0.478 / 0.467, and the development set's English fitting half lower (MRR@10 0.914 → 0.896).


@dataclass
class EncoderEntry:
    name: str
    fingerprint: str
    dimension: int
    rows: str  # "all" or "blocks"


@dataclass
class IndexManifest:
    """What an index on disk was built from (any difference means a rebuild), and the size and sha256
    of every file written beside it (any mismatch means the index is damaged and is rebuilt)."""

    version: int
    document_sha256: str
    units_sha256: str
    tokenizer: str  # fingerprint of the lexical tokenizer (code version, dictionary, stopwords)
    unit_ids: list[str]
    encoders: list[EncoderEntry]
    build_seconds: float = 0.0
    embedded: dict[str, int] = field(default_factory=dict)  # texts embedded (cache misses) per encoder
    files: dict[str, FileDigest] = field(default_factory=dict)  # relative path → size and sha256

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str | bytes) -> IndexManifest:
        """Parse and validate a manifest; raises :class:`ManifestError` saying what is wrong."""
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise ManifestError(f"manifest.json is not valid JSON ({error})") from error
        version = data.get("version") if isinstance(data, dict) else None
        if version != MANIFEST_VERSION:
            raise ManifestError(
                f"manifest.json has index format version {version!r}; this version of budgetqa writes "
                f"and reads version {MANIFEST_VERSION}"
            )
        try:
            manifest = _MANIFEST_ADAPTER.validate_json(text, strict=True)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()[:3]
            )
            raise ManifestError(f"manifest.json is malformed ({problems})") from None
        if not manifest.files:
            raise ManifestError("manifest.json records no files")
        return manifest


class ManifestError(ValueError):
    """An index manifest that cannot be read or trusted; the message names what is wrong."""


_MANIFEST_ADAPTER = TypeAdapter(IndexManifest)


@dataclass
class BuildInfo:
    """How an :class:`HybridIndex` came to be: opened from disk or (re)built, and how long it took;
    `reason` says why an index on disk was not reused (None for a reopen or a first build)."""

    rebuilt: bool
    seconds: float
    embedded: dict[str, int]
    path: Path
    reason: str | None = None


class HybridIndex:
    """The persisted stores of one document, and fused search over them."""

    def __init__(
        self,
        document: Document,
        units: list[IndexUnit],
        lexical: LexicalStore,
        dense: dict[str, tuple[Encoder, DenseStore, list[int]]],
        glossary: Glossary,
        info: BuildInfo,
        english: LexicalStore | None = None,
    ) -> None:
        self.document = document
        self.units = units
        self.lexical = lexical
        self.english = english  # BM25 over the units' English versions ("bm25:en")
        self.dense = dense  # name → (encoder, store, unit rows of the store's vectors)
        self.glossary = glossary
        self.info = info
        # Each BM25 field: the text of a unit it indexes and its tokenizer (what a backend ingests).
        self.fields = {"bm25": LexicalField(lambda unit: unit.indexed_text, tokenize)}
        stores: dict[str, LexicalStore] = {"bm25": lexical}
        if english is not None:
            self.fields["bm25:en"] = LexicalField(lambda unit: unit.english_text, tokenize_english)
            stores["bm25:en"] = english
        dense_stores = {name: (store, rows) for name, (_, store, rows) in dense.items()}
        self.backend: Backend = EmbeddedBackend(units, DocumentTag.of(document), stores, dense_stores)
        self._by_uid = {unit.uid: i for i, unit in enumerate(units)}
        self._block_row = {(unit.kind, unit.ref): i for i, unit in reversed(list(enumerate(units))) if unit.row is None}
        self._links = _block_links(document)
        self._rows: dict[str, list[IndexUnit]] = {}
        for unit in units:
            if unit.row is not None:
                self._rows.setdefault(unit.ref, []).append(unit)

    # ---------------------------------------------------------------- open / build

    @classmethod
    def open(
        cls,
        document: Document,
        settings: Settings,
        *,
        rebuild: bool = False,
        console: Console | None = None,
        encoder_loader: Callable[[str], Encoder] | None = None,
    ) -> HybridIndex:
        """Reopen the index of `document` from disk, or build it when missing, out of date or damaged.

        The index lives under ``settings.indexes_dir / <document hash>``; it is rebuilt when the
        document, the units or an encoder changed, or when a file of it no longer matches the checksum
        in its manifest, reusing cached embeddings of unchanged units.  Why an index on disk is not
        reused, and what an interrupted build left behind, is printed on `console`.
        """
        console = console or Console(stderr=True)
        started = time.perf_counter()
        glossary = load_glossary()
        units = build_index_units(document, glossary, EnglishVersions.load(document, cache_dir=settings.cache_dir))
        load = encoder_loader or (lambda name: open_encoder(name, models_dir=settings.models_dir, console=console))
        encoders = [load(name) for name in settings.encoders]
        path = settings.indexes_dir / index_directory_name(document, encoders)
        for line in recover_directory(path) + remove_stale_temporaries(_embeddings_dir(path)):
            console.print(f"[yellow]{escape(line)}[/]")
        expected = _expected_manifest(document, units, encoders)
        reason = "a rebuild was asked for" if rebuild else _why_not_reusable(path, expected)
        if reason is None:
            try:
                index = cls._load(path, document, units, encoders, glossary)
            except (OSError, RuntimeError, ValueError) as error:
                # Stores that match their checksums yet do not load (e.g. written by another FAISS or
                # bm25s version): rebuild, never crash.
                reason = f"its stores cannot be read ({error})"
            else:
                index.info = BuildInfo(False, time.perf_counter() - started, {}, path)
                return index.with_backend(settings)
        if reason != _NO_INDEX and not rebuild:
            console.print(f"[yellow]index at {escape(str(path))}: {escape(reason)}; rebuilding[/]")
        index = cls._build(path, document, units, encoders, glossary, expected, console, started)
        index.info.reason = None if reason == _NO_INDEX else reason
        return index.with_backend(settings)

    def with_backend(self, settings: Settings) -> HybridIndex:
        """This index searching through the backend of ``BUDGETQA_BACKEND`` (the stores it opened
        stay its embedded backend; ``postgres`` ingests the document there when it is missing)."""
        if settings.backend is BackendKind.POSTGRES:
            from .pg_backend import attach  # psycopg is an optional extra

            attach(self, settings)
        return self

    @classmethod
    def _load(
        cls,
        path: Path,
        document: Document,
        units: list[IndexUnit],
        encoders: list[Encoder],
        glossary: Glossary,
    ) -> HybridIndex:
        lexical = LexicalStore.load(path / "bm25")
        english = EnglishLexicalStore.load(path / "bm25-en")
        for name, size in (("bm25", lexical.size), ("bm25-en", english.size)):
            if size != len(units):
                raise ValueError(f"{name} holds {size} documents for {len(units)} units")
        dense = {}
        for encoder in encoders:
            rows = _encoder_rows(encoder.name, units)
            store = DenseStore.load(encoder.name, path / _faiss_name(encoder.name))
            if (store.index.ntotal, store.index.d) != (len(rows), encoder.dimension):
                raise ValueError(
                    f"{_faiss_name(encoder.name)} holds {store.index.ntotal} vectors of dimension "
                    f"{store.index.d}, expected {len(rows)} of dimension {encoder.dimension}"
                )
            dense[encoder.name] = (encoder, store, rows)
        return cls(document, units, lexical, dense, glossary, BuildInfo(False, 0.0, {}, path), english)

    @classmethod
    def _build(
        cls,
        path: Path,
        document: Document,
        units: list[IndexUnit],
        encoders: list[Encoder],
        glossary: Glossary,
        manifest: IndexManifest,
        console: Console,
        started: float,
    ) -> HybridIndex:
        """Build every store, then write them into a temporary directory that replaces `path` in one
        step: a build that fails or is killed at any point leaves the previous index as it was."""
        console.print(f"[bold]Building the index[/] of {document.symbol}: {len(units)} units …")
        # Tokens are kept per unit content (`<cache>/tokens`): a corpus's BM25 is rebuilt from them.
        tokens = TokenCache(_tokens_dir(path))

        def tokenized(field: str, texts: list[str], tokenizer: Callable[[str], list[str]]) -> TokenizedUnits:
            return tokens.tokens(TokenCache.key(manifest.units_sha256, field, manifest.tokenizer), texts, tokenizer)

        lexical = LexicalStore.from_token_ids(*merge_tokenized([tokenized("bm25", [u.indexed_text for u in units], tokenize)]))
        english = EnglishLexicalStore.from_token_ids(
            *merge_tokenized([tokenized("bm25:en", [u.english_text for u in units], tokenize_english)])
        )
        dense: dict[str, tuple[Encoder, DenseStore, list[int]]] = {}
        embedded: dict[str, int] = {}
        for encoder in encoders:
            rows = _encoder_rows(encoder.name, units)
            cache = EmbeddingCache(
                embedding_cache_path(path.parent.parent, encoder.name),
                encoder.fingerprint,
                encoder.dimension,
                report=lambda line: console.print(f"[yellow]{escape(line)}[/]"),
            )
            console.print(f"  embedding {len(rows)} units with {encoder.name}")
            store, embedded[encoder.name] = DenseStore.build(encoder, [units[i].indexed_text for i in rows], cache)
            dense[encoder.name] = (encoder, store, rows)
        manifest.build_seconds = round(time.perf_counter() - started, 2)
        manifest.embedded = embedded
        with replace_directory(path) as tmp:
            lexical.save(tmp / "bm25")
            english.save(tmp / "bm25-en")
            for name, (_, store, _) in dense.items():
                store.save(tmp / _faiss_name(name))
            manifest.files = digest_directory(tmp)
            write_text(tmp / MANIFEST_NAME, manifest.to_json())  # last: it vouches for the files above
        info = BuildInfo(True, time.perf_counter() - started, embedded, path)
        console.print(f"  index written to {path} in {info.seconds:.1f} s")
        return cls(document, units, lexical, dense, glossary, info, english)

    # ---------------------------------------------------------------- search

    def search(
        self,
        query: str | ResolvedQuestion,
        *,
        top_k: int = 10,
        lang: Language | None = None,
        weights: dict[str, float] | None = None,
        per_ref: int = 1,
        scope: SearchScope | None = None,
    ) -> list[SearchHit]:
        """Fused hits for a question, at most `per_ref` per citable ref (by default a table's best row
        stands for the table; an answerer asks for several rows of a table to choose among).

        A `scope` (the bodies the question names) adds one more ranking to the fusion: the
        candidates inside the scope, in the order the retrievers agree on (weight "scope").
        """
        resolved = query if isinstance(query, ResolvedQuestion) else ResolvedQuestion(query, False)
        text = resolved.text.strip()
        if not text:
            raise ValueError("empty query: ask a question or give a reference such as 3.115 or 表 3.27")
        language = lang or detect_language(text)
        rankings = self.rankings(text)
        if resolved.boost:
            rankings["session"] = [self._by_uid[uid] for uid in resolved.boost if uid in self._by_uid]
        weights = weights or FUSION_WEIGHTS[language]
        if scope and weights.get("scope"):
            rankings["scope"] = self.in_scope(rankings, scope)
        return self.fuse(rankings, weights, per_ref=per_ref)[:top_k]

    def in_scope(self, rankings: dict[str, list[int]], scope: SearchScope) -> list[int]:
        """The candidate rows inside `scope`, in the retrievers' fused order (equal weights)."""
        fused = reciprocal_rank_fusion(rankings, dict.fromkeys(rankings, 1.0))
        return [row for row, _, _ in fused if scope.admits(self.units[row])]

    def fuse(self, rankings: dict[str, list[int]], weights: dict[str, float], *, per_ref: int = 1) -> list[SearchHit]:
        """Retriever rankings fused into hits, linked blocks placed after their hit."""
        return one_per_ref(self._with_links(reciprocal_rank_fusion(rankings, weights)), per_ref)

    def rankings(self, text: str, filters: SearchScope | None = None) -> dict[str, list[int]]:
        """Each retriever's ranking of unit rows for `text` (before fusion), from the index's backend;
        with `filters`, only the units inside them."""
        return backend_rankings(self.backend, self.query(text), filters, CANDIDATES)

    def query(self, text: str) -> BackendQuery:
        """`text` as the retrievers see it: its tokens per BM25 field and one vector per encoder."""
        tokens = {"bm25": tokenize_query(text, self.glossary)}
        if self.english is not None:
            tokens["bm25:en"] = tokenize_english(text)
        vectors = {name: encoder.encode_queries([text])[0] for name, (encoder, _, _) in self.dense.items()}
        return BackendQuery(tokens, vectors)

    def _with_links(self, fused: Sequence[tuple[int, float, dict[str, int]]]) -> list[SearchHit]:
        """Hits in fused order, each of the top ones followed by the blocks linked to it: the tables a
        paragraph cites ("见表 3.27"), the paragraph that introduces a table, figure or mandate list."""
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for position, (row, score, ranks) in enumerate(fused):
            if row in seen:
                continue
            seen.add(row)
            unit = self.units[row]
            hits.append(SearchHit(unit, score, ranks))
            if position >= LINKED_WITHIN:
                continue
            for kind, ref in self._links.get((unit.kind, unit.ref), []):
                target = self._block_row.get((kind, ref))
                if target is not None and target not in seen:
                    seen.add(target)
                    hits.append(SearchHit(self.units[target], score, {"linked": position}))
        return hits

    def block(self, kind: BlockKind, ref: str) -> IndexUnit | None:
        """The unit of a whole block (the first piece of a block split into pieces)."""
        row = self._block_row.get((kind, ref))
        return None if row is None else self.units[row]

    def pieces(self, kind: BlockKind, ref: str) -> list[IndexUnit]:
        """Every unit of a block, in order (a long paragraph is indexed in pieces)."""
        return [unit for unit in self.units if unit.kind is kind and unit.ref == ref and unit.row is None]

    def rows_of(self, table_ref: str) -> list[IndexUnit]:
        """The row units of table `table_ref`, in table order."""
        return self._rows.get(table_ref, [])

    def unit_by_uid(self, uid: str) -> IndexUnit:
        return self.units[self._by_uid[uid]]


def one_per_ref(hits: list[SearchHit], limit: int = 1) -> list[SearchHit]:
    """Keep the first `limit` hits of each citable (document, kind, ref): a table's best row stands for the table."""
    out: list[SearchHit] = []
    seen: dict[tuple[str, BlockKind, str], int] = {}
    for hit in hits:
        key = (hit.unit.document, hit.unit.kind, hit.unit.ref)
        if seen.get(key, 0) < limit:
            seen[key] = seen.get(key, 0) + 1
            out.append(hit)
    return out


def _block_links(document: Document) -> dict[tuple[BlockKind, str], list[tuple[BlockKind, str]]]:
    """Links between blocks that a reader follows: a paragraph to the tables it cites, and a table,
    figure or mandate list to the paragraph that introduces it."""
    links: dict[tuple[BlockKind, str], list[tuple[BlockKind, str]]] = {}
    for paragraph in document.paragraphs:
        links[(BlockKind.PARAGRAPH, paragraph.ref)] = [
            (reference.kind, reference.ref) for reference in paragraph.references if reference.kind is BlockKind.TABLE
        ]
    for table in document.tables:
        links[(BlockKind.TABLE, table.ref)] = [(BlockKind.PARAGRAPH, ref) for ref in table.cited_by[:1]]
    for figure in document.figures:
        links[(BlockKind.FIGURE, figure.ref)] = [(BlockKind.PARAGRAPH, ref) for ref in figure.cited_by[:1]]
    for mandates in document.mandates:
        before = [p for p in document.paragraphs if p.lines.last < mandates.lines.first]
        if before:
            links[(BlockKind.MANDATES, mandates.ref)] = [(BlockKind.PARAGRAPH, before[-1].ref)]
    return links


def _encoder_rows(name: str, units: list[IndexUnit]) -> list[int]:
    if name in ROW_LEVEL_ENCODERS:
        return list(range(len(units)))
    return [i for i, unit in enumerate(units) if unit.row is None]


def units_digest(units: Sequence[IndexUnit]) -> str:
    """The sha256 of what the stores index of `units`: each unit's id, indexed text and English text."""
    digest = hashlib.sha256()
    for unit in units:
        digest.update(unit.uid.encode())
        digest.update(unit.indexed_text.encode())
        digest.update(unit.english_text.encode())
    return digest.hexdigest()


def _expected_manifest(document: Document, units: list[IndexUnit], encoders: list[Encoder]) -> IndexManifest:
    return IndexManifest(
        version=MANIFEST_VERSION,
        document_sha256=document.source_sha256,
        units_sha256=units_digest(units),
        tokenizer=tokenizer_fingerprint(),
        unit_ids=[unit.uid for unit in units],
        encoders=[
            EncoderEntry(e.name, e.fingerprint, e.dimension, "all" if e.name in ROW_LEVEL_ENCODERS else "blocks")
            for e in encoders
        ],
    )


def _why_not_reusable(path: Path, expected: IndexManifest) -> str | None:
    """Why the index at `path` cannot be reopened as it is (None when it can): missing, damaged, or
    built from another document, other units, another tokenizer or other encoders."""
    manifest_path = path / MANIFEST_NAME
    if not path.exists():
        return _NO_INDEX
    try:
        current = IndexManifest.from_json(manifest_path.read_bytes())
    except FileNotFoundError:
        return f"{MANIFEST_NAME} is missing"
    except OSError as error:
        return f"{MANIFEST_NAME} cannot be read ({error.strerror or error})"
    except ManifestError as error:
        return str(error)
    changed = [
        what
        for what, same in (
            ("the document", current.document_sha256 == expected.document_sha256),
            ("the index units", current.units_sha256 == expected.units_sha256),
            ("the tokenizer", current.tokenizer == expected.tokenizer),
            ("the encoders", [asdict(e) for e in current.encoders] == [asdict(e) for e in expected.encoders]),
        )
        if not same
    ]
    if changed:
        return f"{' and '.join(changed)} changed since it was built"
    damage = find_damage(path, current.files)
    if damage:
        return "damaged: " + "; ".join(damage)
    return None


def index_directory_name(document: Document, encoders: list[Encoder]) -> str:
    """One directory per document and encoder set, so that indexes built with different encoders
    (BUDGETQA_ENCODERS) live side by side instead of overwriting each other."""
    names = hashlib.sha256(",".join(encoder.name for encoder in encoders).encode()).hexdigest()[:8]
    return f"{document.source_sha256[:16]}-{names}"


def _embeddings_dir(index_path: Path) -> Path:
    """The embedding caches shared by every index of a cache directory (``<cache>/embeddings``)."""
    return index_path.parent.parent / "embeddings"


def embedding_cache_path(cache_dir: Path, encoder_name: str) -> Path:
    """Where cache directory `cache_dir` keeps one encoder's embeddings (``embeddings/<name>.npz``)."""
    return cache_dir / "embeddings" / f"{_safe(encoder_name)}.npz"


def _tokens_dir(index_path: Path) -> Path:
    """The token caches shared by every index of a cache directory (``<cache>/tokens``)."""
    return index_path.parent.parent / "tokens"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _faiss_name(name: str) -> str:
    return f"dense-{_safe(name)}.faiss"

