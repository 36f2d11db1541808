"""The scale section of the benchmark: corpora of k × the bundled section, their growth and report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from budgetqa.eval.bench_scale import (
    Measured,
    ScaleOptions,
    ScalePoint,
    ScaleResult,
    describe_growth,
    growth,
    line_style,
    measure_scale,
    plot_scale,
    render_scale,
    seed_embeddings,
    series,
)
from budgetqa.index.embedding_cache import EmbeddingCache
from budgetqa.index.glossary import load_glossary
from budgetqa.index.searcher import embedding_cache_path
from budgetqa.index.units import build_index_units
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings
from tests.conftest import copy_user_embeddings


def test_growth_is_the_log_log_slope_between_sizes() -> None:
    assert growth([1, 10, 100], [2.0, 2.0, 20.0]) == pytest.approx([0.0, 1.0])
    assert growth([1, 10], [None, 3.0]) == [None]
    assert [describe_growth(s) for s in (0.05, 0.5, 1.0, 2.0, None)] == [
        "≈ constant (+0.05)",
        "sublinear (0.50)",
        "≈ linear (1.00)",
        "superlinear (2.00)",
        "n/a",
    ]


def made_up_result() -> ScaleResult:
    """A FAKE result: numbers invented to check the report's layout, not measured."""
    points = []
    for size in (1, 10, 100):
        point = ScalePoint(size, size, 993 * size, 1000 * (size - 1))
        point.build["embedded"] = Measured({"build_seconds": 8.0 * size, "units": 993 * size}, 10.0 * size, 300.0 + size)
        point.disk_mb = {"indexes": 4.0 * size, "tokens": 1.0 * size, "embeddings": 3.0 * size, "corpus": 0.3 * size}
        serve = {
            "search_corpus": {"p50_ms": 40.0, "p95_ms": 60.0},
            "search_one_document": {"p50_ms": 38.0, "p95_ms": 50.0},
            "backend_corpus": {"p50_ms": 1.0 * size},
            "backend_one_document": {"p50_ms": 1.0},
            "answer": {"p50_ms": 90.0},
            "throughput": [{"clients": c, "per_second": 5.0} for c in (1, 4, 16)],
            "open_seconds": 2.0 * size,
        }
        point.serve["embedded"] = Measured(serve, 20.0, 400.0)
        points.append(point)
    cold = Measured({"build_seconds": 88.0, "embedded": {"usem3": 993, "e5-small": 451}}, 95.0, 900.0)
    return ScaleResult("2026-01-01T00:00:00+00:00", 100.0, [1.0], [1.0], cold, 8.0, points, 63)


def test_the_report_states_what_was_measured_and_what_was_borrowed() -> None:
    text = "\n".join(render_scale(made_up_result()))
    assert "borrows the vector of the bundled unit" in text
    assert "took 80.0 s" in text and "1444 unit texts" in text  # cold 88 s − seeded 8 s
    assert "| build, embedded backend (s, embedding extrapolated) | 88.0 | 880.0 | 8,800.0 |" in text
    assert "| retrievers p50, whole corpus, embedded (ms) | 1.0 | 10.0 | 100.0 | ≈ linear (1.00) | ≈ linear (1.00) |" in text
    assert "PostgreSQL was not measured" in text
    assert plot_scale(made_up_result()).startswith(b"\x89PNG")


def test_the_plot_draws_each_backend_and_measure_of_a_panel_apart() -> None:
    names = list(series(made_up_result()))
    searches = [n for n in names if n.startswith(("search p50", "retrievers p50"))]
    styles = [(line_style(n).get("color"), line_style(n).get("linestyle")) for n in searches]
    assert len(searches) == 12 and len(set(styles)) == len(styles)
    assert line_style("answers/s, 4 clients, postgres standby")["color"] == line_style(
        "search p50, one document, postgres standby (ms)"
    )["color"]
    assert line_style("disk, embedded (MB)") != line_style("answers/s, 4 clients, embedded")


def test_seeded_copies_carry_their_source_units_vectors(tmp_path: Path, document, synthetic_texts) -> None:
    """A FAKE encoder (a hash of the text, not a model) stands in: what is checked is that each
    synthetic unit gets the vector of the bundled unit with its id, under the synthetic unit's text."""

    class HashEncoder:
        name, dimension, fingerprint = "usem3", 4, "fake-hash-encoder"

        def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
            return np.array([[hash(t) % 97, len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    encoder = HashEncoder()
    copy = parse_document(synthetic_texts[0])
    borrowed = seed_embeddings(tmp_path / "target", document, [copy], [encoder], tmp_path / "source")  # type: ignore[list-item]
    glossary = load_glossary()
    source_units = {u.uid: u for u in build_index_units(document, glossary)}
    copy_units = build_index_units(copy, glossary)
    assert borrowed == len([u for u in copy_units if u.uid in source_units])
    cache = EmbeddingCache(embedding_cache_path(tmp_path / "target", "usem3"), encoder.fingerprint, 4)

    def refuse(texts: list[str]) -> np.ndarray:
        raise AssertionError(f"{len(texts)} texts were not seeded")

    changed = [u for u in copy_units[:200] if u.indexed_text != source_units[u.uid].indexed_text]
    assert changed  # the synthetic year rewrites most units
    vectors, embedded = cache.embed([u.indexed_text for u in changed], refuse)
    expected = encoder.encode_passages([source_units[u.uid].indexed_text for u in changed])
    assert embedded == 0 and np.array_equal(vectors, expected)


@pytest.mark.slow
def test_a_small_scale_run_measures_every_size_on_the_real_index(tmp_path: Path) -> None:
    """1× and 2× with the usem3 encoder, the embedded backend, three questions."""
    cache = tmp_path / "cache"
    cache.mkdir()
    copy_user_embeddings(cache, "usem3")
    settings = Settings(cache_dir=cache, encoders=("usem3",))
    options = ScaleOptions(sizes=(1, 2), postgres=False, cold_build=False, clients=(1, 2), requests=4, questions=3)
    result = measure_scale(options, settings, console=Console(quiet=True))
    assert [(p.size, p.documents, p.units) for p in result.points] == [(1, 1, 993), (2, 2, 1986)]
    two = result.points[1]
    assert two.borrowed_vectors > 900 and two.build["embedded"].record["embedded"] == {"usem3": 0}
    serve = two.serve["embedded"].record
    assert serve["search_corpus"]["n"] == 3 and [t["clients"] for t in serve["throughput"]] == [1, 2]  # type: ignore[index]
    assert all(t["errors"] == 0 for t in serve["throughput"])  # type: ignore[union-attr]
    assert two.disk_mb["indexes"] > result.points[0].disk_mb["indexes"]
    json.dumps(result.points[1].build["embedded"].record)
