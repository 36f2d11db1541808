"""The resource overview written out: a terminal table, markdown, and the figures in words.

Figures are written for the reader's language (Chinese "10 112.1", English "10,112.1"; a decrease
"−128.4"); the unit is in the column header (千美元 / USD thousand, 员额 / posts).  The cited place of
each figure and the audit's findings on it are listed under the table.
"""

from __future__ import annotations

from rich.table import Table as RichTable

from budgetqa.index.audit_report import sentence
from budgetqa.index.glossary import Glossary
from budgetqa.ingest.budget import Measure
from budgetqa.ingest.facts import Fact

from .overview import Overview, OverviewLine, cite, source_name

_MEASURE_NAMES = {
    "zh": {Measure.MONEY: "资源（千美元）", Measure.POSTS: "员额"},
    "en": {Measure.MONEY: "resources (USD thousand)", Measure.POSTS: "posts"},
}


def figure_text(value: float, lang: str, *, decimals: int = 1, signed: bool = False) -> str:
    """A figure for the reader: zh "10 112.1", en "10,112.1"; with `signed`, "+607.1" / "−128.4"."""
    text = f"{abs(value):,.{decimals}f}"
    if lang != "en":
        text = text.replace(",", " ")
    shown = float(text.replace(",", "").replace(" ", ""))  # a value that rounds to 0 has no sign
    sign = "−" if value < 0 and shown else "+" if signed and value > 0 and shown else ""
    return sign + text


def fact_text(fact: Fact | None, lang: str, *, signed: bool = False) -> str:
    """A fact's figure as :func:`figure_text` writes it ("—" when the document prints none)."""
    if fact is None:
        return ""
    if fact.is_nil:
        return "—"
    decimals = 1 if fact.measure is Measure.MONEY else 0
    return figure_text(fact.number or 0.0, lang, decimals=decimals, signed=signed)


def percent_text(line: OverviewLine, lang: str) -> str:
    percent = line.percent
    return "" if percent is None else figure_text(percent, lang, signed=True) + "%"


def headers(overview: Overview, lang: str) -> list[str]:
    first, second = overview.years
    if lang == "en":
        return ["Body", "Funding source", "Measure", str(first), str(second), "Change", "%", "Source", "Audit"]
    return ["实体", "资金来源", "类别", f"{first} 年", f"{second} 年", "变动", "百分比", "出处", "核查"]


def cells(line: OverviewLine, lang: str) -> list[str]:
    """The row of one overview line: names, the three figures, the percentage, where they are printed."""
    places = list(dict.fromkeys(cite(f, lang) for f in line.facts))
    audit = f"⚠ {len(line.flags)}" if line.flags else ""
    return [
        line.body.key if lang == "en" else line.body.name_zh,
        source_name(line.funding, lang),
        _MEASURE_NAMES["en" if lang == "en" else "zh"][line.measure],
        fact_text(line.base, lang),
        fact_text(line.final, lang),
        fact_text(line.change, lang, signed=True),
        percent_text(line, lang),
        "; ".join(places),
        audit,
    ]


def notes(overview: Overview, lang: str, glossary: Glossary | None = None) -> list[str]:
    """Under the table: how the percentage is computed, and the audit's findings on its figures."""
    lead = (
        "% = change ÷ the earlier year × 100, computed from the printed figures."
        if lang == "en"
        else "百分比 = 变动 ÷ 上年数 × 100，由印出的数字计算。"
    )
    found = [f"⚠ {sentence(f, lang, glossary)}" for f in overview.findings()]
    return [lead, *found]


def markdown(overview: Overview, lang: str = "zh", glossary: Glossary | None = None) -> str:
    """The overview as a markdown table with its notes."""
    title = (
        f"# Resources and posts by body and funding source, {overview.years[0]} and {overview.years[1]} ({overview.document})"
        if lang == "en"
        else f"# 按实体和资金来源列示的资源和员额，{overview.years[0]} 年和 {overview.years[1]} 年（{overview.document}）"
    )
    head = headers(overview, lang)
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for line in overview.shown():
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells(line, lang)) + " |")
    return "\n".join([title, "", *rows, "", *(f"- {note}" for note in notes(overview, lang, glossary))]) + "\n"


def rich_table(overview: Overview, lang: str = "zh") -> RichTable:
    """The overview as a rich table for the terminal."""
    table = RichTable(title=f"{overview.document}: {overview.years[0]} → {overview.years[1]}")
    for index, name in enumerate(headers(overview, lang)):
        table.add_column(name, justify="right" if 3 <= index <= 6 else "left", overflow="fold")
    for line in overview.shown():
        table.add_row(*cells(line, lang))
    return table
