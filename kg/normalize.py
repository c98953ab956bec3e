"""Normalize report text: repair GBK mojibake, drop pinyin annotations, convert to simplified."""
from __future__ import annotations

import math
import os
import re
import unicodedata
from functools import lru_cache

from kg.records import NormalizedText

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
GARBLED = "traditional-pinyin-garbled"

# Share of CJK characters that t2s changes: traditional reports measure 0.35-0.45,
# simplified ones 0, so one stray traditional character never triggers conversion.
_TRADITIONAL_SHARE = 0.1

# Character flags carried along the text while it is rewritten.
_PLAIN, _REPAIRED, _KEPT = 0, 1, 2

# --- pinyin -----------------------------------------------------------------

_FINALS_BY_INITIALS = (
    ("", "a o e ai ei ao ou an en ang eng er ê"),
    ("b p m", "a o ai ei ao an en ang eng u i ie iao ian in ing"),
    ("p m f", "ou"),
    ("m", "e iu"),
    ("f", "a o ei an en ang eng u"),
    ("d t n l", "a e ai ei ao ou an ang eng ong u uo uan i ie iao ian ing"),
    ("d t", "ui un"),
    ("d n l", "iu"),
    ("d", "en ia"),
    ("n", "en in iang ü üe ue"),
    ("l", "o ia in iang un ü üe ue"),
    ("g k h", "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang"),
    ("j q x", "i ia ie iao iu ian in iang ing iong u ue uan un"),
    ("zh ch sh", "i a e ai ao ou an en ang eng u ua uo uai ui uan un uang"),
    ("zh sh", "ei"),
    ("zh ch", "ong"),
    ("r", "i e ao ou an en ang eng ong u ua uo ui uan un"),
    ("z c s", "i a e ai ao ou an en ang eng ong u uo ui uan un"),
    ("z", "ei"),
    ("y", "a o e ao ou an ang i in ing ong u ue uan un"),
    ("w", "a o ai ei an en ang eng u"),
)


def _generate_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, as initial + final."""
    out: set[str] = set()
    for initials, finals in _FINALS_BY_INITIALS:
        for initial in initials.split() or [""]:
            out.update(initial + final for final in finals.split())
    return frozenset(out)


_SYLLABLES = _generate_syllables()
# Neutral-tone syllables are written without a mark; other toneless words in
# parentheses ("(app)", "(ma)" as a unit) are more likely real text.
_NEUTRAL = frozenset("de le men zi ge me ne ma ba la zhe guo tou li ya wa na".split())
_TONE_MARKS = "\u0304\u0301\u030c\u0300"

_LETTERS = "a-zA-Z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff"
_ANNOTATION = re.compile(rf"[(（][ \u00a0]?([{_LETTERS}]{{1,8}})[ \u00a0]?[)）]")
# The "(" of an annotation swallowed by a garbled byte leaves "?jīng)".
_MARK_PINYIN = re.compile(rf"([{_LETTERS}]{{1,8}})[)）]")


@lru_cache(maxsize=4096)
def is_pinyin_syllable(word: str) -> bool:
    """True for one lowercase pinyin syllable with a tone mark, or a common neutral-tone one."""
    decomposed = unicodedata.normalize("NFD", word)
    marks = sum(decomposed.count(mark) for mark in _TONE_MARKS)
    if marks > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if base not in _SYLLABLES:
        return False
    return marks == 1 or base in _NEUTRAL


def _is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (unified, extension A-G or compatibility)."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3134F)


# --- traditional / simplified -------------------------------------------------

_converter = None


def _t2s():
    """The OpenCC t2s converter, created on first use (loading it costs ~0.1 s)."""
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    return _converter


@lru_cache(maxsize=1)
def _char_map() -> dict[str, str]:
    """OpenCC's traditional -> simplified character table, restricted to characters it changes."""
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    mapping: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            first = value.split(" ")[0]
            if len(key) == 1 and len(first) == 1 and first != key:
                mapping[key] = first
    return mapping


# Traditional variant forms OpenCC's t2s leaves as they are (王玨 stays 玨); the standard form is meant.
VARIANTS = {"玨": "珏", "堦": "阶", "衞": "卫", "淸": "清", "彞": "彝", "靑": "青"}


@lru_cache(maxsize=1)
def _chained_table() -> dict[int, str]:
    """Characters t2s outputs that it would change again (薴 -> 苧 -> 苎) or leaves as variants; one pass leaves them."""
    table = _char_map()
    chained = {**{v: table[v] for v in table.values() if v in table}, **VARIANTS}
    return {ord(k): v for k, v in chained.items()}


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """``_char_map`` as a ``str.translate`` table."""
    return {ord(k): v for k, v in _char_map().items()}


def _simple(text: str) -> str:
    """Character-by-character t2s: what the converter does outside its phrases, and how repairs are judged."""
    return text.translate(_char_table())


@lru_cache(maxsize=1)
def _phrases() -> frozenset[str]:
    """The phrases OpenCC's t2s converts as wholes."""
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSPhrases.txt")
    with open(path, encoding="utf-8") as f:
        return frozenset(line.strip().split("\t")[0] for line in f if line.strip())


@lru_cache(maxsize=1)
def _phrase_re() -> re.Pattern[str]:
    """Any of t2s's phrases, the longest one where several start at the same place."""
    # Grouped by first character, so that the engine tries one group at a place, not every phrase.
    by_first: dict[str, list[str]] = {}
    for p in sorted(_phrases(), key=lambda p: (-len(p), p)):
        by_first.setdefault(p[0], []).append(re.escape(p[1:]))
    return re.compile("|".join(f"{re.escape(c)}(?:{'|'.join(rests)})" for c, rests in sorted(by_first.items())))


def _phrase_stretches(text: str) -> list[list[int]]:
    """The stretches of ``text`` that occurrences of t2s phrases cover, overlapping occurrences as one."""
    rx = _phrase_re()
    stretches: list[list[int]] = []
    m = rx.search(text)
    while m is not None:
        a, b = m.span()
        if stretches and a < stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], b)
        else:
            stretches.append([a, b])
        m = rx.search(text, a + 1)
    return stretches


@lru_cache(maxsize=1)
def _simple_chained_table() -> dict[int, str]:
    """``_simple`` followed by ``_chained_table``, as one table."""
    chained = _chained_table()
    table = {ord(k): chained.get(ord(v), v) for k, v in _char_map().items()}
    for k, v in chained.items():
        table.setdefault(k, v)
    return table


def _to_simplified(text: str) -> str:
    """OpenCC's t2s of ``text`` (``_simple`` if it changes the length), then ``_chained_table``.

    The library runs only where one of its phrases occurs. It picks phrases longest first within
    each run between separators (which no phrase holds), so phrases that do not overlap one another
    are picked independently; every character outside a phrase goes through its character table.
    """
    out: list[str] = []
    pos = 0
    for a, b in _phrase_stretches(text):
        phrase = _t2s().convert(text[a:b])
        if len(phrase) != b - a:  # t2s keeps length; never let offsets drift
            return text.translate(_simple_chained_table())
        out.append(text[pos:a].translate(_simple_chained_table()))
        out.append(phrase.translate(_chained_table()))
        pos = b
    out.append(text[pos:].translate(_simple_chained_table()))
    return "".join(out)


# The complement of _is_cjk's ranges, in runs: a report is mostly CJK, so counting what lies between
# the runs takes few matches, all found in C.
_NON_CJK_RUN_RE = re.compile("[^\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]+")


@lru_cache(maxsize=1)
def _changed_res() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """Character classes of what t2s changes: the BMP characters, and those beyond it (None if none).

    Counting with them runs in C. They are kept apart because a class holding characters beyond the
    BMP is searched as a list, which is slower than a lookup per character; the BMP class is a table.
    """
    chars = sorted(_char_map())
    bmp = [c for c in chars if c <= "\uffff"]
    astral = [c for c in chars if c > "\uffff"]
    return (re.compile("[" + "".join(map(re.escape, bmp)) + "]"),
            re.compile("[" + "".join(map(re.escape, astral)) + "]") if astral else None)


# Any character beyond the BMP: one range, so searching for it is a table lookup per character.
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _changed_or_astral_re() -> re.Pattern[str]:
    """A character t2s changes in the BMP, or any beyond it: one search tells most reports apart."""
    return re.compile("[" + "".join(map(re.escape, (c for c in sorted(_char_map()) if c <= "\uffff")))
                      + "\U00010000-\U0010ffff]")


def _traditional_share(text: str) -> float:
    """Share of CJK characters that t2s would change."""
    if _changed_or_astral_re().search(text) is None:
        return 0.0  # most reports: nothing t2s changes, and nothing beyond the BMP to look at
    bmp, astral = _changed_res()
    changed = len(bmp.findall(text))
    if astral is not None and _ASTRAL_RE.search(text):
        changed += len(astral.findall(text))
    if not changed:
        return 0.0  # most reports: no need to count the CJK characters
    cjk = len(text) - sum(map(len, _NON_CJK_RUN_RE.findall(text)))
    return changed / cjk if cjk else 0.0


# --- GBK mojibake ---------------------------------------------------------------

# A misaligned run ends at the first real character whose trail byte is ASCII, so
# runs are short in practice; the cap only bounds the work on odd input.
_MAX_RUN = 16
# A repaired character standing alone must be at least this frequent in jieba's
# dictionary (县 25322, 冲 8402, 亟 182).
_SINGLE_MIN = 2000
_URLISH = frozenset("/=&%.:#+-_")
# Repair passes repeat until nothing changes; real reports settle in two.
_MAX_PASSES = 32


@lru_cache(maxsize=8192)
def _gbk_pair(ch: str) -> bytes | None:
    """The two GBK bytes of ch, or None for ASCII and characters GBK lacks."""
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None


def _decode_pairs(data: bytes) -> str | None:
    """Decode GBK bytes that must form two-byte characters only."""
    try:
        text = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    return text if len(text) * 2 == len(data) else None


@lru_cache(maxsize=None)
def _gb2312_row(ch: str) -> int:
    """Lead byte of the simplified form of ch in GB2312, or 0."""
    try:
        data = _char_map().get(ch, ch).encode("gb2312")
    except UnicodeEncodeError:
        return 0
    return data[0] if len(data) == 2 else 0


def _hanzi(ch: str) -> bool:
    """A GB2312 level-1 or level-2 hanzi once simplified: what a real report is made of."""
    return 0xB0 <= _gb2312_row(ch) <= 0xF7


def _readable(ch: str) -> bool:
    """A GB2312 hanzi or GB2312 punctuation once simplified."""
    return _hanzi(ch) or 0xA1 <= _gb2312_row(ch) <= 0xA3


@lru_cache(maxsize=512)
def _with_lead(trail: int) -> tuple[str, ...]:
    """Hanzi whose GBK trail byte is ``trail``, one per candidate lead byte 0x81-0xFE."""
    out = []
    for lead in range(0x81, 0xFF):
        ch = _decode_pairs(bytes((lead, trail)))
        if ch and _hanzi(ch):
            out.append(ch)
    return tuple(out)


@lru_cache(maxsize=512)
def _with_trail(lead: int) -> tuple[str, ...]:
    """Hanzi whose GBK lead byte is ``lead``, one per candidate trail byte."""
    out = []
    for trail in range(0x40, 0xFF):
        if trail == 0x7F:
            continue
        ch = _decode_pairs(bytes((lead, trail)))
        if ch and _hanzi(ch):
            out.append(ch)
    return tuple(out)


@lru_cache(maxsize=1)
def _jieba():
    """jieba's default tokenizer with its dictionary loaded (~0.6 s, only for garbled reports)."""
    import jieba

    jieba.dt.check_initialized()
    return jieba.dt


def _score(window: str) -> tuple[float, list[tuple[int, int]]]:
    """Log-probability of jieba's best segmentation of ``window``, and its words."""
    dt = _jieba()
    route: dict[int, tuple[float, int]] = {}
    dt.calc(window, dt.get_DAG(window), route)
    words = []
    i = 0
    while i < len(window):
        j = route[i][1] + 1
        words.append((i, j))
        i = j
    return route[0][0], words


def _plausible(window: str, words: list[tuple[int, int]], lo: int, hi: int,
               variable: tuple[int, ...]) -> bool:
    """Whether the repaired characters window[lo:hi] read as ordinary Chinese."""
    freq = _jieba().FREQ
    in_word = [False] * len(window)
    for a, b in words:
        if b - a > 1:
            for k in range(a, b):
                in_word[k] = True
    for k in variable:
        if not in_word[k] and (freq.get(window[k]) or 0) < _SINGLE_MIN:
            return False
    if hi - lo >= 3:
        return sum(in_word[lo:hi]) * 2 >= hi - lo
    return True


def _strip_annotations(text: str) -> str:
    """Text without any pinyin annotation, for judging context."""
    return _ANNOTATION.sub(lambda m: "" if is_pinyin_syllable(m.group(1)) else m.group(0), text)


def _left_context(before: str) -> str:
    """Up to four simplified characters before a span, stopping at other garbled text."""
    raw = _strip_annotations(before[-24:])
    return _simple(raw[raw.rfind("?") + 1:][-4:])


def _right_context(text: str, end: int) -> str:
    """Up to four simplified characters after a span, stopping at other garbled text."""
    raw = _strip_annotations(text[end:end + 24])
    cut = raw.find("?")
    return _simple((raw if cut < 0 else raw[:cut])[:4])


def _skip_mark(text: str, j: int) -> int:
    """Index after a "<pinyin>)" remnant at j, or j when there is none."""
    m = _MARK_PINYIN.match(text, j)
    return m.end() if m and is_pinyin_syllable(m.group(1)) else j


def _parse_garble(text: str, i: int, prev: str) -> tuple[int, bytes, int | None] | None:
    """The garbled span at the "?" at i as (end, run bytes, realigning trail byte or None)."""
    # A lost lead byte left "?" (followed by "<pinyin>)" when an annotation's "(" went with
    # it); the next characters are the real bytes read one byte late, up to an ASCII
    # character that is really the trail byte of the last real character, or up to another
    # "?" that swallowed that trail byte.
    if prev and (prev.isascii() and prev.isalnum() or prev in _URLISH):
        return None
    n = len(text)
    j = _skip_mark(text, i + 1)
    run = bytearray()
    while j < n and len(run) < 2 * _MAX_RUN:
        pair = _gbk_pair(text[j])
        if pair is None:
            break
        run += pair
        j += 1
        # Annotations after a character go with it, as the removal step chains them.
        m = _ANNOTATION.match(text, j)
        while m and is_pinyin_syllable(m.group(1)):
            j = m.end()
            m = _ANNOTATION.match(text, j)
    if j >= n:
        return None
    ch = text[j]
    if "\x40" <= ch <= "\x7e":
        if j + 1 < n and text[j + 1].isascii() and text[j + 1].isalnum():
            return None  # an ASCII word, not a stray trail byte
        return j + 1, bytes(run), ord(ch)
    if ch == "?" and run:
        end = _skip_mark(text, j + 1)
        return end, bytes(run), None
    return None


class _DocStats:
    """Character and bigram counts of the report itself, the best judge of its own vocabulary."""

    def __init__(self, text: str) -> None:
        self.raw = text
        self.simple = _simple(_strip_annotations(text))
        self._chars: dict[str, int] | None = None

    def bonus(self, ch: str, before: str, after: str) -> float:
        """Log-count evidence that the report uses ch, and ch next to its neighbours."""
        if self._chars is None:
            counts: dict[str, int] = {}
            for c in self.raw:
                counts[c] = counts.get(c, 0) + 1
            self._chars = counts
        simple = _simple(ch)
        score = 1.5 * math.log1p(self._chars.get(ch, 0))
        if before:
            score += math.log1p(self.simple.count(before + simple))
        if after:
            score += math.log1p(self.simple.count(simple + after))
        return score


def _best_repair(text: str, before: str, end: int, run: bytes, trail: int | None,
                 stats: _DocStats) -> str | None:
    """The most plausible reading of a garbled span, or None when no reading is plausible."""
    left = _left_context(before)
    right = _right_context(text, end)
    if trail is not None:
        if run:
            firsts = _with_lead(run[0])
            fixed = _decode_pairs(run[1:] + bytes((trail,)))
        else:
            firsts = _with_lead(trail)
            fixed = ""
        lasts: tuple[str, ...] = ("",)
    else:
        firsts = _with_lead(run[0])
        fixed = _decode_pairs(run[1:-1])
        lasts = _with_trail(run[-1])
    if fixed is None or not firsts or not lasts or not all(_readable(c) for c in fixed):
        return None
    fixed_simple = _simple(fixed)
    first_after = fixed_simple[:1] or (right[:1] if trail is not None else "")
    last_before = fixed_simple[-1:]
    if trail is None:
        # Lead and trail are independent: shortlist each against its own side of the context.
        firsts = _shortlist(firsts, left, fixed_simple, stats)
        lasts = _shortlist(lasts, fixed_simple, right, stats)
    lo = len(left)
    best: tuple[float, str, str, list[tuple[int, int]]] | None = None
    for first in firsts:
        first_bonus = stats.bonus(first, left[-1:], first_after)
        for last in lasts:
            window = left + _simple(first) + fixed_simple + _simple(last) + right
            score, words = _score(window)
            score += first_bonus
            if last:
                score += stats.bonus(last, last_before or _simple(first), right[:1])
            if best is None or score > best[0]:
                best = (score, first + fixed + last, window, words)
    if best is None:
        return None
    _, candidate, window, words = best
    hi = lo + len(candidate)
    variable = (lo, hi - 1) if trail is None else (lo,)
    return candidate if _plausible(window, words, lo, hi, variable) else None


def _shortlist(options: tuple[str, ...], before: str, after: str, stats: _DocStats,
               keep: int = 6) -> tuple[str, ...]:
    """The ``keep`` best-scoring characters between ``before`` and ``after``."""
    scored = []
    for ch in options:
        score = _score(before + _simple(ch) + after)[0]
        scored.append((score + stats.bonus(ch, before[-1:], after[:1]), ch))
    scored.sort(key=lambda x: -x[0])
    return tuple(ch for _, ch in scored[:keep])


def _repair_pass(text: str, offsets: list[int], flags: bytearray):
    """One left-to-right pass of mojibake repair; returns the rewritten state and repair count."""
    out: list[str] = []
    new_offsets: list[int] = []
    new_flags = bytearray()
    pos = 0
    repaired = 0
    tail = ""  # the end of the rewritten text, for the left context of the next span
    # Spans kept by an earlier pass are judged again: their context may have been repaired since.
    flags = flags.replace(bytes([_KEPT]), bytes([_PLAIN]))
    stats: _DocStats | None = None
    i = text.find("?")
    while i >= 0:
        before = (tail + text[pos:i])[-24:]
        parsed = _parse_garble(text, i, before[-1:])
        if parsed is None:
            i = text.find("?", i + 1)
            continue
        end, run, trail = parsed
        if stats is None:
            stats = _DocStats(text)
        fix = _best_repair(text, before, end, run, trail, stats)
        if fix is None:
            # Keep the span exactly as found (no annotation removal, no t2s) so that
            # normalizing the result again reads the same bytes and rejects it again.
            for k in range(i, end):
                flags[k] = _KEPT
            i = text.find("?", i + 1)
            continue
        out.append(text[pos:i])
        new_offsets.extend(offsets[pos:i])
        new_flags += flags[pos:i]
        width = end - i
        for k in range(len(fix)):
            new_offsets.append(offsets[i + k * width // len(fix)])
        new_flags += bytes([_REPAIRED]) * len(fix)
        out.append(fix)
        tail = before + fix
        pos = end
        repaired += 1
        i = text.find("?", end)
    if not repaired:
        return text, offsets, flags, 0
    out.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    new_flags += flags[pos:]
    return "".join(out), new_offsets, new_flags, repaired


def _unreadable(text: str, flags: bytearray) -> list[tuple[int, int]]:
    """Spans left garbled: kept spans, "?" runs, and a "?" touching a repaired character."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        if flags[i] == _KEPT:
            j = i
            while j < n and flags[j] == _KEPT:
                j += 1
            spans.append((i, j))
        elif text[i] == "?":
            j = i
            while j < n and text[j] == "?" and flags[j] != _KEPT:
                j += 1
            touching = (i and flags[i - 1] == _REPAIRED) or flags[j] == _REPAIRED
            if j - i >= 2 or touching:
                spans.append((i, j))
        else:
            j = i + 1
        i = j
    return spans


# --- pinyin removal ---------------------------------------------------------------

def _drop_annotations(text: str, offsets: list[int], flags: bytearray):
    """Delete pinyin annotations that follow a CJK character or another annotation."""
    out: list[str] = []
    new_offsets: list[int] = []
    new_flags = bytearray()
    pos = 0
    last_end = -1
    removed = 0
    for m in _ANNOTATION.finditer(text):
        a = m.start()
        if a == 0 or flags[a] == _KEPT or not is_pinyin_syllable(m.group(1)):
            continue
        if a != last_end and not _is_cjk(text[a - 1]):
            continue
        out.append(text[pos:a])
        new_offsets.extend(offsets[pos:a])
        new_flags += flags[pos:a]
        pos = last_end = m.end()
        removed += 1
    if not removed:
        return text, offsets, flags, 0
    out.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    new_flags += flags[pos:]
    return "".join(out), new_offsets, new_flags, removed


# --- entry point ------------------------------------------------------------------

# Identity offsets of texts up to this long are slices of one shared tuple: slicing copies references,
# where building a tuple from a range makes an int object per character.
_IDENTITY_MAX = 1 << 16
_identity_offsets: tuple[int, ...] = ()


def _identity(n: int) -> tuple[int, ...]:
    """``tuple(range(n))``."""
    global _identity_offsets
    if n > _IDENTITY_MAX:
        return tuple(range(n))
    if n > len(_identity_offsets):
        _identity_offsets = tuple(range(_IDENTITY_MAX + 1))
    return _identity_offsets[:n]


def normalize(text: str) -> NormalizedText:
    """Repair mojibake, drop pinyin annotations and convert traditional text to simplified."""
    original = text
    offsets: list[int] | None = None
    flags: bytearray | None = None
    warnings: list[str] = []
    removed = 0

    if "?" in text or "(" in text or "（" in text:
        offsets = list(_identity(len(text) + 1))
        flags = bytearray(len(text) + 1)
        repairs = 0
        if "?" in text:
            # Repeat until stable so that one more pass over the result changes nothing.
            for _ in range(_MAX_PASSES):
                text, offsets, flags, repaired = _repair_pass(text, offsets, flags)
                repairs += repaired
                if not repaired:
                    break
            for a, b in _unreadable(text, flags):
                s, e = offsets[a], offsets[b]
                warnings.append(f"unreadable span at {s}-{e}: {original[s:e]!r}")
        text, offsets, flags, removed = _drop_annotations(text, offsets, flags)
        if not repairs and not removed:
            offsets = None  # nothing rewritten: the identity

    kept = flags is not None and _KEPT in flags[:len(text)]
    probe = "".join(c for c, f in zip(text, flags) if f != _KEPT) if kept else text
    script = SIMPLIFIED
    if _traditional_share(probe) >= _TRADITIONAL_SHARE:
        script = GARBLED if removed else TRADITIONAL
        converted = _to_simplified(text)
        if kept:
            converted = "".join(o if f == _KEPT else c for c, o, f in zip(converted, text, flags))
        text = converted

    return NormalizedText(
        text=text,
        original=original,
        offsets=_identity(len(original) + 1) if offsets is None else tuple(offsets),
        script=script,
        warnings=tuple(warnings),
    )


__all__ = ["normalize", "is_pinyin_syllable", "SIMPLIFIED", "TRADITIONAL", "GARBLED"]
