"""Chain the stages: load -> normalize -> extract -> resolve -> assemble -> export/render."""
from __future__ import annotations

import gc
import json
import os
import time
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator

from .errors import E_FORMATS, E_OUT_NOT_DIR, KgError, OutputError
from .load import MAX_REPORT_BYTES
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
    # Not in build-report.json, which must not depend on what a cache held: reports taken from the
    # cache and reports extracted in this run, and seconds per stage.
    cached: int = 0
    extracted: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    validation: dict = field(default_factory=dict)  # kg.validate's findings on graph.ttl
    formats: list[str] = field(default_factory=list)  # the graph files written, by their --formats names

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
            "validation": self.validation,
            "formats": self.formats,
        }


def extract_reports(paths: Iterable[str | os.PathLike], stats: RunStats, warn: Warn, *,
                    max_bytes: int | None = MAX_REPORT_BYTES, engine=None, cache=None,
                    progress: bool = False) -> Iterator[Report]:
    """Load, normalize and extract each report; a bad report becomes a warning and the batch goes on.

    ``max_bytes`` caps one report's file size (None: no cap).
    ``engine`` (kg.engine) says where extraction runs, serially here by default; reports come out
    in file order whatever the engine. ``cache`` (kg.cache.ExtractCache) supplies reports whose
    file and extractor are unchanged and keeps the newly extracted ones.
    """
    from .cache import unpack_report
    from .engine import Engine, Outcome, extract_one, quiet_jieba
    from .load import find_reports

    quiet_jieba()  # later stages here may load its dictionary too
    files = [str(p) for p in find_reports(list(paths))]
    stats.found = len(files)
    stored = cache.keys() if cache is not None else set()
    # Keys are read off the files first only when there are entries to look up; otherwise each is made from
    # the extracted report's hash of its bytes, so workers read and hash every file in parallel.
    keys = [cache.key(f, max_bytes) for f in files] if stored else [None] * len(files)
    fresh = (engine or Engine()).run([f for f, k in zip(files, keys) if k is None or k not in stored], max_bytes,
                                     pack=cache is not None)
    bar = _progress_bar(len(files)) if progress else None
    if bar is not None:
        warn = _above(bar, warn)
    seen_ids: dict[str, str] = {}
    try:
        for path, key in zip(files, keys):
            if key is not None and key in stored:
                report = cache.get(key, path)
                # A damaged entry was reported by the cache; extract the report here instead.
                outcome = Outcome(path, report) if report is not None else extract_one(path, max_bytes)
                if report is None and outcome.report is not None:
                    cache.put(key, outcome.report)
            else:
                outcome = next(fresh)
                if outcome.packed is not None:
                    outcome = Outcome(outcome.path, report=unpack_report(outcome.packed), packed=outcome.packed)
                if cache is not None and outcome.report is not None:
                    cache.put(key or cache.key_of(path, outcome.report), outcome.report, outcome.packed)
            if bar is not None:
                bar.update(1)
            report = outcome.report
            if report is None:
                stats.skip(outcome.reason or "error", path)
                warn(outcome.message or f"{path}: skipped")
                continue
            if report.doc_id in seen_ids:
                msg = (f"{path}: skipped, its doc_id {report.doc_id!r} is already taken by {seen_ids[report.doc_id]}; "
                       "rename one of the files")
                stats.skip("duplicate doc_id", path)
                warn(msg)
                continue
            seen_ids[report.doc_id] = path
            stats.read += 1
            for w in report.warnings:
                w = w if w.startswith(path) else f"{path}: {w}"
                stats.warnings.append(w)
                warn(w)
            yield report
    finally:
        if cache is not None:
            stats.cached, stats.extracted = cache.hits, cache.misses
            cache.commit()
        else:
            stats.extracted = stats.read
        if bar is not None:
            bar.close()


def graph_files(formats: Collection[str] | None) -> dict[str, str]:
    """The graph files to write, --formats name -> file name: every one for None or "all"; KgError naming the
    unknown ones otherwise."""
    from .export import FORMATS

    if formats is None or "all" in formats:
        return dict(FORMATS)
    unknown = sorted(set(formats) - FORMATS.keys())
    if unknown or not formats:
        raise KgError(E_FORMATS.format(formats=",".join(formats), unknown=", ".join(unknown) or "(none given)",
                                       known=", ".join(FORMATS)))
    return {name: path for name, path in FORMATS.items() if name in formats}


def _progress_bar(total: int):
    """A progress bar on stderr when it is a terminal, else None."""
    import sys

    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked only from a single-threaded driver
    return tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True, leave=False)


def _above(bar, warn: Warn) -> Warn:
    """``warn`` printing above the progress bar rather than through it."""
    def w(msg: str) -> None:
        bar.clear()
        warn(msg)
        bar.refresh()
    return w


def report_lines(reports: Iterable[Report], *, with_text: bool = False) -> Iterator[str]:
    """One JSON line per report, keys in a stable order."""
    for r in reports:
        yield json.dumps(r.to_json(with_text=with_text), ensure_ascii=False, sort_keys=False)


def _lines(lines: Iterable[str]) -> Iterator[str]:
    """``"\\n".join(lines) + "\\n"`` in pieces."""
    sep = ""
    for line in lines:
        yield sep + line
        sep = "\n"
    yield "\n"


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


def _without_gc(fn):
    """``fn`` run with the cyclic garbage collector paused, then restored as it was.

    A build holds millions of long-lived objects (records, graph attributes, triples) and makes
    little cyclic garbage; every full collection would walk all of them again, which made graph
    assembly's cost per report grow with the corpus.
    """
    @wraps(fn)
    def run(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return run


@_without_gc
def build(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, *, base_iri: str | None = None,
          warn: Warn = lambda m: None, max_bytes: int | None = MAX_REPORT_BYTES, jobs: int | None = None,
          engine: str = "local", scheduler=None, cache: bool = True, progress: bool = False,
          validate: bool = True, formats: Collection[str] | None = None) -> RunStats:
    """Build the graph of every report under ``paths`` into ``out_dir``; outputs replace old ones atomically.

    Extraction runs on ``jobs`` local processes (default: every core) or, with ``engine="dask"``,
    on the Dask cluster at ``scheduler``; resolution and everything after it run here. With
    ``cache``, reports extracted by an earlier build into the same folder are not extracted again.
    The outputs are the same whatever the engine, the number of jobs or the cache held.
    ``formats`` names the graph files to write (kg.export.FORMATS; None: all of them); the others'
    files left in ``out_dir`` by an earlier build are removed with the new outputs' arrival.
    """
    from .assemble import assemble
    from .background import FORK_MIN_REPORTS, Background, can_fork
    from .cache import ExtractCache
    from .engine import default_jobs, make_engine
    from .export import FORMATS, StagedOutputs, output_chunks, texts_by_path, write_rdf
    from .render import html_chunks, view_model
    from .resolve import resolve

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(E_OUT_NOT_DIR.format(path=out))
    chosen = graph_files(formats)
    files = set(chosen.values())
    stats = RunStats(formats=list(chosen))
    clock = partial(_timed, stats.timings)
    with make_engine(engine, jobs=jobs, scheduler=scheduler) as runner, \
            (ExtractCache(out, warn) if cache else nullcontext()) as store:
        found = extract_reports(paths, stats, warn, max_bytes=max_bytes, engine=runner, cache=store,
                                progress=progress)
        with clock("extract"):
            reports = sorted(found, key=lambda r: r.doc_id)
    if not reports:
        raise KgError(f"{', '.join(map(str, paths))}: no report could be read; see the warnings above")
    created = not out.exists()
    (out / "texts").mkdir(parents=True, exist_ok=True)
    for stale in out.rglob(".*.tmp"):  # write_atomic's temp files, left by a build that was killed
        stale.unlink(missing_ok=True)
    # Each output goes to a temp file as soon as it is made, so only one is in memory at a time; the
    # temp files replace the old outputs only once all are written, so a failure leaves the old ones whole.
    try:
        with StagedOutputs() as staged:
            # reports.jsonl and the texts need only the records: on a large corpus a forked copy of this process
            # writes them on another core while this one resolves and assembles
            alongside = None
            texts = texts_by_path(reports)
            try:
                t0 = time.perf_counter()
                alongside = Background(staged, _record_files(out, reports, texts),
                                       fork=len(reports) >= FORK_MIN_REPORTS and can_fork())
                started = time.perf_counter() - t0
                with clock("resolve"):
                    resolution = resolve(reports)
                with clock("assemble"):
                    graph = assemble(reports, resolution)
                stats.counts = count(reports, graph)
                stats.summary = resolution.summary()
                del resolution  # the graph holds what the outputs need; memory goes to the graph files
                t0 = time.perf_counter()
                alongside.join()
                stats.timings["texts"] = started + time.perf_counter() - t0
            except BaseException:
                if alongside is not None:
                    alongside.cancel()
                raise
            written = set(texts)
            del texts  # it would keep the texts alive through the HTML
            # From here on the graph files read only the texts; the records' other contents are in the graph.
            reports = [r.text_only() for r in reports]

            def other_graph_files() -> None:
                for rel, content in output_chunks(graph, reports, base_iri=base_iri, rdf=False, files=files,
                                                  texts=False):
                    staged.write(out / rel, content)
                if "graph.html" in files:
                    with clock("html"):
                        _release_freed_memory()
                        # the view model is not kept here: html_chunks() lets it go before encoding the page's data
                        staged.write(out / "graph.html", html_chunks(view_model(graph)))

            with clock("graph files"):
                # graph.ttl and graph.jsonld in one pass, a section at a time, with the SHACL check; on a large
                # graph another process renders reports' sections while this one writes the other files
                checked = write_rdf(staged, out, graph, reports, base_iri=base_iri, validate=validate, files=files,
                                    meanwhile=other_graph_files, split=(jobs or default_jobs()) > 1)
            stats.timings["graph files"] -= stats.timings.get("html", 0.0)  # a stage of its own in the timings
            del reports
            if checked is not None:
                stats.timings["validate"] = checked.seconds
                stats.validation = checked.to_json()
                for w in checked.warnings():
                    stats.warnings.append(w)
                    warn(w)
            staged.write(out / "build-report.json",
                         json.dumps(stats.to_json(), ensure_ascii=False, indent=1) + "\n")
            with clock("write"):
                # an earlier build's file of a format not written now would describe another graph, and its text of a
                # report no longer read would be in no graph
                staged.commit(remove=[*(out / name for name in sorted(set(FORMATS.values()) - files)),
                                      *_stale_texts(out, written)])
    except BaseException:
        if created:  # leave no empty output folder behind either
            for folder in (out / "texts", out):
                try:
                    folder.rmdir()
                except OSError:
                    pass
        raise
    return stats


def _record_files(out: Path, reports: list[Report],
                  texts: dict[str, str]) -> list[tuple[Path, Callable[[], object]]]:
    """reports.jsonl and texts/ (kg.export.text_files; ``texts`` holds each report's text by its path there): the
    outputs made from the records alone, each with the function making its content."""
    from .export import text_sums

    files: list[tuple[Path, Callable[[], object]]] = [
        (out / "reports.jsonl", lambda: _lines(report_lines(reports, with_text=True)))]
    files += [(out / rel, partial(texts.__getitem__, rel)) for rel in sorted(texts)]
    files.append((out / "texts" / "SHA256SUMS", lambda: text_sums(texts)))
    return files


def _stale_texts(out: Path, written: Collection[str]) -> list[Path]:
    """The report texts in ``out``/texts that this build did not write: an earlier build's, of reports since
    removed or renamed."""
    folder = out / "texts"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.txt") if f"texts/{p.name}" not in written)


def _release_freed_memory() -> None:
    """Hand memory freed by the records and the other graph files back to the system before the HTML.

    CPython returns freed blocks to the C allocator, which keeps them mapped; glibc's malloc_trim
    unmaps its free pages, so the page's allocations do not stack on top of them. Elsewhere a no-op.
    """
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)  # the C library this process runs on
    except (OSError, AttributeError):
        pass


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    """Add the block's wall time to ``timings[stage]``."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0
