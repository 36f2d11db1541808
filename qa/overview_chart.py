"""The resource overview as a chart: one panel per body, its resources by funding source in 2023 and
2024, every bar labelled with its printed figure, the posts and the change written under the title.

Chinese labels need a CJK font.  :func:`cjk_font` finds one matplotlib knows, or one fontconfig lists
(Debian: ``apt-get install fonts-noto-cjk``); without one, a Chinese chart is drawn with English
labels and :class:`Chart` says so in its warnings, so that no label is drawn as empty boxes.

>>> # chart = render(Overview.of(document), lang="zh"); Path("overview.png").write_bytes(chart.png)
"""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from budgetqa.ingest.budget import FundingSource, Measure

from .overview import Overview, OverviewLine, source_name
from .overview_render import fact_text, figure_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Fonts with the Chinese characters of the labels, best first.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "PingFang SC", "SimHei", "Noto Serif CJK SC", "AR PL UMing CN",
)
COLORS = {2023: "#9db7e0", 2024: "#1f5fbf"}
FLAG_COLOR = "#c0392b"
PANEL_COLUMNS = 3
# How much of a title one line of a panel holds at the title's size (9 pt on a 5.2-inch panel).
TITLE_CHARS_EN = 50
TITLE_CHARS_ZH = 28


@dataclass
class Chart:
    """A rendered chart: PNG bytes, the language its labels are in, and what had to give way."""

    png: bytes
    lang: str
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registered with matplotlib; None when there is none."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    found = known()
    if found is not None or shutil.which("fc-list") is None:
        return found
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False)
    paths = sorted({line.strip().rstrip(":") for line in listed.stdout.splitlines() if line.strip()},
                   key=lambda path: ("Regular" not in path, "Sans" not in path, path))
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue  # a font file matplotlib cannot read: try the next one
    return known()


def render(overview: Overview, lang: str = "zh", *, dpi: int = 110) -> Chart:
    """Draw `overview` (its money lines, posts in the panel titles) as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    warnings: list[str] = []
    family = cjk_font()
    if lang == "zh" and family is None:
        warnings.append("no font with Chinese characters was found (apt-get install fonts-noto-cjk): labels are in English")
        lang = "en"
    bodies = [b for b in overview.bodies if any(x.measure is Measure.MONEY and not x.is_empty and x.body.key == b.key
                                                 for x in overview.lines)]
    columns = min(PANEL_COLUMNS, max(1, len(bodies)))
    rows = max(1, -(-len(bodies) // columns))
    figure = Figure(figsize=(max(5.2 * columns, 7.0), 4.2 * rows + 0.4), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    fonts: dict[str, Any] = {"family": [family, "DejaVu Sans"]} if family else {}
    first, second = overview.years
    for index, body in enumerate(bodies):
        axes = figure.add_subplot(rows, columns, index + 1)
        lines = [x for x in overview.lines if x.body.key == body.key and x.measure is Measure.MONEY and not x.is_empty]
        _panel(axes, lines, overview.years, lang, fonts)
        axes.set_title(f"{wrap_title(body.label(lang), lang)}\n{_posts(overview, body.key, lang)}", fontsize=9, **fonts)
    title = (
        f"Resources by funding source, {first} and {second} (USD thousand)\n{overview.document}"
        if lang == "en"
        else f"按资金来源列示的资源，{first} 年和 {second} 年（千美元）\n{overview.document}"
    )
    figure.suptitle(title, fontsize=11, **fonts)
    if any(x.flags for x in overview.lines if x.measure is Measure.MONEY):
        note = "red: the audit finds this figure inconsistent" if lang == "en" else "红色：核查发现该数字不一致"
        figure.supxlabel(note, fontsize=8, color=FLAG_COLOR, **fonts)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return Chart(buffer.getvalue(), lang, warnings)


def _panel(axes: Axes, lines: list[OverviewLine], years: tuple[int, int], lang: str, fonts: dict[str, Any]) -> None:
    """Grouped bars: one group per funding source, 2023 and 2024 side by side, each labelled."""
    from matplotlib.ticker import FuncFormatter

    width = 0.38
    labels = []
    for position, line in enumerate(lines):
        labels.append(_short_source(line.funding, lang))
        for offset, (year, fact) in zip((-width / 2, width / 2), ((years[0], line.base), (years[1], line.final)), strict=True):
            if fact is None:
                continue
            value = fact.number or 0.0
            flagged = any(f.printed.fact == fact.id for f in line.flags)
            bar = axes.bar(position + offset, value, width, color=COLORS.get(year, "#888888"),
                           edgecolor=FLAG_COLOR if flagged else "none", linewidth=2 if flagged else 0,
                           label=str(year) if position == 0 else None)
            axes.bar_label(bar, labels=[fact_text(fact, lang)], fontsize=7, padding=2,
                           color=FLAG_COLOR if flagged else "#1d2330",
                           rotation=90 if len(lines) > 3 and not fact.is_nil else 0)
        if line.percent is not None and line.change is not None:
            axes.annotate(f"{figure_text(line.percent, lang, signed=True)}%", (position, 0), xytext=(0, -26),
                          textcoords="offset points", ha="center", fontsize=7, color="#657085")
    axes.set_xticks(range(len(lines)), labels, fontsize=8, **fonts)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: figure_text(value, lang, decimals=0)))
    axes.margins(y=0.25)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="upper left")


def wrap_title(title: str, lang: str) -> str:
    """A body's name on lines that fit a panel: at most 50 Latin or 28 Chinese characters each (a
    Chinese name cut into lines of even length)."""
    if lang == "en":
        return "\n".join(textwrap.wrap(title, TITLE_CHARS_EN)) or title
    size = -(-len(title) // -(-len(title) // TITLE_CHARS_ZH)) if title else 1
    return "\n".join(title[i : i + size] for i in range(0, len(title), size)) or title


def _short_source(funding: FundingSource, lang: str) -> str:
    if lang == "en":
        return {FundingSource.REGULAR_BUDGET: "regular", FundingSource.OTHER_ASSESSED: "other assessed",
                FundingSource.EXTRABUDGETARY: "extrabudgetary", FundingSource.ALL: "all sources"}[funding]
    return source_name(funding, lang)


def _posts(overview: Overview, body: str, lang: str) -> str:
    """"Posts (all sources): 198 → 197 (−1)" for a panel's title."""
    line = overview.line(body, FundingSource.ALL, Measure.POSTS) or overview.line(body, FundingSource.REGULAR_BUDGET, Measure.POSTS)
    if line is None or line.base is None or line.final is None:
        return ""
    change = f" ({fact_text(line.change, lang, signed=True)})" if line.change is not None and line.change.number else ""
    name = "Posts" if lang == "en" else "员额"
    return f"{name} ({source_name(line.funding, lang)}): {fact_text(line.base, lang)} → {fact_text(line.final, lang)}{change}"
