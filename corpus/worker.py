"""Parse files in worker processes that are killed at the time limit and die at the memory ceiling.

`parse_files(paths)` yields `(path, Report | UnreadableReportError)` as the workers finish, one file
per task, so thousands of files stream through a few persistent workers. A worker runs
`corpus.reader.read_report` after the limit checks of `corpus.limits`; the `Report` comes back as
its state (`report_to_state`). A worker past its file's deadline is killed with every process it
started (OCR's page workers: it leads its own process group) and replaced; one that dies (a
segfault, the memory ceiling) is replaced too, and its file is refused with `RefusedFileError`.

A worker is a fresh interpreter (`python -c`, talking over a socket pair), not a fork and not a
`multiprocessing` child: it does not re-run the caller's main module (a script without the
`if __name__ == "__main__":` guard, or `app.py` with Gradio, would be imported in every worker),
and it may start processes of its own (OCR does).
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from tqdm import tqdm

from corpus.errors import RefusedFileError, UnreadableReportError
from corpus.limits import MB, check_file, check_size, current_limits, refuse
from corpus.models import Report, report_from_state, report_to_state
from corpus.reader import read_report
from corpus.settings import Limits

log = logging.getLogger(__name__)
Reader = Callable[..., Report]
Outcome = tuple[Path, Report | UnreadableReportError]
_POLL_S = 1.0  # the longest wait between checks that the workers are alive
_STARTUP_S = 60.0  # the most a fresh worker may take to import the loaders before its first file
_ENV_PREFIX = "REPORTQA_"  # the settings a task carries to the worker (the OCR cache lives under REPORTQA_HOME)


# -- the worker process ------------------------------------------------------------------------------------


def serve(fd: int) -> None:
    """A worker's loop on the socket `fd`: one task at a time until the pool sends None or goes away."""
    conn = Connection(fd)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    for module in ("corpus.loaders.pdf", "corpus.loaders.docx", "corpus.loaders.html", "corpus.loaders.text"):
        __import__(module)  # the first file should not pay for the imports
    baseline = _address_space()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        except Exception as exc:  # a reader this interpreter cannot import (defined in the caller's __main__)
            conn.send(("error", UnreadableReportError(f"the parse worker could not take the task: {exc}")))
            continue
        if task is None:
            return
        try:
            conn.send(("started", time.monotonic()))  # the file's time starts now, not at the worker's start
        except (OSError, ValueError):
            return
        outcome, fatal = _run(task, baseline)
        try:
            conn.send(outcome)
        except (OSError, ValueError):
            return
        if fatal:
            return  # after a MemoryError the process may be in a poor state: the pool starts a fresh one


def _exit_with_parent(parent: int) -> None:
    """Kill this worker's process group when the pool's process is gone (killed while a file parsed)."""
    while os.getppid() == parent:
        time.sleep(_POLL_S)
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _run(task: tuple[Any, ...], baseline: int | None) -> tuple[tuple[str, Any], bool]:
    """Check and read one file; ("ok", report state) or ("error", exception), and whether to exit after."""
    path_text, root_text, env, limits, reader = task
    path, root = Path(path_text), Path(root_text) if root_text else None
    for key in [k for k in os.environ if k.startswith(_ENV_PREFIX) and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    _set_memory_ceiling(limits, baseline)
    try:
        check_file(path, limits)
        report = reader(path, root=root)
        return ("ok", report_to_state(report)), False
    except MemoryError:
        return ("error", _memory_error(path, limits)), True
    except UnreadableReportError as exc:
        return ("error", exc), False
    except Exception as exc:  # a bug or a library's own error on a strange file: this file is refused
        log.debug("parsing %s failed", path, exc_info=True)
        return ("error", UnreadableReportError(f"{path}: {type(exc).__name__}: {exc}")), False


def _address_space() -> int | None:
    """The worker's own virtual memory size in bytes (Linux), the base its memory ceiling is added to."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _set_memory_ceiling(limits: Limits, baseline: int | None) -> None:
    """RLIMIT_AS: the worker's own size plus `REPORTQA_PARSE_MEMORY_MB` (no ceiling where unsupported)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard
    if limits.parse_memory_mb and baseline is not None:
        soft = baseline + int(limits.parse_memory_mb * MB)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):
        log.warning("could not set the parse worker's memory ceiling (RLIMIT_AS)")


def _memory_error(path: Path, limits: Limits) -> RefusedFileError:
    return refuse(path, "memory", limits.parse_memory_mb, "REPORTQA_PARSE_MEMORY_MB", "MB", None,
                  "parsing needed more memory than")  # fmt: skip


# -- the pool ----------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    """One worker process and the task it is on."""

    process: subprocess.Popen[bytes]
    conn: Connection
    path: Path | None = None
    deadline: float = 0.0


class ParsePool:
    """A few persistent parse workers; `parse_files` streams files through them, one file per task."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or current_limits().parse_workers)
        self._slots: list[_Slot] = []
        self.lock = threading.Lock()  # one `parse_files` at a time per pool

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, path: str | Path, root: Path | None = None, reader: Reader = read_report) -> Report:
        """Parse one file in a worker; raises its `UnreadableReportError` (or `RefusedFileError`)."""
        [(_, outcome)] = list(self.parse_files([Path(path)], root=root, reader=reader))
        if isinstance(outcome, UnreadableReportError):
            raise outcome
        return outcome

    def parse_files(
        self,
        paths: Iterable[str | Path],
        root: Path | None = None,
        progress: bool = False,
        reader: Reader = read_report,
        limits: Limits | None = None,
    ) -> Iterator[Outcome]:
        """Each file's `Report`, or the error that refused it, in the order the workers finish.

        `reader(path, root=root)` runs in the worker (a module-level function: it is pickled by name).
        Consume the results as they come: deadlines are enforced while this generator runs.
        """
        with self.lock:
            yield from self._stream(paths, root, progress, reader, limits or current_limits())

    def _stream(self, paths: Iterable[str | Path], root: Path | None, progress: bool, reader: Reader,
                limits: Limits) -> Iterator[Outcome]:  # fmt: skip
        """`parse_files` with the pool's lock held."""
        todo = deque(Path(p) for p in paths)
        env = {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIX)}
        busy: list[_Slot] = []
        with tqdm(total=len(todo), desc="parsing reports", unit="file", disable=not progress or not todo) as bar:
            try:
                while todo or busy:
                    for outcome in self._dispatch(todo, busy, root, env, limits, reader):
                        bar.update()
                        yield outcome
                    for outcome in self._collect(busy, limits):
                        bar.update()
                        yield outcome
            finally:
                for slot in busy:  # abandoned half-way: stop what is still running
                    slot.path = None
                    self._replace(slot)

    def _dispatch(self, todo: deque[Path], busy: list[_Slot], root: Path | None, env: dict[str, str],
                  limits: Limits, reader: Reader) -> Iterator[Outcome]:  # fmt: skip
        """Hand files to idle workers; a file over the size limit is refused here, unread."""
        while todo and len(busy) < self.workers:
            path = todo.popleft()
            try:
                if path.is_file():
                    check_size(path, limits)
            except RefusedFileError as exc:
                yield path, exc
                continue
            slot = self._idle(busy)
            task = (str(path), str(root) if root else None, env, limits, reader)
            try:
                slot.conn.send(task)
            except (OSError, ValueError):  # the worker died while idle: a fresh one takes the task
                self._replace(slot)
                slot = self._idle(busy)
                slot.conn.send(task)
            slot.path = path
            # Until the worker says it started (a fresh one imports the loaders first) the clock is lenient.
            slot.deadline = time.monotonic() + _STARTUP_S + limits.parse_timeout_s if limits.parse_timeout_s else float("inf")
            busy.append(slot)

    def _collect(self, busy: list[_Slot], limits: Limits) -> Iterator[Outcome]:
        """Wait for the next result, death or deadline among the busy workers; yield what finished."""
        if not busy:
            return
        nearest = min(s.deadline for s in busy)
        timeout = None if nearest == float("inf") else max(0.0, nearest - time.monotonic())
        # A worker that dies closes its end of the socket, which wakes this wait as a message would.
        wait([s.conn for s in busy], min(timeout, _POLL_S) if timeout is not None else _POLL_S)
        now = time.monotonic()
        for slot in list(busy):
            outcome = self._outcome(slot, limits, now)
            if outcome is not None:
                busy.remove(slot)
                slot.path = None
                yield outcome

    def _outcome(self, slot: _Slot, limits: Limits, now: float) -> Outcome | None:
        """The finished task of a busy worker, or None while it is still within its deadline."""
        assert slot.path is not None
        path = slot.path
        while slot.conn.poll():
            try:
                kind, value = slot.conn.recv()
            except (EOFError, OSError):
                return path, self._died(slot, path, limits)
            if kind == "started":
                slot.deadline = value + limits.parse_timeout_s if limits.parse_timeout_s else float("inf")
                continue
            if kind == "error" and getattr(value, "limit", "") == "memory":
                self._replace(slot)  # it exits after a MemoryError
            return path, report_from_state(value) if kind == "ok" else value
        if slot.process.poll() is not None:
            return path, self._died(slot, path, limits)
        if now >= slot.deadline:
            log.info("%s: parsing passed %g s; its worker is stopped", path, limits.parse_timeout_s)
            self._replace(slot)
            return path, refuse(path, "parse_time", limits.parse_timeout_s, "REPORTQA_PARSE_TIMEOUT_S", "s", None,
                                "parsing took longer than")  # fmt: skip
        return None

    def _died(self, slot: _Slot, path: Path, limits: Limits) -> RefusedFileError:
        """The refusal for a file whose worker died under it (a crash, or killed at the memory ceiling)."""
        try:
            code: int | None = slot.process.wait(1)
        except subprocess.TimeoutExpired:
            code = None
        self._replace(slot)
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"
        log.info("%s: the parse worker died (%s)", path, how)
        return RefusedFileError(
            f"{path}: the parser process died ({how}) while reading the file, so it is not indexed; if it ran "
            f"out of memory, set REPORTQA_PARSE_MEMORY_MB higher (now {limits.parse_memory_mb:g} MB)",
            "crash", None, "REPORTQA_PARSE_MEMORY_MB")  # fmt: skip

    def _idle(self, busy: list[_Slot]) -> _Slot:
        """A live worker that is not busy, started when there is none."""
        for slot in self._slots:
            if slot not in busy:
                if slot.process.poll() is not None:  # it died while idle (killed from outside)
                    self._replace(slot)
                return slot
        slot = self._start()
        self._slots.append(slot)
        return slot

    def _start(self) -> _Slot:
        """A fresh worker interpreter leading its own process group, with the caller's import path."""
        parent, child = socket.socketpair()
        code = f"import sys; sys.path[:0] = {sys.path!r}; from corpus.worker import serve; serve({child.fileno()})"
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=(child.fileno(),),
            process_group=0,  # killing the group at the deadline kills OCR's page workers too
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # stdout may carry a protocol (`reportqa mcp`); logs go to stderr
            # glibc reserves 64 MB of address space per thread arena: many threads must not hit the ceiling
            env={"MALLOC_ARENA_MAX": "4", **os.environ},
        )
        child.close()
        return _Slot(process, Connection(parent.detach()))

    def _replace(self, slot: _Slot) -> None:
        """Stop a worker (and its process group) and put a fresh one in its place."""
        _kill(slot.process)
        slot.conn.close()
        fresh = self._start()
        slot.process, slot.conn = fresh.process, fresh.conn

    def close(self) -> None:
        """Stop every worker: ask politely, then kill what is still running."""
        for slot in self._slots:
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in self._slots:
            try:
                slot.process.wait(2)
            except subprocess.TimeoutExpired:
                pass
            _kill(slot.process)
            slot.conn.close()
        self._slots = []


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker's process group (the worker and OCR's page workers), then reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        log.warning("parse worker %d did not stop", process.pid)


_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def _shared_pool(workers: int) -> ParsePool:
    """The process's pool, kept warm between calls (restarted when the worker count changes)."""
    global _shared
    with _shared_lock:
        if _shared is None or (_shared.workers != workers and not _shared.lock.locked()):
            if _shared is not None:
                _shared.close()
            _shared = ParsePool(workers)
        return _shared


@atexit.register
def _close_shared() -> None:
    if _shared is not None:
        _shared.close()


def parse_files(
    paths: Iterable[str | Path],
    root: Path | None = None,
    progress: bool = False,
    reader: Reader = read_report,
    limits: Limits | None = None,
) -> Iterator[Outcome]:
    """Parse files in the shared pool (`REPORTQA_PARSE_WORKERS` workers): `(path, Report | error)` as they finish.

    While another thread is using the shared pool, this call gets a one-worker pool of its own,
    so an upload never waits behind a corpus being indexed.
    """
    limits = limits or current_limits()
    pool = _shared_pool(limits.parse_workers)
    if pool.lock.acquire(blocking=False):
        try:
            yield from pool._stream(paths, root, progress, reader, limits)
        finally:
            pool.lock.release()
        return
    with ParsePool(1) as own:
        yield from own.parse_files(paths, root, progress, reader, limits)


def parse_file(path: str | Path, root: Path | None = None, reader: Reader = read_report) -> Report:
    """Parse one file in a worker, within every limit; raises `UnreadableReportError`/`RefusedFileError`."""
    [(_, outcome)] = list(parse_files([Path(path)], root=root, reader=reader))
    if isinstance(outcome, UnreadableReportError):
        raise outcome
    return outcome


__all__ = ["ParsePool", "parse_file", "parse_files"]
