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
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, doc_id, item shown), text order

    def kinds(self) -> list[tuple[str, int, str]]:
        """Error kinds, most frequent first: (kind, count, one example "doc_id: item")."""
        counts: dict[str, int] = defaultdict(int)
        example: dict[str, str] = {}
        for kind, doc, item in self.errors:
            counts[kind] += 1
            example.setdefault(kind, f"{doc}: {item}")
        return [(k, n, example[k]) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def kind_lines(self) -> list[str]:
        """The error-kind breakdown as printable lines."""
        rows = self.kinds()
        if not rows:
            return ["error kinds: none"]
        width = max(len(k) for k, _, _ in rows)
        return ["error kinds:"] + [f"  {n:4d}  {k:{width}s}  e.g. {ex}" for k, n, ex in rows]

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        for k, (tp, fp, fn) in self.totals.items():
            p, r, f = prf(tp, fp, fn)
            out[k] = {"P": p, "R": r, "F1": f, "tp": tp, "fp": fp, "fn": fn}
        if self.directives[1]:
            out["directives"] = {"R": self.directives[0] / self.directives[1],
                                 "found": self.directives[0], "gold": self.directives[1]}
        return out

    def lines(self, *, details: bool = True, kinds: bool = True) -> list[str]:
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
        if kinds:
            out += self.kind_lines()
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


# What each kind of error means, in the order they are tried; README-level documentation of ``kg eval --kinds``.
ERROR_KINDS = {
    "name variant character": "a name differs from gold in one character (玨 for 珏): normalization",
    "name boundary": "a name found one character too long or too short (何平作 for 何平)",
    "byline taken as person": "a reporter or editor counted as a person of the report",
    "extra name from a non-person phrase": "a name that is no person of the report",
    "missed attendee in a list": "a name missed from a list whose other names were found",
    "missed participant": "a person taking a role at a meeting, not found at all",
    "missed mentioned person": "a person only mentioned, not found",
    "title includes a name": "a title that runs over another person's name",
    "title too long": "a title with extra words before it",
    "title truncated": "a title missing its organ prefix (书记 for 市委书记)",
    "title lost with the person": "titles of a person who was not found",
    "missed list-label title": "a label heading a list (区领导A、B) not given to a name",
    "missed title": "any other title not found",
    "extra title": "a title gold does not give",
    "wrong role": "the person found at the meeting with another role",
    "role on wrong meeting date": "the role found, but on a meeting of another date",
    "role lost with the person": "roles of a person who was not found",
    "missed chair": "a chair not found",
    "missed speaker": "a speaker not found",
    "missed attendee": "an attendee not found",
    "role for a non-person": "a role given to a name that is no person of the report",
    "extra chair": "a chair gold does not give",
    "extra speaker": "a speaker gold does not give",
    "extra attendee": "an attendee gold does not give",
    "missing year": "the meeting date found without its year (XXXX-)",
    "wrong year": "the meeting date found with another year",
    "wrong day": "a meeting found on another day of the same month",
    "missed meeting": "a meeting (date) not found",
    "extra meeting": "a meeting (date) gold does not have",
    "directive with wrong speaker": "an instruction point found, but given to another speaker",
    "missed directive": "an instruction point not found",
}


def _one_char_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def classify(gold: dict[str, Any], pred: dict[str, Any], row: dict[str, dict[str, list]]) -> list[tuple[str, Any]]:
    """Sort one report's missed and extra items into the kinds of ERROR_KINDS: [(kind, item)]."""
    out: list[tuple[str, Any]] = []
    gs = item_sets(gold)
    bylines = set(gold.get("bylines") or [])
    gold_names = gs["persons"]
    present_roles: dict[str, set] = defaultdict(set)
    for m in gold.get("meetings") or []:
        for role in ("chairs", "speakers", "attendees"):
            for n in m.get(role) or []:
                present_roles[n].add(role)

    missed_p, extra_p = list(row["persons"]["missed"]), list(row["persons"]["extra"])
    paired: dict[str, str] = {}  # a misspelled or mis-cut name, either form -> its kind
    for m in list(missed_p):
        partner = next((e for e in extra_p if _one_char_apart(m, e)), None)
        kind = "name variant character"
        if partner is None:
            partner = next((e for e in extra_p if m in e or e in m), None)
            kind = "name boundary"
        if partner is not None:
            out.append((kind, (m, partner)))
            paired[m] = paired[partner] = kind
            missed_p.remove(m)
            extra_p.remove(partner)
    found_names = item_sets(pred)["persons"]
    for m in missed_p:
        if "attendees" in present_roles[m] and any(
                n in found_names for mt in gold.get("meetings") or [] if m in (mt.get("attendees") or [])
                for n in mt.get("attendees") or [] if n != m):
            out.append(("missed attendee in a list", m))
        elif present_roles[m]:
            out.append(("missed participant", m))
        else:
            out.append(("missed mentioned person", m))
    for e in extra_p:
        out.append(("byline taken as person" if e in bylines else "extra name from a non-person phrase", e))

    missed_names = set(row["persons"]["missed"])
    extra_names = set(row["persons"]["extra"])
    missed_t, extra_t = list(row["titles"]["missed"]), list(row["titles"]["extra"])
    label_counts: dict[str, int] = defaultdict(int)
    for _, t in gs["titles"]:
        label_counts[t] += 1
    for item in list(missed_t):
        name, t = item
        partner = next((x for x in extra_t if x[0] == name and (x[1].endswith(t) or t.endswith(x[1]))), None)
        if partner is None:
            continue
        if t.endswith(partner[1]):
            kind = "title truncated"
        elif any(n in partner[1] for n in gold_names if n != name):
            kind = "title includes a name"
        else:
            kind = "title too long"
        out.append((kind, (name, t, partner[1])))
        missed_t.remove(item)
        extra_t.remove(partner)
    for name, t in missed_t:
        if name in paired:
            out.append((paired[name], (name, t)))
        elif name in missed_names:
            out.append(("title lost with the person", (name, t)))
        elif label_counts[t] > 1 and t.endswith(("领导", "成员", "负责人")):
            out.append(("missed list-label title", (name, t)))
        else:
            out.append(("missed title", (name, t)))
    for name, t in extra_t:
        if name in paired:
            out.append((paired[name], (name, t)))
            continue
        if name in extra_names:
            out.append(("extra name from a non-person phrase", (name, t)))
            continue
        if any(n in t for n in gold_names):
            out.append(("title includes a name", (name, t)))
        else:
            out.append(("extra title", (name, t)))

    missed_r, extra_r = list(row["roles"]["missed"]), list(row["roles"]["extra"])
    for item in list(missed_r):
        md, role, name = item
        partner = next((x for x in extra_r if x[0] == md and x[2] == name), None)
        kind = "wrong role"
        if partner is None:
            partner = next((x for x in extra_r if x[1] == role and x[2] == name), None)
            kind = "role on wrong meeting date"
        if partner is not None:
            out.append((kind, (md, name, role, partner[1] if kind == "wrong role" else partner[0])))
            missed_r.remove(item)
            extra_r.remove(partner)
    found_roles = item_sets(pred)["roles"]
    for md, role, name in missed_r:
        if name in paired:
            out.append((paired[name], (md, role, name)))
        elif name in missed_names:
            out.append(("role lost with the person", (md, role, name)))
        elif role == "attendees" and any(x[0] == md and x[1] == role for x in found_roles):
            out.append(("missed attendee in a list", (md, role, name)))
        else:
            out.append(({"chairs": "missed chair", "speakers": "missed speaker"}.get(role, "missed attendee"),
                        (md, role, name)))
    for md, role, name in extra_r:
        if name in paired:
            out.append((paired[name], (md, role, name)))
        elif name in extra_names:
            out.append(("role for a non-person", (md, role, name)))
        else:
            out.append(({"chairs": "extra chair", "speakers": "extra speaker"}.get(role, "extra attendee"),
                        (md, role, name)))

    missed_d, extra_d = list(row["dates"]["missed"]), list(row["dates"]["extra"])
    for d in list(missed_d):
        partner = next((x for x in extra_d if _month_day(x) == _month_day(d)), None)
        kind = None
        if partner is not None:
            kind = "missing year" if partner.startswith("X") else "wrong year"
        else:
            partner = next((x for x in extra_d if x[:7] == d[:7]), None)
            kind = "wrong day" if partner is not None else None
        if partner is not None:
            out.append((kind, (d, partner)))
            missed_d.remove(d)
            extra_d.remove(partner)
    out += [("missed meeting", d) for d in missed_d] + [("extra meeting", d) for d in extra_d]

    for speaker, phrase in row["directives"]["missed"]:
        elsewhere = any(phrase in (e.get("text") or "") for e in pred.get("directives") or [])
        out.append(("directive with wrong speaker" if elsewhere else "missed directive", (speaker, phrase)))
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
        ev.errors += [(kind, stem, _show(item)) for kind, item in classify(g, p, row)]
    return ev
