"""The LangChain tutorial baseline: chunk line spans, chunk → unit mapping, and search over units."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from budgetqa.data import bundled_document_path
from budgetqa.eval.baseline import (
    EncoderEmbeddings,
    LangChainBaseline,
    chunk_line_span,
    chunk_units,
    line_starts,
    overlapping_units,
    sorted_unit_spans,
    split_document,
    units_of_ranked_chunks,
)
from budgetqa.ingest.model import LineSpan


class CharacterHashEncoder:
    """A fake encoder for unit tests: hashed character bigrams, L2-normalised (no model is loaded)."""

    name = "fake-char-bigrams"
    dimension = 512
    fingerprint = "fake"

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            compact = "".join(text.split())
            for a, b in zip(compact, compact[1:], strict=False):
                digest = hashlib.blake2b((a + b).encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def encode_queries(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts)


def test_line_starts_and_chunk_line_spans_are_one_based_and_inclusive() -> None:
    text = "ab\ncd\n\nef"
    starts = line_starts(text)
    assert starts == [0, 3, 6, 7]
    assert chunk_line_span(starts, 0, 2) == LineSpan(1, 1)
    assert chunk_line_span(starts, 1, 4) == LineSpan(1, 2)  # "b\ncd" ends on line 2
    assert chunk_line_span(starts, 3, 3) == LineSpan(2, 2)  # "cd\n": the newline belongs to line 2
    assert chunk_line_span(starts, 7, 2) == LineSpan(4, 4)


def test_a_chunk_maps_to_every_unit_its_lines_overlap_in_document_order() -> None:
    units = sorted_unit_spans(
        [
            ("table:3.7", LineSpan(30, 60)),
            ("paragraph:3.2", LineSpan(10, 20)),
            ("paragraph:3.1", LineSpan(1, 9)),
            ("annex:附件三", LineSpan(70, 80)),
        ]
    )
    assert overlapping_units(LineSpan(8, 12), units) == ["paragraph:3.1", "paragraph:3.2"]
    assert overlapping_units(LineSpan(21, 29), units) == []  # between blocks: page furniture only
    assert overlapping_units(LineSpan(60, 70), units) == ["table:3.7", "annex:三"]
    assert chunk_units([LineSpan(1, 1), LineSpan(25, 35)], units) == [["paragraph:3.1"], ["table:3.7"]]


def test_ranked_chunks_give_the_first_k_distinct_units() -> None:
    per_chunk = [["paragraph:3.1", "paragraph:3.2"], ["paragraph:3.2"], [], ["table:3.7"]]
    assert units_of_ranked_chunks([1, 0, 2, 3], per_chunk, 10) == [
        "paragraph:3.2",
        "paragraph:3.1",
        "table:3.7",
    ]
    assert units_of_ranked_chunks([1, 0, 2, 3], per_chunk, 2) == ["paragraph:3.2", "paragraph:3.1"]


def test_tutorial_chunks_of_the_real_document_cover_the_lines_they_claim() -> None:
    text = bundled_document_path().read_text(encoding="utf-8")
    lines = text.split("\n")
    chunks = split_document(text)
    assert 250 < len(chunks) < 400
    assert all(len(chunk.text) <= 500 for chunk in chunks)
    for chunk in chunks:
        assert text[chunk.start : chunk.start + len(chunk.text)] == chunk.text
        covered = "\n".join(lines[chunk.lines.first - 1 : chunk.lines.last])
        assert chunk.text in covered
        assert chunk.text.split("\n")[0] in lines[chunk.lines.first - 1]


def test_encoder_embeddings_keep_query_and_passage_encodings_apart() -> None:
    """Uses the fake CharacterHashEncoder; checks the LangChain adapter's shapes only."""
    embeddings = EncoderEmbeddings(CharacterHashEncoder())
    documents = embeddings.embed_documents(["建设和平基金", "选举援助"])
    query = embeddings.embed_query("建设和平基金")
    assert len(documents) == 2 and len(documents[0]) == 512 and len(query) == 512
    assert documents[0] == pytest.approx(query)


def test_baseline_search_returns_the_units_of_the_nearest_chunks() -> None:
    """Uses the fake CharacterHashEncoder on a hand-made document with known line spans."""
    blocks = [
        "3.1 建设和平基金 2022 年在 37 个国家投资 2.315 亿美元，较 2021 年增加 18.7%。" * 3,
        "3.2 选举援助司 2024 年计划派出 32 个选举技术、咨询和审查团。" * 3,
        "3.3 损失登记册办公室继续处理已收集的损失索赔，包括扫描、数据输入和翻译。" * 3,
    ]
    text = "\n\n".join(blocks) + "\n"
    units = [
        ("paragraph:3.1", LineSpan(1, 1)),
        ("paragraph:3.2", LineSpan(3, 3)),
        ("paragraph:3.3", LineSpan(5, 5)),
    ]
    baseline = LangChainBaseline(chunk_size=120, chunk_overlap=10, progress=False)
    seconds = baseline.build(text, units, CharacterHashEncoder())
    assert seconds > 0 and baseline.build_seconds == seconds
    assert baseline.search("选举技术、咨询和审查团", k=1) == ["paragraph:3.2"]
    assert baseline.search("损失索赔的扫描和数据输入", k=3)[0] == "paragraph:3.3"
    assert sorted(baseline.search("建设和平基金", k=10)) == [
        "paragraph:3.1",
        "paragraph:3.2",
        "paragraph:3.3",
    ]


def test_searching_an_unbuilt_baseline_says_to_build_it() -> None:
    with pytest.raises(RuntimeError, match="call build"):
        LangChainBaseline().search("x", k=5)


def test_every_paragraph_table_and_figure_of_the_real_document_is_reached_by_some_chunk() -> None:
    from budgetqa.eval.baseline import BASELINE_UNIT_KINDS
    from budgetqa.ingest.parser import parse_document

    path = bundled_document_path()
    document = parse_document(path)
    chunks = split_document(path.read_text(encoding="utf-8"))
    per_chunk = chunk_units([chunk.lines for chunk in chunks], document.units(), BASELINE_UNIT_KINDS)
    reached = {uid for units in per_chunk for uid in units}
    wanted = {u.id for u in document.units() if u.kind.value in ("paragraph", "table", "figure")}
    assert wanted <= reached
    assert not any(uid.startswith(("mandates:", "foreword:")) for uid in reached)
    fund_chunks = [
        units for chunk, units in zip(chunks, per_chunk, strict=True) if "2.315 亿美元" in chunk.text
    ]
    assert fund_chunks and all(
        "paragraph:3.87" in units for units in fund_chunks
    )  # the Peacebuilding Fund total


def test_chunks_without_units_add_nothing_unless_the_ranking_is_filled() -> None:
    """Uses the fake CharacterHashEncoder; the link list between paragraphs belongs to no unit."""
    links = "\n".join(f"https://undocs.org/ch/A/RES/{n}/2{n}" for n in range(60, 66))
    text = "3.1 建设和平基金在 37 个国家投资 2.315 亿美元。\n" + links + "\n3.2 选举援助司派出 32 个审查团。\n"
    units = [("paragraph:3.1", LineSpan(1, 1)), ("paragraph:3.2", LineSpan(8, 8))]
    baseline = LangChainBaseline(chunk_size=60, chunk_overlap=0, progress=False)
    baseline.build(text, units, CharacterHashEncoder())
    assert baseline.units_per_chunk.count([]) >= 1
    assert baseline.search("https://undocs.org/ch/A/RES/61/261", k=1) == []
    assert len(baseline.search("https://undocs.org/ch/A/RES/61/261", k=1, fill=True)) == 1
