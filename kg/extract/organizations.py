"""Organizations, the report's zone and the titled documents (《…》) it refers to."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

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
# The look-ahead on the suffixes' first characters spares trying every suffix at every position.
_SUFFIX = (rf"(?=[{''.join(sorted({x[0] for x in ORGAN_SUFFIXES}))}])"
           rf"({'|'.join(map(re.escape, sorted(ORGAN_SUFFIXES, key=len, reverse=True)))})(?![{CJK}]?[长员])")
ORG_RE = re.compile(rf"([{CJK}]{{0,8}}?){_SUFFIX}")
# Where a suffix can end a name; no name starts more than 8 characters before the next such place.
SUFFIX_AT_RE = re.compile(_SUFFIX)
# Words that may stand in an organization's name before its organ (区, 萍乡市, 中共, 经开区…).
ADMIN_WORDS = frozenset("区 县 市 省 州 镇 乡 盟 旗 中共 中央 全国 人民 经开区 高新区 新区 开发区 经济技术开发区 示范区 "
                        "街道 自治区 自治州 自治县".split())
PLACE_TAGS = ("ns", "nt", "nz", "nr")
# Single characters that end a phrase rather than stand in a place name.
NOT_IN_PLACE = frozenset("作出进到把在的了和与及对向为从全我本各该其这那此每要将被于以就等年月日是有并由强定城新老主")
TOWN_SUFFIXES = ("镇", "乡", "街道", "办事处")
# 乡村, 乡镇, 乡亲: 乡 and 镇 starting another word are not towns.
TOWN_WORD_ENDS = frozenset("村镇亲里土情愁间长")
_ZONE_KIND = r"(?=[经高新开示自县区市])(经济技术开发区|经开区|高新技术产业开发区|高新区|新区|开发区|示范区|自治县|县|区|市)"
ZONE_RE = re.compile(rf"([{CJK}]{{2,4}}?){_ZONE_KIND}")
ZONE_KIND_AT_RE = re.compile(_ZONE_KIND)
ZONE_RANK = {"经济技术开发区": 5, "经开区": 5, "高新技术产业开发区": 5, "高新区": 5, "新区": 4, "开发区": 4,
             "示范区": 4, "自治县": 3, "县": 3, "区": 3, "市": 1}
ZONE_FULL = {"经开区": "经济技术开发区", "高新区": "高新技术产业开发区"}
WORK_RE = re.compile(r"《([^《》\n]{1,80})》")
NOT_A_WORK_RE = re.compile(r"歌$")


@lru_cache(maxsize=1)
def _tags() -> dict[str, str]:
    import jieba.posseg  # loaded lazily, only when organization names must be told from phrases

    return jieba.posseg.dt.word_tag_tab


def _place_like(word: str) -> bool:
    """True for a word that can name a place: a known place, an unknown word, or an administrative word."""
    if word in ADMIN_WORDS:
        return True
    if len(word) == 1:
        return word not in NOT_IN_PLACE
    tag = _tags().get(word)
    return tag is None or tag.startswith(PLACE_TAGS)


def _name_prefix(prefix: str) -> str:
    """The end of ``prefix`` that belongs to the organization's name (萍乡经开区 of 深入萍乡经开区)."""
    if not prefix:
        return ""
    import jieba

    words = jieba.lcut(prefix, HMM=False)
    kept: list[str] = []
    for w in reversed(words):
        if not _place_like(w):
            break
        kept.insert(0, w)
    # Stray single characters are the tail of a phrase unless a real place word comes before them.
    while kept and len(kept[0]) == 1 and kept[0] not in ADMIN_WORDS:
        kept.pop(0)
    return "".join(kept)


def _matches(pattern: re.Pattern, suffix: re.Pattern, reach: int, text: str):
    """``pattern.finditer(text)``, where a match is at most ``reach`` characters and then ``suffix``."""
    cur = 0
    while (q := suffix.search(text, cur)) is not None:
        m = pattern.search(text, max(cur, q.start() - reach))
        if m is None:
            return
        yield m
        cur = m.end()


def _clause_start(text: str, end: int) -> int:
    i = end
    while i > 0 and "\u4e00" <= text[i - 1] <= "\u9fff":
        i -= 1
    return i


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
    for m in _matches(ORG_RE, SUFFIX_AT_RE, 8, text):
        organ = m.group(2)
        raw = m.group(1)
        prefix = _name_prefix(raw)
        if organ in TOWN_SUFFIXES and not prefix and 2 <= len(raw) <= 3 and m.start() == _clause_start(text, m.end()) \
                and not NOT_IN_PLACE.intersection(raw):
            prefix = raw  # a town's own name standing alone in a list (彭高镇、福田镇)
        name = prefix + organ
        if organ in ("乡", "镇") and text[m.end():m.end() + 1] in TOWN_WORD_ENDS:
            continue
        if organ in TOWN_SUFFIXES:
            # A town needs a name of its own, and 城乡 or 各乡镇 are not towns.
            if len(prefix) < 2 or prefix[-1] in "城各" or _tags().get(name, "ns").startswith(("n", "v", "a")) and \
                    not _tags().get(name, "ns").startswith(PLACE_TAGS):
                continue
        if organ in ("公司", "集团", "办公室", "委员会") and len(prefix) < 2:
            continue
        start = m.end() - len(name)
        if name in seen:
            continue
        seen.add(name)
        out.append((name, start, m.end()))
    return out


def zone(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """The zone a report is about (full name, name as written, span), or Nones."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], tuple[int, int]] = {}
    for m in _matches(ZONE_RE, ZONE_KIND_AT_RE, 4, text):
        kind = m.group(2)
        place = _name_prefix(m.group(1)).removeprefix("中共")
        if len(place) < 2 or _tags().get(place, "ns")[:1] in ("v", "d", "p", "c") or place in ADMIN_WORDS or any(place.endswith(a) for a in ("区", "县")):
            continue
        key = (place, kind)
        counts[key] += 1
        first.setdefault(key, (m.end() - len(place) - len(kind), m.end()))
    if not counts:
        return None, None, None
    (place, kind), _ = max(counts.items(), key=lambda kv: (ZONE_RANK[kv[0][1]], kv[1], -first[kv[0]][0]))
    return place + ZONE_FULL.get(kind, kind), place + kind, first[(place, kind)]


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
