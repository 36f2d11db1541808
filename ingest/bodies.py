"""The bodies a budget section covers, and every name a reader may call them by.

A section's parts each head one body (一. 政治和建设和平事务部 …); the section itself is a body too
(its overview annex totals every part).  A question names a body by its full Chinese title, a short
form the document uses (联非办, 反恐办), an English name or an abbreviation (UNOAU, UNOCT).
:class:`BodyRegistry` resolves all of them; facts, search filters and answers speak of bodies by
their :attr:`Body.key`.

>>> from budgetqa.ingest.commands import load_document
>>> registry = BodyRegistry.of(load_document())
>>> [b.key for b in registry.find("联非办和 UNOCT 的员额")]
['UNOAU', 'UNOCT']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Document

SECTION_KEY = "SECTION"

# Short forms and abbreviations in UN usage, by the part's Chinese title (whitespace removed).
# The document defines some of them ("政治和建设和平事务部(政治建和部)") and uses others without
# definition; English abbreviations are those of the Secretariat's official documents.
KNOWN_ALIASES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # title: (key, Chinese short forms, English names and abbreviations)
    "政治和建设和平事务部": (
        "DPPA",
        ("政治建和部", "政治和建设和平事务部"),
        ("DPPA", "Department of Political and Peacebuilding Affairs", "Political and Peacebuilding Affairs"),
    ),
    "特别政治任务": (
        "SPM",
        ("特别政治任务", "特派团"),
        ("SPMs", "SPM", "special political missions", "special political mission"),
    ),
    "联合国中东和平进程特别协调员办事处": (
        "UNSCO",
        ("中东特协办", "特别协调员办事处", "中东和平进程特别协调员"),
        ("UNSCO", "Special Coordinator for the Middle East Peace Process", "Office of the Special Coordinator"),
    ),
    "联合国关于在巴勒斯坦被占领土修建隔离墙造成的损失登记册": (
        "UNRoD",
        ("损失登记册", "登记册办公室", "登记册"),
        ("UNRoD", "Register of Damage", "UNRoD Office"),
    ),
    "联合国驻非洲联盟办事处": (
        "UNOAU",
        ("联非办", "驻非洲联盟办事处"),
        ("UNOAU", "Office to the African Union"),
    ),
    "反恐怖主义办公室": (
        "UNOCT",
        ("反恐办", "反恐怖主义办公室"),
        ("UNOCT", "OCT", "Office of Counter-Terrorism", "Counter-Terrorism Office", "counter-terrorism"),
    ),
}
SECTION_NAMES_ZH = ("第 3 款", "第3款", "本款", "政治事务款", "整个款", "全款")
SECTION_NAMES_EN = ("Section 3", "the section", "whole section", "entire section", "political affairs section")


@dataclass(frozen=True)
class Body:
    """A body the section budgets for: a part of the section, or the section as a whole."""

    key: str  # "UNOAU"; SECTION_KEY for the whole section
    part: str | None  # the part's numeral ("五"); None for the section
    name_zh: str
    name_en: str
    aliases_zh: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()

    @property
    def is_section(self) -> bool:
        return self.part is None

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass
class BodyRegistry:
    """Every body of a document, resolvable from any of its names."""

    bodies: list[Body]
    _patterns: list[tuple[re.Pattern[str], Body]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, document: Document) -> BodyRegistry:
        """The registry of `document`: one body per part, and the section itself."""
        bodies: list[Body] = []
        defined = _defined_short_forms(document)
        for part in document.parts:
            title = "".join(part.title.split())
            key, zh, en = KNOWN_ALIASES.get(title, (f"PART-{part.index}", (), ()))
            aliases_zh = tuple(dict.fromkeys((title, *defined.get(title, ()), *zh)))
            aliases_en = tuple(dict.fromkeys((part.title_en, *en) if part.title_en else en))
            bodies.append(Body(key, part.number, part.title, part.title_en or key, aliases_zh, aliases_en))
        section_zh = f"第 {document.section_number} 款 {document.title}"
        section_en = f"Section {document.section_number} ({_SECTION_TITLES_EN.get(document.title, document.title)})"
        names_zh = tuple(n.replace("3", str(document.section_number)) for n in SECTION_NAMES_ZH)
        names_en = tuple(n.replace("3", str(document.section_number)) for n in SECTION_NAMES_EN)
        bodies.append(Body(SECTION_KEY, None, section_zh, section_en, (document.title + "款", *names_zh), names_en))
        return cls(bodies)

    def __post_init__(self) -> None:
        names: list[tuple[str, Body, bool]] = []
        for body in self.bodies:
            names.extend((name, body, False) for name in body.aliases_zh)
            names.extend((name, body, True) for name in body.aliases_en)
        names.sort(key=lambda item: -len(item[0]))
        for name, body, latin in names:
            escaped = re.escape(name).replace(r"\ ", r"\s*")
            pattern = rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if latin else escaped
            flags = re.IGNORECASE if latin and not name.isupper() else 0
            self._patterns.append((re.compile(pattern, flags), body))

    def by_key(self, key: str) -> Body:
        for body in self.bodies:
            if body.key == key:
                return body
        raise KeyError(f"no body {key!r}; known: {', '.join(b.key for b in self.bodies)}")

    def by_part(self, part: str | None) -> Body:
        for body in self.bodies:
            if body.part == part:
                return body
        return self.section

    @property
    def section(self) -> Body:
        return self.by_key(SECTION_KEY)

    def find(self, text: str) -> list[Body]:
        """The bodies `text` names, in order of first mention, longest names first."""
        ordered: list[Body] = []
        for _, _, body in self.mentions(text):
            if body not in ordered:
                ordered.append(body)
        return ordered

    def mentions(self, text: str) -> list[tuple[int, int, Body]]:
        """Every mention of a body in `text` as (start, end, body), in order; longer names win overlaps."""
        found: list[tuple[int, int, Body]] = []
        for pattern, body in self._patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(start < other_end and other_start < end for other_start, other_end, _ in found):
                    continue
                found.append((start, end, body))
        return sorted(found, key=lambda item: item[0])


_SECTION_TITLES_EN = {"政治事务": "Political affairs"}


def _defined_short_forms(document: Document) -> dict[str, tuple[str, ...]]:
    """Short forms the document defines in parentheses after a part's title: "…事务部(政治建和部)"."""
    text = "".join(p.text for p in document.paragraphs)
    compact = re.sub(r"\s+", "", text)
    out: dict[str, tuple[str, ...]] = {}
    for part in document.parts:
        title = "".join(part.title.split())
        forms = re.findall(rf"{re.escape(title)}[(（]([\u4e00-\u9fff]{{2,8}})[)）]", compact)
        if forms:
            out[title] = tuple(dict.fromkeys(forms))
    return out
