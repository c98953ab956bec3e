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
