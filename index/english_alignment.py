"""The sentences of a Chinese text paired with the sentences of its English version.

A multi-sentence segment is translated sentence by sentence and put back together in the same order
(:mod:`.translate_pieces`), so its English has, in the usual case, as many sentences as the Chinese
and the k-th renders the k-th: they are paired by position, as English answers pair a quoted
sentence with its English (:mod:`budgetqa.qa.english_quote`).  The Chinese is cut as the evidence
scorer cuts it (:func:`~budgetqa.index.evidence.split_sentences`: a line break, "。！？" and the "；"
that ends an enumeration item); the English line by line, each line by :func:`~budgetqa.index.english_sentences.english_sentences`, and
when that gives another count, by the finer cut that also ends a sentence at a semicolon before a
word in lower case (:func:`~budgetqa.index.english_sentences.clause_sentences`), as the items of a
Chinese list usually come out.  When neither count matches, a sentence was split or merged in
translation and there is no pairing: :func:`align_sentences` says so with None, and a reader falls
back to the whole text.

>>> pairs = align_sentences("甲方完成了工作。乙方将提供支助；丙方将提交报告。", "A finished. B will support; C will report.")
>>> [pair.english for pair in pairs]
['A finished.', 'B will support;', 'C will report.']
>>> align_sentences("甲完成了工作。乙将提供支助。", "A finished and B will support.") is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .english_sentences import clause_sentences, english_sentences
from .evidence import split_sentences


@dataclass(frozen=True)
class SentencePair:
    """One sentence of the Chinese and the English sentence that renders it, numbered from 1."""

    number: int
    chinese: str
    english: str


def align_sentences(chinese: str, english: str) -> list[SentencePair] | None:
    """The sentences of `chinese` paired in order with those of its translation `english`; None when
    the English has another number of sentences under both cuts (a sentence split or merged)."""
    source = split_sentences(chinese)
    for cut in (english_sentences, clause_sentences):
        target = _by_lines(english, cut)
        if len(target) == len(source):
            return [SentencePair(number, zh, en) for number, (zh, en) in enumerate(zip(source, target, strict=True), 1)]
    return None


def _by_lines(english: str, cut: Callable[[str], list[str]]) -> list[str]:
    """The sentences of each line of `english` in turn: a line break ends a sentence, as it ends a
    Chinese one (a lead-in "…:" and its items on the lines below)."""
    return [sentence for line in english.splitlines() for sentence in cut(line)]


def sentence_counts(chinese: str, english: str) -> tuple[int, int]:
    """(Chinese sentences, English sentences) as :func:`align_sentences` counts them (the English by
    its ordinary cut), for a message that says why they could not be paired."""
    return len(split_sentences(chinese)), len(_by_lines(english, english_sentences))
