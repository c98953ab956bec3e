"""Write the knowledge graph as Turtle, JSON-LD, GraphML, node-link JSON and persons.csv, with the texts it indexes."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, Union

import networkx as nx
from rdflib import Graph, Literal

from kg.errors import E_WRITE, OutputError
from kg.rdf import DEFAULT_BASE_IRI, Triple, date_value, iri_segment, text_path, triples
from kg.rdf_jsonld import jsonld, jsonld_chunks
from kg.records import Report
from kg.tables import persons_csv
from kg.turtle import ntriples, turtle, turtle_chunks
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
    """The knowledge graph as Turtle, byte-for-byte the same for the same input."""
    return turtle(triples(graph, reports, base_iri), ordered=True)


def to_jsonld(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The knowledge graph as JSON-LD (flattened, with an @context), the same triples as graph.ttl."""
    return jsonld(triples(graph, reports, base_iri), ordered=True)


def text_files(reports: Sequence[Report]) -> dict[str, str]:
    """``texts/<doc_id>.txt`` (exactly Report.text, which every span indexes) and ``texts/SHA256SUMS``."""
    out = {text_path(r.doc_id): r.text for r in reports}
    sums = "".join(
        f"{hashlib.sha256(out[path].encode('utf-8')).hexdigest()}  {path.removeprefix('texts/')}\n"
        for path in sorted(out))
    out["texts/SHA256SUMS"] = sums
    return out


def outputs(graph: nx.MultiDiGraph, reports: Sequence[Report], *, base_iri: str | None = None) -> dict[str, str]:
    """Every graph output, relative path -> content: what ``kg build`` writes besides the HTML and run report."""
    return {path: content if isinstance(content, str) else "".join(content)
            for path, content in output_chunks(graph, reports, base_iri=base_iri)}


def output_chunks(graph: nx.MultiDiGraph, reports: Sequence[Report], *, base_iri: str | None = None,
                  rdf_triples: list[Triple] | None = None) -> Iterator[tuple[str, str | Iterator[str]]]:
    """outputs() in path order, each file made only when reached and the large ones as iterators of chunks.

    Write each before taking the next, and a large graph's outputs are never all in memory at once.
    ``rdf_triples``: kg.rdf.triples of the graph when the caller has them already.
    """
    base = base_iri or DEFAULT_BASE_IRI
    if rdf_triples is None:
        rdf_triples = triples(graph, reports, base)
    makers = {
        "graph.ttl": lambda: turtle_chunks(rdf_triples, ordered=True),
        "graph.jsonld": lambda: jsonld_chunks(rdf_triples, ordered=True),
        "graph.graphml": lambda: graphml_chunks(graph),
        "graph.json": lambda: node_link_json_chunks(graph),
        "persons.csv": lambda: persons_csv(graph, reports, base),
    }
    texts = text_files(reports)
    for path in sorted([*makers, *texts]):
        yield path, makers[path]() if path in makers else texts[path]


def _sorted_node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], str(e.get("key"))))
    return data


def to_node_link_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON (``edges="edges"``), sorted, UTF-8 text, one attribute per line."""
    return json.dumps(_sorted_node_link(graph), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def node_link_json_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The text of to_node_link_json() in pieces, so a large graph is never one string."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True).iterencode(_sorted_node_link(graph))
    yield "\n"


GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
# XML 1.0 cannot carry these at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                           "\t": "&#9;"})


# Any character _xml changes, per table: most values have none and are returned as they are.
_XML_TEXT_SPECIAL = re.compile(_NOT_XML.pattern[:-1] + "&<>\r]")
_XML_ATTR_SPECIAL = re.compile(_NOT_XML.pattern[:-1] + '&<>"\n\r\t]')


def _xml(value: str, table: dict) -> str:
    special = _XML_TEXT_SPECIAL if table is _XML_TEXT else _XML_ATTR_SPECIAL
    if special.search(value) is None:
        return value
    return _NOT_XML.sub("\ufffd", value).translate(table)


def _graphml_value(value: Any) -> tuple[str, str]:
    """(GraphML attr.type, text); lists and dicts become JSON strings, since GraphML has no lists."""
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "long", str(value)
    if isinstance(value, float):
        return "double", repr(value)
    if isinstance(value, (list, tuple, dict)):
        return "string", json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "string", str(value)


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML for Gephi and networkx.read_graphml: sorted nodes, edges and keys; list attributes as JSON strings.

    Written directly rather than through networkx's ElementTree writer, which takes seconds per
    hundred thousand elements.
    """
    return "".join(graphml_chunks(graph))


def graphml_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The text of to_graphml() in pieces, one per element, so a large graph is never one string."""
    items = [("graph", None, graph.graph)]
    items += [("node", n, graph.nodes[n]) for n in sorted(graph.nodes)]
    items += [("edge", (u, v, k), graph.edges[u, v, k]) for u, v, k in sorted(graph.edges(keys=True))]
    rows = [(kind, ident, {k: _graphml_value(v) for k, v in attrs.items() if v is not None})
            for kind, ident, attrs in items]
    del items
    types: dict[tuple[str, str], set[str]] = {}
    for kind, _ident, attrs in rows:
        for name, (type_, _text) in attrs.items():
            types.setdefault((kind, name), set()).add(type_)
    keys = {kn: f"d{i}" for i, kn in enumerate(sorted(types))}
    yield GRAPHML_HEAD
    for (kind, name), key in keys.items():
        kinds = types[(kind, name)]
        type_ = next(iter(kinds)) if len(kinds) == 1 else "string"  # mixed types: all as text
        yield f'  <key id="{key}" for="{kind}" attr.name="{_xml(name, _XML_ATTR)}" attr.type="{type_}" />\n'
    yield '  <graph edgedefault="directed">\n'
    for kind, ident, attrs in rows:
        data = "".join(f'<data key="{keys[(kind, name)]}">{_xml(text, _XML_TEXT)}</data>'
                       for name, (_type, text) in sorted(attrs.items()))
        if kind == "graph":
            yield f"    {data}\n" if data else ""
        elif kind == "node":
            yield f'    <node id="{_xml(str(ident), _XML_ATTR)}">{data}</node>\n'
        else:
            u, v, k = ident
            yield (f'    <edge id="{_xml(str(k), _XML_ATTR)}" source="{_xml(str(u), _XML_ATTR)}" '
                   f'target="{_xml(str(v), _XML_ATTR)}">{data}</edge>\n')
    yield "  </graph>\n</graphml>\n"


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

    def write(self, path: str | os.PathLike[str], content: Content) -> None:
        target = Path(path)
        tmp_name = None
        try:
            with tempfile.NamedTemporaryFile(
                "wb", dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp", delete=False,
            ) as f:
                tmp_name = f.name
                self.pending.append((tmp_name, target))
                if isinstance(content, bytes):
                    f.write(content)
                elif isinstance(content, str):
                    f.write(content.encode("utf-8"))
                else:
                    _write_chunks(f, content)
            # NamedTemporaryFile creates 0600; give the result the mode a plain open() would
            os.chmod(tmp_name, 0o666 & ~_umask())
        except OSError as e:
            raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e

    def commit(self) -> None:
        """Flush every temp file to disk, then rename each over its target, in write order."""
        _flush_to_disk([tmp for tmp, _target in self.pending])
        while self.pending:
            tmp_name, target = self.pending[0]
            try:
                os.replace(tmp_name, target)
            except OSError as e:
                raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e
            self.pending.pop(0)

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


def _write_chunks(f, chunks: Iterable[str]) -> None:
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= WRITE_BATCH:
            f.write("".join(batch).encode("utf-8"))
            batch.clear()
            size = 0
    f.write("".join(batch).encode("utf-8"))


FSYNC_EACH_MAX = 16  # more files than this are flushed with one syncfs(2) rather than one fsync(2) each


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = [
    "DEFAULT_BASE_IRI", "iri_segment", "date_literal", "to_rdf", "to_turtle", "to_jsonld", "text_files",
    "outputs", "output_chunks", "to_node_link_json", "node_link_json_chunks", "to_graphml", "graphml_chunks",
    "write_atomic", "StagedOutputs",
]
