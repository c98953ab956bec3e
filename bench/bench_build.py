"""Benchmark a whole build on a synthetic corpus: reports/s, seconds per stage, peak memory, and a floor.

    python bench/bench_build.py                       # 1,000 reports, every core
    python bench/bench_build.py --sizes 1000,10000    # cost per report as the corpus grows
    python bench/bench_build.py --sizes 1000,10000,100000 --stages extract

The floor is reading the same files plus one regex pass over them: no build can beat it, and
the ratio to it says how much of a build is our own work. Each build runs in a fresh process
so that its peak RSS is its own (workers' peaks are printed separately). Corpora are generated
by bench/synth.py into --workdir and reused when already there.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

FLOOR_RE = re.compile(r"主持|出席|列席|强调|要求|指出|讲话|会议|书记|[区县市]长")


def corpus(workdir: Path, n: int, seed: int) -> Path:
    """The folder of the first ``n`` synthetic reports, generated unless already complete."""
    folder = workdir / f"corpus-{seed}-{n}"
    marker = folder / ".complete"
    if not marker.exists():
        t0 = time.perf_counter()
        synth.write_corpus(folder, n, seed)
        marker.write_text("", encoding="utf-8")
        print(f"generated {n} reports in {time.perf_counter() - t0:.1f} s -> {folder}", file=sys.stderr)
    return folder


def floor(folder: Path) -> tuple[int, float, float]:
    """How many reports, and the wall and CPU seconds to read every one and run one regex over it."""
    paths = sorted(folder.glob("*.txt"))
    t0, c0 = time.perf_counter(), time.process_time()
    hits = 0
    for p in paths:
        hits += sum(1 for _ in FLOOR_RE.finditer(p.read_bytes().decode("utf-8")))
    return len(paths), time.perf_counter() - t0, time.process_time() - c0


def stage_sample(folder: Path, limit: int) -> dict[str, float]:
    """Serial seconds per report for load, normalize and extract, by script, over up to ``limit`` reports."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    from kg.extract import extract
    from kg.load import load
    from kg.normalize import normalize

    paths = sorted(folder.glob("*.txt"))[:limit]
    # Load every lazily loaded table (jieba's dictionary, OpenCC) before timing.
    warm = load(paths[0])
    extract(warm, normalize(warm.text))
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    clock = time.process_time  # CPU time: other processes on the machine do not inflate it
    for p in paths:
        t0 = clock()
        doc = load(p)
        t1 = clock()
        norm = normalize(doc.text)
        t2 = clock()
        extract(doc, norm)
        t3 = clock()
        for key, dt in (("load", t1 - t0), ("normalize", t2 - t1), (f"extract {norm.script}", t3 - t2),
                        (f"all three {norm.script}", t3 - t0)):
            totals[key] = totals.get(key, 0.0) + dt
            counts[key] = counts.get(key, 0) + 1
    return {k: totals[k] / counts[k] for k in totals} | {f"n {k}": counts[k] for k in counts}


def child_build(folder: str, out: str, jobs: int, stages: str, cache: bool, check: bool, formats: str) -> None:
    """Run one build, or its first stages only, in this process and print its figures as JSON.

    With ``cache`` the build keeps its extraction cache as ``kg build`` does, starting empty, so
    every report is still extracted and the cost of storing them is counted.
    """
    from kg.pipeline import RunStats, build, count, extract_reports

    peak = _RssPeak()
    t0 = time.perf_counter()
    if stages == "all":
        import shutil

        shutil.rmtree(Path(out) / ".cache", ignore_errors=True)
        stats = build([folder], out, jobs=jobs, cache=cache, formats=formats.split(","))
    else:
        from kg.engine import make_engine

        stats = RunStats()
        with make_engine(jobs=jobs) as engine:
            reports = sorted(extract_reports([folder], stats, lambda m: None, engine=engine), key=lambda r: r.doc_id)
        stats.timings["extract"] = time.perf_counter() - t0
        stats.counts = {"reports": len(reports)}
        if stages == "graph":
            # Resolution, assembly and the HTML view: the steps after extraction that are not file
            # export; with the garbage collector paused, as kg.pipeline.build runs them.
            import gc

            gc.disable()
            from kg.assemble import assemble
            from kg.render import render_html, view_model
            from kg.resolve import resolve

            t = time.perf_counter()
            resolution = resolve(reports)
            stats.timings["resolve"] = time.perf_counter() - t
            t = time.perf_counter()
            graph = assemble(reports, resolution)
            stats.timings["assemble"] = time.perf_counter() - t
            t = time.perf_counter()
            render_html(view_model(graph))
            stats.timings["html"] = time.perf_counter() - t
            stats.counts = count(reports, graph)
    wall = time.perf_counter() - t0
    peak.stop()
    figures = {
        "wall": wall, "timings": stats.timings, "counts": stats.counts,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": peak.worker / 2**20, "total_rss_mb": peak.total / 2**20,
        "cpu": sum(os.times()[:2]) + sum(peak.cpu.values()),
    }
    # taken after the figures: parsing the outputs back is not part of the build
    figures["validate"] = _validate(Path(out)) if stages == "all" and check else {}
    print(json.dumps(figures))


class _RssPeak:
    """Samples, every 0.2 s, the RSS and CPU time of this process's descendants (the extraction workers)
    and the memory of all of them together (the sum of proportional set sizes)."""

    def __init__(self) -> None:
        import threading

        self.worker = self.total = 0
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds, last seen
        self.running = True
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()

        def pss(process) -> int:
            # proportional set size: a page shared by forked processes counts once in the sum
            try:
                return process.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                return process.memory_info().rss

        def sample() -> None:
            while self.running:
                rss, shares = [], []
                for child in me.children(recursive=True):
                    try:
                        rss.append(child.memory_info().rss)
                        shares.append(pss(child))
                        t = child.cpu_times()
                        self.cpu[child.pid] = t.user + t.system
                    except psutil.Error:
                        pass
                self.worker = max([self.worker] + rss)
                self.total = max(self.total, pss(me) + sum(shares))
                time.sleep(0.2)

        self.thread = threading.Thread(target=sample, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.running = False
        if getattr(self, "thread", None) is not None:
            self.thread.join()


def _validate(out: Path) -> dict[str, float]:
    """Parse the outputs back, those the build wrote: graph.ttl with Oxigraph, graph.json with json."""
    import pyoxigraph

    t0 = time.perf_counter()
    triples = 0
    if (out / "graph.ttl").exists():
        store = pyoxigraph.Store()
        with open(out / "graph.ttl", "rb") as f:
            store.bulk_load(f, pyoxigraph.RdfFormat.TURTLE)
        triples = len(store)
    if (out / "graph.json").exists():
        with open(out / "graph.json", "rb") as f:
            json.load(f)
    return {"seconds": time.perf_counter() - t0, "triples": triples}


def run_build(folder: Path, out: Path, jobs: int, stages: str, cache: bool, check: bool, formats: str) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder), str(out), str(jobs), "--stages", stages,
           "--formats", formats,
           *([] if cache else ["--no-cache"]), *(["--check"] if check else [])]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"build failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: every core)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/kg-bench", help="where corpora and outputs go")
    p.add_argument("--sample", type=int, default=1000, help="reports timed stage by stage, serially")
    p.add_argument("--stages", choices=("all", "graph", "extract"), default="all",
                   help="all: a whole build; graph: extract, resolve, assemble and the HTML view, no files; "
                        "extract: extraction alone (for very large corpora)")
    p.add_argument("--no-cache", action="store_true",
                   help="build without the extraction cache (kg build --no-cache); by default it is kept, starting empty")
    p.add_argument("--formats", default="ttl,json,html",
                   help="graph files a whole build writes, as kg build --formats takes them (default: ttl,json,html, "
                        "the build the 30 s target is set for; all: every format)")
    p.add_argument("--check", action="store_true",
                   help="after each whole build, parse graph.ttl back with Oxigraph and graph.json with json "
                        "(about 8 s per million triples; not counted in the build's figures)")
    p.add_argument("--child", nargs=3, metavar=("CORPUS", "OUT", "JOBS"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child_build(args.child[0], args.child[1], int(args.child[2]), args.stages, not args.no_cache, args.check,
                    args.formats)
        return 0

    workdir = Path(args.workdir)
    sizes = [int(s) for s in args.sizes.split(",")]
    per_report: dict[int, float] = {}
    builds: dict[int, dict] = {}
    sample: dict[str, float] = {}
    for n in sizes:
        folder = corpus(workdir, n, args.seed)
        print(f"\n== {n} reports, {args.jobs} jobs, stages: {args.stages}, cache: {'off' if args.no_cache else 'on'}"
              + (f", formats: {args.formats}" if args.stages == "all" else ""))
        count, floor_s, floor_cpu = floor(folder)
        print(f"floor (read + one regex pass): {floor_s:.2f} s, {count / floor_s:,.0f} reports/s; "
              f"CPU {floor_cpu:.2f} s, {floor_cpu / count * 1000:.3f} ms per report")
        if n == sizes[0] and args.sample:
            sample = stage_sample(folder, args.sample)
            print("serial, CPU time per report:")
            for key in sorted(k for k in sample if not k.startswith(("n ", "all three"))):
                ms = sample[key] * 1000
                print(f"  {key:<22} {ms:7.2f} ms  ({1 / sample[key]:,.0f} reports/s per core, n={sample['n ' + key]})")
            for key in sorted(k for k in sample if k.startswith("all three")):
                script = key.removeprefix("all three ")
                print(f"  all three, {script:<11} {sample[key] * 1000:7.2f} ms  ({1 / sample[key]:,.0f} reports/s per core)")
        fig = builds[n] = run_build(folder, workdir / f"out-{args.seed}-{n}", args.jobs, args.stages,
                                       not args.no_cache, args.check, args.formats)
        wall = fig["wall"]
        per_report[n] = fig["cpu"] / n
        print(f"{'build' if args.stages == 'all' else args.stages}: {wall:.2f} s, {n / wall:,.0f} reports/s, "
              f"{wall / n * 1000:.2f} ms per report; {wall / floor_s:.0f}x the floor")
        print(f"  CPU {fig['cpu']:.1f} s in all processes, {fig['cpu'] / n * 1000:.2f} ms per report, "
              f"{fig['cpu'] / floor_cpu:.0f}x the floor's CPU")
        for stage, sec in fig["timings"].items():
            print(f"  {stage:<10} {sec:8.2f} s  {sec / wall:6.1%}")
        if fig["validate"]:
            v = fig["validate"]
            print(f"  validate   {v['seconds']:8.2f} s  (graph.ttl parsed back: {v['triples']:,} triples)")
        print(f"peak RSS: build process {fig['rss_mb']:,.0f} MB, largest worker {fig['worker_rss_mb']:,.0f} MB; "
              f"all processes together {fig['total_rss_mb']:,.0f} MB (sum of PSS, sampled; needs psutil)")
        c = fig["counts"]
        print("counts: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    if len(sizes) > 1:
        base = per_report[sizes[0]]
        print("\nCPU time per report relative to the smallest corpus: "
              + ", ".join(f"{n}: {per_report[n] / base:.2f}" for n in sizes))
    print_targets(sample, builds, per_report, args.stages, args.formats)
    return 0


def print_targets(sample: dict[str, float], builds: dict[int, dict], per_report: dict[int, float],
                  stages: str, formats: str) -> None:
    """Each target of a 2-core machine that this run measured, with the figure and whether it is met."""
    rows = []
    if "all three simplified" in sample:
        rate = 1 / sample["all three simplified"]
        rows.append(("load + normalize + extract, simplified, per core", f"{rate:,.0f} reports/s", ">= 1,000",
                     rate >= 1000))
    for n, fig in sorted(builds.items()):
        if stages == "all" and n >= 10_000:
            per_10k = fig["wall"] / n * 10_000
            rows.append((f"whole build ({formats}), {n:,} reports, per 10,000", f"{per_10k:.1f} s", "<= 30 s",
                         per_10k <= 30))
            peak = max(fig["rss_mb"], fig["total_rss_mb"])
            rows.append((f"peak memory, {n:,} reports, all processes", f"{peak:,.0f} MB", "<= 1,500 MB",
                         peak <= 1500))
    if len(per_report) > 1:
        small, large = min(per_report), max(per_report)
        ratio = per_report[large] / per_report[small]
        rows.append((f"CPU per report, {large:,} vs {small:,} reports", f"{ratio:.2f}", "<= 1.3", ratio <= 1.3))
    if rows:
        print("\ntargets:")
        for what, value, target, met in rows:
            print(f"  {what:<50} {value:>14}  ({target}) {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    sys.exit(main())
