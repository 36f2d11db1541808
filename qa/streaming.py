"""Answer streams that a server can stop: no generation runs on after its client is gone.

A chat model generates only while its stream is consumed (llama.cpp computes the next token when
asked for it), so stopping means closing the generator chain.  A generator cannot be closed while
another thread is inside ``next`` on it; :class:`StoppableEvents` closes it at once when it is idle,
or right after the step in flight returns when it is not: at most one more token is computed.

>>> events = StoppableEvents(iter([1, 2, 3]))
>>> next(events), events.stop(), next(events, None)
(1, None, None)
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class StoppableEvents(Generic[T]):
    """An iterator over `events` that :meth:`stop` ends from any thread, closing the source."""

    def __init__(self, events: Iterator[T]) -> None:
        self._events = events
        self._step = threading.Lock()  # held while a thread is inside next() on the source
        self._stopped = threading.Event()

    def __iter__(self) -> StoppableEvents[T]:
        return self

    def __next__(self) -> T:
        with self._step:
            if self._stopped.is_set():
                self._close()
                raise StopIteration
            event = next(self._events)
            if self._stopped.is_set():  # stopped while this step ran: end here
                self._close()
        return event

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        """End the stream: close the source now if no step is running, else when the running one returns."""
        self._stopped.set()
        if self._step.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._step.release()

    def _close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()


HEARTBEAT_S = 5.0  # how often a step that is still running reports that it is (a server times silence)
MAX_STEP_S = 600.0  # a step running longer than this stops reporting, so a stalled source falls silent


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


def with_heartbeat(
    source: Iterator[T], *, every_s: float = HEARTBEAT_S, max_step_s: float = MAX_STEP_S
) -> Generator[T | None, None, None]:
    """The items of `source`, with a ``None`` every `every_s` seconds while the next one is computed.

    A local model reads its whole prompt before its first token, which takes a minute or more when
    the cores are shared: without a sign of life a server timing silence would give up on an answer
    that is on its way.  `source` is advanced in a worker thread, one step at a time and only when
    the consumer asks; closing this generator stops the worker, which closes `source` right after
    the step in flight (as :class:`StoppableEvents` does).  A step still running after `max_step_s`
    seconds stops being reported, so that a source that hangs falls silent and is timed out.

    >>> list(with_heartbeat(iter([1, 2])))
    [1, 2]
    """
    results: queue.Queue[object] = queue.Queue()
    wanted = threading.Event()  # the consumer asks for the next item
    stopped = threading.Event()

    def work() -> None:
        try:
            while True:
                wanted.wait()
                wanted.clear()
                if stopped.is_set():
                    return
                try:
                    item = next(source)
                except StopIteration:
                    results.put(_END)
                    return
                except BaseException as error:  # handed to the consumer, raised there
                    results.put(_Failed(error))
                    return
                results.put(item)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    threading.Thread(target=work, name="answer-stream-step", daemon=True).start()
    try:
        while True:
            wanted.set()
            waited = 0.0
            while True:
                try:
                    item = results.get(timeout=every_s)
                    break
                except queue.Empty:
                    waited += every_s
                    if waited <= max_step_s:
                        yield None
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stopped.set()
        wanted.set()
