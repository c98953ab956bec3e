"""Person mentions: names found after titles, in name lists, before post-posed titles and as subjects of role verbs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import (COMPOUND_SURNAMES, NAME_FOLLOWERS, POSTS, ROLE_VERBS, VISIT_VERBS, is_surname_start)
from .text import is_cjk

POST_RE = re.compile("|".join(map(re.escape, POSTS)))
TITLE_END_RE = re.compile(f"(?:{'|'.join(map(re.escape, POSTS))})$")
FOLLOWER_RE = re.compile("|".join(map(re.escape, NAME_FOLLOWERS)))
ROLE_VERB_RE = re.compile("|".join(map(re.escape, sorted(
    {v for vs in ROLE_VERBS.values() for v in vs} | set(VISIT_VERBS), key=len, reverse=True))))
# Words that end the text before a title: a title starts after the last of them.
TITLE_JUNK_RE = re.compile(
    r"会议由|主持召开|召开|举行|主持|出席|参加|列席|陪同|邀请|听取|会见|其中|包括|以及|还有|记者|通讯员|"
    r"上午|下午|晚上|同志|本报讯|讯|\d+日|学习|贯彻|落实|传达|专题|如何|关于|根据|按照|结合|围绕|"
    r"[由是了的和与及对向把将被从就到请经据为在等即]"
)
SEPARATORS = frozenset("、,，;；:：。！？!?()（）“”\"'《》|·•◆■●【】[]")


def is_separator(ch: str) -> bool:
    """True for punctuation or white space that ends a title or a name."""
    return ch in SEPARATORS or ch.isspace()
POSTFIX_TITLES = ("总书记", "书记", "省长", "市长", "县长", "区长", "州长", "镇长", "乡长", "主任", "主席", "部长",
                  "局长", "董事长", "总经理", "委员长", "总理", "院长", "校长", "会长", "秘书长", "副市长",
                  "副县长", "副区长", "副主任", "副主席", "教授")
# A post-posed title is not one when it goes on as a longer word (书记处, 主席团, 主任委员).
POST_COMPOUND_RE = re.compile("处|团|会|办|室|组|级|助理|委员|职|位|岗")
POSTFIX_RE = re.compile("|".join(map(re.escape, sorted(POSTFIX_TITLES, key=len, reverse=True))))
# Words a name may directly follow when no title precedes it.
LEFT_WORDS = ("学习", "传达", "贯彻", "落实", "听取", "陪同", "会见", "欢迎", "感谢", "邀请", "同", "在", "对", "向",
              "和", "与", "及", "了", "的", "由", "请", "受", "经", "据", "代表", "委托", "批示", "看望", "并")
# Characters of organs and ranks that do not occur in a given name.
NOT_IN_GIVEN_NAME_RE = re.compile("[委副党府局办县市省镇乡会部处厅署等和及与]")
COLLECTIVE_START = ("各", "全体", "有关", "相关", "部分", "其他", "其余", "与会", "在家", "驻", "区属", "县直", "市直", "区直")


@dataclass(frozen=True)
class Mention:
    """One written occurrence of a person's name, with the titles written with it."""

    name: str
    start: int  # where the titles written before the name begin (== name_start when none)
    name_start: int
    name_end: int
    end: int  # after a post-posed title, else == name_end
    titles: tuple[str, ...]
    via: str  # title, list, postfix, subject, known


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    import jieba.posseg  # loaded lazily: ~1 s, only when names must be told from words

    return jieba.posseg.dt.word_tag_tab


def is_common_word(s: str) -> bool:
    """True when jieba's dictionary knows ``s`` as something other than a person name."""
    tag = _word_tags().get(s)
    return tag is not None and not tag.startswith("nr")


def right_boundary(text: str, i: int) -> bool:
    """True when a name may end at ``i``."""
    return i >= len(text) or not is_cjk(text[i]) or FOLLOWER_RE.match(text, i) is not None


def name_at(text: str, pos: int, known: frozenset[str] | set[str] = frozenset(), *, strict: bool = False) -> int:
    """Length of the person name starting at ``pos``, or 0 when none fits there."""
    if pos >= len(text) or not is_surname_start(text[pos:pos + 2]):
        return 0
    lengths = (4, 3) if text[pos:pos + 2] in COMPOUND_SURNAMES else (3, 2)
    fits = []
    for n in lengths:
        cand = text[pos:pos + n]
        if len(cand) < n or not all(is_cjk(c) for c in cand):
            continue
        if cand in known:
            return n
        if not right_boundary(text, pos + n):
            continue
        if (strict or n == 2) and is_common_word(cand):
            continue
        if POST_RE.match(cand, 1) or NOT_IN_GIVEN_NAME_RE.search(cand, 1):
            continue
        fits.append(n)
    if not fits:
        return 0
    if len(fits) == 2 and FOLLOWER_RE.match(text, pos + fits[1]) is not None:
        return fits[1]  # 刘松等出席: 等 ends the name
    return fits[0]


def _segment_start(text: str, end: int) -> int:
    i = end
    while i > 0 and not is_separator(text[i - 1]):
        i -= 1
    return i


def _clean_title(raw: str) -> str:
    last = None
    for m in TITLE_JUNK_RE.finditer(raw):
        if raw.startswith("有限", m.start()):
            continue
        last = m
    title = raw[last.end():] if last else raw
    if not title or len(title) > 30 or not TITLE_END_RE.search(title) or title.startswith(COLLECTIVE_START):
        return ""
    return title


def titles_before(text: str, name_start: int) -> tuple[int, tuple[str, ...]]:
    """The titles written right before a name (区委副书记、区长邱伟), and where they start."""
    seg = _segment_start(text, name_start)
    title = _clean_title(text[seg:name_start])
    if not title:
        return name_start, ()
    titles = [title]
    start = name_start - len(title)
    # Earlier titles joined by 、 belong to the same person while they are titles only.
    while seg > 0 and text[seg - 1] == "、":
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
    return any(text.endswith(w, 0, pos) for w in LEFT_WORDS)


def find_mentions(text: str, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Every person mention in ``text`` outside the excluded spans, in text order."""
    found: dict[int, Mention] = {}

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in excluded) and not any(
            m.name_start < b and a < m.name_end for m in found.values())

    def add(m: Mention) -> None:
        if free(m.name_start, m.name_end):
            found[m.name_start] = m

    # 1. Names right after a title.
    for pm in POST_RE.finditer(text):
        p = pm.end()
        n = name_at(text, p)
        if not n:
            continue
        start, titles = titles_before(text, p)
        if not titles:
            continue
        add(Mention(text[p:p + n], start, p, p + n, p + n, titles, "title"))

    # 2. Names before a post-posed title (陈敏书记, 吴贤德市长).
    for pm in POSTFIX_RE.finditer(text):
        p = pm.start()
        if POST_COMPOUND_RE.match(text, pm.end()):
            continue
        for n in (4, 3, 2):
            s = p - n
            if s < 0 or not _left_ok(text, s):
                continue
            if name_at(text, s, strict=True) == n:
                add(Mention(text[s:p], s, s, p, pm.end(), (pm.group(),), "postfix"))
                break

    # 3. Subjects of role verbs at the start of a clause (洪海表示, 胡心田主持召开).
    for i, ch in enumerate(text):
        if i and not is_separator(text[i - 1]):
            continue
        n = name_at(text, i, strict=True)
        if n and ROLE_VERB_RE.match(text, i + n):
            add(Mention(text[i:i + n], i, i, i + n, i + n, (), "subject"))

    known = {m.name for m in found.values()}
    while True:
        before = len(found)
        _extend_lists(text, found, known, free, add)
        _add_known(text, found, known, add)
        if len(found) == before:
            break

    mentions = sorted(found.values(), key=lambda m: m.name_start)
    return _inherit_list_titles(text, mentions)


def _extend_lists(text, found, known, free, add) -> None:
    """Names joined by 、 or , to a found name belong to the same list."""
    for m in sorted(found.values(), key=lambda m: m.name_start):
        j = m.end
        if j < len(text) and text[j] in "、,，" and j + 1 not in found:
            n = name_at(text, j + 1, known, strict=True)
            if n and free(j + 1, j + 1 + n) and _list_continues(text, j + 1 + n, text[j]):
                add(Mention(text[j + 1:j + 1 + n], j + 1, j + 1, j + 1 + n, j + 1 + n, (), "list"))
                known.add(text[j + 1:j + 1 + n])
        k = m.start
        if k > 1 and text[k - 1] == "、" and not m.titles:
            s = _segment_start(text, k - 1)
            n = name_at(text, s, known, strict=True)
            if n and s + n == k - 1 and free(s, s + n):
                add(Mention(text[s:s + n], s, s, s + n, s + n, (), "list"))
                known.add(text[s:s + n])


def _add_known(text, found, known, add) -> None:
    """Later mentions of names already found."""
    for name in sorted(known, key=len, reverse=True):
        for mm in re.finditer(re.escape(name), text):
            s, e = mm.start(), mm.end()
            if s in found or not right_boundary(text, e):
                continue
            if s and is_cjk(text[s - 1]) and not _left_ok(text, s) and not TITLE_END_RE.search(text[max(0, s - 8):s]):
                continue
            start, titles = titles_before(text, s)
            post = POSTFIX_RE.match(text, e)
            end = post.end() if post and not POST_COMPOUND_RE.match(text, post.end()) else e
            if end > e:
                titles = titles + (post.group(),)
            add(Mention(name, start, s, e, end, titles, "known"))


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
            if gap and all(c in "、,，" for c in gap) and prev.titles:
                m = Mention(m.name, m.start, m.name_start, m.name_end, m.end,
                            tuple(t for t in prev.titles), m.via)
        out.append(m)
    return out
