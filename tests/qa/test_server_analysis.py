"""The audit and overview endpoints (``GET /audit``, ``GET /overview``, ``GET /overview/chart.png``) and
their section of the web chat, over the bundled document's audit and overview.

Answers come from the FAKE answer service of this folder's conftest; its ``lookup`` is replaced here
by one that reads the real bundled document, so that a finding's table opens with its cells marked.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from budgetqa.data import bundled_document_path
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.parser import parse_document
from budgetqa.ingest.refs import parse_citation, resolve
from budgetqa.qa.analyst_views import AnalystViews
from budgetqa.qa.model import UnitView
from budgetqa.qa.server import create_app

from .conftest import FakeAnswerService

DOCUMENT = parse_document(bundled_document_path())
VIEWS = AnalystViews.of(DOCUMENT)


class DocumentLookupService(FakeAnswerService):
    """The FAKE answer service, with units looked up in the real bundled document."""

    def lookup(self, ref: str) -> UnitView:
        citation = parse_citation(ref)
        if citation is None:
            raise ValueError(f"{ref!r} is not a reference")
        unit = resolve(DOCUMENT, citation)
        view = UnitView(unit.kind.value, unit.ref, ref, unit.title, unit.text, unit.lines.as_list(), list(unit.section), unit.part)
        if unit.kind is BlockKind.TABLE:
            table = DOCUMENT.table(unit.ref)
            view.columns = list(table.columns)
            view.rows = [{"label": r.label, "cells": [c.text for c in r.cells], "group": r.group, "part": r.part,
                          "is_total": r.is_total} for r in table.rows]
        return view


def client() -> TestClient:
    return TestClient(create_app(FakeAnswerService(), views=VIEWS))


def test_get_audit_lists_each_finding_with_its_sentence_and_both_sides():
    with client() as http:
        data = http.get("/audit", params={"lang": "en", "body": "反恐办", "only": "discrepancy"}).json()
    assert data["counts"] == {"rounding": 0, "discrepancy": 9}
    annex = [f for f in data["findings"] if f["check"] == "column_sum" and f["printed"]["printed"] == "29 662.5"]
    (finding,) = annex
    assert finding["sentence"].startswith("Annex IV | Office of Counter-Terrorism | Total | 2024 estimate: printed 29 662.5")
    assert [s["role"] for s in finding["sides"]] == ["printed", "other", "other", "other"]
    assert finding["sides"][0]["quote"].startswith("反恐怖主义办公室 5 807.8 10 112.1")


def test_get_overview_and_its_chart():
    with client() as http:
        data = http.get("/overview", params={"lang": "zh", "body": "UNOCT"}).json()
        chart = http.get(data["chart"])
    assert data["headers"][3:5] == ["2023 年", "2024 年"]
    assert data["rows"][0][:7] == ["反恐怖主义办公室", "经常预算", "资源（千美元）", "5 807.8", "10 112.1", "+4 304.3", "+74.1%"]
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")


def test_an_unknown_body_or_table_is_a_400_that_says_what_exists():
    with client() as http:
        body = http.get("/audit", params={"body": "Ministry of Silly Walks"})
        table = http.get("/audit", params={"table": "3.999"})
    assert body.status_code == 400 and "choose one of: DPPA" in body.json()["detail"]
    assert table.status_code == 400 and "3.1 to 3.80" in table.json()["detail"]


def test_without_views_a_service_without_a_document_gets_a_404():
    with TestClient(create_app(FakeAnswerService())) as http:
        response = http.get("/overview")
    assert response.status_code == 404
    assert "need the document" in response.json()["detail"]


schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(FakeAnswerService(), views=VIEWS)).include(
    path_regex="^/(audit|overview)"
)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_analysis_endpoints_answer_within_their_schema(case: schemathesis.Case) -> None:
    # A body is any name a reader may use, so a schema-valid one may still be unknown: a 400 that says so.
    response = case.call()
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    if response.status_code == 400:
        assert "body" in response.json()["detail"] or "table" in response.json()["detail"]


def open_printed_side(page, start_app, check: str, printed: str) -> None:
    """Open the web chat's audit, then the printed side of the first `check` finding printed as `printed`."""
    page.goto(start_app(create_app(DocumentLookupService(), views=VIEWS)))
    page.wait_for_selector("body[data-ready=true]")
    page.click("[data-testid=show-audit]")
    page.wait_for_selector("[data-testid=audit-finding]")
    finding = page.locator(f"[data-testid=audit-finding][data-check={check}]", has_text=f"印为 {printed}").first
    finding.locator("[data-testid=finding-side]").first.click()
    page.wait_for_selector("#unit-panel[data-state=done]")


@pytest.mark.slow
def test_the_web_chat_lists_the_findings_and_opens_a_table_with_the_cells_marked(start_app, browser_page):
    page = browser_page
    open_printed_side(page, start_app, "row_sum", "10 292.5")
    assert page.locator("[data-testid=audit-finding]").count() == len(VIEWS.answerer.audit.findings)
    assert page.get_by_test_id("highlighted-cell").inner_text() == "10 292.5"
    assert page.get_by_test_id("highlighted-other").all_inner_texts() == ["1 007.0", "9 076.0", "401.1"]
    with page.expect_response(lambda response: "/overview/chart.png" in response.url) as loaded:
        page.click("[data-testid=show-overview]")
    assert loaded.value.status == 200 and loaded.value.headers["content-type"] == "image/png"
    assert "29 662.5" in page.get_by_test_id("overview-table").inner_text()
    assert page.get_by_test_id("overview-chart-link").get_attribute("href") == page.get_by_test_id("overview-chart").get_attribute("src")


@pytest.mark.slow
def test_an_annex_side_opens_its_row_with_the_finding_figures_marked(start_app, browser_page):
    page = browser_page
    # the annex's UNOCT all-sources 2024 figure against its three sources, all in one printed row
    open_printed_side(page, start_app, "column_sum", "29 662.5")
    assert page.get_by_test_id("highlighted-quote").inner_text().startswith("反恐怖主义办公室 5 807.8")
    assert page.get_by_test_id("highlighted-figure").all_inner_texts() == ["29 662.5"]
    assert page.get_by_test_id("highlighted-other-figure").all_inner_texts() == ["10 112.1", "19 540.4"]  # "—" unmarked
