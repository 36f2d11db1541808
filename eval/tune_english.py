"""Choose the weight of the English field ("bm25:en": BM25 over the units' English versions) per language.

For each weight of a small grid, every fitting-half question (the generated questions' fitting
templates and the development set's fitting half, as :mod:`budgetqa.eval.tune_scope` collects them)
is searched as `budgetqa search` does and scored by the rank of its first gold unit (hit@5, MRR@10),
per language, for the generated questions and the development set's fitting half apart (templated
figure questions and natural ones do not always agree).  The result is printed for ``index/searcher.py``'s ``FUSION_WEIGHTS["…"]["bm25:en"]``:
a change there is a reviewed code change.  Nothing here reads a checking half.

    python -m budgetqa.eval.tune_english
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from budgetqa.index import searcher
from budgetqa.index.service import SearchService
from budgetqa.settings import Settings

from .gold import default_gold_path, load_gold
from .tune_scope import ScopeProbe, fitting_probes, score

FIELD = "bm25:en"
GRID = (0.0, 0.3, 0.6, 1.0, 1.5)


def tune(
    service: SearchService, probes: Sequence[ScopeProbe], grid: Sequence[float] = GRID
) -> dict[float, dict[str, tuple[int, float, float]]]:
    """weight → language → (questions, hit@5, MRR@10), the English field's weight set for both languages."""
    results = {}
    saved = {lang: weights.get(FIELD, 0.0) for lang, weights in searcher.FUSION_WEIGHTS.items()}
    try:
        for weight in grid:
            for weights in searcher.FUSION_WEIGHTS.values():
                weights[FIELD] = weight
            results[weight] = score(service, probes)
    finally:
        for lang, weight in saved.items():
            searcher.FUSION_WEIGHTS[lang][FIELD] = weight  # type: ignore[index]
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    service = SearchService.open(Settings.from_env())
    dev_questions = {question.question for question in load_gold(default_gold_path())}
    probes = fitting_probes()
    groups = {
        "dev fit": [probe for probe in probes if probe.question in dev_questions],
        "generated fit": [probe for probe in probes if probe.question not in dev_questions],
    }
    for group, members in groups.items():
        for weight, by_lang in tune(service, members).items():
            cells = "  ".join(
                f"{lang}: n={n} hit@5 {hit5:.3f} MRR@10 {mrr:.3f}" for lang, (n, hit5, mrr) in sorted(by_lang.items())
            )
            print(f"{group}: {FIELD} weight {weight}: {cells}", flush=True)


if __name__ == "__main__":
    main()
