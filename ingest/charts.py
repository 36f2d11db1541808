"""Chart values: the labels and numbers a chart prints, paired up.

Charts print their values in one of three shapes: a header line of labels over a line of numbers
("员额分配 财政资源分配 非员额财政资源分配" / "277 个员额 51 212.8 3 941.9"), a label line followed by
its number ("员额" / "9 169.5"), or a run of numbers followed by a run of as many labels
("32", "5", … / "LL", "NPO", …).  Values that cannot be paired keep an empty label.
"""

from __future__ import annotations

import re

from .lines import SourceLine, is_number_line
from .model import ChartValue
from .numeric import NUMBER_RE, parse_number

_UNIT_RE = re.compile(r"^[(（].*[)）]$")


def _numbers(text: str) -> list[str]:
    return [match.group(0).strip() for match in NUMBER_RE.finditer(text)]


def _is_value_line(text: str) -> bool:
    """A line carrying numbers: a lone number or "277 个员额 51 212.8 3 941.9"."""
    return is_number_line(text) or bool(re.match(r"^\s*\d", text) and _numbers(text))


def chart_values(lines: list[SourceLine]) -> list[ChartValue]:
    """Pair the labels and numbers printed in `lines` (a chart's lines, unit lines excluded)."""
    items = [line for line in lines if line.text.strip() and not _UNIT_RE.match(line.text.strip())]
    values: list[ChartValue] = []
    index = 0
    while index < len(items):
        line = items[index]
        if _is_value_line(line.text):
            run_end = index
            while run_end < len(items) and is_number_line(items[run_end].text):
                run_end += 1
            label_end = run_end
            while label_end < len(items) and not _is_value_line(items[label_end].text):
                label_end += 1
            count = run_end - index
            if count >= 2 and label_end - run_end >= count:
                for number_line, label_line in zip(
                    items[index:run_end], items[run_end : run_end + count], strict=True
                ):
                    values.append(_value(label_line.text.strip(), number_line))
                index = run_end + count
                continue
            values.extend(
                _value("", line, text) for text in ([line.text.strip()] if count else _split(line.text))
            )
            index += 1
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        if following is not None and _is_value_line(following.text):
            labels = line.text.split()
            numbers = _split(following.text)
            if len(numbers) > 1 and len(labels) == len(numbers):
                values.extend(
                    _value(label, following, text) for label, text in zip(labels, numbers, strict=True)
                )
                index += 2
                continue
            if len(numbers) == 1:
                values.append(_value(line.text.strip(), following))
                index += 2
                continue
        index += 1
    return values


def _split(text: str) -> list[str]:
    """Split "277 个员额 51 212.8 3 941.9" into the printed values ("277 个员额", "51 212.8", "3 941.9")."""
    pieces: list[str] = []
    rest = text.strip()
    for match in NUMBER_RE.finditer(rest):
        pieces.append(match.group(0).strip())
    words = re.match(r"^\s*(\d+)\s+(\D+?)\s", rest + " ")
    if words and pieces and pieces[0] == words.group(1):
        pieces[0] = f"{words.group(1)} {words.group(2)}"
    return pieces


def _value(label: str, line: SourceLine, text: str | None = None) -> ChartValue:
    printed = (text if text is not None else line.text).strip()
    number = _numbers(printed)
    return ChartValue(
        label=label, value=parse_number(number[0]) if number else None, text=printed, line=line.number
    )
