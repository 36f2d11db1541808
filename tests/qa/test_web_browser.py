"""The web chat in a real headless browser (Debian's Chromium driven by Playwright).

`test_browser_*` tests other than `test_browser_real_service` run the page against the FAKE answer
service of this folder's conftest (canned answers, no index): they test the page, not the answers.
`test_browser_real_service` opens the real answer service over the bundled document.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Any

import pytest

pytestmark = pytest.mark.slow

POSTS_QUESTION = "政治建和部 2024 年的员额资源是多少？"


def ask(page: Any, question: str) -> Any:
    """Type a question, send it, and wait for the finished answer; returns the answer element."""
    answers = page.get_by_test_id("answer")
    before = answers.count()
    page.get_by_test_id("question-input").fill(question)
    page.get_by_test_id("ask-button").click()
    answer = answers.nth(before)
    answer.and_(page.locator("[data-state=done]")).wait_for()
    return answer


def test_browser_asks_a_question_and_opens_the_cited_table_cell(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    page.goto(server.url)
    expect(page.locator("body[data-ready=true]")).to_have_count(1)
    expect(page.locator("#app-title")).to_have_text("预算问答")

    answer = ask(page, POSTS_QUESTION)
    expect(page.get_by_test_id("user-message")).to_have_text(POSTS_QUESTION)
    expect(answer.get_by_test_id("answer-text")).to_contain_text("47 270.9 千美元")
    expect(answer).to_have_attribute("data-abstained", "false")
    expect(answer.get_by_test_id("confidence")).to_contain_text("0.87")

    chip = answer.get_by_test_id("citation-chip")
    expect(chip).to_have_text("表 3.24")
    chip.click()

    panel = page.get_by_test_id("unit-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("unit-label")).to_have_text("表 3.24")
    table = panel.get_by_test_id("unit-table")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_count(4)
    expect(table.locator("tbody tr")).to_have_count(4)
    row = table.get_by_test_id("highlighted-row")
    expect(row.locator("th")).to_have_text(fake_service.POSTS_ROW)
    expect(table.get_by_test_id("highlighted-cell")).to_have_text("47 270.9")
    expect(table.locator("th.hl-col")).to_have_text(fake_service.POSTS_COLUMN)

    # The conversation goes on in the same session: the server saw one session id for both turns.
    ask(page, "特别政治任务有多少个？")
    sessions = {call[1]["session_id"] for call in fake_service.calls if call[0] == "stream"}
    assert len(sessions) == 1 and None not in sessions
    assert page.evaluate("document.body.dataset.sessionId") in sessions


def test_browser_opens_a_cited_paragraph_with_its_quote_marked(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    page.goto(server.url)
    answer = ask(page, "How many special political missions are proposed for 2024?")
    expect(answer.get_by_test_id("answer-text")).to_contain_text("Special political missions")
    inline = answer.get_by_test_id("inline-citation")
    expect(inline).to_have_text("¶3.144")
    inline.click()
    panel = page.get_by_test_id("unit-panel")
    expect(panel).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("unit-label")).to_have_text("¶3.144")
    expect(panel.get_by_test_id("highlighted-quote")).to_contain_text("38 个特别政治任务")
    expect(panel.get_by_test_id("unit-table")).to_have_count(0)
    page.get_by_test_id("panel-close").click()
    expect(panel).to_be_hidden()


def test_browser_marks_abstained_answers_and_shows_text_never_html(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    page.goto(server.url)
    hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> 火星预算'
    answer = ask(page, hostile)
    expect(page.get_by_test_id("user-message")).to_have_text(hostile)
    expect(answer).to_have_attribute("data-abstained", "true")
    expect(answer.get_by_test_id("abstained-badge")).to_have_text("文件中未找到")
    expect(answer.get_by_test_id("answer-text")).to_contain_text(hostile)
    nearest = answer.get_by_test_id("citation-chip")
    expect(nearest).to_have_text(["¶3.144", "表 3.24"])
    nearest.first.click()
    expect(page.get_by_test_id("unit-label")).to_have_text("¶3.144")

    # A table cell holding markup is shown as text too.
    ask(page, POSTS_QUESTION)
    page.get_by_test_id("citation-chip").last.click()
    expect(page.get_by_test_id("unit-table")).to_contain_text(fake_service.XSS_ROW_LABEL)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#conversation img, #unit-panel img, #conversation script").count() == 0


def test_browser_switches_the_interface_between_chinese_and_english(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    page.goto(server.url)
    answer = ask(page, POSTS_QUESTION)
    expect(page.get_by_test_id("ask-button")).to_have_text("提问")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("ask-button")).to_have_text("Ask")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(answer.get_by_test_id("citation-chip")).to_have_text("Table 3.24")
    page.reload()
    expect(page.get_by_test_id("ask-button")).to_have_text("Ask")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("ask-button")).to_have_text("提问")


def test_browser_shows_the_servers_message_for_a_rejected_question(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    page.goto(server.url)
    page.get_by_test_id("question-input").fill("?!?")
    page.get_by_test_id("ask-button").click()
    expect(page.get_by_test_id("error")).to_contain_text("no letters or digits")


def test_browser_loads_nothing_from_outside_the_server(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    server = start_server(fake_service)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url)
    ask(page, POSTS_QUESTION)
    page.get_by_test_id("citation-chip").click()
    page.get_by_test_id("unit-table").wait_for()
    outside = [url for url in requested if not url.startswith(server.url) and not url.startswith("data:")]
    assert requested and outside == []


@pytest.mark.skipif(
    importlib.util.find_spec("budgetqa.qa.service") is None, reason="budgetqa.qa.service is not written yet"
)
def test_browser_real_service(browser_page: Any, start_server: Any) -> None:
    """The real answer service over the bundled document answers with a citation that opens its unit."""
    from playwright.sync_api import expect

    from budgetqa.qa.service import QAService
    from budgetqa.settings import Settings

    server = start_server(QAService.open(Settings.from_env()))
    page = browser_page
    page.set_default_timeout(60_000)
    page.goto(server.url)
    answer = ask(page, POSTS_QUESTION)
    expect(answer.get_by_test_id("answer-text")).not_to_be_empty()
    chip = answer.get_by_test_id("citation-chip").first
    expect(chip).to_have_text(re.compile(r"^(¶|表 |图 )3\."))
    chip.click()
    panel = page.get_by_test_id("unit-panel")
    expect(panel).to_have_attribute("data-state", "done")
    expect(page.get_by_test_id("unit-body")).not_to_be_empty()


def test_browser_shows_markup_as_text_and_its_policy_blocks_inline_script(
    browser_page: Any, start_server: Any, fake_service: Any
) -> None:
    """Markup in a question (echoed back in the answer) and in a cited table's row label stays text.

    The page's Content-Security-Policy is checked too: the page itself raises no violation, and
    markup that did get into the page as HTML could still not run its inline handler.
    """
    from playwright.sync_api import expect

    server = start_server(fake_service)
    page = browser_page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(server.url)
    assert "script-src 'self'" in response.headers["content-security-policy"]

    hostile = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> 火星 budget?'
    answer = ask(page, hostile)
    expect(page.get_by_test_id("user-message").last).to_have_text(hostile)
    expect(answer.get_by_test_id("answer-text")).to_contain_text("<script>window.__xss=1</script>")

    answer = ask(page, f"{hostile} 员额")
    answer.get_by_test_id("citation-chip").click()
    table = page.get_by_test_id("unit-table")
    expect(table.locator("tbody th", has_text="onerror")).to_have_text(fake_service.XSS_ROW_LABEL)
    assert (
        page.locator("#conversation img, #conversation script, #unit-panel img, #unit-panel script").count()
        == 0
    )
    assert page.evaluate("window.__xss") is None

    assert violations == []  # the page's own script and styles keep to the policy

    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__blocked=1\">')"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__blocked") is None
    assert any("inline event handler" in text for text in violations)
