"""Reports' RDF sections rendered by a second process while the build writes its other graph files.

The worker is a new interpreter, not a fork: a forked copy would share the graph's memory pages, and
every page either process then touched would be copied. It gets the entity section's state once,
then each report's input (kg.rdf_sections.Sections.report_input) through an unnamed file that the
build writes ahead of it, and appends the sections, in doc_id order, to the Turtle and JSON-LD
files after the entity section. When the build has nothing else left to do it asks the worker to
split what remains: the worker keeps the first half and the build renders the rest itself. The
bytes are those of one process rendering every section. Should the worker end without its share
rendered (killed, out of memory, a fault of its own), the build renders every section itself.

Messages from the build, one byte each on a pipe: DATA (more input written), END (no more input)
and SPLIT; the worker answers SPLIT with the index (8 bytes) where its share ends.
"""
from __future__ import annotations

import marshal
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import E_SECTIONS, E_WRITE, KgError, OutputError
from .processes import die_with, listed

DATA, END, SPLIT = b".", b"E", b"S"
MARSHAL, PICKLE = b"m", b"p"  # a frame's first byte: how its body is written
FRAME = 8  # bytes of a frame's length, before its body
BATCH_BYTES = 1 << 20  # input written and announced at a time
EAGER_FRAMES = 16  # the first frames are written one by one, so that the worker starts at once


class SectionWorker:
    """The build's side: spawn() the worker, begin() with the entity section's state, send() each report's input
    in order, end(), then split() once the build is free; join() returns the counts of the worker's share (reports,
    triples, typed, the sections kept for the SHACL check, and whether the JSON-LD still has no node object) or
    raises its error (WorkerFailed when it ended without its share rendered); close() at the end."""

    def __init__(self, targets: list[Path]):
        self.targets = targets  # the files the worker appends to, for messages; their folder holds its input
        self.proc: subprocess.Popen | None = None
        self.inputs = self.result = None
        self.to_worker = self.from_worker = -1
        self.pending = bytearray()  # frames not written yet
        self.written = 0  # bytes of input written and pending
        self.starts: list[int] = []  # where each report's input starts

    def spawn(self) -> bool:
        """Start the worker, which readies itself while the build makes the entity section; False when no process
        can be started here, and the build renders every section itself."""
        if os.name != "posix" or not sys.executable or getattr(sys, "frozen", False):
            return False  # the messages wait on pipes with select(); a frozen program runs no module
        try:
            # the input is a fifth of the Turtle's size: beside it, not in a temp folder that may be in memory
            self.inputs = tempfile.TemporaryFile(dir=self.targets[0].parent)
            self.result = tempfile.TemporaryFile()
            down_r, down_w = os.pipe()
            up_r, up_w = os.pipe()
        except OSError:
            self.close()
            return False
        fds = (self.inputs.fileno(), down_r, up_w, self.result.fileno())
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parent.parent)  # where this kg is imported from, installed or not
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        try:
            # -P: the kg imported here, not one in the current folder
            self.proc = subprocess.Popen([sys.executable, "-P", "-m", "kg.section_worker", *map(str, fds),
                                          str(os.getpid())],
                                         pass_fds=fds, env=env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            self.close()
            return False
        os.close(down_r)
        os.close(up_w)
        self.to_worker, self.from_worker = down_w, up_r
        os.set_blocking(down_w, False)  # DATA is a hint: one dropped on a full pipe leaves others unread there
        return True

    def begin(self, state: dict[str, Any], files: list[str | None], setup: dict[str, Any]) -> None:
        """Give the worker ``state`` (Sections.detached_state()) and the files to append to (the Turtle's and the
        JSON-LD's temp file, None for one not written); ``setup``: how many reports' inputs will follow, whether
        no JSON-LD node object is written yet (first), and the kg.rdf_sections.Tally so far (keep, full_limit,
        triples, typed)."""
        targets = iter(self.targets)
        names = [None if name is None else str(next(targets)) for name in files]  # for its error messages
        self._frame(_dumps((state, list(zip(files, names)), setup)))

    def send(self, data: tuple) -> None:
        """One report's input, the next in doc_id order."""
        self.starts.append(self.written)
        self._frame(_dumps(data))

    def sent(self, which: Iterable[int]) -> Iterator[tuple]:
        """Inputs sent, read back by their place in the order sent (for the build's share); after end()."""
        fd = self.inputs.fileno()
        for i in which:
            start = self.starts[i]
            n = int.from_bytes(os.pread(fd, FRAME, start), "little")
            yield _loads(os.pread(fd, n, start + FRAME))

    def _frame(self, body: bytes) -> None:
        self.pending += len(body).to_bytes(FRAME, "little")
        self.pending += body
        self.written += FRAME + len(body)
        if len(self.pending) >= BATCH_BYTES or len(self.starts) <= EAGER_FRAMES:
            self._flush()

    def _flush(self) -> None:
        try:
            self.inputs.write(self.pending)
            self.inputs.flush()
        except OSError as e:
            raise OutputError(self.failure(f"input not written: {e}")) from e
        self.pending.clear()
        self._say(DATA)

    def _say(self, message: bytes, *, wait: bool = False) -> bool:
        """Send a message; False when the worker has ended (it said why in its result)."""
        if wait:
            os.set_blocking(self.to_worker, True)
        try:
            os.write(self.to_worker, message)
        except BlockingIOError:
            pass
        except BrokenPipeError:
            return False
        return True

    def end(self) -> None:
        """No more input."""
        self._flush()
        self._say(END, wait=True)

    def split(self) -> int | None:
        """Ask the worker to share what it has not rendered yet: the index of the first report left to the build,
        or None when the worker has rendered them all (or ended)."""
        if not self._say(SPLIT, wait=True):
            return None
        answer = _read_exactly(self.from_worker, FRAME)
        return None if answer is None else int.from_bytes(answer, "little")

    def join(self) -> dict[str, Any]:
        """The worker's counts once it has ended; its error raised here."""
        status = self.proc.wait()
        self.proc = None
        try:
            self.result.seek(0)
            kind, value = pickle.loads(self.result.read())
        except Exception:  # noqa: BLE001 - it ended before it could say (killed, out of memory)
            raise WorkerFailed(self.failure(_status(status))) from None
        if kind == "error":
            if isinstance(value, KgError):
                raise value
            raise WorkerFailed(self.failure(value)) from None
        return value

    def failure(self, status: str) -> str:
        """The message for the worker's outputs not written, for the reason ``status``."""
        return E_SECTIONS.format(paths=listed(self.targets), status=status)

    def cancel(self) -> None:
        """Stop the worker (the build failed elsewhere); its output goes with the staged temp files."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        self.close()

    def close(self) -> None:
        """Release the files and pipes (the worker has ended)."""
        for f in (self.inputs, self.result):
            if f is not None:
                f.close()
        self.inputs = self.result = None
        for fd in (self.to_worker, self.from_worker):
            if fd >= 0:
                os.close(fd)
        self.to_worker = self.from_worker = -1


def _dumps(value: Any) -> bytes:
    """A frame's body: marshal where it can, which unlike pickle leaves no UTF-8 copy attached to each string it
    writes (pickle's would keep a copy of every text and quote alive in the build)."""
    try:
        return MARSHAL + marshal.dumps(value)
    except ValueError:  # a value of another type than marshal knows
        return PICKLE + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(body: bytes) -> Any:
    return marshal.loads(body[1:]) if body[:1] == MARSHAL else pickle.loads(body[1:])


class WorkerFailed(OutputError):
    """The worker ended without its share rendered, for another reason than an output that cannot be written."""


def _read_exactly(fd: int, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        more = os.read(fd, n - len(data))
        if not more:
            return None
        data += more
    return data


def _status(status: int) -> str:
    return f"killed by signal {-status}" if status < 0 else f"exit status {status}"


# --- the worker -------------------------------------------------------------------------------------------


class _Inputs:
    """The frames the build writes ahead of the worker, read as they arrive; and its messages."""

    def __init__(self, fd: int, messages: int, answers: int):
        self.fd, self.messages, self.answers = fd, messages, answers
        self.pos = 0
        self.ended = False  # END read: every frame is in the file
        self.split_asked = False

    def next(self) -> Any | None:
        """The next frame decoded, waiting for the build to write it; None after the last."""
        while True:
            head = os.pread(self.fd, FRAME, self.pos)
            if len(head) == FRAME:
                n = int.from_bytes(head, "little")
                body = os.pread(self.fd, n, self.pos + FRAME)
                if len(body) == n:
                    self.pos += FRAME + n
                    return _loads(body)
            if self.ended:
                if head:
                    raise RuntimeError("the build's input ends in the middle of a frame")
                return None
            self.read_messages(wait=True)

    def read_messages(self, wait: bool) -> None:
        """Take the build's messages: block for one when ``wait``, else only those already sent."""
        if not wait and not select.select([self.messages], [], [], 0)[0]:
            return
        data = os.read(self.messages, 4096)
        if not data:
            raise RuntimeError("the build closed its messages without saying END")
        if END in data:
            self.ended = True
        if SPLIT in data:
            self.split_asked = True


def _work(inputs: _Inputs) -> dict[str, Any]:
    from .rdf_sections import DetachedSections, SectionFiles, Tally

    state, files, setup = inputs.next()
    sections = DetachedSections(state)
    total = setup["reports"]
    tally = Tally(setup["keep"], setup["full_limit"], setup["triples"], setup["typed"])
    outs = [None if name is None else _Output(name, target) for name, target in files]
    out = SectionFiles(*outs, first=setup["first"])
    done, stop = 0, total
    try:
        while done < stop:
            inputs.read_messages(wait=False)
            if inputs.split_asked and stop == total:
                inputs.split_asked = False
                stop = done + (total - done + 1) // 2
                os.write(inputs.answers, stop.to_bytes(FRAME, "little"))
                continue
            data = inputs.next()
            if data is None:
                raise RuntimeError(f"the build's input ends after {done} of {total} reports")
            part = sections.report(data)
            out.write(part)
            tally.add(part)
            done += 1
    finally:
        for f in outs:
            if f is not None:
                f.close()
    return {"reports": done, "triples": tally.triples, "typed": tally.typed, "kept": tally.kept, "first": out.first}


class _Output:
    """A file the worker appends to; an OSError is raised as the build would raise it, naming the output."""

    def __init__(self, name: str, target: str):
        self.target = target
        self.file = self._do(open, name, "ab", buffering=BATCH_BYTES)

    def write(self, data: bytes) -> None:
        self._do(self.file.write, data)

    def close(self) -> None:
        self._do(self.file.close)

    def _do(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OSError as e:
            raise OutputError(E_WRITE.format(path=self.target, reason=e.strerror or e)) from e


def main(argv: list[str]) -> int:
    """The worker: ``python -m kg.section_worker INPUT MESSAGES ANSWERS RESULT PARENT`` (file descriptors, and the
    build's pid)."""
    inputs_fd, messages, answers, result, parent = map(int, argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops it on Ctrl-C
    die_with(parent)
    try:
        message: tuple = ("ok", _work(_Inputs(inputs_fd, messages, answers)))
        status = 0
    except BaseException as e:  # noqa: BLE001 - every failure goes back to the build
        if isinstance(e, KgError):
            message = ("error", e)
        elif isinstance(e, MemoryError):
            message = ("error", "out of memory")
        else:
            message = ("error", "".join(traceback.format_exception_only(e)).strip())
        status = 1
    os.write(result, pickle.dumps(message))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
