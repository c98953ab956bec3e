"""Builds on several worker processes write the same bytes as a build in one process."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

from kg.cache import unpack_report  # noqa: E402
from kg.cli import main  # noqa: E402
from kg.engine import BATCH, Outcome, make_engine  # noqa: E402
from kg.pipeline import build  # noqa: E402

# Enough reports that the pool gets several batches, not the serial shortcut.
GENERATED = 2 * BATCH + 5


def output_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.parts}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds, generated reports in both scripts, an empty file and a duplicate doc_id."""
    root = tmp_path_factory.mktemp("corpus")
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, root / p.name)
    synth.write_corpus(root / "generated", GENERATED, seed=7)
    (root / "generated" / "empty.txt").write_text("  \n", encoding="utf-8")
    dup = root / "zz-again"
    dup.mkdir()
    first_seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(first_seed, dup / first_seed.name)
    return root


@pytest.fixture(scope="module")
def serial(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    warnings: list[str] = []
    stats = build([corpus], out, jobs=1, cache=False, validate=False, warn=warnings.append)
    return out, stats, warnings


def test_generated_corpus_has_every_script(corpus):
    texts = [p.read_text(encoding="utf-8") for p in (corpus / "generated").glob("s7_*.txt")]
    assert len(texts) == GENERATED
    assert any("會議" in t for t in texts) and any("会议" in t for t in texts)


def test_two_jobs_write_the_same_bytes_as_one(corpus, serial, tmp_path):
    out, stats, warnings = serial
    warnings2: list[str] = []
    stats2 = build([corpus], tmp_path, jobs=2, cache=False, validate=False, warn=warnings2.append)
    assert output_files(tmp_path) == output_files(out)
    assert warnings2 == warnings
    assert stats2.read == stats.read == GENERATED + 5
    assert stats.skipped == stats2.skipped
    assert set(stats.skipped) == {"empty", "duplicate doc_id"}


def test_pool_yields_outcomes_in_path_order_with_skips(corpus):
    paths = sorted(str(p) for p in corpus.rglob("*.txt"))
    with make_engine(jobs=2) as engine:
        outcomes = list(engine.run(paths, None))
    assert [o.path for o in outcomes] == paths
    empty = [o for o in outcomes if o.report is None]
    assert [(Path(o.path).name, o.reason) for o in empty] == [("empty.txt", "empty")]
    assert all(isinstance(o, Outcome) for o in outcomes)
    with make_engine(jobs=1) as engine:
        assert list(engine.run(paths, None)) == outcomes


def test_pool_packs_reports_for_the_cache_when_asked(corpus):
    paths = sorted(str(p) for p in (corpus / "generated").glob("*.txt"))
    with make_engine(jobs=2) as engine:
        plain = list(engine.run(paths, None))
        packed = list(engine.run(paths, None, pack=True))
    assert [o.path for o in packed] == paths
    assert all(o.report is None and o.packed is None for o in packed if o.reason)
    done = [(o, p) for o, p in zip(plain, packed) if o.report is not None]
    assert len(done) == GENERATED and all(p.report is None for _o, p in done)
    assert all(unpack_report(p.packed) == o.report for o, p in done)


def test_pooled_build_fills_the_cache_and_rebuilds_from_it_with_the_same_bytes(corpus, serial, tmp_path):
    first = build([corpus], tmp_path, jobs=2, validate=False)
    assert first.cached == 0 and first.extracted >= GENERATED + 5
    assert output_files(tmp_path) == output_files(serial[0])
    again = build([corpus], tmp_path, jobs=2, validate=False)
    assert (again.extracted, again.cached) == (0, first.extracted)
    assert output_files(tmp_path) == output_files(serial[0])


def test_cli_build_with_jobs(corpus, serial, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "--jobs", "2", "--no-cache", "--no-validate"]) == 1  # one skipped
    printed = capsys.readouterr().out
    assert f"{GENERATED + 5} extracted, 0 from the cache" in printed
    assert output_files(out) == output_files(serial[0])


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_cli_refuses_a_bad_job_count(jobs, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", str(SEEDS), "--out", str(tmp_path), "--jobs", jobs])
    assert exc.value.code == 2
    assert "give 1 or more worker processes" in capsys.readouterr().err
