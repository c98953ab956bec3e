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
        if writer is None:  # the value is its own text (an int, or text written already)
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
    yield from _in_pieces(_node_objects(graph, nodes), ",\n", first="\n")
    yield '\n],\n"edges": ['
    yield from _in_pieces(_edge_objects(graph, nodes), ",\n", first="\n")
    yield "\n]}\n"


def _node_objects(graph: nx.MultiDiGraph, nodes: list) -> Iterator[str]:
    """Each node's JSON object: its attributes and its "id"."""
    objects = _JsonObjects(("id",))
    writers = objects.writers
    attrs_of = graph._node
    for n in nodes:
        a = attrs_of[n]
        write = writers.get(tuple(a)) or objects.writer(a)
        try:
            text = write(a, _json_id(n))
        except TypeError:  # a value of another type than the first dict with these names had
            text = objects.encode(a, n)
        yield text


def _edge_objects(graph: nx.MultiDiGraph, nodes: list) -> Iterator[str]:
    """Each edge's JSON object: its attributes and its "source", "target" and "key", in _sorted_edges' order."""
    objects = _JsonObjects(("source", "target", "key"))
    writers = objects.writers
    succ = graph._adj  # walked as _sorted_edges does, to write each end once rather than once per edge
    for u in nodes:
        source = _json_id(u)
        nbrs = succ[u]
        for v in sorted(nbrs) if len(nbrs) > 1 else nbrs:
            target = _json_id(v)
            keyed = nbrs[v]
            for k in sorted(keyed, key=str) if len(keyed) > 1 else keyed:
                a = keyed[k]
                write = writers.get(tuple(a)) or objects.writer(a)
                try:
                    text = write(a, source, target, _json_id(k))
                except TypeError:  # as in _node_objects
                    text = objects.encode(a, u, v, k)
                yield text


class _JsonObjects:
    """``json.dumps({**attrs, **extras}, ensure_ascii=False, sort_keys=True)`` for attribute dicts plus named
    extras (a node's id; an edge's source, target and key), compiled per set of attribute names.

    A compiled writer expects the value types of the first dict it was made for and raises TypeError
    for any other, on which the caller falls back on encode(): a writer looked up by the names alone
    costs much less per element than one looked up by names and value types.
    """

    def __init__(self, extras: tuple[str, ...]) -> None:
        self.extras = extras
        self.params = ("a",) + tuple(f"x{i}" for i in range(len(extras)))
        self.writers: dict[tuple, Callable[..., str]] = {}  # attribute names -> writer
        self._encode = _json_encoder(sort_keys=True)

    def encode(self, attrs: dict[str, Any], *extras: Any) -> str:
        """The object by the json encoder, for any attributes."""
        return self._encode({**attrs, **dict(zip(self.extras, extras))})

    def writer(self, attrs: dict[str, Any]) -> Callable[..., str]:
        """The writer for dicts with the names of ``attrs``, made for its value types; extras come as JSON."""
        names = tuple(attrs)
        keys = names + self.extras
        if len(set(keys)) != len(keys) or any(type(k) is not str for k in keys):
            write = _encoder_decides  # an attribute named like an extra, or not by a string
        else:
            write = _compile(self.pieces(keys, tuple(map(type, attrs.values()))), self.params)
        self.writers[names] = write
        return write

    def pieces(self, keys: tuple[str, ...], classes: tuple[type, ...]) -> list[tuple[str, Any]]:
        """_compile's pieces for an object of these keys, in sorted order, with values of these types."""
        pieces: list[tuple[str, Any]] = []
        n_attrs = len(keys) - len(self.extras)
        for n, i in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
            pieces.append(("text", ("{" if n == 0 else ", ") + encode_basestring(keys[i]) + ": "))
            if i < n_attrs:
                pieces.append(("attr", (keys[i], _json_writer(classes[i]))))
            else:  # an extra, given as JSON text
                pieces.append(("arg", (self.params[i - n_attrs + 1], None)))
        pieces.append(("text", "}" if pieces else "{}"))
        return pieces


def _json_writer(cls: type) -> Callable[[Any], str]:
    """The function writing a value of this type as JSON, which raises TypeError for a value of another type."""
    if cls is str:
        return encode_basestring  # raises TypeError itself
    if cls is int:
        return _int_json
    if cls is bool:
        return _bool_json
    return _json_value  # any type


def _encoder_decides(*_args: Any) -> str:
    """The writer of objects that only the encoder writes right: the caller falls back on it."""
    raise TypeError("written by the encoder")


def _json_id(value: Any) -> str:
    """A node id or edge key as JSON."""
    return encode_basestring(value) if type(value) is str else _json_value(value)


def _int_json(value: int) -> str:
    """An int as JSON; TypeError for anything else (a bool included)."""
    if type(value) is not int:
        raise TypeError(f"not an int: {value!r}")
    return int.__repr__(value)


def _bool_json(value: bool) -> str:
    """A bool as JSON; TypeError for anything else."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise TypeError(f"not a bool: {value!r}")


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
