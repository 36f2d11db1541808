"""The ``budgetqa`` command: each pipeline stage registers its own sub-commands here."""

from __future__ import annotations

import typer

from budgetqa.eval.commands import register as register_eval
from budgetqa.index.audit_commands import register as register_audit
from budgetqa.index.commands import register as register_index
from budgetqa.index.corpus_commands import register as register_corpus
from budgetqa.index.table_commands import register as register_tables
from budgetqa.ingest.commands import register as register_ingest
from budgetqa.qa.commands import register as register_qa
from budgetqa.qa.overview_commands import register as register_overview

app = typer.Typer(
    name="budgetqa",
    help="Bilingual (中文/English) questions and answers over UN programme-budget documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
register_corpus(app)
register_ingest(app)
register_index(app)
register_audit(app)
register_tables(app)
register_qa(app)
register_overview(app)
register_eval(app)


def main() -> None:
    """Console entry point."""
    app()
