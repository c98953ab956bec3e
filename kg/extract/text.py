"""Sentences, paragraphs and dates found in normalized report text, with their spans."""
from __future__ import annotations

import re
from typing import NamedTuple


SENTENCE_END = "。！？!?"
# A paragraph break: newlines, or the run of spaces scraped pages leave between paragraphs (after a
# sentence's end). Starting with the class of the break's first characters, and checking what precedes
# a space after it, lets the regex engine skip ahead to white space.
PARAGRAPH_RE = re.compile(r"[\n \u3000\xa0](?:(?<=\n)\n*|(?<=[。！？!?”:：|][ \u3000\xa0])[ \u3000\xa0]*)")
SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}\n]+(?:[{SENTENCE_END}]+[”’」』]?)?")

DATE_RE = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?"
    # 13月5日 is read whole (and later found impossible), never as 3月5日
    r"(?<![\d〇零一二三四五六七八九十])(?P<month>[01]?\d|十[一二]?|[一二三四五六七八九])\s*月\s*"
    r"(?P<day>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])\s*"
    r"(?:[日号]|(?=上午|下午|晚上|晚间|早上|傍晚|凌晨))"  # 3月4下午: the 日 is sometimes left out
    r"(?P<tod>上午|下午|晚上|晚间|早上|中午|晚|傍晚|凌晨)?"
)
# A date given as the day alone at the head of a report (5日晚,…), month and year left to the reader.
DAY_ONLY_RE = re.compile(
    r"^(?:[(（][^()（）]{0,30}[)）]|本报讯|讯|[\s\u3000])*"
    r"(?P<day>3[01]|[12]\d|0?[1-9])\s*日(?P<tod>上午|下午|晚上|晚间|早上|中午|晚|傍晚|凌晨)?(?=[,，\s]|[^\d])"
)
YEAR_RE = re.compile(r"(?<![\d第])((?:19|20)\d{2})\s*(?:年|(?=[上下]半年))(?!\d{1,2}月\d)")

TIME_OF_DAY = {"上午": "上午", "下午": "下午", "晚上": "晚上", "晚间": "晚上", "晚": "晚上", "傍晚": "晚上",
               "早上": "上午", "中午": None, "凌晨": None}


class Sentence(NamedTuple):
    """A sentence with its span and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int


# Built straight from a tuple: the named tuple's own constructor is a Python function, costly for every sentence.
_new_sentence = tuple.__new__


def cn_number(s: str) -> int:
    """Parse 1-31 written in Arabic or Chinese digits (十二, 二十六)."""
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    digits["零"] = 0
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s, 0)


def sentences(text: str) -> list[Sentence]:
    """Split text into sentences, numbering paragraphs as they go."""
    out: list[Sentence] = []
    para = 0
    pos = 0
    for brk in list(PARAGRAPH_RE.finditer(text)) + [None]:
        end = brk.start() if brk else len(text)
        # SENTENCE_RE looks neither ahead nor behind, so scanning within the bounds is scanning a copy.
        for m in SENTENCE_RE.finditer(text, pos, end):
            s = m.group()
            start = m.start()
            # Most sentences have no white space at either end, and need no stripping.
            if s[0].isspace() or s[-1].isspace():
                stripped = s.strip()
                if not stripped:
                    continue
                start += len(s) - len(s.lstrip())
                s = stripped
            out.append(_new_sentence(Sentence, (start, start + len(s), s, para)))
        para += 1
        if brk:
            pos = brk.end()
    return out


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph."""
    return "\u4e00" <= ch <= "\u9fff"
