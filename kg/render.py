"""Render the knowledge graph as one self-contained HTML page: a pure view model, then pyvis."""
from __future__ import annotations

import html as html_lib
import json
import math
import re
from collections import Counter, defaultdict
from typing import Any

import networkx as nx
from pyvis.network import Network

from kg.errors import KgError

NODE_STYLE: dict[str, dict[str, Any]] = {
    "zone": {"color": "#59a14f", "shape": "hexagon", "size": 30, "glyph": "⬢", "name": "Zone 区域"},
    "meeting": {"color": "#f28e2b", "shape": "diamond", "size": 18, "glyph": "◆", "name": "Meeting 会议"},
    "person": {"color": "#4e79a7", "shape": "dot", "size": 12, "glyph": "●", "name": "Person 人物"},
    "organization": {"color": "#76b7b2", "shape": "square", "size": 11, "glyph": "■", "name": "Organization 机构"},
    "report": {"color": "#9c9c9c", "shape": "triangle", "size": 11, "glyph": "▲", "name": "Report 报道"},
    "document": {"color": "#edc948", "shape": "star", "size": 12, "glyph": "★", "name": "Referenced work 文件"},
    "directive": {"color": "#b07aa1", "shape": "triangleDown", "size": 9, "glyph": "▼", "name": "Directive 要求"},
}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "chaired": {"color": "#d62728", "dashes": False, "width": 3, "name": "chaired 主持"},
    "spoke_at": {"color": "#ff7f0e", "dashes": [10, 5], "width": 2, "name": "spoke at 讲话"},
    "attended": {"color": "#1f77b4", "dashes": [2, 4], "width": 1.5, "name": "attended 出席"},
    "organized_by": {"color": "#8c564b", "dashes": False, "width": 1.5, "name": "organized by 召开"},
    "issued": {"color": "#9467bd", "dashes": False, "width": 1, "name": "issued 提出"},
    "given_at": {"color": "#9467bd", "dashes": [4, 4], "width": 1, "name": "given at"},
    "reported_in": {"color": "#9c9c9c", "dashes": False, "width": 1, "name": "reported in"},
    "in_zone": {"color": "#d0d0d0", "dashes": False, "width": 0.5, "name": "in zone"},
    "mentions": {"color": "#d0d0d0", "dashes": [1, 3], "width": 0.5, "name": "mentions"},
}
LABEL_MAX = 18
QUOTE_MAX = 200
RING_ORDER = {"zone": 0, "report": 1, "meeting": 1, "person": 2, "organization": 3, "document": 3, "directive": 3}
NODE_SPACING = 70.0  # px along a ring between neighbouring nodes
RING_GAP = 140.0
CLUSTER_GAP = 160.0

# Forbids every network request; inline script and style are all the page needs.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|@import\s+(?:url\()?\s*["']?|url\(\s*["']?)"""
    r"""(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cluster_of(graph: nx.MultiDiGraph, node: str) -> str:
    """The zone a node is drawn with, or ``doc:<doc_id>`` for nodes of a report without a zone."""
    a = graph.nodes[node]
    t = a["type"]
    if t == "zone":
        return a["name"]
    if t == "document":
        first = graph.nodes.get(f"report:{a['reports'][0]}", {})
        return first.get("zone") or f"doc:{a['reports'][0]}"
    if a.get("zone"):
        return a["zone"]
    return f"doc:{a.get('scope_doc') or a['doc_id']}"


def _source_line(a: dict[str, Any]) -> str:
    start, end = a["span"]
    return f"Source: {a['doc_id']} [{start}, {end}]: {_short(a['quote'], QUOTE_MAX)}"


def node_tooltip(a: dict[str, Any]) -> str:
    """Plain-text tooltip; the page shows it as text, never as markup."""
    t = a["type"]
    lines = [f"{NODE_STYLE[t]['name']}: {a.get('name') or a.get('title') or a['label']}"]
    if t == "person":
        lines.append(f"Zone: {a['zone']}" if a.get("zone") else f"Report (no zone): {a['scope_doc']}")
        if a.get("title_sources"):
            lines.append("Titles: " + "; ".join(
                f"{title} ({doc}{', ' + date if date else ''})" for title, doc, date in a["title_sources"]))
        lines.append("Reports: " + ", ".join(a["reports"]))
        if a.get("merge_rule"):
            lines.append(f"Merged: {a['merge_rule']} in {a['merge_zone']} ({', '.join(a['merge_reports'])})")
    elif t == "meeting":
        when = " ".join(x for x in (a.get("date"), a.get("time_of_day")) if x)
        if a.get("date", "").startswith("X"):
            when += " (year unknown)"
        lines.append(f"Date: {when or 'unknown'}")
        lines.append(f"Kind: {a.get('kind', 'meeting')}")
    elif t == "organization":
        lines.append(f"Kind: {a['kind']}")
        lines.append(f"Zone: {a['zone']}" if a.get("zone") else f"Report (no zone): {a['scope_doc']}")
        lines.append("Reports: " + ", ".join(a["reports"]))
    elif t == "zone":
        if a.get("short_names"):
            lines.append("Also written: " + ", ".join(a["short_names"]))
        lines.append("Reports: " + ", ".join(a["reports"]))
    elif t == "report":
        lines.append(f"Published: {a.get('published') or 'unknown'}")
        lines.append(f"Zone: {a.get('zone') or 'unknown'}")
    elif t == "document":
        lines.append("Reports: " + ", ".join(a["reports"]))
    elif t == "directive":
        lines.append(f"Speaker: {a['speaker']}")
        lines.append(f"Text: {_short(a['text'], QUOTE_MAX)}")
    lines.append(_source_line(a))
    return "\n".join(lines)


def edge_tooltip(graph: nx.MultiDiGraph, u: str, v: str, a: dict[str, Any]) -> str:
    """Plain-text tooltip for an edge: who, relation, what, and the sentence that says so."""
    lines = [f"{graph.nodes[u]['label']} → {EDGE_STYLE[a['relation']]['name']} → {graph.nodes[v]['label']}"]
    if a.get("title"):
        lines.append(f"Title as written: {a['title']}")
    if "order" in a:
        lines.append(f"Listed: #{a['order'] + 1}")
    if a.get("rule"):
        lines.append(f"Rule: {a['rule']}")
    lines.append(_source_line(a))
    return "\n".join(lines)


def _visible_edges(graph: nx.MultiDiGraph, kept: set[str]) -> list[tuple[str, str, str]]:
    """Every edge between kept nodes, except report mentions already shown by a closer edge."""
    edges = sorted((u, v, k) for u, v, k in graph.edges(keys=True) if u in kept and v in kept)
    shown = [(u, v, k) for u, v, k in edges if k != "mentions"]
    linked = {n for u, v, _ in shown for n in (u, v)}
    shown += [(u, v, k) for u, v, k in edges if k == "mentions" and v not in linked]
    return sorted(shown)


def layout(graph: nx.MultiDiGraph, nodes: list[str]) -> dict[str, tuple[int, int]]:
    """Deterministic positions: a disc per zone, rings of meetings, persons, the rest; linear time."""
    clusters: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        clusters[cluster_of(graph, n)].append(n)
    keep = set(nodes)
    local: dict[str, dict[str, tuple[float, float]]] = {}
    radius: dict[str, float] = {}
    for key, members in clusters.items():
        local[key], radius[key] = _cluster_layout(graph, members, keep)
    order = sorted(clusters, key=lambda k: (k.startswith("doc:"), k))
    row_limit = max(math.sqrt(sum((2 * radius[k] + CLUSTER_GAP) ** 2 for k in order)) * 1.3,
                    max(2 * radius[k] for k in order) + CLUSTER_GAP) if order else 0
    pos: dict[str, tuple[int, int]] = {}
    x = y = row_height = 0.0
    for key in order:
        d = 2 * radius[key] + CLUSTER_GAP
        if x > 0 and x + d > row_limit:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + d / 2, y + d / 2
        for n, (lx, ly) in local[key].items():
            pos[n] = (round(cx + lx), round(cy + ly))
        x += d
        row_height = max(row_height, d)
    return pos


def _cluster_layout(graph: nx.MultiDiGraph, members: list[str], keep: set[str]) -> tuple[dict, float]:
    rings: dict[int, list[str]] = defaultdict(list)
    for n in sorted(members):
        rings[RING_ORDER[graph.nodes[n]["type"]]].append(n)
    pos: dict[str, tuple[float, float]] = {}
    angle: dict[str, float] = {}
    r = 0.0
    for level in sorted(rings):
        ring = rings[level]
        if level == 0:
            for i, n in enumerate(ring):
                pos[n] = (i * NODE_SPACING, 0.0)
            continue
        if level == 1:
            # reports followed by their meetings, in doc_id order
            ring.sort(key=lambda n: (graph.nodes[n]["doc_id"], graph.nodes[n]["type"] != "report",
                                     graph.nodes[n].get("index", 0)))
        else:
            ring.sort(key=lambda n: (_barycentre(graph, n, angle, keep), n))
        r = max(r + RING_GAP, len(ring) * NODE_SPACING / (2 * math.pi))
        start = _barycentre(graph, ring[0], angle, keep) if level > 1 else -math.pi / 2
        if start > math.pi:  # nodes with no placed neighbour
            start = -math.pi / 2
        for i, n in enumerate(ring):
            a = start + 2 * math.pi * i / len(ring)
            angle[n] = a
            pos[n] = (r * math.cos(a), r * math.sin(a))
    return pos, r + NODE_SPACING


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


def view_model(graph: nx.MultiDiGraph, *, include_directives: bool = False) -> dict[str, Any]:
    """Plain dicts of styled, positioned nodes and edges, with plain-text tooltips and a legend."""
    nodes = sorted(n for n, a in graph.nodes(data=True)
                   if include_directives or a["type"] != "directive")
    kept = set(nodes)
    pos = layout(graph, nodes)
    vm_nodes = []
    for n in nodes:
        a = graph.nodes[n]
        style = NODE_STYLE[a["type"]]
        x, y = pos[n]
        vm_nodes.append({
            "id": n, "type": a["type"], "label": _short(a["label"], LABEL_MAX), "title": node_tooltip(a),
            "color": style["color"], "shape": style["shape"], "size": style["size"], "x": x, "y": y,
            "cluster": cluster_of(graph, n),
        })
    vm_edges = []
    parallel: Counter = Counter()
    for u, v, k in _visible_edges(graph, kept):
        a = graph.edges[u, v, k]
        style = EDGE_STYLE[k]
        nth = parallel[(u, v)]
        parallel[(u, v)] += 1
        smooth: dict[str, Any] = {"enabled": False}
        if nth:  # bend repeated edges between the same pair apart
            smooth = {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * nth, 2)}
        vm_edges.append({
            "id": f"{u}|{k}|{v}", "from": u, "to": v, "relation": k, "title": edge_tooltip(graph, u, v, a),
            "color": style["color"], "dashes": style["dashes"], "width": style["width"], "arrows": "to",
            "smooth": smooth,
        })
    counts = Counter(graph.nodes[n]["type"] for n in graph.nodes)
    legend = {
        "nodes": [{"type": t, "label": s["name"], "color": s["color"], "shape": s["shape"], "glyph": s["glyph"]}
                  for t, s in NODE_STYLE.items() if counts[t] and (t != "directive" or include_directives)],
        "edges": [{"relation": k, "label": s["name"], "color": s["color"], "dashes": s["dashes"],
                   "width": s["width"]} for k, s in EDGE_STYLE.items()
                  if any(e["relation"] == k for e in vm_edges)],
    }
    title = (f"Meeting knowledge graph: {counts['meeting']} meetings, {counts['person']} persons, "
             f"{counts['organization']} organizations, {counts['zone']} zones")
    return {"title": title, "nodes": vm_nodes, "edges": vm_edges, "legend": legend,
            "counts": dict(sorted(counts.items()))}


def external_references(page: str) -> list[str]:
    """Attribute values, @imports and url()s in a page that point at another host."""
    return [page[m.start(): m.end() + 40] for m in _EXTERNAL_REF.finditer(page)]


def _legend_html(vm: dict[str, Any]) -> str:
    esc = html_lib.escape
    rows = [f'<summary class="kg-title">{esc(vm["title"])}</summary>']
    for n in vm["legend"]["nodes"]:
        rows.append(f'<div><span class="kg-glyph" style="color:{esc(n["color"])}">{esc(n["glyph"])}</span>'
                    f'{esc(n["label"])}</div>')
    for e in vm["legend"]["edges"]:
        dash = " ".join(str(d) for d in e["dashes"]) if e["dashes"] else "none"
        rows.append(
            f'<div><svg width="36" height="10" aria-hidden="true"><line x1="0" y1="5" x2="36" y2="5" '
            f'stroke="{esc(e["color"])}" stroke-width="{max(e["width"], 1)}" stroke-dasharray="{esc(dash)}"/>'
            f'</svg> {esc(e["label"])}</div>')
    return '<details id="kg-legend" open>' + "\n".join(rows) + "</details>"


_LEGEND_CSS = """<style>
body { margin: 0; font-family: sans-serif; }
#kg-legend { position: absolute; top: 8px; left: 8px; z-index: 10; background: rgba(255,255,255,0.92);
  border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; font-size: 12px; line-height: 1.6; }
#kg-legend .kg-title { font-weight: bold; cursor: pointer; }
#kg-legend .kg-glyph { display: inline-block; width: 36px; text-align: center; font-size: 14px; }
#kg-legend svg { vertical-align: middle; }
div.vis-tooltip { white-space: pre-wrap; max-width: 480px; }
</style>"""


_DATA_SLOTS = {"nodes": "nodes = new vis.DataSet([]);", "edges": "edges = new vis.DataSet([]);"}
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"), ("/", "\\/"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(value: Any) -> str:
    """JSON that stays inert inside an inline <script>: no raw < > & ' / or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for raw, escaped in _SCRIPT_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def render_html(vm: dict[str, Any]) -> str:
    """A self-contained page for a view model: inline vis-network, no request to any other host."""
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True},
        "nodes": {"font": {"size": 22, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"scaleFactor": 0.5}}},
    }
    # pyvis renders the page without data, and kg embeds the data itself: pyvis's tojson leaves "/"
    # raw, and any node tooltip containing "href" makes pyvis show tooltips through innerHTML.
    page = _make_offline(net.generate_html(), vm)
    nodes = [{"id": n["id"], "label": n["label"], "title": n["title"], "color": n["color"],
              "shape": n["shape"], "size": n["size"], "x": n["x"], "y": n["y"], "physics": False}
             for n in vm["nodes"]]
    edges = [{"id": e["id"], "from": e["from"], "to": e["to"], "title": e["title"], "color": e["color"],
              "dashes": e["dashes"], "width": e["width"], "arrows": e["arrows"], "smooth": e["smooth"]}
             for e in vm["edges"]]
    for name, data in (("nodes", nodes), ("edges", edges)):
        slot = _DATA_SLOTS[name]
        if page.count(slot) != 1:
            raise KgError(f"the pyvis page template has no single {slot!r} line; install pyvis 0.3.2 or update kg.render")
        page = page.replace(slot, f"{name} = new vis.DataSet({script_json(data)});", 1)
    return page


def _make_offline(page: str, vm: dict[str, Any]) -> str:
    """Strip pyvis's CDN links and empty heading, add a legend and a CSP that blocks every request."""
    page = re.sub(r"<!--(?:(?!-->).)*?\b(?:src|href)\s*=(?:(?!-->).)*?-->", "", page, flags=re.S)
    page = re.sub(r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:[a-z]+:)?//[^>]*>""", "", page, flags=re.I)
    page = re.sub(r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:[a-z]+:)?//[^>]*>\s*</script>""", "", page, flags=re.I)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="zh-Hans">', 1)
    if '<meta charset="utf-8">' not in page:
        raise KgError("the pyvis page template has no utf-8 charset tag; install pyvis 0.3.2 or update kg.render")
    head = (f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f"<title>{html_lib.escape(vm['title'])}</title>\n{_LEGEND_CSS}")
    page = page.replace('<meta charset="utf-8">', head, 1)
    page = page.replace("<body>", "<body>\n" + _legend_html(vm), 1)
    leftover = external_references(page)
    if leftover or "popup.innerHTML" in page:
        raise KgError(
            f"the pyvis page template still references other hosts ({leftover[:3]}); "
            "install pyvis 0.3.2 or update kg.render to strip the new references"
        )
    return page


__all__ = [
    "NODE_STYLE", "EDGE_STYLE", "CSP", "view_model", "render_html", "layout", "cluster_of",
    "node_tooltip", "edge_tooltip", "external_references", "script_json",
]
