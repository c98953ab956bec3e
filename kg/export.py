"""Write the knowledge graph as Turtle, JSON-LD, GraphML, node-link JSON and persons.csv, with the texts it indexes."""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, BinaryIO, Callable, Collection, Iterable, Iterator, Sequence, Union

import networkx as nx
from rdflib import Graph, Literal

from kg.errors import E_WRITE, OutputError
from kg.graph_files import graphml_chunks, node_link_json_chunks, to_graphml, to_node_link_json
from kg.rdf import DEFAULT_BASE_IRI, date_value, iri_segment, text_path, triples
from kg.rdf_sections import (
    ENTITY, SAMPLE_SECTIONS, DetachedSections, Rendered, SectionFiles, Sections, Tally, jsonld_chunks, sample_docs,
    turtle_chunks, write_files,
)
from kg.records import Report
from kg.section_worker import SectionWorker, WorkerFailed
from kg.tables import persons_csv
from kg.turtle import ntriples
from kg.validate import FULL_LIMIT, SAMPLE_PER_CLASS, Validation, target_classes, validate_sections, validate_triples
from kg.vocab import PREFIXES


def date_literal(value: str | None) -> Literal | None:
    """``2022-10-26`` -> xsd:date; ``XXXX-10-26`` -> ``--10-26`` xsd:gMonthDay; anything else -> None."""
    parsed = date_value(value)
    return None if parsed is None else Literal(parsed[0], datatype=parsed[1])


def to_rdf(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The knowledge graph as an rdflib Graph, IRIs under ``base_iri``: the same triples as graph.ttl."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.parse(data=ntriples(triples(graph, reports, base_iri), ordered=True), format="nt")
    return g


def to_turtle(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The knowledge graph as Turtle, byte-for-byte graph.ttl."""
    return "".join(turtle_chunks(graph, reports, base_iri))


def to_jsonld(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The knowledge graph as JSON-LD (flattened, with an @context), byte-for-byte graph.jsonld."""
    return "".join(jsonld_chunks(graph, reports, base_iri))


def text_files(reports: Sequence[Report]) -> dict[str, str]:
    """``texts/<doc_id>.txt`` (exactly Report.text, which every span indexes) and ``texts/SHA256SUMS``."""
    out = texts_by_path(reports)
    out["texts/SHA256SUMS"] = text_sums(out)
    return out


def texts_by_path(reports: Sequence[Report]) -> dict[str, str]:
    """Each report's text by its path in the output folder, ``texts/<doc_id>.txt``."""
    return {text_path(r.doc_id): r.text for r in reports}


def text_sums(texts: dict[str, str]) -> str:
    """``texts/SHA256SUMS`` of the texts by path, as ``sha256sum -c`` reads it."""
    return "".join(f"{hashlib.sha256(texts[path].encode('utf-8')).hexdigest()}  {path.removeprefix('texts/')}\n"
                   for path in sorted(texts))


def outputs(graph: nx.MultiDiGraph, reports: Sequence[Report], *, base_iri: str | None = None) -> dict[str, str]:
    """Every graph output, relative path -> content: what ``kg build`` writes besides the HTML and run report."""
    return {path: content if isinstance(content, str) else "".join(content)
            for path, content in output_chunks(graph, reports, base_iri=base_iri)}


RDF_FILES = ("graph.jsonld", "graph.ttl")  # what write_rdf() writes
# The graph's files by the name --formats gives them; the texts, reports.jsonl and build-report.json
# are written whatever the formats.
FORMATS = {"ttl": "graph.ttl", "jsonld": "graph.jsonld", "graphml": "graph.graphml", "json": "graph.json",
           "csv": "persons.csv", "html": "graph.html"}


def output_chunks(graph: nx.MultiDiGraph, reports: Sequence[Report], *, base_iri: str | None = None,
                  rdf: bool = True, files: Collection[str] | None = None,
                  texts: bool = True) -> Iterator[tuple[str, str | Iterator[str]]]:
    """outputs() in path order, each file made only when reached and the large ones as iterators of chunks.

    Write each before taking the next, and a large graph's outputs are never all in memory at once.
    ``rdf=False`` leaves out RDF_FILES, for a caller that writes them with write_rdf() in one pass;
    ``files`` (names such as graph.json) leaves out the graph files not in it; ``texts=False`` leaves out
    text_files(), for a caller that writes them itself.
    """
    base = base_iri or DEFAULT_BASE_IRI
    makers = {
        "graph.graphml": lambda: graphml_chunks(graph),
        "graph.json": lambda: node_link_json_chunks(graph),
        "persons.csv": lambda: persons_csv(graph, reports, base),
    }
    if rdf:
        makers["graph.ttl"] = lambda: turtle_chunks(graph, reports, base)
        makers["graph.jsonld"] = lambda: jsonld_chunks(graph, reports, base)
    if files is not None:
        makers = {path: make for path, make in makers.items() if path in files}
    texts_by_path = text_files(reports) if texts else {}
    for path in sorted([*makers, *texts_by_path]):
        yield path, makers[path]() if path in makers else texts_by_path[path]


def write_rdf(staged: "StagedOutputs", out_dir: str | os.PathLike[str], graph: nx.MultiDiGraph,
              reports: Sequence[Report], *, base_iri: str | None = None, validate: bool = True,
              files: Collection[str] = RDF_FILES, full_limit: int = FULL_LIMIT, sample_sections: int = SAMPLE_SECTIONS,
              sample_per_class: int = SAMPLE_PER_CLASS, meanwhile: Callable[[], None] | None = None,
              split: bool = False) -> Validation | None:
    """Write graph.ttl and graph.jsonld (those of them in ``files``) into ``out_dir`` through ``staged``, in one
    pass over the graph's sections (kg.rdf_sections), a section at a time; the same bytes as output_chunks()
    gives. ``meanwhile`` is called once the files no longer need this process (the build's other outputs).

    With ``split`` and SPLIT_MIN_REPORTS reports or more, a second process (kg.section_worker) renders reports'
    sections while ``meanwhile`` runs here; the two then share what is left. The bytes are the same.

    With ``validate``, return the SHACL findings (kg.validate) on what was written: on every triple when
    there are at most ``full_limit``, else on the entity section and a fixed sample of reports' sections
    (kg.rdf_sections.sample_docs: ``sample_sections`` and more until each node type is in some), at most
    ``sample_per_class`` nodes of each class.
    """
    turtle, jsonld = "graph.ttl" in files, "graph.jsonld" in files
    if not (turtle or jsonld):
        if meanwhile is not None:
            meanwhile()
        return None
    out = Path(out_dir)
    worker = None
    try:
        if split and len(reports) >= SPLIT_MIN_REPORTS:
            worker = SectionWorker([out / name for name in RDF_FILES[::-1] if name in files])
            if not worker.spawn():
                worker = None
        # The Turtle is rendered even when only JSON-LD is written: the SHACL check reads it.
        sections = Sections(graph, reports, base_iri or DEFAULT_BASE_IRI, targets=target_classes(), jsonld=jsonld)
        entity = sections.entities()
        doc_ids = sections.doc_ids()
        tally = Tally(sample_docs(graph, doc_ids, sample_sections) if validate else None, full_limit)
        if worker is not None:
            _write_split(staged, out, sections, entity, doc_ids, turtle, jsonld, tally, meanwhile, worker)
        else:
            with (staged.open(out / "graph.ttl") if turtle else nullcontext()) as ttl, \
                    (staged.open(out / "graph.jsonld") if jsonld else nullcontext()) as js:
                write_files(sections, entity, doc_ids, ttl, js, tally)
            if meanwhile is not None:
                meanwhile()
    except BaseException:
        if worker is not None:
            worker.cancel()
        raise
    finally:
        if worker is not None:
            worker.close()
    if not validate:
        return None
    if tally.triples <= full_limit:
        return validate_triples(_parsed(sections.turtle_head, tally.kept.values()))
    kept = tally.kept
    return validate_sections(_parsed(sections.turtle_head, [kept[ENTITY]]),
                             _parsed(sections.turtle_head, [kept[k] for k in sorted(kept) if k in tally.keep]),
                             sections.attached(),
                             triples=tally.triples, focus_nodes_total=tally.typed, sample_per_class=sample_per_class)


# Fewer reports than this have their sections all rendered here: starting a worker costs about 0.3 s of CPU.
SPLIT_MIN_REPORTS = 500


def _write_split(staged: "StagedOutputs", out: Path, sections: Sections, entity: Rendered, doc_ids: Sequence[str],
                 turtle: bool, jsonld: bool, tally: Tally, meanwhile: Callable[[], None] | None,
                 worker: SectionWorker) -> None:
    """write_files() with ``worker`` (spawned) rendering reports' sections from the first on, while ``meanwhile``
    runs here; then the worker keeps half of the sections it has not rendered yet and this process renders the
    rest, from the inputs sent, into files of its own, appended once the worker is done. Should the worker end
    without its share rendered, this process renders every section after the entity section again."""
    paths = [out / "graph.ttl" if turtle else None, out / "graph.jsonld" if jsonld else None]
    names = [None if p is None else staged.reserve(p) for p in paths]
    opened: dict[Path, BinaryIO] = {}
    writing = paths[0] or paths[1]  # the output an OSError is about, for its message
    try:
        for path, name in zip(paths, names):
            if name is not None:
                writing = path
                opened[path] = open(_create_new(name), "wb")
        ttl, js = (opened.get(p) if p is not None else None for p in paths)
        files = SectionFiles(ttl, js)
        files.head(sections)
        files.write(entity)
        tally.add(entity)
        ends = {path: f.tell() for path, f in opened.items()}
        for f in opened.values():
            f.flush()  # before the worker appends to them
        worker.begin(sections.detached_state(), names,
                     {"reports": len(doc_ids), "first": files.first, "keep": tally.keep, "full_limit": tally.full_limit,
                      "triples": tally.triples, "typed": tally.typed})
        for doc_id in doc_ids:
            worker.send(sections.report_input(doc_id))
        worker.end()
        if meanwhile is not None:
            meanwhile()
        detached = sections.detached()  # this process's: it finds any text here
        start = worker.split()
        try:
            done, own = _share_here(worker, detached, range(len(doc_ids) if start is None else start, len(doc_ids)),
                                    out, ttl, js, tally)
        except WorkerFailed:
            # killed, out of memory, a fault of its own: what it appended goes, and every section is made here
            for path, f in opened.items():
                writing = path
                f.truncate(ends[path])
                f.seek(ends[path])
            done, own = None, []
            for data in worker.sent(range(len(doc_ids))):
                part = detached.report(data)
                files.write(part)
                tally.add(part)
        else:
            if done["reports"] != (len(doc_ids) if start is None else start):
                raise OutputError(worker.failure(f"{done['reports']} reports rendered"))
        files.tail(sections)
        for f, name, path in zip([ttl, js], names, paths):
            if f is not None:
                writing = path
                f.flush()
                staged.written(name, path, f.tell())
    except OSError as e:
        raise OutputError(E_WRITE.format(path=writing, reason=e.strerror or e)) from e
    finally:
        for f in opened.values():
            f.close()
    if done is not None:
        tally.triples, tally.typed = done["triples"], done["typed"]
        tally.kept.update(done["kept"])
        for part in own:
            tally.add(part)
        tally.trim()


def _share_here(worker: SectionWorker, detached: DetachedSections, share: range, out: Path, ttl: BinaryIO | None,
                js: BinaryIO | None, tally: Tally) -> tuple[dict[str, Any], list[Rendered]]:
    """Render the reports of ``share`` into files of this process's own while the worker renders those before;
    once it is done, append them to ``ttl`` and ``js`` after its share. The worker's counts, and this share's
    sections without their text but for those the SHACL check may read."""
    own: list[Rendered] = []
    with (tempfile.TemporaryFile(dir=out) if ttl is not None else nullcontext()) as ttl2, \
            (tempfile.TemporaryFile(dir=out) if js is not None else nullcontext()) as js2:
        mine = SectionFiles(ttl2, js2, first=False)  # a comma before each node object, the first's dropped below
        lower = tally.triples  # the triples before each of them, at the least
        for data in worker.sent(share):
            part = detached.report(data)
            mine.write(part)
            lower += part.triples
            kept = tally.keep is not None and (part.key in tally.keep or lower <= tally.full_limit)
            own.append(Rendered(part.key, part.turtle if kept else "", "", part.triples, part.typed))
        done = worker.join()
        for f, part, skip in ((ttl, ttl2, 0), (js, js2, 1 if done["first"] else 0)):
            if f is not None:
                f.seek(0, os.SEEK_END)
                _append(f, part, skip)
    return done, own


def _append(f: BinaryIO, part: BinaryIO, skip: int) -> None:
    """Copy ``part`` from its byte ``skip`` on to the end of ``f``, in the kernel where it can."""
    part.flush()
    size = part.seek(0, os.SEEK_END) - skip
    f.flush()
    src, dst, offset = part.fileno(), f.fileno(), skip
    copy = getattr(os, "copy_file_range", None)
    while size > 0 and copy is not None:
        try:
            n = copy(src, dst, size, offset)
        except OSError:
            break  # across file systems on an older kernel, or none of its own: copied below
        if n == 0:
            break
        offset += n
        size -= n
        f.seek(0, os.SEEK_END)
    if size > 0:
        part.seek(offset)
        while size > 0:
            chunk = part.read(min(size, WRITE_BATCH))
            f.write(chunk)
            size -= len(chunk)
        f.flush()


def _parsed(head: str, parts: Iterable[str]) -> list[tuple[str, str, str]]:
    """Turtle sections as N-Triples term strings, parsed back from the text written."""
    import pyoxigraph

    data = (head + "".join(parts)).encode("utf-8")
    return [(str(q.subject), str(q.predicate), str(q.object))
            for q in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)]


Content = Union[str, bytes, Iterable[str]]
WRITE_BATCH = 1 << 20  # characters encoded and written at a time from an iterable of chunks


def write_atomic(path: str | os.PathLike[str], text: Content) -> None:
    """Write UTF-8 text (or bytes, or an iterable of str chunks) to a temp file in the same folder, then rename
    it over ``path``."""
    with StagedOutputs() as staged:
        staged.write(path, text)
        staged.commit()


class StagedOutputs:
    """Files written to temp files beside their targets as soon as each is computed, renamed over the targets
    only by commit(): a build holds one output in memory at a time, yet a failure before commit leaves every
    old file as it was, and a kill during commit leaves each file either old or complete new.

    Leaving the ``with`` block without commit() removes the temp files.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[str, Path]] = []  # (temp file, target), in write order
        self.flushing: list[_Flush] = []  # large temp files being flushed to disk while the build goes on

    def write(self, path: str | os.PathLike[str], content: Content) -> None:
        with self.open(path) as f:
            _write_content(f, content)

    def reserve(self, path: str | os.PathLike[str]) -> str:
        """A temp file name for ``path``, renamed over it by commit() like the others, but created elsewhere (by
        write_reserved() in another process, or here for a file another process appends to); once it is written,
        written() starts flushing it."""
        target = Path(path)
        name = _temp_name(target)
        self.pending.append((name, target))
        return name

    def written(self, name: str, target: str | os.PathLike[str], size: int) -> None:
        """A reserved temp file is written, ``size`` bytes: a large one starts going to disk, as those written here
        do."""
        if size >= EARLY_FLUSH_BYTES:
            self.flushing.append(_Flush(name, Path(target)))

    def unreserve(self, names: Collection[str]) -> None:
        """Reserved temp files that were not written after all: their targets stay as they are."""
        drop = set(names)
        self.pending = [(name, target) for name, target in self.pending if name not in drop]

    @contextmanager
    def open(self, path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
        """A binary file to write ``path``'s content to: a temp file beside it, renamed over it by commit().
        Several may be open at once, for outputs made in the same pass."""
        target = Path(path)
        try:
            name, fd = self._create(target)
            self.pending.append((name, target))
            with open(fd, "wb") as f:
                yield f
                f.flush()
                if f.tell() >= EARLY_FLUSH_BYTES:
                    self.flushing.append(_Flush(name, target))
        except OSError as e:
            raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e

    def _create(self, target: Path) -> tuple[str, int]:
        """A new temp file beside ``target``, with the mode a plain open() would give it."""
        while True:
            name = _temp_name(target)
            try:
                return name, _create_new(name)
            except FileExistsError:
                continue

    def commit(self, remove: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Flush every temp file to disk, then rename each over its target, in write order; first delete the files
        in ``remove``, outputs that the new ones must not be mixed with."""
        for flush in self.flushing:
            flush.join()
        self.flushing.clear()
        _flush_to_disk([tmp for tmp, _target in self.pending])
        for path in remove:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as e:
                raise OutputError(E_WRITE.format(path=path, reason=e.strerror or e)) from e
        done = 0
        try:
            for tmp_name, target in self.pending:
                try:
                    os.replace(tmp_name, target)
                except OSError as e:
                    raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e
                done += 1
        finally:
            del self.pending[:done]

    def discard(self) -> None:
        for tmp_name, _target in self.pending:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
        self.pending.clear()

    def __enter__(self) -> "StagedOutputs":
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


def _temp_name(target: Path) -> str:
    """``.NAME.RANDOM.tmp`` beside ``target``."""
    return os.path.join(target.parent, f".{target.name}.{os.urandom(6).hex()}.tmp")


def _create_new(name: str) -> int:
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)


def write_reserved(name: str, target: str | os.PathLike[str], content: Content) -> int:
    """Create the temp file ``name`` that StagedOutputs.reserve() gave for ``target`` and write ``content`` to it;
    the bytes written."""
    try:
        with open(_create_new(name), "wb") as f:
            _write_content(f, content)
            return f.tell()
    except OSError as e:
        raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e


def holds(target: str | os.PathLike[str], data: bytes) -> bool:
    """Whether ``target`` is a regular file holding exactly ``data``: False for anything else (a symbolic link, a
    pipe, which is never waited on, or a file that cannot be read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(fd, "rb", closefd=False) as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)


def _write_content(f: BinaryIO, content: Content) -> None:
    if isinstance(content, bytes):
        f.write(content)
    elif isinstance(content, str):
        f.write(content.encode("utf-8"))
    else:
        _write_chunks(f, content)


def _write_chunks(f, chunks: Iterable[str]) -> None:
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if len(chunk) >= WRITE_BATCH:  # a large piece is encoded a slice at a time, never joined or copied whole
            f.write("".join(batch).encode("utf-8"))
            batch.clear()
            size = 0
            for i in range(0, len(chunk), WRITE_BATCH):
                f.write(chunk[i:i + WRITE_BATCH].encode("utf-8"))
            continue
        batch.append(chunk)
        size += len(chunk)
        if size >= WRITE_BATCH:
            f.write("".join(batch).encode("utf-8"))
            batch.clear()
            size = 0
    f.write("".join(batch).encode("utf-8"))


FSYNC_EACH_MAX = 16  # more files than this are flushed with one syncfs(2) rather than one fsync(2) each
EARLY_FLUSH_BYTES = 8 << 20  # a file this large starts going to disk as soon as it is written


class _Flush:
    """fsync(2) of a written file on a thread of its own, so the disk works while the next output is computed;
    join() raises the OutputError of a failed flush."""

    def __init__(self, path: str, target: Path) -> None:
        import threading

        self.path, self.target, self.error = path, target, None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            self.error = e

    def join(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise OutputError(E_WRITE.format(path=self.target, reason=self.error.strerror or self.error))


def _flush_to_disk(paths: list[str]) -> None:
    """Make the files' contents durable before they are renamed into place, so a crash cannot leave an empty file.

    One fsync per file costs about a millisecond; a build writing a text file per report flushes the
    whole file system once instead.
    """
    syncfs = _syncfs() if len(paths) > FSYNC_EACH_MAX else None
    if syncfs is not None and all(_syncfs_ok(syncfs, folder)
                                  for folder in sorted({os.path.dirname(p) or "." for p in paths})):
        return
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError as e:
            raise OutputError(E_WRITE.format(path=p, reason=e.strerror or e)) from e
        finally:
            os.close(fd)


def _syncfs_ok(syncfs, folder: str) -> bool:
    fd = os.open(folder, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def _syncfs():
    """libc's syncfs(2) where there is one (Linux), else None."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


__all__ = [
    "DEFAULT_BASE_IRI", "iri_segment", "date_literal", "to_rdf", "to_turtle", "to_jsonld", "text_files",
    "outputs", "output_chunks", "write_rdf", "RDF_FILES", "FORMATS", "to_node_link_json", "node_link_json_chunks", "to_graphml",
    "graphml_chunks",
    "write_atomic", "StagedOutputs", "write_reserved", "holds", "text_sums", "texts_by_path",
]
