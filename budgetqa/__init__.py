"""budgetqa: bilingual question answering over UN programme-budget documents.

The pipeline stages are the sub-packages ``budgetqa.ingest`` → ``budgetqa.index`` → ``budgetqa.qa`` →
``budgetqa.eval`` (the top-level folders ``ingest/ index/ qa/ eval/`` of the repository).  This package
holds only what composes them: settings and the command line.
"""

__version__ = "0.1.0"
