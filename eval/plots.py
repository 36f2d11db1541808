"""PNG charts of an evaluation: systems side by side per language and per question type.

Each function returns the PNG bytes; :mod:`budgetqa.eval.report` writes them to the results folder.
Matplotlib runs on its Agg backend, so no display is needed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.axes import Axes  # noqa: E402

# system name → group name → value (None where the metric does not apply)
Series = Mapping[str, Mapping[str, float | None]]


def _grouped_bars(axes: Axes, series: Series, groups: Sequence[str], title: str, ylabel: str) -> None:
    systems = list(series)
    width = 0.8 / max(len(systems), 1)
    for index, system in enumerate(systems):
        values = [series[system].get(group) for group in groups]
        positions = [g + (index - (len(systems) - 1) / 2) * width for g in range(len(groups))]
        heights = [value if value is not None else 0.0 for value in values]
        bars = axes.bar(positions, heights, width, label=system)
        for bar, value in zip(bars, values, strict=True):
            label = "n/a" if value is None else f"{value:.2f}"
            axes.annotate(
                label,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    axes.set_xticks(range(len(groups)), groups)
    axes.set_ylim(0, 1.1)
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.grid(axis="y", alpha=0.3)


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=120)
    plt.close(figure)
    return buffer.getvalue()


def metric_panels_png(panels: Mapping[str, Series], groups: Sequence[str], *, xlabel: str) -> bytes:
    """One panel of grouped bars per metric (e.g. "hit@5", "MRR@10"): bars = systems, groups on the x axis."""
    if not panels:
        raise ValueError("nothing to plot: no metric panels given")
    width = max(6.0, 1.2 * len(groups) * max(len(next(iter(panels.values()))), 1) / 2 + 2)
    figure, axes_list = plt.subplots(1, len(panels), figsize=(width * len(panels) / 1.6, 4.2), squeeze=False)
    for axes, (metric, series) in zip(axes_list[0], panels.items(), strict=True):
        _grouped_bars(axes, series, groups, metric, metric)
        axes.set_xlabel(xlabel)
    axes_list[0][-1].legend(fontsize=8, loc="best")
    return _png(figure)
