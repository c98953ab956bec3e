"""Person mentions: names found after titles, in name lists, before post-posed titles and as subjects of role verbs."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .lexicon import (COMPOUND_SURNAMES, FUNCTION_SURNAMES, NAME_FOLLOWERS, POSTS, ROLE_VERBS, SHORT_NAME_ENDS,
                      SINGLE_SURNAMES, VISIT_VERBS, is_surname_start, words_pattern)
from .text import is_cjk

# Word lists are tries (words_pattern), which try one branch per character rather than every word. One
# that is searched for starts with the trie itself, whose first characters let the regex engine skip
# ahead to where one stands; one that is matched at a position starts with a class of its first
# characters, which rules most positions out at once.
POST_RE = re.compile(words_pattern(POSTS))
POST_FIRST = frozenset(w[0] for w in POSTS)
# A title ends with a post, so text whose last character ends no post holds no title at its end.
POST_LAST = frozenset(w[-1] for w in POSTS)
TITLE_END_RE = re.compile(f"(?:{'|'.join(map(re.escape, POSTS))})$")
FOLLOWER_RE = re.compile(f"(?=[{''.join(sorted({w[0] for w in NAME_FOLLOWERS}))}])" + words_pattern(NAME_FOLLOWERS))
_ROLE_WORDS = sorted({v for vs in ROLE_VERBS.values() for v in vs} | set(VISIT_VERBS), key=len, reverse=True)
# 作 alone is a speech verb (作报告) only when it does not start 作风, 作为, 作用…
ROLE_VERB_RE = re.compile(f"(?=[{''.join(sorted({w[0] for w in _ROLE_WORDS}))}])(?:" + "|".join(
    "作(?![风为用业品物战息])" if v == "作" else re.escape(v) for v in _ROLE_WORDS) + ")")
# A post's last character right before a name's first: where a title may run into a name (区长李强).
POST_THEN_SURNAME_RE = re.compile(
    "[" + "".join(sorted(POST_LAST)) + "]"
    "(?=[" + "".join(sorted(SINGLE_SURNAMES | {c[0] for c in COMPOUND_SURNAMES})) + "])")
# The last character before a position that stands in no post: no POST_RE match spans it, so a scan
# for posts started right after it finds what a scan of the whole text finds from there on.
LAST_OUTSIDE_POSTS_RE = re.compile("(?s:.*)[^" + "".join(sorted({c for w in POSTS for c in w})) + "]")
# Words that end the text before a title: a title starts after the last of them.
TITLE_JUNK_RE = re.compile(
    r"会议由|主持召开|召开|举行|主持|出席|参加|列席|陪同|邀请|听取|会见|其中|包括|以及|还有|记者|通讯员|"
    r"带领|率领|带队|率队|上午|下午|晚上|同志|本报讯|讯|\d+日|学习|贯彻|落实|传达|专题|如何|关于|根据|按照|结合|围绕|委托|应邀|"
    r"最后|首先|随后|然后|接着|其次|同时|的有|经(?![济理开营贸])|[由是了的和与及对向把将被从就到请据为在等即受]"
)
SEPARATORS = frozenset("、,，;；:：。！？!?()（）“”\"'《》|·•◆■●【】[]")


# Where a clause may begin with a name (after punctuation or space, on a surname's first character) and a
# role verb follows two to four characters on: most clause starts have none, and ruling them out in one
# pass spares the costly name test at each. The pattern starts with the surname character, checking what
# precedes it after, so that the regex engine can skip ahead to surname characters.
SUBJECT_START_RE = re.compile(
    "[" + "".join(sorted(SINGLE_SURNAMES | {c[0] for c in COMPOUND_SURNAMES})) + "]"
    "(?<![^" + re.escape("".join(sorted(SEPARATORS))) + r"\s](?s:.))"  # at the start or after a separator
    "(?=(?s:.){1,3}?(?:" + ROLE_VERB_RE.pattern + "))")


# A run of CJK unified ideographs, matched in one call rather than tested character by character.
HAN_RUN_RE = re.compile("[\u4e00-\u9fff]+")
# The characters a name can start with: most positions are ruled out by one set lookup.
SURNAME_FIRST = frozenset(SINGLE_SURNAMES | {c[0] for c in COMPOUND_SURNAMES})


def is_separator(ch: str) -> bool:
    """True for punctuation or white space that ends a title or a name."""
    return ch in SEPARATORS or ch.isspace()
POSTFIX_TITLES = ("总书记", "书记", "副书记", "省长", "副省长", "市长", "县长", "区长", "州长", "镇长", "乡长", "主任",
                  "主席", "部长", "局长", "副局长", "董事长", "总经理", "副总经理", "总裁", "副总裁", "委员长", "总理",
                  "院长", "校长", "会长", "秘书长", "副市长", "副县长", "副区长", "副镇长", "副乡长", "副主任", "副主席",
                  "副部长", "常委", "组长", "处长", "厅长", "教授")
# A post-posed title is not one when it goes on as a longer word (书记处, 主席团, 主任委员).
POST_COMPOUND_RE = re.compile("处|团|会|办|室|组|级|助理|委员|职|位|岗|台")
POSTFIX_RE = re.compile(words_pattern(POSTFIX_TITLES))
# Words a name may directly follow when no title precedes it.
LEFT_WORDS = ("学习", "传达", "贯彻", "落实", "听取", "陪同", "会见", "欢迎", "感谢", "邀请", "同", "在", "对", "向",
              "和", "与", "及", "了", "的", "由", "请", "受", "经", "据", "代表", "委托", "批示", "看望", "并", "是")
LEFT_WORD_RE = re.compile("(?:" + "|".join(LEFT_WORDS) + ")$")
# An organ's name may run straight into a name with a post-posed title (管委会招宏主任, 区党工委黎汉光副书记).
ORGAN_END_CHARS = frozenset("委会府局办院司团部厅处室所组校社联")
# Characters of organs and ranks that do not occur in a given name.
NOT_IN_GIVEN_NAME = frozenset("委副党府局办县市省镇乡会部处厅署区协")
# Conjunctions never end a name (张三和), though they may sit inside one (周和平).
NOT_LAST_IN_NAME = frozenset("等和及与")
# 会 and 党 do occur inside three-character names (李会明, 朱党生) when they do not start an organ word.
MIDDLE_ORGAN_OK = {"会": frozenset("议上见长谈后前场同商员签计"), "党": frozenset("委组工支员建政风性中内外史课校的和")}
CLEAR_END = frozenset("、,，;；。:：")
# Nouns ending in 作, whose first character would otherwise end a name before the speech verb 作.
WORDS_IN_ZUO = frozenset("工作 合作 协作 运作 操作 创作 制作 动作 写作 耕作 劳作".split())
# 作 starting a speech (作汇报, 作了重要讲话, 作专题报告): it ends the name before it.
ZUO_SPEECH_RE = re.compile(r"作(?:了|出)?[^,，。;；]{0,8}?(?:汇报|报告|讲话|发言|说明|部署|总结|动员|辅导|交流|表态|点评)")
COLLECTIVE_START = ("各", "全体", "有关", "相关", "部分", "其他", "其余", "与会", "在家", "驻", "区属", "县直", "市直", "区直")


# A role header that a list of names follows: 参会人员:…, 出席会议的有:…, 一同参加会见的还有:…, 主持人:…
ROLE_HEADER_RE = re.compile(
    r"(?:^|(?<=[\s。；;,，]))(?:一同|同时|共同|应邀)?(主持人|主持|出席|参会|参加|列席|与会|陪同|请假|缺席)"
    r"(?:会议|会见|会谈|座谈|活动)?的?(?:人员|领导|同志|人)?还?有?(?:[ \t\u3000]*[:：]|(?<=的有)|(?<=还有))", re.M)
# The words a role header can start with. The header pattern has no fixed first character for the regex
# engine to skip ahead to, so headers are looked for only where one of these stands.
ROLE_HEADER_START_RE = re.compile(r"一同|同时|共同|应邀|主持|出席|参会|参加|列席|与会|陪同|请假|缺席")
LIST_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]+")
LIST_GAP = frozenset(" \t\u3000\xa0、,，")


class HeaderList(NamedTuple):
    """Names listed under a role header, and the span of the list."""

    role_word: str
    start: int
    end: int
    names: tuple[tuple[str, int, int], ...]  # name, start, end (a padded name "孙 平" spans its space)


def _bare_name(tok: str) -> bool:
    n = len(tok)
    return 2 <= n <= 4 and is_surname_start(tok) and name_at(tok, 0, strict=n > 2) == n


def _list_line(text: str, i: int, end: int) -> tuple[list[tuple[str, int, int]], int, bool]:
    """Names on one line of a list from ``i``; where reading stopped and whether the list ends there."""
    names: list[tuple[str, int, int]] = []
    while i < end:
        ch = text[i]
        if ch in LIST_GAP:
            i += 1
            continue
        if ch in "。；;:：" or ch == "\n":
            return names, i, ch != "\n"
        m = LIST_TOKEN_RE.match(text, i)
        if m is None:
            i += 1
            continue
        tok, j = m.group(), m.end()
        if j < end and text[j] in ":：":
            return names, i, True  # the next label (记录:…) ends the list
        # Names padded to a common width: 孙 平, 王 艳.
        if len(tok) == 1 and j + 1 < end and text[j] == " " and is_cjk(text[j + 1]) and (
                j + 2 >= end or not is_cjk(text[j + 2])) and _bare_name(tok + text[j + 1]):
            names.append((tok + text[j + 1], i, j + 2))
            i = j + 2
            continue
        if _bare_name(tok):
            names.append((tok, i, j))
        i = j
    return names, i, True


def _role_headers(text: str):
    """``ROLE_HEADER_RE.finditer(text)``, trying the pattern only where a header's first word stands.

    Each header starts with such a word, and the first position that matches is the one finditer
    takes; a match at a position sees the text before it, as a scan would.
    """
    pos = 0
    while (c := ROLE_HEADER_START_RE.search(text, pos)) is not None:
        hm = ROLE_HEADER_RE.match(text, c.start())
        if hm is None:
            pos = c.start() + 1
            continue
        yield hm
        pos = hm.end()


def header_lists(text: str) -> list[HeaderList]:
    """Lists of names under role headers; a list goes on over lines that hold nothing but names."""
    out: list[HeaderList] = []
    for hm in _role_headers(text):
        names, i, done = _list_line(text, hm.end(), len(text))
        while not done:
            nl = text.find("\n", i + 1)
            line_end = nl if nl >= 0 else len(text)
            line = text[i + 1:line_end]
            if not line.strip() or ROLE_HEADER_RE.search(line):
                break
            more, j, _ = _list_line(text, i + 1, line_end)
            toks = LIST_TOKEN_RE.findall(line)
            if not more or sum(len(n) for n, _, _ in more) < sum(len(t) for t in toks):
                break
            names += more
            i, done = line_end, nl < 0
        out.append(HeaderList(hm.group(1), hm.start(), max(i, names[-1][2] if names else hm.end()), tuple(names)))
    return out


class Mention(NamedTuple):
    """One written occurrence of a person's name, with the titles written with it."""

    name: str
    start: int  # where the titles written before the name begin (== name_start when none)
    name_start: int
    name_end: int
    end: int  # after a post-posed title, else == name_end
    titles: tuple[str, ...]
    via: str  # title, list, postfix, subject, known


# Built straight from a tuple: the named tuple's own constructor is a Python function, costly for every mention.
_new_mention = tuple.__new__


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    import jieba.posseg  # loaded lazily: ~1 s, only when names must be told from words

    return jieba.posseg.dt.word_tag_tab


def is_common_word(s: str) -> bool:
    """True when jieba's dictionary knows ``s`` as something other than a person name."""
    tag = _word_tags().get(s)
    return tag is not None and not tag.startswith("nr")


# Word classes a two-character name often shares (places 龙海, 黄河; attributes 高原): fine right after a title.
NAME_LIKE_TAGS = frozenset({"ns", "nz", "b"})


def _name_like_word(s: str) -> bool:
    return _word_tags().get(s) in NAME_LIKE_TAGS


def right_boundary(text: str, i: int) -> bool:
    """True when a name may end at ``i``."""
    return i >= len(text) or not "\u4e00" <= text[i] <= "\u9fff" or FOLLOWER_RE.match(text, i) is not None


def _given_name_ok(cand: str, compound: bool) -> bool:
    if cand[-1] in NOT_LAST_IN_NAME:
        return False
    if NOT_IN_GIVEN_NAME.isdisjoint(cand):
        return True  # most names: no organ or rank character to judge
    for i in range(1, len(cand)):
        ch = cand[i]
        if ch not in NOT_IN_GIVEN_NAME:
            continue
        middle = i == len(cand) - 2 and i == (2 if compound else 1)
        if not (middle and ch in MIDDLE_ORGAN_OK and cand[i + 1] not in MIDDLE_ORGAN_OK[ch]):
            return False
    return True


def _clear_end(text: str, i: int) -> bool:
    return i >= len(text) or text[i] in CLEAR_END or text[i].isspace() or text.startswith("同志", i)


def name_at(text: str, pos: int, known: frozenset[str] | set[str] = frozenset(), *, strict: bool = False,
            after_title: bool = False) -> int:
    """Length of the person name starting at ``pos``, or 0 when none fits there.

    ``after_title``: a title was written right before, so a two-character name that is also a
    common word (县长高原,) is taken when punctuation closes it, and a name may also end where a
    dictionary word begins.
    """
    if pos >= len(text) or text[pos] not in SURNAME_FIRST:
        return 0
    compound = text[pos:pos + 2] in COMPOUND_SURNAMES
    if not compound and text[pos] not in SINGLE_SURNAMES:
        return 0  # the first character of a compound surname only
    lengths = (4, 3) if compound else (3, 2)
    han = HAN_RUN_RE.match(text, pos, pos + lengths[0])
    han_end = han.end() if han else pos
    fits = []
    fallback = 0
    for n in lengths:
        if pos + n > han_end:
            continue  # past the end of the text, or not all CJK
        cand = text[pos:pos + n]
        if cand in known:
            return n
        end = pos + n  # right_boundary, inline: it runs for every candidate
        bounded = (end >= len(text) or not "\u4e00" <= text[end] <= "\u9fff"
                   or FOLLOWER_RE.match(text, end) is not None)
        if not bounded and not after_title:
            continue
        if (cand[1] in POST_FIRST and POST_RE.match(cand, 1)) or not _given_name_ok(cand, compound):
            continue
        if (strict or n == 2) and is_common_word(cand) and not (
                after_title and bounded and n == 2 and (_clear_end(text, pos + n) or _name_like_word(cand))):
            continue
        if (n == 3 and not compound and cand[0] in FUNCTION_SURNAMES and is_common_word(cand[1:])
                and not _name_like_word(cand[1:])):
            continue  # 和执行, 向大会 (but 于建国)
        if text[pos + n - 1:pos + n + 1] in WORDS_IN_ZUO:
            continue  # 管理工作: 作 is no speech verb here
        if not bounded:
            # After a title a name also ends where a dictionary word begins (县委书记林海峰接受采访).
            if not (fallback or is_common_word(cand) or cand[-1] in SHORT_NAME_ENDS or cand[0] in FUNCTION_SURNAMES
                    or not is_common_word(text[pos + n:pos + n + 2])
                    or is_common_word(text[pos + n - 1:pos + n + 1])):
                fallback = n
            continue
        fits.append(n)
    if not fits:
        return fallback
    if len(fits) == 2:
        short = pos + fits[1]
        f = FOLLOWER_RE.match(text, short)
        if text[short] in SHORT_NAME_ENDS or (f is not None and len(f.group()) > 1) or ZUO_SPEECH_RE.match(text, short):
            return fits[1]  # 刘松等出席, 陈立以…为题, 何平作汇报: the third character starts the next word
    return fits[0]


def _segment_start(text: str, end: int) -> int:
    i = end
    while i > 0:
        ch = text[i - 1]
        if ch in SEPARATORS or ch.isspace():
            if ch in ")）" and i < end:
                # An organ's other name in brackets stays inside the title: 管委会(市钱江新城管委会)副主任.
                j = max(text.rfind("(", 0, i - 1), text.rfind("（", 0, i - 1))
                inner = text[j + 1:i - 1] if j >= 0 else ""
                if 0 < len(inner) <= 20 and not any(is_separator(c) for c in inner):
                    i = j
                    continue
            break
        i -= 1
    return i


@lru_cache(maxsize=16384)  # the words before a name repeat from report to report (区委书记, 会议由区长)
def _clean_title(raw: str) -> str:
    end = TITLE_END_RE.search(raw)
    if end is None:
        return ""
    last = None
    for m in TITLE_JUNK_RE.finditer(raw, 0, end.start()):  # 经 in 总经理 is not junk
        if raw.startswith("有限", m.start()):
            continue
        last = m
    title = raw[last.end():] if last else raw
    if not title or len(title) > 30 or title.startswith(COLLECTIVE_START) or title[0] in "()（）":
        return ""
    return title


# Only a bare party committee (市委许继伟书记) makes one title with the post after the name; a longer unit
# (火炬区管委会招鸿主任) reads as where the person comes from, the post alone as the title.
ORGAN_END_RE = re.compile(r"^(?:[省市县区镇乡]委|党委)$")


def _organ_before(text: str, name_start: int) -> str:
    """The organ written right before a name (市委 of 市委许继伟书记), or "" when the words there are no organ."""
    seg = _segment_start(text, name_start)
    raw = text[seg:name_start]
    last = None
    for m in TITLE_JUNK_RE.finditer(raw):
        last = m
    organ = raw[last.end():] if last else raw
    return organ if ORGAN_END_RE.search(organ) and len(organ) <= 12 and not organ.startswith(COLLECTIVE_START) else ""


@lru_cache(maxsize=16384)  # titles repeat from report to report
def _is_name_with_post(title: str) -> bool:
    # 习近平总书记来闽: the "title" is itself a name with a post-posed title, so no name follows it.
    n = name_at(title, 0, strict=True)
    return n > 0 and title[n:] in POSTFIX_TITLES


def titles_before(text: str, name_start: int) -> tuple[int, tuple[str, ...]]:
    """The titles written right before a name (区委副书记、区长邱伟), and where they start."""
    if not name_start or text[name_start - 1] not in POST_LAST:
        return name_start, ()  # most places: no post ends right before them
    seg = _segment_start(text, name_start)
    title = _clean_title(text[seg:name_start])
    if not title:
        return name_start, ()
    titles = [title]
    start = name_start - len(title)
    # Earlier titles joined by 、 belong to the same person while they are titles only
    # (not when the segment holds more than the title: 区长周斌带领区发改委主任郑亮).
    while seg > 0 and text[seg - 1] == "、" and start == seg:
        prev = _segment_start(text, seg - 1)
        t = _clean_title(text[prev:seg - 1])
        if not t or t != text[seg - 1 - len(t):seg - 1]:
            break
        titles.insert(0, t)
        start = seg - 1 - len(t)
        seg = prev
    return start, tuple(titles)


def _left_ok(text: str, pos: int) -> bool:
    if pos == 0 or not is_cjk(text[pos - 1]):
        return True
    return LEFT_WORD_RE.search(text, max(0, pos - 2), pos) is not None


def _title_ends(text: str) -> list[int]:
    """Where the matches of ``POST_RE.finditer(text)`` end right before a surname's first character.

    Such places are few. No match spans a character that no post holds, so a scan for posts started
    right after one finds the same matches from there on: the scan restarts after the last such
    character before each place, and passes over the stretches between unread.
    """
    out: list[int] = []
    scan = POST_RE.finditer(text)
    m = next(scan, None)
    searched = 0  # where the last look for a character outside the posts stopped
    for c in POST_THEN_SURNAME_RE.finditer(text):
        if m is None:
            break  # no post after the last one found
        p = c.end()
        outside = LAST_OUTSIDE_POSTS_RE.match(text, searched, p)
        searched = p
        if outside is not None and m.start() < outside.end():
            scan = POST_RE.finditer(text, outside.end())
            m = next(scan, None)
        while m is not None and m.end() < p:
            m = next(scan, None)
        if m is not None and m.end() == p:
            out.append(p)
    return out


def _colons(text: str) -> list[int]:
    """Where the colons (: and ：) stand, in text order."""
    # str.find runs through the text faster than a regex can; colons are few.
    out: list[int] = []
    for colon in ":：":
        i = text.find(colon)
        while i >= 0:
            out.append(i)
            i = text.find(colon, i + 1)
    out.sort()
    return out


def find_mentions(text: str, excluded: list[tuple[int, int]] = (),
                  lists: list[HeaderList] | None = None) -> list[Mention]:
    """Every person mention in ``text`` outside the excluded spans, in text order."""
    found: dict[int, Mention] = {}
    taken = bytearray(len(text) + 1)  # 1 where a found name or an excluded span lies
    for s, e in excluded:
        taken[max(0, s):max(0, e)] = b"\x01" * (max(0, e) - max(0, s))

    def free(a: int, b: int) -> bool:
        return taken.find(1, a, b) < 0

    def add(m: Mention) -> None:
        if free(m.name_start, m.name_end):
            found[m.name_start] = m
            taken[m.name_start:m.name_end] = b"\x01" * (m.name_end - m.name_start)

    # 1. Names right after a title.
    for p in _title_ends(text):
        n = name_at(text, p, after_title=True)
        if not n:
            continue
        start, titles = titles_before(text, p)
        if not titles or _is_name_with_post(titles[-1]):
            continue
        add(_new_mention(Mention, (text[p:p + n], start, p, p + n, p + n, titles, "title")))

    # 2. Names before a post-posed title (陈敏书记, 吴明德市长).
    for pm in POSTFIX_RE.finditer(text):
        p = pm.start()
        if POST_COMPOUND_RE.match(text, pm.end()):
            continue
        for n in (4, 3, 2):
            s = p - n
            if s < 0 or not (_left_ok(text, s) or text[s - 1] in ORGAN_END_CHARS):
                continue
            if name_at(text, s, strict=True) == n:
                # a title split around the name (市委许继伟书记) is one title, organ and post: 市委书记
                organ = _organ_before(text, s) if s and text[s - 1] in ORGAN_END_CHARS else ""
                start = s - len(organ)
                add(_new_mention(Mention, (text[s:p], start, s, p, pm.end(), (organ + pm.group(),), "postfix")))
                break

    # 3. Subjects of role verbs at the start of a clause (洪海表示, 胡心田主持召开).
    for sm in SUBJECT_START_RE.finditer(text):
        i = sm.start()
        n = name_at(text, i, strict=True)
        if n and ROLE_VERB_RE.match(text, i + n):
            add(_new_mention(Mention, (text[i:i + n], i, i, i + n, i + n, (), "subject")))

    # 4. Names under a title followed by a colon (大会执行主席:郑弟平、龚德华).
    for c in _colons(text):
        start, titles = titles_before(text, c)
        if not titles or start != _segment_start(text, start):
            continue
        p = c + 1
        n = name_at(text, p, strict=True)
        if n:
            add(_new_mention(Mention, (text[p:p + n], start, p, p + n, p + n, titles, "title")))

    # 5. Names under a role header, including names padded with a space (孙 平).
    for hl in header_lists(text) if lists is None else lists:
        for name, a, b in hl.names:
            add(_new_mention(Mention, (name, a, a, b, b, (), "header")))

    known = {m.name for m in found.values()}
    searched = False
    settled: set[int] = set()
    while True:
        before = len(found)
        _extend_lists(text, found, known, free, add, settled)
        # Names already searched for cannot be found again where they were not (taken places only grow),
        # so the later mentions are searched for only when the lists brought new names.
        if not searched or len(found) > before:
            _add_known(text, found, known, add)
            searched = True
        if len(found) == before:
            break

    mentions = [found[start] for start in sorted(found)]
    return _inherit_list_titles(text, mentions)


def _extend_lists(text, found, known, free, add, settled: set[int]) -> None:
    """Names joined by 、 or , to a found name belong to the same list.

    ``settled`` gathers the mentions whose walks ended where no later pass can take them further (a
    found name, a non-separator): taken places only grow, so walking them again would add nothing.
    A walk stopped by the name test is not settled, as a longer list of known names may pass it later.
    """
    for start in sorted(found):
        if start in settled:
            continue
        m = found[start]
        # Walk right along the list, then left, so one pass takes a whole list in.
        right_settled = False
        j = m.end
        # A name starting where a found one lies could never be added: the walk ends there.
        while j < len(text) and text[j] in "、,，" and free(j + 1, j + 2):
            n = name_at(text, j + 1, known, strict=True)
            if not (n and free(j + 1, j + 1 + n) and _list_continues(text, j + 1 + n, text[j])):
                break
            add(_new_mention(Mention, (text[j + 1:j + 1 + n], j + 1, j + 1, j + 1 + n, j + 1 + n, (), "list")))
            known.add(text[j + 1:j + 1 + n])
            j += 1 + n
        else:
            right_settled = True
        k = m.start
        # A name found already (or furniture) right before the 、 ends the walk.
        while k > 1 and text[k - 1] == "、" and not (k == m.start and m.titles) and free(k - 2, k - 1):
            s = _segment_start(text, k - 1)
            n = name_at(text, s, known, strict=True) if free(s, s + 1) else 0
            if not (n and s + n == k - 1 and free(s, s + n)):
                break
            add(_new_mention(Mention, (text[s:s + n], s, s, s + n, s + n, (), "list")))
            known.add(text[s:s + n])
            k = s
        else:
            if right_settled:
                settled.add(start)


def _add_known(text, found, known, add) -> None:
    """Later mentions of names already found."""
    for name in sorted(known, key=len, reverse=True):
        # str.find, not a pattern per name: names differ from report to report, so each would be compiled afresh.
        s = -len(name)
        while (s := text.find(name, s + len(name))) >= 0:
            e = s + len(name)
            if s in found or not right_boundary(text, e):
                continue
            if (len(name) < 3 and s and is_cjk(text[s - 1]) and not _left_ok(text, s)
                    and not TITLE_END_RE.search(text[max(0, s - 8):s])):
                continue
            start, titles = titles_before(text, s)
            post = POSTFIX_RE.match(text, e)
            end = post.end() if post and not POST_COMPOUND_RE.match(text, post.end()) else e
            if end > e:
                titles = titles + (post.group(),)
            add(_new_mention(Mention, (name, start, s, e, end, titles, "known")))


def _list_continues(text: str, i: int, sep: str) -> bool:
    # A bare name after a comma joins the list only if the list goes on or ends in a role verb.
    if sep == "、" or i >= len(text):
        return True
    return text[i] in "、,，" or ROLE_VERB_RE.match(text, i) is not None or text.startswith("等", i)


def _inherit_list_titles(text: str, mentions: list[Mention]) -> list[Mention]:
    """A title heading a list (区领导A、B、C) goes to each bare name that follows it."""
    out: list[Mention] = []
    for m in mentions:
        if not m.titles and out:
            prev = out[-1]
            gap = text[prev.end:m.start]
            if gap and not gap.strip("、,，") and prev.titles:
                m = Mention(m.name, m.start, m.name_start, m.name_end, m.end, prev.titles, m.via)
        out.append(m)
    return out
