"""The local model's section of the benchmark: time to the first generated token and to the whole answer.

Each question is answered through the product's own stream (:meth:`QAService.stream` with the
configured generator): the size of the prompt the model reads (its messages' tokens, by the model's
own tokenizer where it has one), the time to the first ``token`` event the model writes, the total
time, the number of streamed pieces, whether the generated answer was shown or withheld for the
offline one, and the machine's load while it ran (the cores may be shared with other work; the load
average says how much).  A question whose offline answer declines is not sent to the model; it is
timed all the same.  The index and the model are warmed up first, so no question pays for loading.

    BUDGETQA_LLM=llamacpp python -m budgetqa.eval.bench_llm --out docs/benchmarks-llm.md

``--cache-baseline`` first times the questions with the local model's prompt cache off (llama.cpp
then reuses only the previous prompt's beginning; the questions alternate languages, so each reads
its system message again), then with it on, in the same run, and reports the ratio of the medians.

>>> print(render_markdown([LocalModelTiming("q", 240, 8.2, 11.5, 20, "generated", 1.9)], "qwen", "2 cores")[-1])
| q | 240 | 8.2 | 11.5 | 20 | generated | 1.9 |
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from budgetqa.atomic import write_text
from budgetqa.eval.generative_metrics import answer_source
from budgetqa.qa.service import QAService
from budgetqa.settings import Settings

# Questions of the bench's own wording (not the development set's), one per kind of answer.
QUESTIONS = (
    "反恐办 2024 年经常预算员额一共多少个？",
    "How many regular-budget posts does the UN Office to the African Union have in 2024?",
    "建设和平支助办公室 2024 年员额经费是多少？",
    "How much does the Office of Counter-Terrorism receive from the regular budget in 2024?",
    "What was the approved 2027 budget of UNOAU?",
)


@dataclass(frozen=True)
class LocalModelTiming:
    """One question's timing: prompt size, seconds to the first streamed piece and to the answer, its
    outcome, and the one-minute load average when it ended."""

    question: str
    prompt_tokens: int | None  # None when the model was not asked (or has no tokenizer to count with)
    first_token_s: float | None
    total_s: float
    pieces: int
    outcome: str  # where the answer came from (generative_metrics.answer_source): generated, withheld (why), declined
    load: float


def prompt_tokens(service: QAService, question: str) -> int | None:
    """How many tokens the model reads for `question`: its messages' text by the model's tokenizer
    (the chat template adds a few), or None when the question is not sent to the model or the model
    has no local tokenizer."""
    generator = service.generator
    if generator is None:
        return None
    found = service.offline(question)
    prompt = generator.prompt(found.question, found.answer, service.searcher) if found.phrasable else None
    tokenizer: Any = getattr(generator.model, "client", None)  # llama.cpp's Llama, for a local model
    if prompt is None or tokenizer is None or not hasattr(tokenizer, "tokenize"):
        return None
    text = "\n".join(message.text for message in prompt.messages)
    return len(tokenizer.tokenize(text.encode("utf-8"), add_bos=False))


def time_question(service: QAService, question: str, tokens: int | None = None) -> LocalModelTiming:
    """Answer `question` through the service's stream, timing the first piece and the whole."""
    started = time.perf_counter()
    first: float | None = None
    pieces = 0
    answer = None
    for event in service.stream(question):
        if event.type == "token" and event.text:  # an empty token marks progress, not the model's words
            pieces += 1
            if first is None:
                first = time.perf_counter() - started
        elif event.answer is not None:
            answer = event.answer
    total = time.perf_counter() - started
    if answer is None:
        raise RuntimeError(f"the answer stream for {question!r} ended without an answer")
    outcome = answer_source(answer)
    return LocalModelTiming(question, tokens, first, total, pieces, outcome, os.getloadavg()[0])


def warm_up(service: QAService) -> None:
    """Open every search path and have the model write one token, so that no timed question pays for
    loading the index, the encoders or the model's weights."""
    service.warm_up()
    if service.generator is not None:
        service.generator.model.invoke("你好", max_tokens=1)


def render_markdown(timings: Sequence[LocalModelTiming], model: str, machine: str) -> list[str]:
    """The timings as a Markdown table, with the medians of the questions sent to the model."""
    asked = [t for t in timings if t.outcome != "declined"]
    firsts = [t.first_token_s for t in asked if t.first_token_s is not None]
    lines = [
        f"Local model `{model}` on {machine}; {len(asked)} of {len(timings)} questions sent to the model.",
        "",
    ]
    if firsts:
        lines += [
            f"Median time to the first token: {statistics.median(firsts):.1f} s; "
            f"median total: {statistics.median(t.total_s for t in asked):.1f} s.",
            "",
        ]
    lines += [
        "| question | prompt tokens | first token (s) | total (s) | streamed pieces | answer | load average |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        first = f"{t.first_token_s:.1f}" if t.first_token_s is not None else "–"
        tokens = str(t.prompt_tokens) if t.prompt_tokens is not None else "–"
        lines.append(f"| {t.question} | {tokens} | {first} | {t.total_s:.1f} | {t.pieces} | {t.outcome} | {t.load:.1f} |")
    return lines


def cache_comparison(baseline: Sequence[LocalModelTiming], cached: Sequence[LocalModelTiming]) -> list[str]:
    """A line comparing the median first-token and total times without and with the prompt cache.

    >>> a = [LocalModelTiming("q", 240, 8.0, 12.0, 20, "generated", 1.0)]
    >>> cache_comparison(a, [LocalModelTiming("q", 240, 4.0, 9.0, 20, "generated", 1.0)])[0]
    'Prompt cache: median first token 8.0 s without, 4.0 s with (ratio 0.50); median total 12.0 s without, 9.0 s with (ratio 0.75).'
    """

    def medians(timings: Sequence[LocalModelTiming]) -> tuple[float, float] | None:
        asked = [t for t in timings if t.outcome != "declined" and t.first_token_s is not None]
        if not asked:
            return None
        return statistics.median(t.first_token_s or 0.0 for t in asked), statistics.median(t.total_s for t in asked)

    without, with_cache = medians(baseline), medians(cached)
    if without is None or with_cache is None:
        return ["Prompt cache: no question was sent to the model."]
    return [
        f"Prompt cache: median first token {without[0]:.1f} s without, {with_cache[0]:.1f} s with "
        f"(ratio {with_cache[0] / without[0]:.2f}); median total {without[1]:.1f} s without, {with_cache[1]:.1f} s "
        f"with (ratio {with_cache[1] / without[1]:.2f})."
    ]


def set_prompt_cache(service: QAService, on: bool) -> None:
    """Turn the local model's prompt cache on (a fresh one) or off; other models have none to turn."""
    client: Any = getattr(service.generator.model, "client", None) if service.generator else None
    if client is None or not hasattr(client, "set_cache"):
        raise SystemExit("--cache-baseline needs the local model (BUDGETQA_LLM=llamacpp)")
    from llama_cpp import LlamaRAMCache

    from budgetqa.qa.local_model import PROMPT_CACHE_BYTES

    client.set_cache(LlamaRAMCache(capacity_bytes=PROMPT_CACHE_BYTES) if on else None)


def main(argv: Sequence[str] | None = None) -> None:
    """Time the bench questions with the configured model and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the Markdown table here (default: print it)")
    parser.add_argument(
        "--cache-baseline", action="store_true", help="time the questions with the prompt cache off first, then on"
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if settings.llm == "none":
        settings = replace(settings, llm="llamacpp")
    service = QAService.open(settings)
    if service.generator is None:
        raise SystemExit("no generative model configured: set BUDGETQA_LLM (llamacpp, openai, ollama)")
    warm_up(service)
    before = os.getloadavg()[0]
    lines: list[str] = []
    baseline: list[LocalModelTiming] = []
    if args.cache_baseline:
        set_prompt_cache(service, on=False)
        baseline = [time_question(service, question, prompt_tokens(service, question)) for question in QUESTIONS]
        lines += ["Without the prompt cache (baseline):", ""]
        lines += render_markdown(baseline, service.generator.model_name, "the same machine") + [""]
        set_prompt_cache(service, on=True)
        lines += ["With the prompt cache:", ""]
    timings = [time_question(service, question, prompt_tokens(service, question)) for question in QUESTIONS]
    machine = (
        f"{os.cpu_count()} CPU cores, one-minute load average {before:.1f} before the first question "
        f"and {os.getloadavg()[0]:.1f} after the last"
    )
    lines += render_markdown(timings, service.generator.model_name, machine)
    if baseline:
        lines += ["", *cache_comparison(baseline, timings)]
    text = "\n".join(lines) + "\n"
    if args.out:
        write_text(args.out, text)
    print(text, flush=True)


if __name__ == "__main__":
    main()
