"""The audit's findings in words, in Chinese or English: one sentence per finding, and a markdown report.

English places gloss the printed Chinese row and column labels with the project glossary ("表 3.68 |
共计 | 2023 年估计" → "Table 3.68 | Total | 2023 estimate"); the figures are written as printed.

>>> # print(markdown_report(run_audit(document), "en", load_glossary()))
"""

from __future__ import annotations

from budgetqa.ingest.refs import format_label

from .audit import AuditReport
from .audit_model import Check, Finding, FindingClass, Printed, number_text
from .glossary import Glossary

_CLASS_NAMES = {
    "zh": {FindingClass.ROUNDING: "舍入差异", FindingClass.DISCREPANCY: "实质差异"},
    "en": {FindingClass.ROUNDING: "rounding", FindingClass.DISCREPANCY: "discrepancy"},
}
# What the other side of a finding gives, by check: "its rows add up to 9 182.8".
_OTHER_SIDE = {
    "zh": {
        Check.ROW_SUM: "其组成行之和为",
        Check.COLUMN_SUM: "其组成部分之和为",
        Check.CHANGE: "下年数减上年数为",
        Check.PERCENTAGE: "变动 ÷ 上年数为",
        Check.SIGN: "按前后数字应为",
        Check.SAME_FIGURE: "另一处印为",
        Check.PARAGRAPH: "表中相应数字为",
        Check.POST_LIST: "对应数字为",
        Check.ANNEX_POSTS: "其下所列员额之和为",
    },
    "en": {
        Check.ROW_SUM: "the rows it totals add up to",
        Check.COLUMN_SUM: "its components add up to",
        Check.CHANGE: "the later year minus the earlier gives",
        Check.PERCENTAGE: "change ÷ earlier year gives",
        Check.SIGN: "the figures around it give",
        Check.SAME_FIGURE: "the other place prints",
        Check.PARAGRAPH: "the table prints",
        Check.POST_LIST: "the other side gives",
        Check.ANNEX_POSTS: "the posts listed under it add up to",
    },
}


def class_name(finding_class: FindingClass, lang: str) -> str:
    return _CLASS_NAMES["en" if lang == "en" else "zh"][finding_class]


def place(printed: Printed, lang: str, glossary: Glossary | None = None) -> str:
    """Where a figure is printed, its labels in English for `lang` "en" (when a glossary is given)."""
    if lang != "en" or glossary is None:
        return printed.place("zh")
    label = format_label(printed.kind, printed.ref, "en")
    parts = [glossary.english_label(p) for p in printed.place_parts()]
    return " | ".join([label, *parts])


def signed(value: float, decimals: int) -> str:
    """A difference with its sign: +176.7, −191.6."""
    text = number_text(abs(value), decimals)
    return ("−" if value < 0 else "+") + text


def shown_decimals(finding: Finding) -> int:
    """The decimals a finding's expected value and difference are written with: the precision of the
    figures involved (a percentage one decimal finer, so that a rounding difference shows)."""
    if finding.check is Check.PARAGRAPH:  # in the paragraph's unit (美元), as the paragraph writes it
        return finding.printed.decimals
    decimals = max([finding.printed.decimals, *(o.decimals for o in finding.other)])
    if finding.check in (Check.PERCENTAGE, Check.SIGN) and finding.printed.column and "百分比" in finding.printed.column:
        decimals += 1
    return decimals


def figures(finding: Finding) -> tuple[str, str]:
    """The expected value and the difference, as written (see :func:`shown_decimals`)."""
    decimals = shown_decimals(finding)
    return number_text(finding.expected, decimals), signed(finding.difference, decimals)


def sentence(finding: Finding, lang: str, glossary: Glossary | None = None) -> str:
    """One finding in words: where, what is printed, what the other side gives, the difference, the class."""
    key = "en" if lang == "en" else "zh"
    printed = finding.printed
    expected, difference = figures(finding)
    others = "; ".join(place(o, lang, glossary) for o in finding.other if finding.check in _PLACED)
    where = place(printed, lang, glossary)
    what = _OTHER_SIDE[key][finding.check]
    kind = class_name(finding.finding_class, lang)
    working = _working(finding)
    if key == "en":
        also = f" ({others})" if others else ""
        shown = f" [{working}]" if working else ""
        return f"{where}: printed {printed.text}; {what}{also} {expected}{shown}; difference {difference} ({kind})."
    also = f"（{others}）" if others else ""
    shown = f"［{working}］" if working else ""
    return f"{where}：印为 {printed.text}；{what}{also} {expected}{shown}；差额 {difference}（{kind}）。"


_PLACED = frozenset({Check.SAME_FIGURE, Check.PARAGRAPH, Check.POST_LIST})


def _working(finding: Finding) -> str:
    """The arithmetic behind the expected value, for a sentence: the formula of a computed one; for
    a figure set against one other place (named in the sentence already), only a change of unit
    ("51 212.8 × 1000"), else nothing."""
    if finding.check not in _PLACED or len(finding.other) != 1:
        return finding.formula
    other = finding.other[0]
    if other.value and abs(finding.expected / other.value - 1.0) > 1e-9:
        return f"{other.text} × {finding.expected / other.value:g}"
    return ""


def markdown_report(report: AuditReport, lang: str = "zh", glossary: Glossary | None = None) -> str:
    """The audit as a markdown document: counts, then one table row per finding."""
    en = lang == "en"
    counts = report.counts()
    lines = [
        f"# {'Consistency audit of' if en else '一致性核查：'} {report.document}",
        "",
        (
            f"{len(report.findings)} findings ({counts['discrepancy']} discrepancies, {counts['rounding']} rounding) "
            f"in {report.tables_checked} tables and {report.facts_checked} facts, checked in {report.seconds:.2f} s."
            if en
            else f"共 {len(report.findings)} 项发现（实质差异 {counts['discrepancy']} 项，舍入差异 {counts['rounding']} 项），"
            f"核查了 {report.tables_checked} 张表和 {report.facts_checked} 个数字，用时 {report.seconds:.2f} 秒。"
        ),
        "",
    ]
    header = (
        "| # | class | check | body | printed at | printed | expected | difference | other side |"
        if en
        else "| # | 类别 | 核查项 | 实体 | 印出位置 | 印出数 | 应为 | 差额 | 另一方 |"
    )
    lines += [header, "|" + "---|" * 9]
    for number, finding in enumerate(report.findings, 1):
        expected, difference = figures(finding)
        other = "; ".join(f"{place(o, lang, glossary)}: {o.text}" for o in finding.other)
        cells = [
            str(number),
            class_name(finding.finding_class, lang),
            finding.check.describe(lang),
            finding.body,
            place(finding.printed, lang, glossary),
            finding.printed.text,
            expected,
            difference,
            f"{finding.formula}<br>{other}" if finding.check not in _PLACED else other,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"
