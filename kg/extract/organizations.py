"""Organizations, the report's zone and the titled documents (《…》) it refers to."""
from __future__ import annotations

import operator
import re
from collections import Counter
from functools import lru_cache

from .lexicon import CJK, words_pattern

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
# A trie of the suffixes (longest first, as an alternation sorted by length would be) spares trying every
# suffix at every position, and its first characters let a search skip ahead to where one may stand.
_SUFFIX = rf"({words_pattern(ORGAN_SUFFIXES)})(?![{CJK}]?[长员])"
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
# No kind is the start of another, so the first that fits is the only one; starting with the alternation
# (no look-ahead) lets a search skip ahead to the kinds' first characters.
_ZONE_KIND = r"(经济技术开发区|经开区|高新技术产业开发区|高新区|新区|开发区|示范区|自治县|县|区|市)"
ZONE_RE = re.compile(rf"([{CJK}]{{2,4}}?){_ZONE_KIND}")
ZONE_KIND_AT_RE = re.compile(_ZONE_KIND)
ZONE_RANK = {"经济技术开发区": 5, "经开区": 5, "高新技术产业开发区": 5, "高新区": 5, "新区": 4, "开发区": 4,
             "示范区": 4, "自治县": 3, "县": 3, "区": 3, "市": 1}
ZONE_FULL = {"经开区": "经济技术开发区", "高新区": "高新技术产业开发区"}
# The zone's own organs right after its name (温江区委, 萍乡经开区党工委) mark the report's own zone.
ZONE_ORGAN_AFTER_RE = re.compile(r"(?:党工委|管委会|委|人民政府|政府|人大|政协|纪委|领导|干部)")
LEAD_CHARS = 120
MUNICIPALITIES = frozenset("北京 天津 上海 重庆".split())
# A county or district's own bodies and sittings right after its name: 桃源县政府, 长子县第十五届人大.
ZONE_BODY_AFTER_RE = re.compile(r"(?:委|人民政府|政府|人大|政协|纪委|第[一二三四五六七八九十]+届)")
# Provinces and the nation: places a report names often without being about them.
PROVINCES = frozenset("北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 "
                      "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split())
# jieba tags some common nouns as places (城市, 英雄); a district's own name is a rare word.
RARE_WORD_FREQ = 1000
NATIONAL_WORDS = frozenset("中国 中华 全国 中央 华夏 神州 祖国".split())
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


@lru_cache(maxsize=65536)  # the same few prefixes (区委, 县政府) come back in every report
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
    strong: set[tuple[str, str]] = set()
    # the lead sentence names the zone the report is about
    first_stop = text.find("。")
    lead_end = min(LEAD_CHARS, first_stop if first_stop >= 0 else len(text))
    for m in _matches(ZONE_RE, ZONE_KIND_AT_RE, 4, text):
        kind = m.group(2)
        place = _name_prefix(m.group(1)).removeprefix("中共")
        at = m.end() - len(kind) - 2
        if not place and _rare_noun(m.group(1)[-2:]) and ZONE_BODY_AFTER_RE.match(text, m.end()) \
                and (at == 0 or not "\u4e00" <= text[at - 1] <= "\u9fff"):
            place = m.group(1)[-2:]  # a place that is also a word (桃源县政府, 长子县第十五届)
        tag = _tags().get(place)
        # a place is a known place or person-like name (普陀) or unknown (蓉江), never another word (汇报县人大…)
        if len(place) < 2 or (tag is not None and not tag.startswith(("ns", "nr")) and not _rare_noun(place)) \
                or place in ADMIN_WORDS \
                or any(place.endswith(a) for a in ("区", "县")):
            continue
        key = (place, kind)
        counts[key] += 1
        first.setdefault(key, (m.end() - len(place) - len(kind), m.end()))
        if ZONE_ORGAN_AFTER_RE.match(text, m.end()) or m.start() < lead_end:
            strong.add(key)
    sure = {key: n for key, n in counts.items() if n >= 2 or key in strong}
    # a district or county named only once in passing (老城区更新和新城区提质) is weaker than one named bare often
    if not any(ZONE_RANK[kind] >= 3 for _, kind in sure):
        bare = bare_place_zone(text)
        if bare:
            return bare
    if not counts:
        return None, None, None
    (place, kind), _ = max((sure or counts).items(), key=lambda kv: (ZONE_RANK[kv[0][1]], kv[1], -first[kv[0]][0]))
    full = place + ZONE_FULL.get(kind, kind)
    if kind == "区" and "市" not in place:
        # a district is named with its city when the report names one city (成都市 + 温江区)
        cities = _cities(text) - {place}
        if len(cities) == 1:
            full = cities.pop() + "市" + full
    return full, place + kind, first[(place, kind)]


def _cities(text: str) -> set[str]:
    """Places the text writes as cities (珠海市, 上海市): a known place name right before 市."""
    out = set()
    for m in re.finditer("市", text):
        for n in (2, 3):
            w = text[max(0, m.start() - n):m.start()]
            if len(w) == n and _tags().get(w, "").startswith("ns") and (w not in PROVINCES or w in MUNICIPALITIES):
                out.add(w)
                break
    return out


def _rare_noun(word: str) -> bool:
    """A rare dictionary noun (桃源, 长子): a county may bear its name, unlike 城市 or 干部."""
    import jieba

    return len(word) == 2 and _tags().get(word) == "n" and jieba.dt.FREQ.get(word, 0) <= RARE_WORD_FREQ


def bare_place_zone(text: str) -> tuple[str, str, tuple[int, int]] | None:
    """A district or county the report names only bare (安源), its organs written 区委/区政府 without the name.

    The place must come back at least three times, never as a city or province (萍乡市, 江西省);
    the full name takes the one city the report names (萍乡市委 -> 萍乡市安源区).
    """
    levels = {lv: len(re.findall(f"{lv}(?:委|政府|人大|政协|领导)", text)) for lv in ("区", "县")}
    level = max(levels, key=lambda lv: (levels[lv], lv == "区"))
    if levels[level] < 2:
        return None
    import jieba

    if not _may_have_bare_place(text):
        return None  # segmenting the whole report (the costly part) could find nothing
    words: Counter[str] = Counter()
    named: set[str] = set()
    first: dict[str, int] = {}
    pos = 0
    for w in jieba.lcut(text, HMM=False):
        if len(w) >= 2 and _tags().get(w) == "ns" and w not in PROVINCES and w not in NATIONAL_WORDS:
            named.add(w)
            # 老城区, 文明城市 are no district's own name
            if jieba.dt.FREQ.get(w, 0) <= RARE_WORD_FREQ and w[0] not in NOT_IN_PLACE and not (
                    len(w) > 2 and w[-1] in "市区县省镇乡村"):
                words[w] += 1
                first.setdefault(w, pos)
        pos += len(w)
    # Plain substring tests: a pattern per word would be compiled afresh for nearly every report.
    higher = {w for w in named if w + "市" in text or w + "省" in text or w + "自治区" in text}
    places = [(n, -first[w], w) for w, n in words.items() if w not in higher and n >= 3
              and not (w + "区" in text or w + "县" in text)]
    if not places:
        return None
    _, _, place = max(places)
    cities = sorted(w for w in higher if w + "市" in text and w != place)
    city = cities[0] + "市" if len(cities) == 1 else ""
    return city + place + level, place, (first[place], first[place] + len(place))


def _countable_place(w: str) -> bool:
    """The word-level test ``bare_place_zone`` applies before counting a segmented word."""
    import jieba

    return (len(w) >= 2 and _tags().get(w) == "ns" and w not in PROVINCES and w not in NATIONAL_WORDS
            and jieba.dt.FREQ.get(w, 0) <= RARE_WORD_FREQ and w[0] not in NOT_IN_PLACE
            and not (len(w) > 2 and w[-1] in "市区县省镇乡村"))


@lru_cache(maxsize=1)
def _countable_places() -> dict[str, tuple[str, ...]]:
    """Every word ``bare_place_zone`` could count, by its first two characters."""
    import jieba

    jieba.dt.check_initialized()
    index: dict[str, list[str]] = {}
    for w, tag in _tags().items():
        if tag == "ns" and _countable_place(w):
            index.setdefault(w[:2], []).append(w)
    return {k: tuple(v) for k, v in index.items()}


# What after a word makes it a city, province or region (then ``higher``) or a zone already named in full.
_NOT_BARE = ("市", "省", "自治区", "区", "县")


def _may_have_bare_place(text: str) -> bool:
    """False when no countable place word occurs three times even as a substring, bare.

    A segmented word is one of its substring occurrences, so such a text cannot give
    ``bare_place_zone`` a place, and its segmentation can be skipped. Nor can a word the text
    also writes as a city, province, district or county (a counted word is one the segmentation
    tagged as a place, so those substring tests rule it out exactly as ``bare_place_zone`` does).
    """
    index = _countable_places()
    # str.count counts non-overlapping occurrences, as many as any segmentation can hold.
    grams = Counter(map(operator.add, text, text[1:]))
    return any(text.count(w) >= 3 and not any(w + level in text for level in _NOT_BARE)
               for gram, n in grams.items() if n >= 3 for w in index.get(gram, ()))


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
