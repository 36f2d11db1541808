"""The web chat with the REAL local model (``BUDGETQA_LLM=llamacpp``): ``budgetqa serve`` started as a
user starts it, Debian's headless Chromium asking the README's two sample questions.

Each answer must stream the model's words into the page as a draft, end in an answer (never a 503 or
an error), and state the checked figure with a citation, whether the generated answer was shown or
withheld for the offline one.  Marked ``llm`` (run with ``-m llm``); several minutes on busy cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetqa.eval.web_check import CHROMIUM, README_QUESTIONS, run_check
from budgetqa.qa.asked_figures import main_figures, states_figure

pytestmark = [pytest.mark.llm, pytest.mark.slow]

# The figure each README question's answer states (the offline answer's, which a generated one must keep).
FIGURES = {README_QUESTIONS[0]: "47 270.9 千美元", README_QUESTIONS[1]: "775 326.2 千美元"}


def test_the_web_chat_streams_the_local_models_answers_without_a_server_error(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("llama_cpp", reason="pip install -e '.[llm]'")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    monkeypatch.setenv("BUDGETQA_LLM", "llamacpp")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    answers = run_check(tmp_path)
    for answer in answers:
        assert not answer.problems, (answer.question, answer.problems, answer.text)
        assert answer.statuses == [200]
        (figure,) = main_figures(FIGURES[answer.question])
        assert states_figure(answer.text, figure), answer.text
        assert all(path.stat().st_size > 10_000 for path in answer.screenshots)
