"""The notebooks run top to bottom, so that they never rot (executed with nbclient, outputs discarded)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import find_kernel_specs
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL = "python3"  # jupyter_client starts its "python" with this interpreter, so the kernel sees budgetqa
CELL_TIMEOUT_S = 900


def _execute(name: str) -> nbformat.NotebookNode:
    assert KERNEL in find_kernel_specs(), f"no {KERNEL} Jupyter kernel; install the test extra (ipykernel)"
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, with the failing cell, on any error
    return notebook


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_the_notebooks_are_generated_from_make_notebooks() -> None:
    assert (NOTEBOOKS / "make_notebooks.py").is_file()
    for name in ("01_walkthrough.ipynb", "02_tables.ipynb"):
        nbformat.validate(nbformat.read(NOTEBOOKS / name, as_version=4))


@pytest.mark.slow
def test_the_tables_notebook_checks_the_sums_of_tables_3_24_and_3_27() -> None:
    notebook = _execute("02_tables.ipynb")
    text = _text(notebook)
    assert "表 3.24 objects of expenditure → 共计: 12 rows add up" in text
    assert "表 3.27 regular + extrabudgetary → 共计" in text
    assert any(o.get("data", {}).get("image/png") for c in notebook.cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_the_walkthrough_runs_from_ingest_to_evaluation() -> None:
    notebook = _execute("01_walkthrough.ipynb")
    text = _text(notebook)
    assert "A/78/6 (Sect. 3)" in text
    assert "47 270.9" in text  # the answer to the Chinese sample question, with its figure
    assert "budgetqa" in text and "bm25 only" in text  # the evaluation table
