"""Outputs written by a forked child while the build goes on: the same bytes, its errors raised, no files left over."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

import kg.background as background
from kg.background import Background, can_fork
from kg.errors import OutputError
from kg.export import EARLY_FLUSH_BYTES, StagedOutputs
from kg.pipeline import build

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system")


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def contents(n: int) -> list[tuple[str, str]]:
    return [(f"f{i}.txt", f"第{i}份\n" * (i + 1)) for i in range(n)]


@needs_fork
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "here"])
def test_files_are_written_and_committed_either_way(tmp_path, fork):
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / name, (lambda t=text: t)) for name, text in contents(3)], fork=fork)
        assert (job.pid is not None) == fork
        job.join()
        assert not any((tmp_path / name).exists() for name, _ in contents(3))  # not before commit
        staged.commit()
    assert files_in(tmp_path) == {name: text.encode("utf-8") for name, text in contents(3)}


@needs_fork
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "here"])
def test_a_file_already_holding_its_content_is_left_as_it_is(tmp_path, fork):
    (tmp_path / "same.txt").write_text("同样的文字\n", encoding="utf-8")
    (tmp_path / "longer.txt").write_text("旧", encoding="utf-8")
    (tmp_path / "shorter.txt").write_text("旧的文字", encoding="utf-8")
    before = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    new = {"same.txt": "同样的文字\n", "longer.txt": "旧的", "shorter.txt": "旧", "new.txt": "新"}
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / name, (lambda t=text: t)) for name, text in new.items()], fork=fork)
        job.join()
        assert sorted(target.name for _tmp, target in staged.pending) == ["longer.txt", "new.txt", "shorter.txt"]
        staged.commit()
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == new
    assert (tmp_path / "same.txt").stat().st_ino == before["same.txt"]
    assert (tmp_path / "longer.txt").stat().st_ino != before["longer.txt"]


@needs_fork
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "here"])
def test_a_large_file_starts_going_to_disk_once_written(tmp_path, fork):
    large = "x" * EARLY_FLUSH_BYTES
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "small.txt", lambda: "s"), (tmp_path / "large.txt", lambda: large)],
                         fork=fork)
        job.join()
        assert [flush.target for flush in staged.flushing] == [tmp_path / "large.txt"]
        staged.commit()
    assert (tmp_path / "large.txt").stat().st_size == EARLY_FLUSH_BYTES


@needs_fork
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "here"])
def test_a_file_that_cannot_be_written_raises_the_error_naming_it(tmp_path, fork):
    missing = tmp_path / "no-such-folder" / "x.txt"
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "a.txt", lambda: "a"), (missing, lambda: "x")], fork=fork)
        with pytest.raises(OutputError, match=f"^{missing}: cannot write") as e:
            job.join()
    assert "check that the folder is writable" in str(e.value)
    assert files_in(tmp_path) == {}  # the other file's temp file went with the staged outputs


@needs_fork
def test_an_unexpected_error_in_the_child_carries_its_traceback(tmp_path):
    def broken() -> str:
        return {}["no such key"]

    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "a.txt", broken)], fork=True)
        with pytest.raises(RuntimeError, match="alongside the build") as e:
            job.join()
    assert "KeyError: 'no such key'" in str(e.value) and "in broken" in str(e.value)


@needs_fork
def test_a_child_that_dies_is_reported_with_its_signal(tmp_path):
    def die() -> str:
        os.kill(os.getpid(), signal.SIGKILL)
        return ""

    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "a.txt", die), (tmp_path / "b.txt", lambda: "b")], fork=True)
        with pytest.raises(OutputError, match="a.txt, .*b.txt: not written.*killed by signal 9"):
            job.join()
    assert files_in(tmp_path) == {}


@needs_fork
def test_cancel_stops_a_child_still_writing(tmp_path):
    def slow() -> str:
        time.sleep(60)
        return "late"

    t0 = time.monotonic()
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "a.txt", lambda: "a"), (tmp_path / "b.txt", slow)], fork=True)
        pid = job.pid
        job.cancel()
    assert time.monotonic() - t0 < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    assert files_in(tmp_path) == {}


@needs_fork
def test_a_build_forking_the_writer_writes_the_same_bytes(tmp_path, monkeypatch):
    assert can_fork(), "the test process runs other threads"
    forks = []
    real = Background.__init__

    def spy(self, staged, files, *, fork):
        forks.append(fork)
        real(self, staged, files, fork=fork)

    monkeypatch.setattr(Background, "__init__", spy)
    build([SEEDS], tmp_path / "here", jobs=1, cache=False)
    monkeypatch.setattr(background, "FORK_MIN_REPORTS", 1)
    build([SEEDS], tmp_path / "forked", jobs=1, cache=False)
    assert forks == [False, True]
    here, forked = files_in(tmp_path / "here"), files_in(tmp_path / "forked")
    assert forked == here
    assert {"reports.jsonl", "texts/SHA256SUMS"} <= set(forked) and len(forked) > 10


@needs_fork
@pytest.mark.parametrize("minimum", [1, 10_000], ids=["forked", "here"])
def test_a_rebuild_leaves_unchanged_texts_alone_and_replaces_a_changed_one(tmp_path, monkeypatch, minimum):
    monkeypatch.setattr(background, "FORK_MIN_REPORTS", minimum)
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for p in seeds:
        (corpus / p.name).write_bytes(p.read_bytes())
    build([corpus], out, jobs=1, cache=False)
    inodes = {p.name: p.stat().st_ino for p in (out / "texts").iterdir()}
    edited = corpus / seeds[0].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n会议强调,要抓好落实。\n", encoding="utf-8")
    build([corpus], out, jobs=1, cache=False)
    again = {p.name: p.stat().st_ino for p in (out / "texts").iterdir()}
    changed = {name for name in inodes if again[name] != inodes[name]}
    assert changed == {f"{seeds[0].stem}.txt", "SHA256SUMS"}
    fresh = tmp_path / "fresh"
    build([corpus], fresh, jobs=1, cache=False)
    assert files_in(out) == files_in(fresh)


@needs_fork
def test_a_build_failing_after_the_fork_leaves_the_old_outputs_and_no_child(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([SEEDS], out, jobs=1, cache=False)
    before = files_in(out)
    monkeypatch.setattr(background, "FORK_MIN_REPORTS", 1)

    def fail(*_args, **_kwargs):
        raise RuntimeError("resolution failed")

    monkeypatch.setattr("kg.resolve.resolve", fail)
    with pytest.raises(RuntimeError, match="resolution failed"):
        build([SEEDS], out, jobs=1, cache=False)
    assert files_in(out) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def _gone(pid: int) -> bool:
    """The process has ended: no such process, or a zombie nobody reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_the_child_dies_with_a_killed_build(tmp_path):
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from kg.background import Background\n"
        "from kg.export import StagedOutputs\n"
        "job = Background(StagedOutputs(), [(Path(sys.argv[1]), lambda: time.sleep(120) or 'late')], fork=True)\n"
        "print(job.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "a.txt")], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        child = int(proc.stdout.readline())
        assert not _gone(child)
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(child)
    finally:
        proc.kill()
        proc.stdout.close()


@needs_fork
def test_a_child_failing_while_reporting_its_error_still_ends_there(tmp_path, monkeypatch):
    def broken() -> str:
        raise ValueError("first")

    def unpicklable(_e):
        raise MemoryError("while reporting")

    monkeypatch.setattr(background, "_picklable", unpicklable)
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / "a.txt", broken)], fork=True)
        with pytest.raises(OutputError, match=r"a.txt: not written.*\(exit status 1\)"):
            job.join()


@needs_fork
def test_a_fork_that_fails_writes_the_files_here(tmp_path, monkeypatch):
    def no_fork():
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(background.os, "fork", no_fork)
    with StagedOutputs() as staged:
        job = Background(staged, [(tmp_path / name, (lambda t=text: t)) for name, text in contents(3)], fork=True)
        assert job.pid is None and staged.pending == []
        job.join()
        assert len(staged.pending) == 3
        staged.commit()
    assert files_in(tmp_path) == {name: text.encode("utf-8") for name, text in contents(3)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_only_a_regular_file_is_taken_to_hold_a_content(tmp_path):
    from kg.export import holds

    (tmp_path / "real.txt").write_bytes("文字".encode("utf-8"))
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    data = "文字".encode("utf-8")
    assert holds(tmp_path / "real.txt", data)
    assert not holds(tmp_path / "real.txt", data + b"!") and not holds(tmp_path / "real.txt", data[:-1])
    assert not holds(tmp_path / "link.txt", data)
    assert not holds(tmp_path / "pipe.txt", b"")  # returns at once: nobody writes to the pipe
    assert not holds(tmp_path / "missing.txt", b"") and not holds(tmp_path, b"")
