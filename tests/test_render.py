"""Tests for kg.render: the view model, and a self-contained page nothing in a report can break."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.assemble import assemble
from kg.render import (
    CSP, EDGE_STYLE, NODE_STYLE, external_references, render_html, script_json, view_model,
)
from kg.resolve import resolve
from reportfactory import (
    HOSTILE_DOC, HOSTILE_LINK_NAME, HOSTILE_NAME, HOSTILE_PAYLOADS, HOSTILE_ZONE, ZONE_PX, ZONE_SR,
    all_reports,
)

ROOT = Path(__file__).resolve().parent.parent
PX_OCT = "000_033037928346e11e"
EXTERNAL = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?\s*|url\(\s*["']?\s*)(?:https?:)?//|@import""", re.I)
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "div", "details", "summary",
                "span", "svg", "line"}


@pytest.fixture(scope="module")
def graph():
    reports = all_reports()
    return assemble(reports, resolve(reports))


@pytest.fixture(scope="module")
def vm(graph):
    return view_model(graph)


@pytest.fixture(scope="module")
def page(vm):
    return render_html(vm)


class _Tags(HTMLParser):
    """Collects start tags the way a browser tokenizes: script and style bodies are raw text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _tags(page: str) -> list[tuple[str, list]]:
    p = _Tags()
    p.feed(page)
    p.close()
    return p.tags


def test_render_view_model_node_styles(vm, graph):
    by_id = {n["id"]: n for n in vm["nodes"]}
    assert {n["type"] for n in vm["nodes"]} == {"report", "meeting", "person", "organization", "zone", "document"}
    for n in vm["nodes"]:
        assert n["color"] == NODE_STYLE[n["type"]]["color"] and n["shape"] == NODE_STYLE[n["type"]]["shape"]
    shapes = {t: NODE_STYLE[t]["shape"] for t in ("person", "meeting", "zone", "organization")}
    colours = {t: NODE_STYLE[t]["color"] for t in shapes}
    assert len(set(shapes.values())) == 4 and len(set(colours.values())) == 4
    assert by_id[f"person:{ZONE_PX}/刘建中"]["label"] == "刘建中"
    assert set(by_id) == {n for n, a in graph.nodes(data=True) if a["type"] != "directive"}


def test_render_view_model_edges_distinguish_roles(vm):
    styles = {k: (EDGE_STYLE[k]["color"], json.dumps(EDGE_STYLE[k]["dashes"])) for k in ("chaired", "spoke_at", "attended")}
    assert len(set(styles.values())) == 3
    edges = {(e["from"], e["relation"], e["to"]): e for e in vm["edges"]}
    chair = edges[(f"person:{ZONE_PX}/刘建中", "chaired", f"meeting:{PX_OCT}#0")]
    assert chair["color"] == EDGE_STYLE["chaired"]["color"] and chair["dashes"] is False
    spoke = edges[(f"person:{ZONE_PX}/刘建中", "spoke_at", f"meeting:{PX_OCT}#0")]
    assert spoke["dashes"] == EDGE_STYLE["spoke_at"]["dashes"]
    # the second edge between the same pair is bent so both stay visible
    assert chair["smooth"] == {"enabled": False} and spoke["smooth"]["enabled"] is True
    assert {e["relation"] for e in vm["edges"]} >= {"chaired", "spoke_at", "attended", "organized_by",
                                                    "in_zone", "reported_in", "mentions"}
    ids = [e["id"] for e in vm["edges"]]
    assert len(ids) == len(set(ids))


def test_render_view_model_mentions_only_when_nothing_else_links(vm):
    mentioned = {e["to"] for e in vm["edges"] if e["relation"] == "mentions"}
    assert "work:《努力成为可堪大用的栋梁之才》" in mentioned
    assert f"person:{ZONE_PX}/陈敏" in mentioned  # only mentioned, takes no role
    assert f"meeting:{PX_OCT}#0" not in mentioned  # already linked by reported_in


def test_render_view_model_directives_toggle(graph):
    with_directives = view_model(graph, include_directives=True)
    types = {n["type"] for n in with_directives["nodes"]}
    assert "directive" in types
    rels = {e["relation"] for e in with_directives["edges"]}
    assert {"issued", "given_at"} <= rels
    assert "directive" in {n["type"] for n in with_directives["legend"]["nodes"]}


def test_render_tooltips_are_plain_text_with_source(vm):
    by_id = {n["id"]: n for n in vm["nodes"]}
    tip = by_id[f"person:{ZONE_PX}/刘建中"]["title"]
    assert "Merged: same-name-same-zone" in tip and "区党工委副书记 (000_033037928346e11e, 2022-10-26)" in tip
    hostile = by_id[f"person:{HOSTILE_ZONE}/{HOSTILE_NAME}"]["title"]
    assert HOSTILE_NAME in hostile and "&lt;" not in hostile  # raw text; escaping is the page's job
    assert f"Source: {HOSTILE_DOC} [" in hostile
    yearless = by_id["meeting:001_b317a05d6deb3d65#0"]["title"]
    assert "XXXX-10-26 (year unknown)" in yearless
    edge = next(e for e in vm["edges"] if e["relation"] == "chaired" and e["to"] == f"meeting:{PX_OCT}#0")
    assert "Title as written: 区党工委副书记、管委会主任" in edge["title"]
    assert "区党工委副书记、管委会主任刘建中主持会议" in edge["title"]


def test_render_view_model_positions_cluster_by_zone(vm):
    pos = {n["id"]: (n["x"], n["y"]) for n in vm["nodes"]}
    assert all(isinstance(v, int) for xy in pos.values() for v in xy)
    assert len(set(pos.values())) == len(pos)
    zones = {n["cluster"]: pos[n["id"]] for n in vm["nodes"] if n["type"] == "zone"}
    assert set(zones) >= {ZONE_PX, ZONE_SR}
    for n in vm["nodes"]:
        if n["cluster"] in zones:
            own = math.dist(pos[n["id"]], zones[n["cluster"]])
            assert all(own < math.dist(pos[n["id"]], xy) for c, xy in zones.items() if c != n["cluster"]), n["id"]


def test_render_view_model_is_plain_and_deterministic(vm, graph):
    assert json.loads(json.dumps(vm)) == vm
    assert view_model(graph) == vm


_SUBPROCESS = """
import sys
sys.path[:0] = [{tests!r}, {root!r}]
from reportfactory import all_reports
from kg.assemble import assemble
from kg.render import render_html, view_model
from kg.resolve import resolve
rs = all_reports()
sys.stdout.buffer.write(render_html(view_model(assemble(rs, resolve(rs)))).encode("utf-8"))
"""


def test_render_html_is_deterministic_across_hash_seeds(page):
    code = _SUBPROCESS.format(tests=str(ROOT / "tests"), root=str(ROOT))
    for seed in ("3", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout
        assert out == page.encode("utf-8")


def test_render_html_has_no_external_references(page):
    assert EXTERNAL.findall(page) == []
    assert external_references(page) == []
    assert "bootstrap" not in page.lower()
    assert "cdn.jsdelivr.net" not in page and "cdnjs.cloudflare.com" not in page
    assert f'content="{CSP}"' in page and "default-src 'none'" in CSP


def test_render_html_never_contains_hostile_payload_raw(page):
    for payload in HOSTILE_PAYLOADS:
        assert payload not in page
    assert "<img src=x onerror" not in page
    assert script_json(HOSTILE_NAME)[1:-1] in page
    assert "evil.example" in page and "src=\\/\\/evil.example" in page
    tags = _tags(page)
    assert {t for t, _ in tags} <= ALLOWED_TAGS
    assert not any(name.startswith("on") for _, attrs in tags for name, _ in attrs)


def test_render_html_keeps_tooltips_as_text_when_a_title_contains_href(page, vm):
    # pyvis would switch every tooltip to an innerHTML popup on seeing "href" in a node title
    assert any(HOSTILE_LINK_NAME in n["title"] for n in vm["nodes"])
    assert "popup.innerHTML" not in page and 'network.on("showPopup"' not in page


def test_render_script_json_is_inert_in_a_script_block():
    value = {"t": "</script><!--<script>'&\u2028/x", "中": ["//evil.example"]}
    text = script_json(value)
    assert json.loads(text) == value
    assert not set("<>&'") & set(text) and "//" not in text and "\u2028" not in text


def test_render_html_page_furniture(page, vm):
    assert page.startswith("<!DOCTYPE html>")
    assert page.index('<meta charset="utf-8">') < page.index("Content-Security-Policy")
    assert 'id="kg-legend"' in page
    for t in ("person", "meeting", "zone", "organization"):
        assert NODE_STYLE[t]["name"] in page
    assert "chaired 主持" in page and 'stroke-dasharray="10 5"' in page
    assert '"enabled": false' in page  # physics off, positions precomputed
    assert render_html(vm) == page


def test_render_html_escapes_view_model_title(vm):
    page = render_html({**vm, "title": "<script>alert(5)</script>"})
    assert "<script>alert(5)</script>" not in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page


def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@pytest.mark.browser
def test_render_html_draws_offline_in_headless_chromium(page, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no headless Chromium installed")
    path = tmp_path / "graph.html"
    path.write_text(page, encoding="utf-8")
    cmd = [
        browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # the page must draw with no network at all
        f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom", path.as_uri(),
    ]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    assert "<canvas" in dom  # vis-network ran
    assert "<img" not in dom
    assert 'id="kg-legend"' in dom
