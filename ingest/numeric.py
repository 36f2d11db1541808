"""Number normalisation shared by the parser, the lexical index and the answer verifier.

The document prints numbers with a space as thousands separator ("47 278.1", "51 212 800"),
negative values in parentheses ("(7.2)"), nil as an em dash ("—"), percentages ("25.5%") and
Chinese magnitudes ("2.315 亿美元", "5 121.28 万").  Users type "51,212,800", "51.2 million" or
"USD 51,212.8 thousand".  Everything here turns those into floats so that they can meet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NIL_MARKS = frozenset({"—", "–", "-", "−", "―"})

# One number as the document prints it: groups of three digits separated by single spaces or
# commas, an optional decimal part.  Parentheses mean a negative value.
_PLAIN = r"\d{1,3}(?:[ ,\u00a0]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUMBER_RE = re.compile(rf"(?<![\d.])\(?-?(?:{_PLAIN})\)?%?(?![\d])")

_MAGNITUDE_WORDS = {
    "亿": 1e8,
    "万": 1e4,
    "千": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "billion": 1e9,
    "thousand": 1e3,
    "m": 1e6,
    "bn": 1e9,
}
# A number starts where no digit run does (as in NUMBER_RE) and is matched atomically, so that a long
# run of digits costs one attempt rather than one per starting position and per length.
_SCALED_RE = re.compile(
    rf"(?<![\d.])(?<!\d[ ,\u00a0])(?P<sign>[-−])?(?P<num>(?>{_PLAIN}))\s*(?P<mag>亿|万|千|million|millions|billion|thousand|bn|m\b)",
    re.IGNORECASE,
)


# The whole of a printed number: digits as above, a sign or parentheses, a percent sign.  Anything
# else that Python's float() would accept ("nan", "inf", "1e5", "1_000", "--5") is not a figure.
_PRINTED_RE = re.compile(rf"(?P<open>\()?(?P<sign>[-−])?(?P<digits>{_PLAIN})%?(?P<close>\))?%?")


def parse_number(text: str) -> float | None:
    """Parse one printed number; None for nil marks and non-numbers.

    >>> parse_number("47 278.1"), parse_number("(7.2)"), parse_number("(7.2)%"), parse_number("25.5%")
    (47278.1, -7.2, -7.2, 25.5)
    >>> parse_number("—"), parse_number("nan"), parse_number("1e5"), parse_number("--5")
    (None, None, None, None)
    """
    match = _PRINTED_RE.fullmatch(text.strip())
    if match is None:
        return None
    value = float(re.sub(r"[ ,\u00a0]", "", match.group("digits")))
    if not math.isfinite(value):
        return None  # hundreds of digits in a row: not a figure
    negative = bool(match.group("sign")) or bool(match.group("open") and match.group("close"))
    return -value if negative else value


def is_nil(text: str) -> bool:
    """True for the document's nil mark ("—")."""
    return text.strip() in NIL_MARKS


@dataclass(frozen=True)
class NumberMention:
    """A number found in free text, with its value scaled to plain units where a magnitude is given."""

    text: str
    value: float
    scaled: float  # value × magnitude ("2.315 亿" → 231 500 000)
    start: int
    end: int


def find_numbers(text: str) -> list[NumberMention]:
    """All numbers in `text`, left to right, with Chinese/English magnitudes applied.

    >>> [m.scaled for m in find_numbers("投资 2.315 亿美元，净增 607 100 美元")]
    [231500000.0, 607100.0]
    >>> [m.scaled for m in find_numbers("change: USD -401.1 thousand")]
    [-401100.0]
    """
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for match in _SCALED_RE.finditer(text):
        value = parse_number(match.group("num"))
        if value is None:
            continue
        if match.group("sign"):
            value = -value  # "-401.1 thousand", "−2.3 million"
        magnitude = _MAGNITUDE_WORDS[match.group("mag").lower()]
        if not math.isfinite(value * magnitude):
            continue
        mentions.append(NumberMention(match.group(0), value, value * magnitude, match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in NUMBER_RE.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        value = parse_number(match.group(0))
        if value is None:
            continue
        mentions.append(NumberMention(match.group(0), value, value, match.start(), match.end()))
    mentions.sort(key=lambda m: m.start)
    return mentions


def equivalent_values(value: float) -> set[float]:
    """The values a figure may be written as in this document's units.

    Budget tables print thousands of US dollars ("51 212.8" 千美元) where prose prints dollars
    ("51 212 800 美元") and users write millions ("51.2 million"): a figure matches another if they
    agree after scaling by 10^3 or 10^6, rounded to the printed precision.
    """
    return {round(value * factor, 6) for factor in (1.0, 1e3, 1e6, 1e-3, 1e-6)}


def same_figure(a: float, b: float, rel_tol: float = 5e-4) -> bool:
    """True when `a` and `b` denote the same figure up to a 10^3/10^6 unit change and rounding.

    >>> same_figure(51212800, 51212.8), same_figure(51.2e6, 51212.8), same_figure(53, 54)
    (True, True, False)
    """
    if a == b:
        return True
    if a == 0 or b == 0:
        return False
    for factor in (1.0, 1e3, 1e6, 1e-3, 1e-6):
        scaled = b * factor
        if math.isclose(a, scaled, rel_tol=rel_tol) or _rounds_to(a, scaled):
            return True
    return False


def _rounds_to(written: float, exact: float) -> bool:
    """"51.2 million" written for 51 212 800: the written value equals the exact one rounded."""
    text = f"{written:.10g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals == 0 and abs(written) >= 1000:
        return False  # a large integer must match exactly (rel_tol covers unit changes)
    return round(exact, decimals) == written and abs(written) >= 1


def canonical_token(value: float) -> str:
    """A token that a number contributes to the lexical index: significant digits without separators.

    "51 212 800" and "51 212.8" (thousands) both contribute "512128", so that BM25 can match a figure
    written in either unit.
    """
    digits = f"{abs(value):.6f}".rstrip("0").rstrip(".").replace(".", "").lstrip("0")
    return digits.rstrip("0") or "0"
