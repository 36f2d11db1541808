"""Generative answers through any LangChain chat model, cited by unit id and verified afterwards.

The model sees the retrieved evidence units with their ids ([¶3.115], [表 3.24]) and is asked to answer
in the question's language, to cite ids in square brackets, to use only figures from the evidence and
to say when the document does not answer.  Its citations are parsed from the text; checking them (do
the ids exist, does each figure occur in a cited unit) is left to :func:`budgetqa.qa.verify.verify`,
which :class:`~budgetqa.qa.service.QAService` applies to every answer.

>>> # from langchain_openai import ChatOpenAI
>>> # service = QAService.open(settings, generator=GenerativeAnswerer(ChatOpenAI(model="gpt-4o-mini")))
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate
from pydantic import SecretStr

from budgetqa.index.model import IndexUnit, SearchHit
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.refs import BlockReference, find_citations, format_label
from budgetqa.settings import Settings

from .model import Answer, AnswerEvent, Citation, Language

T = TypeVar("T")

LLM_CHOICES = ("none", "openai", "ollama", "llamacpp")

# Evidence given to the model: a small local model needs a short context (about 25 s to the first
# token for 1,000 tokens on 2 cores), a hosted one can take more; both are constructor arguments.
DEFAULT_MAX_UNITS = 8
DEFAULT_UNIT_CHARS = 600
QUOTE_CHARS = 300

_SYSTEM = {
    "zh": (
        "你是联合国预算文件 A/78/6 (Sect. 3)《政治事务》的问答助手。只根据下面给出的证据回答问题。\n"
        "规则：\n"
        "1. 用简体中文回答，简明扼要。\n"
        "2. 每一句事实后面用方括号注明所依据证据的编号，例如 [¶3.115] 或 [表 3.24]；只能使用证据中出现的编号。\n"
        "3. 只使用证据中出现的数字，照原样抄写，不要自行计算、换算或估计。\n"
        "4. 如果证据不能回答问题，就回答“这份文件没有提到……”，并说明最接近的证据编号。"
    ),
    "en": (
        "You answer questions about the United Nations budget document A/78/6 (Sect. 3), Political affairs, "
        "using only the evidence below (it is in Chinese).\n"
        "Rules:\n"
        "1. Answer in English, briefly.\n"
        "2. After each fact, cite the id of the evidence it comes from in square brackets, exactly as given, "
        "e.g. [¶3.115] or [表 3.24]; cite only ids that appear in the evidence.\n"
        "3. Use only figures that appear in the evidence, copied as written; do not compute, convert or "
        "estimate.\n"
        '4. If the evidence does not answer the question, say "The document does not say …" and name the '
        "ids of the nearest evidence."
    ),
}
_HUMAN = {
    "zh": "证据：\n{evidence}\n\n问题：{question}\n回答（简体中文，注明 [编号]）：",
    "en": "Evidence:\n{evidence}\n\nQuestion: {question}\nAnswer (in English, citing [ids]):",
}

# Phrasings by which an answer says that the document does not answer the question.
_ABSTAIN = re.compile(
    r"(?:这份|本|该)?文件(?:中)?(?:没有|并没有|未|并未)(?:提到|提及|说明|载明|列出|给出|包含|涉及|提供)"
    r"|文件没有|证据(?:中)?(?:没有|未)(?:提到|提及|说明|包含|给出)|无法(?:从证据中)?(?:回答|确定)"
    r"|\bdocument (?:does not|doesn't|did not|does not) (?:say|mention|state|contain|give|provide|specify)"
    r"|\b(?:evidence|document) (?:does not|doesn't) (?:answer|include)"
    r"|\bnot (?:mentioned|stated|specified) in the (?:document|evidence)"
    r"|\bno information (?:about|on)",
    re.IGNORECASE,
)
# A bracketed group in the answer: [¶3.115], 【表 3.24】, [¶3.115, 表 3.24].
_BRACKETS = re.compile(r"[\[【]([^\[\]【】\n]{1,80})[\]】]")


class GenerationError(RuntimeError):
    """The configured chat model failed to answer (unreachable server, bad key, model error)."""


@dataclass(frozen=True)
class _Cited:
    """A citation found in the answer text, with the bracket it was written in."""

    citation: BlockReference
    start: int
    end: int


class GenerativeAnswerer:
    """Answers from retrieval hits with a LangChain chat model; the answer is verified by the caller.

    `max_units` evidence units are shown to the model, each cut to `unit_chars` characters.
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str | None = None,
        max_units: int = DEFAULT_MAX_UNITS,
        unit_chars: int = DEFAULT_UNIT_CHARS,
    ) -> None:
        if max_units < 1 or unit_chars < 50:
            raise ValueError("max_units must be at least 1 and unit_chars at least 50")
        self.model = model
        self.model_name = name or model_name(model)
        self.max_units = max_units
        self.unit_chars = unit_chars

    @property
    def mode(self) -> str:
        return f"llm:{self.model_name}"

    # ------------------------------------------------------------------ prompt

    def prompt(self, language: Language) -> ChatPromptTemplate:
        """The chat prompt for answers in `language` (variables: ``evidence``, ``question``)."""
        return ChatPromptTemplate.from_messages([("system", _SYSTEM[language]), ("human", _HUMAN[language])])

    def messages(self, question: str, hits: Sequence[SearchHit], language: Language) -> list[BaseMessage]:
        """The messages sent to the model for `question` with evidence `hits`."""
        evidence = format_evidence(hits[: self.max_units], language, unit_chars=self.unit_chars)
        return self.prompt(language).format_messages(evidence=evidence, question=question.strip())

    # ------------------------------------------------------------------ answering

    def stream(
        self, question: str, hits: Sequence[SearchHit], language: Language
    ) -> Generator[AnswerEvent, None, Answer]:
        """Yield ``AnswerEvent("token", …)`` as the model writes; return the (unverified) answer."""
        messages = self.messages(question, hits, language)
        parts: list[str] = []
        try:
            for chunk in self.model.stream(messages):
                text = chunk.text
                if text:
                    parts.append(text)
                    yield AnswerEvent("token", text)
        except Exception as error:  # re-raised with what to check: any client library's error
            raise GenerationError(
                f"the chat model {self.model_name!r} failed: {error}. Check BUDGETQA_LLM, BUDGETQA_LLM_MODEL and "
                "BUDGETQA_LLM_BASE_URL, or set BUDGETQA_LLM=none for the offline extractive answers."
            ) from error
        return self.parse(question, "".join(parts), hits[: self.max_units], language)

    def answer(self, question: str, hits: Sequence[SearchHit], language: Language) -> Answer:
        """The whole (unverified) answer at once."""
        generator = self.stream(question, hits, language)
        while True:
            try:
                next(generator)
            except StopIteration as stop:
                return stop.value

    def parse(self, question: str, text: str, hits: Sequence[SearchHit], language: Language) -> Answer:
        """Turn the model's text into an :class:`Answer`: citations from its brackets, abstention from its wording."""
        text = text.strip()
        units = [hit.unit for hit in hits]
        if not text:
            text = _empty_answer(question, units, language)
        cited = _cited(text)
        text = _canonical_brackets(text, cited)
        citations = _unique([_citation(found.citation, units, text) for found in cited])
        abstained = bool(_ABSTAIN.search(text))
        in_evidence = [c for c in citations if _matching(c.kind, c.ref, units)]
        evidence = _unique([u.uid for c in in_evidence for u in _matching(c.kind, c.ref, units)])
        return Answer(
            question=question,
            language=language,
            text=text,
            citations=citations,
            confidence=_confidence(citations, in_evidence, abstained),
            abstained=abstained,
            evidence=evidence or [unit.uid for unit in units[:3]],
            mode=self.mode,
        )


# ---------------------------------------------------------------------------------------------- evidence


def evidence_label(unit: IndexUnit) -> str:
    """The id a unit is cited by: "¶3.115", "表 3.24", "图 3.十四", "附件三"."""
    return format_label(unit.kind, unit.ref, "zh")


def format_evidence(
    hits: Sequence[SearchHit], language: Language, *, unit_chars: int = DEFAULT_UNIT_CHARS
) -> str:
    """The evidence block of the prompt: one entry per unit, its id in brackets, then its text.

    A table row is given as its row text (row label and "column value" pairs) under the table's id;
    English questions also get the unit's English label from the glossary.
    """
    entries = []
    for hit in hits:
        unit = hit.unit
        label = evidence_label(unit)
        heading = "" if unit.kind is BlockKind.PARAGRAPH or unit.title in unit.text[:200] else unit.title
        if language == "en" and unit.english_label:
            heading = f"{heading} ({unit.english_label})" if heading else unit.english_label
        body = _truncate(" ".join(unit.text.split()), unit_chars)
        entries.append(f"[{label}] {heading}\n{body}" if heading else f"[{label}] {body}")
    return "\n\n".join(entries) if entries else "（无）" if language == "zh" else "(none)"


def _truncate(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters at a sentence or word end, marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(mark) for mark in ("。", "；", "; ", ". ", " "))
    if stop > limit // 2:
        cut = cut[: stop + 1]
    return cut.rstrip() + "…"


# ---------------------------------------------------------------------------------------------- parsing


def _cited(text: str) -> list[_Cited]:
    out = []
    for match in _BRACKETS.finditer(text):
        for citation in find_citations(match.group(1)):
            out.append(_Cited(citation, match.start(), match.end()))
    return out


def _canonical_brackets(text: str, cited: list[_Cited]) -> str:
    """Rewrite each citing bracket as one "[label]" per citation, so that every answer cites alike."""
    spans: dict[tuple[int, int], list[BlockReference]] = {}
    for found in cited:
        spans.setdefault((found.start, found.end), []).append(found.citation)
    for (start, end), citations in sorted(spans.items(), reverse=True):
        labels = "".join(f"[{citation.label('zh')}]" for citation in citations)
        text = text[:start] + labels + text[end:]
    return text


def _matching(kind: str, ref: str, units: Sequence[IndexUnit]) -> list[IndexUnit]:
    return [unit for unit in units if unit.kind.value == kind and unit.ref == ref]


def _citation(citation: BlockReference, units: Sequence[IndexUnit], answer_text: str) -> Citation:
    """A citation with lines, quote and row from the evidence unit it names (lines=[] if none)."""
    kind, ref = citation.kind.value, citation.ref
    matching = _matching(kind, ref, units)
    if not matching:
        return Citation(kind=kind, ref=ref, lines=[])
    block = next((unit for unit in matching if unit.row is None), None)
    best = max(matching, key=lambda unit: _shared_figures(unit.text, answer_text))
    if _shared_figures(best.text, answer_text) == 0:
        best = block or matching[0]
    lines = (block or best).lines.as_list()
    return Citation(
        kind=kind,
        ref=ref,
        lines=lines,
        quote=_truncate(" ".join(best.text.split()), QUOTE_CHARS),
        row=best.row_label if best.row is not None else None,
    )


_NUMBER = re.compile(r"\d[\d  ,.]*\d|\d")


def _shared_figures(unit_text: str, answer_text: str) -> int:
    """How many of the numbers written in the answer also occur (as written) in the unit."""
    numbers = {re.sub(r"[  ,]", "", n) for n in _NUMBER.findall(answer_text)}
    in_unit = {re.sub(r"[  ,]", "", n) for n in _NUMBER.findall(unit_text)}
    return len(numbers & in_unit)


def _confidence(citations: list[Citation], in_evidence: list[Citation], abstained: bool) -> float:
    """A heuristic (chat models give no calibrated probability): cited evidence raises it."""
    if abstained:
        return 0.1
    if not citations:
        return 0.2
    if len(in_evidence) == len(citations):
        return 0.7
    return 0.4


def _empty_answer(question: str, units: Sequence[IndexUnit], language: Language) -> str:
    labels = [evidence_label(unit) for unit in units[:3]]
    if language == "zh":
        return f"这份文件没有提到这一点（{question.strip()}）。" + (
            "最接近的段落：" + "、".join(f"[{label}]" for label in labels) + "。" if labels else ""
        )
    return f"The document does not say this ({question.strip()})." + (
        " The nearest passages are " + ", ".join(f"[{label}]" for label in labels) + "." if labels else ""
    )


def _unique(items: list[T]) -> list[T]:
    out: list[T] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


# ---------------------------------------------------------------------------------------------- models


def model_name(model: BaseChatModel) -> str:
    """A short name for `model`: its model name or path, else its class name."""
    for attribute in ("model_name", "model", "model_path"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value.rsplit("/", 1)[-1]
    return type(model).__name__


def chat_model_from_settings(settings: Settings) -> BaseChatModel:
    """The chat model ``BUDGETQA_LLM`` names: ``openai`` (any OpenAI-compatible server), ``ollama`` or ``llamacpp``."""
    choice = settings.llm.lower()
    if choice == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.llm_model:
            raise ValueError(
                "BUDGETQA_LLM=openai needs BUDGETQA_LLM_MODEL (e.g. gpt-4o-mini, or the served model's name)"
            )
        return ChatOpenAI(
            base_url=settings.llm_base_url,
            api_key=SecretStr(settings.llm_api_key or "not-needed"),
            model=settings.llm_model,
            timeout=60,
            max_retries=1,
            temperature=0,
        )
    if choice == "ollama":
        if importlib.util.find_spec("langchain_ollama") is None:
            raise ValueError(
                "BUDGETQA_LLM=ollama needs the langchain-ollama package: pip install langchain-ollama"
            )
        from langchain_ollama import ChatOllama

        if not settings.llm_model:
            raise ValueError("BUDGETQA_LLM=ollama needs BUDGETQA_LLM_MODEL (e.g. qwen2.5:7b)")
        options: dict[str, object] = {"model": settings.llm_model, "temperature": 0}
        if settings.llm_base_url:
            options["base_url"] = settings.llm_base_url
        return ChatOllama(**options)
    if choice == "llamacpp":
        from pathlib import Path

        from .local_model import assemble_qwen_gguf, chat_model_from_gguf

        path = Path(settings.llm_model) if settings.llm_model else assemble_qwen_gguf(settings.models_dir)
        return chat_model_from_gguf(path)
    raise ValueError(f"unknown BUDGETQA_LLM {settings.llm!r}; choose one of: {', '.join(LLM_CHOICES)}")
