"""A damaged index or embedding cache is found, named in a message, and rebuilt or re-embedded: never
trusted and never a crash.  The index tests damage a private copy of the session cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.dense import DenseStore
from budgetqa.index.embedding_cache import EmbeddingCache, EmbeddingCacheDamaged, read_cache_file
from budgetqa.index.integrity import find_damage
from budgetqa.index.lexical import EnglishLexicalStore, LexicalStore
from budgetqa.index.searcher import MANIFEST_VERSION, HybridIndex, IndexManifest, ManifestError
from budgetqa.settings import Settings
from tests.index.conftest import open_printing

QUESTIONS = ["How much is proposed for special political missions?", "表 3.27", "阿盟的合作"]
BM25_FILES = [
    "data.csc.index.npy",
    "indices.csc.index.npy",
    "indptr.csc.index.npy",
    "params.index.json",
    "size.txt",
    "vocab.index.json",
]
# The Chinese lexical field ("bm25"), the English one over the checked English versions ("bm25-en"),
# and one dense encoder.
INDEX_FILES = sorted(
    [f"bm25-en/{name}" for name in BM25_FILES] + [f"bm25/{name}" for name in BM25_FILES] + ["dense-usem3.faiss"]
)


def _answers(index: HybridIndex) -> list[list[str]]:
    return [[hit.unit.uid for hit in index.search(question, top_k=5)] for question in QUESTIONS]


def _flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    position = len(data) // 2 if offset is None else offset
    data[position] ^= 0x40
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "emptied": lambda path: path.write_bytes(b""),
    "one byte flipped": _flip_byte,
    "deleted": lambda path: path.unlink(),
    "garbage appended": lambda path: path.write_bytes(path.read_bytes() + b"\x00garbage"),
    "same size, other bytes": lambda path: path.write_bytes(os.urandom(path.stat().st_size)),
}


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# ---------------------------------------------------------------- checksums of every index file


def test_the_manifest_records_the_size_and_sha256_of_every_file_of_the_index(usem3_index) -> None:
    manifest = IndexManifest.from_json((usem3_index.info.path / "manifest.json").read_bytes())
    assert manifest.version == MANIFEST_VERSION
    assert sorted(manifest.files) == INDEX_FILES
    faiss = manifest.files["dense-usem3.faiss"]
    assert faiss.size == (usem3_index.info.path / "dense-usem3.faiss").stat().st_size
    assert len(faiss.sha256) == 64 and find_damage(usem3_index.info.path, manifest.files) == []


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("name", INDEX_FILES)
def test_any_damage_to_any_index_file_is_found_and_named(usem3_index, tmp_path: Path, name: str, damage: str) -> None:
    copy = tmp_path / "index"
    shutil.copytree(usem3_index.info.path, copy)
    manifest = IndexManifest.from_json((copy / "manifest.json").read_bytes())
    DAMAGE[damage](copy / name)
    problems = find_damage(copy, manifest.files)
    assert len(problems) == 1 and problems[0].startswith(f"{name} ")


def test_verifying_the_checksums_costs_milliseconds(usem3_index) -> None:
    manifest = IndexManifest.from_json((usem3_index.info.path / "manifest.json").read_bytes())
    started = time.perf_counter()
    assert find_damage(usem3_index.info.path, manifest.files) == []
    assert time.perf_counter() - started < 0.5  # about 5 ms for the 3 MB of the usem3 index


def test_a_manifest_naming_a_file_outside_the_index_is_damage(usem3_index) -> None:
    manifest = IndexManifest.from_json((usem3_index.info.path / "manifest.json").read_bytes())
    outside = {"../../manifest.json": manifest.files["bm25/size.txt"], "/etc/hostname": manifest.files["bm25/size.txt"]}
    assert find_damage(usem3_index.info.path, outside) == [
        "'../../manifest.json' is not the name of a file inside the index",
        "'/etc/hostname' is not the name of a file inside the index",
    ]


# ---------------------------------------------------------------- damaged indexes are rebuilt


def _manifest_of_another_version(text: str) -> str:
    data = json.loads(text)
    data["version"] = MANIFEST_VERSION - 1
    del data["files"]
    return json.dumps(data)


def _manifest_vouching_for_other_bytes(text: str) -> str:
    data = json.loads(text)
    data["files"]["dense-usem3.faiss"]["sha256"] = "0" * 64
    return json.dumps(data)


def _manifest_with_a_wrong_type(text: str) -> str:
    data = json.loads(text)
    data["unit_ids"] = "all of them"
    return json.dumps(data)


# damage → (what it does to the index directory, what the message names)
INDEX_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "FAISS file truncated": (lambda index: _truncate(index / "dense-usem3.faiss"), "dense-usem3.faiss has"),
    "BM25 vocabulary bit-flipped": (lambda index: _flip_byte(index / "bm25/vocab.index.json"), "bm25/vocab.index.json"),
    "BM25 matrix deleted": (lambda index: (index / "bm25/data.csc.index.npy").unlink(), "bm25/data.csc.index.npy is"),
    "BM25 directory deleted": (lambda index: shutil.rmtree(index / "bm25"), "bm25/size.txt is missing"),
    "garbage in manifest.json": (
        lambda index: (index / "manifest.json").write_bytes(b"\x00\xff garbage {"),
        "manifest.json is not valid JSON",
    ),
    "empty manifest.json": (lambda index: (index / "manifest.json").write_bytes(b""), "manifest.json is not valid"),
    "manifest.json deleted": (lambda index: (index / "manifest.json").unlink(), "manifest.json is missing"),
    "manifest.json of another version": (
        lambda index: _rewrite(index / "manifest.json", _manifest_of_another_version),
        f"index format version {MANIFEST_VERSION - 1}",
    ),
    "manifest.json with a wrong type": (
        lambda index: _rewrite(index / "manifest.json", _manifest_with_a_wrong_type),
        "manifest.json is malformed (unit_ids",
    ),
    "manifest.json vouching for other bytes": (
        lambda index: _rewrite(index / "manifest.json", _manifest_vouching_for_other_bytes),
        "dense-usem3.faiss does not match its checksum",
    ),
    "manifest.json a JSON list": (lambda index: (index / "manifest.json").write_text("[]"), "version None"),
}


def _rewrite(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_a_damaged_index_is_named_in_a_message_and_rebuilt_from_cached_embeddings(
    document, usem3_index, cache_copy: Settings, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The BM25 stores are not tokenised again: the rebuild reuses the session index's (real) stores of
    the same units, the Chinese field's and the English field's, so that each damage costs a write, not
    a full build (the next test builds in full)."""
    monkeypatch.setattr(LexicalStore, "build", classmethod(lambda cls, texts: usem3_index.lexical))
    monkeypatch.setattr(EnglishLexicalStore, "build", classmethod(lambda cls, texts: usem3_index.english))
    path = cache_copy.indexes_dir / usem3_index.info.path.name
    harm, named = INDEX_DAMAGE[damage]
    harm(path)
    index, printed = open_printing(document, cache_copy, usem3_index)
    assert index.info.rebuilt is True and index.info.embedded == {"usem3": 0}
    assert f"index at {path}: " in printed and named in printed and "rebuilding" in printed
    assert named in (index.info.reason or "")
    assert _answers(index) == _answers(usem3_index)
    reopened, printed = open_printing(document, cache_copy, usem3_index)
    assert reopened.info.rebuilt is False and printed == ""


@pytest.mark.slow
def test_a_bit_flipped_faiss_file_is_rebuilt_in_full_and_answers_as_before(
    document, usem3_index, cache_copy: Settings
) -> None:
    path = cache_copy.indexes_dir / usem3_index.info.path.name
    _flip_byte(path / "dense-usem3.faiss")
    index, printed = open_printing(document, cache_copy, usem3_index)
    assert "dense-usem3.faiss does not match its checksum" in printed
    assert index.info.rebuilt is True and index.info.embedded == {"usem3": 0}
    assert _answers(index) == _answers(usem3_index)
    assert find_damage(path, IndexManifest.from_json((path / "manifest.json").read_bytes()).files) == []


@pytest.mark.slow
def test_temporaries_left_by_a_killed_build_are_removed_without_a_rebuild(
    document, usem3_index, cache_copy: Settings
) -> None:
    name = usem3_index.info.path.name
    dead = _dead_pid()
    stray = cache_copy.indexes_dir / f".{name}.tmp-{dead}-x1y2"
    shutil.copytree(usem3_index.info.path, stray)
    _truncate(stray / "dense-usem3.faiss")
    (cache_copy.indexes_dir / f".{name}.old-{dead}").mkdir()
    (cache_copy.cache_dir / "embeddings" / f".usem3.npz.tmp-{dead}-abc").write_bytes(b"half a cache")
    index, printed = open_printing(document, cache_copy, usem3_index)
    assert index.info.rebuilt is False
    for leftover in (stray.name, f".{name}.old-{dead}", f".usem3.npz.tmp-{dead}-abc"):
        assert f"removed {leftover}, left by an interrupted write" in printed
    assert [p.name for p in cache_copy.indexes_dir.iterdir()] == [name]
    assert not [p for p in (cache_copy.cache_dir / "embeddings").iterdir() if p.name.startswith(".")]


def test_an_unreadable_manifest_is_a_manifest_error_saying_why() -> None:
    with pytest.raises(ManifestError, match="not valid JSON"):
        IndexManifest.from_json(b"\xff\xfe")
    with pytest.raises(ManifestError, match=f"version 2; this version of budgetqa writes and reads version {MANIFEST_VERSION}"):
        IndexManifest.from_json('{"version": 2}')


# ---------------------------------------------------------------- damaged embedding caches


def _fake_encode(texts: list[str]) -> np.ndarray:
    """A fake encoder (unit test only): a text's vector is its length and 1."""
    return np.array([[len(text), 1.0] for text in texts], dtype=np.float32)


def _saved_cache(path: Path) -> None:
    cache = EmbeddingCache(path, "model-a", 2)
    cache.embed(["甲", "乙乙", "丙丙丙"], _fake_encode)
    cache.save()


def _write_npz(path: Path, **arrays: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def _nan_vectors_without_checksum(path: Path) -> None:
    with np.load(path) as data:
        keys = data["keys"]
    _write_npz(path, keys=keys, vectors=np.full((len(keys), 2), np.nan, dtype=np.float32))


def _rewrite_npz(path: Path, **change: np.ndarray) -> None:
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(change)
    _write_npz(path, **arrays)


CACHE_DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (lambda path: path.write_bytes(b"garbage"), "unreadable"),
    "empty": (lambda path: path.write_bytes(b""), "unreadable"),
    "truncated": (_truncate, "unreadable"),
    "bytes flipped in the vectors": (lambda path: _flip_byte(path, path.stat().st_size // 2), "unreadable"),
    "vector changed, checksum kept": (
        lambda path: _rewrite_npz(path, vectors=np.ones((3, 2), dtype=np.float32)),
        "do not match the recorded sha256",
    ),
    "vectors of another dimension": (
        lambda path: _rewrite_npz(path, vectors=np.ones((3, 5), dtype=np.float32)),
        "expected (3, 2) float32",
    ),
    "fewer vectors than keys": (
        lambda path: _rewrite_npz(path, vectors=np.ones((2, 2), dtype=np.float32)),
        "expected (3, 2) float32",
    ),
    "keys not strings": (lambda path: _rewrite_npz(path, keys=np.arange(3)), "keys are not a list of strings"),
    "not finite vectors, no checksum": (_nan_vectors_without_checksum, "not finite numbers"),
    "vectors missing": (lambda path: _write_npz(path, keys=np.array(["a"])), "unreadable"),
}


@pytest.mark.parametrize("damage", list(CACHE_DAMAGE))
def test_a_damaged_embedding_cache_is_reported_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    """Uses a fake encoder (unit test only); the next test damages the real cache file."""
    path = tmp_path / "e.npz"
    _saved_cache(path)
    harm, reason = CACHE_DAMAGE[damage]
    harm(path)
    reports: list[str] = []
    cache = EmbeddingCache(path, "model-a", 2, report=reports.append)
    assert len(reports) == 1 and str(path) in reports[0] and reason in reports[0] and cache.damage == reports[0]
    vectors, misses = cache.embed(["甲", "乙乙", "丙丙丙"], _fake_encode)
    assert misses == 3 and vectors[2].tolist() == [3.0, 1.0]
    cache.save()
    assert sorted(read_cache_file(path, 2)) == sorted(cache.key(text) for text in ["甲", "乙乙", "丙丙丙"])


def test_an_intact_cache_reports_nothing(tmp_path: Path) -> None:
    _saved_cache(tmp_path / "e.npz")
    reports: list[str] = []
    _, misses = EmbeddingCache(tmp_path / "e.npz", "model-a", 2, report=reports.append).embed(["甲"], _fake_encode)
    assert reports == [] and misses == 0


@pytest.mark.parametrize("where", ["keys", "vectors", "end of the vectors"])
def test_a_bit_flip_in_the_real_usem3_cache_is_found(usem3_index, cache_copy: Settings, where: str) -> None:
    path = cache_copy.cache_dir / "embeddings" / "usem3.npz"
    keys_end = 128 + len(read_cache_file(path, 512)) * 64 * 4  # header, then 64 UTF-32 characters per key
    offset = {"keys": 300, "vectors": keys_end + 4096, "end of the vectors": path.stat().st_size - 2000}[where]
    _flip_byte(path, offset)
    encoder = usem3_index.dense["usem3"][0]
    with pytest.raises(EmbeddingCacheDamaged):
        read_cache_file(path, encoder.dimension)
    reports: list[str] = []
    EmbeddingCache(path, encoder.fingerprint, encoder.dimension, report=reports.append)
    assert len(reports) == 1 and "usem3.npz is damaged" in reports[0]


@pytest.mark.slow
def test_units_embedded_with_a_damaged_real_cache_are_embedded_again_and_the_cache_repaired(
    document, usem3_index, tmp_path: Path
) -> None:
    encoder = usem3_index.dense["usem3"][0]
    texts = [document.paragraph(ref).text for ref in ("3.98", "3.115", "3.144")]
    path = tmp_path / "usem3.npz"
    DenseStore.build(encoder, texts, EmbeddingCache(path, encoder.fingerprint, encoder.dimension), show_progress=False)
    _flip_byte(path)  # in the vectors
    reports: list[str] = []
    cache = EmbeddingCache(path, encoder.fingerprint, encoder.dimension, report=reports.append)
    store, embedded = DenseStore.build(encoder, texts, cache, show_progress=False)
    assert len(reports) == 1 and embedded == len(texts)
    query = encoder.encode_queries(["How much is proposed for special political missions?"])[0]
    assert store.search(query, 1)[0][0] == 2
    assert len(read_cache_file(path, encoder.dimension)) == len(texts)
