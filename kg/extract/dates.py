"""Meeting dates: the year (and month) a report leaves out, inferred the way a careful reader would."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from .lexicon import ANNIVERSARIES, NPC_TERMS, PARTY_CONGRESSES
from .text import YEAR_RE, cn_number

PLAN_RE = re.compile(r"\s*(?:年)?(?:度)?(?:全年|全市|全县|全区)?[^,，。;；]{0,6}?(?:工作思路|工作要点|工作计划|计划|目标任务|预算|重点工作|工作安排)")
PLANNING_MONTH = 10  # from October on, meetings plan the coming year
FAR_YEAR_RE = re.compile(r"到|至|截至|截止|远景|以来|以前|前")
CN_INT = "〇零一二三四五六七八九十百"
# 十四届全国人大二次会议, 第十四届全国人民代表大会第二次会议, 全国政协十四届二次会议
NPC_SESSION_RE = re.compile(
    r"(?:第?(十[一二三四五]?)届全国(?:人大|人民代表大会|政协)第?([一二三四五])次会议"
    r"|全国(?:人大|政协)(十[一二三四五]?)届([一二三四五])次会议)")
ANNIVERSARY_RE = re.compile(
    "(" + "|".join(sorted((re.escape(a) for a, _ in ANNIVERSARIES), key=len, reverse=True)) + ")"
    rf"[^。,，;；]{{0,4}}?(\d{{1,3}}|[{CN_INT}]{{1,5}})\s*周年")
ANNIVERSARY_BASE = dict(ANNIVERSARIES)


def _cn_int(s: str) -> int:
    """Parse 1-999 in Arabic or Chinese digits (一百零四, 七十)."""
    if s.isdigit():
        return int(s)
    total = 0
    if "百" in s:
        h, _, s = s.partition("百")
        total += (cn_number(h) if h else 1) * 100
        s = s.lstrip("零〇")
    return total + (cn_number(s) if s else 0)


@lru_cache(maxsize=16)  # asked once per year-less meeting of a report, with few distinct months
def context_year(month: int | None, text: str) -> int | None:
    """A year fixed by events the report refers to: party congresses, NPC sessions, anniversaries."""
    for congress, (cy, cm) in PARTY_CONGRESSES.items():
        if month is None:
            break
        if re.search(f"迎接党的{congress}|迎接{congress}|喜迎{congress}|喜迎党的{congress}", text) and month <= cm:
            return cy
        if re.search(f"{congress}精神|{congress}胜利闭幕|{congress}胜利召开", text) and month >= cm:
            return cy
    for m in NPC_SESSION_RE.finditer(text):
        term, session = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        # The sessions sit in March; a report that refers to one comes after it.
        if term in NPC_TERMS and month is not None and month >= 3:
            return NPC_TERMS[term] + cn_number(session) - 1
    for m in ANNIVERSARY_RE.finditer(text):
        n = _cn_int(m.group(2))
        if 0 < n < 200:
            return ANNIVERSARY_BASE[m.group(1)] + n
    return None


# Every year-less meeting of a report asks about the same text; caching per report keeps a report
# with many meetings linear in its length (the cache is small: it holds on to the texts).
@lru_cache(maxsize=4)
def _latest_year(text: str, planning: bool) -> int | None:
    """The latest year the text names, a planned year counting as the one before when ``planning``."""
    years = []
    for m in YEAR_RE.finditer(text):
        around = text[max(0, m.start() - 3):m.start()] + text[m.end():m.end() + 3]
        if FAR_YEAR_RE.search(around):
            continue
        year = int(m.group(1))
        # a year being planned (2024年工作思路) is the meeting's own in its first months, the next one late in a year
        if planning and PLAN_RE.match(text, m.end()):
            year -= 1
        years.append(year)
    return max(years) if years else None


def infer_year(month: int, day: int, published: str | None, text: str) -> int | None:
    """The year of a year-less date, from the publication date, years in the text, or context."""
    if published:
        py, pm, pd = (int(x) for x in published.split("-"))
        return py if (month, day) <= (pm, pd) else py - 1
    year = _latest_year(text, month >= PLANNING_MONTH)
    if year is not None:
        return year
    return context_year(month, text)


def infer_month(day: int, published: str | None) -> tuple[int | None, int | None]:
    """Year and month of a date written as the day alone (5日晚): the latest such day up to publication."""
    if not published:
        return None, None
    py, pm, pd = (int(x) for x in published.split("-"))
    if day <= pd:
        return py, pm
    return (py, pm - 1) if pm > 1 else (py - 1, 12)


def iso_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """ISO date, with XXXX for an unknown year and XX for an unknown month; None without a day."""
    if day is None or not 1 <= day <= 31:
        return None
    if month is None:
        return f"XXXX-XX-{day:02d}"
    if not 1 <= month <= 12:
        return None
    # 2月30日 is no date; with the year unknown, 2000 (a leap year) lets 2月29日 through
    if day > calendar.monthrange(year or 2000, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}"


def meeting_date(year: int | None, month: int | None, day: int | None, published: str | None,
                 text: str, day_offset: int | None = None) -> str | None:
    """The ISO date of a meeting from what its sentence gives, completed from the rest of the report.

    ``day_offset`` is for 今天 (0) and 昨天 (-1): days from the publication date.
    """
    if day is None:
        if day_offset is None or not published:
            return None
        return (date.fromisoformat(published) + timedelta(days=day_offset)).isoformat()
    if month is None:
        year, month = infer_month(day, published)
    elif year is None:
        year = infer_year(month, day, published, text)
    return iso_date(year, month, day)
