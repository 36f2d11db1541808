"""A table as a pandas DataFrame: one row per printed row, one typed column per printed column.

:meth:`budgetqa.ingest.model.Table.to_pandas` calls :func:`table_frame`.  The frame has four leading
columns saying what each row is (``sub_part``, ``group``, ``label``, ``is_total``), then the table's
columns under their printed headers.  A column whose cells are figures is numeric (float): a printed
nil ("—") is 0.0 and a blank cell (nothing printed) is NaN; a column of text ("说明", "详情", the
performance measures) keeps the printed text.  ``frame.attrs`` carries the table's ref, caption,
unit, kind and notes.

>>> from budgetqa.ingest.commands import load_document
>>> frame = load_document().table("3.27").to_pandas()          # doctest: +SKIP
>>> frame.loc[frame["label"] == "共计", "2024 年估计(重计费用前)"].item()  # doctest: +SKIP
89606.9
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .budget import Measure
from .model import Cell, Table

if TYPE_CHECKING:
    import pandas as pd

ROW_COLUMNS = ("sub_part", "group", "label", "is_total")


def column_names(table: Table) -> list[str]:
    """The printed headers, made unique ("说明", "说明 (2)") and kept apart from the row columns."""
    names: list[str] = []
    for header in table.columns:
        name = header if header not in ROW_COLUMNS else f"{header} (column)"
        candidate, count = name, 1
        while candidate in names:
            count += 1
            candidate = f"{name} ({count})"
        names.append(candidate)
    return names


def is_numeric_column(table: Table, index: int) -> bool:
    """Whether column `index` holds figures: typed as a measure other than text, and every printed
    cell under it a figure."""
    column = table.column_types[index] if index < len(table.column_types) else None
    if column is not None and column.measure is Measure.TEXT:
        return False
    cells = [row.cell(index) for row in table.rows]
    printed = [cell for cell in cells if cell is not None and cell.text.strip()]
    return bool(printed) and all(cell.is_numeric for cell in printed)


def cell_number(cell: Cell | None) -> float:
    """A cell as a number: its value, 0.0 for a printed nil ("—"), NaN when nothing is printed."""
    if cell is None or not cell.is_numeric:
        return math.nan
    return 0.0 if cell.is_nil else float(cell.value if cell.value is not None else math.nan)


def table_frame(table: Table) -> pd.DataFrame:
    """The table as a DataFrame (see the module's description)."""
    import pandas as pd

    names = column_names(table)
    numeric = [is_numeric_column(table, index) for index in range(len(names))]
    records: list[list[object]] = []
    for row in table.rows:
        values: list[object] = []
        for index, is_number in enumerate(numeric):
            cell = row.cell(index)
            values.append(cell_number(cell) if is_number else (cell.text if cell is not None else None))
        records.append([row.part, row.group, row.label, row.is_total, *values])
    frame = pd.DataFrame.from_records(records, columns=[*ROW_COLUMNS, *names])
    for name, is_number in zip(names, numeric, strict=True):
        frame[name] = frame[name].astype("float64" if is_number else "object")
    frame["is_total"] = frame["is_total"].astype(bool)
    frame.attrs.update(
        {
            "ref": table.ref,
            "caption": table.caption,
            "unit": table.unit,
            "kind": table.kind.value,
            "notes": list(table.notes),
            "sub_parts": list(table.sub_parts),
        }
    )
    return frame
