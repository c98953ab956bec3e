"""Command line: thin wrappers over the pipeline (kg extract, kg build, kg eval)."""
from __future__ import annotations

import argparse
import gc
import json
import sys
import traceback

from . import __version__
from .errors import E_JOBS, E_NEED_SCHEDULER, KgError
from .export import FORMATS
from .load import MAX_REPORT_BYTES
from .pipeline import RunStats, build, extract_reports, report_lines

EXIT_OK = 0  # every report was read
EXIT_SKIPPED = 1  # outputs written, but some reports were skipped (see the warnings)
EXIT_FATAL = 2  # nothing written: bad arguments, no reports, or an output that cannot be written


def _warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)


def _megabytes(value: str) -> int | None:
    """--max-size: a size in MB; 0 means no limit."""
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of megabytes") from None
    if mb < 0 or mb != mb:
        raise argparse.ArgumentTypeError(f"{value!r}: give a size of 0 or more megabytes")
    return None if mb == 0 else int(mb * 1024 * 1024)


def _add_max_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-size", type=_megabytes, default=MAX_REPORT_BYTES, metavar="MB",
                        help=f"skip report files larger than this (default {MAX_REPORT_BYTES // 2**20}; 0: no limit)")


def _jobs(value: str) -> int:
    """--jobs: a positive number of worker processes."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(E_JOBS.format(jobs=value))
    return int(value)


def _formats(value: str) -> list[str]:
    """--formats: names split on commas; pipeline.graph_files() says which are unknown."""
    return [name.strip() for name in value.split(",") if name.strip()]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Build a knowledge graph from Chinese meeting reports.")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="print one JSON line of extracted facts per report")
    e.add_argument("paths", nargs="+", help="report files or folders (*.txt, *.html, *.htm)")
    e.add_argument("--with-text", action="store_true", help="include the normalized text the spans refer to")
    e.add_argument("--quiet", "-q", action="store_true", help="do not print warnings")
    _add_max_size(e)

    b = sub.add_parser("build", help="build graph.ttl, .jsonld, .graphml, .json, .html, persons.csv, texts/ "
                       "and reports.jsonl")
    b.add_argument("paths", nargs="+", help="report files or folders (*.txt, *.html, *.htm)")
    b.add_argument("--out", "-o", default="output", help="output folder (default: output)")
    b.add_argument("--base-iri", default=None, help="base IRI for the Turtle's resources")
    b.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    _add_max_size(b)
    b.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                   help="extract on N local processes (default: every core; 1: in this process)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="where extraction runs: local processes, or a Dask cluster (needs --scheduler)")
    b.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    b.add_argument("--no-cache", action="store_true",
                   help="extract every report again, ignoring and not updating OUT/.cache")
    b.add_argument("--no-validate", action="store_true",
                   help="skip the SHACL check of graph.ttl against ontology/shapes.ttl")
    b.add_argument("--formats", type=_formats, default=None, metavar="LIST",
                   help=f"graph files to write, comma-separated: {','.join(FORMATS)} or all (default: all); "
                   "texts/ and reports.jsonl are always written")
    b.add_argument("--timings", action="store_true",
                   help="print the seconds each stage took on stderr, with --quiet too")

    v = sub.add_parser("eval", help="score extraction against gold annotations")
    v.add_argument("paths", nargs="+", help="report files or folders")
    v.add_argument("--gold", required=True, help="folder of *.gold.json annotations")
    v.add_argument("--json", action="store_true", help="print the figures and differences as JSON")
    v.add_argument("--summary", action="store_true", help="print only the figures, not each report's differences")
    v.add_argument("--kinds", action="store_true", help="print only the error kinds, with counts and an example each")
    _add_max_size(v)

    q = sub.add_parser("sparql", help="run a read-only SPARQL query on a build folder's graph.ttl")
    q.add_argument("query", help="the query text, or a .rq file holding it (examples in queries/)")
    q.add_argument("--graph", "-g", default="output", metavar="DIR", help="build folder with graph.ttl (default: output)")
    q.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table", help="output format (default: table)")

    r = sub.add_parser("render", help="redraw a build folder's graph.json as HTML: all of it, one zone or one person")
    r.add_argument("build_dir", metavar="DIR", help="build folder with graph.json")
    r.add_argument("--zone", help="only this zone (full or short name) and those who took part in its meetings")
    r.add_argument("--person", help="only this person (Chinese or pinyin name), their meetings and co-participants")
    r.add_argument("--out", "-o", help="HTML file to write (default: DIR/graph.html)")
    r.add_argument("--png", help="also save a screenshot (needs chromium and playwright)")
    return p


def _extract(args) -> int:
    stats = RunStats()
    warn = (lambda m: None) if args.quiet else _warn
    out = sys.stdout
    reports = extract_reports(args.paths, stats, warn, max_bytes=args.max_size)
    for line in report_lines(reports, with_text=args.with_text):
        out.write(line + "\n")
    out.flush()
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def _build(args) -> int:
    warn = (lambda m: None) if args.quiet else _warn
    if args.engine == "dask" and not args.scheduler:
        raise KgError(E_NEED_SCHEDULER)
    # The process ends with the build, so the garbage collector is left off (the build pauses it anyway) and what
    # the build leaves is frozen at the end: collecting it, the graph among it, would walk every object once more
    # (seconds on a large corpus) only to free memory the exit frees anyway.
    gc.disable()
    stats = build(args.paths, args.out, base_iri=args.base_iri, warn=warn, max_bytes=args.max_size, jobs=args.jobs,
                  engine=args.engine, scheduler=args.scheduler, cache=not args.no_cache, progress=not args.quiet,
                  validate=not args.no_validate, formats=args.formats)
    if not args.quiet:
        c = stats.counts
        head = ", ".join(f"{k} {c[k]}" for k in ("reports", "meetings", "person mentions", "directives"))
        print(head)
        for line in stats.summary:
            print(line)
        nodes = ", ".join(f"{k.removesuffix(' nodes')} {v}" for k, v in sorted(c.items()) if k.endswith(" nodes"))
        edges = ", ".join(f"{k.removesuffix(' edges')} {v}" for k, v in sorted(c.items()) if k.endswith(" edges"))
        print(f"nodes: {nodes}")
        print(f"edges: {edges}")
        skipped = ", ".join(f"{reason} {len(v)}" for reason, v in sorted(stats.skipped.items())) or "none"
        print(f"reports: {stats.found} found, {stats.read} read, skipped: {skipped}; warnings {len(stats.warnings)}")
        print(f"extraction: {stats.extracted} extracted, {stats.cached} from the cache")
        if stats.validation:
            v = stats.validation
            print(f"shapes: {v['violations']} violations, {v['focus_nodes_validated']} of {v['focus_nodes_total']} "
                  f"nodes checked ({v['path']})")
        written = [FORMATS[name] for name in stats.formats if name != "html"] + ["texts/"]
        written += ["graph.html"] * ("html" in stats.formats) + ["reports.jsonl", "build-report.json"]
        print(f"wrote {args.out}/" + ", ".join(written))
    if args.timings:
        print("seconds: " + ", ".join(f"{stage} {sec:.2f}" for stage, sec in stats.timings.items()), file=sys.stderr)
    gc.freeze()
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def _eval(args) -> int:
    from .evaluate import evaluate, load_gold

    gold = load_gold(args.gold)
    stats = RunStats()
    preds = [r.to_json() for r in extract_reports(args.paths, stats, _warn, max_bytes=args.max_size)]
    ev = evaluate(gold, preds)
    if args.json:
        print(json.dumps({"scores": ev.scores(), "missing": ev.missing, "per_report": ev.per_report,
                          "kinds": [{"kind": k, "count": n, "example": e} for k, n, e in ev.kinds()]},
                         ensure_ascii=False, indent=1, default=list))
    else:
        print("\n".join(ev.kind_lines() if args.kinds else ev.lines(details=not args.summary)))
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def _sparql(args) -> int:
    from .sparql import FORMATTERS, load_store, query, read_query

    text, source = read_query(args.query)
    variables, rows = query(load_store(args.graph), text, source)
    sys.stdout.write(FORMATTERS[args.format](variables, rows))
    return EXIT_OK


def _render(args) -> int:
    from .render import render_build

    html = render_build(args.build_dir, zone=args.zone, person=args.person, out=args.out, png=args.png)
    print(f"wrote {html}" + (f" and {args.png}" if args.png else ""))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kg`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return {"extract": _extract, "build": _build, "eval": _eval, "sparql": _sparql, "render": _render}[args.command](args)
    except KgError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted; outputs already in place are untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
