"""The load section of `budgetqa bench`: many concurrent clients asking mixed questions of a running server.

The server is the one users run, ``budgetqa serve``, started in its own process on a free loopback port
(:func:`serve_process`).  The run has two passes over one mix of calls (:func:`load_mix`):

1. **reference**: every call once, one at a time; each response's status must be 200, and what a user
   sees of it (answer text, citations, abstained; the ranked refs of a search; the unit) is kept;
2. **load**: `clients` concurrent clients, each with its own connection, loop over the mix (each starting
   at a different place) for `seconds`.  Every response is recorded with its status and latency, and is
   *correct* when it equals its reference (answers are deterministic).  Follow-up questions go through
   ``POST /chat`` in a conversation of their own (a session id per client and conversation).

The result (:class:`LoadResult`) gives requests per endpoint, the status histogram, incorrect answers
with their questions, throughput and latency percentiles::

    with serve_process(probe_env()) as url:
        result = run_load(url, load_mix(load_gold(default_gold_path())), clients=50, seconds=60)
    result.ok  # only 200s, every answer equal to its reference, no transport error
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from budgetqa.index.encoders import RECENT_QUERIES

from .gold import GoldQuestion, default_gold_path, load_gold

SERVER_START_TIMEOUT_S = 180.0
SERVER_STOP_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 120.0
MAX_REPORTED = 20  # incorrect answers and errors listed by name in the report
MB = 1024 * 1024

# Lookups asked as questions, beside the gold set's own ("Show me table 3.12.", "第3.40段写了什么？").
EXTRA_LOOKUPS = ("show table 3.27", "表3.24")


class LoadError(RuntimeError):
    """The load run could not start: the server did not come up, or a reference call failed."""


# ---------------------------------------------------------------------------------------------- the mix


@dataclass(frozen=True)
class Call:
    """One HTTP call of the mix: `endpoint` names it in the report ("POST /ask"), `label` is its question."""

    endpoint: str
    method: str
    path: str
    label: str
    body: Mapping[str, object] | None = None
    params: Mapping[str, str] | None = None

    def request_body(self, session_id: str | None) -> dict[str, object] | None:
        """The JSON body, with the conversation's session id for a chat turn."""
        if self.body is None:
            return None
        body = dict(self.body)
        if self.endpoint == "POST /chat":
            body["session_id"] = session_id
        return body


@dataclass(frozen=True)
class Script:
    """Calls made in order by one client: a single call, or the turns of one conversation."""

    calls: tuple[Call, ...]

    @property
    def conversation(self) -> bool:
        return any(call.endpoint == "POST /chat" for call in self.calls)


def ask_call(question: str) -> Call:
    return Call("POST /ask", "POST", "/ask", question, body={"question": question})


def chat_script(questions: Sequence[str]) -> Script:
    """A conversation: the first question, then its follow-ups, in one session."""
    return Script(tuple(Call("POST /chat", "POST", "/chat", q, body={"message": q}) for q in questions))


def search_call(query: str, top_k: int = 5) -> Call:
    return Call("POST /search", "POST", "/search", query, body={"query": query, "top_k": top_k})


def unit_call(ref: str, kind: str | None = None) -> Call:
    """``GET /units/{ref}``, with the kind of a bare ref ("3.7", "table") as citations carry it."""
    label = f"{kind} {ref}" if kind else ref
    return Call("GET /units", "GET", f"/units/{ref}", label, params={"kind": kind} if kind else None)


def load_mix(
    questions: Sequence[GoldQuestion],
    *,
    searches: int = 4,
    units: int = 4,
    extra_lookups: Sequence[str] = EXTRA_LOOKUPS,
) -> list[Script]:
    """The calls of a load run, from gold questions.

    Every question is asked: a question with follow-ups starts a ``POST /chat`` conversation whose next
    turns are its follow-ups; any other question is one ``POST /ask``.  `extra_lookups` are asked too, and
    a few questions are also sent to ``POST /search`` and a few of their gold units fetched with
    ``GET /units/{ref}`` (half as a qualified label "表3.7", half as a bare ref with its kind).  These extra
    calls are spread evenly through the questions, so that every stretch of a client's loop is mixed.
    """
    follow_ups: dict[str, list[GoldQuestion]] = {}
    for question in questions:
        if question.follow_up_of:
            follow_ups.setdefault(question.follow_up_of, []).append(question)
    firsts = [q for q in questions if not q.follow_up_of]
    asked: list[Script] = []
    for question in firsts:
        chain = [question.question, *(f.question for f in follow_ups.get(question.id, []))]
        asked.append(chat_script(chain) if len(chain) > 1 else Script((ask_call(question.question),)))
    extras = [Script((ask_call(text),)) for text in extra_lookups]
    if searches and firsts:
        extras += [Script((search_call(q.question),)) for q in _spread(firsts, searches)]
    refs = [("table", ref) for q in firsts for ref in q.gold_tables if not ref.startswith("附件")]
    refs += [("paragraph", ref) for q in firsts for ref in q.gold_paragraphs]
    for number, (kind, ref) in enumerate(_spread(list(dict.fromkeys(refs)), units)):
        qualified = ("表" if kind == "table" else "") + ref
        extras.append(Script((unit_call(qualified) if number % 2 == 0 else unit_call(ref, kind),)))
    if not asked:
        return extras
    every = max(1, len(asked) // max(1, len(extras)))
    mixed: list[Script] = []
    for number, script in enumerate(asked, start=1):
        mixed.append(script)
        if number % every == 0 and extras:
            mixed.append(extras.pop(0))
    return mixed + extras


def _spread(items: Sequence[Any], count: int) -> list[Any]:
    """`count` items taken evenly through `items`."""
    if count <= 0 or not items:
        return []
    return list(items[:: max(1, len(items) // count)][:count])


def expected_view(call: Call, payload: Any) -> object:
    """What a user sees of a response, the part that must equal its reference.

    Answers: the text, the citations and whether it abstained (not the echoed question, the session id or
    the confidence figure); searches: the ranked (kind, ref, row) triples; units: the whole unit.
    """
    if not isinstance(payload, dict):
        return payload
    if call.endpoint in ("POST /ask", "POST /chat"):
        return {key: payload.get(key) for key in ("answer", "citations", "abstained")}
    if call.endpoint == "POST /search":
        results = payload.get("results")
        if not isinstance(results, list):
            return payload
        return [
            (hit.get("kind"), hit.get("ref"), hit.get("row_index"))
            for hit in results
            if isinstance(hit, dict)
        ]
    return payload


# ---------------------------------------------------------------------------------------------- results


@dataclass
class Sample:
    """One response under load; `status` is None when the call failed before a response (`error` says why)."""

    endpoint: str
    label: str
    status: int | None
    seconds: float
    correct: bool
    error: str | None = None


@dataclass
class LoadLatency:
    """Latency percentiles of every response, in milliseconds (linear interpolation, as numpy's default)."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> LoadLatency:
        if not seconds:
            raise ValueError("no responses to summarise")
        ms = np.asarray(seconds, dtype=float) * 1000.0
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        return cls(float(p50), float(p95), float(p99), float(ms.max()), float(ms.mean()))


@dataclass
class EndpointLoad:
    """Requests of one endpoint under load."""

    endpoint: str
    requests: int
    not_200: int
    incorrect: int
    p50_ms: float
    p95_ms: float


@dataclass
class Mismatch:
    """A response under load that differs from its reference (or is not a 200)."""

    endpoint: str
    question: str
    count: int
    expected: str
    got: str


@dataclass
class LoadResult:
    """A load run: how many calls, their statuses and correctness, throughput and latency."""

    started: str
    clients: int
    seconds_asked: float
    seconds: float  # from the first request to the last response
    requests: int
    per_second: float
    statuses: dict[str, int]  # "200": n, …; "error": calls with no response
    endpoints: list[EndpointLoad]
    incorrect: int
    errors: int
    latency: LoadLatency
    mix: dict[str, int]  # calls of one pass over the mix, per endpoint
    reference_seconds: float  # the sequential reference pass, every call once
    reference_latency: LoadLatency | None = None  # of that pass: questions new to the server
    mismatches: list[Mismatch] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)
    server: str = ""
    machine: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Only 200s, every response equal to its reference, no call without a response."""
        return set(self.statuses) <= {"200"} and self.incorrect == 0 and self.errors == 0

    @property
    def not_200(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != "200")


def summarise(
    samples: Sequence[Sample],
    *,
    clients: int,
    seconds_asked: float,
    elapsed: float,
    mix: Sequence[Script],
    reference_seconds: Sequence[float],
    started: str,
    expected: Mapping[tuple[str, str], object] | None = None,
    wrong: Mapping[tuple[str, str], object] | None = None,
) -> LoadResult:
    """Count, group and time the responses of a load run."""
    statuses = Counter("error" if s.status is None else str(s.status) for s in samples)
    by_endpoint: dict[str, list[Sample]] = {}
    for sample in samples:
        by_endpoint.setdefault(sample.endpoint, []).append(sample)
    endpoints = [
        EndpointLoad(
            name,
            len(group),
            sum(1 for s in group if s.status != 200),
            sum(1 for s in group if s.status == 200 and not s.correct),
            float(np.percentile([s.seconds * 1000 for s in group], 50)),
            float(np.percentile([s.seconds * 1000 for s in group], 95)),
        )
        for name, group in sorted(by_endpoint.items())
    ]
    incorrect_counts = Counter((s.endpoint, s.label) for s in samples if s.status == 200 and not s.correct)
    mismatches = [
        Mismatch(
            endpoint,
            label,
            count,
            _short((expected or {}).get((endpoint, label))),
            _short((wrong or {}).get((endpoint, label))),
        )
        for (endpoint, label), count in incorrect_counts.most_common(MAX_REPORTED)
    ]
    failed = Counter(
        f"{s.endpoint} {s.label!r}: " + (s.error or f"status {s.status}") for s in samples if s.status != 200
    )
    errors = [f"{message} (×{count})" for message, count in failed.most_common(MAX_REPORTED)]
    answered = [s.seconds for s in samples if s.status is not None]
    mix_counts = Counter(call.endpoint for script in mix for call in script.calls)
    return LoadResult(
        started=started,
        clients=clients,
        seconds_asked=seconds_asked,
        seconds=elapsed,
        requests=len(samples),
        per_second=len(samples) / elapsed if elapsed > 0 else float("nan"),
        statuses=dict(sorted(statuses.items())),
        endpoints=endpoints,
        incorrect=sum(incorrect_counts.values()),
        errors=statuses.get("error", 0),
        latency=LoadLatency.of(answered) if answered else LoadLatency(*([float("nan")] * 5)),
        mix=dict(sorted(mix_counts.items())),
        reference_seconds=sum(reference_seconds),
        reference_latency=LoadLatency.of(reference_seconds) if reference_seconds else None,
        mismatches=mismatches,
        error_messages=errors,
    )


def _short(value: object, limit: int = 300) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------- the run


References = list[list[object]]  # per script of the mix, per call: the expected view of its response


async def _send(client: httpx.AsyncClient, call: Call, session_id: str | None) -> httpx.Response:
    return await client.request(
        call.method, call.path, json=call.request_body(session_id), params=call.params
    )


def _view(call: Call, response: httpx.Response) -> object:
    try:
        return expected_view(call, response.json())
    except ValueError:  # not JSON
        return response.text


async def reference_pass(base_url: str, mix: Sequence[Script]) -> tuple[References, list[float]]:
    """Every call once, in order, one at a time: what each should answer, and how long each took.

    A status ≠ 200 raises LoadError: without a reference there is nothing to check the load against.
    """
    references: References = []
    seconds: list[float] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        for number, script in enumerate(mix):
            session = f"reference-{number}"
            views: list[object] = []
            for call in script.calls:
                started = time.perf_counter()
                response = await _send(client, call, session)
                seconds.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise LoadError(
                        f"the reference call {call.endpoint} {call.label!r} answered {response.status_code}: "
                        f"{response.text[:300]}"
                    )
                views.append(_view(call, response))
            references.append(views)
    return references, seconds


@dataclass
class _Recorder:
    """What the clients of a load run share: every sample, and the first wrong response of each call."""

    samples: list[Sample] = field(default_factory=list)
    wrong: dict[tuple[str, str], object] = field(default_factory=dict)


async def _client_loop(
    number: int,
    base_url: str,
    mix: Sequence[Script],
    references: References,
    deadline: float,
    recorder: _Recorder,
    shift: int,
) -> None:
    """One client: its own connection; the mix in turn from position `shift` (so that the clients ask
    different things at the same moment) until the deadline."""
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        for turn in itertools.count():
            position = (shift + turn) % len(mix)
            script = mix[position]
            session = f"load-{number}-{turn}"
            for index, call in enumerate(script.calls):
                if time.monotonic() >= deadline:
                    return
                started = time.perf_counter()
                try:
                    response = await _send(client, call, session)
                except httpx.HTTPError as error:
                    message = f"{type(error).__name__}: {error or 'no detail'}"
                    recorder.samples.append(
                        Sample(call.endpoint, call.label, None, time.perf_counter() - started, False, message)
                    )
                    break  # the rest of a conversation depends on this turn
                elapsed = time.perf_counter() - started
                ok = response.status_code == 200
                correct = False
                if ok:
                    view = _view(call, response)
                    correct = view == references[position][index]
                    if not correct:
                        recorder.wrong.setdefault((call.endpoint, call.label), view)
                recorder.samples.append(
                    Sample(
                        call.endpoint,
                        call.label,
                        response.status_code,
                        elapsed,
                        correct,
                        None if ok else f"status {response.status_code}: {response.text[:200]}",
                    )
                )
                if not ok:
                    break


def run_load(base_url: str, mix: Sequence[Script], *, clients: int, seconds: float) -> LoadResult:
    """The reference pass, then `clients` concurrent clients for `seconds`, against the server at `base_url`."""
    if clients < 1 or seconds <= 0:
        raise ValueError(
            f"a load run needs at least 1 client and a positive duration, got {clients} × {seconds} s"
        )
    if not mix:
        raise ValueError("a load run needs at least one call in its mix")
    recorder = _Recorder()

    async def both() -> tuple[References, list[float], float]:
        references, reference_seconds = await reference_pass(base_url, mix)
        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(
                _client_loop(n, base_url, mix, references, deadline, recorder, n * len(mix) // clients)
                for n in range(clients)
            )
        )
        return references, reference_seconds, time.perf_counter() - started

    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = [round(x, 2) for x in os.getloadavg()]
    references, reference_seconds, elapsed = asyncio.run(both())
    expected = {
        (call.endpoint, call.label): view
        for script, views in zip(mix, references, strict=True)
        for call, view in zip(script.calls, views, strict=True)
    }
    result = summarise(
        recorder.samples,
        clients=clients,
        seconds_asked=seconds,
        elapsed=elapsed,
        mix=mix,
        reference_seconds=reference_seconds,
        started=started_at,
        expected=expected,
        wrong=recorder.wrong,
    )
    result.machine = {
        "cpus": os.cpu_count(),
        "load_average": load_start,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }
    return result


# ---------------------------------------------------------------------------------------------- the server


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """A running ``budgetqa serve``: its URL; after it stops, its peak memory and the end of its log."""

    url: str
    pid: int
    peak_mb: float | None = None
    log_tail: str = ""


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(f"`budgetqa serve` exited with {process.returncode}:\n{_tail(log)}")
        try:
            health = httpx.get(f"{url}/healthz", timeout=5.0)
            if health.status_code == 200 and health.json().get("service") == "ready":
                return
        except httpx.HTTPError:
            pass  # not listening yet: the index is still being opened
        time.sleep(0.25)
    raise LoadError(f"`budgetqa serve` was not ready at {url}/healthz within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-chars:]


@contextmanager
def serve_process(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = SERVER_START_TIMEOUT_S
) -> Iterator[ServerProcess]:
    """Run the server `command` (``budgetqa serve``, given ``--port`` here) on a free loopback port.

    Yields once ``/healthz`` says the service is ready; on exit the server gets SIGINT (a graceful
    uvicorn shutdown), then SIGKILL after :data:`SERVER_STOP_TIMEOUT_S`.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="budgetqa-load-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "--port", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env or os.environ),
            )
        server = ServerProcess(f"http://127.0.0.1:{port}", process.pid)
        try:
            _wait_ready(server.url, process, log, timeout)
            yield server
        finally:
            server.peak_mb = _stop(process)
            server.log_tail = _tail(log)


def _stop(process: subprocess.Popen[bytes]) -> float | None:
    """Stop the server and return its peak resident memory in MB (``wait4``), if it could be read."""
    if process.poll() is not None:
        return None
    process.send_signal(signal.SIGINT)
    timer = threading.Timer(SERVER_STOP_TIMEOUT_S, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss * 1024 / MB


# ---------------------------------------------------------------------------------------------- the section


@dataclass(frozen=True)
class LoadOptions:
    """How hard and how long to load the server; `questions` takes that many gold questions (with their
    follow-ups) spread over the file instead of all of them."""

    clients: int = 50
    seconds: float = 60.0
    questions: int | None = None
    searches: int = 4
    units: int = 4
    gold_path: Path = field(default_factory=default_gold_path)


def gold_sample(questions: Sequence[GoldQuestion], count: int | None) -> list[GoldQuestion]:
    """`count` first questions spread over the gold set, each with its follow-ups (all of them for None)."""
    if count is None:
        return list(questions)
    keep = {q.id for q in _spread([q for q in questions if not q.follow_up_of], count)}
    return [q for q in questions if q.id in keep or q.follow_up_of in keep]


def measure_load(
    options: LoadOptions, server_command: Sequence[str], *, env: Mapping[str, str] | None = None
) -> LoadResult:
    """Start the server with `server_command` (``budgetqa serve``), load it, stop it: the load section."""
    mix = load_mix(
        gold_sample(load_gold(options.gold_path), options.questions),
        searches=options.searches,
        units=options.units,
    )
    with serve_process(server_command, env=env) as server:
        result = run_load(server.url, mix, clients=options.clients, seconds=options.seconds)
        result.server = f"`budgetqa serve` at {server.url} (its own process)"
    result.machine["server_peak_mb"] = None if server.peak_mb is None else round(server.peak_mb, 1)
    return result


# ---------------------------------------------------------------------------------------------- output


def _peak(machine: Mapping[str, object]) -> str:
    peak = machine.get("server_peak_mb")
    return f"; the server process peaked at {peak} MB" if peak is not None else ""


def _reference(result: LoadResult) -> str:
    ref = result.reference_latency
    if ref is None:
        return f" ({result.reference_seconds:.1f} s)"
    return (
        f" ({result.reference_seconds:.1f} s; questions new to the server: p50 {_ms(ref.p50_ms)} ms, "
        f"p95 {_ms(ref.p95_ms)} ms, max {_ms(ref.max_ms)} ms). The server remembers the vectors of its "
        f"{RECENT_QUERIES} most recent questions, so under load the mix's questions skip the embedding step"
    )


def _ms(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:.0f}"


def render_load(result: LoadResult) -> list[str]:
    """The load section of the benchmark report, as markdown lines."""
    m = result.machine
    verdict = "held" if result.ok else "**not held**"
    lat = result.latency
    lines = [
        f"## Load: {result.clients} concurrent clients for {result.seconds_asked:g} s",
        "",
        f"Run {result.started} against {result.server or 'the HTTP API'}; {m.get('cpus', '?')} CPUs shared by the "
        f"server and the clients, load average {m.get('load_average')} at the start, {m.get('load_average_end')} at "
        f"the end{_peak(m)}. Each client loops over the same mix of {sum(result.mix.values())} calls "
        f"({', '.join(f'{n} {e}' for e, n in result.mix.items())}), starting at a different place; every response "
        f"is compared with its reference from a sequential pass over the mix first{_reference(result)}.",
        "",
        f"Load {verdict}: {result.requests} requests in {result.seconds:.1f} s ({result.per_second:.2f} req/s), "
        f"statuses {', '.join(f'{s}: {n}' for s, n in result.statuses.items()) or 'none'}; "
        f"{result.incorrect} incorrect, {result.errors} without a response.",
        "",
        "| requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | not 200 | incorrect | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result.requests} | {result.per_second:.2f} | {_ms(lat.p50_ms)} | {_ms(lat.p95_ms)} | {_ms(lat.p99_ms)} | "
        f"{_ms(lat.max_ms)} | {result.not_200} | {result.incorrect} | {result.errors} |",
        "",
        "| endpoint | requests | p50 (ms) | p95 (ms) | not 200 | incorrect |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {e.endpoint} | {e.requests} | {_ms(e.p50_ms)} | {_ms(e.p95_ms)} | {e.not_200} | {e.incorrect} |"
        for e in result.endpoints
    ]
    if result.mismatches:
        lines += ["", "Answers that differed from their reference:", ""]
        lines += [
            f"- {x.endpoint} {x.question!r} (×{x.count}): expected `{x.expected}`, got `{x.got}`"
            for x in result.mismatches
        ]
    if result.error_messages:
        lines += ["", "Calls without a 200:", ""]
        lines += [f"- {message}" for message in result.error_messages]
    return lines
