"""persons.csv: one row per (person, title, organization, date, source) attestation, as elite databases keep them."""
from __future__ import annotations

import csv
import io
from typing import Sequence

import networkx as nx

from kg.pinyin import pinyin
from kg.rdf import DEFAULT_BASE_IRI, Iris, attestations, check_base_iri, organizations_by_doc
from kg.records import Report

PERSON_COLUMNS = ("person_id", "name", "pinyin", "zone", "title", "organization", "date", "doc_id", "start",
                  "end", "quote")


def person_rows(graph: nx.MultiDiGraph, reports: Sequence[Report],
                base_iri: str = DEFAULT_BASE_IRI) -> list[dict[str, object]]:
    """The attestation rows, ordered by person, date, report and position.

    ``person_id`` is the person's IRI in graph.ttl; ``start``/``end`` index ``texts/<doc_id>.txt``
    (end exclusive) and ``quote`` is that slice.
    """
    iris = Iris(check_base_iri(base_iri))
    texts = {r.doc_id: r.text for r in reports}
    orgs = organizations_by_doc(graph)
    rows = []
    for nid, a in graph.nodes(data=True):
        if a.get("type") != "person":
            continue
        pid = iris.node(a)
        romanized = pinyin(a["name"])
        for att in attestations(graph, nid, texts, orgs):
            org = graph.nodes[att.organization]["name"] if att.organization else ""
            rows.append({
                "person_id": pid, "name": a["name"], "pinyin": romanized, "zone": a.get("zone", ""),
                "title": att.title, "organization": org, "date": att.date, "doc_id": att.doc_id,
                "start": att.start, "end": att.end, "quote": att.quote,
            })
    rows.sort(key=lambda r: (r["person_id"], r["date"], r["doc_id"], r["start"], r["end"], r["title"],
                             r["organization"]))
    return rows


def persons_csv(graph: nx.MultiDiGraph, reports: Sequence[Report], base_iri: str = DEFAULT_BASE_IRI) -> str:
    """persons.csv as text: a header row, then person_rows; RFC 4180 quoting, ``\\r\\n`` line ends."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=PERSON_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(person_rows(graph, reports, base_iri))
    return buf.getvalue()


__all__ = ["PERSON_COLUMNS", "person_rows", "persons_csv"]
