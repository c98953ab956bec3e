"""Prints how long graph.html takes: Python view model and page for synthetic builds, and the browser until interactive.

    .venv/bin/python bench/bench_render.py [--reports 10000] [--browser-nodes 5000]

The synthetic graph has the shape kg.assemble gives (zones, reports, meetings, persons with titles,
organizations, directives; every node and edge with doc_id, span and quote), so the figures hold for real builds.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.render import render_html, view_model  # noqa: E402
from kg.render.screenshot import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "博建中明华国平伟强军立新志文海东春燕秋林霜丰逵玮洁仔育林政敏云龙涛斌杰峰磊鹏辉"
TITLES = ("区党工委书记", "管委会主任", "区党工委副书记", "管委会副主任", "区委常委", "副区长", "区长", "市委常委")
ORGS = ("党工委", "管委会", "区委", "区政府", "财政局", "组织部", "宣传部", "纪工委")
ROLES = ("chaired", "spoke_at", "attended")


def synthetic_graph(reports: int, seed: int = 7) -> nx.MultiDiGraph:
    """A graph of ``reports`` reports over reports/40 zones, each zone with its own pool of 60 officials."""
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    zones = [f"测试{i}经济技术开发区" for i in range(max(1, reports // 40))]
    src = {"span": [0, 10], "quote": "10月26日上午,经开区召开会议"}
    for z in zones:
        g.add_node(f"zone:{z}", type="zone", label=z, name=z, doc_id="r0", reports=[], **src)
    for r in range(reports):
        doc = f"{r:06d}_synthetic"
        z = zones[r % len(zones)]
        date = f"20{20 + r % 5}-{1 + r % 12:02d}-{1 + r % 28:02d}"
        g.add_node(f"report:{doc}", type="report", label=doc, doc_id=doc, zone=z, published=date, **src)
        for i in range(1 + r % 2):
            m = f"meeting:{doc}#{i}"
            g.add_node(m, type="meeting", label="全区领导干部会议", name="全区领导干部会议", index=i, date=date,
                       zone=z, kind="meeting", doc_id=doc, **src)
            g.add_edge(m, f"report:{doc}", key="reported_in", relation="reported_in", doc_id=doc, **src)
            g.add_edge(m, f"zone:{z}", key="in_zone", relation="in_zone", doc_id=doc, **src)
            org = f"org:{z}/{ORGS[r % len(ORGS)]}"
            if org not in g:
                g.add_node(org, type="organization", label=ORGS[r % len(ORGS)], name=ORGS[r % len(ORGS)], zone=z,
                           kind="party", reports=[doc], doc_id=doc, **src)
            g.add_edge(m, org, key="organized_by", relation="organized_by", doc_id=doc, **src)
            people = rnd.sample(range(60), 8)
            for order, k in enumerate(people):
                name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7 + zones.index(z)) % len(GIVEN)]
                p = f"person:{z}/{name}{k}"
                title = TITLES[k % len(TITLES)]
                if p not in g:
                    g.add_node(p, type="person", label=name, name=name, zone=z, reports=[], titles=[title],
                               title_sources=[], doc_id=doc, **src)
                a = g.nodes[p]
                a["reports"] = sorted(set(a["reports"]) | {doc})
                a["title_sources"].append([title, doc, date])
                role = ROLES[0] if order == 0 else ROLES[1] if order < 3 else ROLES[2]
                g.add_edge(p, m, key=role, relation=role, order=order, title=title, doc_id=doc, **src)
            for d in range(5):
                did = f"directive:{doc}#{i * 5 + d}"
                g.add_node(did, type="directive", label="要强攻主责主业…", text="要强攻主责主业,全力以赴推进高质量发展",
                           speaker="杨博", zone=z, doc_id=doc, **src)
                g.add_edge(did, m, key="given_at", relation="given_at", doc_id=doc, **src)
    return g


def python_figures(reports: int) -> tuple[int, str]:
    g = synthetic_graph(reports)
    w0, c0 = time.perf_counter(), time.process_time()
    vm = view_model(g)
    w1, c1 = time.perf_counter(), time.process_time()
    page = render_html(vm)
    w2, c2 = time.perf_counter(), time.process_time()
    # CPU time alongside wall time: on a shared machine the wall clock also counts other processes
    print(f"{reports:>6} reports: graph {g.number_of_nodes():>7} nodes {g.number_of_edges():>7} edges; "
          f"page {len(vm['nodes']):>6} nodes {len(vm['edges']):>6} edges; view model {w1 - w0:5.2f} s "
          f"(cpu {c1 - c0:5.2f}), page {w2 - w1:5.2f} s (cpu {c2 - c1:5.2f}), {len(page) / 2**20:5.1f} MB")
    return len(vm["nodes"]), page


def browser_figures(page: str, nodes: int) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: playwright not installed, skipped")
        return
    if not Path(CHROMIUM).exists():
        print(f"browser: {CHROMIUM} not installed, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        html = Path(tmp) / "graph.html"
        html.write_text(page, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
        tab = ctx.new_page()
        tab.goto(html.as_uri(), wait_until="load")
        tab.wait_for_function("() => window.kg && window.kg.ready", timeout=120_000)
        ready = tab.evaluate("() => window.kg.readyAt")
        t0 = time.perf_counter()
        tab.evaluate("() => window.kg.search('yang bo')")
        search = time.perf_counter() - t0
        t0 = time.perf_counter()
        tab.locator("#kg-zones input").first.uncheck()
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        zone = time.perf_counter() - t0
        t0 = time.perf_counter()
        tab.evaluate("() => { network.moveTo({scale: 0.5}); network.redraw(); }")
        redraw = time.perf_counter() - t0
        print(f"browser, {nodes} nodes in the page: interactive after {ready / 1000:.2f} s (load to first drawing); "
              f"search {search:.2f} s, zone filter {zone:.2f} s, one redraw {redraw:.2f} s")
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000, help="largest synthetic build for the Python figures")
    ap.add_argument("--browser-nodes", type=int, default=5_000, help="nodes in the page timed in the browser")
    args = ap.parse_args()
    for n in (100, 1000):
        python_figures(n)
    nodes, page = python_figures(args.reports)
    browser_figures(page, nodes)
    # reports needed for about this many page nodes (directives included while under the limit)
    lo, hi = 10, 5000
    while lo < hi:
        mid = (lo + hi) // 2
        if len(view_model(synthetic_graph(mid))["nodes"]) < args.browser_nodes:
            lo = mid + 1
        else:
            hi = mid
    nodes, page = python_figures(lo)
    browser_figures(page, nodes)


if __name__ == "__main__":
    main()
