"""`budgetqa bench`: its measuring parts on known inputs, and a quick run end to end (a benchmark, not a timed test)."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.eval.bench import (
    BenchError,
    BenchOptions,
    BenchReport,
    Latency,
    SystemBench,
    Throughput,
    Timed,
    measure_concurrency,
    render_markdown,
    run_process,
)

runner = CliRunner()


def test_latency_percentiles_are_in_milliseconds() -> None:
    latency = Latency.of([0.01 * i for i in range(1, 101)])  # 10 ms … 1000 ms
    assert latency.n == 100
    assert latency.p50_ms == pytest.approx(505.0)
    assert latency.p95_ms == pytest.approx(950.5)
    assert latency.max_ms == pytest.approx(1000.0)


def test_a_probe_process_reports_its_json_wall_time_and_peak_memory() -> None:
    code = (
        "import json; x = bytearray(50 * 1024 * 1024); print('log line'); print(json.dumps({'answer': 42}))"
    )
    result = run_process([sys.executable, "-c", code])
    assert result.record == {"answer": 42}
    assert result.wall_seconds > 0
    assert result.peak_mb >= 50  # the 50 MB buffer counts towards the child's own peak


def test_a_failing_probe_raises_with_its_error_output() -> None:
    with pytest.raises(BenchError, match="exited with 3"):
        run_process([sys.executable, "-c", "import sys; sys.stderr.write('index missing'); sys.exit(3)"])


def test_concurrent_clients_share_exactly_the_requested_number_of_calls() -> None:
    seen: list[str] = []
    active = 0
    most = 0
    lock = threading.Lock()

    def make_call():
        def call(text: str) -> None:
            nonlocal active, most
            with lock:
                active += 1
                most = max(most, active)
                seen.append(text)
            time.sleep(0.01)
            with lock:
                active -= 1

        return call

    result = measure_concurrency(make_call, ["a", "b", "c"], clients=4, requests=10)
    assert result.requests == 10 and len(seen) == 10 and result.errors == 0
    assert seen.count("a") == 4  # questions are taken in turn
    assert 1 < most <= 4
    assert result.per_second == pytest.approx(10 / result.seconds)


def test_the_quick_run_is_short_and_skips_the_cold_build() -> None:
    quick, full = BenchOptions.quick_run(), BenchOptions()
    assert quick.quick and not quick.cold_build and full.cold_build
    assert full.clients == (1, 4, 16)
    assert full.requests(16) == 32 and full.requests(1) == 8
    assert full.baseline_encoder == "e5-small"


def test_the_markdown_report_shows_both_systems_and_their_ratio() -> None:
    tool = SystemBench(
        "budgetqa",
        build_cold=Timed(60.0, 70.0, 900.0),
        query=Latency.of([0.02, 0.04]),
        throughput=[Throughput(1, 8, 4.0, 2.0, 400.0, 500.0, 0)],
    )
    baseline = SystemBench(
        "langchain tutorial (e5-small)",
        build_cold=Timed(120.0, 130.0, 800.0),
        query=Latency.of([0.01, 0.01]),
        throughput=[Throughput(1, 64, 1.0, 64.0, 15.0, 16.0, 0)],
        throughput_unit="retrieval calls/s",
    )
    report = BenchReport(
        "2024-01-01T00:00:00+00:00",
        1.0,
        {"platform": "linux", "python": "3.11", "cpus": 2, "load_average": [1.0]},
        {"quick": False, "questions_timed": 2},
        tool,
        baseline,
    )
    text = render_markdown(report)
    assert "| index build, cold (s) | 60.00 | 120.00 | 0.50× |" in text
    assert "| warm retrieval latency p50 (ms) | 30.0 | 10.0 | 3.00× |" in text
    assert "retrieval calls/s" in text
    assert "| warm retrieval latency p50 | ≤ 50 ms | 30.0 ms | yes |" in text


@pytest.mark.slow
def test_a_quick_benchmark_writes_markdown_and_json_beside_each_other(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    result = runner.invoke(app, ["bench", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    numbers = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    tool, baseline = numbers["tool"], numbers["baseline"]
    assert tool["query"]["n"] == 8 and baseline["query"]["n"] == 8
    assert [x["clients"] for x in tool["throughput"]] == [1, 4]
    assert all(x["errors"] == 0 for x in tool["throughput"])
    assert tool["reopen_process"]["wall_seconds"] > 0 and tool["first_answer"]["peak_mb"] > 0
    assert tool["build_cold"] is None and tool["build_warm"]["seconds"] > 0
    assert baseline["build_cold"]["seconds"] > 0
    assert "budgetqa ÷ baseline" in out.read_text(encoding="utf-8")
