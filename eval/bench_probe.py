"""Measurements that `budgetqa bench` runs in a fresh Python process, so that imports and model loading count.

Each sub-command prints one JSON object on its last stdout line; the parent times the process and reads
its peak memory.

    python -m budgetqa.eval.bench_probe reopen
    python -m budgetqa.eval.bench_probe build            (BUDGETQA_CACHE_DIR picks the cache to build in)
    python -m budgetqa.eval.bench_probe baseline-build FOLDER --encoder e5-small
    python -m budgetqa.eval.bench_probe baseline-reopen FOLDER --encoder e5-small --query "…"
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports below, so that they count

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402


def _emit(record: dict[str, object]) -> None:
    record["process_seconds"] = round(time.perf_counter() - STARTED, 4)
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def reopen() -> None:
    """Parse the document and reopen its index from disk (the models load lazily, on the first query)."""
    from budgetqa.index.searcher import HybridIndex
    from budgetqa.ingest.parser import parse_document
    from budgetqa.settings import Settings

    imported = time.perf_counter()
    settings = Settings.from_env()
    document = parse_document(settings.document_path())
    parsed = time.perf_counter()
    index = HybridIndex.open(document, settings)
    _emit(
        {
            "import_seconds": round(imported - STARTED, 4),
            "parse_seconds": round(parsed - imported, 4),
            "open_seconds": round(time.perf_counter() - parsed, 4),
            "rebuilt": index.info.rebuilt,
        }
    )


def build() -> None:
    """Build the index in the configured cache directory (reusing whatever embeddings it caches)."""
    from rich.console import Console

    from budgetqa.index.searcher import HybridIndex
    from budgetqa.ingest.parser import parse_document
    from budgetqa.settings import Settings

    settings = Settings.from_env()
    document = parse_document(settings.document_path())
    index = HybridIndex.open(document, settings, rebuild=True, console=Console(stderr=True))
    _emit(
        {
            "build_seconds": round(index.info.seconds, 4),
            "embedded": index.info.embedded,
            "units": len(index.units),
        }
    )


def _encoder(name: str):  # noqa: ANN202 - an index Encoder
    from budgetqa.index.encoders import open_encoder
    from budgetqa.settings import Settings

    return open_encoder(name, models_dir=Settings.from_env().models_dir)


def baseline_build(folder: Path, encoder_name: str) -> None:
    """Build the LangChain tutorial baseline from the raw text and save it with FAISS.save_local."""
    from budgetqa.ingest.parser import parse_document
    from budgetqa.settings import Settings

    from .baseline import LangChainBaseline

    settings = Settings.from_env()
    path = settings.document_path()
    units = list(parse_document(path).units())
    baseline = LangChainBaseline(progress=False)
    seconds = baseline.build(path.read_text(encoding="utf-8"), units, _encoder(encoder_name))
    baseline.save(folder)
    _emit({"build_seconds": round(seconds, 4), "chunks": len(baseline.chunks)})


def baseline_reopen(folder: Path, encoder_name: str, query: str | None) -> None:
    """Reopen a saved baseline with FAISS.load_local and, if asked, run its first query."""
    from .baseline import LangChainBaseline

    imported = time.perf_counter()
    baseline = LangChainBaseline.load(folder, _encoder(encoder_name))
    opened = time.perf_counter()
    record: dict[str, object] = {
        "import_seconds": round(imported - STARTED, 4),
        "open_seconds": round(opened - imported, 4),
    }
    if query:
        record["results"] = baseline.search(query, k=10)
        record["first_query_seconds"] = round(time.perf_counter() - opened, 4)
    _emit(record)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m budgetqa.eval.bench_probe", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("reopen")
    commands.add_parser("build")
    for name in ("baseline-build", "baseline-reopen"):
        sub = commands.add_parser(name)
        sub.add_argument("folder", type=Path)
        sub.add_argument("--encoder", default="e5-small")
        if name == "baseline-reopen":
            sub.add_argument("--query")
    args = parser.parse_args(argv)
    if args.command == "reopen":
        reopen()
    elif args.command == "build":
        build()
    elif args.command == "baseline-build":
        baseline_build(args.folder, args.encoder)
    else:
        baseline_reopen(args.folder, args.encoder, args.query)


if __name__ == "__main__":
    main()
