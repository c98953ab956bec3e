"""The kg command on real files: extract, eval, build, and one-line errors with the right exit status."""
import json
import shutil
import subprocess
import sys

import pytest

from kg.cli import EXIT_FATAL, EXIT_OK, EXIT_SKIPPED, main

from helpers import ROOT, SEEDS, SEEDS_GOLD, need


def kg(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, encoding="utf-8")


def test_cli_extract_prints_one_json_line_per_report_with_gold_field_names():
    r = kg("extract", SEEDS)
    assert r.returncode == EXIT_OK, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["doc_id"] for o in lines] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for o in lines:
        for key in ("doc_id", "published", "zone", "meetings", "persons", "organizations",
                    "referenced_documents", "directives", "warnings"):
            assert key in o
        for m in o["meetings"]:
            assert set(m) >= {"date", "time_of_day", "name", "chairs", "speakers", "attendees"}
        for d in o["directives"]:
            assert set(d) >= {"speaker", "meeting_index", "text"}
    assert "Building prefix dict" not in r.stderr


def test_cli_extract_spans_quote_the_normalized_text():
    r = kg("extract", "--with-text", SEEDS / "000_033037928346e11e.txt")
    o = json.loads(r.stdout)
    text = o["text"]
    for d in o["directives"]:
        assert text[d["span"][0]:d["span"][1]].strip() == d["text"]
    for m in o["meetings"]:
        for p in m["participants"]:
            assert text[p["span"][0]:p["span"][1]] in (p["person"], "他", "她")


def test_cli_extract_scores_on_seeds_meet_targets(tmp_path):
    r = kg("eval", "--gold", need(SEEDS_GOLD), "--json", SEEDS)
    scores = json.loads(r.stdout)["scores"]
    assert scores["persons"]["F1"] >= 0.95
    assert scores["titles"]["F1"] >= 0.85
    assert scores["roles"]["F1"] >= 0.90
    assert scores["dates"]["F1"] == 1.0
    assert scores["directives"]["R"] >= 0.80


def test_cli_eval_prints_figures_and_differences():
    r = kg("eval", "--gold", need(SEEDS_GOLD), SEEDS)
    assert r.returncode == EXIT_OK
    assert r.stdout.splitlines()[0].startswith("persons ")
    assert "directives" in r.stdout


def test_cli_missing_path_is_one_line_error(tmp_path):
    r = kg("extract", tmp_path / "nope")
    assert r.returncode == EXIT_FATAL
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0] and "check the path" in lines[0]


def test_cli_folder_without_reports_is_one_line_error(tmp_path):
    (tmp_path / "notes.md").write_text("nothing", encoding="utf-8")
    r = kg("build", tmp_path, "--out", tmp_path / "out")
    assert r.returncode == EXIT_FATAL
    assert "no reports found" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_cli_bad_file_in_batch_is_a_warning_and_the_rest_is_extracted(tmp_path):
    shutil.copy(SEEDS / "001_b317a05d6deb3d65.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    r = kg("extract", tmp_path)
    assert r.returncode == EXIT_SKIPPED
    assert [json.loads(x)["doc_id"] for x in r.stdout.splitlines()] == ["good"]
    assert "empty.txt" in r.stderr and "scan.txt" in r.stderr


def test_cli_build_writes_outputs_and_prints_counts(tmp_path):
    out = tmp_path / "out dir"
    r = kg("build", SEEDS, "--out", out)
    assert r.returncode == EXIT_OK, r.stderr
    for name in ("graph.ttl", "graph.html", "graph.json", "reports.jsonl", "build-report.json"):
        assert (out / name).stat().st_size > 0, name
    assert r.stdout.startswith("reports 5, meetings ")
    assert "persons:" in r.stdout and "mentions ->" in r.stdout
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["reports_read"] == 5 and report["reports_skipped"] == 0


def test_cli_build_formats_writes_only_those_files_and_removes_the_others(tmp_path):
    out = tmp_path / "out"
    assert kg("build", SEEDS, "--out", out, "-q").returncode == EXIT_OK
    full = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    r = kg("build", SEEDS, "--out", out, "--formats", "ttl, json")
    assert r.returncode == EXIT_OK, r.stderr
    assert f"wrote {out}/graph.ttl, graph.json, texts/, reports.jsonl, build-report.json" in r.stdout
    now = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert sorted(now) == ["build-report.json", "graph.json", "graph.ttl", "reports.jsonl"]
    assert all(now[name] == full[name] for name in ("graph.json", "graph.ttl", "reports.jsonl"))
    assert json.loads(now["build-report.json"])["formats"] == ["ttl", "json"]
    assert len(list((out / "texts").iterdir())) == 6


def test_cli_build_timings_prints_each_stage_on_stderr_even_when_quiet(tmp_path):
    r = kg("build", SEEDS, "--out", tmp_path / "out", "-q", "--timings", "--formats", "ttl,html")
    assert r.returncode == EXIT_OK, r.stderr
    assert r.stdout == ""
    lines = [line for line in r.stderr.splitlines() if line.startswith("seconds: ")]
    assert len(lines) == 1
    stages = dict(item.rsplit(" ", 1) for item in lines[0].removeprefix("seconds: ").split(", "))
    assert list(stages)[:3] == ["extract", "resolve", "assemble"]
    assert {"graph files", "validate", "html", "write"} <= set(stages)
    assert all(float(sec) >= 0 for sec in stages.values())


def test_cli_build_again_without_a_report_removes_its_text(tmp_path):
    corpus, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(SEEDS, corpus)
    assert kg("build", corpus, "--out", out, "-q").returncode == EXIT_OK
    gone = sorted(corpus.glob("*.txt"))[0]
    assert (out / "texts" / gone.name).exists()
    gone.unlink()
    (out / "texts" / "notes.md").write_text("kept: not a report's text", encoding="utf-8")
    assert kg("build", corpus, "--out", out, "-q").returncode == EXIT_OK
    texts = sorted(p.name for p in (out / "texts").iterdir())
    assert texts == sorted([p.name for p in corpus.glob("*.txt")] + ["SHA256SUMS", "notes.md"])
    assert gone.stem not in (out / "texts" / "SHA256SUMS").read_text(encoding="utf-8")


@pytest.mark.parametrize("formats", ["ttl,svg", ","])
def test_cli_build_unknown_format_is_one_line_error_before_any_work(formats, tmp_path):
    r = kg("build", SEEDS, "--out", tmp_path / "out", "--formats", formats)
    assert r.returncode == EXIT_FATAL
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--formats" in lines[0] and "ttl, jsonld, graphml, json, csv, html" in lines[0]
    assert not (tmp_path / "out").exists()


def test_cli_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    r = kg("build", SEEDS, "--out", target)
    assert r.returncode == EXIT_FATAL and "not a directory" in r.stderr


def test_cli_main_returns_status_without_exiting(capsys):
    assert main(["extract", "--quiet", str(SEEDS / "004_5d40f7463d7e79d2.txt")]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["doc_id"] == "004_5d40f7463d7e79d2"


@pytest.mark.parametrize("argv", [["--version"], ["extract", "--help"]])
def test_cli_help_and_version(argv):
    r = kg(*argv)
    assert r.returncode == 0 and r.stdout
