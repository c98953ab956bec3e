"""Fuzz load, normalize and extract at volume with generated and mutated report-like inputs.

Runs the properties of tests/test_properties.py (and decode's contract) over N inputs made by
a seeded generator: sentences in the style of the seeds, pieces of the seed reports, pinyin
annotations, traditional characters, garble, markup, then random character and byte mutations.
Prints the inputs tried per target and the crashes found; each distinct crash is saved with its
input under --crashes so that it can be replayed with --replay FILE.

    .venv/bin/python bench/fuzz.py                 # 100,000 inputs on every core
    .venv/bin/python bench/fuzz.py -n 2000 --jobs 1
    .venv/bin/python bench/fuzz.py --replay fuzz-crashes/extract-AssertionError-1a2b3c4d.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import test_properties as props  # noqa: E402  the properties under test, shared with the suite

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16-le", "utf-16-be", "utf-16"]
MARKUP = ["<p>", "</p>", "<div class='content'>", "</div>", "<br>", "<script>", "</script>", "<style>",
          "<nav>", "</nav>", "<article>", "<!--", "-->", "&amp;", "&#x4f1a;", "&nbsp;", "<title>", "</title>",
          "<html>", "<body>", "<table><tr><td>", "<a href='x'>", "</a>", "<", ">", "<![CDATA["]


# ---------------------------------------------------------------- generating inputs


def _name(rng: random.Random) -> str:
    return rng.choice(props.SURNAMES) + "".join(rng.choices(props.GIVEN, k=rng.randint(1, 2)))


def _date(rng: random.Random) -> str:
    year = rng.choice(["", "2023年", "2022年", "二〇二三年"])
    return f"{year}{rng.randint(0, 14)}月{rng.randint(0, 33)}日{rng.choice(['', '上午', '下午'])}"


def _sentence(rng: random.Random) -> str:
    others = [_name(rng) for _ in range(rng.choice([0, 1, 3, 6, 20]))]
    return props._sentence(_date(rng), rng.choice(props.ZONES), rng.choice(props.MEETINGS), rng.choice(props.TITLES),
                           _name(rng), others, rng.choice(props.VERBS), rng.choice(props.PHRASES))


def _seed_slice(rng: random.Random) -> str:
    text = rng.choice(SEED_TEXTS)
    start = rng.randrange(len(text))
    return text[start:start + rng.randint(1, 300)]


def _piece(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return _sentence(rng)
    if kind < 0.4:
        return _seed_slice(rng)
    pool = rng.choice([props.PUNCT, props.PINYIN, props.TRADITIONAL, props.ODD, props.TITLES, props.VERBS,
                       props.ZONES, props.PHRASES])
    if kind < 0.9:
        return rng.choice(pool)
    if kind < 0.95:
        return _name(rng) if rng.random() < 0.5 else _date(rng)
    return "".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0x4e00, 0x9fff), rng.randint(0xa0, 0x2fff),
                                   rng.randint(0x10000, 0x2ffff)])) for _ in range(rng.randint(1, 4)))


def _mutate_text(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.choice([0, 0, 1, 2, 5])):
        op = rng.random()
        at = rng.randint(0, len(chars))
        if op < 0.3 and chars:
            del chars[min(at, len(chars) - 1)]
        elif op < 0.6:
            chars.insert(at, _piece(rng) if rng.random() < 0.3 else rng.choice("?()（）「」“”\n 　、。會(huì)"))
        elif chars:
            chars[min(at, len(chars) - 1)] = rng.choice(props.TRADITIONAL + list("?)(ǎī"))
    return "".join(chars)


def make_text(rng: random.Random) -> str:
    text = "".join(_piece(rng) for _ in range(rng.randint(1, 6)))
    return _mutate_text(rng, text)


def make_bytes(rng: random.Random, text: str) -> bytes:
    if rng.random() < 0.3:
        text = "".join(rng.choice(MARKUP) if rng.random() < 0.15 else ch for ch in text)
    data = bytearray(text.encode(rng.choice(ENCODINGS), "ignore"))
    for _ in range(rng.choice([0, 0, 1, 3, 10])):
        op = rng.random()
        at = rng.randint(0, len(data))
        if op < 0.3:
            data.insert(at, rng.randrange(256))
        elif op < 0.5 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op < 0.7 and data:
            del data[min(at, len(data) - 1)]
        elif op < 0.8:
            del data[at:]  # truncated
        else:
            data[at:at] = rng.choice(["会议".encode("gbk"), "會議".encode("big5"), b"\x00", b"\r", b"\xef\xbb\xbf"])
    return bytes(data)


# ---------------------------------------------------------------- the properties per target


def check_decode(data: bytes) -> None:
    """decode returns clean text or raises UnicodeDecodeError; the HTML reducer never raises."""
    from kg.load import decode, html_to_text, looks_binary

    looks_binary(data)
    try:
        text, encoding, notes = decode(data)
    except UnicodeDecodeError:
        return
    assert "\r" not in text and not text.startswith("\ufeff") and encoding
    reduced = html_to_text(text)
    assert "\n\n" not in reduced and reduced == reduced.strip()


TARGETS = {
    "decode": lambda case: check_decode(bytes.fromhex(case["bytes"])),
    "normalize": lambda case: props.check_normalize(case["text"]),
    "extract": lambda case: props.check_extract(case["text"]),
}


def make_case(seed: int, index: int) -> dict:
    rng = random.Random(f"{seed}:{index}")
    text = make_text(rng)
    return {"seed": seed, "index": index, "text": text, "bytes": make_bytes(rng, text).hex()}


def run_case(case: dict, targets: list[str]) -> list[dict]:
    """Run the targets on one input; one crash record per target that raised."""
    crashes = []
    for target in targets:
        try:
            TARGETS[target](case)
        except Exception as exc:  # noqa: BLE001 - every exception is a finding
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            crashes.append({"target": target, "error": f"{type(exc).__name__}: {exc}"[:300], "where": where,
                            "traceback": traceback.format_exc(limit=-6), "case": case})
    return crashes


def _work(args: tuple[int, int, int, list[str]]) -> tuple[int, list[dict]]:
    seed, start, stop, targets = args
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    crashes = []
    for i in range(start, stop):
        crashes.extend(run_case(make_case(seed, i), targets))
    return stop - start, crashes


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", "--count", type=int, default=100_000, help="inputs to generate (default 100,000)")
    p.add_argument("--seed", type=int, default=1, help="generator seed; the same seed gives the same inputs")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.add_argument("--targets", default="decode,normalize,extract", help="comma-separated: decode, normalize, extract")
    p.add_argument("--crashes", default="fuzz-crashes", help="folder for the inputs that crashed")
    p.add_argument("--replay", metavar="FILE", help="re-run one saved crash and show its traceback")
    args = p.parse_args(argv)

    if args.replay:
        record = json.loads(Path(args.replay).read_text(encoding="utf-8"))
        found = run_case(record["case"], [record["target"]])
        print(found[0]["traceback"] if found else "no crash: fixed")
        return 1 if found else 0

    targets = [t for t in args.targets.split(",") if t]
    chunk = 250
    tasks = [(args.seed, i, min(i + chunk, args.count), targets) for i in range(0, args.count, chunk)]
    started = time.perf_counter()
    tried, crashes = 0, []
    with multiprocessing.Pool(args.jobs) as pool:
        for done, found in pool.imap_unordered(_work, tasks):
            tried += done
            crashes.extend(found)
            if tried % 10_000 < chunk:
                print(f"  {tried:,} inputs, {len(crashes)} crashes, {time.perf_counter() - started:.0f} s", flush=True)
    seconds = time.perf_counter() - started

    distinct: dict[tuple[str, str, str], dict] = {}
    for c in sorted(crashes, key=lambda c: (len(c["case"]["text"]), c["case"]["index"])):
        distinct.setdefault((c["target"], c["error"].split(":")[0], c["where"]), c)
    lengths = [len(make_case(args.seed, i)["text"]) for i in range(0, args.count, max(1, args.count // 1000))]
    print(f"inputs tried: {tried:,} (seed {args.seed}), each through: {', '.join(targets)}")
    print(f"input length: median {sorted(lengths)[len(lengths) // 2]} chars, max {max(lengths)}")
    print(f"time: {seconds:.1f} s, {tried / seconds:,.0f} inputs/s on {args.jobs} processes")
    by_target = Counter(c["target"] for c in crashes)
    print(f"crashes found: {len(crashes)} ({', '.join(f'{t} {by_target[t]}' for t in targets)}); "
          f"distinct: {len(distinct)}")
    if distinct:
        folder = Path(args.crashes)
        folder.mkdir(parents=True, exist_ok=True)
        for (target, kind, where), c in distinct.items():
            digest = hashlib.sha1(f"{target}{kind}{where}".encode()).hexdigest()[:8]
            path = folder / f"{target}-{kind}-{digest}.json"
            path.write_text(json.dumps(c, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"  {target} at {where}: {c['error'][:120]}  input {c['case']['text'][:60]!r}  -> {path}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
