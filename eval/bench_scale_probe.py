"""Measurements of the scale benchmark that run in a fresh Python process, so that imports, parsing and
loading count and the process's peak memory is the corpus's.

Each sub-command reads the corpus and backend from the environment (``BUDGETQA_CACHE_DIR`` holds the
corpus, ``BUDGETQA_BACKEND``, ``BUDGETQA_PG_*``) and prints one JSON object on its last stdout line:

    python -m budgetqa.eval.bench_scale_probe build
    python -m budgetqa.eval.bench_scale_probe serve QUESTIONS.json --clients 1 4 16
    python -m budgetqa.eval.bench_scale_probe sql-bm25 QUESTIONS.json      (postgres)
    python -m budgetqa.eval.bench_scale_probe hnsw QUESTIONS.json          (postgres)
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports below, so that they count

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

BUNDLED = "A/78/6 (Sect. 3)"  # the real document: the answers workload names it
SQL_REPEATS = 3  # each query's SQL BM25 is timed this many times; the median is kept


def _emit(record: dict[str, object]) -> None:
    record["process_seconds"] = round(time.perf_counter() - STARTED, 3)
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _open_corpus():  # noqa: ANN202 - a CorpusIndex
    from rich.console import Console

    from budgetqa.index.corpus_index import CorpusIndex
    from budgetqa.ingest.corpus import Corpus
    from budgetqa.settings import Settings

    settings = Settings.from_env()
    return CorpusIndex.open(Corpus.load(settings), settings, console=Console(stderr=True)), settings


def build() -> None:
    """Open the corpus: every document's index built where missing (embeddings from the cache), the
    corpus's BM25 built, the database brought to the corpus (postgres)."""
    index, _ = _open_corpus()
    embedded: dict[str, int] = {}
    for placed in index.indexes:
        for name, count in placed.info.embedded.items():
            embedded[name] = embedded.get(name, 0) + count
    _emit(
        {
            "build_seconds": round(index.info.seconds, 3),
            "lexical_seconds": round(index.info.lexical_seconds, 3),
            "database_seconds": round(index.info.database_seconds, 3),
            "documents": len(index.indexes),
            "units": sum(len(placed.units) for placed in index.indexes),
            "rebuilt": sum(index.info.rebuilt.values()),
            "embedded": embedded,
        }
    )


def _latency(samples: Sequence[float] | np.ndarray) -> dict[str, float]:
    ms = np.asarray(samples, dtype=float) * 1000.0
    return {"n": len(ms), "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)), "mean_ms": float(ms.mean())}


def _timed(call: Any, texts: Sequence[str]) -> dict[str, float]:
    samples = []
    for text in texts:
        started = time.perf_counter()
        call(text)
        samples.append(time.perf_counter() - started)
    return _latency(samples)


def serve(questions: list[str], clients: Sequence[int], requests: int) -> None:
    """Warm search latency (corpus-wide, and cut to the bundled document), the backend's part of it, and
    answers per second with each number of concurrent clients."""
    from budgetqa.eval.bench import forget_questions, measure_concurrency
    from budgetqa.index.backend import backend_rankings
    from budgetqa.index.corpus_search import CorpusSearchService
    from budgetqa.index.model import SearchScope
    from budgetqa.index.searcher import CANDIDATES
    from budgetqa.qa.corpus_service import CorpusService

    index, settings = _open_corpus()
    opened = time.perf_counter()
    service = CorpusService(CorpusSearchService(index, cache_dir=settings.cache_dir))
    first = index.indexes[0]
    for text in questions[:3]:  # load the question encoders
        index.search(text)
    one = SearchScope(documents=(BUNDLED,))
    queries = {text: first.query(text) for text in questions}

    def searched(scope: SearchScope | None) -> dict[str, float]:
        forget_questions(first)  # every question encoded again, as a new one would be
        return _timed(lambda text: index.search(text, scope), questions)

    record: dict[str, object] = {
        "open_seconds": round(opened - STARTED, 3),
        "search_corpus": searched(None),
        "search_one_document": searched(one),
        "backend_corpus": _timed(lambda text: backend_rankings(index.backend, queries[text], None, CANDIDATES), questions),
        "backend_one_document": _timed(
            lambda text: backend_rankings(index.backend, queries[text], one, CANDIDATES), questions
        ),
    }
    asked = [f"{BUNDLED} {text}" for text in questions]
    for text in asked[:3]:
        service.ask(text)
    forget_questions(first)
    record["answer"] = _timed(lambda text: service.ask(text), asked)
    throughput = []
    for n in clients:
        forget_questions(first)
        throughput.append(asdict(measure_concurrency(lambda: service.ask, asked, clients=n, requests=max(requests, 2 * n))))
    record["throughput"] = throughput
    _emit(record)


def sql_bm25(questions: list[str]) -> None:
    """The SQL BM25's cost per query against the postings it reads (the sum of its terms' document
    frequencies), over the whole corpus and cut to one document."""
    from psycopg import sql

    from budgetqa.index.backend import BackendQuery
    from budgetqa.index.model import SearchScope
    from budgetqa.index.pg_backend import PostgresBackend

    index, _ = _open_corpus()
    backend = index.backend
    assert isinstance(backend, PostgresBackend)
    first = index.indexes[0]
    reader = backend._connection(backend.primary_dsn)
    rows = []
    for text in questions:
        tokens = list(first.query(text).tokens["bm25"])
        query = BackendQuery({"bm25": tokens})
        postings = reader.execute(
            sql.SQL("SELECT coalesce(sum(df), 0) FROM {}.terms WHERE field = 'bm25' AND term = ANY(%s)").format(
                sql.Identifier(backend.schema)
            ),
            (tokens,),
        ).fetchone()
        timings = {}
        for name, scope in (("corpus", None), ("one_document", SearchScope(documents=(BUNDLED,)))):
            samples = []
            for _ in range(SQL_REPEATS):
                started = time.perf_counter()
                backend.scored(query, scope, 100)
                samples.append(time.perf_counter() - started)
            timings[name] = float(np.median(samples) * 1000.0)
        rows.append({"tokens": len(tokens), "postings": int(postings[0]) if postings else 0, **timings})
    postings = np.array([row["postings"] for row in rows], dtype=float)
    corpus_ms = np.array([row["corpus"] for row in rows], dtype=float)
    slope = float(np.polyfit(postings, corpus_ms, 1)[0]) if len(rows) > 1 and postings.std() > 0 else float("nan")
    _emit(
        {
            "queries": len(rows),
            "corpus_ms": _latency(corpus_ms / 1000.0),
            "one_document_ms": _latency(np.array([row["one_document"] for row in rows]) / 1000.0),
            "postings": {"p50": float(np.percentile(postings, 50)), "max": float(postings.max())},
            "ms_per_1000_postings": slope * 1000.0,
            "correlation": float(np.corrcoef(postings, corpus_ms)[0, 1]) if postings.std() > 0 else float("nan"),
            "worst": sorted(rows, key=lambda row: -row["corpus"])[:3],
        }
    )


def hnsw(questions: list[str]) -> None:
    """HNSW (pgvector, m 16, ef_construction 64, ef_search 40) against exact search: recall of the top
    10 per encoder, its build time and query time. Recall counts an approximate hit when its score is
    at least the exact 10th score (copies of one vector tie exactly, and any of them is as good)."""
    from psycopg import sql

    from budgetqa.index.pg_backend import PostgresBackend

    index, _ = _open_corpus()
    exact = index.backend
    assert isinstance(exact, PostgresBackend)
    started = time.perf_counter()
    exact.create_ann_indexes()
    build_seconds = time.perf_counter() - started
    approximate = PostgresBackend(exact.primary_dsn, exact.read_dsns, schema=exact.schema, exact=False)
    first = index.indexes[0]
    out: dict[str, object] = {"build_seconds": round(build_seconds, 3)}
    for name in first.dense:
        recalls, exact_ms, approximate_ms = [], [], []
        for text in questions:
            query = first.query(text)
            vector_only = type(query)({}, {name: query.vectors[name]})
            started = time.perf_counter()
            want = exact.scored(vector_only, None, 10)[f"dense:{name}"]
            exact_ms.append(time.perf_counter() - started)
            started = time.perf_counter()
            got = approximate.scored(vector_only, None, 10)[f"dense:{name}"]
            approximate_ms.append(time.perf_counter() - started)
            floor = want[-1][1] - 1e-6 if want else float("inf")
            recalls.append(sum(1 for _, score in got if score >= floor) / len(want))
        out[name] = {
            "recall_at_10": float(np.mean(recalls)),
            "worst_recall": float(np.min(recalls)),
            "exact": _latency(exact_ms),
            "approximate": _latency(approximate_ms),
        }
    table = approximate._encoder_tables()[next(iter(first.dense))]
    plan = exact._connection(exact.primary_dsn).execute(
        sql.SQL(
            "EXPLAIN SELECT v.unit_id FROM {s}.{t} v JOIN {s}.units u ON u.id = v.unit_id "
            "ORDER BY v.embedding <#> (SELECT embedding FROM {s}.{t} LIMIT 1) LIMIT 10"
        ).format(s=sql.Identifier(exact.schema), t=sql.Identifier(table))
    ).fetchall()
    out["plan_uses_hnsw"] = any("hnsw" in str(row[0]) for row in plan)
    approximate.close()
    _emit(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m budgetqa.eval.bench_scale_probe")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build")
    serving = commands.add_parser("serve")
    serving.add_argument("questions", type=Path)
    serving.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    serving.add_argument("--requests", type=int, default=24)
    for name in ("sql-bm25", "hnsw"):
        commands.add_parser(name).add_argument("questions", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        build()
        return
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    if args.command == "serve":
        serve(questions, args.clients, args.requests)
    elif args.command == "sql-bm25":
        sql_bm25(questions)
    else:
        hnsw(questions)


if __name__ == "__main__":
    main()
