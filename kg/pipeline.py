"""Chain the stages: load -> normalize -> extract -> resolve -> assemble -> export/render."""
from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import E_OUT_NOT_DIR, KgError, OutputError, ReportError
from .records import Report

Warn = Callable[[str], None]


@dataclass
class RunStats:
    """What a run read, skipped and warned about; printed at the end and written as build-report.json."""

    found: int = 0
    read: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> paths
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)  # resolution lines, e.g. persons: 40 mentions -> 31 entities

    def skip(self, reason: str, path: str) -> None:
        self.skipped.setdefault(reason, []).append(path)

    @property
    def skipped_count(self) -> int:
        return sum(len(v) for v in self.skipped.values())

    def to_json(self) -> dict:
        return {
            "reports_found": self.found,
            "reports_read": self.read,
            "reports_skipped": self.skipped_count,
            "skipped_by_reason": {k: sorted(v) for k, v in sorted(self.skipped.items())},
            "warnings": self.warnings,
            "counts": dict(sorted(self.counts.items())),
            "resolution": self.summary,
        }


def _reason(exc: ReportError) -> str:
    msg = str(exc)
    for key, words in (("empty", "empty"), ("binary", "binary"), ("unreadable", "cannot be read"),
                       ("undecodable", "encoding"), ("no text", "no article text")):
        if words in msg:
            return key
    return "error"


def extract_reports(paths: Iterable[str | os.PathLike], stats: RunStats, warn: Warn) -> Iterator[Report]:
    """Load, normalize and extract each report; a bad report becomes a warning and the batch goes on."""
    from .extract import extract
    from .load import find_reports, load
    from .normalize import normalize

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not a warning
    files = find_reports(list(paths))
    stats.found = len(files)
    seen_ids: dict[str, str] = {}
    for path in files:
        try:
            doc = load(path)
        except ReportError as exc:
            stats.skip(_reason(exc), str(path))
            warn(str(exc))
            continue
        if doc.doc_id in seen_ids:
            msg = (f"{path}: skipped, its doc_id {doc.doc_id!r} is already taken by {seen_ids[doc.doc_id]}; "
                   "rename one of the files")
            stats.skip("duplicate doc_id", str(path))
            warn(msg)
            continue
        try:
            report = extract(doc, normalize(doc.text))
        except Exception as exc:  # one broken report must not stop a batch
            stats.skip("internal error", str(path))
            warn(f"{path}: skipped, extraction failed ({type(exc).__name__}: {exc}); please report this file")
            continue
        seen_ids[doc.doc_id] = str(path)
        stats.read += 1
        for w in report.warnings:
            w = w if w.startswith(str(path)) else f"{path}: {w}"
            stats.warnings.append(w)
            warn(w)
        yield report


def report_lines(reports: Iterable[Report], *, with_text: bool = False) -> Iterator[str]:
    """One JSON line per report, keys in a stable order."""
    for r in reports:
        yield json.dumps(r.to_json(with_text=with_text), ensure_ascii=False, sort_keys=False)


def count(reports: list[Report], graph) -> dict[str, int]:
    """Per-stage counts for the run report."""
    types = Counter(data.get("type") for _, data in graph.nodes(data=True))
    edges = Counter(k for _, _, k in graph.edges(keys=True))
    out = {
        "reports": len(reports),
        "meetings": sum(len(r.meetings) for r in reports),
        "person mentions": sum(len(r.persons) for r in reports),
        "directives": sum(len(r.directives) for r in reports),
    }
    for t, n in types.items():
        if t:
            out[f"{t} nodes"] = n
    for k, n in edges.items():
        out[f"{k} edges"] = n
    return out


def build(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *, base_iri: str | None = None,
          warn: Warn = lambda m: None) -> RunStats:
    """Build the graph of every report under ``paths`` into ``out_dir``; outputs replace old ones atomically."""
    from .assemble import assemble
    from .export import DEFAULT_BASE_IRI, to_node_link_json, to_turtle, write_atomic
    from .render import render_html, view_model
    from .resolve import resolve

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(E_OUT_NOT_DIR.format(path=out))
    stats = RunStats()
    reports = sorted(extract_reports(paths, stats, warn), key=lambda r: r.doc_id)
    if not reports:
        raise KgError(f"{', '.join(map(str, paths))}: no report could be read; see the warnings above")
    resolution = resolve(reports)
    graph = assemble(reports, resolution)
    turtle = to_turtle(graph, reports, base_iri=base_iri or DEFAULT_BASE_IRI)
    node_link = to_node_link_json(graph)
    html = render_html(view_model(graph))
    jsonl = "\n".join(report_lines(reports, with_text=True)) + "\n"
    stats.counts = count(reports, graph)
    stats.summary = resolution.summary()
    out.mkdir(parents=True, exist_ok=True)
    # Everything is computed before the first write, so a failure leaves the old outputs whole.
    write_atomic(out / "reports.jsonl", jsonl)
    write_atomic(out / "graph.json", node_link)
    write_atomic(out / "graph.ttl", turtle)
    write_atomic(out / "graph.html", html)
    write_atomic(out / "build-report.json",
                 json.dumps(stats.to_json(), ensure_ascii=False, indent=1) + "\n")
    return stats
