"""The analyst notebook runs top to bottom on the bundled document (executed with nbclient, outputs discarded)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import find_kernel_specs
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_analyst.ipynb"
CELL_TIMEOUT_S = 300


def test_the_analyst_notebook_is_generated_and_valid() -> None:
    assert (NOTEBOOK.parent / "make_analyst_notebook.py").is_file()
    nbformat.validate(nbformat.read(NOTEBOOK, as_version=4))


@pytest.mark.slow
def test_the_analyst_notebook_shows_the_audit_the_tables_and_the_overview_chart() -> None:
    assert "python3" in find_kernel_specs(), "no python3 Jupyter kernel; install the test extra (ipykernel)"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    text = "\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "27 findings" in text
    assert "Annex IV | Office of Counter-Terrorism | Total | 2024 estimate: printed 29 662.5" in text
    assert "subtotals add up to 10,484.1; the total row prints 10,292.5" in text
    assert any(o.get("data", {}).get("image/png") for o in outputs)
