"""The corpus registry and its commands: documents added, listed, chosen by a question's scope, removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetqa.cli import app
from budgetqa.ingest.corpus import Corpus, CorpusRegistryError
from budgetqa.ingest.document_refs import read_document_scope
from budgetqa.ingest.parser import parse_document
from budgetqa.settings import Settings

SECTION_29 = Path(__file__).parent / "fixtures" / "synthetic_section_29_zh.txt"
runner = CliRunner()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


@pytest.fixture()
def corpus(settings: Settings, synthetic_texts: list[Path]) -> Corpus:
    """The bundled section, the two synthetic years and the small section 29, in that order."""
    corpus = Corpus.load(settings)
    for path in [*synthetic_texts, SECTION_29]:
        corpus = corpus.add(parse_document(path), path)
    return corpus


def symbols(entries) -> list[str]:
    return [entry.symbol for entry in entries]


def test_the_default_corpus_is_the_bundled_section_alone_and_writes_nothing(settings: Settings):
    corpus = Corpus.load(settings)
    assert symbols(corpus.entries) == ["A/78/6 (Sect. 3)"] and not corpus.stored
    (entry,) = corpus.entries
    assert (entry.section, entry.year, entry.language, entry.paragraphs, entry.tables) == (3, 2024, "zh", 271, 80)
    assert not settings.cache_dir.exists()


def test_added_documents_are_kept_with_their_texts_and_read_back(corpus: Corpus, settings: Settings, tmp_path: Path):
    assert symbols(corpus.entries) == ["A/78/6 (Sect. 3)", "A/79/6 (Sect. 3)", "A/80/6 (Sect. 3)", "A/78/6 (Sect. 29)"]
    assert [entry.year for entry in corpus.entries] == [2024, 2025, 2026, 2024]
    again = Corpus.load(settings)
    assert again.entries == corpus.entries and again.stored
    for entry in again.entries:  # every text is inside the corpus directory, the bundled one too
        assert not Path(entry.path).is_absolute()
        assert parse_document(again.text_path(entry)).source_sha256 == entry.sha256


def test_the_same_text_twice_changes_nothing_and_another_text_of_a_held_symbol_is_refused(
    corpus: Corpus, synthetic_texts: list[Path], tmp_path: Path
):
    assert corpus.add(parse_document(synthetic_texts[0]), synthetic_texts[0]) is corpus
    edited = tmp_path / "edited.txt"
    edited.write_text(synthetic_texts[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(CorpusRegistryError, match="remove 'A/79/6 \\(Sect. 3\\)' first"):
        corpus.add(parse_document(edited), edited)


@pytest.mark.parametrize(
    ("question", "chosen"),
    [
        ("2025 年拟议的特别政治任务经费是多少？", ["A/79/6 (Sect. 3)"]),  # the year it proposes
        ("What will section 3 propose for 2026?", ["A/80/6 (Sect. 3)"]),
        ("第 29 款的员额", ["A/78/6 (Sect. 29)"]),
        ("A/80/6 的差旅费", ["A/80/6 (Sect. 3)"]),
        ("2024 年第 3 款的员额", ["A/78/6 (Sect. 3)"]),
        ("2030 年议程", ["A/78/6 (Sect. 3)", "A/79/6 (Sect. 3)", "A/80/6 (Sect. 3)", "A/78/6 (Sect. 29)"]),
        ("A/81/6 的员额", []),
    ],
)
def test_a_question_selects_the_documents_it_names(corpus: Corpus, question: str, chosen: list[str]):
    assert symbols(corpus.select(read_document_scope(question))) == chosen


def test_a_year_no_document_proposes_picks_the_documents_that_print_it(corpus: Corpus):
    # 2023: appropriated in the 2024 sections' tables, spent in A/79/6's; A/80/6 starts at 2024
    assert symbols(corpus.select(read_document_scope("What was spent in 2023?"))) == [
        "A/78/6 (Sect. 3)",
        "A/79/6 (Sect. 3)",
        "A/78/6 (Sect. 29)",
    ]


def test_the_latest_document_is_the_one_of_the_latest_budget_year(corpus: Corpus):
    assert corpus.latest().symbol == "A/80/6 (Sect. 3)"
    assert corpus.latest(corpus.select(read_document_scope("2024"))).symbol == "A/78/6 (Sect. 3)"


def test_removing_by_a_short_symbol_takes_out_the_document_and_its_text(corpus: Corpus, settings: Settings):
    text = corpus.text_path(corpus.entry("A/80/6"))
    assert text.exists()
    smaller, removed = corpus.remove("A/80/6")
    assert removed.symbol == "A/80/6 (Sect. 3)" and not text.exists()
    assert symbols(Corpus.load(settings).entries) == symbols(smaller.entries) == [
        "A/78/6 (Sect. 3)",
        "A/79/6 (Sect. 3)",
        "A/78/6 (Sect. 29)",
    ]
    with pytest.raises(LookupError, match="names 2 documents"):
        smaller.entry("A/78/6")
    with pytest.raises(LookupError, match="no document 'A/90/6'"):
        smaller.remove("A/90/6")


def test_the_last_document_cannot_be_removed(settings: Settings):
    with pytest.raises(CorpusRegistryError, match="only document"):
        Corpus.load(settings).remove("A/78/6 (Sect. 3)")


def test_a_document_named_by_budgetqa_document_stands_alone_and_cannot_change(tmp_path: Path, synthetic_texts):
    fixed = Corpus.load(Settings(document=synthetic_texts[0], cache_dir=tmp_path))
    assert symbols(fixed.entries) == ["A/79/6 (Sect. 3)"]
    with pytest.raises(CorpusRegistryError, match="unset it"):
        fixed.add(parse_document(SECTION_29), SECTION_29)


def test_a_damaged_registry_is_refused_with_what_to_do(settings: Settings, corpus: Corpus):
    (corpus.home / "corpus.json").write_text('{"version": 1, "documents": [{"symbol": 3}]}')
    with pytest.raises(CorpusRegistryError, match="remove it to start again"):
        Corpus.load(settings)


def test_ingest_documents_and_remove_commands(tmp_path: Path, synthetic_texts: list[Path]):
    env = {"BUDGETQA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    added = runner.invoke(app, ["ingest", str(SECTION_29), "--no-index"], env=env)
    assert added.exit_code == 0, added.output
    assert "added A/78/6 (Sect. 29) to the corpus (2 documents)" in added.stdout
    listed = runner.invoke(app, ["documents", "--json"], env=env)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["symbol"], r["section"], r["year"], r["language"]) for r in rows] == [
        ("A/78/6 (Sect. 3)", 3, 2024, "zh"),
        ("A/78/6 (Sect. 29)", 29, 2024, "zh"),
    ]
    assert rows[0]["paragraphs"] == 271 and rows[0]["tables"] == 80 and rows[0]["figures"] == 34
    table = runner.invoke(app, ["documents"], env=env)
    assert "A/78/6 (Sect. 29)" in table.stdout and "corpus: 2 documents" in table.stdout
    again = runner.invoke(app, ["ingest", str(SECTION_29), "--no-index"], env=env)
    assert again.exit_code == 0 and "already holds A/78/6 (Sect. 29)" in again.stdout
    unknown = runner.invoke(app, ["remove", "A/90/6"], env=env)
    assert unknown.exit_code == 2 and "no document" in unknown.stderr
    removed = runner.invoke(app, ["remove", "A/78/6 (Sect. 29)"], env=env)
    assert removed.exit_code == 0 and "the corpus holds A/78/6 (Sect. 3)" in removed.stdout


def test_show_takes_a_reference_with_its_document(tmp_path: Path, synthetic_texts: list[Path]):
    env = {"BUDGETQA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    assert runner.invoke(app, ["ingest", *map(str, synthetic_texts), "--no-index"], env=env).exit_code == 0
    shown = runner.invoke(app, ["show", "A/79/6 (Sect. 3) 3.115"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("A/79/6 (Sect. 3)") and "2025 年" in shown.stdout
    table = runner.invoke(app, ["show", "2024 年第 3 款 表 3.27"], env=env)
    assert table.exit_code == 0 and table.stdout.startswith("A/78/6 (Sect. 3)")
    latest = runner.invoke(app, ["show", "表 3.27"], env=env)
    assert latest.stdout.startswith("A/80/6 (Sect. 3)")
    missing = runner.invoke(app, ["show", "A/82/6 3.115"], env=env)
    assert missing.exit_code == 2 and "the corpus has no document" in missing.stderr
