"""Render the knowledge graph as one self-contained HTML page: a pure view model, then pyvis."""
from __future__ import annotations

from pathlib import Path

from kg.render.layout import cluster_of, layout
from kg.render.model import EDGE_STYLE, NODE_STYLE, edge_tooltip, node_tooltip, person_label, view_model
from kg.render.page import CSP, external_references, html_chunks, render_html, script_json
from kg.render.select import load_graph, person_graph, zone_graph


def render_build(build_dir: str | Path, *, zone: str | None = None, person: str | None = None,
                 out: str | Path | None = None, png: str | Path | None = None) -> Path:
    """Redraw a build's graph.json (all of it, one zone, or one person's neighbourhood) as HTML, and optionally PNG."""
    from kg.export import write_atomic

    graph = load_graph(build_dir)
    where = str(Path(build_dir) / "graph.json")
    if zone:
        graph = zone_graph(graph, zone, where=where)
    if person:
        graph = person_graph(graph, person, where=where)
    target = Path(out) if out else Path(build_dir) / "graph.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render_html(view_model(graph)))
    if png:
        from kg.render.screenshot import screenshot

        screenshot(target, png)
    return target


__all__ = [
    "NODE_STYLE", "EDGE_STYLE", "CSP", "view_model", "render_html", "html_chunks", "render_build", "layout", "cluster_of",
    "node_tooltip", "edge_tooltip", "person_label", "external_references", "script_json", "load_graph",
    "zone_graph", "person_graph",
]
