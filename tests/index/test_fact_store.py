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


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(cache_dir=tmp_path_factory.mktemp("facts-cache"))


@pytest.fixture(scope="module")
def store(document, settings: Settings):
    with FactStore.for_document(document, settings) as opened:
        yield opened


# ---------------------------------------------------------------- the file


def test_the_store_lives_beside_the_search_indexes_and_holds_every_fact(store, document, settings) -> None:
    assert store.path == settings.indexes_dir / f"{document.source_sha256[:16]}-facts.sqlite"
    assert store.meta["document_sha256"] == document.source_sha256
    assert store.meta["schema_version"] == str(fact_store.SCHEMA_VERSION)
    assert store.count() == int(store.meta["fact_count"]) == len(extract_facts(document))


def test_stored_facts_read_back_as_the_extracted_facts(store, document) -> None:
    assert store.query() == extract_facts(document)


def test_every_fact_field_has_a_column(store) -> None:
    expected = {f.name for f in dataclasses.fields(Fact)} - {"source", "group"} | {"group_name"}
    expected |= {f"source_{f.name}" for f in dataclasses.fields(FactSource)}
    assert expected <= set(COLUMN_NAMES)
    names, _ = store.sql("SELECT * FROM facts LIMIT 1")
    assert tuple(names) == COLUMN_NAMES
    indexes = {row[0] for row in store.sql("SELECT name FROM sqlite_master WHERE type = 'index'")[1]}
    assert {"facts_body", "facts_year", "facts_measure"} <= indexes


def test_reopening_an_up_to_date_store_does_not_rewrite_it(store, document, settings) -> None:
    before = store.path.stat().st_mtime_ns
    FactStore.for_document(document, settings).close()
    assert store.path.stat().st_mtime_ns == before


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


def test_pandas_and_the_sqlite3_client_read_the_file(store) -> None:
    with sqlite3.connect(store.path) as connection:
        frame = pd.read_sql("SELECT body, count(*) AS n FROM facts GROUP BY body", connection)
    assert set(frame["body"]) == {"DPPA", "SPM", "UNSCO", "UNRoD", "UNOAU", "UNOCT", "SECTION"}
    assert frame["n"].sum() == store.count()
    client = shutil.which("sqlite3")
    if client is None:
        pytest.skip("no sqlite3 client on this machine")
    printed = subprocess.run([client, str(store.path), "SELECT count(*) FROM facts"], capture_output=True, text=True, check=True)
    assert int(printed.stdout) == store.count()


# ---------------------------------------------------------------- queries


def test_sql_is_read_only(store) -> None:
    with pytest.raises(FactStoreError, match="read-only"):
        store.sql("DELETE FROM facts")
    with pytest.raises(FactStoreError, match="read-only"):
        store.sql("CREATE TABLE mine (x)")
    with pytest.raises(FactStoreError, match="SQL error"):
        store.sql("SELECT nothing FROM nowhere")
    assert store.count() > 2500


def test_filters_combine(store) -> None:
    found = store.query(body="UNOCT", year=2024, measure="posts", funding="regular-budget", basis=Basis.PROPOSED)
    assert found and {(f.body, f.year, f.measure, f.funding, f.basis) for f in found} == {
        ("UNOCT", 2024, Measure.POSTS, FundingSource.REGULAR_BUDGET, Basis.PROPOSED)
    }
    assert {f.value for f in found if f.label in ("共计", "反恐怖主义办公室")} == {57.0}


def test_a_table_filter_takes_the_reference_as_readers_write_it(store) -> None:
    assert {f.source.ref for f in store.query(table="表 3.27")} == {"3.27"}
    assert len(store.query(table="table 3.27")) == len(store.query(table="3.27")) > 100
    with pytest.raises(FactStoreError, match="not a table reference"):
        store.query(table="the big one")


def test_an_unknown_choice_lists_the_valid_ones(store) -> None:
    with pytest.raises(FactStoreError, match="choose one of: regular_budget, other_assessed, extrabudgetary, all"):
        store.query(funding="donations")


def test_every_row_has_english_labels_without_chinese(store) -> None:
    _, rows = store.sql("SELECT id, label_en, body_en, component, component_en FROM facts")
    for fact_id, label_en, body_en, component, component_en in rows:
        assert label_en and not _CJK.search(label_en), fact_id
        assert body_en and not _CJK.search(body_en), fact_id
        assert (component is None) == (component_en is None), fact_id
        assert component_en is None or not _CJK.search(component_en), fact_id
    names = dict(store.sql("SELECT label, label_en FROM facts WHERE source_kind = 'annex'")[1])
    assert names["联合国驻非洲联盟办事处"] == "United Nations Office to the African Union"


def test_usd_is_money_in_dollars_and_nothing_else(store) -> None:
    _, rows = store.sql("SELECT measure, unit, value, is_nil, usd FROM facts")
    for measure, unit, value, is_nil, usd in rows:
        if measure != "money":
            assert usd is None
        elif is_nil:
            assert usd == 0.0
        else:
            assert usd == pytest.approx(value * (1000 if unit == "千美元" else 1))
