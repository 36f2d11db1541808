"""`budgetqa bench --section scale`: what the corpus costs as it grows to 1×, 10× and 100× the bundled
section's units, on the embedded backend and on PostgreSQL (primary and streaming standby).

**The corpora.** k × the bundled section is the bundled section and k − 1 synthetic years of it
(:mod:`budgetqa.eval.synthetic`: A/79/6 for 2025 … each with its own figures and reworded prose), added
to a corpus of its own in ``<cache>/bench-scale/x<k>``.

**Embeddings are measured at 1× and borrowed above it.** Embedding 100 sections' units on two cores
takes hours, so the build of 1× is timed twice: from nothing (every unit embedded: a cold build) and
with its embeddings cached; the difference is what embedding one section costs. For 10× and 100× each
synthetic unit is given the vector of the bundled unit it was derived from (seeded into that corpus's
embedding cache under the synthetic unit's text before the build is timed), so their build times
exclude embedding; the report adds the extrapolated build time, embedding included (k × the measured
cost of one section). Vectors copied this way are exact duplicates across documents, which makes
dense search harder for an approximate index than real vectors would (HNSW recall is reported by
score, so that equally good copies count).

**What is measured**, each in a fresh process (its peak memory is the corpus's): the build (every
document's index, the corpus's BM25; on PostgreSQL the ingest of every document), disk, warm search
p50 / p95 over the development questions (the whole corpus, and cut to one document), the backend's
part of that time, answers per second with 1, 4 and 16 concurrent clients (questions naming the
bundled document, so every size answers the same questions from the same document); on PostgreSQL,
searches on the primary and on the standby, the SQL BM25's cost against the postings it reads, and
HNSW recall of the top 10 against exact search. Each series is plotted against corpus size, and its
growth fitted (the log–log slope between sizes: 0 constant, 1 linear).

Timings depend on the machine and its load (other work shares it): compare sizes within one run.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console

from budgetqa.data import bundled_document_path
from budgetqa.index.embedding_cache import EmbeddingCache
from budgetqa.index.encoders import Encoder, open_encoder
from budgetqa.index.glossary import load_glossary
from budgetqa.index.model import IndexUnit
from budgetqa.index.searcher import ROW_LEVEL_ENCODERS, embedding_cache_path
from budgetqa.index.units import build_index_units
from budgetqa.ingest.corpus import Corpus
from budgetqa.ingest.english import EnglishVersions
from budgetqa.ingest.model import Document
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings

from .gold import default_gold_path, load_gold
from .synthetic import synthesize_corpus

if TYPE_CHECKING:
    from .bench import ProcessResult

SIZES = (1, 10, 100)
SERVE_CLIENTS = (1, 4, 16)
MB = 1024 * 1024


@dataclass
class ScaleOptions:
    """Which corpora and backends; the default is the issue's full run."""

    sizes: tuple[int, ...] = SIZES
    postgres: bool = True
    cold_build: bool = True  # time 1× from nothing (the measured embedding cost)
    clients: tuple[int, ...] = SERVE_CLIENTS
    requests: int = 24  # answers per concurrency level (at least 2 per client)
    questions: int | None = None  # development questions timed (None: all)


@dataclass
class Measured:
    """One fresh process: the numbers it printed, its wall time and its peak memory."""

    record: dict[str, object]
    wall_seconds: float
    peak_mb: float

    @classmethod
    def of(cls, result: ProcessResult) -> Measured:
        return cls(result.record, round(result.wall_seconds, 3), round(result.peak_mb, 1))


@dataclass
class ScalePoint:
    """Everything measured on one corpus size."""

    size: int
    documents: int
    units: int
    borrowed_vectors: int  # synthetic units given their source unit's vector (0 at 1×)
    build: dict[str, Measured] = field(default_factory=dict)  # "embedded", "postgres"
    disk_mb: dict[str, float] = field(default_factory=dict)  # "indexes", "tokens", "embeddings", "corpus", "database"
    serve: dict[str, Measured] = field(default_factory=dict)  # "embedded", "postgres primary", "postgres standby"
    sql_bm25: Measured | None = None
    hnsw: Measured | None = None


@dataclass
class ScaleResult:
    """The scale section of the benchmark."""

    started: str
    seconds: float
    load_average: list[float]
    load_average_end: list[float]
    cold_build: Measured | None  # 1× from nothing
    seeded_build_1x: float | None  # 1× with its embeddings cached (the same build, embedding excluded)
    points: list[ScalePoint]
    questions: int

    @property
    def embedding_seconds_per_section(self) -> float | None:
        """What embedding one section's units costs: the cold build of 1× less its seeded build."""
        if self.cold_build is None or self.seeded_build_1x is None:
            return None
        cold = self.cold_build.record.get("build_seconds")
        return float(cold) - self.seeded_build_1x if isinstance(cold, int | float) else None

    def embedded_units_per_section(self) -> int:
        counts = self.cold_build.record.get("embedded", {}) if self.cold_build else {}
        return sum(int(v) for v in counts.values()) if isinstance(counts, dict) else 0


# ---------------------------------------------------------------------------------------------- corpora


def scale_texts(root: Path, count: int) -> list[Path]:
    """`count` synthetic sections in ``root/texts`` (written once, reused by later runs)."""
    folder = root / "texts"
    existing = sorted(folder.glob("A_*_6_Sect3_zh.txt"), key=lambda p: int(p.name.split("_")[1]))
    if len(existing) < count:
        return [report.path for report in synthesize_corpus(count, folder)]
    return existing[:count]


def corpus_cache(root: Path, name: str, settings: Settings) -> Path:
    """A fresh cache directory `root/name` for one corpus (the converted models shared)."""
    cache = root / name
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    if settings.models_dir.is_dir():
        (cache / "models").symlink_to(settings.models_dir.resolve(), target_is_directory=True)
    return cache


def seed_embeddings(
    cache: Path, source: Document, copies: Sequence[Document], encoders: Sequence[Encoder], source_cache: Path
) -> int:
    """Seed `cache`'s embedding caches: the source's own vectors (from `source_cache`, where a build of
    the source left them) and, for every unit of each copy, the vector of the source unit it derives
    from (same id). A unit without one is embedded for real. Returns the vectors borrowed."""
    glossary = load_glossary()
    source_units = build_index_units(source, glossary, EnglishVersions.load(source))
    copy_units = [build_index_units(copy, glossary, EnglishVersions.load(copy)) for copy in copies]
    return sum(_seed_encoder(encoder, cache, source_units, copy_units, source_cache) for encoder in encoders)


def _seed_encoder(
    encoder: Encoder,
    cache: Path,
    source_units: Sequence[IndexUnit],
    copy_units: Sequence[Sequence[IndexUnit]],
    source_cache: Path,
) -> int:
    """:func:`seed_embeddings` for one encoder."""

    def rows(units: Sequence[IndexUnit]) -> list[IndexUnit]:  # the units this encoder embeds
        return [u for u in units if encoder.name in ROW_LEVEL_ENCODERS or u.row is None]

    def encode(texts: list[str]) -> np.ndarray:
        return encoder.encode_passages(texts, show_progress=False)

    mine = EmbeddingCache(embedding_cache_path(source_cache, encoder.name), encoder.fingerprint, encoder.dimension)
    texts = [u.indexed_text for u in rows(source_units)]
    vectors, _ = mine.embed(texts, encode)
    by_uid = {u.uid: v for u, v in zip(rows(source_units), vectors, strict=True)}
    by_text = dict(zip(texts, vectors, strict=True))
    target = EmbeddingCache(embedding_cache_path(cache, encoder.name), encoder.fingerprint, encoder.dimension)
    target.embed(texts, lambda todo: np.stack([by_text[t] for t in todo]))
    borrowed = 0
    for units in copy_units:
        lent = {u.indexed_text: by_uid[u.uid] for u in rows(units) if u.uid in by_uid}
        borrowed += len(lent)

        def lend(todo: list[str], lent: dict[str, np.ndarray] = lent) -> np.ndarray:
            missing = [t for t in todo if t not in lent]
            made = dict(zip(missing, encode(missing), strict=True)) if missing else {}
            return np.stack([lent[t] if t in lent else made[t] for t in todo])

        target.embed([u.indexed_text for u in rows(units)], lend)
    target.save()
    return borrowed


def directory_mb(path: Path) -> float:
    """The bytes of the files under `path` (links not followed), in MB."""
    if not path.exists():
        return 0.0
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / MB, 1)


# ---------------------------------------------------------------------------------------------- the run


def _probe(*args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "budgetqa.eval.bench_scale_probe", *args]


def _run(args: list[str], env: dict[str, str]) -> Measured:
    """A probe run in a fresh process (`budgetqa.eval.bench.run_process`: wall time, peak memory)."""
    from .bench import run_process  # the benchmark's process runner (bench.py imports this module)

    return Measured.of(run_process(args, env=env))


def _env(cache: Path, settings: Settings) -> dict[str, str]:
    """The probes' environment: their own cache and the encoders being measured."""
    from .bench import probe_env

    return {**probe_env(cache), "BUDGETQA_ENCODERS": ",".join(settings.encoders)}


def measure_scale(options: ScaleOptions, settings: Settings, console: Console) -> ScaleResult:
    """Build and measure each corpus size on each backend (see the module)."""
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    load_start = [round(x, 2) for x in os.getloadavg()]
    root = settings.cache_dir / "bench-scale"
    gold = load_gold(default_gold_path())
    questions = [q.question for q in gold][: options.questions or None]
    texts = scale_texts(root, max(options.sizes) - 1)
    encoders = [open_encoder(name, models_dir=settings.models_dir, console=console) for name in settings.encoders]
    source = parse_document(bundled_document_path())
    with tempfile.TemporaryDirectory(prefix="budgetqa-scale-") as tmp:
        work = Path(tmp)
        questions_file = work / "questions.json"
        questions_file.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
        cold = None
        source_cache = settings.cache_dir
        if options.cold_build:
            console.print("scale: 1× from nothing (every unit embedded) …")
            cold_cache = corpus_cache(root, "cold", settings)
            cold = _run(_probe("build"), _env(cold_cache, settings))
            source_cache = cold_cache
        cluster = _start_cluster(console) if options.postgres else None
        try:
            points = [
                _measure_size(size, texts[: size - 1], source, encoders, source_cache, root, settings, options,
                              questions_file, cluster, console)
                for size in options.sizes
            ]
        finally:
            if cluster is not None:
                cluster.stop()
    one = next((p for p in points if p.size == 1), None)
    seeded = one.build["embedded"].record.get("build_seconds") if one and "embedded" in one.build else None
    return ScaleResult(
        started_at,
        round(time.perf_counter() - started, 1),
        load_start,
        [round(x, 2) for x in os.getloadavg()],
        cold,
        float(seeded) if isinstance(seeded, int | float) else None,
        points,
        len(questions),
    )


def _start_cluster(console: Console):  # noqa: ANN202 - a LocalCluster
    from budgetqa.index.pg_cluster import LocalCluster

    console.print("scale: starting a PostgreSQL primary and standby …")
    # a directory of its own under /tmp: the server's user must reach it (stop() removes it)
    return LocalCluster.start(Path(tempfile.mkdtemp(prefix="budgetqa-scale-pg-")), standby=True)


def _measure_size(
    size: int,
    copies: Sequence[Path],
    source: Document,
    encoders: Sequence[Encoder],
    source_cache: Path,
    root: Path,
    settings: Settings,
    options: ScaleOptions,
    questions_file: Path,
    cluster: object | None,
    console: Console,
) -> ScalePoint:
    console.print(f"scale: {size}× ({size} documents) …")
    cache = corpus_cache(root, f"x{size}", settings)
    documents = [parse_document(path) for path in copies]
    borrowed = seed_embeddings(cache, source, documents, encoders, source_cache)
    corpus = Corpus.load(Settings(cache_dir=cache))
    for document, path in zip(documents, copies, strict=True):
        corpus = corpus.add(document, path)
    point = ScalePoint(size, len(corpus.entries), 0, borrowed)
    env = _env(cache, settings)
    build = _run(_probe("build"), env)
    point.build["embedded"] = build
    point.units = int(build.record.get("units", 0))  # type: ignore[call-overload]
    for part in ("indexes", "tokens", "embeddings", "corpus"):
        point.disk_mb[part] = directory_mb(cache / part)
    serve_args = ("serve", str(questions_file), "--requests", str(options.requests), "--clients", *map(str, options.clients))
    console.print(f"scale: {size}× embedded: serving …")
    point.serve["embedded"] = _run(_probe(*serve_args), env)
    if cluster is not None:
        _measure_postgres(point, cluster, env, serve_args, questions_file, console)
    return point


def _measure_postgres(
    point: ScalePoint,
    cluster: object,
    env: dict[str, str],
    serve_args: Sequence[str],
    questions_file: Path,
    console: Console,
) -> None:
    from budgetqa.index.pg_backend import PostgresBackend, connect
    from budgetqa.index.pg_cluster import LocalCluster, wait_for_replay

    assert isinstance(cluster, LocalCluster) and cluster.standby_dsn is not None
    schema = f"scale_{point.size}"
    primary = {**env, "BUDGETQA_BACKEND": "postgres", "BUDGETQA_PG_DSN": cluster.primary_dsn, "BUDGETQA_PG_SCHEMA": schema}
    console.print(f"scale: {point.size}× postgres: ingesting …")
    point.build["postgres"] = _run(_probe("build"), primary)
    backend = PostgresBackend(cluster.primary_dsn, schema=schema)
    point.disk_mb["database"] = round(_schema_bytes(backend) / MB, 1)
    with connect(cluster.primary_dsn) as writer, connect(cluster.standby_dsn) as reader:
        wait_for_replay(writer, reader, timeout_s=600)
    console.print(f"scale: {point.size}× postgres: serving from the primary and the standby …")
    point.serve["postgres primary"] = _run(_probe(*serve_args), primary)
    standby = {**primary, "BUDGETQA_PG_READ_DSNS": cluster.standby_dsn}
    point.serve["postgres standby"] = _run(_probe(*serve_args), standby)
    point.sql_bm25 = _run(_probe("sql-bm25", str(questions_file)), primary)
    console.print(f"scale: {point.size}× postgres: HNSW against exact search …")
    point.hnsw = _run(_probe("hnsw", str(questions_file)), primary)
    backend.drop_schema()  # the next size starts from an empty database
    backend.close()


def _schema_bytes(backend: object) -> int:
    from psycopg import sql

    from budgetqa.index.pg_backend import PostgresBackend

    assert isinstance(backend, PostgresBackend)
    row = backend._connection(backend.primary_dsn).execute(
        sql.SQL(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = {} AND c.relkind IN ('r', 'm')"
        ).format(sql.Literal(backend.schema))
    ).fetchone()
    return int(row[0]) if row else 0


# ---------------------------------------------------------------------------------------------- growth, plot, text


def growth(sizes: Sequence[int], values: Sequence[float | None]) -> list[float | None]:
    """The log–log slope of `values` between consecutive sizes (0: constant, 1: linear in size).

    >>> [round(s, 2) for s in growth([1, 10, 100], [5.0, 5.0, 50.0])]
    [0.0, 1.0]
    """
    out: list[float | None] = []
    for (s1, v1), (s2, v2) in zip(zip(sizes, values, strict=True), list(zip(sizes, values, strict=True))[1:], strict=False):
        ok = v1 is not None and v2 is not None and v1 > 0 and v2 > 0 and s2 != s1
        out.append(math.log(v2 / v1) / math.log(s2 / s1) if ok else None)  # type: ignore[operator, arg-type]
    return out


def describe_growth(slope: float | None) -> str:
    """A slope in words."""
    if slope is None:
        return "n/a"
    if slope < 0.15:
        return f"≈ constant ({slope:+.2f})"
    if slope < 0.8:
        return f"sublinear ({slope:.2f})"
    if slope <= 1.2:
        return f"≈ linear ({slope:.2f})"
    return f"superlinear ({slope:.2f})"


def _get(measured: Measured | None, *path: str) -> float | None:
    value: object = measured.record if measured is not None else None
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _throughput(measured: Measured | None, clients: int) -> float | None:
    rows = measured.record.get("throughput", []) if measured is not None else []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("clients") == clients:
            return float(row["per_second"])
    return None


SERVE_BACKENDS = ("embedded", "postgres primary", "postgres standby")


def series(result: ScaleResult) -> dict[str, list[float | None]]:
    """Each plotted measure, one value per corpus size."""
    points = result.points
    embed = result.embedding_seconds_per_section
    out: dict[str, list[float | None]] = {
        "build, embedded backend (s, embedding excluded)": [_get(p.build.get("embedded"), "build_seconds") for p in points],
        "build, embedded backend (s, embedding extrapolated)": [
            (v + embed * p.size) if v is not None and embed is not None else None
            for p, v in zip(points, [_get(p.build.get("embedded"), "build_seconds") for p in points], strict=True)
        ],
        "ingest into PostgreSQL (s)": [_get(p.build.get("postgres"), "database_seconds") for p in points],
        "peak memory of the build (MB)": [p.build["embedded"].peak_mb if "embedded" in p.build else None for p in points],
        "disk, embedded (MB)": [sum(v for k, v in p.disk_mb.items() if k != "database") for p in points],
        "disk, PostgreSQL schema (MB)": [p.disk_mb.get("database") for p in points],
    }
    for backend in SERVE_BACKENDS:
        out[f"search p50, whole corpus, {backend} (ms)"] = [_get(p.serve.get(backend), "search_corpus", "p50_ms") for p in points]
        out[f"search p50, one document, {backend} (ms)"] = [_get(p.serve.get(backend), "search_one_document", "p50_ms") for p in points]
        out[f"retrievers p50, whole corpus, {backend} (ms)"] = [_get(p.serve.get(backend), "backend_corpus", "p50_ms") for p in points]
        out[f"retrievers p50, one document, {backend} (ms)"] = [
            _get(p.serve.get(backend), "backend_one_document", "p50_ms") for p in points
        ]
        out[f"peak memory serving, {backend} (MB)"] = [p.serve[backend].peak_mb if backend in p.serve else None for p in points]
        out[f"answers/s, 4 clients, {backend}"] = [_throughput(p.serve.get(backend), 4) for p in points]
    return out


BACKEND_COLOURS = {"embedded": "tab:blue", "postgres primary": "tab:orange", "postgres standby": "tab:green"}
OTHER_COLOURS = ("tab:purple", "tab:brown", "tab:gray", "tab:olive", "tab:cyan", "tab:pink")
MEASURE_STYLES = (  # a series' line by what it measures, so that a panel's lines stay apart past ten
    ("search p50, whole corpus", "-"),
    ("search p50, one document", "--"),
    ("retrievers p50, whole corpus", ":"),
    ("retrievers p50, one document", "-."),
    ("disk", "--"),  # beside answers/s in one panel
)


def line_style(name: str) -> dict[str, str]:
    """How a series is drawn: coloured by its backend, dashed by its measure (either left to the caller).

    >>> line_style("search p50, one document, postgres standby (ms)")
    {'color': 'tab:green', 'linestyle': '--'}
    """
    style: dict[str, str] = {}
    backend = next((b for b in SERVE_BACKENDS if name.endswith((f", {b} (ms)", f", {b} (MB)", f", {b}"))), None)
    if backend is not None:
        style["color"] = BACKEND_COLOURS[backend]
    dash = next((d for prefix, d in MEASURE_STYLES if name.startswith(prefix)), None)
    if dash is not None:
        style["linestyle"] = dash
    return style


def plot_scale(result: ScaleResult) -> bytes:
    """The measures against corpus size (units), log–log, one panel per kind of measure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    units = [p.units for p in result.points]
    data = series(result)
    panels: list[tuple[str, Callable[[str], bool]]] = [
        ("build and ingest (s)", lambda name: name.startswith(("build", "ingest"))),
        ("warm search and its retrievers' part, p50 (ms)", lambda name: name.startswith(("search p50", "retrievers p50"))),
        ("peak memory (MB)", lambda name: name.startswith("peak memory")),
        ("disk (MB) and answers/s", lambda name: name.startswith(("disk", "answers/s"))),
    ]
    figure, axes = plt.subplots(2, 2, figsize=(13, 9))
    for axis, (title, wanted) in zip(axes.flat, panels, strict=True):
        others = iter(OTHER_COLOURS)  # series of no one backend: colours no backend has
        for name, values in data.items():
            if not wanted(name):
                continue
            xs = [u for u, v in zip(units, values, strict=True) if v is not None]
            ys = [v for v in values if v is not None]
            if ys:
                style = line_style(name)
                style.setdefault("color", next(others, "black"))
                axis.plot(xs, ys, marker="o", label=name, **style)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("units in the corpus")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle("budgetqa: cost against corpus size (1×, 10×, 100× the bundled section)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def _n(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def render_scale(result: ScaleResult, plot_name: str = "benchmarks-scale.png") -> list[str]:
    """The scale section as markdown lines."""
    points = result.points
    embed = result.embedding_seconds_per_section
    per_unit = embed / result.embedded_units_per_section() if embed and result.embedded_units_per_section() else None
    lines = [
        "## Scale: 1×, 10×, 100× the bundled section",
        "",
        f"Run {result.started} ({result.seconds:.0f} s); load average {result.load_average} at the start, "
        f"{result.load_average_end} at the end (the machine was shared with other work: compare sizes within "
        f"this run). {result.questions} development questions timed per size and backend. Regenerate with "
        "`budgetqa bench --section scale`.",
        "",
        "k × is the bundled section and k − 1 synthetic years of it (`budgetqa eval synthesize`). "
        "**Embeddings were measured at 1× only.** "
        + (
            f"Embedding one section ({result.embedded_units_per_section()} unit texts over both encoders) took "
            f"{_n(embed)} s (cold build {_n(_get(result.cold_build, 'build_seconds'))} s less the build with "
            f"embeddings cached {_n(result.seeded_build_1x)} s; {_n(per_unit, 3)} s per unit text). "
            if embed is not None
            else "The cold build was not run. "
        )
        + "At 10× and 100× every synthetic unit **borrows the vector of the bundled unit it derives from** "
        "(seeded into the corpus's embedding cache before the build is timed): their build times exclude "
        "embedding, and the extrapolated row adds k × the measured cost of embedding one section.",
        "",
        f"![cost against corpus size]({plot_name})",
        "",
        "| measure | " + " | ".join(f"{p.size}× ({p.units:,} units)" for p in points) + " | growth 1×→10× | growth 10×→100× |",
        "|---|" + "---:|" * len(points) + "---|---|",
    ]
    sizes = [p.units for p in points]
    for name, values in series(result).items():
        slopes = growth(sizes, values) + [None, None]
        lines.append(
            f"| {name} | " + " | ".join(_n(v) for v in values) + f" | {describe_growth(slopes[0])} | {describe_growth(slopes[1])} |"
        )
    lines += [
        "",
        "Growth is the log–log slope between two sizes (0: constant, 1: linear in the corpus's units).",
        "",
        "### Search and answers per backend",
        "",
        "| size | backend | open (s) | search p50 / p95, whole corpus (ms) | one document (ms) | retrievers p50, whole corpus / one document (ms) | answer p50 (ms) | answers/s 1 / 4 / 16 clients |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        for backend in SERVE_BACKENDS:
            m = p.serve.get(backend)
            if m is None:
                continue
            rates = " / ".join(_n(_throughput(m, c), 2) for c in SERVE_CLIENTS)
            lines.append(
                f"| {p.size}× | {backend} | {_n(_get(m, 'open_seconds'))} | "
                f"{_n(_get(m, 'search_corpus', 'p50_ms'))} / {_n(_get(m, 'search_corpus', 'p95_ms'))} | "
                f"{_n(_get(m, 'search_one_document', 'p50_ms'))} / {_n(_get(m, 'search_one_document', 'p95_ms'))} | "
                f"{_n(_get(m, 'backend_corpus', 'p50_ms'))} / {_n(_get(m, 'backend_one_document', 'p50_ms'))} | "
                f"{_n(_get(m, 'answer', 'p50_ms'))} | {rates} |"
            )
    lines += _postgres_lines(points)
    return lines


def _postgres_lines(points: Sequence[ScalePoint]) -> list[str]:
    rows = [p for p in points if p.sql_bm25 is not None or p.hnsw is not None]
    if not rows:
        return ["", "PostgreSQL was not measured (`budgetqa[postgres]` missing or turned off)."]
    lines = [
        "",
        "### BM25 in SQL, and HNSW against exact search",
        "",
        "BM25 in SQL reads every posting of every query term (no early pruning): its cost follows the "
        "postings a query touches (the sum of its terms' document frequencies). Cutting the search to one "
        "document (a filter by document or year) is the first remedy; the tokenizer already drops stopwords.",
        "",
        "| size | SQL BM25 p50 / p95, whole corpus (ms) | cut to one document (ms) | postings read p50 / max | ms per 1,000 postings | correlation | HNSW build (s) | recall@10 usem3 / e5-small | HNSW p50 / exact p50, usem3 (ms) | plan uses HNSW |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in rows:
        b, h = p.sql_bm25, p.hnsw
        lines.append(
            f"| {p.size}× | {_n(_get(b, 'corpus_ms', 'p50_ms'))} / {_n(_get(b, 'corpus_ms', 'p95_ms'))} | "
            f"{_n(_get(b, 'one_document_ms', 'p50_ms'))} / {_n(_get(b, 'one_document_ms', 'p95_ms'))} | "
            f"{_n(_get(b, 'postings', 'p50'), 0)} / {_n(_get(b, 'postings', 'max'), 0)} | {_n(_get(b, 'ms_per_1000_postings'), 3)} | "
            f"{_n(_get(b, 'correlation'), 2)} | {_n(_get(h, 'build_seconds'))} | "
            f"{_n(_get(h, 'usem3', 'recall_at_10'), 3)} / {_n(_get(h, 'e5-small', 'recall_at_10'), 3)} | "
            f"{_n(_get(h, 'usem3', 'approximate', 'p50_ms'))} / {_n(_get(h, 'usem3', 'exact', 'p50_ms'))} | "
            f"{h.record.get('plan_uses_hnsw') if h else 'n/a'} |"
        )
    return lines
