"""Generative mode, grounded: the offline answerer chooses the evidence, a chat model phrases it.

1. **Evidence first.**  The offline answer (facts for a figure question, the best sentences
   otherwise) is computed as without a model.  If it declines, the model is not asked: it may not
   answer what the document does not.  Otherwise the model sees only that answer and the units it
   cites, each under its id, trimmed (:data:`DEFAULT_EVIDENCE_CHARS` characters each, so that a
   prompt stays under about 500 tokens for the local model).
2. **Citations by construction.**  The reply is constrained to the JSON schema
   ``{"answer": str, "citations": [one of the given ids, at least one]}`` (llama.cpp's JSON-schema
   grammar, OpenAI's ``json_schema`` response format or Ollama's ``format``), at temperature 0.
3. **Verified before it is shown.**  A reply that does not parse, cites nothing or an id it was not
   given, states a figure no cited unit prints (:func:`budgetqa.qa.verify.verify`), names a body, a
   year or a symbol no cited unit contains (:func:`budgetqa.qa.claims.check_claims`), declines where
   the document answers, or is not in the question's language is withheld: the user gets the
   offline answer with a note saying so.

The model's words stream as ``token`` events while it writes (a draft the final ``answer`` event
replaces); stopping the iteration stops the model (llama.cpp generates only while it is consumed).

>>> # from budgetqa.qa.chat_models import chat_model_from_settings
>>> # service = QAService.open(settings, generator=GroundedAnswerer(chat_model_from_settings(settings)))
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from budgetqa.ingest.budget import Measure
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.numeric import same_figure
from budgetqa.ingest.refs import BlockReference

from .asked_figures import required_figures, states_figure
from .chat_models import GenerationError, model_name
from .claims import check_claims
from .model import Answer, AnswerEvent, Citation, Computation, Language, unique_citations
from .streaming import with_heartbeat
from .verify import FigureUnit, figure_unit, stated_figures, supported, verify

if TYPE_CHECKING:
    from budgetqa.index.service import SearchService

DEFAULT_EVIDENCE_CHARS = 220  # characters of each cited unit shown to the model
DEFAULT_MAX_EVIDENCE = 3  # cited units shown to the model
WITHHELD = "generated answer withheld"  # marks the note of a withheld answer in verification.notes

_SYSTEM = {
    "zh": (
        "你根据给出的证据回答关于联合国预算文件 A/78/6 (Sect. 3) 的问题。只用证据里的事实和数字，照抄数字，"
        "不要添加证据没有的名称、年份或数字。用简体中文写一两句话，写出核查过的答案里的数字和单位。以 JSON 回答："
        '{"answer": 回答, "citations": [所依据证据的编号]}。'
    ),
    "en": (
        "You answer questions about the UN budget document A/78/6 (Sect. 3) from the evidence given. Use only "
        "facts and figures in the evidence, copy figures exactly, add no name, year or figure the evidence "
        'lacks. Write one or two sentences in English that state the checked answer\'s figure with its unit. '
        'Reply in JSON: {"answer": answer, "citations": [ids of '
        "the evidence used]}."
    ),
}
_HUMAN = {
    "zh": "核查过的答案：{checked}\n\n证据：\n{evidence}\n\n问题：{question}",
    "en": "Checked answer: {checked}\n\nEvidence:\n{evidence}\n\nQuestion: {question}",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Phrasings by which a reply says that the document does not answer the question.
_DECLINES = re.compile(
    r"(?:这份|本|该)?文件(?:中)?(?:没有|并没有|未|并未)(?:提到|提及|说明|载明|列出|给出|包含|涉及|提供)"
    r"|文件没有|证据(?:中)?(?:没有|未)(?:提到|提及|说明|包含|给出)|无法(?:从证据中)?(?:回答|确定)"
    r"|\bdocument (?:does not|doesn't|did not) (?:say|mention|state|contain|give|provide|specify)"
    r"|\b(?:evidence|document) (?:does not|doesn't) (?:answer|include)"
    r"|\bnot (?:mentioned|stated|specified) in the (?:document|evidence)"
    r"|\bno information (?:about|on)",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\s*[\[【][^\[\]【】\n]{1,40}[\]】]")
_FROM_FACTS = frozenset({"facts", "analyst"})  # answer modes read from budget facts: one line a part


class GeneratedReply(BaseModel):
    """The reply the model is constrained to: its answer and the ids of the evidence it used."""

    answer: str
    citations: list[str]


@dataclass(frozen=True)
class Evidence:
    """One unit shown to the model: the id it cites it by, the citation it stands for, its text."""

    id: str
    citation: Citation
    text: str


@dataclass(frozen=True)
class Prompt:
    """What the model is asked: the evidence shown to it, the messages, and the keyword arguments that
    constrain its reply to the schema (:func:`structured_options`)."""

    evidence: list[Evidence]
    messages: list[BaseMessage]
    options: dict[str, Any]


class Withheld(Enum):
    """Why a generated reply was withheld (the check it failed, in the order they run)."""

    FORM = "not in the reply schema"
    UNCITED = "cites nothing"
    ID_NOT_GIVEN = "cites an id it was not given"
    EMPTY = "empty"
    DECLINES = "declines what the document answers"
    LANGUAGE = "not in the question's language"
    INCOMPLETE = "leaves out the answer's figure"
    FIGURE = "a figure the evidence does not print"
    UNIT = "an amount without its unit"
    CLAIM = "a name, year or symbol no cited unit contains"


@dataclass(frozen=True)
class Verdict:
    """The decision on a generated reply: the answer shown, and why the generated one was withheld."""

    answer: Answer
    withheld: Withheld | None = None  # None when the generated answer is shown


# The first character of an answer in each language: a Han character for Chinese, a letter for
# English (left free, the 1.5B model answered Chinese questions with "bytes" or a bare "$3,441.2").
ANSWER_START = {"zh": "\u4e00-\u9fff", "en": "A-Za-z"}


def reply_schema(ids: Sequence[str], language: Language) -> dict[str, Any]:
    """The JSON schema a reply must follow: an answer starting in `language`, and one or more
    citations among `ids`.

    >>> reply_schema(["¶3.115"], "zh")["properties"]["citations"]["items"]
    {'type': 'string', 'enum': ['¶3.115']}
    """
    return {
        "type": "object",
        "properties": {
            "answer": {"type": "string", "pattern": f"^[{ANSWER_START[language]}]"},
            "citations": {"type": "array", "items": {"type": "string", "enum": list(ids)}, "minItems": 1},
        },
        "required": ["answer", "citations"],
        "additionalProperties": False,
    }


def structured_options(model: BaseChatModel, ids: Sequence[str], language: Language) -> dict[str, Any]:
    """Keyword arguments that constrain `model`'s reply to :func:`reply_schema` (`ids`, `language`), by provider.

    llama.cpp (``ChatLlamaCpp``): the schema as a GBNF grammar (:func:`reply_grammar`; llama.cpp's own
    ``response_format={"type": "json_object", "schema": …}`` lets a small model pad the object with
    newlines for minutes); OpenAI-compatible servers: a strict ``json_schema`` response format; Ollama:
    ``format``.  Other models get none and are held to the schema by the prompt and by parsing.
    """
    kind = type(model).__name__
    schema = reply_schema(ids, language)
    if kind == "ChatLlamaCpp":
        from llama_cpp import LlamaGrammar

        return {"grammar": LlamaGrammar.from_string(reply_grammar(ids, language), verbose=False), "temperature": 0.0}
    if kind == "ChatOpenAI":
        schema_format = {"name": "cited_answer", "schema": schema, "strict": True}
        return {"response_format": {"type": "json_schema", "json_schema": schema_format}}
    if kind == "ChatOllama":
        return {"format": schema}
    return {}


def reply_grammar(ids: Sequence[str], language: Language) -> str:
    """The reply schema as a GBNF grammar, with no free whitespace: ``{"answer": "…", "citations": [id, …]}``,
    the answer's first character one of :data:`ANSWER_START` for `language`.

    >>> print(reply_grammar(["¶3.115"], "en").splitlines()[-1])
    id ::= "\\"¶3.115\\""
    """
    quoted = " | ".join(json.dumps(json.dumps(i, ensure_ascii=False), ensure_ascii=False) for i in ids)
    return "\n".join(
        [
            'root ::= "{\\"answer\\": \\"" first text "\\", \\"citations\\": [" id (", " id)* "]}"',
            f"first ::= [{ANSWER_START[language]}]",
            'text ::= ([^"\\\\\\n] | "\\\\" ["\\\\/nt])*',
            f"id ::= {quoted}",
        ]
    )


def partial_answer(raw: str) -> str:
    """The part of the ``"answer"`` string written so far in a JSON reply being streamed.

    >>> partial_answer('{"answer": "UNOCT has 5')
    'UNOCT has 5'
    >>> partial_answer('{"answer": "a \\\\"b\\\\" c", "cit')
    'a "b" c'
    """
    match = re.search(r'"answer"\s*:\s*"', raw)
    if match is None:
        return ""
    out: list[str] = []
    i = match.end()
    while i < len(raw):
        char = raw[i]
        if char == '"':
            break
        if char == "\\":
            if i + 1 >= len(raw):
                break
            escape = raw[i + 1]
            if escape == "u":
                if i + 6 > len(raw):
                    break
                out.append(chr(int(raw[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append({"n": "\n", "t": "\t", "r": ""}.get(escape, escape))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


class GroundedAnswerer:
    """Phrases the offline answer's evidence with a chat model; shows the result only if it verifies."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        name: str | None = None,
        max_evidence: int = DEFAULT_MAX_EVIDENCE,
        evidence_chars: int = DEFAULT_EVIDENCE_CHARS,
    ) -> None:
        if max_evidence < 1 or evidence_chars < 50:
            raise ValueError("max_evidence must be at least 1 and evidence_chars at least 50")
        self.model = model
        self.model_name = name or model_name(model)
        self.max_evidence = max_evidence
        self.evidence_chars = evidence_chars

    @property
    def mode(self) -> str:
        return f"llm:{self.model_name}"

    # ------------------------------------------------------------------ evidence and prompt

    def evidence(self, offline: Answer, source: SearchService) -> list[Evidence]:
        """The units the offline answer cites, once each, under their label in the answer's language."""
        out: list[Evidence] = []
        for citation in offline.citations:
            label = citation.label_for(offline.language)
            if any(item.id == label for item in out):
                continue
            text = citation.quote or _unit_text(citation, source)
            if offline.language == "en":
                english = _english_text(citation, source)
                text = f"{english} ({text})" if english and citation.row is None else text
            out.append(Evidence(label, citation, _trim(" ".join(text.split()), self.evidence_chars)))
            if len(out) == self.max_evidence:
                break
        return out

    def messages(self, question: str, offline: Answer, evidence: Sequence[Evidence]) -> list[BaseMessage]:
        """The prompt: the rules, the checked offline answer, the evidence under its ids, the question."""
        language = offline.language
        checked = _BRACKETED.sub("", offline.text).strip()
        body = _HUMAN[language].format(
            checked=_trim(checked, 400),
            evidence="\n".join(f"[{item.id}] {item.text}" for item in evidence),
            question=question.strip(),
        )
        return [SystemMessage(_SYSTEM[language]), HumanMessage(body)]

    def prompt(self, question: str, offline: Answer, source: SearchService) -> Prompt | None:
        """What the model is asked to phrase `offline`: its evidence, the messages and the options that
        constrain the reply to the given ids; None when the model may not be asked (the offline answer
        declines or cites nothing)."""
        if offline.abstained or not offline.citations:
            return None
        evidence = self.evidence(offline, source)
        options = structured_options(self.model, [item.id for item in evidence], offline.language)
        return Prompt(evidence, self.messages(question, offline, evidence), options)

    def failure(self, error: Exception) -> GenerationError:
        """`error` from the model's client, as an error that says what to check."""
        return GenerationError(
            f"the chat model {self.model_name!r} failed: {error}. Check BUDGETQA_LLM, BUDGETQA_LLM_MODEL and "
            "BUDGETQA_LLM_BASE_URL, or set BUDGETQA_LLM=none for the offline answers."
        )

    # ------------------------------------------------------------------ answering

    def stream(
        self, question: str, offline: Answer, source: SearchService, *, measures: Sequence[Measure] = ()
    ) -> Generator[AnswerEvent, None, Answer]:
        """Yield the model's answer text as ``token`` events (a draft); return the answer to show:
        the generated one if it verifies, else `offline` with a note that it was withheld.

        `measures` are the kinds of figure the question's parts ask for (see :meth:`judge`).  An
        offline answer that declines or cites nothing is returned as it is, without asking the model.
        """
        prompt = self.prompt(question, offline, source)
        if prompt is None:
            yield AnswerEvent("token", offline.text)
            return offline
        raw: list[str] = []
        shown = ""
        # The evidence is chosen: progress for a server timing silence, before the model reads its prompt.
        yield AnswerEvent("token", "")
        try:
            # progress marks while the model reads its prompt (a minute on busy cores) or thinks
            for chunk in with_heartbeat(self.model.stream(prompt.messages, **prompt.options)):
                if chunk is None:
                    yield AnswerEvent("token", "")
                    continue
                if not chunk.text:
                    continue
                raw.append(chunk.text)
                draft = partial_answer("".join(raw))
                if len(draft) > len(shown):
                    yield AnswerEvent("token", draft[len(shown) :])
                    shown = draft
        except GeneratorExit:
            raise
        except Exception as error:  # any client library's error, re-raised with what to check
            raise self.failure(error) from error
        return self.judge(question, "".join(raw), offline, prompt.evidence, source, measures=measures).answer

    def judge(
        self,
        question: str,
        raw: str,
        offline: Answer,
        evidence: Sequence[Evidence],
        source: SearchService,
        *,
        measures: Sequence[Measure] = (),
    ) -> Verdict:
        """Verify the model's raw reply; the generated answer if it passes, else `offline` with a note.

        The reply must state the figures of `offline` that answer the question
        (:func:`budgetqa.qa.asked_figures.required_figures`: those of the `measures` the question's
        parts ask for, in the lines that hold the answer), not every number a quoted passage prints.
        """
        language = offline.language
        try:
            reply = GeneratedReply.model_validate_json(raw)
        except ValidationError:
            return _withheld(offline, Withheld.FORM, "不是所要求的格式" if language == "zh" else "it is not in the required form")
        text = _BRACKETED.sub("", reply.answer).strip()
        by_id = {item.id: item for item in evidence}
        if not reply.citations:
            return _withheld(offline, Withheld.UNCITED, "没有注明出处" if language == "zh" else "it cites nothing")
        unknown = [cited for cited in reply.citations if cited not in by_id]
        if unknown:
            reason = f"引用了未提供的编号 {'、'.join(unknown)}" if language == "zh" else f"it cites ids it was not given: {', '.join(unknown)}"
            return _withheld(offline, Withheld.ID_NOT_GIVEN, reason)
        if not text:
            return _withheld(offline, Withheld.EMPTY, "回答为空" if language == "zh" else "it is empty")
        if _DECLINES.search(text):
            reason = "它说文件没有回答，而文件回答了" if language == "zh" else "it declines although the document answers"
            return _withheld(offline, Withheld.DECLINES, reason)
        if not _in_language(text, language):
            return _withheld(offline, Withheld.LANGUAGE, "语言不对" if language == "zh" else "it is not in English")
        required = required_figures(
            offline.text,
            measures,
            offline.computations,
            from_facts=offline.mode in _FROM_FACTS or bool(offline.facts),
            reply=text,
        )
        left_out = [figure.text.strip(" ()（）") for figure in required if not states_figure(text, figure)]
        if left_out:
            shown = ("、" if language == "zh" else ", ").join(left_out)
            reason = f"没有写出答案的数字 {shown}" if language == "zh" else f"it leaves out the answer's figures {shown}"
            return _withheld(offline, Withheld.INCOMPLETE, reason)
        cited = [by_id[cited] for cited in dict.fromkeys(reply.citations)]
        labels = "[" + ("；" if language == "zh" else "; ").join(item.id for item in cited) + "]"  # as offline answers cite
        generated = replace(
            offline,
            text=f"{text} {labels}" if language == "en" else f"{text}{labels}",
            citations=[item.citation for item in cited],
            mode=self.mode,
        )
        checked = verify(generated, source.document, source.refs)
        # What the model was shown, not the whole unit: a long annex prints many figures and names.
        support = [offline.text, *(item.text for item in cited)]
        figures = (
            checked.verification.removed_figures
            + unsupported_figures(text, support, offline)
            + misscaled_amounts(text, support, offline.computations)
        )
        if figures:
            reason = f"所引内容中没有数字 {'、'.join(figures)}" if language == "zh" else f"no cited unit prints {', '.join(figures)}"
            return _withheld(offline, Withheld.FIGURE, reason)
        bare = unitless_amounts(text, support)
        if bare:
            shown = ("、" if language == "zh" else ", ").join(bare)
            reason = f"金额 {shown} 没有写单位" if language == "zh" else f"it gives the amounts {shown} without their unit"
            return _withheld(offline, Withheld.UNIT, reason)
        claims = check_claims(text, support, source.index.glossary, language, question=question)
        if not claims.supported:
            return _withheld(offline, Withheld.CLAIM, claims.reason(language))
        # verified against the units the model cited; shown with the checked answer's other units after
        # them, which print the same answer
        return Verdict(replace(checked, citations=unique_citations([*checked.citations, *offline.citations])))


# ---------------------------------------------------------------------------------------------- helpers


_YUAN = re.compile(r"\s*元")  # a bare 元, which the figure checker does not read as money
_DOLLARS = re.compile(r"\s*(?:United States|U\.S\.) dollars", re.IGNORECASE)  # a unit spelt out in full


def misscaled_amounts(text: str, support: Sequence[str], computations: Sequence[Computation] = ()) -> list[str]:
    """The amounts of money `text` states that no `support` text gives at the same scale: the
    evidence's "3 441.2 千美元" written "3 441.2元" or "$3,441.2" (a thousand times less).  A checked
    total or difference of `computations` counts as given at the scale its operands are printed at,
    where the answer writes it without a unit ("合计：1 500.0" beside "1 200.0 千美元").

    >>> misscaled_amounts("经费为 3 441.2元。", ["员额经费：3 441.2 千美元"])
    ['3 441.2']
    >>> misscaled_amounts("经费为 344.12 万美元，即 USD 3,441.2 thousand。", ["员额经费：3 441.2 千美元"])
    []
    >>> misscaled_amounts("合计 1 500.0 千美元", ["甲 1 200.0 千美元，乙 300.0 千美元"], [Computation("", [1200.0, 300.0], "+", 1500.0)])
    []
    """
    money = [m for t in support for m in stated_figures(t) if figure_unit(t, m) is FigureUnit.MONEY]
    amounts = [m.scaled for m in money]
    for computation in computations:
        if computation.operator in ("+", "-") and computation.holds():
            scales = {m.scaled / m.value for m in money if m.value and any(same_figure(m.value, o) for o in computation.operands)}
            amounts += [computation.result * scale for scale in scales]
    return [
        mention.text.strip()
        for mention in stated_figures(text)
        if (figure_unit(text, mention) is FigureUnit.MONEY or _YUAN.match(text[mention.end :]))
        # the same scale (a rounded "775.3 million" allowed), not same_figure's unit changes
        and not any(math.isclose(abs(mention.scaled), abs(amount), rel_tol=0.01) for amount in amounts)
    ]


def unitless_amounts(text: str, support: Sequence[str]) -> list[str]:
    """The figures `text` states without a unit that the `support` texts print as amounts of money
    (and not as posts or a percentage): "89606.9" for "89 606.9 千美元" leaves the reader to guess
    thousands of dollars, dollars or yuan.

    >>> unitless_amounts("总资源 = 51212.8 + 38394.1 = 89606.9", ["合计：89 606.9 千美元（51 212.8 千美元 + 38 394.1 千美元）"])
    ['51212.8', '38394.1', '89606.9']
    >>> unitless_amounts("合计 89 606.9 千美元，12 个员额中 12 个在纽约", ["合计：89 606.9 千美元；12 个员额；12.0 千美元"])
    []
    >>> unitless_amounts("The amount is 1484400 United States dollars.", ["1 484 400 美元"])
    []
    """
    money: list[float] = []
    other: list[float] = []
    for piece in support:
        for mention in stated_figures(piece):
            unit = figure_unit(piece, mention)
            if unit is FigureUnit.MONEY:
                money.append(mention.value)
            elif unit is not None:
                other.append(mention.value)
    return [
        mention.text.strip()
        for mention in stated_figures(text)
        if figure_unit(text, mention) is None
        and not _YUAN.match(text[mention.end :])
        and not _DOLLARS.match(text[mention.end :])
        and any(same_figure(mention.value, value) for value in money)
        and not any(same_figure(mention.value, value) for value in other)
    ]


def unsupported_figures(text: str, support: Sequence[str], offline: Answer) -> list[str]:
    """The figures `text` states that none of the `support` texts prints with the same unit, and that
    are not the result of one of the offline answer's checked computations.

    >>> unsupported_figures("57 posts, 106 thousand", ["57 个员额"], Answer("q", "en", "", [], 1.0, False))
    ['106 thousand']
    """
    results = [c.result for c in offline.computations if c.holds()]
    return [
        figure.text.strip()
        for figure in stated_figures(text)
        if not supported(figure, list(support), figure_unit(text, figure))
        and not any(same_figure(abs(figure.value), abs(result)) for result in results)
    ]


# What the note shown to the user says for a check whose detailed reason quotes the unverified reply
# (an invented figure or name): the detail stays in verification.notes, the user never reads it as text.
_UNQUOTED = {
    Withheld.FIGURE: {"zh": "写了所引内容中没有的数字", "en": "it states a figure the cited text does not print"},
    Withheld.CLAIM: {"zh": "提到了所引内容中没有的名称、年份或文号", "en": "it names something the cited text does not contain"},
}


def _withheld(offline: Answer, kind: Withheld, reason: str) -> Verdict:
    """`offline` with a note, in its language, that the generated answer was withheld and why; a reason
    that would repeat what the reply invented is named by its check only."""
    shown = _UNQUOTED[kind][offline.language] if kind in _UNQUOTED else reason
    if offline.language == "zh":
        note = f"（生成的回答未通过核查，未予显示：{shown}。以下是直接取自文件的答案。）"
    else:
        note = f"(The generated answer was withheld: {shown}. This is the answer taken directly from the document.)"
    verification = replace(offline.verification, notes=[*offline.verification.notes, withheld_note(kind, reason)])
    return Verdict(replace(offline, text=f"{note}\n{offline.text}", verification=verification), withheld=kind)


def withheld_note(kind: Withheld, reason: str) -> str:
    """The note in ``verification.notes`` that records a withheld generated answer.

    >>> withheld_note(Withheld.UNCITED, "it cites nothing")
    'generated answer withheld (cites nothing): it cites nothing'
    """
    return f"{WITHHELD} ({kind.value}): {reason}"


def withheld_reason(answer: Answer) -> Withheld | None:
    """Why the generated answer was withheld when `answer` is the offline one shown in its place, else None.

    >>> withheld_reason(_withheld(Answer("q", "en", "a", [], 1.0, False), Withheld.UNCITED, "it cites nothing").answer)
    <Withheld.UNCITED: 'cites nothing'>
    """
    for note in answer.verification.notes:
        match = re.match(rf"{WITHHELD} \(([^)]*)\)", note)
        if match:
            return Withheld(match.group(1))
    return None


def was_withheld(answer: Answer) -> bool:
    """True when `answer` is the offline answer shown because the generated one failed verification."""
    return withheld_reason(answer) is not None


def _unit_text(citation: Citation, source: SearchService) -> str:
    """The full text of the cited unit, or "" when the document has none by that id."""
    try:
        return source.refs.resolve(BlockReference(BlockKind.from_str(citation.kind), citation.ref)).text
    except (LookupError, ValueError):
        return ""


def _english_text(citation: Citation, source: SearchService) -> str | None:
    """The checked English version of the cited unit, if it has one."""
    return source.english.get(f"{citation.kind}:{citation.ref}")


def _trim(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters at a sentence end where one is near, marked "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(mark) for mark in ("。", "；", "; ", ". "))
    return (cut[: stop + 1] if stop > limit // 2 else cut).rstrip() + "…"


def _in_language(text: str, language: Language) -> bool:
    """A Chinese answer has Chinese in it; an English one is mostly not Chinese."""
    cjk = len(_CJK.findall(text))
    if language == "zh":
        return cjk > 0
    letters = sum(char.isalpha() for char in text)
    return cjk <= 0.2 * max(letters, 1)


def reply_json(answer: str, citations: Sequence[str]) -> str:
    """A reply as the schema has it (for tests and fakes): ``{"answer": …, "citations": […]}``."""
    return json.dumps({"answer": answer, "citations": list(citations)}, ensure_ascii=False)
