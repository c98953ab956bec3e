"""Dirty corpora through ``kg build``: every bad file is read or skipped with its reason, and the batch goes on.

One corpus holds every case below next to the seed reports; a single ``kg build`` subprocess
runs over it. Each case states its outcome: "read" (its facts are in the outputs) or the reason
it is skipped with (in a one-line warning naming the file, and in build-report.json).
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
import rdflib

from helpers import ROOT, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))
TRADITIONAL_SEED = SEED_FILES[3]  # 003: traditional characters with pinyin annotations
XSS = "<img src=x onerror=alert(1)>"
SCRIPT_BREAK = "</script><script>alert(2)</script>"

# Words of the warning that says why a file was skipped, per reason in build-report.json.
REASON_WORDS = {
    "empty": "empty",
    "binary": "binary",
    "undecodable": "encoding could not be determined",
    "too large": "limit for one report",
    "unreadable": "cannot be read",
    "not a file": "not a regular file",
    "no text": "no article text",
    "duplicate doc_id": "already taken",
}


def _seed(i: int) -> str:
    return SEED_FILES[i].read_text(encoding="utf-8")


def report(zone: str = "经开区", chair: str = "杨博", attendees: tuple[str, ...] = ("王明", "李华"),
           said: str = "认真抓好各项工作落实") -> str:
    """A short meeting report in the style of the seeds."""
    return (f"2023年10月26日上午，{zone}召开全区领导干部会议。区党工委书记{chair}主持并讲话。"
            f"区领导{'、'.join(attendees)}出席。{chair}强调，要{said}。\n")


def _big5_text() -> str:
    # Big5 has no tone-marked pinyin letters (ī, ǎ...) and lacks a few hanzi, so the Big5 copy
    # is made of the traditional seed without them; its UTF-8 twin holds exactly that text.
    return "".join(ch for ch in _seed(3) if ch.encode("big5", "ignore"))


def _mixed_lines() -> bytes:
    """Every other paragraph in GBK, the rest in UTF-8: a file pieced together from two sources."""
    out, paragraphs = [], 0
    for line in _seed(4).split("\n"):
        paragraphs += bool(line)
        out.append(line.encode("gbk" if paragraphs % 2 else "utf-8"))
    return b"\n".join(out)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", report())
    return buf.getvalue()


_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8

_PAGE = f"""<!doctype html><html><head><meta charset="utf-8"><title>经开区召开会议_新闻中心</title>
<style>.nav {{ color: red }} /* 样式里的中文不是正文 */</style>
<script>var menu = "<p>脚本里的会议召开</p>"; document.write("{SCRIPT_BREAK}");</script></head>
<body><nav class="nav"><a href="/">首页</a><a href="/a">政务公开</a><a href="/b">新闻中心</a></nav>
<header id="header">网站头部横幅文字</header>
<article class="related"><h2>相关新闻</h2><a href="/1">其他区召开会议</a></article>
<article class="content"><h1>经开区召开全区领导干部会议</h1><p>发布时间：2023-10-27</p>
<p>{report(zone="经开区", chair="陈新民", attendees=("周立", "吴强", "郑伟"))}</p></article>
<footer class="footer">版权所有 网站底部</footer>
<script>console.log("尾部脚本文字")</script></body></html>
"""

_NO_ARTICLE = """<html><head><title>x</title><script>var a = "脚本";</script></head>
<body><nav><a href="/">home</a></nav><img src="logo.png"></body></html>"""

HUNDRED = tuple(f"{s}{g}" for s in "赵钱孙李周吴郑王冯陈"
                for g in ("建国", "志强", "海波", "丽华", "文军", "红梅", "晓东", "永刚", "春生", "玉兰"))


@dataclass(frozen=True)
class Case:
    path: str  # relative to the corpus folder
    outcome: str  # "read", or the skip reason in build-report.json
    make: Callable[[Path], None]
    same_as: str | None = None  # a report whose extraction this one must equal

    @property
    def doc_id(self) -> str:
        return Path(self.path).stem


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data() if callable(data) else data)


def _text(text: str | Callable[[], str], encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda p: p.write_bytes((text() if callable(text) else text).encode(encoding))


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda p: os.symlink(target, p)


def _locked(p: Path) -> None:
    p.write_text(report(zone="锁定区", chair="林锁"), encoding="utf-8")
    p.chmod(0)


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _large(p: Path) -> None:
    # 50 MB of real report text: readable, but over the size limit.
    chunk = (_seed(1) * 64).encode("utf-8")
    with open(p, "wb") as f:
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)


# Root keeps chmod 000 files readable: there the locked file is simply read.
LOCKED_OUTCOME = "read" if os.geteuid() == 0 else "unreadable"

CASES = [
    # empty and whitespace-only
    Case("empty/zero.txt", "empty", _bytes(b"")),
    Case("empty/blank.txt", "empty", _bytes(b" \r\n\t \n\n")),
    Case("empty/ideographic-space.txt", "empty", _text("\u3000\u3000\n")),
    Case("empty/bom-only.txt", "empty", _bytes(b"\xef\xbb\xbf\r\n")),
    Case("empty/utf16-blank.txt", "empty", _text("\ufeff \n \n", "utf-16-le")),
    # binary data under a text name
    Case("binary/scan.txt", "binary", _bytes(_PDF)),
    Case("binary/photo.txt", "binary", _bytes(_PNG + bytes(range(256)))),
    Case("binary/archive.html", "binary", _bytes(_zip)),
    Case("binary/noise.txt", "binary", _bytes(lambda: random.Random(7).randbytes(4096))),
    # 0x80 and 0xFF start a character in none of UTF-8, GB18030 and Big5.
    Case("binary/undecodable.txt", "undecodable", _bytes(b"\x80\xff \xff\x80\n" * 200)),
    # truncated multibyte sequences: the rest is read, the cut character becomes U+FFFD
    Case("truncated/cut-utf8.txt", "read", _bytes(lambda: _seed(2).encode("utf-8")[:-1])),
    Case("truncated/cut-gb18030.txt", "read", _bytes(lambda: _seed(2).encode("gb18030")[:-1])),
    Case("truncated/cut-utf16.txt", "read", _bytes(lambda: _seed(2).encode("utf-16-le")[:-1])),
    # encodings: each copy must extract exactly like its UTF-8 original
    Case("enc/gb18030.txt", "read", _text(lambda: _seed(1), "gb18030"), same_as="good/001.txt"),
    Case("enc/gbk.txt", "read", _text(lambda: _seed(4), "gbk"), same_as="good/004.txt"),
    Case("enc/big5.txt", "read", _text(_big5_text, "big5"), same_as="enc/big5-utf8-twin.txt"),
    Case("enc/big5-utf8-twin.txt", "read", _text(_big5_text)),
    Case("enc/utf16le-bom.txt", "read", _text(lambda: "\ufeff" + _seed(2), "utf-16-le"), same_as="good/002.txt"),
    Case("enc/utf16le.txt", "read", _text(lambda: _seed(2), "utf-16-le"), same_as="good/002.txt"),
    Case("enc/utf16be-bom.txt", "read", _text(lambda: "\ufeff" + _seed(0), "utf-16-be"), same_as="good/000.txt"),
    Case("enc/utf16be.txt", "read", _text(lambda: _seed(0), "utf-16-be"), same_as="good/000.txt"),
    Case("enc/utf8-bom.txt", "read", _text(lambda: "\ufeff" + _seed(3)), same_as="good/003.txt"),
    Case("enc/crlf.txt", "read", _text(lambda: _seed(1).replace("\n", "\r\n")), same_as="good/001.txt"),
    Case("enc/mixed-lines.txt", "read", _bytes(_mixed_lines), same_as="good/004.txt"),
    # HTML
    Case("html/page.html", "read", _text(_PAGE)),
    Case("html/page-as-text.txt", "read", _text(_PAGE.replace("陈新民", "何文").replace("周立", "冯平"))),
    Case("html/no-article.html", "no text", _text(_NO_ARTICLE)),
    # size and kind
    Case("big/dump.txt", "too large", _large),
    # report contents
    Case("content/no-meeting.txt", "read", _text("今天天气晴朗，气温适宜。\n全区各项工作平稳有序。\n")),
    Case("content/impossible-dates.txt", "read", _text(
        "2月30日上午，高新区召开党工委会议。区党工委书记黄强主持。\n"
        "13月5日，高新区召开管委会会议，管委会主任孙明出席。\n"
        "2023年0月0日下午，高新区召开安全生产会议。\n")),
    Case("content/hundred-names.txt", "read", _text(report(zone="新区", chair="马力", attendees=HUNDRED))),
    Case("content/unbalanced.txt", "read", _text(
        "“10月8日上午，（开发区召开《工作会议。区党工委书记罗平主持【并讲话。"
        "区领导许文、(何军出席。罗平强调，要“抓好）落实》》。\n「未闭合的引号\n")),
    Case("content/long-line.txt", "read", _text("会议" * 100_000)),
    Case("content/control-chars.txt", "read", _text(report(zone="控区", chair="钟华").replace("。", "。\x0b\x0c", 2))),
    # hostile text and names: nothing may reach the HTML unescaped, break Turtle or make a bad IRI
    Case("hostile/payload.txt", "read", _text(report(
        zone="安区", chair="方正", said=f"做好{SCRIPT_BREAK}{XSS}\"三引号\"\"\"与\\反斜杠'单引号'工作"))),
    Case(f"hostile/{XSS}.txt", "read", _text(report(zone="名区", chair="白雪"))),
    Case("hostile/quote\"and'apostrophe.txt", "read", _text(report(zone="引区", chair="单引"))),
    Case("hostile/a{b}|c^d`e\\f.txt", "read", _text(report(zone="符区", chair="符号"))),
    # paths
    Case("paths/with space.txt", "read", _text(report(zone="空区", chair="宋空"))),
    Case("paths/会议报道 第1期.txt", "read", _text(report(zone="中区", chair="韩中"))),
    Case("paths/x..y/a..b.txt", "read", _text(report(zone="点区", chair="邓点"))),
    Case("paths/locked.txt", LOCKED_OUTCOME, _locked),
    Case("paths/dangling.txt", "unreadable", _symlink("no-such-file.txt")),
    # a second report with a doc_id already taken: sorted after the good one, so it is the one skipped
    Case("zz-duplicate/001.txt", "duplicate doc_id", _text(lambda: _seed(1))),
]

GOOD = [Case(f"good/{i:03d}.txt", "read", _text(lambda i=i: _seed(i))) for i in range(len(SEED_FILES))]
# Present in the corpus but never reports: the walk must neither follow them forever nor pick them up.
DECOYS = {
    "paths/loop/self": _symlink(".."),
    "paths/loop/up": _symlink("../.."),
    "paths/.hidden.txt": _text(report(zone="隐区", chair="隐者")),
    "paths/notes.md": _text(report(zone="记区", chair="记者")),
}


def _make_corpus(root: Path, cases: list[Case]) -> None:
    for case in cases:
        path = root / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        case.make(path)


def run_kg(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


@dataclass
class Build:
    root: Path
    proc: subprocess.CompletedProcess
    report: dict
    records: dict[str, dict]  # doc_id -> reports.jsonl record
    graph: dict
    turtle: str
    html: str
    good_records: dict[str, dict]  # the good reports built alone

    def warning_for(self, path: str) -> list[str]:
        name = str(Path("corpus") / path)
        return [line for line in self.proc.stderr.splitlines() if line.startswith(f"warning: {name}:")]


def _read_outputs(out: Path) -> tuple[dict, dict, dict]:
    records = {}
    for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        records[rec["doc_id"]] = rec
    report_json = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    return records, report_json, graph


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Build:
    root = tmp_path_factory.mktemp("badinput")
    corpus = root / "corpus"
    _make_corpus(corpus, CASES + GOOD)
    for rel, make in DECOYS.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        make(corpus / rel)
    proc = run_kg("build", "corpus", "--out", "out", cwd=root)
    assert (root / "out" / "build-report.json").exists(), proc.stderr
    records, report_json, graph = _read_outputs(root / "out")
    good = root / "good-only"
    _make_corpus(good, GOOD)
    alone = run_kg("build", str(good), "--out", "good-out", "--quiet", cwd=root)
    assert alone.returncode == 0, alone.stderr
    good_records, _, _ = _read_outputs(root / "good-out")
    return Build(root, proc, report_json, records, graph,
                 (root / "out" / "graph.ttl").read_text(encoding="utf-8"),
                 (root / "out" / "graph.html").read_text(encoding="utf-8"), good_records)


def _facts(record: dict) -> dict:
    """A reports.jsonl record without what depends on the file rather than its text."""
    return {k: v for k, v in record.items() if k not in ("doc_id", "path", "sha256", "warnings")}


def test_badinput_build_exits_1_with_outputs_written(built):
    assert built.proc.returncode == 1, built.proc.stderr[-2000:]
    for name in ("graph.ttl", "graph.html", "graph.json", "reports.jsonl", "build-report.json"):
        assert (built.root / "out" / name).stat().st_size > 0


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_badinput_case_outcome(built, case):
    skipped = {p: reason for reason, paths in built.report["skipped_by_reason"].items() for p in paths}
    path = str(Path("corpus") / case.path)
    warnings = built.warning_for(case.path)
    if case.outcome == "read":
        assert case.doc_id in built.records, warnings
        assert path not in skipped
        assert any(n["id"] == f"report:{case.doc_id}" for n in built.graph["nodes"])
    else:
        assert case.doc_id not in built.records or case.path.startswith("zz-duplicate/")
        assert skipped.get(path) == case.outcome
        assert len(warnings) == 1, built.proc.stderr
        assert REASON_WORDS[case.outcome] in warnings[0]


def test_badinput_build_report_is_complete_and_consistent(built):
    rep = built.report
    expected_skips: dict[str, list[str]] = {}
    for case in CASES:
        if case.outcome != "read":
            expected_skips.setdefault(case.outcome, []).append(str(Path("corpus") / case.path))
    assert rep["skipped_by_reason"] == {k: sorted(v) for k, v in sorted(expected_skips.items())}
    read = sum(c.outcome == "read" for c in CASES + GOOD)
    assert rep["reports_read"] == read == len(built.records)
    assert rep["reports_skipped"] == sum(len(v) for v in expected_skips.values())
    assert rep["reports_found"] == rep["reports_read"] + rep["reports_skipped"]
    assert rep["counts"]["reports"] == read
    # The summary printed at the end says the same as the file.
    skipped = ", ".join(f"{reason} {len(paths)}" for reason, paths in sorted(rep["skipped_by_reason"].items()))
    line = (f"reports: {rep['reports_found']} found, {rep['reports_read']} read, skipped: {skipped}; "
            f"warnings {len(rep['warnings'])}")
    assert line in built.proc.stdout.splitlines()
    # Every warning about a read report is in the file too, and each is one line naming its file.
    printed = [ln.removeprefix("warning: ") for ln in built.proc.stderr.splitlines() if ln.startswith("warning: ")]
    assert all("\n" not in w and w.startswith("corpus/") for w in rep["warnings"])
    assert set(rep["warnings"]) <= set(printed)
    skip_warnings = [w for w in printed if w not in rep["warnings"]]
    assert len(skip_warnings) == rep["reports_skipped"]


def test_badinput_decoy_paths_are_not_reports(built):
    assert built.report["reports_found"] == len(CASES) + len(GOOD)
    assert "隐者" not in json.dumps(built.records, ensure_ascii=False)
    assert "记者" not in json.dumps(built.records, ensure_ascii=False)


def test_badinput_good_reports_facts_are_all_in_the_outputs(built):
    assert set(built.good_records) == {c.doc_id for c in GOOD}
    node_ids = {n["id"] for n in built.graph["nodes"]}
    labels = {(n["type"], n.get("label")) for n in built.graph["nodes"]}
    for doc_id, alone in built.good_records.items():
        assert _facts(built.records[doc_id]) == _facts(alone), doc_id
        for i, meeting in enumerate(alone["meetings"]):
            assert f"meeting:{doc_id}#{i}" in node_ids
        for i, _ in enumerate(alone["directives"]):
            assert f"directive:{doc_id}#{i}" in node_ids
        for person in alone["persons"]:
            assert ("person", person["name"]) in labels


@pytest.mark.parametrize("case", [c for c in CASES if c.same_as], ids=lambda c: c.path)
def test_badinput_reencoded_copy_extracts_like_the_original(built, case):
    twin = next(c for c in CASES + GOOD if c.path == case.same_as)
    copy, original = built.records[case.doc_id], built.records[twin.doc_id]
    assert copy["meetings"], "the copy must have facts to compare"
    assert _facts(copy) == _facts(original)


def test_badinput_truncated_files_warn_and_keep_their_text(built):
    original = built.good_records["002"]
    for name in ("cut-utf8", "cut-gb18030", "cut-utf16"):
        rec = built.records[name]
        # The cut character becomes U+FFFD, one per byte left of it; all the rest is kept.
        kept = rec["text"].rstrip("\ufffd")
        assert kept == original["text"][:-1] and rec["text"] != kept
        assert rec["meetings"] == original["meetings"]
        assert [w for w in built.report["warnings"] if f"/{name}.txt: " in w and "undecodable bytes" in w]
    assert any("mixed-lines" in w and "mixed encodings" in w for w in built.report["warnings"])


def test_badinput_html_keeps_the_article_and_drops_the_furniture(built):
    for doc_id in ("page", "page-as-text"):
        text = built.records[doc_id]["text"]
        assert "召开全区领导干部会议" in text
        for furniture in ("样式里的中文", "脚本里的会议", "尾部脚本", "首页", "政务公开", "网站头部", "版权所有",
                          "其他区召开会议", "alert"):
            assert furniture not in text, (doc_id, furniture)
    assert "陈新民" in built.records["page"]["meetings"][0]["chairs"]


_DATE = re.compile(r"(\d{4}|XXXX)-(\d{2})-(\d{2})")


def _valid(value: str) -> bool:
    year, month, day = _DATE.fullmatch(value).groups()
    try:
        date(2000 if year == "XXXX" else int(year), int(month), int(day))  # 2000: a leap year
    except ValueError:
        return False
    return True


def test_badinput_impossible_dates_do_not_stop_the_report(built):
    rec = built.records["impossible-dates"]
    assert [m["name"] for m in rec["meetings"]][:2] == ["党工委会议", "管委会会议"]


def test_badinput_impossible_dates_are_never_output(built):
    meetings = built.records["impossible-dates"]["meetings"]
    dates = [m["date"] for m in meetings if m.get("date")]
    assert [d for d in dates if not _valid(d)] == []
    # "13月5日" is no date at all, not the 5th of March.
    assert not any(d.endswith("-03-05") for d in dates)


def test_badinput_hundred_name_list_is_read_in_full(built):
    meetings = built.records["hundred-names"]["meetings"]
    attendees = {name for m in meetings for name in m["attendees"]}
    assert len(attendees & set(HUNDRED)) >= 90


def test_badinput_payload_never_reaches_the_html_unescaped(built):
    labels = json.dumps(built.graph, ensure_ascii=False)
    assert XSS in labels  # the payload did reach the renderer (as a file name at least)
    html = built.html
    for raw in (XSS, SCRIPT_BREAK, "onerror=alert(1)>", "<script>alert(2)"):
        assert raw not in html
    # It is on the page all the same, escaped for where it stands (HTML text or a script's JSON).
    escaped = ("&lt;img src=x onerror=alert(1)&gt;", "\\u003cimg src=x onerror=alert(1)\\u003e")
    assert any(form in html for form in escaped)


def test_badinput_turtle_parses_and_literals_round_trip(built):
    g = rdflib.Graph().parse(data=built.turtle, format="turtle")
    literals = {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}
    hostile = [d["text"] for d in built.records["payload"]["directives"]]
    assert any("\\" in t and '"""' in t and XSS in t for t in hostile), hostile
    for text in hostile:
        assert text in literals
    assert XSS in literals  # the file name as the report's identifier
    assert "a{b}|c^d`e\\f" in literals


_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def test_badinput_every_iri_is_valid(built):
    import pyoxigraph

    g = rdflib.Graph().parse(data=built.turtle, format="turtle")
    iris = {str(t) for triple in g for t in triple if isinstance(t, rdflib.URIRef)}
    assert iris
    assert [iri for iri in iris if _IRI_FORBIDDEN.search(iri)] == []
    # Oxigraph validates IRIs strictly and rejects the whole file on the first bad one.
    quads = list(pyoxigraph.parse(built.turtle.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(g)


def test_badinput_fifo_named_as_a_report_is_refused_without_blocking(tmp_path):
    # The folder walk leaves FIFOs out (reading one blocks until something writes to it);
    # named explicitly, one is refused unread and the rest of the batch is built.
    _make_corpus(tmp_path / "corpus", GOOD[:1])
    _fifo(tmp_path / "corpus" / "pipe.txt")
    proc = run_kg("build", "corpus", "corpus/pipe.txt", "--out", "out", cwd=tmp_path, timeout=30)
    assert proc.returncode == 1, proc.stderr
    rep = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert rep["skipped_by_reason"] == {"not a file": ["corpus/pipe.txt"]}
    assert rep["reports_read"] == 1 and "not a regular file" in proc.stderr


def test_badinput_max_size_option_overrides_the_limit(tmp_path):
    corpus = tmp_path / "corpus"
    _make_corpus(corpus, GOOD[:2])
    small = run_kg("build", "corpus", "--out", "out", "--max-size", "0.001", cwd=tmp_path)
    assert small.returncode == 2  # every report over 1 kB: nothing could be read, nothing written
    assert "limit for one report" in small.stderr and not (tmp_path / "out").exists()
    unlimited = run_kg("build", "corpus", "--out", "out", "--max-size", "0", "-q", cwd=tmp_path)
    assert unlimited.returncode == 0, unlimited.stderr
    bad = run_kg("build", "corpus", "--out", "out", "--max-size", "lots", cwd=tmp_path)
    assert bad.returncode == 2 and "megabytes" in bad.stderr


def test_badinput_fatal_errors_write_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "blank.txt").write_text("  \n")
    cases = [("missing", "no such file"), ("empty", "no report could be read")]
    for path, words in cases:
        proc = run_kg("build", path, "--out", "out", cwd=tmp_path)
        assert proc.returncode == 2
        assert words in proc.stderr
        assert not (tmp_path / "out").exists()
    (tmp_path / "file-out").write_text("x")
    _make_corpus(tmp_path / "corpus", GOOD[:1])
    proc = run_kg("build", "corpus", "--out", "file-out", cwd=tmp_path)
    assert proc.returncode == 2 and (tmp_path / "file-out").read_text() == "x"


def test_badinput_all_good_build_exits_0(tmp_path):
    _make_corpus(tmp_path / "corpus", GOOD[:2])
    proc = run_kg("build", "corpus", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rep = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert (rep["reports_found"], rep["reports_read"], rep["reports_skipped"]) == (2, 2, 0)


def test_badinput_hundred_thousand_files_are_discovered(tmp_path):
    from kg.load import find_reports

    # Discovery only: empty files in 100 folders, plus a loop back to the top.
    names = []
    for d in range(100):
        folder = tmp_path / f"d{d:03d}"
        folder.mkdir()
        for f in range(1000):
            name = folder / f"r{f:04d}.txt"
            name.touch()
            names.append(name)
    os.symlink("..", tmp_path / "d000" / "back")
    assert find_reports(tmp_path) == sorted(names, key=str)
