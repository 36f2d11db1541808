"""The one error the ingest stage raises for input it cannot read as a budget section.

:class:`DocumentError` and its kinds (:class:`~budgetqa.ingest.sectioninfo.NotABudgetSection`,
:class:`~budgetqa.ingest.tables.TableParseError`) carry a message that says what is wrong with the
input and what to do, so that the command line and the server can show it as it is.
"""

from __future__ import annotations


class DocumentError(ValueError):
    """The input cannot be read as a budget section; the message says why and what to do."""


__all__ = ["DocumentError"]
