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

import threading
from collections.abc import Iterator
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
