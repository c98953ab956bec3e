"""Precomputed positions: one disc per zone, concentric bands of meetings, persons and the rest; n log n."""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

# Band (from the centre out) each node type is drawn in inside its zone's disc.
BAND = {"zone": 0, "meeting": 1, "person": 2, "organization": 3, "report": 4, "document": 4, "directive": 5}
NODE_SPACING = 70.0  # px along a ring between neighbouring nodes
# Nodes the page starts without (reports, works, directives) are packed tighter, so zone discs stay small.
SPACING = {"report": 30.0, "document": 30.0, "directive": 24.0}
RING_STEP = 60.0  # px between the rings of one band
BAND_GAP = 110.0  # px between bands
CLUSTER_GAP = 120.0  # px between zone discs


def cluster_of(graph: nx.MultiDiGraph, node: str) -> str:
    """The zone a node is drawn with, or ``doc:<doc_id>`` for nodes of a report without a zone."""
    a = graph._node[node]  # networkx's own attribute dict: the public view is slow on large graphs
    t = a["type"]
    if t == "zone":
        return a["name"]
    if t == "document":
        first = graph.nodes.get(f"report:{a['reports'][0]}", {})
        return first.get("zone") or f"doc:{a['reports'][0]}"
    if a.get("zone"):
        return a["zone"]
    return f"doc:{a.get('scope_doc') or a['doc_id']}"


def layout(graph: nx.MultiDiGraph, nodes: list[str], cluster: dict[str, str] | None = None,
           ) -> tuple[dict[str, tuple[int, int]], list[dict[str, Any]]]:
    """Integer positions of ``nodes`` and the discs they sit in ({key, x, y, r}), zones in name order.

    ``cluster`` maps nodes to their ``cluster_of`` when the caller has it already.
    """
    clusters: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        clusters[cluster[n] if cluster else cluster_of(graph, n)].append(n)
    keep = set(nodes)
    local: dict[str, dict[str, tuple[float, float]]] = {}
    radius: dict[str, float] = {}
    for key, members in clusters.items():
        local[key], radius[key] = _cluster_layout(graph, members, keep)
    # zones first, then reports without a zone; discs packed in rows of roughly square extent
    order = sorted(clusters, key=lambda k: (k.startswith("doc:"), k))
    area = sum((2 * radius[k] + CLUSTER_GAP) ** 2 for k in order)
    row_limit = max([math.sqrt(area) * 1.3] + [2 * radius[k] + CLUSTER_GAP for k in order]) if order else 0.0
    pos: dict[str, tuple[int, int]] = {}
    discs: list[dict[str, Any]] = []
    x = y = row_height = 0.0
    for key in order:
        d = 2 * radius[key] + CLUSTER_GAP
        if x > 0 and x + d > row_limit:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + d / 2, y + d / 2
        for n, (lx, ly) in local[key].items():
            pos[n] = (round(cx + lx), round(cy + ly))
        discs.append({"key": key, "x": round(cx), "y": round(cy), "r": round(radius[key])})
        x += d
        row_height = max(row_height, d)
    return pos, discs


def _cluster_layout(graph: nx.MultiDiGraph, members: list[str], keep: set[str]) -> tuple[dict, float]:
    bands: dict[int, list[str]] = defaultdict(list)
    for n in sorted(members):
        bands[BAND[graph._node[n]["type"]]].append(n)
    pos: dict[str, tuple[float, float]] = {}
    angle: dict[str, float] = {}
    r = 0.0
    for level in sorted(bands):
        band = bands[level]
        if level == 0:
            for i, n in enumerate(band):
                pos[n] = (i * NODE_SPACING, 0.0)
            continue
        if level == 1:
            band.sort(key=lambda n: (graph._node[n].get("date") or "", graph._node[n]["doc_id"],
                                     graph._node[n].get("index", 0)))
            keyed = [(-math.pi / 2 + 2 * math.pi * i / len(band), n) for i, n in enumerate(band)]
        else:
            # next to the meetings (or persons) they link to, so edges stay short
            keyed = sorted((_barycentre(graph, n, angle, keep), n) for n in band)
        spacing = SPACING.get(graph._node[band[0]]["type"], NODE_SPACING)
        gap = BAND_GAP if spacing == NODE_SPACING else BAND_GAP / 3
        r = _place_band(keyed, r + gap if r or level > 1 else gap, pos, angle, spacing)
    return pos, r + NODE_SPACING


def _place_band(keyed: list[tuple[float, str]], r: float, pos: dict, angle: dict, spacing: float) -> float:
    """Fill rings from radius ``r`` outwards in angle order; returns the outermost radius used."""
    i = 0
    outer = r
    while i < len(keyed):
        capacity = max(1, int(2 * math.pi * r / spacing))
        ring = keyed[i: i + capacity]
        start = ring[0][0] if ring[0][0] <= math.pi else -math.pi / 2
        for j, (_, n) in enumerate(ring):
            a = start + 2 * math.pi * j / len(ring)
            angle[n] = a
            pos[n] = (r * math.cos(a), r * math.sin(a))
        outer = r
        i += capacity
        r += RING_STEP * spacing / NODE_SPACING
    return outer


def _barycentre(graph: nx.MultiDiGraph, n: str, angle: dict[str, float], keep: set[str]) -> float:
    """Circular mean of the angles of already placed neighbours; 10 (sorts last) when none."""
    sx = sy = 0.0
    # sorted: float sums must not depend on set (hash) order
    for m in sorted(set(graph.predecessors(n)) | set(graph.successors(n))):
        if m in angle and m in keep:
            sx += math.cos(angle[m])
            sy += math.sin(angle[m])
    if sx == 0.0 and sy == 0.0:
        return 10.0
    return math.atan2(sy, sx)
