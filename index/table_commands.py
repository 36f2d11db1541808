"""``budgetqa tables``: every table of the document as data (one workbook, or a CSV or Parquet file per table).

>>> # budgetqa tables --format xlsx --out tables.xlsx     # index sheet + one sheet per table and sub-part
>>> # budgetqa tables --format csv --out tables/          # tables/index.csv + tables/table_3.27.csv …
>>> # budgetqa tables --format parquet --out tables/
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .commands import err, fail
from .glossary import load_glossary
from .table_export import EnglishText, ExportFormat, write_files, write_workbook


def register(app: typer.Typer) -> None:
    """Add ``tables`` to the `budgetqa` app."""
    app.command("tables")(tables_command)


def tables_command(
    out: Annotated[Path, typer.Option(help="The workbook file (xlsx), or the folder for csv and parquet files.")],
    export: Annotated[ExportFormat, typer.Option("--format", help="xlsx, csv or parquet.")] = ExportFormat.XLSX,
    document: Annotated[Path | None, typer.Option(help="Document (default: the bundled one).")] = None,
) -> None:
    """Write every table of the document as data, with Chinese and English headers and typed figures.

    xlsx: one workbook (an index sheet, then one sheet per table and per sub-part, and one for the
    overview annex, notes under each table).  csv, parquet: ``index.<ext>``, one ``table_<ref>.<ext>``
    per table and ``annex_iv.<ext>`` for the overview annex in the folder --out.  Exit codes: 0
    written; 2 bad input (--out a folder for xlsx or a file for csv/parquet, an unreadable document).
    """
    from budgetqa.ingest.commands import load_document
    from budgetqa.settings import Settings

    if export is ExportFormat.XLSX and out.is_dir():
        raise fail(f"--out {out} is a folder: --format xlsx writes one workbook file, e.g. --out tables.xlsx")
    if export is not ExportFormat.XLSX and out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file: --format {export.value} writes one file per table into a folder")
    parsed = load_document(document)
    english = EnglishText.of(parsed, load_glossary(), Settings.from_env().cache_dir)
    try:
        if export is ExportFormat.XLSX:
            count = write_workbook(parsed, english, out)
            err.print(f"{count} sheets written to {escape(str(out))} (with an index sheet)", highlight=False)
        else:
            paths = write_files(parsed, english, out, export)
            err.print(f"{len(paths) - 1} files and an index written to {escape(str(out))}", highlight=False)
    except OSError as error:
        raise fail(f"cannot write {out}: {error}") from None
