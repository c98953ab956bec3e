"""Organizations, the report's zone and the titled documents (《…》) it refers to."""
from __future__ import annotations

import re
from collections import Counter

from .lexicon import CJK

ORGAN_SUFFIXES = (
    "党工委", "管委会", "人大常委会", "人民政府", "政府党组", "党组", "政府", "政协", "纪委监委", "纪委", "监委", "纪工委",
    "党委", "区委", "县委", "市委", "省委", "州委", "常委会", "办事处", "街道", "镇", "乡", "集团", "公司", "委员会",
    "办公室", "党中央", "中共中央", "国务院",
)
KIND = (("党工委", "party"), ("党委", "party"), ("区委", "party"), ("县委", "party"), ("市委", "party"),
        ("省委", "party"), ("州委", "party"), ("党组", "party"), ("党中央", "party"), ("中共中央", "party"),
        ("纪委", "discipline"), ("监委", "discipline"), ("纪工委", "discipline"),
        ("人大", "congress"), ("政协", "cppcc"), ("管委会", "committee"),
        ("政府", "government"), ("国务院", "government"), ("办事处", "township"), ("街道", "township"),
        ("镇", "township"), ("乡", "township"), ("集团", "enterprise"), ("公司", "enterprise"))
ORG_RE = re.compile(
    rf"([{CJK}]{{0,8}}?)({'|'.join(map(re.escape, sorted(ORGAN_SUFFIXES, key=len, reverse=True)))})(?![{CJK}]?[长员])")
ORG_JUNK_RE = re.compile(
    r"召开|举行|主持|出席|参加|列席|传达|学习|贯彻|落实|听取|研究|部署|会议|精神|要求|上午|下午|晚上|"
    r"[的了和与及对向把将被从就到请经据为在等由是]|全区|全县|全市|我区|我县|我市|各|有关|相关"
)
ZONE_RE = re.compile(
    rf"([{CJK}]{{2,4}}?)(经济技术开发区|经开区|高新技术产业开发区|高新区|新区|开发区|示范区|自治县|县|区|市)")
ZONE_RANK = {"经济技术开发区": 5, "经开区": 5, "高新技术产业开发区": 5, "高新区": 5, "新区": 4, "开发区": 4,
             "示范区": 4, "自治县": 3, "县": 3, "区": 3, "市": 1}
ZONE_FULL = {"经开区": "经济技术开发区", "高新区": "高新技术产业开发区"}
NOT_PLACE_RE = re.compile(r"[全我本各该城辖园景社片小新老市县区省镇乡上下一二三四五六七八九十的了和与及在召开会议在家]")
WORK_RE = re.compile(r"《([^《》\n]{1,80})》")
NOT_A_WORK_RE = re.compile(r"歌$|^国际歌$")


def kind_of(name: str) -> str:
    """A coarse classification of an organization by its name."""
    for key, kind in KIND:
        if key in name:
            return kind
    return "other"


def organizations(text: str) -> list[tuple[str, int, int]]:
    """Named bodies in text order: (name, start, end), first occurrence of each."""
    out: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for m in ORG_RE.finditer(text):
        prefix = m.group(1)
        last = None
        for j in ORG_JUNK_RE.finditer(prefix):
            last = j
        if last:
            prefix = prefix[last.end():]
        name = prefix + m.group(2)
        start = m.end() - len(name)
        if len(name) < 2 or name in seen:
            continue
        if m.group(2) in ("镇", "乡", "街道") and len(prefix) < 2:
            continue
        seen.add(name)
        out.append((name, start, m.end()))
    return out


def zone(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """The zone a report is about (full name, name as written, span), or Nones."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], tuple[int, int]] = {}
    for m in ZONE_RE.finditer(text):
        place, kind = m.group(1), m.group(2)
        if NOT_PLACE_RE.search(place):
            continue
        key = (place, kind)
        counts[key] += 1
        first.setdefault(key, (m.start(), m.end()))
    if not counts:
        return None, None, None
    (place, kind), _ = max(counts.items(), key=lambda kv: (ZONE_RANK[kv[0][1]], kv[1], -first[kv[0]][0]))
    short = place + kind
    return place + ZONE_FULL.get(kind, kind), short, first[(place, kind)]


def referenced_works(text: str) -> list[tuple[str, int, int]]:
    """Titled works (《…》) in text order, each once; songs are left out."""
    out: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for m in WORK_RE.finditer(text):
        title = m.group(0)
        if title in seen or NOT_A_WORK_RE.search(m.group(1)):
            continue
        seen.add(title)
        out.append((title, m.start(), m.end()))
    return out
