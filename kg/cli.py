"""Command line: thin wrappers over the pipeline (kg extract, kg build, kg eval)."""
from __future__ import annotations

import argparse
import json
import sys
import traceback

from . import __version__
from .errors import KgError
from .pipeline import RunStats, build, extract_reports, report_lines

EXIT_OK = 0  # every report was read
EXIT_SKIPPED = 1  # outputs written, but some reports were skipped (see the warnings)
EXIT_FATAL = 2  # nothing written: bad arguments, no reports, or an output that cannot be written


def _warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Build a knowledge graph from Chinese meeting reports.")
    p.add_argument("--version", action="version", version=f"kg {__version__}")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True)

    e = sub.add_parser("extract", help="print one JSON line of extracted facts per report")
    e.add_argument("paths", nargs="+", help="report files or folders (*.txt, *.html, *.htm)")
    e.add_argument("--with-text", action="store_true", help="include the normalized text the spans refer to")
    e.add_argument("--quiet", "-q", action="store_true", help="do not print warnings")

    b = sub.add_parser("build", help="build graph.ttl, graph.html, graph.json and reports.jsonl")
    b.add_argument("paths", nargs="+", help="report files or folders (*.txt, *.html, *.htm)")
    b.add_argument("--out", "-o", default="output", help="output folder (default: output)")
    b.add_argument("--base-iri", default=None, help="base IRI for the Turtle's resources")
    b.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    v = sub.add_parser("eval", help="score extraction against gold annotations")
    v.add_argument("paths", nargs="+", help="report files or folders")
    v.add_argument("--gold", required=True, help="folder of *.gold.json annotations")
    v.add_argument("--json", action="store_true", help="print the figures and differences as JSON")
    v.add_argument("--summary", action="store_true", help="print only the figures, not each report's differences")
    return p


def _extract(args) -> int:
    stats = RunStats()
    warn = (lambda m: None) if args.quiet else _warn
    out = sys.stdout
    for line in report_lines(extract_reports(args.paths, stats, warn), with_text=args.with_text):
        out.write(line + "\n")
    out.flush()
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def _build(args) -> int:
    warn = (lambda m: None) if args.quiet else _warn
    stats = build(args.paths, args.out, base_iri=args.base_iri, warn=warn)
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
        print(f"wrote {args.out}/graph.ttl, graph.html, graph.json, reports.jsonl, build-report.json")
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def _eval(args) -> int:
    from .evaluate import evaluate, load_gold

    gold = load_gold(args.gold)
    stats = RunStats()
    preds = [r.to_json() for r in extract_reports(args.paths, stats, _warn)]
    ev = evaluate(gold, preds)
    if args.json:
        print(json.dumps({"scores": ev.scores(), "missing": ev.missing, "per_report": ev.per_report},
                         ensure_ascii=False, indent=1, default=list))
    else:
        print("\n".join(ev.lines(details=not args.summary)))
    return EXIT_SKIPPED if stats.skipped_count else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kg`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return {"extract": _extract, "build": _build, "eval": _eval}[args.command](args)
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
