"""Stage 1 — ingest: raw PDF-to-text extraction → the typed :class:`~budgetqa.ingest.model.Document`."""
