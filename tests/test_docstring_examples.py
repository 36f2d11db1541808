"""Every example in the project's docstrings runs and gives what it shows (an example that has gone
stale misleads the next reader more than no example)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import budgetqa

_PACKAGES = ("budgetqa", "budgetqa.ingest", "budgetqa.index", "budgetqa.qa", "budgetqa.qa.understand", "budgetqa.eval")


def _modules() -> list[str]:
    names: list[str] = []
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        names.extend(
            info.name
            for info in pkgutil.iter_modules(package.__path__, prefix=f"{package_name}.")
            if not info.ispkg
        )
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_hold(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ImportError as missing:  # a module of an optional extra that is not installed
        pytest.skip(f"{name} needs {missing.name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} fail (run: python -m doctest -v on it)"


def test_the_examples_are_found() -> None:
    assert budgetqa.__name__ == "budgetqa" and len(_modules()) > 100
