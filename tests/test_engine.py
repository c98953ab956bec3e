"""Extraction on a Dask cluster merges into the same outputs as a local build."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

from kg.engine import DaskEngine, Engine, PoolEngine, make_engine  # noqa: E402
from kg.pipeline import build  # noqa: E402

distributed = pytest.importorskip("dask.distributed")


def output_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.parts}


@pytest.fixture(scope="module")
def cluster():
    # Two in-process workers: a real scheduler and real task shipping, without starting processes.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c


def test_dask_build_equals_local_build(cluster, tmp_path, monkeypatch):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    synth.write_corpus(src / "generated", 20, seed=5)
    (src / "generated" / "broken.txt").write_bytes(b"%PDF-1.4 \x00\x01\x02")
    # Relative paths, as a user types them: workers get absolute ones, the outputs keep these.
    monkeypatch.chdir(tmp_path)
    local_warnings: list[str] = []
    local = build(["in"], "local", jobs=1, cache=False, validate=False, warn=local_warnings.append)
    dask_warnings: list[str] = []
    remote = build(["in"], "dask", engine="dask", scheduler=cluster, cache=False, validate=False,
                   warn=dask_warnings.append)
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "local")
    assert dask_warnings == local_warnings
    assert any(w.startswith("in/generated/broken.txt: ") for w in dask_warnings)
    assert remote.read == local.read == 25
    assert remote.skipped == local.skipped == {"binary": ["in/generated/broken.txt"]}


def test_dask_with_the_cache_extracts_only_what_is_new(cluster, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    out = tmp_path / "out"
    first = build([src], out, engine="dask", scheduler=cluster, validate=False)
    synth.write_corpus(src, 1, seed=9)
    second = build([src], out, engine="dask", scheduler=cluster, validate=False)
    assert (first.extracted, second.extracted, second.cached) == (5, 1, 5)


def test_make_engine_picks_the_engine():
    assert type(make_engine(jobs=1)) is Engine
    with make_engine(jobs=2) as pool:
        assert isinstance(pool, PoolEngine) and pool.workers == 2


def test_dask_engine_counts_the_cluster_threads(cluster):
    with DaskEngine(cluster) as engine:
        assert engine.workers == 2


def test_reports_pickle_back_equal_record_by_record():
    import pickle

    from kg.engine import extract_batch
    from kg.records import Participation, Span

    outcomes = extract_batch([str(p) for p in sorted(SEEDS.glob("*.txt"))], None)
    back = pickle.loads(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == outcomes
    meeting = next(o.report.meetings[0] for o in back if o.report.meetings and o.report.meetings[0].participants)
    assert type(meeting.participants[0]) is Participation and type(meeting.span) is Span
