"""Organizations, the report's zone and the titled documents (《…》) it refers to."""
from __future__ import annotations

import re
from bisect import bisect_left
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
# An organization's name as written: what ``_prefixed(SUFFIX_AT_RE, 0, 8, text)`` finds.
ORG_RE = re.compile(rf"([{CJK}]{{0,8}}?){_SUFFIX}")
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
TOWNS_AS_WORDS = frozenset(("乡", "镇"))
# Organs that count only with a name of two characters or more before them (福田镇, 某某集团).
OWN_NAME_ORGANS = ("公司", "集团", "办公室", "委员会")
NAMED_ORGANS = frozenset(TOWN_SUFFIXES + OWN_NAME_ORGANS)
# No kind is the start of another, so the first that fits is the only one; starting with the alternation
# (no look-ahead) lets a search skip ahead to the kinds' first characters.
ZONE_KINDS = ("经济技术开发区", "经开区", "高新技术产业开发区", "高新区", "新区", "开发区", "示范区", "自治县", "县", "区", "市")
_ZONE_KIND = f"({'|'.join(ZONE_KINDS)})"
# A zone's name as written: what ``_prefixed(ZONE_KIND_AT_RE, 2, 4, text)`` finds.
ZONE_RE = re.compile(rf"([{CJK}]{{2,4}}?){_ZONE_KIND}")
# Each kind, once matched, looks behind for the two CJK characters a name needs, so the search passes
# over a kind without them (各区, 全市) in one call; at most one kind fits a place, so none is lost.
ZONE_KIND_AT_RE = re.compile(f"({'|'.join(rf'{k}(?<=[{CJK}]{{2}}{k})' for k in ZONE_KINDS)})")
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


def _prefixed(kind: re.Pattern, least: int, most: int, text: str,
              skip: frozenset[str] = frozenset(), skip_before: frozenset[str] = frozenset()):
    """What ``([CJK]{least,most}?)(kind)`` finds in ``text``, as (start, kind start, end, kind), without scanning for it.

    A match's kind is the first place ``kind`` fits from where the last match ended; its prefix is the run
    of CJK characters right before it, at most ``most`` long. Where fewer than ``least`` precede it, no
    match uses that place (an earlier start would need another kind before it), and the next place is tried.
    With ``least`` 0 every place is a match: one whose kind is in ``skip`` and whose next character is in
    ``skip_before`` still ends the last match but is left out, its prefix unread.
    """
    cur = pos = 0
    while (q := kind.search(text, pos)) is not None:
        at, end = q.span()
        # The character after is tested first: it rules out most of the places to skip (乡村, 乡镇) at once.
        if not least and text[end:end + 1] in skip_before and q.group(1) in skip:
            cur = pos = end
            continue
        lo = at - most if at - most > cur else cur
        start = at
        while start > lo and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if at - start < least:
            pos = at + 1
            continue
        yield start, at, end, q.group(1)
        cur = pos = end


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
    for m_start, at, end, organ in _prefixed(SUFFIX_AT_RE, 0, 8, text, TOWNS_AS_WORDS, TOWN_WORD_ENDS):
        raw = text[m_start:at]
        if len(raw) < 2 and organ in NAMED_ORGANS:
            continue  # the name, a part of raw, is too short: the checks below would drop it
        prefix = _name_prefix(raw)
        # raw and organ are CJK, so the name starts its clause when no CJK character comes before it
        if organ in TOWN_SUFFIXES and not prefix and 2 <= len(raw) <= 3 \
                and (m_start == 0 or not "\u4e00" <= text[m_start - 1] <= "\u9fff") \
                and not NOT_IN_PLACE.intersection(raw):
            prefix = raw  # a town's own name standing alone in a list (彭高镇、福田镇)
        name = prefix + organ
        if organ in TOWN_SUFFIXES:
            # A town needs a name of its own, and 城乡 or 各乡镇 are not towns.
            if len(prefix) < 2 or prefix[-1] in "城各" or _tags().get(name, "ns").startswith(("n", "v", "a")) and \
                    not _tags().get(name, "ns").startswith(PLACE_TAGS):
                continue
        if organ in OWN_NAME_ORGANS and len(prefix) < 2:
            continue
        if name in seen:
            continue
        seen.add(name)
        out.append((name, end - len(name), end))
    return out


def zone(text: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """The zone a report is about (full name, name as written, span), or Nones."""
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], tuple[int, int]] = {}
    strong: set[tuple[str, str]] = set()
    # the lead sentence names the zone the report is about
    first_stop = text.find("。")
    lead_end = min(LEAD_CHARS, first_stop if first_stop >= 0 else len(text))
    for m_start, at, end, kind in _prefixed(ZONE_KIND_AT_RE, 2, 4, text):
        raw = text[m_start:at]
        place = _name_prefix(raw).removeprefix("中共")
        two = at - 2  # where the last two characters of the prefix start
        if not place and _rare_noun(raw[-2:]) and ZONE_BODY_AFTER_RE.match(text, end) \
                and (two == 0 or not "\u4e00" <= text[two - 1] <= "\u9fff"):
            place = raw[-2:]  # a place that is also a word (桃源县政府, 长子县第十五届)
        tag = _tags().get(place)
        # a place is a known place or person-like name (普陀) or unknown (蓉江), never another word (汇报县人大…)
        if len(place) < 2 or (tag is not None and not tag.startswith(("ns", "nr")) and not _rare_noun(place)) \
                or place in ADMIN_WORDS \
                or place.endswith(("区", "县")):
            continue
        key = (place, kind)
        counts[key] += 1
        first.setdefault(key, (end - len(place) - len(kind), end))
        if ZONE_ORGAN_AFTER_RE.match(text, end) or m_start < lead_end:
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


@lru_cache(maxsize=65536)  # asked of the two characters before every zone kind: the same few come back
def _rare_noun(word: str) -> bool:
    """A rare dictionary noun (桃源, 长子): a county may bear its name, unlike 城市 or 干部."""
    if len(word) != 2 or _tags().get(word) != "n":
        return False
    dt = _jieba().dt
    dt.check_initialized()  # the answer is kept, so it must come from the loaded frequencies
    return dt.FREQ.get(word, 0) <= RARE_WORD_FREQ


@lru_cache(maxsize=1)
def _jieba():
    """The jieba module, imported on first use: an import statement costs more than this call."""
    import jieba

    return jieba


def bare_place_zone(text: str) -> tuple[str, str, tuple[int, int]] | None:
    """A district or county the report names only bare (安源), its organs written 区委/区政府 without the name.

    The place must come back at least three times, never as a city or province (萍乡市, 江西省);
    the full name takes the one city the report names (萍乡市委 -> 萍乡市安源区).
    """
    levels = {lv: len(re.findall(f"{lv}(?:委|政府|人大|政协|领导)", text)) for lv in ("区", "县")}
    level = max(levels, key=lambda lv: (levels[lv], lv == "区"))
    if levels[level] < 2:
        return None
    candidates = _bare_place_candidates(text)
    if not candidates:
        return None
    # A place is a word of jieba's segmentation three times or more; a city is a place word it holds once.
    cities = _city_words(text)
    found = _segmented(text, set(candidates) | cities)
    places = [(len(found[w]), -found[w][0], w) for w in candidates if len(found.get(w, ())) >= 3]
    if not places:
        return None
    _, _, place = max(places)
    cities = sorted(w for w in cities if w in found and w != place)
    city = cities[0] + "市" if len(cities) == 1 else ""
    first = found[place][0]
    return city + place + level, place, (first, first + len(place))


def _place_word(w: str) -> bool:
    """A word jieba tags as a place, other than a province or the nation."""
    return len(w) >= 2 and _tags().get(w) == "ns" and w not in PROVINCES and w not in NATIONAL_WORDS


@lru_cache(maxsize=65536)  # the same grams come back report after report
def _countable_places(gram: str) -> tuple[str, ...]:
    """Every word ``bare_place_zone`` could count that starts with ``gram``.

    Those are the place words that can be a district's own name: rare ones (老城区, 文明城市 are no such name).
    """
    import jieba

    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ
    words = _sorted_places()
    out: list[str] = []
    for i in range(bisect_left(words, gram), len(words)):
        w = words[i]
        if not w.startswith(gram):
            break
        if (len(w) >= 2 and w not in PROVINCES and w not in NATIONAL_WORDS and freq.get(w, 0) <= RARE_WORD_FREQ
                and w[0] not in NOT_IN_PLACE and not (len(w) > 2 and w[-1] in "市区县省镇乡村")):
            out.append(w)
    return tuple(out)


# Sorting the place words costs a tenth of grouping them by their first characters, and the words
# that start with given characters are still one slice of them, found by bisection.
@lru_cache(maxsize=1)
def _sorted_places() -> tuple[str, ...]:
    """Every word jieba tags as a place, sorted."""
    return tuple(sorted(_tagged_places()))


@lru_cache(maxsize=1)
def _tagged_places() -> tuple[str, ...]:
    """Every word jieba tags as a place."""
    return tuple([w for w, tag in _tags().items() if tag == "ns"])


@lru_cache(maxsize=1)
def _longest_place_word() -> int:
    """Length of the longest word jieba tags as a place."""
    return max(map(len, _tagged_places()))


def _city_words(text: str) -> set[str]:
    """The place words the text writes right before 市: those of them jieba also segments are its cities."""
    longest = _longest_place_word()
    out: set[str] = set()
    i = text.find("市")
    while i >= 0:
        out.update(w for n in range(2, min(i, longest) + 1) if _place_word(w := text[i - n:i]))
        i = text.find("市", i + 1)
    return out


# What after a word makes it a city, province or region, or a zone already named in full: no bare place.
_NOT_BARE = ("市", "省", "自治区", "区", "县")


def _bare_place_candidates(text: str) -> list[str]:
    """The words that may be a bare place: countable place words found three times even as substrings, never before 市/省/区/县.

    A segmented word is one of its substring occurrences, so no other word can be a word of the
    segmentation three times.
    """
    # str.count counts non-overlapping occurrences, as many as any segmentation can hold.
    grams = Counter(_place_gram_re().findall(text))
    return [w for gram, n in grams.items() if n >= 3 for w in _countable_places(gram)
            if text.count(w) >= 3 and not any(w + level in text for level in _NOT_BARE)]


@lru_cache(maxsize=1)
def _place_gram_re() -> re.Pattern:
    """Finds every pair of characters (overlapping) that a countable place word can start with.

    Pairing only the characters that start such a word, commonly a third of a report's, saves building a
    string for every other pair of the report.
    """
    words = _sorted_places()
    firsts: list[str] = []
    i = 0
    # One step per first character, not per word: a few characters more than needed only cost a few pairs.
    while i < len(words):
        first = words[i][0]
        if first not in NOT_IN_PLACE:
            firsts.append(re.escape(first))
        i = bisect_left(words, chr(ord(first) + 1), i)
    return re.compile(f"(?=([{''.join(firsts)}](?s:.)))")


def _segmented(text: str, words: set[str]) -> dict[str, list[int]]:
    """Where jieba's segmentation of ``text`` has each of ``words`` as a word: their offsets, in order.

    jieba segments each run of Han characters (and ASCII word characters) on its own, so segmenting
    only the runs that hold one of the words finds them exactly where the whole text's segmentation does.
    """
    import jieba

    found: dict[str, list[int]] = {}
    for run in jieba.re_han_default.finditer(text):
        chunk = run.group()
        if not any(w in chunk for w in words):
            continue
        pos = run.start()
        for w in jieba.lcut(chunk, HMM=False):
            if w in words:
                found.setdefault(w, []).append(pos)
            pos += len(w)
    return found


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
