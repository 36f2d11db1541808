"""The chat model ``BUDGETQA_LLM`` names, as a LangChain ``BaseChatModel`` for the grounded answerer.

- ``openai``: any OpenAI-compatible server (``BUDGETQA_LLM_BASE_URL``, ``BUDGETQA_LLM_API_KEY``), the
  served model named by ``BUDGETQA_LLM_MODEL`` (``gpt-4o-mini``, or what the server calls its model);
- ``ollama``: an Ollama server (``pip install langchain-ollama``), a pulled model's tag (``qwen2.5:7b``);
- ``llamacpp``: a local GGUF file through llama-cpp-python (``pip install 'budgetqa[llm]'``), by
  default the packaged Qwen2.5-Coder-1.5B-Instruct.

Every model runs at temperature 0; :func:`budgetqa.qa.grounded.structured_options` constrains its
reply to the answer schema in the way each provider offers.

>>> # model = chat_model_from_settings(Settings(llm="openai", llm_model="gpt-4o-mini"))
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from budgetqa.settings import Settings

LLM_CHOICES = ("none", "openai", "ollama", "llamacpp")
REMOTE_TIMEOUT_S = 60  # one request to a remote server; the answer stream is timed by the server too


class GenerationError(RuntimeError):
    """The configured chat model failed to answer (unreachable server, bad key, model error)."""


def model_name(model: BaseChatModel) -> str:
    """A short name for `model`: its model name or file name, else its class name."""
    for attribute in ("model_name", "model", "model_path"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value.rsplit("/", 1)[-1]
    return type(model).__name__


def chat_model_from_settings(settings: Settings) -> BaseChatModel:
    """The chat model ``BUDGETQA_LLM`` names: ``openai`` (any OpenAI-compatible server), ``ollama`` or ``llamacpp``.

    Raises ``ValueError`` naming what to set or install when the choice is unknown or incomplete.
    """
    choice = settings.llm.lower()
    if choice == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.llm_model:
            raise ValueError(
                "BUDGETQA_LLM=openai needs BUDGETQA_LLM_MODEL (e.g. gpt-4o-mini, or the served model's name)"
            )
        return ChatOpenAI(
            base_url=settings.llm_base_url,
            api_key=SecretStr(settings.llm_api_key or "not-needed"),
            model=settings.llm_model,
            timeout=REMOTE_TIMEOUT_S,
            max_retries=1,
            temperature=0,
        )
    if choice == "ollama":
        if importlib.util.find_spec("langchain_ollama") is None:
            raise ValueError(
                "BUDGETQA_LLM=ollama needs the langchain-ollama package: pip install langchain-ollama"
            )
        from langchain_ollama import ChatOllama

        if not settings.llm_model:
            raise ValueError("BUDGETQA_LLM=ollama needs BUDGETQA_LLM_MODEL (e.g. qwen2.5:7b)")
        if settings.llm_base_url:
            return ChatOllama(model=settings.llm_model, temperature=0, base_url=settings.llm_base_url)
        return ChatOllama(model=settings.llm_model, temperature=0)
    if choice == "llamacpp":
        from .local_model import assemble_qwen_gguf, chat_model_from_gguf

        path = Path(settings.llm_model) if settings.llm_model else assemble_qwen_gguf(settings.models_dir)
        return chat_model_from_gguf(path)
    raise ValueError(f"unknown BUDGETQA_LLM {settings.llm!r}; choose one of: {', '.join(LLM_CHOICES)}")
