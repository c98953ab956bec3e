"""The extraction cache: unchanged reports are not extracted again, and a damaged cache never breaks a build."""
from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

import kg.cache  # noqa: E402
from kg.cache import CACHE_DIR, CACHE_FILE, ExtractCache, fingerprint  # noqa: E402
from kg.pipeline import build  # noqa: E402
from kg.records import Report  # noqa: E402


def output_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def run(src: Path, out: Path, **kw):
    warnings: list[str] = []
    stats = build([src], out, jobs=1, validate=False, warn=warnings.append, **kw)
    return stats, warnings


@pytest.fixture
def seeds(tmp_path) -> Path:
    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    return src


@pytest.fixture(scope="module")
def uncached(tmp_path_factory) -> Path:
    """The seeds built without a cache: what every cached build must reproduce."""
    out = tmp_path_factory.mktemp("uncached")
    build([SEEDS], out, jobs=1, validate=False, cache=False)
    return out


def _normalized_paths(files: dict[str, bytes], src: Path) -> dict[str, bytes]:
    # reports.jsonl and the run report name the input paths, which differ between the two folders.
    return {k: v.replace(str(src).encode(), str(SEEDS).encode()) for k, v in files.items()}


def test_second_build_extracts_nothing_and_writes_the_same_bytes(seeds, tmp_path, uncached):
    out = tmp_path / "out"
    first, _ = run(seeds, out)
    assert (first.extracted, first.cached) == (5, 0)
    assert (out / CACHE_DIR / CACHE_FILE).is_file()
    files = output_files(out)
    second, warnings = run(seeds, out)
    assert (second.extracted, second.cached) == (0, 5)
    assert output_files(out) == files
    assert _normalized_paths(files, seeds) == output_files(uncached)
    assert not [w for w in warnings if "cache" in w]


def test_the_key_made_from_an_extracted_report_is_the_key_read_off_its_file(seeds, tmp_path):
    from kg.engine import extract_one

    cache = ExtractCache(tmp_path, lambda m: None)
    paths = sorted(str(p) for p in seeds.iterdir())
    keys = [cache.key(p) for p in paths]
    assert keys == [cache.key_of(p, extract_one(p, None).report) for p in paths]
    assert len(set(keys)) == len(paths)
    (seeds / "copy.txt").write_bytes(Path(paths[0]).read_bytes())  # the same bytes at another path
    assert cache.key(str(seeds / "copy.txt")) not in keys


def test_adding_one_report_extracts_that_one(seeds, tmp_path):
    out = tmp_path / "out"
    run(seeds, out)
    doc_id, text = synth.report(3, seed=11)
    (seeds / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    stats, _ = run(seeds, out)
    assert (stats.extracted, stats.cached, stats.read) == (1, 5, 6)
    fresh = tmp_path / "fresh"
    run(seeds, fresh, cache=False)
    assert output_files(out) == output_files(fresh)


def test_an_edited_report_is_extracted_again(seeds, tmp_path):
    out = tmp_path / "out"
    run(seeds, out)
    victim = sorted(seeds.glob("*.txt"))[2]
    victim.write_text(victim.read_text(encoding="utf-8").replace("会议", "会 议", 1), encoding="utf-8")
    stats, _ = run(seeds, out)
    assert (stats.extracted, stats.cached) == (1, 4)


def test_another_extractor_version_invalidates_every_entry(seeds, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(seeds, out)
    monkeypatch.setattr(kg.cache, "fingerprint", lambda: "another extractor")
    stats, _ = run(seeds, out)
    assert (stats.extracted, stats.cached) == (5, 0)
    with sqlite3.connect(out / CACHE_DIR / CACHE_FILE) as db:
        assert {v for (v,) in db.execute("SELECT DISTINCT version FROM report")} == {"another extractor"}


def test_fingerprint_follows_the_extractor_name_and_its_source(monkeypatch, tmp_path):
    import kg.extract

    base = fingerprint.__wrapped__()
    assert fingerprint() == base
    monkeypatch.setattr(kg.extract, "EXTRACTOR", kg.extract.EXTRACTOR + "+1")
    assert fingerprint.__wrapped__() != base
    monkeypatch.undo()
    # The same code in another folder, one source file changed by a comment.
    copy = tmp_path / "kg"
    shutil.copytree(Path(kg.cache.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(kg.cache, "__file__", str(copy / "cache.py"))
    assert fingerprint.__wrapped__() == base
    with open(copy / "extract" / "dates.py", "a", encoding="utf-8") as f:
        f.write("# changed\n")
    assert fingerprint.__wrapped__() != base


def test_a_damaged_entry_is_reported_and_extracted_again(seeds, tmp_path, uncached):
    out = tmp_path / "out"
    run(seeds, out)
    with sqlite3.connect(out / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE report SET body = ? WHERE rowid = (SELECT min(rowid) FROM report)", (b"\x78\x9cnot zlib",))
    stats, warnings = run(seeds, out)
    assert (stats.extracted, stats.cached) == (1, 4)
    assert len([w for w in warnings if "cached extraction" in w and "extracting it again" in w]) == 1
    assert _normalized_paths(output_files(out), seeds) == output_files(uncached)
    again, warnings = run(seeds, out)
    assert (again.extracted, again.cached) == (0, 5)
    assert not [w for w in warnings if "cache" in w]


def test_a_cache_file_that_is_no_database_is_set_aside(seeds, tmp_path, uncached):
    out = tmp_path / "out"
    run(seeds, out)
    db = out / CACHE_DIR / CACHE_FILE
    for extra in db.parent.glob(CACHE_FILE + "-*"):
        extra.unlink()
    db.write_bytes(b"this is not a database" * 100)
    stats, warnings = run(seeds, out)
    assert stats.extracted == 5
    assert any("not a usable cache" in w for w in warnings)
    assert (db.parent / "extract.corrupt").exists()
    assert _normalized_paths(output_files(out), seeds) == output_files(uncached)
    assert run(seeds, out)[0].cached == 5


def test_no_cache_reads_and_writes_no_cache(seeds, tmp_path):
    out = tmp_path / "out"
    stats, _ = run(seeds, out, cache=False)
    assert stats.extracted == 5
    assert not (out / CACHE_DIR).exists()


def test_entries_round_trip_to_equal_reports(tmp_path):
    from kg.engine import extract_one

    reports = [extract_one(str(p), None).report for p in sorted(SEEDS.glob("*.txt"))]
    with ExtractCache(tmp_path, lambda m: None) as cache:
        for r in reports:
            cache.put(f"k-{r.doc_id}", r)
    with ExtractCache(tmp_path, lambda m: None) as cache:
        back = [cache.get(f"k-{r.doc_id}", r.path) for r in reports]
    assert back == reports
    assert all(isinstance(r, Report) for r in back)


def test_an_entry_that_calls_anything_but_a_record_is_refused(seeds, tmp_path, uncached):
    import os
    import pickle
    import zlib

    canary = tmp_path / "canary"
    canary.write_text("still here", encoding="utf-8")

    class Removes:
        def __reduce__(self):
            return os.remove, (str(canary),)

    out = tmp_path / "out"
    run(seeds, out)
    with sqlite3.connect(out / CACHE_DIR / CACHE_FILE) as db:
        db.execute("UPDATE report SET body = ? WHERE rowid = (SELECT min(rowid) FROM report)",
                   (zlib.compress(pickle.dumps(Removes())),))
    stats, warnings = run(seeds, out)
    assert canary.exists()
    assert (stats.extracted, stats.cached) == (1, 4)
    assert len([w for w in warnings if "cached extraction" in w]) == 1
    assert _normalized_paths(output_files(out), seeds) == output_files(uncached)
