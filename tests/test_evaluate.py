"""kg eval agrees with the reference scorer and names what was missed."""
import json
import subprocess
import sys

from kg.evaluate import evaluate, item_sets, load_gold, prf
from kg.pipeline import RunStats, extract_reports

from helpers import DEV, SCORER, SEEDS, SEEDS_GOLD, need


def _extract(path):
    return [r.to_json() for r in extract_reports([path], RunStats(), lambda m: None)]


def _scorer_totals(gold_dir, preds, tmp_path):
    pred_file = tmp_path / "p.jsonl"
    pred_file.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in preds) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(need(SCORER)), str(gold_dir), str(pred_file), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["total"]


def test_evaluate_matches_scorer_on_seeds(tmp_path):
    preds = _extract(SEEDS)
    ev = evaluate(load_gold(need(SEEDS_GOLD)), preds)
    ref = _scorer_totals(SEEDS_GOLD, preds, tmp_path)
    ours = ev.scores()
    for k in ("persons", "titles", "roles", "roles_nodate", "dates"):
        assert (ours[k]["tp"], ours[k]["fp"], ours[k]["fn"]) == (ref[k]["tp"], ref[k]["fp"], ref[k]["fn"]), k
    assert abs(ours["directives"]["R"] - ref["directives_recall"]) < 1e-9


def test_evaluate_matches_scorer_on_dev(tmp_path):
    preds = _extract(need(DEV))
    ev = evaluate(load_gold(DEV), preds)
    ref = _scorer_totals(DEV, preds, tmp_path)
    for k in ("persons", "titles", "roles", "dates"):
        assert ev.scores()[k]["F1"] == ref[k]["F1"], k


def test_evaluate_lists_missed_and_extra_items():
    gold = {"r1": {"doc_id": "r1", "persons": [{"name": "杨博", "titles": ["区党工委书记"]}],
                   "meetings": [{"date": "2022-10-26", "chairs": ["刘建中"], "speakers": [], "attendees": []}]}}
    pred = [{"doc_id": "r1", "persons": [{"name": "杨博", "titles": []}, {"name": "杨博出"}],
             "meetings": [{"date": "XXXX-10-26", "chairs": ["刘建中"], "speakers": [], "attendees": []}]}]
    ev = evaluate(gold, pred)
    row = ev.per_report["r1"]
    assert row["titles"]["missed"] == [("杨博", "区党工委书记")]
    assert row["persons"]["extra"] == ["杨博出"]
    assert row["roles"]["missed"] == []  # roles compare month and day only, as the scorer does
    assert row["dates"]["missed"] == ["2022-10-26"] and row["dates"]["extra"] == ["XXXX-10-26"]
    text = "\n".join(ev.lines())
    assert "titles      missed 杨博 区党工委书记" in text


def test_prf_edge_cases():
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 1, 1) == (0.0, 0.0, 0.0)
    assert prf(1, 1, 0) == (0.5, 1.0, 2 / 3)


def test_item_sets_reads_gold_and_predictions_alike():
    s = item_sets({"persons": ["张三", {"name": "李四", "titles": ["县长"]}],
                   "meetings": [{"date": None, "attendees": ["张三"]}]})
    assert s["persons"] == {"张三", "李四"} and s["titles"] == {("李四", "县长")}
    assert s["roles"] == {(None, "attendees", "张三")} and not s["dates"]


def _kinds(gold, pred):
    ev = evaluate({"r1": {"doc_id": "r1", **gold}}, [{"doc_id": "r1", **pred}])
    return sorted((kind, f"{doc}: {item}") for kind, doc, item in ev.errors)


def test_evaluate_kinds_names():
    meeting = {"date": "2023-05-06", "chairs": [], "speakers": [], "attendees": ["王珏", "张三", "李四"]}
    gold = {"persons": [{"name": n, "titles": []} for n in ("王珏", "张三", "李四", "何平")],
            "bylines": ["刘记"], "meetings": [meeting]}
    pred = {"persons": [{"name": n, "titles": []} for n in ("王玨", "张三", "何平作", "刘记", "周密")],
            "meetings": [{**meeting, "attendees": ["王玨", "张三"]}]}
    assert set(_kinds(gold, pred)) == {
        ("byline taken as person", "r1: 刘记"),
        ("extra name from a non-person phrase", "r1: 周密"),
        ("role lost with the person", "r1: 05-06 attendees 李四"),
        ("missed attendee in a list", "r1: 李四"),
        ("name boundary", "r1: 何平 何平作"),
        ("name variant character", "r1: 05-06 attendees 王玨"),
        ("name variant character", "r1: 05-06 attendees 王珏"),
        ("name variant character", "r1: 王珏 王玨"),
    }


def test_evaluate_kinds_titles_roles_dates_directives():
    gold = {"persons": [{"name": "许继伟", "titles": ["市委书记"]}, {"name": "郑亮", "titles": ["区发改委主任"]},
                        {"name": "周斌", "titles": []}, {"name": "甲乙", "titles": ["区领导"]},
                        {"name": "丙丁", "titles": ["区领导"]}],
            "meetings": [{"date": "2024-02-28", "chairs": ["许继伟"], "speakers": ["周斌"], "attendees": ["周斌"]},
                         {"date": "2024-03-01", "chairs": [], "speakers": [], "attendees": ["郑亮"]}],
            "directives": [{"speaker": "许继伟", "key_phrase": "要抓好落实"},
                           {"speaker": "周斌", "key_phrase": "要优化服务"}]}
    pred = {"persons": [{"name": "许继伟", "titles": ["书记"]}, {"name": "郑亮", "titles": ["区长周斌带领区发改委主任"]},
                        {"name": "周斌", "titles": []}, {"name": "甲乙", "titles": []}, {"name": "丙丁", "titles": ["区领导"]}],
            "meetings": [{"date": "XXXX-02-28", "chairs": [], "speakers": ["周斌", "许继伟"], "attendees": ["周斌"]},
                         {"date": "2024-03-02", "chairs": [], "speakers": [], "attendees": []}],
            "directives": [{"speaker": "周斌", "text": "要抓好落实,不折不扣"}]}
    kinds = _kinds(gold, pred)
    assert ("title truncated", "r1: 许继伟 市委书记 书记") in kinds
    assert ("title includes a name", "r1: 郑亮 区发改委主任 区长周斌带领区发改委主任") in kinds
    assert ("missed list-label title", "r1: 甲乙 区领导") in kinds
    assert ("wrong role", "r1: 02-28 许继伟 chairs speakers") in kinds
    assert ("missed attendee", "r1: 03-01 attendees 郑亮") in kinds
    assert ("missing year", "r1: 2024-02-28 XXXX-02-28") in kinds
    assert ("wrong day", "r1: 2024-03-01 2024-03-02") in kinds
    assert ("directive with wrong speaker", "r1: 许继伟 要抓好落实") in kinds
    assert ("missed directive", "r1: 周斌 要优化服务") in kinds


def test_evaluate_kind_lines_count_and_example():
    gold = {"persons": [{"name": "张三", "titles": []}, {"name": "李四", "titles": []}]}
    ev = evaluate({"r1": {"doc_id": "r1", **gold}}, [{"doc_id": "r1", "persons": []}])
    assert ev.kinds() == [("missed mentioned person", 2, "r1: 张三")]
    assert ev.kind_lines()[1].split() == ["2", "missed", "mentioned", "person", "e.g.", "r1:", "张三"]
    assert "error kinds:" in ev.lines(details=False)


def test_evaluate_every_kind_is_documented(tmp_path):
    from kg.evaluate import ERROR_KINDS

    preds = _extract(need(DEV))
    ev = evaluate(load_gold(DEV), preds)
    assert {k for k, _, _ in ev.errors} <= set(ERROR_KINDS)
    total = sum(ev.totals[k][1] + ev.totals[k][2] for k in ("persons", "titles", "roles", "dates"))
    total += ev.directives[1] - ev.directives[0]
    # pairs (a missed and an extra item that are one mistake) count once
    assert len(ev.errors) <= total
