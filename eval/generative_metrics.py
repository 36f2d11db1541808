"""What the answers shown were made of: generated and verified, withheld for the offline answer, or
offline; and how many were shown without a citation (which must be none).

In generative mode (``BUDGETQA_LLM`` set) each answer is one of: the model's reply, shown because it
verified (its mode ``llm:<model>``); the offline answer shown because the reply was withheld, with the
check it failed (:class:`budgetqa.qa.grounded.Withheld`); a decline (the model is never asked to
decline); or an offline answer the model was not asked to phrase (a reference lookup, or an answer
that cites nothing).  Without a model every answer is offline.

>>> from budgetqa.qa.model import Answer, Citation
>>> cited = Answer("q", "zh", "6 个 [表 3.66]", [Citation("table", "3.66", [1])], 0.9, False)
>>> counts = count_answers([cited, Answer("q", "zh", "没有", [], 0.1, True)])
>>> (counts.offline, counts.declined, counts.shown_without_citation)
(1, 1, 0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from budgetqa.qa.grounded import Withheld, withheld_reason
from budgetqa.qa.model import Answer


@dataclass(frozen=True)
class AnswerSources:
    """How many answers of a run came from where, and the checks that withheld generated ones."""

    total: int
    generated: int  # the model's reply, verified and shown
    withheld: int  # the offline answer shown in place of a reply that failed a check
    declined: int  # the document does not answer (offline decline; the model is not asked)
    offline: int  # other offline answers (no model configured, a reference lookup, nothing to cite)
    shown_without_citation: int  # answers (not declines) shown with no citation: must be 0
    withheld_by: dict[str, int] = field(default_factory=dict)  # Withheld name → count

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def answer_source(answer: Answer) -> str:
    """Where `answer` came from: "generated", "withheld (<check>)", "declined" or "offline"."""
    reason = withheld_reason(answer)
    if answer.abstained:
        return "declined"
    if reason is not None:
        return f"withheld ({reason.value})"
    return "generated" if answer.mode.startswith("llm:") else "offline"


def count_answers(answers: Iterable[Answer]) -> AnswerSources:
    """Count `answers` by where they came from (see the module's description)."""
    sources: Counter[str] = Counter()
    reasons: Counter[Withheld] = Counter()
    uncited = total = 0
    for answer in answers:
        total += 1
        source = answer_source(answer)
        sources[source.split(" ")[0]] += 1
        reason = withheld_reason(answer)
        if reason is not None and not answer.abstained:
            reasons[reason] += 1
        if not answer.abstained and not answer.citations:
            uncited += 1
    order = list(Withheld)
    return AnswerSources(
        total=total,
        generated=sources["generated"],
        withheld=sources["withheld"],
        declined=sources["declined"],
        offline=sources["offline"],
        shown_without_citation=uncited,
        withheld_by={kind.name: reasons[kind] for kind in sorted(reasons, key=order.index)},
    )


def render_markdown(sources: AnswerSources, model: str | None) -> list[str]:
    """The counts as a Markdown section of the evaluation report."""
    lines = [
        "",
        "## Where the answers came from",
        "",
        f"Chat model: `{model}` (generative mode)." if model else "No chat model (offline mode).",
        "",
        "| answers | generated, verified, shown | withheld (offline shown) | declined | offline, not sent | shown without a citation |",
        "|---|---|---|---|---|---|",
        f"| {sources.total} | {sources.generated} | {sources.withheld} | {sources.declined} | {sources.offline} "
        f"| {sources.shown_without_citation} |",
    ]
    if sources.withheld_by:
        lines += ["", "Withheld because the reply failed a check:", ""]
        lines += [f"- {Withheld[name].value}: {count}" for name, count in sources.withheld_by.items()]
    return lines
