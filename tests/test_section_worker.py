"""Reports' RDF sections rendered by a second process: the same bytes and checks as one process, errors raised."""
from __future__ import annotations

import marshal
import time

import pytest

from helpers import SEEDS

import kg.export as export
from kg.errors import OutputError
from kg.export import StagedOutputs, write_rdf
from kg.pipeline import build
from kg.rdf_sections import DetachedSections, Sections
from kg.section_worker import SectionWorker
from kg.validate import target_classes


def files_in(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jsonld", [True, False], ids=["both", "turtle"])
def test_a_detached_writer_renders_each_report_as_the_graphs_writer_does(seed_graph, seed_reports, jsonld):
    here = Sections(seed_graph, seed_reports, targets=target_classes(), jsonld=jsonld)
    sent = Sections(seed_graph, seed_reports, targets=target_classes(), jsonld=jsonld)
    here.entities()
    sent.entities()
    detached = DetachedSections(marshal.loads(marshal.dumps(sent.detached_state())))
    docs = here.doc_ids()
    assert len(docs) == len(seed_reports)
    for doc_id in docs:
        expected = here.report(doc_id)
        got = detached.report(marshal.loads(marshal.dumps(sent.report_input(doc_id))))
        assert (got.key, got.turtle, got.jsonld, got.triples, got.typed) == (
            expected.key, expected.turtle, expected.jsonld, expected.triples, expected.typed)
        assert got.turtle.count(" a ") > 10


class Spy:
    """Records what the build and the worker said to each other."""

    def __init__(self, monkeypatch):
        self.spawned, self.splits = [], []
        spawn, split = SectionWorker.spawn, SectionWorker.split

        def spy_spawn(worker):
            self.spawned.append(spawn(worker))
            return self.spawned[-1]

        def spy_split(worker):
            self.splits.append(split(worker))
            return self.splits[-1]

        monkeypatch.setattr(SectionWorker, "spawn", spy_spawn)
        monkeypatch.setattr(SectionWorker, "split", spy_split)
        monkeypatch.setattr(export, "SPLIT_MIN_REPORTS", 1)


def _write(out, graph, reports, *, meanwhile=None, **options):
    out.mkdir(parents=True)
    with StagedOutputs() as staged:
        checked = write_rdf(staged, out, graph, reports, meanwhile=meanwhile, **options)
        staged.commit()
    return checked, files_in(out)


@pytest.mark.parametrize("full_limit", [export.FULL_LIMIT, 0], ids=["every-triple", "sampled"])
@pytest.mark.parametrize("pause", [0.0, 3.0], ids=["build-free-at-once", "worker-renders-all"])
def test_split_rendering_writes_the_same_bytes_and_finds_the_same(tmp_path, monkeypatch, seed_graph, seed_reports,
                                                                   full_limit, pause):
    alone, alone_files = _write(tmp_path / "alone", seed_graph, seed_reports, full_limit=full_limit,
                                sample_sections=1)
    spy = Spy(monkeypatch)
    calls = []

    def meanwhile():
        calls.append(1)
        time.sleep(pause)

    split, split_files = _write(tmp_path / "split", seed_graph, seed_reports, full_limit=full_limit,
                                sample_sections=1, meanwhile=meanwhile, split=True)
    assert spy.spawned == [True] and calls == [1]
    assert split_files == alone_files and set(split_files) == {"graph.ttl", "graph.jsonld"}
    assert split.to_json() == alone.to_json() and split.conforms and split.triples > 1000
    [start] = spy.splits
    if pause:  # the worker had every report rendered when asked
        assert start is None
    else:  # asked before it started: it keeps half, the build renders the rest
        assert start is not None and start < len(seed_reports)


@pytest.mark.parametrize("only", ["graph.ttl", "graph.jsonld"])
def test_split_rendering_writes_one_format_alone(tmp_path, monkeypatch, seed_graph, seed_reports, only):
    alone = _write(tmp_path / "alone", seed_graph, seed_reports, files={only})
    Spy(monkeypatch)
    split = _write(tmp_path / "split", seed_graph, seed_reports, files={only}, split=True)
    assert split[1] == alone[1] and list(split[1]) == [only]
    assert split[0].to_json() == alone[0].to_json()


def test_a_build_splitting_the_rdf_writes_every_file_as_one_process_does(tmp_path, monkeypatch):
    build([SEEDS], tmp_path / "one", jobs=1, cache=False)
    spy = Spy(monkeypatch)
    stats = build([SEEDS], tmp_path / "two", jobs=2, cache=False)
    assert spy.spawned == [True] and len(spy.splits) == 1
    assert files_in(tmp_path / "two") == files_in(tmp_path / "one")
    assert {"graph files", "html"} <= set(stats.timings) and stats.timings["graph files"] > 0


def test_a_worker_that_cannot_start_leaves_the_rendering_here(tmp_path, monkeypatch, seed_graph, seed_reports):
    alone = _write(tmp_path / "alone", seed_graph, seed_reports)
    monkeypatch.setattr(export, "SPLIT_MIN_REPORTS", 1)

    def no_process(*_args, **_kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr("subprocess.Popen", no_process)
    split = _write(tmp_path / "split", seed_graph, seed_reports, split=True)
    assert split[1] == alone[1] and split[0].to_json() == alone[0].to_json()


def test_a_worker_that_dies_fails_the_build_naming_the_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([SEEDS], out, jobs=1, cache=False)
    before = files_in(out)
    Spy(monkeypatch)
    begin = SectionWorker.begin

    def killed(worker, *args):
        worker.proc.kill()
        worker.proc.wait()
        begin(worker, *args)

    monkeypatch.setattr(SectionWorker, "begin", killed)
    with pytest.raises(OutputError, match=r"graph\.ttl.*rendering reports' sections failed \(killed by signal 9\)"):
        build([SEEDS], out, jobs=2, cache=False)
    assert files_in(out) == before


def test_an_error_in_the_worker_comes_back_with_its_traceback(tmp_path, monkeypatch, seed_graph, seed_reports):
    Spy(monkeypatch)
    begin = SectionWorker.begin

    def broken(worker, state, files, setup):
        del state["entity_terms"]
        begin(worker, state, files, setup)

    monkeypatch.setattr(SectionWorker, "begin", broken)
    with pytest.raises(RuntimeError, match=r"(?s)rendering reports' RDF sections.*KeyError: 'entity_terms'"):
        _write(tmp_path / "out", seed_graph, seed_reports, split=True)
    assert not list((tmp_path / "out").iterdir())


def test_a_failure_here_stops_the_worker(tmp_path, monkeypatch, seed_graph, seed_reports):
    Spy(monkeypatch)
    workers = []
    spawn = SectionWorker.spawn

    def keep(worker):
        workers.append(worker)
        return spawn(worker)

    monkeypatch.setattr(SectionWorker, "spawn", keep)

    def fail():
        raise RuntimeError("graph.json failed")

    with pytest.raises(RuntimeError, match="graph.json failed"):
        _write(tmp_path / "out", seed_graph, seed_reports, split=True, meanwhile=fail)
    [worker] = workers
    assert worker.proc is None and worker.inputs is None
    assert not list((tmp_path / "out").iterdir())
