"""Warm answer latency of this version of budgetqa against another installed version, in the same run.

    python -m budgetqa.eval.bench_versions --baseline-python OTHER_VENV/bin/python [--rounds 3]

A change to the answerer may cost time; its claim "no slower than before" needs both versions timed
on the same machine at the same time.  Each round starts one process per version, in alternating
order (so that neither always runs on a machine the other has just warmed or loaded): the process
opens the service, warms it up as ``budgetqa serve`` does at start-up, answers a few questions
untimed, forgets the question vectors, then times ``QAService.ask`` once on every question of the
development set.  The report gives each version's p50 and p95 over all rounds, and the ratio of this
version to the baseline.

The timed process runs this file's :func:`_time_answers` under the other version's interpreter
(``runpy``), so it reads only what both versions have: ``QAService.open``, ``warm_up``, ``ask``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WARMUP_QUESTIONS = 3
_CHILD = "__budgetqa_time_answers__"


@dataclass(frozen=True)
class VersionTiming:
    """One version's answer latencies over every round, in milliseconds."""

    label: str
    python: str
    samples_ms: tuple[float, ...]

    def percentile(self, q: float) -> float:
        """The `q`-th percentile of the samples (nearest rank on the sorted samples, as numpy's default)."""
        import numpy as np

        return float(np.percentile(np.asarray(self.samples_ms), q))


def _time_answers(questions_path: str, out_path: str) -> None:
    """In the timed process: open, warm up, answer untimed, then time every question once."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from budgetqa.eval.bench import forget_questions
    from budgetqa.qa.service import QAService

    questions = json.loads(Path(questions_path).read_text(encoding="utf-8"))
    service = QAService.open()
    service.warm_up()
    for text in questions[:WARMUP_QUESTIONS]:
        service.ask(text)
    forget_questions(service.searcher.index)
    samples = []
    for text in questions:
        started = time.perf_counter()
        service.ask(text)
        samples.append((time.perf_counter() - started) * 1000.0)
    Path(out_path).write_text(json.dumps(samples), encoding="utf-8")


def _run_version(python: str, questions_path: Path, workdir: Path) -> list[float]:
    """Time the answers of the version installed for `python`, in a fresh process."""
    out = workdir / f"samples-{time.monotonic_ns()}.json"
    code = (
        "import runpy; "
        f"runpy.run_path({str(Path(__file__).resolve())!r}, run_name={_CHILD!r})"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BUDGETQA_TIME_ANSWERS": f"{questions_path}\n{out}"}
    done = subprocess.run([python, "-c", code], env=env, cwd=workdir, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"timing with {python} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return [float(x) for x in json.loads(out.read_text(encoding="utf-8"))]


def compare(baseline_python: str, questions: Sequence[str], *, rounds: int = 3) -> tuple[VersionTiming, VersionTiming]:
    """This version's and the baseline's answer latencies, each timed `rounds` times, alternating."""
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    current: list[float] = []
    baseline: list[float] = []
    with tempfile.TemporaryDirectory(prefix="budgetqa-versions-") as tmp:
        workdir = Path(tmp)
        questions_path = workdir / "questions.json"
        questions_path.write_text(json.dumps(list(questions), ensure_ascii=False), encoding="utf-8")
        for round_index in range(rounds):
            order = [(sys.executable, current), (baseline_python, baseline)]
            if round_index % 2:
                order.reverse()
            for python, samples in order:
                print(f"round {round_index + 1}/{rounds}: timing {python} …", file=sys.stderr, flush=True)
                samples.extend(_run_version(python, questions_path, workdir))
    return (
        VersionTiming("this version", sys.executable, tuple(current)),
        VersionTiming("baseline", baseline_python, tuple(baseline)),
    )


def report(current: VersionTiming, baseline: VersionTiming, baseline_label: str) -> str:
    """A markdown table of both versions' p50 and p95 and their ratios."""
    rows = [
        "| warm answer latency | this version (ms) | baseline (ms) | ratio |",
        "|---|---|---|---|",
    ]
    for name, q in (("p50", 50.0), ("p95", 95.0)):
        mine, theirs = current.percentile(q), baseline.percentile(q)
        rows.append(f"| {name} | {mine:.1f} | {theirs:.1f} | {mine / theirs:.2f}× |")
    rows.append("")
    rows.append(
        f"Baseline: {baseline_label} ({baseline.python}); {len(current.samples_ms)} timed answers per version, "
        "rounds alternating which version runs first."
    )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-python", required=True, help="the interpreter of the baseline's environment")
    parser.add_argument("--baseline-label", default="the other version", help="what the baseline is (a commit)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the markdown report here as well")
    args = parser.parse_args(argv)
    from budgetqa.eval.gold import default_gold_path, load_gold

    questions = [q.question for q in load_gold(default_gold_path())]
    current, baseline = compare(args.baseline_python, questions, rounds=args.rounds)
    text = report(current, baseline, args.baseline_label)
    print(text)
    if args.out is not None:
        from budgetqa.atomic import write_text

        write_text(args.out, text + "\n")


if __name__ == _CHILD:
    _questions_path, _out_path = os.environ["BUDGETQA_TIME_ANSWERS"].split("\n")
    _time_answers(_questions_path, _out_path)
elif __name__ == "__main__":
    main()
