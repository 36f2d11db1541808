"""The local model as a :class:`~budgetqa.index.translate.Translator`: a GGUF file run by llama-cpp-python.

Needs the optional install (``pip install 'budgetqa[llm]'``, which compiles llama.cpp for about 12
minutes).  Translation runs at temperature 0 with a 2,048-token context on every CPU core, so a run
reproduces the same text on the same machine and model; a retry after a failed check may sample, with
a fixed seed, so that it too is reproduced.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .translate_prompt import Sampling, Turn

N_CTX = 2048
# Tokens the chat template wraps each message in, kept free beside the prompt's own tokens.
TEMPLATE_TOKENS_PER_MESSAGE = 20
MIN_REPLY_TOKENS = 16


class TranslatorUnavailable(RuntimeError):
    """The local model cannot run here; the message says what to install or set."""


class LlamaTranslator:
    """Translate with a GGUF chat model through llama-cpp-python's own chat-completion API."""

    def __init__(self, path: Path, model_sha256: str, *, n_ctx: int = N_CTX, n_threads: int | None = None) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise TranslatorUnavailable(
                "translating needs the local model: pip install 'budgetqa[llm]' (llama-cpp-python compiles for "
                "about 12 minutes); without it the shipped English versions are used"
            )
        if not Path(path).is_file():
            raise TranslatorUnavailable(f"no GGUF model file at {path}; give one with --model")
        from llama_cpp import Llama

        self._sha256 = model_sha256
        self.n_ctx = n_ctx
        self._llm: Any = Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=n_threads or os.cpu_count() or 2,
            seed=0,
            verbose=False,
        )

    @property
    def model_sha256(self) -> str:
        return self._sha256

    def complete(self, system: str, turns: Sequence[Turn], *, max_tokens: int, sampling: Sampling | None = None) -> str:
        """The model's reply at temperature 0 (or with `sampling`), at most `max_tokens` long and
        within the context."""
        messages = [{"role": "system", "content": system}, *({"role": t.role, "content": t.content} for t in turns)]
        text = "\n".join(message["content"] for message in messages)
        room = self.n_ctx - len(self._llm.tokenize(text.encode())) - TEMPLATE_TOKENS_PER_MESSAGE * len(messages)
        reply = self._llm.create_chat_completion(
            messages=messages,
            temperature=sampling.temperature if sampling is not None else 0.0,
            seed=sampling.seed if sampling is not None else 0,
            max_tokens=max(MIN_REPLY_TOKENS, min(max_tokens, room)),
        )
        return str(reply["choices"][0]["message"]["content"] or "")
