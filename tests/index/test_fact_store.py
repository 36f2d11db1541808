"""The fact store: the document's facts in one SQLite file that sqlite3, pandas and the CLI can read."""

from __future__ import annotations

import dataclasses
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from budgetqa.index import fact_store
from budgetqa.index.fact_store import COLUMN_NAMES, FactStore, FactStoreError, fact_store_path
from budgetqa.ingest.budget import Basis, FundingSource, Measure
from budgetqa.ingest.facts import Fact, FactSource, extract_facts
from budgetqa.settings import Settings

_CJK = re.compile(r"[\u3400-\u9fff]")


# ---------------------------------------------------------------- the file


def test_the_store_lives_beside_the_search_indexes_and_holds_every_fact(opened_facts, document, facts_cache) -> None:
    assert opened_facts.path == facts_cache.indexes_dir / f"{document.source_sha256[:16]}-facts.sqlite"
    assert opened_facts.meta["document_sha256"] == document.source_sha256
    assert opened_facts.meta["schema_version"] == str(fact_store.SCHEMA_VERSION)
    assert opened_facts.count() == int(opened_facts.meta["fact_count"]) == len(extract_facts(document))


def test_stored_facts_read_back_as_the_extracted_facts(opened_facts, document) -> None:
    assert opened_facts.query() == extract_facts(document)


def test_every_fact_field_has_a_column(opened_facts) -> None:
    expected = {f.name for f in dataclasses.fields(Fact)} - {"source", "group"} | {"group_name"}
    expected |= {f"source_{f.name}" for f in dataclasses.fields(FactSource)}
    assert expected <= set(COLUMN_NAMES)
    names, _ = opened_facts.sql("SELECT * FROM facts LIMIT 1")
    assert tuple(names) == COLUMN_NAMES
    indexes = {row[0] for row in opened_facts.sql("SELECT name FROM sqlite_master WHERE type = 'index'")[1]}
    assert {"facts_body", "facts_year", "facts_measure"} <= indexes


def test_reopening_an_up_to_date_store_does_not_rewrite_it(opened_facts, document, facts_cache) -> None:
    before = opened_facts.path.stat().st_mtime_ns
    FactStore.for_document(document, facts_cache).close()
    assert opened_facts.path.stat().st_mtime_ns == before


def test_a_damaged_or_outdated_store_is_rebuilt(document, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(cache_dir=tmp_path)
    path = fact_store_path(document, settings)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    with FactStore.for_document(document, settings) as rebuilt:
        assert rebuilt.count() > 2500
    monkeypatch.setattr(fact_store, "SCHEMA_VERSION", fact_store.SCHEMA_VERSION + 1)
    with FactStore.for_document(document, settings) as newer:
        assert newer.meta["schema_version"] == str(fact_store.SCHEMA_VERSION)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_opening_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FactStoreError, match="no fact store"):
        FactStore.open(tmp_path / "facts.sqlite")


def test_pandas_and_the_sqlite3_client_read_the_file(opened_facts) -> None:
    with sqlite3.connect(opened_facts.path) as connection:
        frame = pd.read_sql("SELECT body, count(*) AS n FROM facts GROUP BY body", connection)
    assert set(frame["body"]) == {"DPPA", "SPM", "UNSCO", "UNRoD", "UNOAU", "UNOCT", "SECTION"}
    assert frame["n"].sum() == opened_facts.count()
    client = shutil.which("sqlite3")
    if client is None:
        pytest.skip("no sqlite3 client on this machine")
    printed = subprocess.run([client, str(opened_facts.path), "SELECT count(*) FROM facts"], capture_output=True, text=True, check=True)
    assert int(printed.stdout) == opened_facts.count()


# ---------------------------------------------------------------- queries


def test_sql_is_read_only(opened_facts) -> None:
    with pytest.raises(FactStoreError, match="read-only"):
        opened_facts.sql("DELETE FROM facts")
    with pytest.raises(FactStoreError, match="read-only"):
        opened_facts.sql("CREATE TABLE mine (x)")
    with pytest.raises(FactStoreError, match="SQL error"):
        opened_facts.sql("SELECT nothing FROM nowhere")
    assert opened_facts.count() > 2500


def test_filters_combine(opened_facts) -> None:
    found = opened_facts.query(body="UNOCT", year=2024, measure="posts", funding="regular-budget", basis=Basis.PROPOSED)
    assert found and {(f.body, f.year, f.measure, f.funding, f.basis) for f in found} == {
        ("UNOCT", 2024, Measure.POSTS, FundingSource.REGULAR_BUDGET, Basis.PROPOSED)
    }
    assert {f.value for f in found if f.label in ("共计", "反恐怖主义办公室")} == {57.0}


def test_a_table_filter_takes_the_reference_as_readers_write_it(opened_facts) -> None:
    assert {f.source.ref for f in opened_facts.query(table="表 3.27")} == {"3.27"}
    assert len(opened_facts.query(table="table 3.27")) == len(opened_facts.query(table="3.27")) > 100
    with pytest.raises(FactStoreError, match="not a table reference"):
        opened_facts.query(table="the big one")


def test_an_unknown_choice_lists_the_valid_ones(opened_facts) -> None:
    with pytest.raises(FactStoreError, match="choose one of: regular_budget, other_assessed, extrabudgetary, all"):
        opened_facts.query(funding="donations")


def test_every_row_has_english_labels_without_chinese(opened_facts) -> None:
    _, rows = opened_facts.sql("SELECT id, label_en, body_en, component, component_en FROM facts")
    for fact_id, label_en, body_en, component, component_en in rows:
        assert label_en and not _CJK.search(label_en), fact_id
        assert body_en and not _CJK.search(body_en), fact_id
        assert (component is None) == (component_en is None), fact_id
        assert component_en is None or not _CJK.search(component_en), fact_id
    names = dict(opened_facts.sql("SELECT label, label_en FROM facts WHERE source_kind = 'annex'")[1])
    assert names["联合国驻非洲联盟办事处"] == "United Nations Office to the African Union"


def test_usd_is_money_in_dollars_and_nothing_else(opened_facts) -> None:
    _, rows = opened_facts.sql("SELECT measure, unit, value, is_nil, usd FROM facts")
    for measure, unit, value, is_nil, usd in rows:
        if measure != "money":
            assert usd is None
        elif is_nil:
            assert usd == 0.0
        else:
            assert usd == pytest.approx(value * (1000 if unit == "千美元" else 1))
