"""The figures a phrased answer must keep: those of the checked answer that answer the question.

A chat model that rephrases the checked (offline) answer may leave out what the question did not
ask (a quoted passage's other numbers, a total's parts, context in parentheses), but not the figure
asked for.  :func:`required_figures` reads them from the checked answer:

1. **Where the answer is.**  A figure answer (from budget facts) states one line per part of the
   question, its figure first: every figure each line states outside parentheses counts (its lead
   figures), whatever the question's measures, so a reply may drop a line's context but no part's
   figure.  A passage answer quotes the best sentence first and supporting
   sentences (or the passage of the question's next part) after it: each asked measure is read from
   the first line that states it, and a question asking for no figure from the first line only.
   Lines that are notes (wholly in parentheses) never count.
2. **Main figures, not labels.**  Figures outside parentheses and brackets (context, citations),
   less labels that only look like figures: a numbered row's item number ("7. 关于…"), a designation
   such as "COVID-19".  Figures in parentheses count only when they are the only ones of what is
   asked: a sentence that gives its shares in parentheses ("经费来源（经常预算 10%、自愿捐款 90%）")
   answers a question about shares with them, and nothing else in it does.
3. **The asked measure.**  When the question asks for money, a percentage, posts or a count
   (:class:`~budgetqa.ingest.budget.Measure`, one per part), only the figures whose words give that
   unit count (a count: figures with no unit, or posts), each measure's from outside parentheses
   where it has any there, else from inside them; when no measure has a figure, every main figure.
   A question that asks for no figure ("what did the office achieve") is answered by the whole
   sentence: every figure of it counts, whatever its unit.
4. **Computed answers.**  The result of a computation the answer checked and states (a total, a
   difference, a share) always counts, whatever words surround it: it is what the question asked
   for, even where the answer writes it without a unit.  A total's or a share's operands are its
   parts and need not be repeated; a difference's are the two figures compared, and count.
5. **A line drawn on is kept whole.**  When the question asks for no figure, nothing says which of a
   passage line's figures answers it: a reply that states a figure of a line (a table row with the
   other years "in the same row", a sentence with its counts in parentheses) must state every figure
   of that line, in parentheses or not (:func:`drawn_on_figures`); it may leave a line out, not pick
   from it.

>>> [f.text for f in required_figures("2022 年在 37 个国家投资 2.315 亿美元，增加 18.7%。 [¶9.9]", (Measure.MONEY,))]
['2.315 亿']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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


def _in_parentheses(text: str, figures: list[NumberMention]) -> list[NumberMention]:
    """Those of `figures` (found in `text`) inside round parentheses and outside every square bracket
    (a citation such as "[表 3.27]" is not context the answer states)."""
    round_depth = square_depth = 0
    inside = []
    for char in text:
        round_depth += char in "(（"
        round_depth -= char in ")）" and round_depth > 0
        square_depth += char in "[【"
        square_depth -= char in "]】" and square_depth > 0
        inside.append(round_depth > 0 and square_depth == 0)
    return [figure for figure in figures if inside[figure.start]]


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


@dataclass(frozen=True)
class _Found:
    """A figure of an answer line: the line's number, the figure, the unit its words give, and
    whether it stands in parentheses (context) rather than outside them."""

    line: int
    figure: NumberMention
    unit: FigureUnit | None
    bracketed: bool

    @property
    def order(self) -> tuple[int, int]:
        return self.line, self.figure.start


def required_figures(
    text: str,
    measures: Sequence[Measure] = (),
    computations: Sequence[Computation] = (),
    *,
    from_facts: bool = False,
    reply: str | None = None,
) -> list[NumberMention]:
    """The figures of the checked answer `text` that a rephrasing must state (see the module's rules):
    `measures` are what the question's parts ask for (empty when it asks for no figure),
    `computations` the answer's checked computations, `from_facts` whether it was read from budget
    facts, `reply` the rephrasing (when given, the lines it draws on count whole: rule 5).

    >>> [f.text for f in required_figures("7. 选举团，2024 年计划：32 [表 9.9]", (Measure.COUNT,))]
    ['32']
    >>> [f.text for f in required_figures("经常预算：51 212.8 千美元；预算外：38 394.1 千美元；合计：89 606.9 千美元 [表 9.9]",
    ...     (Measure.MONEY,), [Computation("a + b", [51212.8, 38394.1], "+", 89606.9)], from_facts=True)]
    ['89 606.9 千']
    >>> [f.text for f in required_figures("资金来源多样（经常预算 10%、捐款 90%），需要审查。 [¶9.9]", (Measure.PERCENTAGE,))]
    ['10%', '90%']
    """
    found: list[_Found] = []
    for number, line in enumerate(answer_lines(text, from_facts=True)):  # every line; a passage's are chosen below
        masked = _LABELS.sub(lambda match: " " * len(match.group(0)), line)
        figures = stated_figures(masked)
        outside = _outside_brackets(masked, figures)
        found += [_Found(number, figure, figure_unit(masked, figure), False) for figure in outside]
        found += [_Found(number, figure, figure_unit(masked, figure), True) for figure in _in_parentheses(masked, figures)]
    found.sort(key=lambda item: item.order)
    answer = found if from_facts else [item for item in found if item.line == 0]
    main = [item for item in answer if not item.bracketed]
    if from_facts:  # every line's lead figures, the figures it states outside its context
        chosen = main or answer
    elif measures:
        chosen = _of_measures(found, measures) or main
    else:  # no figure asked: the sentence is the answer, all its figures
        chosen = main or answer
    required: list[NumberMention] = []
    drawn = drawn_on_figures(text, reply) if reply is not None and not from_facts and not measures else []
    for figure in [item.figure for item in _with_results(chosen, answer, computations)] + drawn:
        if not any(same_figure(figure.scaled, kept.scaled) for kept in required):  # a figure stated twice: once
            required.append(figure)
    return required


def drawn_on_figures(text: str, reply: str) -> list[NumberMention]:
    """Every figure, in parentheses or not, of each line of the checked answer `text` from which
    `reply` states a figure (labels such as item numbers and "COVID-19" left out).

    >>> row = "2030 年计划：满意度 100%（同行：2029 年实际 8 次会议、21 名官员）[表 9.9]"
    >>> [f.text for f in drawn_on_figures(row, "满意度达到 100%。")]
    ['100%', '8', '21']
    >>> drawn_on_figures(row, "委员会扩大了外联。")
    []
    """
    stated = stated_figures(reply)
    drawn: list[NumberMention] = []
    for line in answer_lines(text, from_facts=True):
        figures = stated_figures(_LABELS.sub(lambda match: " " * len(match.group(0)), line))
        if any(same_figure(figure.scaled, mention.scaled) or same_figure(figure.value, mention.value)
               for figure in figures for mention in stated):
            drawn += figures
    return drawn


def _of_measures(found: list[_Found], measures: Sequence[Measure]) -> list[_Found]:
    """The figures of each asked measure in a passage answer: those of the first line that states the
    measure, outside parentheses where the measure has any there, else inside them."""
    chosen: set[_Found] = set()
    for measure in measures:
        units = _UNITS.get(measure, frozenset())
        of_unit = [item for item in found if item.unit in units]
        candidates = [item for item in of_unit if not item.bracketed] or of_unit
        if candidates:
            candidates = [item for item in candidates if item.line == candidates[0].line]
        chosen.update(candidates)
    return sorted(chosen, key=lambda item: item.order)


def _with_results(chosen: list[_Found], found: list[_Found], computations: Sequence[Computation]) -> list[_Found]:
    """`chosen`, with the result of every checked computation the answer states (among `found`, in
    or out of parentheses, whatever its unit), less the operands of a total or a share: its parts.  A
    difference keeps its operands, the two figures it compares."""

    def result_of(item: _Found, computation: Computation) -> bool:
        return same_figure(abs(item.figure.value), abs(computation.result))

    held = [c for c in computations if c.holds() and any(result_of(item, c) for item in found)]
    if not held:
        return chosen
    results = [item for item in found if any(result_of(item, c) for c in held)]
    parts = [value for c in held if c.operator != "-" for value in c.operands]
    kept = [
        item
        for item in chosen
        if item in results or not any(same_figure(abs(item.figure.value), abs(part)) for part in parts)
    ]
    return sorted({*kept, *results}, key=lambda item: item.order)


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
