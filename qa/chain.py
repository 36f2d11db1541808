"""LangChain Runnables over the answer service, for users' own pipelines.

- :func:`make_retriever`: the hybrid search as a ``BaseRetriever`` (``Document``s with kind, ref, lines).
- :func:`make_answer_chain`: question in, the service's cited and verified answer out (as JSON data).
- :func:`make_rag_chain`: the grounded generative answer (the offline answer's evidence → prompt →
  any chat model, its reply constrained to cited ids → verification), composed as a Runnable chain,
  for users who bring their own model.

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
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda, RunnablePassthrough
from pydantic import ConfigDict

from budgetqa.index.retriever import BudgetRetriever, hit_to_document

from .grounded import DEFAULT_EVIDENCE_CHARS, DEFAULT_MAX_EVIDENCE, GroundedAnswerer, Prompt
from .protocols import AnswerService

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
    service: QAService,
    chat_model: BaseChatModel,
    *,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
    evidence_chars: int = DEFAULT_EVIDENCE_CHARS,
) -> Runnable[str | dict[str, Any], dict[str, object]]:
    """The grounded generative answer as one Runnable chain: evidence → prompt → `chat_model` → verification.

    The service's offline answer chooses the evidence (:meth:`QAService.offline`); `chat_model`, its
    reply constrained to ``{"answer", "citations": [given ids]}`` where the provider offers structured
    output, phrases it; :meth:`GroundedAnswerer.judge` shows the reply only if it cites, cites only the
    ids it was given, states only figures the evidence prints and names nothing the cited units lack,
    else the offline answer with a note that the generated one was withheld.  A question the offline
    answer declines, or a reference lookup, never reaches the model.

    Input as for :func:`make_answer_chain`; output ``Answer.to_json()``.  ``astream_events`` shows the
    model's tokens as they come (``on_chat_model_stream``).  The model's configuration is the caller's:
    give it temperature 0.
    """
    answerer = GroundedAnswerer(chat_model, max_evidence=max_evidence, evidence_chars=evidence_chars)

    def offline(value: str | dict[str, Any]) -> dict[str, Any]:
        request = _question_input(value)
        found = service.offline(request["question"], session_id=request["session_id"], lang=request["lang"])
        prompt = answerer.prompt(found.question, found.answer, service.searcher) if found.phrasable else None
        return {"question": found.question, "offline": found.answer, "prompt": prompt, "measures": found.measures}

    def reply(state: dict[str, Any]) -> str:
        prompt: Prompt = state["prompt"]
        try:  # the model runs as a child of this step, so its tokens reach astream_events
            return (chat_model.bind(**prompt.options) | StrOutputParser()).invoke(prompt.messages)
        except Exception as error:  # any client library's error, re-raised with what to check
            raise answerer.failure(error) from error

    def judge(state: dict[str, Any]) -> dict[str, object]:
        verdict = answerer.judge(
            state["question"],
            state["raw"],
            state["offline"],
            state["prompt"].evidence,
            service.searcher,
            measures=state["measures"],
        )
        return verdict.answer.to_json()

    generate = RunnablePassthrough.assign(raw=RunnableLambda(reply, name="generate")) | RunnableLambda(
        judge, name="verify"
    )
    return (
        RunnableLambda(offline, name="evidence")
        | RunnableBranch(
            (lambda state: state["prompt"] is None, RunnableLambda(lambda state: state["offline"].to_json(), name="offline")),
            generate,
        )
    ).with_config(run_name="budgetqa_grounded")
