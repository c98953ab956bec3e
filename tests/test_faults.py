"""Faults around ``kg build``: interrupted builds keep whole outputs, builds are deterministic, no network is used."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))
OUTPUTS = ("graph.ttl", "graph.html", "graph.json", "reports.jsonl", "build-report.json")


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def _kg(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=_env(**env))


def _corpus(folder: Path, copies: int, order: list[int] | None = None, nested: bool = False) -> Path:
    """``copies`` renamed copies of each seed, written in ``order`` (of the copy numbers)."""
    folder.mkdir(parents=True)
    for n in order if order is not None else range(copies):
        for seed in SEED_FILES:
            target = folder / (f"batch{n % 3}" if nested else "") / f"{seed.stem}-{n:02d}.txt"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(seed, target)
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` but those in hidden folders (the extraction cache), by relative path."""
    files = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts[:-1]):
            files[rel.as_posix()] = p.read_bytes()
    return files


def _is_temp(name: str) -> bool:
    return Path(name).name.startswith(".") and name.endswith(".tmp")


def _check_complete(name: str, data: bytes) -> None:
    """Parse one output file; raises if it is cut short or malformed."""
    text = data.decode("utf-8")
    if name.endswith((".json", ".jsonld")):
        json.loads(text)
    elif name.endswith(".graphml"):
        import xml.etree.ElementTree as ET

        ET.fromstring(data)
    elif name.endswith(".jsonl"):
        for line in text.splitlines():
            json.loads(line)
    elif name.endswith(".ttl"):
        import pyoxigraph

        list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
    elif name.endswith(".html"):
        assert text.rstrip().endswith("</html>")


# ---------------------------------------------------------------- interrupted builds


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """An old build (two seeds) and the complete new build (many reports) that interrupted runs attempt."""
    root = tmp_path_factory.mktemp("faults")
    _corpus(root / "old-corpus", 1)
    for extra in sorted((root / "old-corpus").iterdir())[2:]:
        extra.unlink()
    _corpus(root / "corpus", 4)
    assert _kg("build", "old-corpus", "--out", "old", "-q", cwd=root).returncode == 0
    start = time.monotonic()
    done = _kg("build", "corpus", "--out", "new", "-q", cwd=root)
    seconds = time.monotonic() - start  # only to spread the kill moments over a build
    assert done.returncode == 0, done.stderr
    old, new = _outputs(root / "old"), _outputs(root / "new")
    assert set(OUTPUTS) <= set(old) and all(old[k] != new[k] for k in ("graph.ttl", "reports.jsonl"))
    assert not any(_is_temp(name) for name in new)
    return root, old, new, seconds


def _interrupt(root: Path, out: Path, sig: int, *, after: float | None = None, at_temp: int | None = None) -> int:
    """Start a build into ``out`` and send ``sig`` after a delay, or once ``at_temp`` temp files were seen."""
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "corpus", "--out", str(out), "-q"],
                            cwd=root, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if after is not None:
            time.sleep(after)
        else:
            seen: set[str] = set()
            deadline = time.monotonic() + 300
            while proc.poll() is None and len(seen) < at_temp and time.monotonic() < deadline:
                seen.update(e.name for e in os.scandir(out) if _is_temp(e.name))
                time.sleep(0.0005)  # poll, but leave the build the CPU
        if proc.poll() is None:
            proc.send_signal(sig)
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return proc.returncode


def _moments(seconds: float, randomly: int, writing: tuple[int, ...]) -> list[dict]:
    rng = random.Random(20261122)
    # First while the interpreter is still starting: nothing can have been written yet.
    moments = [{"after": 0.3}] + [{"after": rng.uniform(0.2, 1.0) * seconds} for _ in range(randomly)]
    # The writes take a small share of the build: also strike while the k-th output is being written.
    return moments + [{"at_temp": k} for k in writing]


@pytest.mark.parametrize(("sig", "randomly", "writing"), [(signal.SIGKILL, 2, (1, 3)), (signal.SIGINT, 1, (2,))],
                         ids=["SIGKILL", "SIGINT"])
def test_faults_interrupted_build_leaves_old_or_complete_new_outputs(versions, tmp_path, sig, randomly, writing):
    root, old, new, seconds = versions
    out = tmp_path / "out"
    states = []
    struck_while_writing = False
    for moment in _moments(seconds, randomly, writing):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(root / "old", out)
        code = _interrupt(root, out, sig, **moment)
        now = _outputs(out)
        assert set(old) <= set(now)
        for name, data in now.items():
            if name in old or name in new:
                assert data in (old.get(name), new.get(name)), (moment, name)
                _check_complete(name, data)
        # A killed build may leave its temp file; it is hidden and never named like an output.
        leftovers = {name for name in now if name not in old and name not in new}
        assert all(_is_temp(name) for name in leftovers), leftovers
        if sig == signal.SIGINT:
            assert not leftovers and code in (0, 130, -signal.SIGINT)
        states.append(tuple(now[name] == new[name] for name in OUTPUTS))
        struck_while_writing |= "at_temp" in moment and bool(leftovers)
    # The moments did strike at different stages: before any write, and (for SIGKILL, which
    # acts at once) while outputs were being written, leaving their temp files behind.
    # SIGINT waits for the interpreter, so where it lands varies.
    assert (False,) * len(OUTPUTS) in states
    assert struck_while_writing or sig == signal.SIGINT
    # The next build completes and clears what an interrupted one left.
    assert _kg("build", "corpus", "--out", str(out), "-q", cwd=root).returncode == 0
    assert _outputs(out) == new


# ---------------------------------------------------------------- determinism


def test_faults_builds_are_byte_identical_whatever_file_order_or_hash_seed(tmp_path):
    forward = _corpus(tmp_path / "a" / "corpus", 3, order=[0, 1, 2])
    backward = _corpus(tmp_path / "b" / "corpus", 3, order=[2, 1, 0])
    # Different creation order, so the directory listings differ too (on most filesystems).
    runs = [(forward.parent, "0"), (backward.parent, "1"), (backward.parent, "4242")]
    builds = []
    for cwd, seed in runs:
        proc = _kg("build", "corpus", "--out", f"out-{seed}", "-q", cwd=cwd, PYTHONHASHSEED=seed)
        assert proc.returncode == 0, proc.stderr
        builds.append(_outputs(cwd / f"out-{seed}"))
    assert builds[0] == builds[1] == builds[2]


def _without_paths(outputs: dict[str, bytes], paths: dict[str, str]) -> dict[str, bytes]:
    """Outputs with each report's file path replaced by its doc_id: the only trace of the layout."""
    out = {}
    for name, data in outputs.items():
        text = data.decode("utf-8")
        for doc_id, path in sorted(paths.items(), key=lambda kv: -len(kv[1])):
            text = text.replace(json.dumps(path)[1:-1], f"<{doc_id}>")
        out[name] = text.encode("utf-8")
    return out


def _paths(out: Path) -> dict[str, str]:
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    return {rec["doc_id"]: rec["path"] for rec in map(json.loads, lines)}


def test_faults_folder_layout_changes_nothing_but_the_recorded_paths(tmp_path):
    _corpus(tmp_path / "flat", 3)
    _corpus(tmp_path / "nested", 3, order=[1, 2, 0], nested=True)
    for layout in ("flat", "nested"):
        assert _kg("build", layout, "--out", f"out-{layout}", "-q", cwd=tmp_path).returncode == 0
    flat, nested = _outputs(tmp_path / "out-flat"), _outputs(tmp_path / "out-nested")
    assert flat["graph.ttl"] == nested["graph.ttl"]
    assert flat != nested  # the paths do differ...
    flat_paths, nested_paths = _paths(tmp_path / "out-flat"), _paths(tmp_path / "out-nested")
    assert set(flat_paths) == set(nested_paths) and flat_paths != nested_paths
    assert _without_paths(flat, flat_paths) == _without_paths(nested, nested_paths)  # ...and nothing else


# ---------------------------------------------------------------- no network

_NO_NETWORK = """
import sys

attempts = []

def refuse(event, args):
    if event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")):
        attempts.append(event)
        raise PermissionError(f"network access attempted: {event}")

sys.addaudithook(refuse)
import socket
try:
    socket.socket()
except PermissionError:
    pass
else:
    raise SystemExit("the socket guard is not working")
attempts.clear()
from kg.cli import main
status = main(sys.argv[1:])
if attempts:
    raise SystemExit(f"network access attempted: {attempts}")
sys.exit(status)
"""


def test_faults_build_and_extract_use_no_network(tmp_path):
    _corpus(tmp_path / "corpus", 1)
    for args in (["build", "corpus", "--out", "out"], ["extract", "corpus"]):
        proc = subprocess.run([sys.executable, "-c", _NO_NETWORK, *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600, env=_env())
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "network access attempted" not in proc.stderr
    assert set(OUTPUTS) <= set(_outputs(tmp_path / "out"))
