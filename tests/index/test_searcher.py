"""The persisted hybrid index of the real document: reopened without re-embedding, rebuilt when the
document changes (reusing cached embeddings), robust to a damaged index, replaced atomically."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rich.console import Console

from budgetqa.data import bundled_document_path
from budgetqa.index.encoders import LazyEncoder
from budgetqa.index.model import SearchScope
from budgetqa.index.searcher import HybridIndex, IndexManifest
from budgetqa.ingest.model import BlockKind
from budgetqa.ingest.parser import parse_text
from budgetqa.settings import Settings

QUIET = Console(stderr=True, quiet=True)

# One line of ¶3.98 (the objective of subprogramme 7), and an edited version of it.
ORIGINAL_LINE = "3.98 本次级方案促进实现的目标是加强联合国同阿拉伯国家联盟(阿盟)的合作。"
EDITED_LINE = "3.98 本次级方案促进实现的目标是加强联合国同阿拉伯国家联盟(阿盟)在调解领域的合作。"


def _manifest_path(index: HybridIndex) -> Path:
    return index.info.path / "manifest.json"


def _leftovers(directory: Path) -> list[str]:
    """Temporary files or directories (dot-names) left behind by a write."""
    return sorted(path.name for path in directory.iterdir() if path.name.startswith("."))


def test_the_session_index_records_what_it_was_built_from(document, usem3_index) -> None:
    manifest = IndexManifest.from_json(_manifest_path(usem3_index).read_text(encoding="utf-8"))
    assert manifest.document_sha256 == document.source_sha256
    assert manifest.unit_ids == [unit.uid for unit in usem3_index.units]
    assert [(entry.name, entry.dimension, entry.rows) for entry in manifest.encoders] == [("usem3", 512, "all")]
    assert usem3_index.info.path.name.startswith(document.source_sha256[:16])


def test_reopening_the_index_embeds_nothing_and_leaves_the_manifest_unchanged(
    document, usem3_index, usem3_settings: Settings
) -> None:
    before = _manifest_path(usem3_index).read_bytes()
    started = time.perf_counter()
    reopened = HybridIndex.open(document, usem3_settings, console=QUIET)
    assert time.perf_counter() - started < 10
    assert reopened.info.rebuilt is False and reopened.info.embedded == {}
    assert _manifest_path(reopened).read_bytes() == before
    encoder = reopened.dense["usem3"][0]
    assert isinstance(encoder, LazyEncoder) and not encoder.loaded  # the model is not even loaded
    assert len(reopened.units) == len(usem3_index.units)


def test_editing_one_paragraph_rebuilds_and_embeds_only_the_changed_unit(cache_copy: Settings) -> None:
    source = bundled_document_path().read_text(encoding="utf-8")
    assert source.count(ORIGINAL_LINE) == 1
    edited = parse_text(source.replace(ORIGINAL_LINE, EDITED_LINE), source_name="edited copy")
    index = HybridIndex.open(edited, cache_copy, console=QUIET)
    assert index.info.rebuilt is True
    assert index.info.path.name.startswith(edited.source_sha256[:16])
    assert 1 <= index.info.embedded["usem3"] <= 3
    manifest = IndexManifest.from_json(_manifest_path(index).read_text(encoding="utf-8"))
    assert manifest.embedded == index.info.embedded
    top = index.search("阿盟在调解领域的合作", top_k=3)
    assert (top[0].unit.kind, top[0].unit.ref) == (BlockKind.PARAGRAPH, "3.98")


@pytest.mark.parametrize("damage", ["{not json", '{"version": 1}'])
def test_a_corrupt_manifest_triggers_a_rebuild_from_cached_embeddings(
    document, usem3_index, cache_copy: Settings, damage: str
) -> None:
    manifest = cache_copy.indexes_dir / usem3_index.info.path.name / "manifest.json"
    manifest.write_text(damage, encoding="utf-8")
    index = HybridIndex.open(document, cache_copy, console=QUIET)
    assert index.info.rebuilt is True and index.info.embedded == {"usem3": 0}
    assert json.loads(manifest.read_text(encoding="utf-8"))["document_sha256"] == document.source_sha256
    assert index.search("表 3.27", top_k=1)


def test_a_missing_store_file_behind_a_valid_manifest_triggers_a_rebuild(
    document, usem3_index, cache_copy: Settings
) -> None:
    (cache_copy.indexes_dir / usem3_index.info.path.name / "dense-usem3.faiss").unlink()
    index = HybridIndex.open(document, cache_copy, console=QUIET)
    assert index.info.rebuilt is True


def test_the_index_directory_is_replaced_atomically_leaving_no_temporary_files(
    document, usem3_index, cache_copy: Settings
) -> None:
    index = HybridIndex.open(document, cache_copy, rebuild=True, console=QUIET)
    assert index.info.rebuilt is True and index.info.embedded == {"usem3": 0}
    assert [path.name for path in cache_copy.indexes_dir.iterdir()] == [usem3_index.info.path.name]
    assert _leftovers(index.info.path) == [] and _leftovers(cache_copy.cache_dir / "embeddings") == []
    assert sorted(path.name for path in index.info.path.iterdir()) == ["bm25", "bm25-en", "dense-usem3.faiss", "manifest.json"]


def test_a_build_that_fails_leaves_the_previous_index_in_place(document, usem3_index, cache_copy: Settings) -> None:
    """Uses an encoder whose model cannot load (the real lazy wrapper with a failing loader), so that
    the rebuild fails part-way."""
    real = usem3_index.dense["usem3"][0]

    def unavailable() -> LazyEncoder:
        raise RuntimeError("model unavailable")

    def loader(name: str) -> LazyEncoder:
        return LazyEncoder(name, real.dimension, real.fingerprint, unavailable)

    for cached in (cache_copy.cache_dir / "embeddings").glob("usem3*.npz"):
        cached.unlink()  # every unit must be embedded again, which fails
    path = cache_copy.indexes_dir / usem3_index.info.path.name
    before = (path / "manifest.json").read_bytes()
    with pytest.raises(RuntimeError, match="model unavailable"):
        HybridIndex.open(document, cache_copy, rebuild=True, console=QUIET, encoder_loader=loader)
    assert (path / "manifest.json").read_bytes() == before
    assert _leftovers(cache_copy.indexes_dir) == [] and _leftovers(path) == []
    assert HybridIndex.open(document, cache_copy, console=QUIET).info.rebuilt is False


def test_an_empty_query_is_a_value_error(usem3_index) -> None:
    with pytest.raises(ValueError, match="empty query"):
        usem3_index.search("   ")


def test_a_paragraph_that_cites_a_table_brings_the_table_right_after_it(usem3_index) -> None:
    hits = usem3_index.search("如表 3.27 所示，行政领导和管理项下拟议增加 200 000 美元，用于对联非办进行独立审查", top_k=10)
    refs = [(hit.unit.kind, hit.unit.ref) for hit in hits]
    assert (BlockKind.PARAGRAPH, "3.116") in refs[:2]
    position = refs.index((BlockKind.PARAGRAPH, "3.116"))
    assert refs[position + 1] == (BlockKind.TABLE, "3.27") and "linked" in hits[position + 1].ranks


def test_by_default_a_table_appears_once_however_many_of_its_rows_match(usem3_index) -> None:
    hits = usem3_index.search("政治建和部员额 2022 年支出 2023 年批款 2024 年估计", top_k=10)
    keys = [(hit.unit.kind, hit.unit.ref) for hit in hits]
    assert len(keys) == len(set(keys))
    several = usem3_index.search("政治建和部员额 2022 年支出 2023 年批款 2024 年估计", top_k=10, per_ref=3)
    assert len({(hit.unit.kind, hit.unit.ref) for hit in several}) < len(several)


def test_the_rows_of_a_table_come_in_table_order(document, usem3_index) -> None:
    rows = usem3_index.rows_of("3.24")
    assert [row.row for row in rows] == sorted(row.row for row in rows)
    assert rows[0].row_label == document.table("3.24").rows[0].label == "员额"
    assert usem3_index.rows_of("9.99") == []


def test_a_scope_ranks_the_named_body_first_and_cuts_nothing(usem3_index) -> None:
    """A question about travel compliance is asked of every body; scoped to the Office to the African
    Union (part 五), that office's units lead, and the other bodies' units are still found below."""
    query = "提前至少两周购买机票的遵守率"
    plain = usem3_index.search(query, top_k=10, lang="zh")
    scoped = usem3_index.search(query, top_k=10, lang="zh", scope=SearchScope(("五",)))
    assert scoped[0].unit.part == "五" and "scope" in scoped[0].ranks
    first_plain = next((i for i, hit in enumerate(plain) if hit.unit.part == "五"), len(plain))
    assert first_plain > 0  # without the scope another body's unit leads
    assert any(hit.unit.part != "五" for hit in scoped)  # a boost, not a filter


def test_an_empty_scope_changes_nothing(usem3_index) -> None:
    query = "选举援助的预算外资源"
    assert [h.unit.uid for h in usem3_index.search(query, top_k=5, scope=SearchScope())] == [
        h.unit.uid for h in usem3_index.search(query, top_k=5)
    ]
