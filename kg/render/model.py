"""The view model: the graph as plain dicts of styled, positioned nodes and edges with plain-text tooltips."""
from __future__ import annotations

import gc
import math
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import networkx as nx

from kg.glossary import gloss, labelled, place_kind
from kg.pinyin import pinyin, strip_tones
from kg.render.layout import cluster_of, layout

NODE_STYLE: dict[str, dict[str, Any]] = {
    "zone": {"color": "#59a14f", "shape": "hexagon", "size": 34, "glyph": "⬢", "name": "Zone 区域"},
    "meeting": {"color": "#f28e2b", "shape": "diamond", "size": 18, "glyph": "◆", "name": "Meeting 会议"},
    "person": {"color": "#4e79a7", "shape": "dot", "size": 10, "glyph": "●", "name": "Person 人物"},
    "organization": {"color": "#76b7b2", "shape": "square", "size": 11, "glyph": "■", "name": "Organization 机构"},
    "report": {"color": "#9c9c9c", "shape": "triangle", "size": 11, "glyph": "▲", "name": "Report 报道"},
    "document": {"color": "#edc948", "shape": "star", "size": 12, "glyph": "★", "name": "Referenced work 文件"},
    "directive": {"color": "#b07aa1", "shape": "triangleDown", "size": 9, "glyph": "▼", "name": "Directive 要求"},
}
# Arrow heads tell the roles apart even in grey print: arrow = chaired, circle = spoke, bar = attended.
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "chaired": {"color": "#d62728", "dashes": False, "width": 3, "arrow": "arrow", "name": "chaired 主持"},
    "spoke_at": {"color": "#ff7f0e", "dashes": [10, 5], "width": 2, "arrow": "circle", "name": "spoke at 讲话"},
    "attended": {"color": "#1f77b4", "dashes": [2, 4], "width": 1.5, "arrow": "bar", "name": "attended 出席"},
    "organized_by": {"color": "#8c564b", "dashes": False, "width": 1.5, "arrow": "arrow", "name": "organized by 召开"},
    "issued": {"color": "#9467bd", "dashes": False, "width": 1, "arrow": "arrow", "name": "issued 提出"},
    "given_at": {"color": "#9467bd", "dashes": [4, 4], "width": 1, "arrow": "arrow", "name": "given at 会上提出"},
    "reported_in": {"color": "#9c9c9c", "dashes": False, "width": 1, "arrow": "arrow", "name": "reported in 报道"},
    "sub_organization_of": {"color": "#76b7b2", "dashes": [6, 3], "width": 1, "arrow": "arrow",
                            "name": "part of 下属"},
    "mentions": {"color": "#d0d0d0", "dashes": [1, 3], "width": 0.5, "arrow": "arrow", "name": "mentions 提及"},
}
ROLE_RELATIONS = ("chaired", "spoke_at", "attended")
# Zone membership is drawn as the zone's disc, not as an edge per member.
DRAWN_AS_DISCS = ("in_zone",)
# A page starts with as many zones switched on as fit this many nodes (at least one), to open fast.
INITIAL_NODE_BUDGET = 4000
# Types the page starts with switched off: the first view is who met where.
HIDDEN_TYPES = ("directive", "report", "document")
# Beyond this many directives the page leaves them out, to stay responsive.
DIRECTIVE_LIMIT = 3000
# Above this many edges the page draws them itself in one canvas pass per relation (a vis-network edge
# costs about 0.1 ms to create, too slow for a page that must open in seconds); canvas edges have no
# hover, so the view model leaves their tooltips out.
CANVAS_EDGES_OVER = 5000
MULTI_BORDER = "#222222"  # a person seen in several zones or reports
LABEL_MAX = 16
TITLE_LINES_MAX = 12  # attestations listed in a person's tooltip
QUOTE_MAX = 200
TEXT_MAX = 400
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run without the cyclic garbage collector: building millions of small dicts and lists next to a
    large graph otherwise triggers collections that walk the whole graph (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_line(doc_id: str, start: int, end: int, quote: str) -> str:
    return f"Source: {doc_id} [{start}, {end}]: “{_short(quote, QUOTE_MAX)}”"


def person_label(name: str) -> str:
    """Chinese name over its pinyin: 杨博 / Yáng Bó."""
    py = pinyin(name)
    return f"{name}\n{py}" if py and py != name else name


def _person_titles(a: dict[str, Any]) -> list[str]:
    """Each title with its gloss, and the dates and reports that attest it."""
    if a.get("timeline"):
        return [f"  {labelled(title)}: {date or 'date unknown'}, {doc} [{start}, {end}] “{_short(quote, 80)}”"
                for title, date, doc, start, end, quote in a["timeline"]]
    if a.get("title_sources"):
        return [f"  {labelled(title)}: {date or 'date unknown'}, {doc}" for title, doc, date in a["title_sources"]]
    return [f"  {labelled(t)}" for t in a.get("titles", [])]


class _Index:
    """What the tooltips and filters need about each node's neighbours: the out-edges of ``sources`` only."""

    def __init__(self, graph: nx.MultiDiGraph, sources: Iterable[str] | None = None) -> None:
        self.roles: dict[str, Counter] = defaultdict(Counter)  # person -> relation counts
        self.meetings: dict[str, set[str]] = defaultdict(set)  # person -> meetings
        self.people: dict[str, list[tuple[str, str]]] = defaultdict(list)  # meeting -> (relation, person)
        self.meeting_of: dict[str, str] = {}  # directive -> meeting
        succ = graph._adj  # networkx's own dicts: its edge views cost a call per edge
        for u in graph if sources is None else sources:
            for v, keyed in succ[u].items():
                for k in keyed:
                    if k in ROLE_RELATIONS:
                        self.roles[u][k] += 1
                        self.meetings[u].add(v)
                        self.people[v].append((k, u))
                    elif k == "given_at":
                        self.meeting_of[u] = v


def _zones_of(n: str, index: _Index, cluster: dict[str, str]) -> list[str]:
    """The zones a node belongs to for filtering: a person's own and those of every meeting they took part in."""
    zones = {cluster[n]}
    for m in index.meetings.get(n, ()):
        zones.add(cluster[m])
    return sorted(zones)


def node_tooltip(graph: nx.MultiDiGraph, n: str, index: _Index, zones: list[str]) -> str:
    """Plain-text tooltip; the page shows it as text, never as markup."""
    a = graph._node[n]
    t = a["type"]
    name = a.get("name") or a.get("title") or a["label"]
    lines = [f"{NODE_STYLE[t]['name']}: {name}"]
    if t == "person":
        lines[0] += f" ({pinyin(name)})"
        lines.append(f"Zone: {a['zone']}" if a.get("zone") else f"Report (no zone): {a.get('scope_doc', a['doc_id'])}")
        titles = _person_titles(a)
        if titles:
            lines.append("Titles:")
            lines.extend(titles[:TITLE_LINES_MAX])
            if len(titles) > TITLE_LINES_MAX:
                lines.append(f"  … and {len(titles) - TITLE_LINES_MAX} more attestations")
        roles = index.roles.get(n, Counter())
        lines.append(f"Meetings: {len(index.meetings.get(n, ()))} (chaired {roles['chaired']}, "
                     f"spoke at {roles['spoke_at']}, attended {roles['attended']})")
        if len(zones) > 1:
            lines.append("Seen in zones: " + ", ".join(zones))
        reports = a.get("reports", [a["doc_id"]])
        lines.append("Reports: " + ", ".join(reports[:TITLE_LINES_MAX]) + (
            f" and {len(reports) - TITLE_LINES_MAX} more" if len(reports) > TITLE_LINES_MAX else ""))
        if a.get("merge_rule"):
            lines.append(f"Merged: {a['merge_rule']} ({', '.join(a.get('merge_reports', []))})")
    elif t == "meeting":
        date = a.get("date") or "unknown"
        if date.startswith("X"):
            date += " (year unknown)"
        lines.append(f"Date: {' '.join(x for x in (date, a.get('time_of_day')) if x)}")
        lines.append(f"Zone: {a.get('zone') or 'unknown'}")
        chairs = [p for rel, p in sorted(index.people.get(n, ())) if rel == "chaired"]
        lines.append("Chair: " + (", ".join(f"{graph._node[p]['label']} ({pinyin(graph._node[p]['label'])})"
                                            for p in chairs) or "not stated"))
        lines.append(f"Participants: {len(index.people.get(n, ()))}")
        lines.append(f"Kind: {a.get('kind', 'meeting')}")
    elif t == "organization":
        if gloss(name):
            lines.append(f"English: {gloss(name)}")
        if a.get("classification"):
            lines.append(f"Kind: {a['classification']}")
        lines.append(f"Zone: {a['zone']}" if a.get("zone") else f"Report (no zone): {a.get('scope_doc', a['doc_id'])}")
        lines.append("Reports: " + ", ".join(a.get("reports", [a["doc_id"]])))
    elif t == "zone":
        if a.get("short_names"):
            lines.append("Also written: " + ", ".join(a["short_names"]))
        lines.append("Reports: " + ", ".join(a.get("reports", [a["doc_id"]])))
    elif t == "report":
        lines.append(f"Published: {a.get('published') or 'unknown'}")
        lines.append(f"Zone: {a.get('zone') or 'unknown'}")
    elif t == "document":
        lines.append("Reports: " + ", ".join(a.get("reports", [a["doc_id"]])))
    elif t == "directive":
        speaker = a.get("speaker", "")
        lines.append(f"Speaker: {speaker} ({pinyin(speaker)})" if speaker else "Speaker: unknown")
        lines.append(f"Text: {_short(a.get('text', ''), TEXT_MAX)}")
    lines.append(_source_line(a["doc_id"], a["span"][0], a["span"][1], a["quote"]))
    return "\n".join(lines)


def edge_tooltip(graph: nx.MultiDiGraph, u: str, v: str, a: dict[str, Any]) -> str:
    """Plain-text tooltip for an edge: who, relation, what, and the sentence that says so."""
    lines = [f"{graph._node[u]['label']} → {EDGE_STYLE[a['relation']]['name']} → {graph._node[v]['label']}"]
    if a.get("title"):
        lines.append(f"Title as written: {labelled(a['title'])}")
    if "order" in a:
        lines.append(f"Listed: #{a['order'] + 1}")
    if a.get("rule"):
        lines.append(f"Rule: {a['rule']}")
    lines.append(_source_line(a["doc_id"], a["span"][0], a["span"][1], a["quote"]))
    return "\n".join(lines)


def _visible_edges(graph: nx.MultiDiGraph, nodes: list[str], kept: set[str],
                   ) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every edge between kept nodes (``nodes``, sorted), by source, target and relation, except zone
    membership (the zone's disc shows it) and report mentions already shown by a closer edge."""
    succ = graph._adj  # networkx's own dicts: much faster than edge views on a large graph
    edges = []
    for u in nodes:
        nbrs = succ[u]
        for v in sorted(nbrs) if len(nbrs) > 1 else nbrs:
            if v in kept:
                keyed = nbrs[v]
                for k in sorted(keyed) if len(keyed) > 1 else keyed:
                    if k in EDGE_STYLE and k not in DRAWN_AS_DISCS:
                        edges.append((u, v, k, keyed[k]))
    linked = {n for u, v, k, _ in edges if k != "mentions" for n in (u, v)}
    return [e for e in edges if e[2] != "mentions" or e[1] not in linked]


def _label(graph: nx.MultiDiGraph, n: str) -> str:
    a = graph._node[n]
    t = a["type"]
    if t == "person":
        return person_label(a["label"])
    if t == "meeting":
        return f"{_short(a['label'], LABEL_MAX)}\n{a.get('date') or 'date unknown'}"
    if t == "organization":
        g = gloss(a["label"])
        return f"{_short(a['label'], LABEL_MAX)}\n{_short(g, 40)}" if g else _short(a["label"], LABEL_MAX)
    return _short(a["label"], LABEL_MAX)


def _cluster_label(graph: nx.MultiDiGraph, key: str) -> str:
    if key.startswith("doc:"):
        return f"report {key[4:]} (no zone)"
    kind = place_kind(key)
    return f"{key} ({kind})" if kind else key


def view_model(graph: nx.MultiDiGraph, *, include_directives: bool | None = None) -> dict[str, Any]:
    """Plain dicts of styled, positioned nodes and edges, the filters' facets, clusters and a legend.

    Directives are in the data (switched off) unless there are more than ``DIRECTIVE_LIMIT``;
    ``include_directives`` forces them in or out.
    """
    with gc_paused():
        return _view_model(graph, include_directives)


def _view_model(graph: nx.MultiDiGraph, include_directives: bool | None) -> dict[str, Any]:
    attrs_of = graph._node
    counts = Counter(a["type"] for a in attrs_of.values())
    if include_directives is None:
        include_directives = counts["directive"] <= DIRECTIVE_LIMIT
    nodes = sorted(n for n, a in attrs_of.items() if a["type"] in NODE_STYLE
                   and (include_directives or a["type"] != "directive"))
    kept = set(nodes)
    cluster_by_node = {n: cluster_of(graph, n) for n in nodes}
    pos, discs = layout(graph, nodes, cluster_by_node)
    # role edges leave persons, given_at edges directives: no need to walk the rest of a large graph
    index = _Index(graph, (n for n in nodes if attrs_of[n]["type"] in ("person", "directive")))
    vm_nodes = []
    for n in nodes:
        a = graph._node[n]
        t = a["type"]
        style = NODE_STYLE[t]
        cluster = cluster_by_node[n]
        zones = _zones_of(n, index, cluster_by_node)
        x, y = pos[n]
        node: dict[str, Any] = {
            "id": n, "type": t, "label": _label(graph, n), "title": node_tooltip(graph, n, index, zones),
            "color": style["color"], "shape": style["shape"], "size": style["size"], "x": x, "y": y,
            "cluster": cluster, "zones": zones, "hidden": t in HIDDEN_TYPES, "multi": False,
        }
        if t == "person":
            meetings = index.meetings.get(n, set())
            node["size"] = round(style["size"] + 6 * math.sqrt(len(meetings)), 1)
            node["meetings"] = len(meetings)
            node["roles"] = sorted(index.roles.get(n, Counter()))
            node["multi"] = len(zones) > 1 or len(a.get("reports", ())) > 1
            py = pinyin(a["label"])
            node["search"] = sorted({a["label"], strip_tones(py).replace(" ", "")})
        elif t == "meeting":
            node["date"] = a.get("date") or ""
            node["full_date"] = bool(_FULL_DATE.match(node["date"]))
        elif t == "directive":
            node["meeting"] = index.meeting_of.get(n, "")
        vm_nodes.append(node)
    hidden = {n["id"] for n in vm_nodes if n["hidden"]}
    vm_edges = []
    edges = _visible_edges(graph, nodes, kept)
    tooltips = len(edges) <= CANVAS_EDGES_OVER
    straight = {"enabled": False}
    arrows = {k: {"to": {"enabled": True, "type": s["arrow"]}} for k, s in EDGE_STYLE.items()}
    previous = None
    nth = 0
    for u, v, k, a in edges:
        # edges come by source and target: a repeated pair follows its first edge, and is bent apart from it
        nth = nth + 1 if (u, v) == previous else 0
        previous = (u, v)
        style = EDGE_STYLE[k]
        vm_edges.append({
            "id": f"{u}|{k}|{v}", "from": u, "to": v, "relation": k,
            "title": edge_tooltip(graph, u, v, a) if tooltips else "",
            "color": style["color"], "dashes": style["dashes"], "width": style["width"], "arrows": arrows[k],
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": round(0.15 * nth, 2)} if nth else straight,
            "hidden": u in hidden or v in hidden,
        })
    shown_types = {n["type"] for n in vm_nodes}
    relations = {e["relation"] for e in vm_edges}
    legend = {
        "nodes": [{"type": t, "label": s["name"], "color": s["color"], "shape": s["shape"], "glyph": s["glyph"],
                   "toggle": t in HIDDEN_TYPES} for t, s in NODE_STYLE.items() if t in shown_types],
        "edges": [{"relation": k, "label": s["name"], "color": s["color"], "dashes": s["dashes"],
                   "width": s["width"], "arrow": s["arrow"]} for k, s in EDGE_STYLE.items() if k in relations],
        "multi": MULTI_BORDER,
    }
    clusters = [{**d, "label": _cluster_label(graph, d["key"])} for d in discs]
    shown_per_zone = Counter(n["cluster"] for n in vm_nodes if not n["hidden"])
    initial: list[str] = []
    total = 0
    for c in clusters:
        if initial and total + shown_per_zone[c["key"]] > INITIAL_NODE_BUDGET:
            continue
        initial.append(c["key"])
        total += shown_per_zone[c["key"]]
    dates = sorted(n["date"] for n in vm_nodes if n["type"] == "meeting" and n.get("full_date"))
    title = (f"Meeting knowledge graph: {counts['meeting']} meetings, {counts['person']} persons, "
             f"{counts['organization']} organizations, {counts['zone']} zones")
    return {
        "title": title, "nodes": vm_nodes, "edges": vm_edges, "legend": legend, "clusters": clusters,
        "zones": [c["key"] for c in clusters], "initial_zones": initial, "roles": [r for r in ROLE_RELATIONS if r in relations],
        "dates": [dates[0], dates[-1]] if dates else [], "counts": dict(sorted(counts.items())),
        "directives_left_out": 0 if include_directives else counts["directive"],
    }
