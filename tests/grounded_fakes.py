"""FAKE evidence for the grounded answerer's tests: a made-up "Office for Lunar Affairs" (月球事务处)
with made-up paragraphs ¶9.1 and ¶9.2, which the real document does not have, a two-entry glossary
and a stand-in for the search service that resolves only them."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from budgetqa.index.glossary import Glossary, GlossaryEntry
from budgetqa.ingest.model import LineSpan
from budgetqa.ingest.refs import BlockReference
from budgetqa.qa.model import Answer, Citation

FAKE_UNITS = {
    "9.1": "月球事务处 2024 年拟设 12 个员额，经费 3 456.7 千美元，依据第 99/123 号决议。",
    "9.2": "月球事务处将继续与各会员国协商，提供咨询服务。",
}
FAKE_ENGLISH = {
    "paragraph:9.1": "The Office for Lunar Affairs proposes 12 posts in 2024, with US$3,456.7 thousand, under resolution 99/123.",
}
FAKE_GLOSSARY = Glossary(
    [
        GlossaryEntry(zh="月球事务处", en="Office for Lunar Affairs", category="org", abbr_en="OLA"),
        GlossaryEntry(zh="火星事务处", en="Office for Martian Affairs", category="org", abbr_en="OMA"),
    ]
)


@dataclass
class FakeRefs:
    """Resolves the FAKE paragraphs; any other id is unknown."""

    def resolve(self, citation: BlockReference) -> Any:
        if citation.ref not in FAKE_UNITS:
            raise LookupError(f"no unit {citation.ref}")
        return SimpleNamespace(text=FAKE_UNITS[citation.ref], lines=LineSpan(1, 2))


@dataclass
class FakeEnglish:
    def get(self, uid: str) -> str | None:
        return FAKE_ENGLISH.get(uid)


@dataclass
class FakeSource:
    """A FAKE stand-in for the search service: refs, English versions and a glossary."""

    refs: FakeRefs = field(default_factory=FakeRefs)
    english: FakeEnglish = field(default_factory=FakeEnglish)
    index: Any = field(default_factory=lambda: SimpleNamespace(glossary=FAKE_GLOSSARY))
    document: Any = None


def offline(language: str = "zh", *, abstained: bool = False) -> Answer:
    """A FAKE offline answer citing ¶9.1 (with its quote) and ¶9.2."""
    text = "月球事务处 2024 年员额：12 个 [¶9.1]" if language == "zh" else "Office for Lunar Affairs, 2024: 12 posts [para. 9.1]"
    return Answer(
        question="q",
        language=language,  # type: ignore[arg-type]
        text=text,
        citations=[
            Citation("paragraph", "9.1", [1, 2], quote=FAKE_UNITS["9.1"]),
            Citation("paragraph", "9.2", [3, 4], quote=FAKE_UNITS["9.2"]),
        ],
        confidence=0.9,
        abstained=abstained,
        mode="facts",
    )
