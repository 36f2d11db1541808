"""The English of the programme budget's standard sentences and names: a small translation memory.

A budget section repeats a few sentences under every subprogramme and every body, changing only a
year or a table or figure number ("下述业绩计量说明实现目标方面的进展和 2024 年具体目标(见表 3.3)。").
The UN's English fascicle prints them the same way each time, so they are translated here once, by
pattern, instead of by the local model, which tends to drop their year or misread their references.
Every sentence rendered here still goes through the same checks as a model's translation.

>>> standard_english("下述业绩计量说明实现目标方面的进展和 2024 年具体目标(见图 3.三)。")
'The performance measure below shows the progress made towards the objective and the specific target for 2024 (see figure 3.III).'
>>> standard_english("关于 2024 年拟议资源分配的其他详情见表 3.56 至 3.58 和图 3.三十。")
'Additional details on the distribution of the proposed resources for 2024 are reflected in tables 3.56 to 3.58 and figure 3.XXX.'
>>> standard_english("联非办继续加强合作。") is None
True

A sentence that names a body takes the body's official English from the glossary:

>>> standard_english("根据《2030 年议程》，特别是根据可持续发展目标中鼓励各组织将可持续性信息纳入各自报告周期的具体目标 12.6，"
...                  "并按照大会第 72/219 号决议第 19 段所述共有任务，联非办将环境管理做法纳入其业务活动。")[-136:]
'resolution 72/219, the United Nations Office to the African Union is integrating environmental management practices into its operations.'

"""

from __future__ import annotations

import re
from collections.abc import Callable

from .english_figures import to_english_notation

_REF = r"[表图][^)）。]*?"  # "表 3.3", "图 3.三", "表 3.56 至 3.58 和图 3.三十"


def references_in_english(text: str) -> str:
    """Table and figure references in English: "表 3.56 至 3.58 和图 3.三十" → "tables 3.56 to 3.58 and
    figure 3.XXX"; "表 3.27(1)" → "table 3.27 (1)"."""
    text = to_english_notation(text)  # 图 3.三 → figure 3.III
    text = re.sub(r"表\s*(\d+\.\d+)\s*(?:至|-|–)\s*(\d+\.\d+)", r"tables \1 to \2", text)
    text = re.sub(r"表\s*(\d+\.\d+)\s*(\(\d\))?\s*和\s*(\d+\.\d+)\s*(\(\d\))?", _two_tables, text)
    text = re.sub(r"表\s*(\d+\.\d+)\s*(\(\d\))?", lambda m: f"table {m.group(1)}" + (f" {m.group(2)}" if m.group(2) else ""), text)
    text = re.sub(r"\s*和\s*", " and ", text)
    text = re.sub(r"\s*、\s*", ", ", text)
    return " ".join(text.split())


def _two_tables(match: re.Match[str]) -> str:
    first = match.group(1) + (f" {match.group(2)}" if match.group(2) else "")
    second = match.group(3) + (f" {match.group(4)}" if match.group(4) else "")
    return f"tables {first} and {second}"


# (Chinese pattern, English builder from the match): the sentences as the section prints them.
_STANDARD: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(rf"^下述业绩计量说明实现目标方面的进展和\s*(\d{{4}})\s*年具体目标[(（]见({_REF})[)）]。?$"),
        lambda m: (
            "The performance measure below shows the progress made towards the objective and the specific "
            f"target for {m.group(1)} (see {references_in_english(m.group(2))})."
        ),
    ),
    (
        re.compile(rf"^下述业绩计量说明实现目标方面的(预期)?进展[(（]见({_REF})[)）]。?$"),
        lambda m: (
            f"The performance measure below shows the {'expected ' if m.group(1) else ''}progress made towards "
            f"the objective (see {references_in_english(m.group(2))})."
        ),
    ),
    (
        re.compile(r"^下表\s*(\d+\.\d+)\s*列示了本次级方案的所有应交付产出。?$"),
        lambda m: f"Table {m.group(1)} lists all deliverables of the subprogramme.",
    ),
    (
        re.compile(r"^以下清单列示本方案获得的所有授权。?$"),
        lambda m: "The following list shows all the mandates entrusted to the programme.",
    ),
    (
        re.compile(rf"^关于\s*(\d{{4}})\s*年拟议资源分配的其他详情见({_REF})。?$"),
        lambda m: (
            f"Additional details on the distribution of the proposed resources for {m.group(1)} are reflected "
            f"in {references_in_english(m.group(2))}."
        ),
    ),
)


def _body_english(chinese: str, category: str = "org") -> str | None:
    """The official English of a body (or, with `category` "geo", a place) named in `chinese` (wholly
    one glossary term of that category), or None."""
    from .glossary import load_glossary

    found = load_glossary().find_terms(chinese)
    if len(found) != 1 or found[0][0] != "".join(chinese.split()) or found[0][1].category != category:
        return None
    return found[0][1].en


def _sanctions_committee(match: re.Match[str]) -> str | None:
    """The name of a committee of the Security Council as the UN writes it: "Security Council Committee
    established pursuant to resolution 751 (1992) concerning Somalia" (None when the place it concerns
    is not one glossary place)."""
    name = f"Security Council Committee established pursuant to resolution {match.group('number')} ({match.group('year')})"
    if match.group("place") is None:
        return name
    place = _body_english(match.group("place"), "geo")
    if place is None:
        return None
    article = "the " if set(place.split()) & _NAMES_WITH_THE else ""
    return f"{name} concerning {article}{place}"


# A place whose name is a common noun phrase takes "the": "the Central African Republic".
_NAMES_WITH_THE = frozenset({"Republic", "Kingdom", "States", "Emirates", "Islands", "Territory", "Territories"})


def _environment(match: re.Match[str]) -> str | None:
    body = _body_english(match.group("body"))
    if body is None:
        return None
    return (
        f"In accordance with the 2030 Agenda, in particular target {match.group('target')} of the Sustainable "
        "Development Goals, in which organizations are encouraged to integrate sustainability information into "
        "their reporting cycles, and in compliance with the cross-cutting mandate set out in paragraph "
        f"{match.group('paragraph')} of General Assembly resolution {match.group('resolution')}, the {body} is "
        "integrating environmental management practices into its operations."
    )


# Sentences naming a body, rendered with the body's official English from the glossary (None when
# the body is not one glossary name).
_STANDARD_WITH_BODY: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        re.compile(
            r"^根据《2030 年议程》，特别是根据可持续发展目标中鼓励各组织将可持续性信息纳入各自报告周期的具体目标\s*"
            r"(?P<target>\d+\.\d+)，并(?:且)?(?:按照|根据)大会第\s*(?P<resolution>\d+/\d+)\s*号决议第\s*"
            r"(?P<paragraph>\d+)\s*段所述共有任务，(?P<body>[^，。]+?)将环境管理做法纳入其业务活动。?$"
        ),
        _environment,
    ),
)


# The names of the committees the Security Council set up by a resolution (its sanctions committees),
# which the section lists as labels: "安全理事会关于索马里的第 751(1992)号决议所设委员会".  The model
# wrote "Security Council Resolution 751 (1992)", dropping the committee and the place.
_STANDARD_NAMES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        re.compile(
            r"^安全理事会(?:关于(?P<place>[^的，。、]+?)的)?第\s*(?P<number>\d+)\s*[(（](?P<year>\d{4})[)）]\s*号决议所设委员会$"
        ),
        _sanctions_committee,
    ),
)


def standard_english(text: str) -> str | None:
    """The English of `text` when it is one of the section's standard sentences; else None."""
    compact = " ".join(text.split())
    for pattern, english in _STANDARD:
        match = pattern.match(compact)
        if match:
            return english(match)
    for pattern, with_body in (*_STANDARD_WITH_BODY, *_STANDARD_NAMES):
        match = pattern.match(compact)
        if match:
            return with_body(match)
    return None
