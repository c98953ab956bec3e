"""Write the knowledge graph as Turtle, JSON-LD, GraphML, node-link JSON and persons.csv, with the texts it indexes."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Sequence

import networkx as nx
from rdflib import Graph, Literal

from kg.errors import E_WRITE, OutputError
from kg.rdf import DEFAULT_BASE_IRI, date_value, iri_segment, text_path, triples
from kg.rdf_jsonld import jsonld
from kg.records import Report
from kg.tables import persons_csv
from kg.turtle import ntriples, turtle
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
    base = base_iri or DEFAULT_BASE_IRI
    rdf_triples = triples(graph, reports, base)
    files = {
        "graph.ttl": turtle(rdf_triples, ordered=True),
        "graph.jsonld": jsonld(rdf_triples, ordered=True),
        "graph.graphml": to_graphml(graph),
        "graph.json": to_node_link_json(graph),
        "persons.csv": persons_csv(graph, reports, base),
    }
    files.update(text_files(reports))
    return files


def _sorted_node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(graph, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], str(e.get("key"))))
    return data


def to_node_link_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON (``edges="edges"``), sorted, UTF-8 text, one attribute per line."""
    return json.dumps(_sorted_node_link(graph), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


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


def _xml(value: str, table: dict) -> str:
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
    items = [("graph", None, graph.graph)]
    items += [("node", n, graph.nodes[n]) for n in sorted(graph.nodes)]
    items += [("edge", (u, v, k), graph.edges[u, v, k]) for u, v, k in sorted(graph.edges(keys=True))]
    rows = [(kind, ident, {k: _graphml_value(v) for k, v in attrs.items() if v is not None})
            for kind, ident, attrs in items]
    types: dict[tuple[str, str], set[str]] = {}
    for kind, _ident, attrs in rows:
        for name, (type_, _text) in attrs.items():
            types.setdefault((kind, name), set()).add(type_)
    keys = {kn: f"d{i}" for i, kn in enumerate(sorted(types))}
    out = [GRAPHML_HEAD]
    for (kind, name), key in keys.items():
        kinds = types[(kind, name)]
        type_ = next(iter(kinds)) if len(kinds) == 1 else "string"  # mixed types: all as text
        out.append(f'  <key id="{key}" for="{kind}" attr.name="{_xml(name, _XML_ATTR)}" attr.type="{type_}" />\n')
    out.append('  <graph edgedefault="directed">\n')
    for kind, ident, attrs in rows:
        data = "".join(f'<data key="{keys[(kind, name)]}">{_xml(text, _XML_TEXT)}</data>'
                       for name, (_type, text) in sorted(attrs.items()))
        if kind == "graph":
            out.append(f"    {data}\n" if data else "")
        elif kind == "node":
            out.append(f'    <node id="{_xml(str(ident), _XML_ATTR)}">{data}</node>\n')
        else:
            u, v, k = ident
            out.append(f'    <edge id="{_xml(str(k), _XML_ATTR)}" source="{_xml(str(u), _XML_ATTR)}" '
                       f'target="{_xml(str(v), _XML_ATTR)}">{data}</edge>\n')
    out.append("  </graph>\n</graphml>\n")
    return "".join(out)


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write UTF-8 text (or bytes) to a temp file in the same folder, then rename it over ``path``."""
    target = Path(path)
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp", delete=False,
        ) as f:
            tmp_name = f.name
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        # NamedTemporaryFile creates 0600; give the result the mode a plain open() would
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as e:
        raise OutputError(E_WRITE.format(path=target, reason=e.strerror or e)) from e
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = [
    "DEFAULT_BASE_IRI", "iri_segment", "date_literal", "to_rdf", "to_turtle", "to_jsonld", "text_files",
    "outputs", "to_node_link_json", "to_graphml", "write_atomic",
]
