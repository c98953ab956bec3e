"""Run load -> normalize -> extract over many reports: in this process, in a process pool, or on a Dask cluster.

Every engine yields one ``Outcome`` per path in the order the paths were given, whatever order
the workers finish in, so a build's outputs do not depend on the engine or the number of workers.
Workers receive paths (a cluster needs the reports on a filesystem every worker sees) and send
back finished ``Report`` records; the raw and intermediate texts never leave the worker.
"""
from __future__ import annotations

import os
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from .errors import ReportError
from .records import Report

# Reports per task: large enough that inter-process traffic is a small share of the work,
# small enough that the progress bar moves and the last workers do not idle long.
BATCH = 16
# Tasks in flight per worker: keeps every worker busy without reading the whole corpus ahead.
AHEAD = 4
# Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 20


@dataclass(frozen=True)
class Outcome:
    """What became of one report file: a Report, or the reason it was skipped and the message saying so."""

    path: str
    report: Report | None = None
    reason: str | None = None  # skip reason, counted in the run report
    message: str | None = None  # one-line warning for a skipped report
    packed: bytes | None = None  # instead of ``report``: the report as the cache stores it (kg.cache.pack_report)


def _reason(exc: ReportError) -> str:
    if getattr(exc, "reason", "error") != "error":
        return exc.reason
    msg = str(exc)
    for key, words in (("empty", "empty"), ("binary", "binary"), ("unreadable", "cannot be read"),
                       ("undecodable", "encoding"), ("no text", "no article text")):
        if words in msg:
            return key
    return "error"


def extract_one(path: str, max_bytes: int | None) -> Outcome:
    """Load, normalize and extract one report; never raises, a bad report becomes a skip outcome."""
    from .extract import extract
    from .load import load
    from .normalize import normalize

    try:
        doc = load(path, max_bytes=max_bytes)
    except ReportError as exc:
        return Outcome(path, reason=_reason(exc), message=str(exc))
    except Exception as exc:  # a loader bug on one odd file must not stop the batch either
        return Outcome(path, reason="internal error",
                       message=f"{path}: skipped, loading failed ({type(exc).__name__}: {exc}); please report this file")
    try:
        report = extract(doc, normalize(doc.text))
    except Exception as exc:  # one broken report must not stop a batch
        return Outcome(path, reason="internal error",
                       message=f"{path}: skipped, extraction failed ({type(exc).__name__}: {exc}); please report this file")
    return Outcome(path, report=report)


def extract_batch(paths: Sequence[str], max_bytes: int | None, pack: bool = False) -> list[Outcome]:
    """``extract_one`` over a batch of paths; the unit of work sent to a worker.

    With ``pack`` each report comes back packed as the cache stores it: the worker, not the driver,
    pays for the packing, and the bytes cross between processes more cheaply than the records.
    """
    quiet_jieba()
    outcomes = [extract_one(p, max_bytes) for p in paths]
    if pack:
        from .cache import pack_report

        outcomes = [o if o.report is None else Outcome(o.path, packed=pack_report(o.report)) for o in outcomes]
    return outcomes


def quiet_jieba() -> None:
    """Silence jieba's dictionary-loading chatter, which is not a warning of ours.

    jieba logs it at DEBUG level and resets its logger when imported; importing it is cheap,
    its dictionary loads only when something first needs it.
    """
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)


def _batches(paths: Sequence[str], size: int = BATCH) -> list[list[str]]:
    return [list(paths[i:i + size]) for i in range(0, len(paths), size)]


def _batch_size(count: int, workers: int) -> int:
    """BATCH, or less when that would leave workers idle on a small corpus."""
    return max(1, min(BATCH, count // (workers * AHEAD)))


class Engine:
    """Runs ``extract_batch`` over paths; subclasses decide where."""

    name = "serial"
    workers = 1

    def run(self, paths: Sequence[str], max_bytes: int | None, pack: bool = False) -> Iterator[Outcome]:
        """One Outcome per path, in the order of ``paths``; ``pack`` lets workers in other processes return
        reports packed for the cache (Outcome.packed), which this process's own extraction never does."""
        for batch in _batches(paths):
            yield from extract_batch(batch, max_bytes)

    def close(self) -> None:
        """Release workers; an engine can be closed more than once."""

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _ordered(submit: Callable[[list[str]], object], result: Callable[[object], list[Outcome]],
             batches: Iterable[list[str]], ahead: int) -> Iterator[Outcome]:
    """Submit batches keeping at most ``ahead`` in flight and yield their outcomes in submission order."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= ahead:
            yield from result(pending.popleft())
    while pending:
        yield from result(pending.popleft())


class PoolEngine(Engine):
    """A pool of worker processes on this machine."""

    name = "processes"

    def __init__(self, jobs: int) -> None:
        self.workers = jobs
        self._pool = None

    def _executor(self):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork starts workers at once and needs no import guard in the caller's script, but a
            # forked child inherits other threads' locks in whatever state they were: with other
            # threads running (a Dask client, a host application's), workers start from a clean server.
            methods = multiprocessing.get_all_start_methods()
            if "fork" in methods and threading.active_count() == 1:
                method = "fork"
            else:
                method = "forkserver" if "forkserver" in methods else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method))
        return self._pool

    def run(self, paths: Sequence[str], max_bytes: int | None, pack: bool = False) -> Iterator[Outcome]:
        if len(paths) <= BATCH:  # not worth starting workers for
            yield from super().run(paths, max_bytes)
            return
        pool = self._executor()
        yield from _ordered(lambda b: pool.submit(extract_batch, b, max_bytes, pack), lambda f: f.result(),
                            _batches(paths, _batch_size(len(paths), self.workers)), self.workers * AHEAD)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskEngine(Engine):
    """Workers of a Dask cluster (``dask.distributed``); the driver keeps merging and resolution."""

    name = "dask"

    def __init__(self, scheduler) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            from .errors import E_NO_DASK, KgError

            raise KgError(E_NO_DASK) from exc
        # ``scheduler`` is an address (tcp://host:8786) or a cluster object such as a LocalCluster.
        try:
            self._client = Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            from .errors import E_DASK_CONNECT, KgError

            raise KgError(E_DASK_CONNECT.format(address=scheduler, reason=exc)) from exc
        self.workers = max(1, sum(self._client.nthreads().values()))

    def run(self, paths: Sequence[str], max_bytes: int | None, pack: bool = False) -> Iterator[Outcome]:
        # Reports come back unpacked: their paths are rewritten here (see _with_path).
        client = self._client
        # Absolute paths: workers do not share the driver's working directory.
        absolute = [os.path.abspath(p) for p in paths]
        back = dict(zip(absolute, paths))

        def result(future) -> list[Outcome]:
            return [_with_path(o, back[o.path]) for o in future.result()]

        yield from _ordered(lambda b: client.submit(extract_batch, b, max_bytes, pure=False), result,
                            _batches(absolute, _batch_size(len(paths), self.workers)), self.workers * AHEAD)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _with_path(outcome: Outcome, path: str) -> Outcome:
    """The outcome as if the driver had read ``path`` itself (paths in messages and records as given)."""
    if outcome.path == path:
        return outcome
    old = outcome.path
    if outcome.report is None:
        return Outcome(path, None, outcome.reason, (outcome.message or "").replace(old, path))
    r = outcome.report
    from dataclasses import replace

    return Outcome(path, replace(r, path=path, warnings=tuple(w.replace(old, path) for w in r.warnings)))


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def make_engine(kind: str = "local", *, jobs: int | None = None, scheduler=None) -> Engine:
    """``local`` (serial for one job, a process pool otherwise) or ``dask`` (needs ``scheduler``)."""
    if kind == "dask":
        return DaskEngine(scheduler)
    jobs = default_jobs() if jobs is None else jobs
    return Engine() if jobs <= 1 else PoolEngine(jobs)


__all__ = ["Outcome", "Engine", "PoolEngine", "DaskEngine", "extract_one", "extract_batch", "make_engine",
           "default_jobs", "quiet_jieba", "BATCH"]
