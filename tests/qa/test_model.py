"""Answer citations print the labels a reader knows each block by, in Chinese and in English."""

from __future__ import annotations

import pytest

from budgetqa.qa.model import Answer, Citation


def test_an_annex_citation_prints_as_annex_three_in_both_languages() -> None:
    citation = Citation("annex", "三", [7000, 7040])
    assert citation.label == "附件三"
    assert citation.label_for("zh") == "附件三"
    assert citation.label_for("en") == "Annex III"


@pytest.mark.parametrize(
    ("kind", "ref", "zh", "en"),
    [
        ("paragraph", "3.115", "¶3.115", "para. 3.115"),
        ("table", "3.27", "表 3.27", "Table 3.27"),
        ("figure", "3.十四", "图 3.十四", "Figure 3.14"),
        ("foreword", "一", "前言 一", "Foreword, part I"),
        ("mandates", "三", "授权 三", "Mandates, part III"),
        ("annex", "三", "附件三", "Annex III"),
    ],
)
def test_every_kind_of_citation_prints_its_label_in_each_language(kind: str, ref: str, zh: str, en: str) -> None:
    citation = Citation(kind, ref, [])
    assert (citation.label, citation.label_for("zh"), citation.label_for("en")) == (zh, zh, en)


def test_a_citation_of_no_known_kind_prints_its_bare_ref() -> None:
    assert Citation("chapter", "7", []).label_for("en") == "7"


def test_the_json_of_a_citation_carries_kind_ref_and_its_labels_in_both_languages() -> None:
    citation = Citation("table", "3.24", [2101, 2130], "员额 …", row="员额")
    answer = Answer("q", "zh", "47 270.9 千美元 [表 3.24]", [citation], 0.9, False)
    assert answer.to_json()["citations"] == [
        {
            "kind": "table",
            "ref": "3.24",
            "lines": [2101, 2130],
            "quote": "员额 …",
            "label": "表 3.24",
            "label_en": "Table 3.24",
            "row": "员额",
        }
    ]
    annex = Citation("annex", "三", []).to_json()
    assert (annex["label"], annex["label_en"]) == ("附件三", "Annex III")  # the web chat prints these
