"""A part's foreword ("前言"): its text and its signatory ("罗斯玛丽·迪卡洛(签名)")."""

from __future__ import annotations

import re

from .lines import SourceLine
from .model import Foreword, LineSpan
from .textjoin import join_lines

_SIGNED_RE = re.compile(r"^(?P<name>.+?)\s*[(（]签名[)）]\s*$")


def parse_foreword(part: str, lines: list[SourceLine]) -> Foreword:
    """Build the foreword of `part` from its lines (the "前言" line excluded)."""
    signatory = ""
    title = ""
    body = list(lines)
    for index in range(len(body) - 1, -1, -1):
        match = _SIGNED_RE.match(body[index].text.strip())
        if match:
            signatory = match.group("name")
            if index > 0:
                title = body[index - 1].text.strip()
                body = body[: index - 1]
            else:
                body = body[:index]
            break
    paragraphs: list[list[str]] = []
    for line in body:
        if line.text.startswith(" ") or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    text = "\n".join(join_lines(paragraph) for paragraph in paragraphs)
    span = LineSpan(lines[0].number, lines[-1].number) if lines else LineSpan(0, 0)
    return Foreword(part=part, text=text, signatory=signatory, signatory_title=title, lines=span)
