"""The thread that changes the indexes: uploads, publishes, rejections and deletions, one at a time.

It runs at a lower CPU priority (`WRITER_NICE`) than the threads answering questions: on a laptop's two cores a
publish or a delete then takes its time from idle moments rather than from the questions answered meanwhile
(`bench/bench_load.py --churn` measures both side by side). Linux keeps a nice value per thread; elsewhere the
writer runs at the normal priority.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger(__name__)
WRITER_NICE = 10  # how much lower the writer's CPU priority is than the question threads'
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _lower_priority() -> None:
    """Lower the calling thread's CPU priority; where that is not possible, do nothing."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WRITER_NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: the writes compete as equals
        log.debug("the writer thread keeps the normal priority")


class Writer:
    """One low-priority thread; `run` does a call on it and waits (a call from the thread itself runs in place)."""

    def __init__(self) -> None:
        self.name = f"reportqa-writer-{id(self):x}"
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=self.name, initializer=_lower_priority)

    def run(self, call: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
        """The call's result (or its exception), computed on the writer thread."""
        if threading.current_thread().name.startswith(self.name):
            return call(*args, **kwargs)
        return self._pool.submit(call, *args, **kwargs).result()

    def close(self) -> None:
        """Finish the call under way, then stop the thread."""
        self._pool.shutdown(wait=True)


def written(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A method of an object with a `writer` (a `Writer`), run on that writer."""

    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        owner: Any = args[0]
        return owner.writer.run(method, *args, **kwargs)  # type: ignore[no-any-return]

    run.__doc__, run.__name__, run.__qualname__ = method.__doc__, method.__name__, method.__qualname__
    return run
