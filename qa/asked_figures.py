"""The figures a phrased answer must keep: those of the checked answer that answer the question.

A chat model that rephrases the checked (offline) answer may leave out what the question did not
ask (a quoted passage's other numbers, a computation's operands, context in parentheses), but not
the figure asked for.  :func:`required_figures` reads them from the checked answer:

1. **Where the answer is.**  A figure answer (from budget facts) states one line per part of the
   question: every line counts.  A passage answer quotes the best sentence first and supporting
   sentences after it: only the first counts.  Lines that are notes (wholly in parentheses) never do.
2. **Main figures, not labels.**  Figures outside parentheses and brackets (context, citations),
   less labels that only look like figures: a numbered row's item number ("7. 关于…"), a designation
   such as "COVID-19".  An answer whose figures are all in parentheses (a reason that mentions
   shares in passing) requires none.
3. **The asked measure.**  When the question asks for money, a percentage, posts or a count
   (:class:`~budgetqa.ingest.budget.Measure`, one per part), only the figures whose words give that
   unit count (a count: figures with no unit, or posts); when none does, all of them.
4. **Computed answers.**  When the answer states the result of a computation it checked (a total, a
   change), the result counts, not its operands.

>>> [f.text for f in required_figures("2022 年在 37 个国家投资 2.315 亿美元，增加 18.7%。 [¶9.9]", (Measure.MONEY,))]
['2.315 亿']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetqa.ingest.budget import Measure
from budgetqa.ingest.numeric import NumberMention, same_figure

from .model import Computation
from .verify import FigureUnit, figure_unit, stated_figures

_BRACKET_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】"}
# Digits that label rather than state: a numbered row or item at the start of a line ("7. 关于…",
# "1. 预防、管理…") and a designation of letters and a number ("COVID-19").
_LABELS = re.compile(r"(?m)^[ \t]*\d{1,3}\.(?=\s)|\b[A-Za-z]{2,}-\d+\b")
# The units whose figures answer a question asking for each measure (None: the words give no unit).
_UNITS: dict[Measure, frozenset[FigureUnit | None]] = {
    Measure.MONEY: frozenset({FigureUnit.MONEY}),
    Measure.PERCENTAGE: frozenset({FigureUnit.PERCENT}),
    Measure.POSTS: frozenset({FigureUnit.POSTS, None}),
    Measure.COUNT: frozenset({None, FigureUnit.POSTS}),
}


def main_figures(text: str) -> list[NumberMention]:
    """The figures an answer states outside parentheses and brackets: the answer itself, not its
    context ("(2023: 56)") or citations; the first figure when every one is inside them.

    >>> [f.value for f in main_figures("UNOCT 2024: 57 posts (2023: 56) [Table 3.76]; UNOAU: 6 posts")]
    [57.0, 6.0]
    """
    figures = stated_figures(text)
    return _outside_brackets(text, figures) or figures[:1]


def _outside_brackets(text: str, figures: list[NumberMention]) -> list[NumberMention]:
    """Those of `figures` (found in `text`) that stand outside parentheses and brackets."""
    depth, inside = 0, []
    closing = set(_BRACKET_PAIRS.values())
    for char in text:
        depth += char in _BRACKET_PAIRS
        depth -= char in closing and depth > 0
        inside.append(depth > 0)
    return [figure for figure in figures if not inside[figure.start]]


def states_figure(text: str, figure: NumberMention) -> bool:
    """True when `text` states `figure`, as written or in another scale ("775 326.2 千美元" is
    "775 326 200 美元").

    >>> states_figure("拟议 775 326 200 美元", main_figures("775 326.2 千美元")[0])
    True
    """
    return any(
        same_figure(mention.value, figure.value) or same_figure(mention.scaled, figure.scaled)
        for mention in stated_figures(text)
    )


def answer_lines(text: str, *, from_facts: bool) -> list[str]:
    """The lines of a checked answer that hold its answer: every line of a figure answer from facts
    (one a part), the first of a passage answer (its best sentence); notes in parentheses left out.

    >>> answer_lines("（以下出自另一部分。）\\n第一句 37 个。 [¶9.1]\\n第二句 34 个。 [¶9.2]", from_facts=False)
    ['第一句 37 个。 [¶9.1]']
    """
    lines = [line for line in text.splitlines() if line.strip() and not _is_note(line.strip())]
    return lines if from_facts else lines[:1]


def required_figures(
    text: str,
    measures: Sequence[Measure] = (),
    computations: Sequence[Computation] = (),
    *,
    from_facts: bool = False,
) -> list[NumberMention]:
    """The figures of the checked answer `text` that a rephrasing must state (see the module's rules):
    `measures` are what the question's parts ask for (empty when it asks for no figure),
    `computations` the answer's checked computations, `from_facts` whether it was read from budget facts.

    >>> [f.text for f in required_figures("7. 选举团，2024 年计划：32 [表 9.9]", (Measure.COUNT,))]
    ['32']
    >>> [f.text for f in required_figures("经常预算：51 212.8 千美元；预算外：38 394.1 千美元；合计：89 606.9 千美元 [表 9.9]",
    ...     (Measure.MONEY,), [Computation("a + b", [51212.8, 38394.1], "+", 89606.9)], from_facts=True)]
    ['89 606.9 千']
    """
    pairs: list[tuple[NumberMention, str]] = []  # each figure with the (label-masked) line it is in
    for line in answer_lines(text, from_facts=from_facts):
        masked = _LABELS.sub(lambda match: " " * len(match.group(0)), line)
        pairs += [(figure, masked) for figure in _outside_brackets(masked, stated_figures(masked))]
    wanted = {unit for measure in measures for unit in _UNITS.get(measure, frozenset())}
    asked = [(figure, line) for figure, line in pairs if figure_unit(line, figure) in wanted]
    chosen = [figure for figure, _ in (asked or pairs)]
    return _results_not_operands(chosen, computations)


def _results_not_operands(figures: list[NumberMention], computations: Sequence[Computation]) -> list[NumberMention]:
    """`figures` less the operands of a checked computation whose result is among them."""
    stated = [c for c in computations if c.holds() and any(same_figure(abs(f.value), abs(c.result)) for f in figures)]
    if not stated:
        return figures
    results = [c.result for c in stated]
    operands = [value for c in stated for value in c.operands]
    return [
        figure
        for figure in figures
        if any(same_figure(abs(figure.value), abs(r)) for r in results)
        or not any(same_figure(abs(figure.value), abs(o)) for o in operands)
    ]


def _is_note(line: str) -> bool:
    """A line wholly in one pair of parentheses: a note, not an answer ("（以下出自…）", not "（甲）正文（乙）")."""
    if line[:1] not in ("(", "（"):
        return False
    depth = 0
    for position, char in enumerate(line):
        depth += char in _BRACKET_PAIRS
        depth -= char in _BRACKET_PAIRS.values() and depth > 0
        if depth == 0:
            return position == len(line) - 1
    return False
