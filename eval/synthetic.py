"""Synthetic budget sections: another symbol and year derived from the bundled one, for scoping and scale tests.

There is one real document.  :func:`synthesize` writes a realistic sibling of it, as a text file the parser
reads: the session in the symbol and every budget year move on by :attr:`SyntheticSpec.shift`
(A/78/6 (Sect. 3) for 2024 → A/79/6 (Sect. 3) for 2025), every money figure the facts and the audit read is
multiplied by :attr:`SyntheticSpec.factor`, some prose lines are reworded and some paragraphs lose a sentence.

**Why an integer factor.**  Rows must still add up to their totals, 2023 + change = 2024 must still
hold and each printed percentage must still match its change.  Multiplying every printed money figure by
the same integer keeps each of these identities exact (sums and differences scale, ratios do not
change) without recomputing any total, so :func:`budgetqa.index.audit.run_audit` finds no place the
original does not already have.  Posts, counts and percentages are left as printed.

**Where figures are changed.**  Only the money facts of :func:`budgetqa.ingest.facts.extract_facts` and
the paragraphs' amounts by object of expenditure that the audit reads
(:func:`budgetqa.index.audit_objects.object_amounts`), on the document line each names: a line's figure
is rewritten only when no fact of another measure prints the same text on that line, so a percentage
that happens to read like an amount is never scaled.

>>> # from budgetqa.eval.synthetic import SyntheticSpec, synthesize
>>> # synthesize(SyntheticSpec(shift=1, factor=2), Path("A_79_6_Sect3_zh.txt"))
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from budgetqa.atomic import write_text
from budgetqa.data import bundled_document_path
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.facts import Fact, extract_facts
from budgetqa.ingest.model import Document
from budgetqa.ingest.parser import parse_document

FIRST_SHIFTED_YEAR = 2015
LAST_SHIFTED_YEAR = 2029
"""Budget years that move; 2030 stays (the 2030 Agenda keeps its name)."""

_NUMBER = r"\d{1,3}(?: \d{3})*(?:\.\d+)?|\d+(?:\.\d+)?"
_YEAR = re.compile(r"(?<![\d/.])(20\d\d)(?=\s*(?:年|[-–—至和]\s*20\d\d\s*年))")
_SESSION = re.compile(r"A/(\d{2})/6\b")

REWORDINGS: tuple[tuple[str, str], ...] = (
    ("至关重要", "极为重要"),
    ("进一步", "更进一步"),
    ("继续", "持续"),
    ("努力", "工作"),
    ("支持", "支助"),
)
"""Synonyms swapped in every other prose line (long lines without digits: never a heading, label or figure)."""


@dataclass(frozen=True)
class SyntheticSpec:
    """How a synthetic section differs from its source: years moved on by `shift`, money times `factor`."""

    shift: int  # years (and sessions) to move on: 1 gives A/79/6 for 2025
    factor: int  # every money figure is multiplied by this integer

    def __post_init__(self) -> None:
        if self.shift < 1:
            raise ValueError(f"shift must be at least 1 year, not {self.shift}; 1 gives the next year's section")
        if self.factor < 2:
            raise ValueError(f"factor must be an integer of at least 2, not {self.factor}, so that every figure changes")


@dataclass(frozen=True)
class SyntheticReport:
    """What :func:`synthesize` wrote and changed."""

    path: Path
    symbol: str
    figures_scaled: int
    figures_skipped: int  # money figures left as printed: their text is also a non-money figure of the line
    years_shifted: int
    lines_reworded: int
    sentences_dropped: int


def format_number(value: float, decimals: int) -> str:
    """`value` as the document prints it: groups of three digits separated by spaces.

    >>> format_number(94556.2, 1), format_number(1074400, 0), format_number(4.63, 3)
    ('94 556.2', '1 074 400', '4.630')
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ")


def scaled_text(printed: str, factor: int) -> str:
    """A printed figure ("(7.2)", "537 200", "2.315") times `factor`, with its decimals and parentheses.

    >>> scaled_text("(7.2)", 2), scaled_text("43 526.4", 3)
    ('(14.4)', '130 579.2')
    """
    number = re.search(_NUMBER, printed)
    if number is None:
        return printed
    digits = number.group(0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits.replace(" ", "")) * factor
    return printed[: number.start()] + format_number(value, decimals) + printed[number.end() :]


def _figure(printed: str) -> str | None:
    """The number of a printed figure ("537 200 美元" → "537 200"), None for a nil or a word."""
    match = re.search(_NUMBER, printed)
    return match.group(0) if match else None


_TOKEN = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})*(?: ?\.\d+)?(?![\d])|(?<![\d. ])\d{4,}(?:\.\d+)?(?![\d])")
"""A figure on a line, read left to right with its thousands groups ("43 526.4", "1 484 400", "2.315"), and
with the stray space before the decimal point the source misprints once ("51 069 .7")."""


def _scale_line(line: str, money: Counter[str], others: set[str], factor: int) -> tuple[str, int, int]:
    """`line` with each money figure of `money` times `factor` (each found one is taken off `money`).

    Returns the line, the figures scaled and those of `money` still to find.

    >>> _scale_line("员额 43 526.4 (7.2) (0.0)", Counter({"43 526.4": 1, "7.2": 1}), {"0.0"}, 2)[0]
    '员额 87 052.8 (14.4) (0.0)'
    """
    left = money
    pieces: list[str] = []
    end = scaled = 0
    for token in _TOKEN.finditer(line):
        figure = token.group(0).replace(" .", ".")
        if left[figure] <= 0 or figure in others:
            continue
        left[figure] -= 1
        pieces += [line[end : token.start()], scaled_text(figure, factor)]
        end = token.end()
        scaled += 1
    pieces.append(line[end:])
    return "".join(pieces), scaled, sum(left.values())


def _facts_by_line(facts: list[Fact]) -> tuple[dict[int, Counter[str]], dict[int, set[str]]]:
    money: dict[int, Counter[str]] = defaultdict(Counter)
    others: dict[int, set[str]] = defaultdict(set)
    for fact in facts:
        figure = _figure(fact.printed)
        if figure is None or fact.is_nil:
            continue
        if fact.measure is Measure.MONEY:
            money[fact.source.line][figure] += 1
        else:
            others[fact.source.line].add(figure)
    return money, others


def _shift_years(line: str, shift: int) -> tuple[str, int]:
    def moved(match: re.Match[str]) -> str:
        year = int(match.group(1))
        return str(year + shift) if FIRST_SHIFTED_YEAR <= year <= LAST_SHIFTED_YEAR else match.group(1)

    line, count = _YEAR.subn(moved, line)
    return _SESSION.sub(lambda m: f"A/{int(m.group(1)) + shift}/6", line), count


def _prose(line: str) -> bool:
    """A line of running text: long, and without a digit (never a heading, a label or a figure)."""
    return len(line.strip()) >= 30 and not re.search(r"\d", line)


def _reword(line: str, index: int) -> tuple[str, bool]:
    """Every other prose line with the synonyms of :data:`REWORDINGS` swapped in."""
    if index % 2 or not _prose(line):
        return line, False
    changed = line
    for old, new in REWORDINGS:
        changed = changed.replace(old, new)
    return changed, changed != line


DROP_EVERY = 4
"""One numbered paragraph in this many loses a sentence: its first one without a figure after its first."""

_LATER_SENTENCE = re.compile(r"(?<=。)[^。\d]{6,}。")


def _drop_sentences(lines: list[str], document: Document) -> int:
    """Drop a figure-free later sentence from every :data:`DROP_EVERY`-th paragraph, in place.

    The sentence's line breaks stay, so every line keeps its number.  Returns the sentences dropped.
    """
    dropped = 0
    for paragraph in document.paragraphs[DROP_EVERY - 1 :: DROP_EVERY]:
        first, last = paragraph.lines.first - 1, paragraph.lines.last
        text = "\n".join(lines[first:last])
        match = _LATER_SENTENCE.search(text)
        if match is None:
            continue
        text = text[: match.start()] + "\n" * match.group(0).count("\n") + text[match.end() :]
        lines[first:last] = text.split("\n")
        dropped += 1
    return dropped


WINDOW_LINES = 60
"""A fact's figures are looked for from its line up to the next fact's line, at most this many lines on:
a table row whose label wraps prints its figures on a later line than its label."""


def _scale_window(lines: list[str], first: int, last: int, money: Counter[str], others: set[str], factor: int) -> tuple[int, int]:
    """Scale the money figures of lines `first`..`last` (0-based, inclusive) in place; figures scaled and left."""
    left = Counter(money)
    scaled = 0
    for index in range(first, last + 1):
        if not +left:
            break
        lines[index], done, _ = _scale_line(lines[index], left, others, factor)
        scaled += done
    return scaled, sum((+left).values())


def _add_object_amounts(document: Document, money: dict[int, Counter[str]]) -> None:
    """Count in the amounts paragraphs state by object of expenditure ("咨询人项下 158 700 美元"), which
    the consistency audit sets against the tables: on their paragraph's first line, where its money
    facts are, each figure as many times as the facts or these amounts print it, whichever is more."""
    from budgetqa.index.audit_objects import object_amounts

    stated: dict[int, Counter[str]] = defaultdict(Counter)
    for amount in object_amounts(document):
        stated[amount.paragraph.lines.first][amount.figure] += 1
    for line, figures in stated.items():
        for figure, count in figures.items():
            money[line][figure] = max(money[line][figure], count)


def synthesize_text(document: Document, text: str, spec: SyntheticSpec) -> tuple[str, SyntheticReport]:
    """The synthetic section's text for `document` (parsed from `text`), and what changed."""
    money, others = _facts_by_line(extract_facts(document))
    _add_object_amounts(document, money)
    lines = text.split("\n")
    fact_lines = sorted(set(money) | set(others))
    scaled = skipped = years = reworded = 0
    for position, number in enumerate(fact_lines):
        if number not in money:
            continue
        following = fact_lines[position + 1] - 1 if position + 1 < len(fact_lines) else len(lines)
        last = min(following, number + WINDOW_LINES, len(lines)) - 1
        done, left = _scale_window(lines, number - 1, last, money[number], others.get(number, set()), spec.factor)
        scaled, skipped = scaled + done, skipped + left
    for index, line in enumerate(lines):
        line, moved = _shift_years(line, spec.shift)
        years += moved
        line, changed = _reword(line, index + 1)
        reworded += changed
        lines[index] = line
    dropped = _drop_sentences(lines, document)
    symbol = _SESSION.sub(lambda m: f"A/{int(m.group(1)) + spec.shift}/6", document.symbol)
    report = SyntheticReport(Path(), symbol, scaled, skipped, years, reworded, dropped)
    return "\n".join(lines), report


def synthesize(spec: SyntheticSpec, out: Path, source: Path | None = None) -> SyntheticReport:
    """Write the synthetic section of `source` (default: the bundled document) to `out`, atomically."""
    path = source or bundled_document_path()
    document = parse_document(path)
    text, report = synthesize_text(document, path.read_text(encoding="utf-8"), spec)
    write_text(out, text)
    return replace(report, path=out)


def corpus_file_name(symbol: str) -> str:
    """The file a synthetic section is written to: "A/79/6 (Sect. 3)" → "A_79_6_Sect3_zh.txt"."""
    match = re.fullmatch(r"A/(\d+)/6 \(Sect\. (\d+)\)", symbol)
    if match is None:
        raise ValueError(f"{symbol!r} is not a budget section symbol such as 'A/79/6 (Sect. 3)'")
    return f"A_{match.group(1)}_6_Sect{match.group(2)}_zh.txt"


def synthesize_corpus(count: int, folder: Path, source: Path | None = None) -> list[SyntheticReport]:
    """Write `count` synthetic sections into `folder`: the k-th one `k` years on with money times k + 1.

    Each year's figures differ from every other year's, so a corpus of the source and these sections
    answers the same question differently for each year.  The source is parsed once.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    path = source or bundled_document_path()
    document = parse_document(path)
    text = path.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    for shift in range(1, count + 1):
        written, report = synthesize_text(document, text, SyntheticSpec(shift=shift, factor=shift + 1))
        out = folder / corpus_file_name(report.symbol)
        write_text(out, written)
        reports.append(replace(report, path=out))
    return reports
