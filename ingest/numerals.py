"""Chinese and Roman numerals as the budget prints them: 图 3.十四, 附件三, Figure 3.XIV.

Figures and annexes of the Chinese budget sections are numbered with Chinese numerals, their English
counterparts with Roman numerals; citations in either language are matched through integers.
"""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_CHARS = "零一二三四五六七八九"

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def chinese_to_int(s: str) -> int:
    """Value of a Chinese numeral from 1 to 9999: "十四" → 14, "三十四" → 34, "一百零五" → 105.

    Raises ValueError for an empty string or a character that is not a Chinese numeral.
    """
    text = s.strip()
    if not text:
        raise ValueError("empty Chinese numeral")
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char in _DIGITS:
            if digit is not None and digit != 0 and _DIGITS[char] != 0:
                raise ValueError(f"malformed Chinese numeral {s!r}: two digits in a row")
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit:
                raise ValueError(f"malformed Chinese numeral {s!r}: units out of order")
            total += (1 if digit is None or digit == 0 and total == 0 else digit) * unit
            last_unit = unit
            digit = None
        else:
            raise ValueError(f"{s!r} is not a Chinese numeral (unexpected {char!r})")
    if digit:
        total += digit
    if total == 0:
        raise ValueError(f"Chinese numeral {s!r} has no positive value")
    return total


def int_to_chinese(n: int) -> str:
    """Chinese numeral of `n` (1–9999) in the form the budget prints: 14 → "十四", 105 → "一百零五"."""
    if not 1 <= n <= 9999:
        raise ValueError(f"cannot write {n} as a Chinese numeral (1–9999 supported)")
    parts: list[str] = []
    zero_pending = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (n // unit) % 10
        if digit == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        if not (unit == 10 and digit == 1 and not parts):
            parts.append(_DIGIT_CHARS[digit])
        parts.append(name)
    return "".join(parts)


def roman_to_int(s: str) -> int:
    """Value of a Roman numeral (case-insensitive): "XIV" → 14. Raises ValueError if malformed."""
    text = s.strip().upper()
    if not text or any(char not in _ROMAN_VALUES for char in text):
        raise ValueError(f"{s!r} is not a Roman numeral")
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    if int_to_roman(total) != text:
        raise ValueError(f"{s!r} is not a well-formed Roman numeral")
    return total


def int_to_roman(n: int) -> str:
    """Roman numeral of `n` (1–3999): 14 → "XIV"."""
    if not 1 <= n <= 3999:
        raise ValueError(f"cannot write {n} as a Roman numeral (1–3999 supported)")
    out: list[str] = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)
