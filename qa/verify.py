"""Citation verification, applied to every answer whatever produced it (extractive or an LLM).

1. Every cited id must exist in the document; a citation that does not is removed.
2. Every figure stated in the answer must occur, after number normalisation, in a unit the answer
   cites ("51.2 million" matches "51 212 800 美元" and "51 212.8" 千美元), with the same unit where
   the words around both say (a percentage is never supported by money, nor money by a
   percentage); a figure that does not is replaced by "[?]".
The answer then says what was removed, in its own language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import StrEnum

from budgetqa.ingest.model import BlockKind, Document
from budgetqa.ingest.numeric import NumberMention, find_numbers, same_figure
from budgetqa.ingest.refs import BlockReference, RefIndex

from .model import Answer, Citation, VerificationReport

# Text that contains digits but states no figure: citation labels, resolution symbols, grades,
# numbered headings, years.
_NOT_FIGURES = re.compile(
    r"\[[^\]]*\]"  # [¶3.115] [表 3.24]
    r"|(?:¶|§|para\.?|paragraph|第|表|table|图|figure|fig\.)\s*\d+\.[\d一二三四五六七八九十]+(?:\s*\(\d\))?"
    r"(?:\s*(?:和|及|至|、|,|and|to)\s*\d+\.[\d一二三四五六七八九十]+(?:\s*\(\d\))?)*\s*段?"  # 表 3.68 (3)和 3.69 (3)
    r"|(?:\w+/)*\d+/\d+(?:\s?[A-Z]\b)?"  # 72/262 C, S/PRST/2021/2, A/77/83
    r"|\(Sect\.\s*\d+\)|/Add\.\s*\d+(?:\s*[-–]\s*\d+)?"  # A/78/6 (Sect. 3)/Add.1-6
    r"|\b\d{3,4}\s?\(\d{4}\)"  # 1267(1999)
    r"|\b(?:P|D|GS|NPO|FS)-\d(?:/\d)?"  # grades
    r"|(?:次级方案|成果|构成部分|subprogramme|component|result|part)\s*\d+"
    r"|\b\(?[a-z]\)"  # (a) list markers
    r"|×\s*100(?![\d.])"  # the constant of a percentage's formula: "128.4 ÷ 9 076.0 × 100 = 1.41"
    r"|(?<!\d)(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2})?\s*(?:年|year)?(?![\d.,]\d)",  # years, 2022-2024
    re.IGNORECASE,
)


def stated_figures(text: str) -> list[NumberMention]:
    """The figures an answer states; citations, symbols, grades, headings and years excluded.

    >>> [m.value for m in stated_figures("员额：47 270.9 千美元 [表 3.24]；2024 年 P-4 为 53 个")]
    [47270.9, 53.0]
    >>> stated_figures("如表 3.68 (3)和 3.69 (3)所示，表 3.24 至 3.26 显示；见 A/78/6 (Sect. 3)/Add.1-6")
    []
    """
    masked = _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)
    return find_numbers(masked)


class FigureUnit(StrEnum):
    """What a written figure counts, as far as the words around it say."""

    MONEY = "money"
    PERCENT = "percent"
    POSTS = "posts"


_PERCENT_AFTER = re.compile(r"\s*(?:%|％|per ?cent|个百分点)", re.I)
_PERCENT_COLUMN = re.compile(r"百分比|%|per ?cent", re.I)  # a cited cell's column header
_MONEY_AFTER = re.compile(r"\s*(?:千美元|万美元|亿美元|美元|US\$|USD|US dollars|dollars|thousand|million|billion)", re.I)
_MONEY_BEFORE = re.compile(r"(?:USD|US\$|\$)\s*[-+−]?\s*$", re.I)
_POSTS_AFTER = re.compile(r"\s*(?:个)?(?:员额|posts?\b)", re.I)


def figure_unit(text: str, mention: NumberMention) -> FigureUnit | None:
    """The unit the words around `mention` give it: "74.1%" is a percentage, "USD 4,304.3 thousand"
    and "4 304.3 千美元" are money, "57 个员额" and "57 posts" are posts; None when nothing says.

    >>> text = "变动：4 304.3 千美元（74.1%）"
    >>> [figure_unit(text, m) for m in find_numbers(text)]
    [<FigureUnit.MONEY: 'money'>, <FigureUnit.PERCENT: 'percent'>]
    """
    before, after = text[: mention.start], text[mention.end :]
    if mention.text.endswith(("%", "％")) or _PERCENT_AFTER.match(after):
        return FigureUnit.PERCENT
    if _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before):
        return FigureUnit.MONEY
    if _POSTS_AFTER.match(after):
        return FigureUnit.POSTS
    return None


def supported(figure: NumberMention, texts: list[str], unit: FigureUnit | None = None) -> bool:
    """True when `figure` (as written, or scaled by its magnitude word) occurs in one of `texts`.

    The sign is not compared (the document prints decreases in parentheses, an answer may say
    "减少"); the unit is: a figure stated as a percentage is not supported by the same digits
    printed as money, nor money by a percentage.
    """
    for text in texts:
        for mention in find_numbers(text):
            if not _same_unit(unit, _source_unit(text, mention)):
                continue
            for value in (figure.value, figure.scaled):
                if same_figure(abs(value), abs(mention.value)) or same_figure(abs(value), abs(mention.scaled)):
                    return True
    return False


def _source_unit(text: str, mention: NumberMention) -> FigureUnit | None:
    """A cited figure's unit: from its own words, or from the column of a cited cell
    ("行 | 变动百分比: 74.1")."""
    unit = figure_unit(text, mention)
    if unit is None and ": " in text[: mention.start] and _PERCENT_COLUMN.search(text[: mention.start].split(": ")[-2]):
        return FigureUnit.PERCENT
    return unit


def _same_unit(stated: FigureUnit | None, printed: FigureUnit | None) -> bool:
    return stated is None or printed is None or stated is printed or FigureUnit.POSTS in (stated, printed)


def verify(answer: Answer, document: Document, refs: RefIndex | None = None) -> Answer:
    """Check `answer` against `document`; returns the answer with unsupported parts removed.

    A long-running caller passes the document's `refs`, built once; otherwise one is built here.
    """
    refs = refs or RefIndex(document)
    report = VerificationReport()
    kept: list[Citation] = []
    texts: list[str] = []
    removed_labels: list[str] = []
    for citation in answer.citations:
        try:
            kind = BlockKind.from_str(citation.kind)
            unit = refs.resolve(BlockReference(kind, citation.ref))
        except (LookupError, ValueError):
            report.removed_citations.append(citation.label)
            removed_labels += [citation.label_for("zh"), citation.label_for("en")]
            continue
        kept.append(citation if citation.lines else replace(citation, lines=unit.lines.as_list()))
        texts.append(unit.text)
        if citation.quote:
            texts.append(citation.quote)
    text = answer.text
    computed = _verified_results(answer, texts)
    if not answer.abstained:
        for figure in stated_figures(text):
            if not supported(figure, texts, figure_unit(text, figure)) and not _is_computed(figure, computed):
                written = figure.text.strip()
                report.removed_figures.append(written)
                text = _remove_figure(text, written)
    for label in removed_labels:
        text = text.replace(f"[{label}]", "")
    if not report.clean:
        notice = _notice(report, answer.language)
        text = f"{text.rstrip()}\n{notice}"
        report.notes.append(notice)
    confidence = answer.confidence if report.clean else min(answer.confidence, 0.3)
    return replace(answer, text=text, citations=kept, confidence=confidence, verification=report)


def _verified_results(answer: Answer, texts: list[str]) -> list[float]:
    """Results of the answer's computations whose operands the cited units print and whose
    arithmetic holds; other computations support nothing."""
    results: list[float] = []
    for computation in answer.computations:
        operands = [NumberMention(text=str(v), value=v, scaled=v, start=0, end=0) for v in computation.operands]
        known = all(supported(o, texts) or any(same_figure(o.value, r) for r in results) for o in operands)
        if computation.holds() and known:
            results.append(computation.result)
    return results


def _is_computed(figure: NumberMention, results: list[float]) -> bool:
    """A stated figure that is a verified computation's result (or its percentage of the base)."""
    return any(same_figure(abs(figure.value), abs(result)) or same_figure(figure.value, result) for result in results)


def _remove_figure(text: str, written: str) -> str:
    return re.sub(rf"(?<![\d.]){re.escape(written)}(?![\d])", "[?]", text, count=0)


def _notice(report: VerificationReport, language: str) -> str:
    parts = []
    if language == "zh":
        if report.removed_figures:
            parts.append(f"已删除所引内容中找不到的数字：{'、'.join(report.removed_figures)}")
        if report.removed_citations:
            parts.append(f"已删除文件中不存在的引文：{'、'.join(report.removed_citations)}")
        return "（核查：" + "；".join(parts) + "。）"
    if report.removed_figures:
        parts.append(f"removed figures the cited text does not contain: {', '.join(report.removed_figures)}")
    if report.removed_citations:
        parts.append(f"removed citations of blocks the document does not have: {', '.join(report.removed_citations)}")
    return "(Verification: " + "; ".join(parts) + ".)"
