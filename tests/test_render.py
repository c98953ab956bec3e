"""Tests for kg.render: the view model, the page nothing in a report can break, and kg render."""
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

import networkx as nx
import pytest

from kg import render as render_pkg
from kg.cli import main as kg_main
from kg.errors import KgError
from kg.render import (
    CSP, EDGE_STYLE, NODE_STYLE, external_references, load_graph, person_graph, render_build, render_html,
    script_json, view_model, zone_graph,
)
from kg.render.model import HIDDEN_TYPES
from kg.render.screenshot import screenshot
from reportfactory import (
    HOSTILE_DOC, HOSTILE_LINK_NAME, HOSTILE_NAME, HOSTILE_PAYLOADS, HOSTILE_ZONE, ZONE_PX, ZONE_SR,
)

ROOT = Path(__file__).resolve().parent.parent
PX_OCT = "000_033037928346e11e"
PX_JUL = "003_f2ba840133a4e5d0"
LIU_PX = f"person:{ZONE_PX}/刘建中"
EXTERNAL = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']?\s*|url\(\s*["']?\s*)(?:https?:)?//|@import""", re.I)
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "div", "details", "summary",
                "span", "svg", "line", "polygon", "circle", "label", "input", "button"}


@pytest.fixture(scope="module")
def vm(graph):
    return view_model(graph)


@pytest.fixture(scope="module")
def page(vm):
    return render_html(vm)


@pytest.fixture(scope="module")
def by_id(vm):
    return {n["id"]: n for n in vm["nodes"]}


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


def test_render_view_model_node_styles(vm, graph, by_id):
    assert {n["type"] for n in vm["nodes"]} == set(NODE_STYLE)
    for n in vm["nodes"]:
        assert n["color"] == NODE_STYLE[n["type"]]["color"] and n["shape"] == NODE_STYLE[n["type"]]["shape"]
    main = ("person", "meeting", "zone", "organization")
    assert len({NODE_STYLE[t]["shape"] for t in main}) == 4 and len({NODE_STYLE[t]["color"] for t in main}) == 4
    assert set(by_id) == set(graph.nodes)
    assert {t["type"] for t in vm["legend"]["nodes"]} == set(NODE_STYLE)


def test_render_view_model_labels_carry_pinyin_and_dates(by_id):
    assert by_id[LIU_PX]["label"] == "刘建中\nLiú Jiàn Zhōng"
    assert by_id[f"person:{ZONE_PX}/杨博"]["label"] == "杨博\nYáng Bó"
    assert by_id[f"meeting:{PX_OCT}#0"]["label"].endswith("\n2022-10-26")
    assert by_id["meeting:001_b317a05d6deb3d65#0"]["label"].endswith("\nXXXX-10-26")


def test_render_view_model_directives_reports_and_works_start_hidden(vm, graph):
    hidden = {n["id"] for n in vm["nodes"] if n["hidden"]}
    assert hidden == {n for n, a in graph.nodes(data=True) if a["type"] in HIDDEN_TYPES}
    for e in vm["edges"]:
        assert e["hidden"] == (e["from"] in hidden or e["to"] in hidden), e["id"]
    assert vm["directives_left_out"] == 0
    without = view_model(graph, include_directives=False)
    assert "directive" not in {n["type"] for n in without["nodes"]}
    assert without["directives_left_out"] == sum(a["type"] == "directive" for _, a in graph.nodes(data=True))


def test_render_view_model_leaves_directives_out_of_a_large_graph(graph, monkeypatch):
    monkeypatch.setattr(render_pkg.model, "DIRECTIVE_LIMIT", 3)
    big = view_model(graph)
    assert "directive" not in {n["type"] for n in big["nodes"]} and big["directives_left_out"] > 3
    assert "directives left out" in render_html(big)


def test_render_view_model_person_size_and_multi_zone_marks(by_id):
    liu, chen = by_id[LIU_PX], by_id[f"person:{ZONE_PX}/陈敏"]
    assert liu["meetings"] == 2 and chen["meetings"] == 0
    assert liu["size"] > chen["size"] == NODE_STYLE["person"]["size"]
    assert liu["multi"] is True  # merged over two reports
    assert chen["multi"] is False and by_id[f"person:{ZONE_SR}/洪海"]["multi"] is False
    assert {"chaired", "spoke_at"} <= set(liu["roles"]) and chen["roles"] == []


def test_render_view_model_edges_distinguish_roles(vm):
    styles = {k: (EDGE_STYLE[k]["color"], json.dumps(EDGE_STYLE[k]["dashes"]), EDGE_STYLE[k]["arrow"])
              for k in ("chaired", "spoke_at", "attended")}
    for i in range(3):
        assert len({s[i] for s in styles.values()}) == 3
    edges = {(e["from"], e["relation"], e["to"]): e for e in vm["edges"]}
    chair = edges[(LIU_PX, "chaired", f"meeting:{PX_OCT}#0")]
    assert chair["color"] == EDGE_STYLE["chaired"]["color"] and chair["dashes"] is False
    assert chair["arrows"] == {"to": {"enabled": True, "type": "arrow"}}
    spoke = edges[(chair["from"], "spoke_at", chair["to"])]
    assert spoke["dashes"] == EDGE_STYLE["spoke_at"]["dashes"] and spoke["arrows"]["to"]["type"] == "circle"
    # the second edge between the same pair is bent so both stay visible
    assert chair["smooth"] == {"enabled": False} and spoke["smooth"]["enabled"] is True
    ids = [e["id"] for e in vm["edges"]]
    assert len(ids) == len(set(ids))
    assert {e["relation"] for e in vm["legend"]["edges"]} == {e["relation"] for e in vm["edges"]}


def test_render_view_model_mentions_only_when_nothing_else_links(vm):
    mentioned = {e["to"] for e in vm["edges"] if e["relation"] == "mentions"}
    assert "work:《努力成为可堪大用的栋梁之才》" in mentioned
    assert f"person:{ZONE_PX}/陈敏" in mentioned  # only mentioned, takes no role
    assert f"meeting:{PX_OCT}#0" not in mentioned  # already linked by reported_in


def test_render_person_tooltip_lists_glossed_titles_with_dates_and_quotes(by_id):
    tip = by_id[LIU_PX]["title"]
    assert tip.startswith("Person 人物: 刘建中 (Liú Jiàn Zhōng)")
    assert ("区党工委副书记 (District Party Working Committee Deputy Secretary): 2022-07-22, "
            f"{PX_JUL} [45, 61] “区党工委副书记、管委会主任刘建中”") in tip
    assert "管委会主任 (Administrative Committee Director): 2022-10-26" in tip
    assert "Meetings: 2 (chaired" in tip
    assert f"Reports: {PX_OCT}, {PX_JUL}" in tip


def test_render_person_tooltip_falls_back_to_title_sources(graph):
    g = graph.copy()
    del g.nodes[LIU_PX]["timeline"]
    tip = {n["id"]: n for n in view_model(g)["nodes"]}[LIU_PX]["title"]
    assert "区党工委副书记 (District Party Working Committee Deputy Secretary): 2022-10-26, " + PX_OCT in tip


def test_render_meeting_and_directive_tooltips(by_id, graph):
    meeting = by_id[f"meeting:{PX_OCT}#0"]["title"]
    assert "Date: 2022-10-26" in meeting and f"Zone: {ZONE_PX}" in meeting
    chairs = sorted(graph.nodes[u]["label"] for u, _, k in graph.in_edges(f"meeting:{PX_OCT}#0", keys=True)
                    if k == "chaired")
    assert chairs and all(f"{c} (" in meeting.split("Chair: ")[1].split("\n")[0] for c in chairs)
    assert f"Source: {PX_OCT} [" in meeting
    assert "XXXX-10-26 (year unknown)" in by_id["meeting:001_b317a05d6deb3d65#0"]["title"]
    directive = by_id[f"directive:{PX_OCT}#0"]["title"]
    assert "Speaker: 杨博 (Yáng Bó)" in directive and "Text: 要强攻主责主业" in directive


def test_render_tooltips_stay_raw_text(by_id, vm):
    hostile = by_id[f"person:{HOSTILE_ZONE}/{HOSTILE_NAME}"]["title"]
    assert HOSTILE_NAME in hostile and "&lt;" not in hostile  # raw text; escaping is the page's job
    assert f"Source: {HOSTILE_DOC} [" in hostile
    edge = next(e for e in vm["edges"] if e["relation"] == "chaired" and e["to"] == f"meeting:{PX_OCT}#0")
    assert "Title as written: 区党工委副书记、管委会主任 (District Party Working Committee Deputy Secretary; " \
           "Administrative Committee Director)" in edge["title"]


def test_render_view_model_filter_facets(vm, by_id):
    assert vm["roles"] == ["chaired", "spoke_at", "attended"]
    assert vm["dates"] == ["2022-07-22", "2024-01-22"]
    assert by_id[f"meeting:{PX_OCT}#0"]["full_date"] is True
    assert by_id["meeting:001_b317a05d6deb3d65#0"]["full_date"] is False
    assert set(vm["zones"]) >= {ZONE_PX, ZONE_SR, HOSTILE_ZONE, "doc:001_b317a05d6deb3d65"}
    assert by_id[f"person:{ZONE_PX}/杨博"]["search"] == ["yangbo", "杨博"]
    assert by_id[f"directive:{PX_OCT}#0"]["meeting"] == f"meeting:{PX_OCT}#0"
    for n in vm["nodes"]:
        assert n["cluster"] in n["zones"] and set(n["zones"]) <= set(vm["zones"])


def test_render_view_model_positions_cluster_by_zone(vm):
    pos = {n["id"]: (n["x"], n["y"]) for n in vm["nodes"]}
    assert all(isinstance(v, int) for xy in pos.values() for v in xy)
    assert len(set(pos.values())) == len(pos)
    discs = {c["key"]: c for c in vm["clusters"]}
    for n in vm["nodes"]:
        own = discs[n["cluster"]]
        assert math.dist(pos[n["id"]], (own["x"], own["y"])) <= own["r"], n["id"]
        for key, other in discs.items():
            if key != n["cluster"]:
                assert math.dist(pos[n["id"]], (other["x"], other["y"])) > other["r"], n["id"]
    assert discs[ZONE_PX]["label"] == f"{ZONE_PX} (Economic and Technological Development Zone)"


def test_render_view_model_is_plain_and_deterministic(vm, graph):
    assert json.loads(json.dumps(vm)) == vm
    assert view_model(graph) == vm
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(sorted(graph.nodes(data=True), reverse=True))
    shuffled.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3], reverse=True))
    assert view_model(shuffled) == vm


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
    for seed in ("4242",):
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
    # zone names reach the controls as escaped attribute values and text
    assert any(("data-zone", HOSTILE_ZONE) in attrs for _, attrs in tags)


def test_render_html_keeps_tooltips_as_text_when_a_title_contains_href(page, vm):
    # pyvis would switch every tooltip to an innerHTML popup on seeing "href" in a node title
    assert any(HOSTILE_LINK_NAME in n["title"] for n in vm["nodes"])
    assert "popup.innerHTML" not in page and 'network.on("showPopup"' not in page
    script = page[page.rindex("<script>"):]
    assert "innerHTML" not in script and "textContent" in script


def test_render_script_json_is_inert_in_a_script_block():
    value = {"t": "</script><!--<script>'&\u2028/x", "中": ["//evil.example"]}
    text = script_json(value)
    assert json.loads(text) == value
    assert not set("<>&'") & set(text) and "//" not in text and "\u2028" not in text


def test_render_html_page_furniture(page, vm):
    assert page.startswith("<!DOCTYPE html>")
    assert page.index('<meta charset="utf-8">') < page.index("Content-Security-Policy")
    for element in ('id="kg-legend"', 'id="kg-search"', 'id="kg-zones"', 'id="kg-roles"', 'id="kg-date-from"',
                    'id="kg-date-to"', 'id="kg-toggle-directive"', 'id="kg-details"'):
        assert element in page
    for t in ("person", "meeting", "zone", "organization"):
        assert NODE_STYLE[t]["name"] in page
    assert "chaired 主持" in page and 'stroke-dasharray="10 5"' in page
    assert '"physics": {"enabled": false}' in page  # positions precomputed
    assert render_html(vm) == page


def test_render_html_escapes_view_model_title(vm):
    page = render_html({**vm, "title": "<script>alert(5)</script>"})
    assert "<script>alert(5)</script>" not in page
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page


def test_render_zone_graph_keeps_the_zone_and_its_visitors(graph):
    sub = zone_graph(graph, ZONE_PX)
    zones = {a.get("zone") for _, a in sub.nodes(data=True) if a["type"] != "zone"}
    assert zones == {ZONE_PX}
    assert f"zone:{ZONE_SR}" not in sub and LIU_PX in sub and f"meeting:{PX_OCT}#0" in sub
    assert set(sub.edges(keys=True)) == {e for e in graph.edges(keys=True) if e[0] in sub and e[1] in sub}
    with pytest.raises(KgError, match="no such zone.*choose one of"):
        zone_graph(graph, "无此区")


def test_render_person_graph_by_chinese_or_pinyin(graph):
    by_name = person_graph(graph, "杨博")
    assert set(by_name) == set(person_graph(graph, "yang bo")) == set(person_graph(graph, "Yáng Bó"))
    assert f"person:{ZONE_PX}/杨博" in by_name and f"meeting:{PX_OCT}#0" in by_name
    assert LIU_PX in by_name  # a co-participant
    assert f"person:{ZONE_SR}/洪海" not in by_name
    liu = person_graph(graph, "刘建中")  # three people share the name; all are drawn
    assert sum(1 for n in liu if n.endswith("/刘建中")) == 3
    with pytest.raises(KgError, match="no person of that name"):
        person_graph(graph, "nobody")


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seeds-build")
    build([ROOT / "seeds"], out)
    return out


def test_render_build_redraws_graph_json(seeds_build, tmp_path):
    html = render_build(seeds_build, out=tmp_path / "all.html")
    # graph.json keeps everything the page shows: the redraw is the page kg build wrote
    assert html.read_text(encoding="utf-8") == (seeds_build / "graph.html").read_text(encoding="utf-8")
    zone = render_build(seeds_build, zone=ZONE_PX, out=tmp_path / "zone" / "z.html").read_text(encoding="utf-8")
    assert ZONE_SR not in zone and ZONE_PX in zone


def test_render_cli(seeds_build, tmp_path, capsys):
    out = tmp_path / "p.html"
    assert kg_main(["render", str(seeds_build), "--person", "yang bo", "--out", str(out)]) == 0
    assert "杨博" in out.read_text(encoding="utf-8")
    assert kg_main(["render", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "graph.json: no such file; run `kg build" in err[0]
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "graph.json").write_text("{not json", encoding="utf-8")
    assert kg_main(["render", str(tmp_path / "bad")]) == 2
    assert "not a kg graph.json" in capsys.readouterr().err


def test_render_screenshot_names_the_missing_browser(seeds_build, tmp_path):
    with pytest.raises(KgError, match="needs Debian's chromium at /nonexistent/chromium; install it with: apt-get"):
        screenshot(seeds_build / "graph.html", tmp_path / "x.png", chromium="/nonexistent/chromium")
    assert not (tmp_path / "x.png").exists()


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


def test_render_view_model_draws_zone_membership_as_discs(vm, graph):
    assert any(k == "in_zone" for _, _, k in graph.edges(keys=True))
    assert "in_zone" not in {e["relation"] for e in vm["edges"]}


def test_render_large_view_model_opens_with_a_budget_of_zones(graph, monkeypatch):
    assert view_model(graph)["initial_zones"] == view_model(graph)["zones"]
    monkeypatch.setattr(render_pkg.model, "INITIAL_NODE_BUDGET", 1)
    small = view_model(graph)
    assert small["initial_zones"] == small["zones"][:1]
    page = render_html(small)
    boxes = [dict(attrs) for tag, attrs in _tags(page) if tag == "input" and "data-zone" in dict(attrs)]
    assert [b["data-zone"] for b in boxes if "checked" in b] == small["zones"][:1]
    assert len(boxes) == len(small["zones"]) > 1


def test_render_page_data_switches_to_canvas_edges_when_large(vm):
    from kg.render.page import page_data

    assert page_data(vm)["canvasEdges"] is False
    data = page_data(vm, canvas_edges_over=0)
    assert data["canvasEdges"] is True and len(data["edges"]) == len(vm["edges"])
    assert '"dragNodes": false' in render_html(vm, canvas_edges_over=0)


def test_render_person_tooltip_stays_short_for_a_much_reported_person(graph):
    g = graph.copy()
    row = g.nodes[LIU_PX]["timeline"][0]
    g.nodes[LIU_PX]["timeline"] = [row] * 40
    g.nodes[LIU_PX]["reports"] = [f"{i:03d}_doc" for i in range(40)]
    tip = {n["id"]: n for n in view_model(g)["nodes"]}[LIU_PX]["title"]
    assert "… and 28 more attestations" in tip and "and 28 more\n" in tip
    assert tip.count(row[5]) == 12 and len(tip.splitlines()) < 30


def test_render_load_graph_names_what_a_foreign_graph_json_lacks(tmp_path):
    (tmp_path / "graph.json").write_text(json.dumps(
        {"directed": True, "multigraph": True, "graph": {}, "nodes": [{"id": "x", "type": "person"}], "edges": []}),
        encoding="utf-8")
    with pytest.raises(KgError, match=r"not a kg graph.json \(KeyError: .*has no label, doc_id, span, quote.*kg build"):
        load_graph(tmp_path)
