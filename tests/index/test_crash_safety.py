"""A build of the real index that fails or is killed at any point leaves the previous index usable:
it reopens without a rebuild and answers as before, and the next build completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from rich.console import Console

from budgetqa import atomic
from budgetqa.index import searcher
from budgetqa.index.dense import DenseStore
from budgetqa.index.lexical import LexicalStore
from budgetqa.index.searcher import HybridIndex
from budgetqa.settings import Settings
from tests.index.conftest import open_printing

QUESTIONS = ["How much is proposed for special political missions?", "表 3.27", "阿盟的合作"]


def _answers(index: HybridIndex) -> list[list[str]]:
    return [[hit.unit.uid for hit in index.search(question, top_k=5)] for question in QUESTIONS]


def _leftovers(settings: Settings) -> list[str]:
    """Temporary files or directories (dot-names) beside the indexes or the embedding caches."""
    return sorted(
        path.name
        for directory in (settings.indexes_dir, settings.cache_dir / "embeddings")
        for path in directory.iterdir()
        if path.name.startswith(".")
    )


# ---------------------------------------------------------------- faults injected in this process


class InjectedFault(RuntimeError):
    pass


def _raise_after(function):
    def wrapper(*args, **kwargs):
        function(*args, **kwargs)
        raise InjectedFault(f"fault injected after {function.__qualname__}")

    return wrapper


def _raise_instead(*args, **kwargs):
    raise InjectedFault("fault injected")


FAULTS = {  # (object, attribute) patched → a replacement that fails
    "after the BM25 files are written": (LexicalStore, "save", _raise_after(LexicalStore.save)),
    "after the FAISS file is written": (DenseStore, "save", _raise_after(DenseStore.save)),
    "while the checksums are computed": (searcher, "digest_directory", _raise_instead),
    "after the manifest is written": (searcher, "write_text", _raise_after(searcher.write_text)),
    "while the files are flushed to disk": (atomic, "fsync_tree", _raise_instead),
    "when the new directory is swapped in": (atomic, "exchange_paths", _raise_instead),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_build_that_fails_while_writing_leaves_the_previous_index_intact(
    document, usem3_index, cache_copy: Settings, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """The BM25 store is not tokenised again: the build reuses the session index's (real) store of
    the same units, so that each injected fault costs a write, not a full build."""
    path = cache_copy.indexes_dir / usem3_index.info.path.name
    manifest = (path / "manifest.json").read_bytes()
    monkeypatch.setattr(LexicalStore, "build", classmethod(lambda cls, texts: usem3_index.lexical))
    target, attribute, replacement = FAULTS[fault]
    monkeypatch.setattr(target, attribute, replacement)
    with pytest.raises(InjectedFault):
        HybridIndex.open(document, cache_copy, rebuild=True, console=Console(quiet=True))
    monkeypatch.undo()
    assert (path / "manifest.json").read_bytes() == manifest
    assert _leftovers(cache_copy) == []
    index, printed = open_printing(document, cache_copy, usem3_index)
    assert index.info.rebuilt is False and printed == ""
    assert _answers(index) == _answers(usem3_index)


# ---------------------------------------------------------------- builds killed with SIGKILL

# `budgetqa index --rebuild` as a child process, which can kill itself with SIGKILL at one point of
# the write (no exception handler or cleanup runs, as when the process or the machine dies).
_BUILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from budgetqa import atomic
    from budgetqa.cli import app
    from budgetqa.index import searcher
    from budgetqa.index.dense import DenseStore

    point = sys.argv[1]
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def then_die(function):
        def wrapper(*args, **kwargs):
            function(*args, **kwargs)
            die()
        return wrapper

    real_replace = os.replace
    def replace(src, dst):
        real_replace(src, dst)
        if ".old-" in Path(dst).name:  # the old index moved aside, the new one not yet in its place
            die()

    if point == "after the FAISS file is written":
        DenseStore.save = then_die(DenseStore.save)
    elif point == "after the manifest is written":
        searcher.write_text = then_die(searcher.write_text)
    elif point == "between the two renames of a swap without exchange":
        atomic.exchange_paths = lambda first, second: False
        os.replace = replace
    sys.argv = ["budgetqa", "index", "--rebuild"]
    app()
    """
)

# Where the build is killed: from outside (the test sends SIGKILL) or by itself at a precise point.
KILLED_FROM_OUTSIDE = ["while embedding", "once its temporary directory appears"]
KILLED_BY_ITSELF = [
    "after the FAISS file is written",
    "after the manifest is written",
    "between the two renames of a swap without exchange",
]


def _start_build(settings: Settings, point: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "BUDGETQA_CACHE_DIR": str(settings.cache_dir),
        "BUDGETQA_ENCODERS": ",".join(settings.encoders),
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-c", _BUILD, point], env=environment, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _kill_when(build: subprocess.Popen[str], ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while build.poll() is None and time.monotonic() < deadline:
        if ready():
            build.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    build.wait(timeout=timeout)


@pytest.mark.slow
@pytest.mark.parametrize("point", KILLED_FROM_OUTSIDE + KILLED_BY_ITSELF)
def test_a_build_killed_midway_leaves_the_previous_index_usable(
    document, usem3_index, cache_copy: Settings, point: str
) -> None:
    """A real ``budgetqa index --rebuild`` in a child process, killed with SIGKILL."""
    name = usem3_index.info.path.name
    encoder = usem3_index.dense["usem3"][0]
    build = _start_build(cache_copy, point)
    if point == "while embedding":
        assert build.stderr is not None
        _kill_when(build, lambda: "embedding" in build.stderr.readline())  # type: ignore[union-attr]
    elif point == "once its temporary directory appears":
        _kill_when(build, lambda: any(cache_copy.indexes_dir.glob(f".{name}.tmp-*")))
    else:
        build.wait(timeout=120)
    assert build.returncode == -signal.SIGKILL, build.communicate()
    index, printed = open_printing(document, cache_copy, usem3_index)
    assert index.info.rebuilt is False
    assert _answers(index) == _answers(usem3_index)
    assert _leftovers(cache_copy) == [] and [p.name for p in cache_copy.indexes_dir.iterdir()] == [name]
    if point == "between the two renames of a swap without exchange":
        assert f"restored {name} from .{name}.old-{build.pid}" in printed
    elif point != "while embedding":
        assert f"removed .{name}.tmp-{build.pid}-" in printed
    if point == "once its temporary directory appears":  # and the next build completes
        rebuilt = HybridIndex.open(
            document, cache_copy, rebuild=True, console=Console(quiet=True), encoder_loader=lambda _: encoder
        )
        assert rebuilt.info.rebuilt is True and rebuilt.info.embedded == {"usem3": 0}
        assert _answers(rebuilt) == _answers(usem3_index)
        assert _leftovers(cache_copy) == [] and open_printing(document, cache_copy, usem3_index)[0].info.rebuilt is False
