"""Choose the weight of the scope ranking (the units of the bodies a question names) per language.

For each weight of a small grid, every fitting-half question (the generated questions' fitting
templates, which name a body, and the development set's fitting half) is searched as `budgetqa
search` does, and scored by the rank of its first gold unit (hit@5, MRR@10), per language.  The
result is printed for ``index/searcher.py``'s ``FUSION_WEIGHTS["…"]["scope"]``: a change there is a
reviewed code change.  Nothing here reads a checking half.

    python -m budgetqa.eval.tune_scope
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from budgetqa.index import searcher
from budgetqa.index.service import SearchService
from budgetqa.ingest.commands import load_document
from budgetqa.settings import Settings

from .dev_split import FIT, dev_splits
from .generate import Split, generate_questions
from .gold import default_gold_path, load_gold, relevant_ids

GRID = (0.0, 0.5, 1.0)
TOP_K = 10


@dataclass(frozen=True)
class ScopeProbe:
    """One fitting question: its text, language and the ids of the units that answer it."""

    question: str
    lang: str
    gold: frozenset[str]


def fitting_probes() -> list[ScopeProbe]:
    """The generated fitting-half questions (not follow-ups) and the development set's fitting half."""
    generated = [
        ScopeProbe(q.question, q.lang, frozenset(q.refs))
        for q in generate_questions(load_document(), splits=(Split.FIT,))
        if q.answerable and q.follow_up_of is None
    ]
    gold = load_gold(default_gold_path())
    fitting = set(dev_splits(gold)[FIT])
    dev = [
        ScopeProbe(q.question, q.lang, frozenset(relevant_ids(q)))
        for q in gold
        if q.id in fitting and q.answerable and not q.follow_up_of
    ]
    return generated + dev


def score(service: SearchService, probes: Iterable[ScopeProbe]) -> dict[str, tuple[int, float, float]]:
    """language → (questions, hit@5, MRR@10) of a search of each probe."""
    totals: dict[str, list[float]] = {}
    for probe in probes:
        hits = service.search(probe.question, top_k=TOP_K)
        ids = [f"{hit.unit.kind.value}:{hit.unit.ref}" for hit in hits]
        rank = next((i for i, uid in enumerate(ids) if uid in probe.gold), None)
        total = totals.setdefault(probe.lang, [0, 0, 0.0])
        total[0] += 1
        total[1] += rank is not None and rank < 5
        total[2] += 1 / (rank + 1) if rank is not None else 0.0
    return {lang: (int(n), hit5 / n, mrr / n) for lang, (n, hit5, mrr) in totals.items()}


def tune(service: SearchService, probes: Sequence[ScopeProbe], grid: Sequence[float] = GRID) -> dict[float, dict[str, tuple[int, float, float]]]:
    """weight → language → (questions, hit@5, MRR@10), the scope weight set for both languages."""
    results = {}
    saved = {lang: weights.get("scope", 0.0) for lang, weights in searcher.FUSION_WEIGHTS.items()}
    try:
        for weight in grid:
            for weights in searcher.FUSION_WEIGHTS.values():
                weights["scope"] = weight
            results[weight] = score(service, probes)
    finally:
        for lang, weight in saved.items():
            searcher.FUSION_WEIGHTS[lang]["scope"] = weight  # type: ignore[index]
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    service = SearchService.open(Settings.from_env())
    for weight, by_lang in tune(service, fitting_probes()).items():
        cells = "  ".join(f"{lang}: n={n} hit@5 {hit5:.3f} MRR@10 {mrr:.3f}" for lang, (n, hit5, mrr) in sorted(by_lang.items()))
        print(f"scope weight {weight}: {cells}")


if __name__ == "__main__":
    main()
