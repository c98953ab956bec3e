"""Score extracted reports against gold annotations: P/R/F1 per category, and what was missed or extra per report."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import E_GOLD_MISSING, InputError

CATEGORIES = ("persons", "titles", "roles", "roles_nodate", "dates")


def _month_day(date: Any) -> str | None:
    if not isinstance(date, str) or not date:
        return None
    parts = date.split("-")
    return "-".join(parts[-2:]) if len(parts) >= 2 else date


def item_sets(report: dict[str, Any]) -> dict[str, set]:
    """The scored items of one report (gold or extracted), as sets per category."""
    s: dict[str, set] = defaultdict(set)
    for p in report.get("persons") or []:
        name = p.get("name") if isinstance(p, dict) else p
        if not name:
            continue
        s["persons"].add(name)
        for t in (p.get("titles") or []) if isinstance(p, dict) else []:
            s["titles"].add((name, t))
    for m in report.get("meetings") or []:
        md = _month_day(m.get("date"))
        if m.get("date"):
            s["dates"].add(m.get("date"))
        for role in ("chairs", "speakers", "attendees"):
            for n in m.get(role) or []:
                s["roles"].add((md, role, n))
                s["roles_nodate"].add((role, n))
    return s


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; an empty side counts as perfect."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Evaluation:
    """Totals per category and the differences per report."""

    totals: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in CATEGORIES})
    directives: list[int] = field(default_factory=lambda: [0, 0])  # found, gold
    per_report: dict[str, dict[str, dict[str, list]]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        for k, (tp, fp, fn) in self.totals.items():
            p, r, f = prf(tp, fp, fn)
            out[k] = {"P": p, "R": r, "F1": f, "tp": tp, "fp": fp, "fn": fn}
        if self.directives[1]:
            out["directives"] = {"R": self.directives[0] / self.directives[1],
                                 "found": self.directives[0], "gold": self.directives[1]}
        return out

    def lines(self, *, details: bool = True) -> list[str]:
        """A printable report: the figures, then each report's missed and extra items."""
        out = []
        sc = self.scores()
        for k in CATEGORIES:
            r = sc[k]
            out.append(f"{k:13s} P={r['P']:.3f} R={r['R']:.3f} F1={r['F1']:.3f}  "
                       f"(tp={r['tp']} fp={r['fp']} fn={r['fn']})")
        if "directives" in sc:
            d = sc["directives"]
            out.append(f"directives    R={d['R']:.3f}  ({d['found']}/{d['gold']})")
        if self.missing:
            out.append("missing reports: " + " ".join(self.missing))
        if details:
            for doc_id, cats in sorted(self.per_report.items()):
                diffs = [(k, v) for k, v in cats.items() if v["missed"] or v["extra"]]
                if not diffs:
                    continue
                out.append(f"\n{doc_id}")
                for k, v in diffs:
                    for item in v["missed"]:
                        out.append(f"  {k:11s} missed {_show(item)}")
                    for item in v["extra"]:
                        out.append(f"  {k:11s} extra  {_show(item)}")
        return out


def _show(item: Any) -> str:
    if isinstance(item, tuple):
        return " ".join("-" if x is None else str(x) for x in item)
    return str(item)


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Gold annotations keyed by file stem."""
    files = sorted(Path(gold_dir).glob("*.gold.json"))
    if not files:
        raise InputError(E_GOLD_MISSING.format(path=gold_dir))
    return {f.name[: -len(".gold.json")]: json.loads(f.read_text(encoding="utf-8")) for f in files}


def evaluate(gold: dict[str, dict[str, Any]], predicted: Iterable[dict[str, Any]]) -> Evaluation:
    """Compare extracted reports (``Report.to_json()`` dicts) with gold, with the scorer's definitions."""
    preds = {str(p.get("doc_id")): p for p in predicted}
    ev = Evaluation()
    for stem, g in sorted(gold.items()):
        p = preds.get(stem) or preds.get(str(g.get("doc_id")))
        if p is None:
            ev.missing.append(stem)
            p = {}
        gs, ps = item_sets(g), item_sets(p)
        row = {}
        for k in CATEGORIES:
            tp, fp, fn = len(gs[k] & ps[k]), len(ps[k] - gs[k]), len(gs[k] - ps[k])
            t = ev.totals[k]
            t[0] += tp
            t[1] += fp
            t[2] += fn
            row[k] = {"missed": sorted(gs[k] - ps[k], key=str), "extra": sorted(ps[k] - gs[k], key=str)}
        missed_dirs = []
        for d in g.get("directives") or []:
            ev.directives[1] += 1
            if any(e.get("speaker") == d["speaker"] and d["key_phrase"] in (e.get("text") or "")
                   for e in p.get("directives") or []):
                ev.directives[0] += 1
            else:
                missed_dirs.append((d["speaker"], d["key_phrase"]))
        row["directives"] = {"missed": missed_dirs, "extra": []}
        ev.per_report[stem] = row
    return ev
