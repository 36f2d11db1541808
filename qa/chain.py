"""LangChain Runnables over the answer service, for users' own pipelines.

- :func:`make_retriever`: the hybrid search as a ``BaseRetriever`` (``Document``s with kind, ref, lines).
- :func:`make_answer_chain`: question in, the service's cited and verified answer out (as JSON data).
- :func:`make_rag_chain`: retrieval → prompt → any chat model → citation verification, composed as a
  Runnable chain, for users who bring their own model.

>>> # chain = make_answer_chain(QAService.open(Settings.from_env()))
>>> # chain.invoke("政治建和部 2024 年的员额资源是多少？")["citations"][0]["ref"]
>>> # chain.batch(["表 3.24", {"question": "How many posts in 2024?", "lang": "en"}])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from pydantic import ConfigDict

from budgetqa.index.language import detect_language
from budgetqa.index.retriever import BudgetRetriever, hit_to_document

from .llm import GenerativeAnswerer
from .model import Language
from .protocols import AnswerService
from .verify import verify

if TYPE_CHECKING:
    from .service import QAService


class AnswerServiceRetriever(BaseRetriever):
    """A ``BaseRetriever`` over any :class:`AnswerService`'s ``search`` (e.g. a remote or test service)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    service: Any  # an AnswerService (a Protocol, which pydantic cannot check)
    k: int = 10

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        return [hit_to_document(hit) for hit in self.service.search(query, top_k=self.k)]


def make_retriever(service: AnswerService, *, k: int = 10) -> BaseRetriever:
    """A retriever returning the `k` best units for a query, each a ``Document`` with its citation metadata."""
    searcher = getattr(service, "searcher", None)
    if searcher is not None:  # a QAService: search its index directly
        return BudgetRetriever(service=searcher, k=k)
    return AnswerServiceRetriever(service=service, k=k)


def _question_input(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """Chain input as {"question", "session_id", "lang"}: a plain question, or a mapping with those keys."""
    if isinstance(value, str):
        return {"question": value, "session_id": None, "lang": None}
    if isinstance(value, Mapping):
        question = value.get("question", value.get("input"))
        if not isinstance(question, str):
            raise ValueError('chain input must be a question string or a mapping with a "question" string')
        lang = value.get("lang")
        if lang not in (None, "zh", "en"):
            raise ValueError(f'"lang" must be "zh" or "en", not {lang!r}')
        return {"question": question, "session_id": value.get("session_id"), "lang": lang}
    raise ValueError(f"chain input must be a question string or a mapping, not {type(value).__name__}")


def make_answer_chain(service: AnswerService) -> Runnable[str | dict[str, Any], dict[str, object]]:
    """A Runnable: a question (or ``{"question", "session_id"?, "lang"?}``) → the answer's JSON data.

    The output is ``Answer.to_json()``: ``answer``, ``citations`` ([{kind, ref, lines, quote, …}]),
    ``confidence``, ``abstained``, ``evidence``, ``mode``, ``verification``.
    """

    def ask(value: str | dict[str, Any]) -> dict[str, object]:
        request = _question_input(value)
        answer = service.ask(request["question"], session_id=request["session_id"], lang=request["lang"])
        return answer.to_json()

    return RunnableLambda(ask, name="budgetqa_answer")


def make_rag_chain(
    service: QAService, chat_model: BaseChatModel, *, k: int = 8
) -> Runnable[str | dict[str, Any], dict[str, object]]:
    """Retrieval → prompt → `chat_model` → citation verification, as one Runnable chain.

    Input as for :func:`make_answer_chain`; output ``Answer.to_json()`` of the verified answer (figures
    no cited unit contains and citations of blocks that do not exist are removed, and the answer says so).
    ``astream_events`` shows the model's tokens as they come.
    """
    answerer = GenerativeAnswerer(chat_model, max_units=k)

    def prepare(value: str | dict[str, Any]) -> dict[str, Any]:
        request = _question_input(value)
        language: Language = request["lang"] or detect_language(request["question"])
        return {**request, "language": language}

    def retrieve(request: dict[str, Any]) -> list[Any]:
        return service.search(request["question"], top_k=k, session_id=request["session_id"])

    def messages(request: dict[str, Any]) -> list[Any]:
        return answerer.messages(request["question"], request["hits"], request["language"])

    def finish(request: dict[str, Any]) -> dict[str, object]:
        answer = answerer.parse(request["question"], request["text"], request["hits"], request["language"])
        return verify(answer, service.document).to_json()

    return (
        RunnableLambda(prepare, name="question")
        | RunnablePassthrough.assign(hits=RunnableLambda(retrieve, name="retrieve"))
        | RunnablePassthrough.assign(
            text=RunnableLambda(messages, name="prompt") | chat_model | StrOutputParser()
        )
        | RunnableLambda(finish, name="verify")
    ).with_config(run_name="budgetqa_rag")
