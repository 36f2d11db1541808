"""Follow-up questions without an LLM: a conversation remembers what the earlier turns were about.

"那 2021 年的呢？" after "反恐办 2022 年的差旅遵守率是多少？" means the earlier question with its year
replaced; "And the extrabudgetary resources?" after a regular-budget question means the same question
about the other fund source.  A follow-up is rewritten into a standalone question by replacing the
slots it names (years, fund sources) in the previous question, or, when it names none, by appending it
to the previous question.  The units the previous turn relied on are boosted in retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")

# Fund sources and similar exclusive slots: naming one in a follow-up replaces the other in the
# previous question.
_SLOT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("经常预算", "预算外资源", "预算外", "其他分摊资源", "其他分摊"),
    ("regular budget", "extrabudgetary resources", "extrabudgetary", "other assessed resources", "other assessed"),
    ("员额资源", "非员额资源", "非员额", "员额"),
    ("non-post resources", "non-post", "post resources", "posts"),
)

_ZH_FOLLOW_UP = re.compile(
    r"^(那|那么|还有|另外|它|其|此|同期|相比之下)|呢[？?]?\s*$|它|他们|前一年|上一年|前年|去年|同比"
)
_EN_FOLLOW_UP = re.compile(
    r"^(and|what about|how about|and what|same for|compared|what of|for)\b|\b(it|its|those|they|them|these)\b"
    r"|\b(previous|prior|preceding) year\b|\bthe year before\b|\bthat (review|figure|amount|office|one)\b",
    re.IGNORECASE,
)


@dataclass
class Turn:
    """One answered turn: what was asked, the standalone form used, the units relied on."""

    question: str
    standalone: str
    evidence: list[str] = field(default_factory=list)  # unit uids


@dataclass(frozen=True)
class ResolvedQuestion:
    """A question made standalone, with the earlier evidence to boost."""

    text: str
    is_follow_up: bool
    boost: tuple[str, ...] = ()


@dataclass
class Conversation:
    """The turns of one chat session."""

    turns: list[Turn] = field(default_factory=list)

    def resolve(self, question: str) -> ResolvedQuestion:
        """Rewrite `question` as a standalone question if it follows up on the previous turn."""
        if not self.turns or not is_follow_up(question):
            return ResolvedQuestion(question, False)
        previous = self.turns[-1]
        return ResolvedQuestion(rewrite(previous.standalone, question), True, tuple(previous.evidence[:3]))

    def record(self, question: str, resolved: ResolvedQuestion, evidence: list[str]) -> None:
        self.turns.append(Turn(question, resolved.text, list(evidence)))


def is_follow_up(question: str) -> bool:
    """Short or anaphoric questions that only make sense after an earlier one.

    >>> is_follow_up("那2021年的呢？"), is_follow_up("And for 2023?"), is_follow_up("联非办 2024 年有多少员额？")
    (True, True, False)
    """
    text = question.strip()
    if re.search(r"[\u4e00-\u9fff]", text):
        compact = re.sub(r"\s+", "", text)
        return bool(_ZH_FOLLOW_UP.search(compact)) or len(compact) <= 8
    words = re.findall(r"[A-Za-z0-9-]+", text)
    return bool(_EN_FOLLOW_UP.search(text)) or len(words) <= 4


def rewrite(previous: str, follow_up: str) -> str:
    """The previous question with the slots the follow-up names replaced, else both joined.

    >>> rewrite("反恐办2022年的差旅遵守率是多少？", "那2021年的呢？")
    '反恐办2021年的差旅遵守率是多少？'
    """
    result = previous
    replaced = False
    new_years = _YEAR.findall(follow_up)
    old_years = _YEAR.findall(previous)
    if new_years and old_years:
        result = result.replace(old_years[-1], new_years[-1])
        replaced = True
    lowered = follow_up.lower()
    for group in _SLOT_GROUPS:
        new = next((term for term in group if term in lowered), None)
        if new is None:
            continue
        old = next((term for term in group if term in result.lower() and term != new), None)
        if old is not None:
            result = re.sub(re.escape(old), new, result, count=1, flags=re.IGNORECASE)
            replaced = True
    return result if replaced else f"{previous} {follow_up}"
