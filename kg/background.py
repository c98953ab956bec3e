"""Outputs written by a forked copy of the build while the build goes on with resolution and assembly."""
from __future__ import annotations

import os
import pickle
import signal
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Callable

from .errors import E_BACKGROUND, KgError, OutputError
from .export import Content, StagedOutputs, holds, write_reserved
from .processes import die_with, listed

# Fewer reports than this are written in the build's own process: forking would cost more than it saves.
FORK_MIN_REPORTS = 200

Maker = Callable[[], Content]


def can_fork() -> bool:
    """Whether a forked child may run Python here: a child of a process running other threads inherits their
    locks in whatever state they were (a notebook's kernel, a Dask client)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Background:
    """``files`` (target path, function making its content), written through ``staged`` in a forked child when
    ``fork``, else by join() in this process; either way join() returns once they are written, or raises what
    writing them raised. The bytes are the same. A file whose target holds exactly its content already (a
    report's text unchanged since the last build) is left as it is: renaming over thousands of files costs
    the build more than reading them costs the child.

    The child works on a copy-on-write snapshot of this process, so what the makers read must not be needed
    to change; the build reads the records in both processes and changes neither.
    """

    def __init__(self, staged: StagedOutputs, files: list[tuple[Path, Maker]], *, fork: bool):
        self.paths = [path for path, _make in files]
        self.files, self.staged, self.names, self.pid, self.result = files, staged, [], None, None
        if not fork:
            return
        try:
            # How it went comes back in an unnamed file rather than a pipe: a pipe's buffer would hold up a child
            # reporting on many files until the parent read it, and the child's memory with it.
            result = tempfile.TemporaryFile()
        except OSError:  # no temp folder to use: join() writes them here
            return
        names = [staged.reserve(path) for path, _make in files]
        parent = os.getpid()
        # Ctrl-C waits until the child is known here (and cancel() can stop it); the child ignores it, as the
        # parent stops it then
        blocked = _block_interrupts()
        try:
            pid = os.fork()
        except OSError:  # out of memory or processes: join() writes them here
            _restore(blocked)
            result.close()
            staged.unreserve(names)
            return
        if pid == 0:
            self._child(parent, result, names, files, blocked)  # never returns
        self.pid, self.result, self.names, self.files = pid, result, names, []  # the files would keep the records
        try:
            _restore(blocked)
        except BaseException:
            self.cancel()
            raise

    @staticmethod
    def _child(parent: int, result, names: list[str], files: list[tuple[Path, Maker]], blocked) -> None:
        """The child: write, tell the parent how it went, and leave without running any of the caller's code."""
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _restore(blocked)
            die_with(parent)
            try:
                sizes = [_write_changed(name, path, make()) for name, (path, make) in zip(names, files)]
                message, status = ("ok", sizes), 0
            except BaseException as e:  # noqa: BLE001 - every failure goes back to the parent
                message = ("error", _picklable(e))
            result.write(pickle.dumps(message))
            result.flush()
        finally:
            os._exit(status)

    def join(self) -> None:
        """Return once the files are written."""
        if self.pid is None:
            for path, make in self.files:
                content = _changed(path, make())
                if content is not None:
                    self.staged.write(path, content)
            self.files = []
            return
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        result, self.result = self.result, None
        with result:
            result.seek(0)
            data = result.read()
        try:
            kind, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - the child died before it could say (killed, out of memory)
            raise OutputError(E_BACKGROUND.format(paths=listed(self.paths), status=_status(status))) from None
        if kind == "error":
            raise value
        self.staged.unreserve([name for name, size in zip(self.names, value) if size is None])
        for name, path, size in zip(self.names, self.paths, value):
            if size is not None:
                self.staged.written(name, path, size)

    def cancel(self) -> None:
        """Stop a child still writing (the build failed elsewhere); its temp files go with the staged outputs'."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        if self.result is not None:
            self.result.close()
        self.pid = self.result = None


def _block_interrupts():
    """Hold SIGINT back where signal masks exist; the mask before, for _restore()."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _restore(mask) -> None:
    """The signal mask as it was before _block_interrupts()."""
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _changed(path: Path, content: Content) -> Content | None:
    """The content to write to ``path`` (text encoded), or None when the file holds it already."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    return None if isinstance(content, bytes) and holds(path, content) else content


def _write_changed(name: str, path: Path, content: Content) -> int | None:
    """write_reserved()'s bytes written, or None when ``path`` holds this content already."""
    content = _changed(path, content)
    return None if content is None else write_reserved(name, path, content)


def _picklable(e: BaseException) -> BaseException:
    """kg's own errors as they are; any other with the child's traceback, which its pickle would lose."""
    if isinstance(e, KgError):
        return e
    return RuntimeError("in the process writing outputs alongside the build:\n"
                        + "".join(traceback.format_exception(e)).rstrip())


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else f"wait status {status}"
