"""The page: pyvis's template with inline vis-network, kg's data, controls and script, and no request to any host."""
from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from pyvis.network import Network

from kg.errors import E_RENDER_TEMPLATE, KgError
from kg.render.model import CANVAS_EDGES_OVER, EDGE_STYLE, NODE_STYLE, gc_paused

# Forbids every network request; inline script and style are all the page needs.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"
_EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|@import\s+(?:url\()?\s*["']?|url\(\s*["']?)"""
    r"""(?:[a-z][a-z0-9+.-]*:)?//""",
    re.IGNORECASE,
)
# Above this many nodes, edges are not drawn while zooming or dragging.
BIG_GRAPH = 1500
_DATA_SLOTS = {"nodes": "nodes = new vis.DataSet([]);", "edges": "edges = new vis.DataSet([]);"}
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"), ("/", "\\/"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
ROLE_NAMES = {"chaired": "chaired 主持", "spoke_at": "spoke 讲话", "attended": "attended 出席"}


def script_json(value: Any) -> str:
    """JSON that stays inert inside an inline <script>: no raw < > & ' / or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in _SCRIPT_ESCAPES:  # str.replace scans a large page much faster than str.translate
        text = text.replace(raw, escaped)
    return text


def external_references(page: str) -> list[str]:
    """Attribute values, @imports and url()s in a page that point at another host."""
    return [page[m.start(): m.end() + 40] for m in _EXTERNAL_REF.finditer(page)]


def page_data(vm: dict[str, Any], canvas_edges_over: int = CANVAS_EDGES_OVER) -> dict[str, Any]:
    """The view model as compact rows the page script turns into vis-network items when they are shown."""
    types = list(NODE_STYLE)
    relations = list(EDGE_STYLE)
    zone_index = {z: i for i, z in enumerate(vm["zones"])}
    node_index = {n["id"]: i for i, n in enumerate(vm["nodes"])}
    nodes = []
    for n in vm["nodes"]:
        nodes.append([n["id"], types.index(n["type"]), n["label"], n["title"], n["x"], n["y"], n["size"],
                      int(n["multi"]), [zone_index[z] for z in n["zones"]], n.get("date", ""),
                      int(n.get("full_date", False)), node_index.get(n.get("meeting", ""), -1), n.get("search", [])])
    canvas = len(vm["edges"]) > canvas_edges_over
    rel_index = {r: i for i, r in enumerate(relations)}
    # canvas-drawn edges have no hover, so their tooltips would only weigh the page down
    edges = [[node_index[e["from"]], node_index[e["to"]], rel_index[e["relation"]], "" if canvas else e["title"],
              e["smooth"].get("roundness", 0) if e["smooth"]["enabled"] else 0] for e in vm["edges"]]
    return {
        "types": types, "relations": relations, "roles": vm["roles"], "zones": vm["zones"],
        "initialZones": [zone_index[z] for z in vm["initial_zones"]], "clusters": vm["clusters"],
        "hiddenTypes": sorted({n["type"] for n in vm["nodes"] if n["hidden"]}),
        "nodeStyle": {t: {k: NODE_STYLE[t][k] for k in ("color", "shape")} for t in types},
        "edgeStyle": {r: {k: EDGE_STYLE[r][k] for k in ("color", "dashes", "width", "arrow")} for r in relations},
        "multiBorder": vm["legend"]["multi"], "nodes": nodes, "edges": edges,
        "canvasEdges": canvas,
    }


def _legend_html(vm: dict[str, Any]) -> str:
    esc = html_lib.escape
    rows = [f'<div class="kg-title">{esc(vm["title"])}</div>', '<div class="kg-head">Nodes</div>']
    for n in vm["legend"]["nodes"]:
        toggle = (f' <label><input type="checkbox" id="kg-toggle-{esc(n["type"])}" data-type="{esc(n["type"])}">'
                  f"show</label>") if n["toggle"] else ""
        rows.append(f'<div><span class="kg-glyph" style="color:{esc(n["color"])}">{esc(n["glyph"])}</span>'
                    f'{esc(n["label"])}{toggle}</div>')
    rows.append(f'<div><span class="kg-glyph kg-multi" style="border-color:{esc(vm["legend"]["multi"])}"></span>'
                "person seen in several zones or reports (size: number of meetings)</div>")
    if vm.get("directives_left_out"):
        rows.append(f'<div class="kg-note">{vm["directives_left_out"]} directives left out of this large graph; '
                    "redraw a zone or person with kg render --zone / --person to see them</div>")
    rows.append('<div class="kg-head">Edges (person → meeting)</div>')
    for e in vm["legend"]["edges"]:
        dash = " ".join(str(d) for d in e["dashes"]) if e["dashes"] else "none"
        rows.append(
            f'<div><svg width="44" height="12" aria-hidden="true"><line x1="0" y1="6" x2="34" y2="6" '
            f'stroke="{esc(e["color"])}" stroke-width="{max(e["width"], 1)}" stroke-dasharray="{esc(dash)}"/>'
            f'{_arrow_svg(e["arrow"], e["color"])}</svg> {esc(e["label"])}</div>')
    return '<details id="kg-legend" open><summary>Legend 图例</summary>' + "\n".join(rows) + "</details>"


def _arrow_svg(kind: str, color: str) -> str:
    c = html_lib.escape(color)
    if kind == "circle":
        return f'<circle cx="38" cy="6" r="4" fill="{c}"/>'
    if kind == "bar":
        return f'<line x1="38" y1="0" x2="38" y2="12" stroke="{c}" stroke-width="3"/>'
    return f'<polygon points="34,1 44,6 34,11" fill="{c}"/>'


def _controls_html(vm: dict[str, Any]) -> str:
    esc = html_lib.escape
    initial = set(vm["initial_zones"])
    zones = "".join(
        f'<label><input type="checkbox"{" checked" if c["key"] in initial else ""} data-zone="{esc(c["key"])}"> '
        f'{esc(c["label"])}</label>' for c in vm["clusters"])
    roles = "".join(f'<label><input type="checkbox" checked data-role="{esc(r)}"> {esc(ROLE_NAMES[r])}</label>'
                    for r in vm["roles"])
    first, last = (vm["dates"] + ["", ""])[:2]
    return f"""<div id="kg-controls">
<div class="kg-head">Find a person 查找人物</div>
<input id="kg-search" type="search" placeholder="杨博 / yang bo" autocomplete="off" spellcheck="false">
<div id="kg-results"></div>
<details open><summary>Zones 区域</summary><div id="kg-zones">{zones}</div></details>
<details open><summary>Roles 角色</summary><div id="kg-roles">{roles}</div></details>
<details open><summary>Meeting dates 日期</summary>
<div><input id="kg-date-from" type="date" value="" min="{esc(first)}" max="{esc(last)}" title="from">
<input id="kg-date-to" type="date" value="" min="{esc(first)}" max="{esc(last)}" title="to"></div>
<div class="kg-note">{esc(first or "no dated meetings")} – {esc(last)}; with a range set, meetings without a full date are hidden</div>
</details>
<button id="kg-reset" type="button">Reset 重置</button>
<div id="kg-status" class="kg-note"></div>
</div>
<div id="kg-details" hidden><button id="kg-details-close" type="button">×</button><div id="kg-details-text"></div></div>"""


_CSS = """<style>
body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif; }
#mynetwork { border: none !important; }
#kg-legend, #kg-controls, #kg-details { position: absolute; z-index: 10; background: rgba(255,255,255,0.94);
  border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; font-size: 12px; line-height: 1.6; }
#kg-legend { top: 8px; left: 8px; max-width: 330px; }
#kg-controls { top: 8px; right: 8px; width: 250px; max-height: calc(100vh - 32px); overflow: auto; }
#kg-details { bottom: 8px; left: 8px; max-width: 520px; max-height: 40vh; overflow: auto; white-space: pre-wrap; }
#kg-details-close { float: right; }
#kg-legend summary, #kg-controls summary { font-weight: bold; cursor: pointer; }
.kg-title { font-weight: bold; }
.kg-head { font-weight: bold; margin-top: 4px; }
.kg-note { color: #555; font-size: 11px; }
.kg-glyph { display: inline-block; width: 28px; text-align: center; font-size: 14px; }
.kg-multi { width: 10px; height: 10px; border: 3px solid; border-radius: 50%; margin: 0 9px; vertical-align: middle; }
#kg-legend svg { vertical-align: middle; }
#kg-zones, #kg-roles { max-height: 180px; overflow: auto; }
#kg-zones label, #kg-roles label { display: block; }
#kg-search { width: 100%; box-sizing: border-box; }
#kg-results button { display: block; width: 100%; text-align: left; margin: 1px 0; }
div.vis-tooltip { white-space: pre-wrap !important; max-width: 520px; font-family: inherit !important; font-size: 12px !important; }
</style>"""

# Reads the data, wires the controls; every text from a report reaches the page through textContent.
_SCRIPT = r"""<script>
(function () {
  "use strict";
  var KG = __KG_DATA__;
  var ROLE = { chaired: true, spoke_at: true, attended: true };
  var FADED = "rgba(200,200,200,0.35)";
  // Node rows: id, type, label, title, x, y, size, multi, zones, date, full date, meeting, search keys.
  var N = KG.nodes.map(function (r, i) {
    return { i: i, id: r[0], type: KG.types[r[1]], label: r[2], title: r[3], x: r[4], y: r[5], size: r[6],
             multi: r[7] === 1, zones: r[8].map(function (z) { return KG.zones[z]; }), date: r[9],
             fullDate: r[10] === 1, meeting: r[11], search: r[12], edges: [] };
  });
  var byId = {};
  N.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  // Edge rows: from, to, relation, title, roundness of the bend (0: straight).
  var E = KG.edges.map(function (r) {
    var rel = KG.relations[r[2]];
    var e = { from: N[r[0]], to: N[r[1]], rel: rel, title: r[3], bend: r[4],
              id: N[r[0]].id + "|" + rel + "|" + N[r[1]].id };
    e.from.edges.push(e);
    e.to.edges.push(e);
    edgeById[e.id] = e;
    return e;
  });
  var state = { zones: {}, roles: {}, types: {}, from: "", to: "", focus: null };
  var api = { ready: false, readyAt: null, highlighted: [], focused: null, visible: {} };
  window.kg = api;
  KG.initialZones.forEach(function (z) { state.zones[KG.zones[z]] = true; });
  KG.roles.forEach(function (r) { state.roles[r] = true; });
  KG.hiddenTypes.forEach(function (t) { state.types[t] = false; });

  function nodeColor(n, faded) {
    if (faded) return { background: FADED, border: FADED };
    var c = KG.nodeStyle[n.type].color;
    var border = n.multi ? KG.multiBorder : c;
    return { background: c, border: border, highlight: { background: c, border: "#000000" },
             hover: { background: c, border: "#000000" } };
  }
  function visNode(n) {
    return { id: n.id, label: n.label, title: n.title, shape: KG.nodeStyle[n.type].shape, size: n.size,
             x: n.x, y: n.y, color: nodeColor(n, false), borderWidth: n.multi ? 4 : 1, physics: false };
  }
  function visEdge(e) {
    var s = KG.edgeStyle[e.rel];
    return { id: e.id, from: e.from.id, to: e.to.id, title: e.title, color: s.color, dashes: s.dashes,
             width: s.width, arrows: { to: { enabled: true, type: s.arrow } },
             smooth: e.bend ? { enabled: true, type: "curvedCW", roundness: e.bend } : { enabled: false } };
  }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s'’\-·]+/g, "");
  }
  function inZones(n) {
    for (var k = 0; k < n.zones.length; k++) if (state.zones[n.zones[k]]) return true;
    return false;
  }
  function dateOk(n) {
    if (!state.from && !state.to) return true;
    if (!n.fullDate) return false;
    return (!state.from || n.date >= state.from) && (!state.to || n.date <= state.to);
  }

  // Which nodes the filters let through: meetings by zone and date, persons by a shown role at a shown meeting.
  function computeVisible() {
    var vis = {};
    var restricted = KG.roles.some(function (r) { return !state.roles[r]; }) || state.from || state.to;
    N.forEach(function (n) {
      if (state.types[n.type] === false) vis[n.id] = false;
      else if (n.type === "meeting") vis[n.id] = inZones(n) && dateOk(n);
      else if (n.type !== "person" && n.type !== "directive") vis[n.id] = inZones(n);
    });
    N.forEach(function (n) {
      if (vis[n.id] === false) return;
      if (n.type === "directive") vis[n.id] = n.meeting >= 0 ? vis[N[n.meeting].id] === true : inZones(n);
      if (n.type !== "person") return;
      if (!inZones(n)) { vis[n.id] = false; return; }
      if (!restricted) { vis[n.id] = true; return; }
      vis[n.id] = n.edges.some(function (e) {
        return e.from === n && ROLE[e.rel] && state.roles[e.rel] && vis[e.to.id] === true;
      });
    });
    return vis;
  }
  function edgeShown(e, vis) {
    return vis[e.from.id] === true && vis[e.to.id] === true && (!ROLE[e.rel] || state.roles[e.rel] === true);
  }

  // Only shown items live in vis-network's data sets: a big corpus costs what is on screen.
  var shownEdges = {};
  function applyFilters() {
    var vis = computeVisible();
    var addN = [], removeN = [], addE = [], removeE = [];
    N.forEach(function (n) {
      var now = vis[n.id] === true, was = api.visible[n.id] === true;
      if (now && !was) addN.push(visNode(n));
      else if (was && !now) removeN.push(n.id);
    });
    E.forEach(function (e) {
      var now = edgeShown(e, vis), was = shownEdges[e.id] === true;
      if (now && !was) { if (!KG.canvasEdges) addE.push(visEdge(e)); shownEdges[e.id] = true; }
      else if (was && !now) { if (!KG.canvasEdges) removeE.push(e.id); delete shownEdges[e.id]; }
    });
    api.visible = vis;
    if (removeE.length) edges.remove(removeE);
    if (removeN.length) { nodes.remove(removeN); removeN.forEach(function (m) { delete faded[m]; }); }
    if (addN.length) nodes.add(addN);
    if (addE.length) edges.add(addE);
    document.getElementById("kg-status").textContent = nodes.length + " of " + N.length + " nodes shown";
    if (dimmed) highlight(state.focus);
  }

  // Click: the node, its neighbours and, for a person, everyone at their meetings; the rest fades.
  var dimmed = false;
  var lit = null;
  function neighbourhood(id) {
    var n = byId[id];
    var keep = {};
    keep[id] = true;
    n.edges.forEach(function (e) {
      if (!shownEdges[e.id]) return;
      var other = e.from === n ? e.to : e.from;
      keep[other.id] = true;
      if (n.type === "person" && ROLE[e.rel]) {
        other.edges.forEach(function (f) { if (ROLE[f.rel] && shownEdges[f.id]) keep[f.from.id] = true; });
      }
    });
    return keep;
  }
  var faded = {};
  function highlight(id) {
    if (!id || !byId[id] || !api.visible[id]) { clearHighlight(); return; }
    var keep = neighbourhood(id);
    var changes = [];
    nodes.getIds().forEach(function (m) {
      if (!keep[m] && !faded[m]) { faded[m] = true; changes.push({ id: m, color: nodeColor(byId[m], true), font: { color: FADED } }); }
      else if (keep[m] && faded[m]) { delete faded[m]; changes.push({ id: m, color: nodeColor(byId[m], false), font: { color: "#343434" } }); }
    });
    nodes.update(changes);
    edges.update(edges.getIds().map(function (eid) {
      var e = edgeById[eid];
      return { id: eid, color: keep[e.from.id] && keep[e.to.id] ? KG.edgeStyle[e.rel].color : FADED };
    }));
    dimmed = true;
    lit = keep;
    state.focus = id;
    api.highlighted = Object.keys(keep).sort();
    showDetails(id, keep);
  }
  function clearHighlight() {
    if (!dimmed) return;
    nodes.update(Object.keys(faded).filter(function (m) { return nodes.get(m) !== null; }).map(function (m) {
      return { id: m, color: nodeColor(byId[m], false), font: { color: "#343434" } };
    }));
    faded = {};
    if (!KG.canvasEdges) edges.update(E.filter(function (e) { return shownEdges[e.id]; }).map(function (e) {
      return { id: e.id, color: KG.edgeStyle[e.rel].color };
    }));
    dimmed = false;
    lit = null;
    api.highlighted = [];
  }

  function plain(label) { return label.split("\n").join(" "); }
  function showDetails(id, keep) {
    var n = byId[id];
    var text = n.title;
    if (n.type === "person") {
      var others = Object.keys(keep).filter(function (m) { return m !== id && byId[m].type === "person"; });
      if (others.length) text += "\nCo-attendees: " + others.map(function (m) { return plain(byId[m].label); }).join(", ");
    }
    document.getElementById("kg-details-text").textContent = text;
    document.getElementById("kg-details").hidden = false;
  }

  function focusNode(id) {
    var n = byId[id];
    if (!api.visible[id]) {
      // a person the filters hide: clear the role and date filters and switch their zones on
      n.zones.forEach(function (z) { state.zones[z] = true; });
      resetFilters(false);
    }
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    api.focused = id;
    highlight(id);
  }

  var searchIndex = N.filter(function (n) { return n.type === "person"; }).map(function (n) {
    return { id: n.id, keys: n.search.map(fold) };
  });
  function search(q) {
    var f = fold(q);
    var results = document.getElementById("kg-results");
    results.textContent = "";
    if (!f) return [];
    var ranked = [[], [], []];
    searchIndex.forEach(function (s) {
      if (s.keys.indexOf(f) >= 0) ranked[0].push(s.id);
      else if (s.keys.some(function (k) { return k.indexOf(f) === 0; })) ranked[1].push(s.id);
      else if (s.keys.some(function (k) { return k.indexOf(f) > 0; })) ranked[2].push(s.id);
    });
    var found = ranked[0].concat(ranked[1], ranked[2]);
    if (!found.length) { results.textContent = "no person matches"; return found; }
    found.slice(0, 30).forEach(function (id) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = plain(byId[id].label) + " · " + byId[id].zones.join(", ");
      b.addEventListener("click", function () { focusNode(id); });
      results.appendChild(b);
    });
    focusNode(found[0]);
    return found;
  }
  api.search = search;
  api.zonesOf = function (id) { return byId[id] ? byId[id].zones.slice() : []; };

  function resetFilters(allZones) {
    document.querySelectorAll("#kg-zones input").forEach(function (c) {
      if (allZones) state.zones[c.dataset.zone] = KG.initialZones.indexOf(KG.zones.indexOf(c.dataset.zone)) >= 0;
      c.checked = state.zones[c.dataset.zone] === true;
    });
    document.querySelectorAll("#kg-roles input").forEach(function (c) { c.checked = true; state.roles[c.dataset.role] = true; });
    document.getElementById("kg-date-from").value = "";
    document.getElementById("kg-date-to").value = "";
    state.from = state.to = "";
    applyFilters();
  }

  document.querySelectorAll("#kg-zones input").forEach(function (c) {
    c.addEventListener("change", function () { state.zones[c.dataset.zone] = c.checked; applyFilters(); });
  });
  document.querySelectorAll("#kg-roles input").forEach(function (c) {
    c.addEventListener("change", function () { state.roles[c.dataset.role] = c.checked; applyFilters(); });
  });
  document.querySelectorAll("#kg-legend input[data-type]").forEach(function (c) {
    c.addEventListener("change", function () { state.types[c.dataset.type] = c.checked; applyFilters(); });
  });
  ["from", "to"].forEach(function (which) {
    var input = document.getElementById("kg-date-" + which);
    var onDate = function () { if (state[which] !== input.value) { state[which] = input.value; applyFilters(); } };
    input.addEventListener("change", onDate);
    input.addEventListener("input", onDate);
  });
  document.getElementById("kg-reset").addEventListener("click", function () {
    document.getElementById("kg-search").value = "";
    document.getElementById("kg-results").textContent = "";
    clearHighlight();
    state.focus = null;
    document.getElementById("kg-details").hidden = true;
    resetFilters(true);
    network.fit({ animation: false });
  });
  var searchBox = document.getElementById("kg-search");
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(searchBox.value); });
  searchBox.addEventListener("change", function () { search(searchBox.value); });
  document.getElementById("kg-details-close").addEventListener("click", function () {
    document.getElementById("kg-details").hidden = true;
  });

  network.on("click", function (params) {
    if (params.nodes.length) highlight(params.nodes[0]);
    else { clearHighlight(); state.focus = null; document.getElementById("kg-details").hidden = true; }
  });
  // Canvas edges: one path per relation (and faded or not), arrow heads at the target's rim.
  var dragging = false;
  network.on("dragStart", function () { dragging = true; });
  network.on("dragEnd", function () { dragging = false; network.redraw(); });
  // while the wheel turns, draw nodes only; the edges come back when the view settles
  var settle = null;
  network.on("zoom", function () {
    dragging = true;
    clearTimeout(settle);
    settle = setTimeout(function () { dragging = false; network.redraw(); }, 200);
  });
  // The part of a line inside the view (Liang-Barsky), or null: dashing off-screen lengths is what is slow.
  function clip(x0, y0, x1, y1, v) {
    var t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    var p = [-dx, dx, -dy, dy], q = [x0 - v[0], v[2] - x0, y0 - v[1], v[3] - y0];
    for (var i = 0; i < 4; i++) {
      if (p[i] === 0) { if (q[i] < 0) return null; continue; }
      var r = q[i] / p[i];
      if (p[i] < 0) { if (r > t1) return null; if (r > t0) t0 = r; }
      else { if (r < t0) return null; if (r < t1) t1 = r; }
    }
    return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
  }
  function drawEdges(ctx) {
    // widths, dashes and heads in screen pixels: dash patterns a fraction of a pixel long are very slow
    var scale = network.getScale();
    var box = document.getElementById("mynetwork");
    var tl = network.DOMtoCanvas({ x: 0, y: 0 }), br = network.DOMtoCanvas({ x: box.clientWidth, y: box.clientHeight });
    var pad = 20 / scale;
    var view = [tl.x - pad, tl.y - pad, br.x + pad, br.y + pad];
    var groups = {};
    E.forEach(function (e) {
      if (!shownEdges[e.id]) return;
      var faded = lit && !(lit[e.from.id] && lit[e.to.id]);
      var key = e.rel + (faded ? "|faded" : "");
      (groups[key] = groups[key] || []).push(e);
    });
    Object.keys(groups).sort(function (a, b) { return (a.indexOf("|faded") < 0) - (b.indexOf("|faded") < 0); })
      .forEach(function (key) {
        var rel = key.split("|")[0], s = KG.edgeStyle[rel], faded = key.indexOf("|faded") > 0;
        ctx.strokeStyle = faded ? FADED : s.color;
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = Math.max(s.width, 1) / scale;
        ctx.setLineDash((s.dashes || []).map(function (d) { return d / scale; }));
        ctx.beginPath();
        groups[key].forEach(function (e) {
          var seg = clip(e.from.x, e.from.y, e.to.x, e.to.y, view);
          if (seg) { ctx.moveTo(seg[0], seg[1]); ctx.lineTo(seg[2], seg[3]); }
        });
        ctx.stroke();
        ctx.setLineDash([]);
        if (scale < 0.25) return;  // heads would be a pixel or two
        ctx.beginPath();
        groups[key].forEach(function (e) {
          if (e.to.x < view[0] || e.to.x > view[2] || e.to.y < view[1] || e.to.y > view[3]) return;
          var dx = e.to.x - e.from.x, dy = e.to.y - e.from.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
          var ux = dx / len, uy = dy / len, r = e.to.size + 2, tipX = e.to.x - ux * r, tipY = e.to.y - uy * r;
          var head = (5 + 2 * s.width) / Math.max(scale, 0.25);
          if (s.arrow === "circle") {
            ctx.moveTo(tipX, tipY);
            ctx.arc(tipX - ux * head / 2, tipY - uy * head / 2, head / 2, 0, 2 * Math.PI);
          } else if (s.arrow === "bar") {
            ctx.moveTo(tipX - uy * head / 2, tipY + ux * head / 2);
            ctx.lineTo(tipX + uy * head / 2, tipY - ux * head / 2);
            ctx.lineTo(tipX + uy * head / 2 - ux * 2, tipY - ux * head / 2 - uy * 2);
            ctx.lineTo(tipX - uy * head / 2 - ux * 2, tipY + ux * head / 2 - uy * 2);
          } else {
            ctx.moveTo(tipX, tipY);
            ctx.lineTo(tipX - ux * head - uy * head / 2, tipY - uy * head + ux * head / 2);
            ctx.lineTo(tipX - ux * head + uy * head / 2, tipY - uy * head - ux * head / 2);
          }
          ctx.closePath();
        });
        ctx.fill();
      });
  }
  // Zone discs and their names under the graph, so clusters read as zones.
  network.on("beforeDrawing", function (ctx) {
    KG.clusters.forEach(function (c) {
      if (!state.zones[c.key]) return;
      ctx.beginPath();
      ctx.arc(c.x, c.y, c.r + 40, 0, 2 * Math.PI);
      ctx.fillStyle = c.key.indexOf("doc:") === 0 ? "rgba(160,160,160,0.07)" : "rgba(89,161,79,0.08)";
      ctx.fill();
      ctx.strokeStyle = "rgba(89,161,79,0.35)";
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.font = "bold 36px sans-serif";
      ctx.fillStyle = "rgba(40,90,40,0.75)";
      ctx.textAlign = "center";
      ctx.fillText(c.label, c.x, c.y - c.r - 56);
    });
    if (KG.canvasEdges && !dragging) drawEdges(ctx);
  });
  applyFilters();
  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyAt = performance.now();
  });
  network.fit({ animation: false });
  network.redraw();
})();
</script>"""


def render_html(vm: dict[str, Any], *, canvas_edges_over: int = CANVAS_EDGES_OVER) -> str:
    """A self-contained page for a view model: inline vis-network, no request to any other host."""
    return "".join(html_chunks(vm, canvas_edges_over=canvas_edges_over))


def html_chunks(vm: dict[str, Any], *, canvas_edges_over: int = CANVAS_EDGES_OVER) -> list[str]:
    """render_html()'s page in pieces, the page never made as one string. The view model is read before the
    data is encoded, so a caller that passes it without keeping it lets it go before the largest piece is made."""
    big = len(vm["nodes"]) > BIG_GRAPH
    canvas = len(vm["edges"]) > canvas_edges_over
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "dragNodes": not canvas},
        "nodes": {"font": {"size": 18, "strokeWidth": 4, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"scaleFactor": 0.6}}, "smooth": False},
    }
    # pyvis draws an empty network; kg's script adds the items the filters let through. pyvis's own
    # data path leaves "/" raw in JSON, and shows any tooltip containing "href" through innerHTML.
    page = _make_offline(net.generate_html(), vm)
    for slot in _DATA_SLOTS.values():
        if page.count(slot) != 1:
            raise KgError(E_RENDER_TEMPLATE.format(what=f"no single {slot!r} line"))
    if page.count("</body>") != 1:
        raise KgError(E_RENDER_TEMPLATE.format(what="no single </body> tag"))
    with gc_paused():
        data = page_data(vm, canvas_edges_over)
    del vm
    head, tail = page.split("</body>", 1)
    before, after = _SCRIPT.split("__KG_DATA__", 1)
    with gc_paused():
        encoded = script_json(data)
    return [head, before, encoded, after + "\n</body>" + tail]


def _make_offline(page: str, vm: dict[str, Any]) -> str:
    """Strip pyvis's CDN links and empty heading; add controls, legend and a CSP that blocks every request."""
    page = re.sub(r"<!--(?:(?!-->).)*?\b(?:src|href)\s*=(?:(?!-->).)*?-->", "", page, flags=re.S)
    page = re.sub(r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:[a-z]+:)?//[^>]*>""", "", page, flags=re.I)
    page = re.sub(r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:[a-z]+:)?//[^>]*>\s*</script>""", "", page, flags=re.I)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    page = page.replace('<div class="card" style="width: 100%">', "<div>", 1)
    page = page.replace('<div id="mynetwork" class="card-body">', '<div id="mynetwork">', 1)
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="zh-Hans">', 1)
    if '<meta charset="utf-8">' not in page:
        raise KgError(E_RENDER_TEMPLATE.format(what="no utf-8 charset tag"))
    head = (f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html_lib.escape(vm['title'])}</title>\n{_CSS}")
    page = page.replace('<meta charset="utf-8">', head, 1)
    page = page.replace("<body>", "<body>\n" + _legend_html(vm) + "\n" + _controls_html(vm), 1)
    leftover = external_references(page)
    if leftover or "popup.innerHTML" in page:
        raise KgError(E_RENDER_TEMPLATE.format(what=f"references to other hosts left ({leftover[:3]})"))
    return page
