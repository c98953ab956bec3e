"""Tests for kg.graph_files: node-link JSON and GraphML, streamed in sorted order."""
from __future__ import annotations

import io
import json

import networkx as nx

from kg import graph_files
from kg.graph_files import graphml_chunks, node_link_json_chunks, to_graphml, to_node_link_json


def test_graph_files_node_link_json_is_one_sorted_object_per_line(graph):
    text = to_node_link_json(graph)
    lines = text.splitlines()
    nodes = lines[lines.index('"nodes": [') + 1:lines.index('],')]
    edges = lines[lines.index('"edges": [') + 1:-1]
    assert len(nodes) == graph.number_of_nodes() and len(edges) == graph.number_of_edges()
    ids = [json.loads(line.rstrip(","))["id"] for line in nodes]
    assert ids == sorted(graph.nodes)
    ends = [(e["source"], e["target"], e["key"]) for e in (json.loads(line.rstrip(",")) for line in edges)]
    assert ends == sorted(graph.edges(keys=True))
    back = nx.node_link_graph(json.loads(text), edges="edges")
    assert back.is_multigraph() and back.is_directed() and back.graph == graph.graph
    assert nx.utils.graphs_equal(back, graph)


def test_graph_files_stream_in_bounded_pieces(graph, monkeypatch):
    monkeypatch.setattr(graph_files, "CHUNK", 2000)
    longest = max(len(line) for line in to_node_link_json(graph).splitlines())
    chunks = list(node_link_json_chunks(graph))
    assert "".join(chunks) == to_node_link_json(graph)
    assert len(chunks) > 10 and max(map(len, chunks)) < 2000 + 2 * longest
    pieces = list(graphml_chunks(graph))
    assert "".join(pieces) == to_graphml(graph) and len(pieces) > 10


def test_graph_files_empty_and_odd_graphs_round_trip():
    empty = nx.MultiDiGraph()
    assert nx.utils.graphs_equal(nx.node_link_graph(json.loads(to_node_link_json(empty)), edges="edges"), empty)
    g = nx.MultiDiGraph(note={"a": [1, 2]})
    g.add_node("x", n=1, f=0.5, flag=False, none=None, nested={"k": [1, "二"]}, text='"{}\\\n')
    g.add_node("y", n="one")  # an attribute whose type differs between nodes is written as text in GraphML
    g.add_edge("x", "y", key="k2", span=[3, 4])
    g.add_edge("x", "y", key="k1", span=[True, 4])
    back = nx.node_link_graph(json.loads(to_node_link_json(g)), edges="edges")
    assert back.graph == g.graph and dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert [k for _, _, k in back.edges(keys=True)] == ["k1", "k2"]
    assert back.edges["x", "y", "k1"]["span"] == [True, 4]
    ml = nx.read_graphml(io.BytesIO(to_graphml(g).encode("utf-8")), force_multigraph=True)
    assert ml.nodes["x"]["n"] == "1" and ml.nodes["y"]["n"] == "one"
    assert ml.nodes["x"]["f"] == 0.5 and ml.nodes["x"]["flag"] is False and "none" not in ml.nodes["x"]
    assert json.loads(ml.nodes["x"]["nested"]) == {"k": [1, "二"]} and ml.nodes["x"]["text"] == '"{}\\\n'
    assert json.loads(ml.edges["x", "y", "k1"]["span"]) == [True, 4]


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def test_graph_files_json_lines_are_json_dumps_whatever_the_value_types():
    # elements with the same attribute names but values of other types than the first such element
    g = nx.MultiDiGraph()
    values = [1, True, "1", None, 1.5, [1, 2], [True, 2], {"b": 1, "a": [2, "二"]}, '引"\\', 10**20, False, 0]
    for i, v in enumerate(values):
        g.add_node(f"n{i}", a=v, b=values[-1 - i], type="x")
        g.add_edge(f"n{i}", f"n{(i + 1) % len(values)}", a=v, b=values[i - 1])
        g.add_edge(f"n{i}", f"n{(i + 1) % len(values)}", a=values[i - 1], b=v)
    g.add_node("n0", id="its own id")  # an attribute named like the object's "id"
    lines = to_node_link_json(g).splitlines()
    nodes = [_dumps({**g.nodes[n], "id": n}) for n in sorted(g)]
    edges = [_dumps({**a, "source": u, "target": v, "key": k}) for u, v, k, a in sorted(
        g.edges(keys=True, data=True), key=lambda e: e[:3])]
    assert [line.rstrip(",") for line in lines[lines.index('"nodes": [') + 1:lines.index('],')]] == nodes
    assert [line.rstrip(",") for line in lines[lines.index('"edges": [') + 1:-1]] == edges


def test_graph_files_json_of_int_node_ids():
    g = nx.MultiDiGraph()
    g.add_edge(2, 10, weight=0.5)
    g.add_edge(2, 10, weight=1)
    g.add_node(3, label="三")
    back = nx.node_link_graph(json.loads(to_node_link_json(g)), edges="edges")
    assert nx.utils.graphs_equal(back, g) and list(back) == [2, 3, 10]
