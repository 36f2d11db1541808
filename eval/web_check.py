"""The web chat with the configured chat model, checked in a real browser: ``budgetqa serve`` started
as a user starts it, Debian's headless Chromium asking the README's sample questions in the page.

For each question it records the HTTP status of the answer stream (a 503 is a failure), whether the
model's words streamed into the page as a draft before the checked answer replaced it (and after how
many seconds the first words appeared), the answer shown, whether the generated answer was withheld,
and screenshots of the draft and of the finished answer.

    BUDGETQA_LLM=llamacpp python -m budgetqa.eval.web_check --out web-check

needs Debian's ``chromium`` (``apt-get install chromium fonts-noto-cjk``) and the ``playwright``
package of the test extra (it drives the installed Chromium; no browser is downloaded).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetqa.atomic import write_text

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The two questions of the README's set-up command.
README_QUESTIONS = (
    "政治建和部 2024 年的员额资源是多少？",
    "How much is proposed for special political missions in 2024?",
)
STARTUP_S = 600  # opening the index and loading the model, on busy cores
ANSWER_S = 900  # one answer, on busy cores

# Watches the page for the model's words: each streamed piece is a text node appended to the pending
# answer's text (class "pending", which the checked answer's rendering replaces).
_OBSERVER = """() => {
window.__draft = { askedAt: null, firstAt: null, pieces: 0 };
new MutationObserver((mutations) => {
  for (const m of mutations) {
    if (m.type !== "childList" || !m.target.classList || !m.target.classList.contains("pending")) continue;
    for (const node of m.addedNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.data) continue;
      window.__draft.pieces += 1;
      if (window.__draft.firstAt === null) window.__draft.firstAt = performance.now();
    }
  }
}).observe(document.body, { subtree: true, childList: true });
}"""


@dataclass
class WebAnswer:
    """What the page showed for one question."""

    question: str
    statuses: list[int] = field(default_factory=list)  # HTTP statuses of the answer stream requests
    first_draft_s: float | None = None  # seconds from sending to the model's first words in the page
    draft_pieces: int = 0  # pieces appended to the draft as they streamed
    total_s: float = 0.0
    state: str = ""  # "done" (an answer) or "error" (what the page shows for a failure)
    text: str = ""
    withheld: bool = False
    screenshots: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """What is wrong with this answer in the browser (nothing when it streamed and was answered)."""
        found = []
        if any(status >= 500 for status in self.statuses) or "503" in self.text:
            found.append(f"server error ({self.statuses})")
        if self.state != "done":
            found.append(f"no answer (page state {self.state!r}: {self.text[:120]})")
        if self.first_draft_s is None:
            found.append("the model's words did not stream into the page")
        return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _budgetqa_command() -> list[str]:
    """The ``budgetqa`` command of this environment."""
    script = Path(sys.executable).parent / "budgetqa"
    return [str(script)] if script.exists() else [shutil.which("budgetqa") or "budgetqa"]


@contextmanager
def served(log_path: Path, *, startup_s: float = STARTUP_S) -> Iterator[str]:
    """``budgetqa serve`` on a free loopback port with this process's settings, until the block ends;
    yields its URL once ``/healthz`` says the service is ready."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [*_budgetqa_command(), "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        try:
            deadline = time.monotonic() + startup_s
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"budgetqa serve exited with code {process.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                        if b'"ready"' in response.read():
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"budgetqa serve was not ready after {startup_s:.0f} s; see {log_path}")
                time.sleep(1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def open_chat(page: Any, url: str) -> None:
    """Open the web chat at `url` in `page`, wait until it is ready and watch it for drafts."""
    page.goto(url)
    page.locator("body[data-ready=true]").wait_for(timeout=60_000)
    page.evaluate(_OBSERVER)


def ask_in_page(page: Any, question: str, shots: Path, name: str, *, answer_s: float = ANSWER_S) -> WebAnswer:
    """Ask `question` in the web chat and follow its answer: the draft, the finished answer, screenshots."""
    result = WebAnswer(question)

    def on_response(response: Any) -> None:
        if "/chat/stream" in response.url:
            result.statuses.append(response.status)

    page.on("response", on_response)
    before = page.locator(".msg.answer, .msg.error").count()
    page.evaluate("window.__draft = { askedAt: performance.now(), firstAt: null, pieces: 0 }")
    started = time.monotonic()
    page.get_by_test_id("question-input").fill(question)
    page.get_by_test_id("ask-button").click()
    element = page.locator(".msg.answer, .msg.error").nth(before)
    # the model's first words (a draft), or the answer already finished, or an error
    page.locator(".msg.answer.draft, .msg.answer[data-state=done], .msg.error").nth(before).wait_for(
        timeout=answer_s * 1000
    )
    if page.locator(".msg.answer.draft").count():
        time.sleep(1.0)  # a few more words
        result.screenshots.append(shots / f"{name}-draft.png")
        page.screenshot(path=str(result.screenshots[-1]))
    page.locator(".msg.answer[data-state=done], .msg.error").nth(before).wait_for(timeout=answer_s * 1000)
    result.total_s = time.monotonic() - started
    draft = page.evaluate("window.__draft")
    if draft["firstAt"] is not None:
        result.first_draft_s = (draft["firstAt"] - draft["askedAt"]) / 1000
    result.draft_pieces = int(draft["pieces"])
    result.state = element.get_attribute("data-state") or ""
    result.text = element.inner_text()
    result.withheld = "withheld" in result.text or "未予显示" in result.text
    result.screenshots.append(shots / f"{name}-done.png")
    page.screenshot(path=str(result.screenshots[-1]), full_page=True)
    page.remove_listener("response", on_response)
    return result


def run_check(out: Path, questions: Sequence[str] = README_QUESTIONS, *, answer_s: float = ANSWER_S) -> list[WebAnswer]:
    """Serve, open the web chat in Chromium, ask `questions` in turn; screenshots and the server's log
    go to `out`."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    out.mkdir(parents=True, exist_ok=True)
    with served(out / "serve.log") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            open_chat(page, url)
            return [ask_in_page(page, question, out, f"q{n + 1}", answer_s=answer_s) for n, question in enumerate(questions)]
        finally:
            browser.close()


def render_markdown(answers: Sequence[WebAnswer], machine: str) -> list[str]:
    """The check's results as a Markdown table."""
    lines = [
        f"Web chat in headless Chromium, {machine}.",
        "",
        "| question | stream status | first words (s) | streamed pieces | answer (s) | shown | problems |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in answers:
        first = f"{a.first_draft_s:.1f}" if a.first_draft_s is not None else "–"
        shown = (
            "error"
            if a.state != "done"
            else "offline (generated withheld)"
            if a.withheld
            else "generated"
            if "llm:" in a.text
            else "offline"
        )
        lines.append(
            f"| {a.question} | {', '.join(map(str, a.statuses))} | {first} | {a.draft_pieces} | {a.total_s:.1f} "
            f"| {shown} | {'; '.join(a.problems) or 'none'} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Run the check with the configured model; exit 1 when a question was not answered as streamed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the screenshots, the server log and report.md")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    answers = run_check(args.out)
    machine = f"{os.cpu_count()} CPU cores, one-minute load average {before:.1f} before and {os.getloadavg()[0]:.1f} after"
    text = "\n".join(render_markdown(answers, machine)) + "\n"
    write_text(args.out / "report.md", text)
    print(text, flush=True)
    for answer in answers:
        print(f"--- {answer.question}\n{answer.text}\n", flush=True)
    if any(answer.problems for answer in answers):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
