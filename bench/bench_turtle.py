"""Time graph -> Turtle and JSON-LD (as kg build writes them, and through kg.rdf.triples) on about a million triples.

The graph follows kg.assemble's contract (typed nodes, relation-keyed edges, each with doc_id, span and
quote) without running extraction, so only the export is measured.

    .venv/bin/python bench/bench_turtle.py [--triples 1000000] [--check]

``--check`` also parses the Turtle back with pyoxigraph and compares the triple count.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.rdf import triples  # noqa: E402
from kg.rdf_jsonld import jsonld  # noqa: E402
from kg.rdf_sections import Sections  # noqa: E402
from kg.records import Report  # noqa: E402
from kg.turtle import ntriples, turtle  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰辉鹏飞斌宇浩凯健俊帆帅旭宁龙林欣玲晨海波红"
TITLES = ("区党工委书记", "区党工委副书记、管委会主任", "管委会副主任", "区党工委委员", "区纪工委书记")
ROLES = (("chaired", "chair"), ("spoke_at", "speaker"), ("attended", "attendee"))
TRIPLES_PER_REPORT = 384  # per report of the shape below


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[(i // 7) % len(GIVEN)]


def synthetic(n_reports: int) -> tuple[nx.MultiDiGraph, list[Report]]:
    """``n_reports`` reports in 50 zones, each with a meeting, 5 participants and 4 directives."""
    g = nx.MultiDiGraph()
    reports = []
    for r in range(n_reports):
        doc = f"{r:06d}_{hashlib.sha256(str(r).encode()).hexdigest()[:16]}"
        zone = f"第{r % 50}经济技术开发区"
        people = [_name(r * 5 + k) for k in range(5)]
        body = "".join(f"{TITLES[k]}{p}出席会议并讲话。" for k, p in enumerate(people))
        directives = [f"要推进第{d}项重点工作,确保落到实处" for d in range(4)]
        text = f"{r % 12 + 1}月{r % 28 + 1}日上午,{zone}召开领导干部会议。" + body + "".join(
            f"{people[0]}强调,{d}。" for d in directives)
        reports.append(Report(doc_id=doc, path=f"{doc}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                              text=text, script="simplified", published=f"2023-{r % 12 + 1:02d}-{r % 28 + 1:02d}",
                              zone=zone, zone_short=None, extractor="bench"))
        lead_end = text.index("。") + 1

        def src(start: int, end: int) -> dict:
            return {"doc_id": doc, "span": [start, end], "quote": text[start:end]}

        g.add_node(f"report:{doc}", type="report", label=doc, script="simplified", sha256="0" * 64,
                   published=reports[-1].published, extractor="bench", **src(0, lead_end))
        zid = f"zone:{zone}"
        if zid not in g:
            g.add_node(zid, type="zone", label=zone, name=zone, reports=[doc], sources=[[doc, 0, 0, ""]],
                       **src(0, 0))
        mid = f"meeting:{doc}#0"
        g.add_node(mid, type="meeting", label="领导干部会议", name="领导干部会议", index=0,
                   date=reports[-1].published, time_of_day="上午", kind="meeting", **src(0, lead_end))
        g.add_edge(mid, zid, key="in_zone", relation="in_zone", **src(0, lead_end))
        g.add_edge(mid, f"report:{doc}", key="reported_in", relation="reported_in", **src(0, lead_end))
        for k, p in enumerate(people):
            at = text.index(p)
            pid = f"person:{zone}/{p}"
            rows = [[doc, at, at + len(p), p]]
            if pid in g:
                g.nodes[pid]["sources"] += rows
                g.nodes[pid]["reports"].append(doc)
                g.nodes[pid]["title_sources"].append([TITLES[k], doc, reports[-1].published])
            else:
                g.add_node(pid, type="person", label=p, name=p, zone=zone, reports=[doc], sources=rows,
                           title_sources=[[TITLES[k], doc, reports[-1].published]], **src(at, at + len(p)))
            relation, role = ROLES[min(k, 2)]
            g.add_edge(pid, mid, key=relation, relation=relation, role=role, order=k, title=TITLES[k],
                       **src(at - len(TITLES[k]), at + len(p)))
        for d, words in enumerate(directives):
            at = text.index(words)
            did = f"directive:{doc}#{d}"
            g.add_node(did, type="directive", label=words[:16], text=words, index=d, collective=False,
                       **src(at, at + len(words)))
            g.add_edge(did, mid, key="given_at", relation="given_at", **src(at, at + len(words)))
            g.add_edge(f"person:{zone}/{people[0]}", did, key="issued", relation="issued", **src(at, at + len(words)))
    return g, reports


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="about how many triples (default 1,000,000)")
    ap.add_argument("--check", action="store_true", help="parse the Turtle back with pyoxigraph")
    args = ap.parse_args()
    n = max(1, args.triples // TRIPLES_PER_REPORT)
    t0 = time.perf_counter()
    g, reports = synthetic(n)
    print(f"synthetic graph: {n} reports, {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
          f"({time.perf_counter() - t0:.1f} s)")
    # What kg build does: the sections rendered as Turtle and JSON-LD in one pass, a section at a time.
    c0 = time.process_time()
    sections = Sections(g, reports)
    ttl, js, count = [], [], 0
    for part in sections.rendered():
        ttl.append(part.turtle.encode("utf-8"))
        js.append(part.jsonld.encode("utf-8"))
        count += part.triples
    c1 = time.process_time()
    size_ttl, size_js = sum(map(len, ttl)) / 1e6, sum(map(len, js)) / 1e6
    print(f"sections -> Turtle ({size_ttl:.0f} MB) + JSON-LD ({size_js:.0f} MB), encoded: {count:,} triples in "
          f"{c1 - c0:.2f} s of CPU ({count / (c1 - c0) / 1000:.0f} k triples/s, "
          f"{(c1 - c0) / count * 1e6:.2f} s per million for both formats)")
    # The library path: every triple as a tuple, sorted, then each writer.
    c2 = time.process_time()
    rows = triples(g, reports)
    c3 = time.process_time()
    text = turtle(rows, ordered=True)
    c4 = time.process_time()
    jsonld(rows, ordered=True)
    c5 = time.process_time()
    ntriples(rows, ordered=True)
    c6 = time.process_time()
    print(f"kg.rdf.triples: {len(rows):,} in {c3 - c2:.2f} s; then turtle {c4 - c3:.2f} s, json-ld {c5 - c4:.2f} s, "
          f"n-triples {c6 - c5:.2f} s (CPU)")
    if args.check:
        import pyoxigraph

        t7 = time.perf_counter()
        data = sections.turtle_head.encode("utf-8") + b"".join(ttl)
        parsed = sum(1 for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
        print(f"pyoxigraph parsed {parsed:,} triples of the sections' Turtle in {time.perf_counter() - t7:.2f} s "
              f"({'same count' if parsed == len(rows) == count else 'COUNT DIFFERS'}); "
              f"the library Turtle is {len(text.encode('utf-8')) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
