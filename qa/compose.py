"""Compose: one answer from the answers to the parts of a question that asks several things.

"方案支助的非员额经费是多少？比员额经费高还是低？" is answered part by part (each from the facts or the
passages, whichever applies); the parts' answers are then joined in order, with their citations,
computations and facts, and, where the parts are compared, a line with the difference of their
figures.
"""

from __future__ import annotations

from .model import Answer, Computation, unique_citations
from .understand import ParsedQuestion


def join_answers(whole: ParsedQuestion, answers: list[Answer], contrast: tuple[str, Computation] | None = None) -> Answer:
    """The answers to `whole`'s parts as one answer; `contrast` adds a comparison line.

    The joined answer abstains only when every part does; its confidence is the weakest part's.
    """
    if len(answers) == 1 and contrast is None:
        return answers[0]
    lines = list(dict.fromkeys(answer.text for answer in answers))  # two parts answered alike: once
    computations = [c for answer in answers for c in answer.computations]
    if contrast is not None:
        line, computation = contrast
        lines.append(line)
        computations.append(computation)
    modes = [answer.mode for answer in answers]
    return Answer(
        question=whole.text,
        language=whole.lang,
        text="\n".join(lines),
        citations=unique_citations([c for answer in answers for c in answer.citations]),
        confidence=min(answer.confidence for answer in answers),
        abstained=all(answer.abstained for answer in answers),
        evidence=list(dict.fromkeys(uid for answer in answers for uid in answer.evidence)),
        mode="facts" if "facts" in modes else modes[0],
        computations=computations,
        facts=list(dict.fromkeys(fid for answer in answers for fid in answer.facts)),
    )

