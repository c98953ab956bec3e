"""Parts of a built graph worth drawing alone: one zone, or one person's neighbourhood."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.errors import E_RENDER_BAD_GRAPH, E_RENDER_NO_GRAPH, E_RENDER_NO_PERSON, E_RENDER_NO_ZONE, KgError
from kg.pinyin import pinyin, strip_tones

ROLE_RELATIONS = ("chaired", "spoke_at", "attended")
NEEDED = ("type", "label", "doc_id", "span", "quote")  # node attributes the view model reads


def load_graph(build_dir: str | Path) -> nx.MultiDiGraph:
    """The graph a ``kg build`` wrote to ``build_dir/graph.json``."""
    path = Path(build_dir) / "graph.json"
    if not path.is_file():
        raise KgError(E_RENDER_NO_GRAPH.format(path=path, folder=build_dir))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        for n, a in graph.nodes(data=True):
            missing = [k for k in NEEDED if k not in a]
            if missing:
                raise KeyError(f"node {n!r} has no {', '.join(missing)}")
    except (OSError, ValueError, KeyError, TypeError, nx.NetworkXError) as exc:
        raise KgError(E_RENDER_BAD_GRAPH.format(path=path, reason=f"{type(exc).__name__}: {exc}",
                                                folder=build_dir)) from None
    return graph


def zone_graph(graph: nx.MultiDiGraph, zone: str, *, where: str = "graph.json") -> nx.MultiDiGraph:
    """Everything in a zone (by full or short name), plus the outsiders who took part in its meetings."""
    zones = {a["name"]: n for n, a in graph.nodes(data=True) if a["type"] == "zone"}
    shorts = {s: a["name"] for n, a in graph.nodes(data=True) if a["type"] == "zone" for s in a.get("short_names", [])}
    name = zone if zone in zones else shorts.get(zone)
    if name is None:
        raise KgError(E_RENDER_NO_ZONE.format(zone=zone, path=where, zones=", ".join(sorted(zones)) or "(none)"))
    keep = {zones[name]} | {n for n, a in graph.nodes(data=True) if a.get("zone") == name}
    for m in [n for n in keep if graph.nodes[n]["type"] == "meeting"]:
        keep.update(u for u, _, k in graph.in_edges(m, keys=True) if k in ROLE_RELATIONS or k == "given_at")
        keep.update(v for _, v, k in graph.out_edges(m, keys=True) if k == "organized_by")
    return graph.subgraph(sorted(keep)).copy()


def person_graph(graph: nx.MultiDiGraph, name: str, *, where: str = "graph.json") -> nx.MultiDiGraph:
    """Every person called ``name`` (Chinese, or pinyin with or without tones), their meetings and co-participants."""
    wanted = strip_tones(name).replace(" ", "")
    people = sorted(n for n, a in graph.nodes(data=True) if a["type"] == "person"
                    and (a["label"] == name or strip_tones(pinyin(a["label"])).replace(" ", "") == wanted))
    if not people:
        raise KgError(E_RENDER_NO_PERSON.format(name=name, path=where))
    keep = set(people)
    for p in people:
        for _, m, k in graph.out_edges(p, keys=True):
            keep.add(m)
            if k in ROLE_RELATIONS:
                keep.update(u for u, _, kk in graph.in_edges(m, keys=True) if kk in ROLE_RELATIONS)
                keep.update(v for _, v, kk in graph.out_edges(m, keys=True) if kk in ("organized_by", "in_zone"))
    return graph.subgraph(sorted(keep)).copy()
