"""Choose the fusion weights per query language on a gold set.

Each retriever's ranking is computed once per question; a grid of weights is then fused, linked and
reranked exactly as a search does, and scored (MRR@10, then hit@5), separately for Chinese and
English questions.  The chosen weights are printed
for ``index/searcher.py``'s ``FUSION_WEIGHTS``: a change there is a reviewed code change, not a
setting that drifts with each run.

    python -m budgetqa.eval.tune_fusion [--gold FILE]
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping, Sequence

from budgetqa.index.searcher import HybridIndex, one_per_ref
from budgetqa.index.service import RERANK_DEPTH, SearchService
from budgetqa.index.session import Conversation
from budgetqa.settings import Settings

from .gold import GoldQuestion, default_gold_path, load_gold, normalise_ranking, relevant_ids
from .metrics import evaluate_rankings
from .runner import session_roots

GRID = (0.3, 0.6, 1.0)


def standalone_questions(questions: Sequence[GoldQuestion]) -> dict[str, str]:
    """Question id → the question made standalone in its session (follow-ups rewritten)."""
    roots = session_roots(questions)
    conversations: dict[str, Conversation] = {}
    out: dict[str, str] = {}
    for question in questions:
        conversation = conversations.setdefault(roots[question.id], Conversation())
        resolved = conversation.resolve(question.question)
        out[question.id] = resolved.text
        conversation.record(question.question, resolved, [])
    return out


def retriever_rankings(index: HybridIndex, questions: Sequence[GoldQuestion]) -> dict[str, dict[str, list[int]]]:
    """Question id → retriever name → ranked unit rows (follow-ups made standalone first)."""
    return {qid: index.rankings(text) for qid, text in standalone_questions(questions).items()}


def fused_ranking(index: HybridIndex, rankings: Mapping[str, list[int]], weights: Mapping[str, float]) -> list[str]:
    """Fusion alone (no reranking): the ranking a single retriever's weights give."""
    hits = index.fuse(dict(rankings), dict(weights))
    return normalise_ranking(f"{hit.unit.kind.value}:{hit.unit.ref}" for hit in hits[:10])


def searched_ranking(
    service: SearchService, question: str, rankings: Mapping[str, list[int]], weights: Mapping[str, float]
) -> list[str]:
    """Fusion, links and sentence reranking, as ``SearchService.search`` does them."""
    hits = service.index.fuse(dict(rankings), dict(weights))[:RERANK_DEPTH]
    hits = one_per_ref(service.reranker.rerank(question, hits))
    return normalise_ranking(f"{hit.unit.kind.value}:{hit.unit.ref}" for hit in hits[:10])


def tune(service: SearchService, questions: Sequence[GoldQuestion]) -> dict[str, tuple[dict[str, float], float, float]]:
    """Best weights per language: language → (weights, MRR@10, hit@5)."""
    index = service.index
    per_question = retriever_rankings(index, questions)
    texts = standalone_questions(questions)
    names = sorted(next(iter(per_question.values())).keys())
    best: dict[str, tuple[dict[str, float], float, float]] = {}
    for language in ("zh", "en"):
        subset = [q for q in questions if q.lang == language and relevant_ids(q)]
        relevant = {q.id: relevant_ids(q) for q in subset}
        for combination in itertools.product(GRID, repeat=len(names)):
            weights = dict(zip(names, combination, strict=True))
            rankings = {q.id: searched_ranking(service, texts[q.id], per_question[q.id], weights) for q in subset}
            scores = evaluate_rankings(rankings, relevant).mean
            key = (scores.mrr_at_k[10], scores.accuracy_at_k[5])
            if language not in best or key > best[language][1:]:
                best[language] = (weights, *key)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(default_gold_path()))
    args = parser.parse_args(argv)
    service = SearchService.open(Settings.from_env())
    for language, (weights, mrr, hit5) in tune(service, load_gold(args.gold)).items():
        print(f"{language}: {weights}  MRR@10 {mrr:.3f}  hit@5 {hit5:.3f}")


if __name__ == "__main__":
    main()
