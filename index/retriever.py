"""LangChain integration: the hybrid search as a ``BaseRetriever`` returning ``Document``s."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .model import SearchHit
from .service import SearchService


def hit_to_document(hit: SearchHit) -> LCDocument:
    """A search hit as a LangChain Document with the unit's metadata."""
    unit = hit.unit
    metadata: dict[str, Any] = {
        "uid": unit.uid,
        "kind": unit.kind.value,
        "ref": unit.ref,
        "title": unit.title,
        "lines": unit.lines.as_list(),
        "section": list(unit.section),
        "part": unit.part,
        "english_label": unit.english_label,
        "score": hit.score,
    }
    if unit.row_label is not None:
        metadata["row"] = unit.row_label
    return LCDocument(page_content=unit.text, metadata=metadata)


class BudgetRetriever(BaseRetriever):
    """Retrieve cited units of a budget document for LangChain pipelines.

    >>> # retriever = BudgetRetriever(service=SearchService.open(Settings.from_env()), k=5)
    >>> # retriever.invoke("How many posts does UNOAU have?")[0].metadata["ref"]
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: SearchService
    k: int = 10

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [hit_to_document(hit) for hit in self.service.search(query, top_k=self.k)]
