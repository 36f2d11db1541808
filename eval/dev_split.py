"""The development set split in two: a fitting half to tune on and a checking half to report.

A question's half is decided by a stable hash (SHA-256) of the id of the first question of its
conversation, so a follow-up always goes with the question it follows, and adding a question never
moves another one.  The split is reported beside the whole set, from the same run: a gap between the
halves shows tuning that does not carry over.

>>> split_of_id("P1-005") in ("fit", "check")
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .answer_metrics import AnswerScores, aggregate
from .gold import GoldQuestion
from .report import EvalReport
from .runner import session_roots

FIT, CHECK = "fit", "check"
SPLITS: tuple[str, ...] = (FIT, CHECK)


def split_of_id(root_id: str) -> str:
    """The half of a conversation, from its first question's id."""
    return FIT if hashlib.sha256(root_id.encode("utf-8")).digest()[0] % 2 == 0 else CHECK


def dev_splits(questions: Sequence[GoldQuestion]) -> dict[str, list[str]]:
    """Split name → question ids (in file order); a follow-up takes its conversation's half."""
    roots = session_roots(questions)
    out: dict[str, list[str]] = {FIT: [], CHECK: []}
    for question in questions:
        out[split_of_id(roots[question.id])].append(question.id)
    return out


_RETRIEVAL = ("hit@5", "mrr@10")
_ANSWERS = ("figure_accuracy", "cites_gold_rate", "abstention_recall")


def split_metrics(report: EvalReport) -> dict[str, dict[str, float | int | None]]:
    """The tool's headline metrics on the whole set and on each half."""
    tool = report.tool
    if tool is None:
        return {}
    groups = {"whole": [q.id for q in report.questions], **dev_splits(report.questions)}
    out: dict[str, dict[str, float | int | None]] = {}
    for name, ids in groups.items():
        retrieval = tool.retrieval.subset(ids)
        row: dict[str, float | int | None] = {"n": len(ids), "answerable": retrieval.n}
        row.update({m: retrieval.metric(m) if retrieval.n else None for m in _RETRIEVAL})
        if tool.answers is not None:
            answers: AnswerScores = aggregate([tool.answers.per_question[qid] for qid in ids])
            values = answers.to_json()
            row.update({m: values[m] for m in _ANSWERS})
        out[name] = row
    return out


def render_markdown(report: EvalReport) -> list[str]:
    """The section "Development set split": whole, fit and check side by side."""
    metrics = split_metrics(report)
    if not metrics:
        return []
    columns = list(next(iter(metrics.values())))
    lines = [
        "## Development set split (fit / check)",
        "",
        "| set | " + " | ".join(columns) + " |",
        "|" + "|".join(["---"] * (len(columns) + 1)) + "|",
    ]
    for name, row in metrics.items():
        cells = [str(v) if isinstance(v, int) else ("n/a" if v is None else f"{v:.3f}") for v in row.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Halves by a SHA-256 hash of each conversation's first question id (eval/dev_split.py); "
        "tune on fit, read check.",
        "",
    ]
    return lines
