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
from kg.rdf_sections import DetachedSections, MissingText, Sections
from kg.section_worker import SectionWorker
from kg.validate import target_classes


def files_in(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _role_edge_naming_another_report(graph):
    """A copy of ``graph`` where one participation's edge names another report than its meeting's."""
    graph = graph.copy()
    docs = sorted({a["doc_id"] for _, a in graph.nodes(data=True) if a.get("type") == "report"})
    u, v, key, a = next((u, v, k, a) for u, v, k, a in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3])
                        if k == "attended")
    a["doc_id"] = next(d for d in docs if d != a["doc_id"])
    return graph


@pytest.mark.parametrize("jsonld", [True, False], ids=["both", "turtle"])
@pytest.mark.parametrize("edited", [False, True], ids=["seeds", "edge-naming-another-report"])
def test_a_detached_writer_renders_each_report_as_the_graphs_writer_does(seed_graph, seed_reports, jsonld, edited):
    graph = _role_edge_naming_another_report(seed_graph) if edited else seed_graph
    here = Sections(graph, seed_reports, targets=target_classes(), jsonld=jsonld)
    sent = Sections(graph, seed_reports, targets=target_classes(), jsonld=jsonld)
    here.entities()
    sent.entities()
    state = marshal.dumps(sent.detached_state())
    elsewhere = DetachedSections(marshal.loads(state))  # as the worker has it: each input's own text only
    with_texts = sent.detached()
    docs = here.doc_ids()
    assert len(docs) == len(seed_reports)
    missing = []
    for doc_id in docs:
        expected = here.report(doc_id)
        data = marshal.loads(marshal.dumps(sent.report_input(doc_id)))
        try:
            got = elsewhere.report(data)
        except MissingText as e:
            missing.append((doc_id, e.args[0]))
            elsewhere = DetachedSections(marshal.loads(state))
            got = with_texts.report(data)
        assert (got.key, got.turtle, got.jsonld, got.triples, got.typed) == (
            expected.key, expected.turtle, expected.jsonld, expected.triples, expected.typed)
        assert got.turtle.count(" a ") > 10
    assert len(missing) == edited and all(doc != other for doc, other in missing)


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


def test_a_worker_that_dies_leaves_every_section_to_the_build(tmp_path, monkeypatch):
    build([SEEDS], tmp_path / "one", jobs=1, cache=False)
    spy = Spy(monkeypatch)
    send = SectionWorker.send

    def killed(worker, data):
        send(worker, data)
        if len(worker.starts) == 2:  # it has one report's input to render, and dies
            worker.proc.kill()

    monkeypatch.setattr(SectionWorker, "send", killed)
    build([SEEDS], tmp_path / "two", jobs=2, cache=False)
    assert spy.spawned == [True] and spy.splits == [None]
    assert files_in(tmp_path / "two") == files_in(tmp_path / "one")


def test_a_fault_of_the_workers_own_leaves_every_section_to_the_build(tmp_path, monkeypatch, seed_graph,
                                                                        seed_reports):
    alone = _write(tmp_path / "alone", seed_graph, seed_reports)
    Spy(monkeypatch)
    begin = SectionWorker.begin

    def broken(worker, state, files, setup):
        del state["entity_terms"]  # the worker's copy only
        begin(worker, state, files, setup)

    monkeypatch.setattr(SectionWorker, "begin", broken)
    failed = []
    join = SectionWorker.join

    def spy_join(worker):
        try:
            return join(worker)
        except OutputError as e:
            failed.append(str(e))
            raise

    monkeypatch.setattr(SectionWorker, "join", spy_join)
    split = _write(tmp_path / "split", seed_graph, seed_reports, split=True)
    assert split[1] == alone[1] and split[0].to_json() == alone[0].to_json()
    [message] = failed
    assert "rendering reports' sections failed (KeyError: 'entity_terms')" in message


def test_a_section_quoting_another_reports_text_is_made_here(tmp_path, monkeypatch, seed_graph, seed_reports):
    graph = _role_edge_naming_another_report(seed_graph)
    alone = _write(tmp_path / "alone", graph, seed_reports)
    spy = Spy(monkeypatch)
    split = _write(tmp_path / "split", graph, seed_reports, split=True, meanwhile=lambda: time.sleep(3))
    assert spy.spawned == [True] and split[1] == alone[1] and split[0].to_json() == alone[0].to_json()


def test_an_output_the_worker_cannot_write_fails_the_build_naming_it(tmp_path, monkeypatch, seed_graph,
                                                                    seed_reports):
    Spy(monkeypatch)
    begin = SectionWorker.begin

    def elsewhere(worker, state, files, setup):
        begin(worker, state, [str(tmp_path / "gone" / "graph.ttl"), *files[1:]], setup)

    monkeypatch.setattr(SectionWorker, "begin", elsewhere)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match=r"^\S*out/graph\.ttl: cannot write \(No such file or directory\); check"):
        _write(out, seed_graph, seed_reports, split=True)
    assert not list(out.iterdir())


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
