"""The grounded answerer's figure checks on the REAL bundled document: the real service chooses the
evidence and verifies; the chat model is a FAKE that writes a scripted reply in the reply schema
(``CitingFake`` from ``tests/qa/test_llm.py``), so each test knows what the model said."""

from __future__ import annotations

import pytest

from budgetqa.ingest.budget import Measure
from budgetqa.settings import Settings
from tests.qa.test_llm import CitingFake

# A question of our own: the department's regular budget and extrabudgetary resources added up
# (表 3.27 and 表 3.24: 51 212.8 + 38 394.1 = 89 606.9 thousand dollars, a total the document prints,
# so its parts are part of the answer too).
TOTAL_QUESTION = "政治建和部 2024 年经常预算加上预算外资源，合计多少？"


def answer_with(text: str, question: str):
    from budgetqa.qa.grounded import GroundedAnswerer
    from budgetqa.qa.service import QAService

    service = QAService.open(Settings.from_env(), generator=GroundedAnswerer(CitingFake(messages=iter([]), text=text)))
    return service.ask(question)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "withheld"),
    [
        ("政治建和部 2024 年经常预算 51 212.8 千美元，预算外资源 38 394.1 千美元，合计 89 606.9 千美元。", None),
        ("总资源 = 51212.8 + 38394.1 = 89606.9", "UNIT"),  # the sum is right, but thousands of what?
        ("政治建和部 2024 年经常预算 51 212.8 千美元，预算外资源 38 394.1 千美元。", "INCOMPLETE"),  # no total
    ],
)
def test_a_generated_total_is_shown_only_with_its_figure_and_its_unit(text: str, withheld: str | None) -> None:
    from budgetqa.qa.grounded import Withheld, withheld_reason

    answer = answer_with(text, TOTAL_QUESTION)
    assert "89 606.9" in answer.text or "89606.9" in answer.text, answer.text
    assert withheld_reason(answer) is (None if withheld is None else Withheld[withheld]), answer.text


@pytest.mark.slow
def test_the_service_passes_the_asked_measure_that_the_parenthesised_shares_answer() -> None:
    from budgetqa.qa.grounded import Withheld, withheld_reason
    from budgetqa.qa.service import QAService

    question = "联非办的经费来源中，经常预算、支助账户和自愿捐款各占百分之几？"  # ¶3.116 gives them in parentheses
    assert Measure.PERCENTAGE in QAService.open().offline(question).measures
    answer = answer_with("联非办的经费来自经常预算、支助账户和自愿捐款。", question)  # true, but without the shares
    assert withheld_reason(answer) is Withheld.INCOMPLETE, answer.text
    assert "9.1%" in answer.text  # the offline answer, which states them, is shown instead


# A question of our own that asks for no figure, answered from a performance table's row (表 3.51):
# the 2024 plan's 80%, and the other years of the row in parentheses (about 121 and 400 claims, 85%).
ROW_QUESTION = "损失登记册的业绩计量中 2024 年关于就业损失索赔的计划是什么？"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "withheld"),
    [
        ("2024 年计划：委员会批准经修订的指南，覆盖迄今提出的就业损失情景的 80%。", "INCOMPLETE"),  # picks from the row
        (
            "2024 年计划：委员会批准经修订的指南，覆盖就业损失情景的 80%（2021 年涉及约 121 项索赔，"
            "2022 年约 400 项索赔，2023 年计划 85%）。",
            None,
        ),
    ],
)
def test_a_reply_drawing_on_a_row_keeps_all_its_figures_when_no_figure_is_asked(text: str, withheld: str | None) -> None:
    from budgetqa.qa.grounded import Withheld, withheld_reason
    from budgetqa.qa.service import QAService

    assert QAService.open().offline(ROW_QUESTION).measures == ()
    answer = answer_with(text, ROW_QUESTION)
    assert withheld_reason(answer) is (None if withheld is None else Withheld[withheld]), answer.text
    assert all(figure in answer.text for figure in ("80%", "121", "400", "85%")), answer.text
