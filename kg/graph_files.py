"""The networkx graph as node-link JSON and as GraphML, streamed element by element in sorted order."""
from __future__ import annotations

import json
import re
from array import array
from json.encoder import encode_basestring
from typing import Any, Callable, Iterable, Iterator

import networkx as nx

try:  # the C encoder json.dumps uses, built once rather than once per element
    from json.encoder import c_make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - Python builds without the _json accelerator
    _c_make_encoder = None

# Elements are handed to the writer in pieces of about this many characters (a person attested in
# hundreds of reports is one element of tens of thousands).
CHUNK = 1 << 20


def _json_encoder(sort_keys: bool) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)``, with one encoder for every call."""
    encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys)
    if _c_make_encoder is None:
        return encoder.encode
    encode = _c_make_encoder({}, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", sort_keys,
                             False, True)
    return lambda value: "".join(encode(value, 0))


def _sorted_edges(graph: nx.MultiDiGraph, nodes: list) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(u, v, key, attributes) by source, target and key: the sort of every edge, done per adjacency list."""
    succ = graph._adj  # networkx's own dicts: its edge views cost a call per edge
    for u in nodes:
        nbrs = succ[u]
        for v in sorted(nbrs) if len(nbrs) > 1 else nbrs:
            keyed = nbrs[v]
            for k in sorted(keyed, key=str) if len(keyed) > 1 else keyed:
                yield u, v, k, keyed[k]


def _compile(pieces: list[tuple[str, Any]], params: tuple[str, ...]) -> Callable[..., str]:
    """A function of ``params`` returning the text of ``pieces`` joined: ("text", str) as it is, ("attr", (name,
    writer)) as ``writer(a[name])`` of the attribute dict ``a``, ("arg", (param, writer)) as ``writer(param)``.

    Made once per kind of element (attribute names and value types) and run for each element: one
    f-string instead of a loop over the attributes, which is most of the cost of writing a large graph.
    """
    constants: dict[str, Any] = {}
    fields = []
    for kind, value in pieces:
        if kind == "text":
            constants[f"_c{len(constants)}"] = value
            fields.append(f"{{_c{len(constants) - 1}}}")
            continue
        ref, writer = value
        if kind == "attr":
            constants[f"_c{len(constants)}"] = ref
            ref = f"a[_c{len(constants) - 1}]"
        if writer is None:  # the value is its own text (an int)
            fields.append(f"{{{ref}}}")
        else:
            constants[f"_c{len(constants)}"] = writer
            fields.append(f"{{_c{len(constants) - 1}({ref})}}")
    namespace = dict(constants)
    exec(f"def write({', '.join(params)}):\n    return f'{''.join(fields)}'", namespace)  # noqa: S102 - names only
    return namespace["write"]


def _in_pieces(items: Iterable[str], sep: str = "", first: str = "") -> Iterator[str]:
    """``first + sep.join(items)`` (nothing at all for no items) in pieces of about CHUNK characters."""
    batch: list[str] = []
    size = 0
    lead = first
    for item in items:
        batch.append(item)
        size += len(item)
        if size >= CHUNK:
            yield lead + sep.join(batch)
            batch.clear()
            size, lead = 0, sep
    if batch:
        yield lead + sep.join(batch)


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


# ---------------------------------------------------------------- node-link JSON


def to_node_link_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON (``edges="edges"``): nodes by id and edges by source, target and key, one per line."""
    return "".join(node_link_json_chunks(graph))


def node_link_json_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The text of to_node_link_json() in pieces of about CHUNK characters, so a large graph is never one string.

    Each node and edge is one JSON object on its own line (keys sorted), read back by
    ``networkx.node_link_graph(data, edges="edges")``; no copy of the graph's data is made.
    """
    encode = _json_encoder(sort_keys=True)
    yield (f'{{"directed": {json.dumps(graph.is_directed())}, "multigraph": {json.dumps(graph.is_multigraph())}, '
           f'"graph": {encode(graph.graph)},\n"nodes": [')
    nodes = sorted(graph)
    attrs_of = graph._node
    node, edge = _JsonObjects(("id",)), _JsonObjects(("source", "target", "key"))
    yield from _in_pieces((node(attrs_of[n], n) for n in nodes), ",\n", first="\n")
    yield '\n],\n"edges": ['
    yield from _in_pieces((edge(a, u, v, k) for u, v, k, a in _sorted_edges(graph, nodes)), ",\n", first="\n")
    yield "\n]}\n"


class _JsonObjects:
    """``json.dumps({**attrs, **extras}, ensure_ascii=False, sort_keys=True)`` for attribute dicts plus named
    extras (a node's id; an edge's source, target and key), compiled per kind of dict."""

    def __init__(self, extras: tuple[str, ...]) -> None:
        self.extras = extras
        self.params = ("a",) + tuple(f"x{i}" for i in range(len(extras)))
        self.writers: dict[tuple[tuple, tuple, tuple], Callable[..., str] | None] = {}
        self.encode = _json_encoder(sort_keys=True)

    def writer(self, names: tuple, classes: tuple, extra_classes: tuple) -> Callable[..., str] | None:
        keys = names + self.extras
        classes += extra_classes
        if len(set(keys)) != len(keys) or any(type(k) is not str for k in keys):
            return None  # an attribute named like an extra, or not by a string: the encoder decides
        pieces: list[tuple[str, Any]] = []
        for n, i in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
            pieces.append(("text", ("{" if n == 0 else ", ") + encode_basestring(keys[i]) + ": "))
            cls = classes[i]
            writer = (encode_basestring if cls is str else None if cls is int else _bool_text if cls is bool
                      else _json_value)
            pieces.append(("attr", (keys[i], writer)) if i < len(names) else ("arg", (self.params[i - len(names) + 1],
                                                                                     writer)))
        pieces.append(("text", "}" if pieces else "{}"))
        return _compile(pieces, self.params)

    def __call__(self, attrs: dict[str, Any], *extras: Any) -> str:
        sig = (tuple(attrs), tuple(map(type, attrs.values())), tuple(map(type, extras)))
        try:
            write = self.writers[sig]
        except KeyError:
            write = self.writers[sig] = self.writer(*sig)
        if write is None:
            return self.encode({**attrs, **dict(zip(self.extras, extras))})
        return write(attrs, *extras)


def _json_value(value: Any, _encode=_json_encoder(sort_keys=True)) -> str:
    """A value as JSON; a span ([start, end]) without the encoder."""
    if type(value) is list and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return f"[{value[0]}, {value[1]}]"
    return _encode(value)


# ---------------------------------------------------------------- GraphML


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


def _xml_text(value: str, _search=_XML_TEXT_SPECIAL.search) -> str:
    return value if _search(value) is None else _NOT_XML.sub("\ufffd", value).translate(_XML_TEXT)


def _xml_attr(value: str, _search=_XML_ATTR_SPECIAL.search) -> str:
    return value if _search(value) is None else _NOT_XML.sub("\ufffd", value).translate(_XML_ATTR)


_json_attr = _json_encoder(sort_keys=True)


def _json_text(value: Any) -> str:
    """A list or dict attribute as the JSON string GraphML carries; a span ([start, end]) without the encoder."""
    if type(value) is list and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return f"[{value[0]}, {value[1]}]"
    return _xml_text(_json_attr(value))


def _graphml_type(cls: type) -> str:
    """GraphML attr.type of a Python type; lists and dicts are JSON strings, since GraphML has no lists."""
    if issubclass(cls, bool):
        return "boolean"
    if issubclass(cls, int):
        return "long"
    if issubclass(cls, float):
        return "double"
    return "string"


def _converter(cls: type) -> Callable[[Any], str] | None:
    """The function writing a value of this type as GraphML text; None for an int, written as it is."""
    if issubclass(cls, bool):
        return _bool_text
    if cls is int:
        return None  # an int is its own text
    if issubclass(cls, int):
        return str
    if issubclass(cls, float):
        return repr
    if issubclass(cls, (list, tuple, dict)):
        return _json_text
    if cls is str:
        return _xml_text
    return lambda v: _xml_text(str(v))


def _graphml_elements(graph: nx.MultiDiGraph, nodes: list) -> Iterator[tuple[str, dict[str, Any]]]:
    """("graph" | "node" | "edge", attributes) in the order graphml_chunks writes them."""
    yield "graph", graph.graph
    attrs_of = graph._node
    for n in nodes:
        yield "node", attrs_of[n]
    for _u, _v, _k, a in _sorted_edges(graph, nodes):
        yield "edge", a


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML for Gephi and networkx.read_graphml: sorted nodes, edges and keys; list attributes as JSON strings.

    Written directly rather than through networkx's ElementTree writer, which takes seconds per
    hundred thousand elements.
    """
    return "".join(graphml_chunks(graph))


def graphml_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The text of to_graphml() in pieces of about CHUNK characters, so a large graph is never one string.

    Two passes over the graph, neither of which copies its data: the first finds each attribute's
    type (for the <key> declarations that come first), the second writes the elements.
    """
    nodes = sorted(graph)
    # Elements alike (the same attribute names and value types, in dict order) are written alike:
    # each such signature, numbered in the first pass, gets one <data> template in the second.
    numbers: dict[tuple[str, tuple, tuple], int] = {}
    of_element = array("I")
    for kind, attrs in _graphml_elements(graph, nodes):
        sig = (kind, tuple(attrs), tuple(map(type, attrs.values())))
        i = numbers.get(sig)
        if i is None:
            i = numbers[sig] = len(numbers)
        of_element.append(i)
    signatures = list(numbers)  # in number order
    types: dict[tuple[str, str], set[str]] = {}
    for kind, names, classes in signatures:
        for name, cls in zip(names, classes):
            if cls is not type(None):
                types.setdefault((kind, name), set()).add(_graphml_type(cls))
    keys = {kn: f"d{i}" for i, kn in enumerate(sorted(types))}
    head = [GRAPHML_HEAD]
    for (kind, name), key in keys.items():
        kinds = types[(kind, name)]
        type_ = next(iter(kinds)) if len(kinds) == 1 else "string"  # mixed types: all as text
        head.append(f'  <key id="{key}" for="{kind}" attr.name="{_xml_attr(name)}" attr.type="{type_}" />\n')
    head.append('  <graph edgedefault="directed">\n')
    yield "".join(head)

    writers = []  # per signature: the <data> elements, in attribute name order
    for kind, names, classes in signatures:
        pieces: list[tuple[str, Any]] = []
        for name, i in sorted((name, i) for i, name in enumerate(names) if classes[i] is not type(None)):
            pieces += [("text", f'<data key="{keys[(kind, name)]}">'), ("attr", (name, _converter(classes[i]))),
                       ("text", "</data>")]
        writers.append(_compile(pieces, ("a",)))

    def data(number: int, attrs: dict[str, Any]) -> str:
        return writers[number](attrs)

    sig = iter(of_element)
    text = data(next(sig), graph.graph)
    yield f"    {text}\n" if text else ""
    yield from _in_pieces(_graphml_body(graph, nodes, sig, data))
    yield "  </graph>\n</graphml>\n"


def _graphml_body(graph: nx.MultiDiGraph, nodes: list, sig: Iterator[int],
                  data: Callable[[int, dict[str, Any]], str]) -> Iterator[str]:
    """The <node> and <edge> elements, each with the <data> of its signature number taken from ``sig``."""
    attrs_of = graph._node
    for n in nodes:
        yield f'    <node id="{_xml_attr(str(n))}">{data(next(sig), attrs_of[n])}</node>\n'
    succ = graph._adj  # networkx's own dicts, walked as _sorted_edges does; ids escaped once per node
    for u in nodes:
        source = _xml_attr(str(u))
        nbrs = succ[u]
        for v in sorted(nbrs) if len(nbrs) > 1 else nbrs:
            target = _xml_attr(str(v))
            keyed = nbrs[v]
            for k in sorted(keyed, key=str) if len(keyed) > 1 else keyed:
                yield (f'    <edge id="{_xml_attr(str(k))}" source="{source}" target="{target}">'
                       f'{data(next(sig), keyed[k])}</edge>\n')


__all__ = ["to_node_link_json", "node_link_json_chunks", "to_graphml", "graphml_chunks", "GRAPHML_HEAD"]
