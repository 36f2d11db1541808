"""Joining printed lines back into running text.

Chinese needs no space where a line breaks; the document itself puts a space between a
number or a Latin word and a Chinese character ("2024 年", "第 3.117 段"), so a line break between
such characters becomes one space, and a break between two Latin/digit characters becomes one space
too ("51 212" + "800" → "51 212 800").
"""

from __future__ import annotations

import unicodedata


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "%)")


def _is_cjk_ideograph(char: str) -> bool:
    return unicodedata.category(char) == "Lo" and not char.isascii()


def needs_space(left: str, right: str) -> bool:
    """Whether a line break between the characters `left` and `right` stands for a space."""
    if _is_ascii_word(left) and (_is_ascii_word(right) or right == "("):
        return True
    return (_is_ascii_word(left) and _is_cjk_ideograph(right)) or (
        _is_cjk_ideograph(left) and right.isascii() and right.isalnum()
    )


def join_lines(lines: list[str]) -> str:
    """Join printed lines into one text: stripped, with a space only where the break stood for one."""
    text = ""
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        if text and needs_space(text[-1], piece[0]):
            text += " "
        text += piece
    return text
