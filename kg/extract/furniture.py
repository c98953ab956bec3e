"""Page furniture: publication date, bylines and breadcrumbs, recognised so they never become meeting facts."""
from __future__ import annotations

import re

from .lexicon import CJK, is_surname_start

PUBLISHED_RE = re.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|更新时间|内容更新时间|发布于|时间|日期)\s*[:：]?\s*"
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
# A date with a clock time near the top of a page is the page's time stamp (来源:温江融媒 2023年10月26日 20:45).
STAMP_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?\s+\d{1,2}:\d{2}")
# A bare date line at the top of a page; a weekday after it marks the day the page was viewed, not published.
BANNER_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?(?![\d日]|\s*星期)", re.M)
CREDIT = r"记者|通讯员|责任编辑|编辑|责编|审核|审稿人|审稿|初审|复审|终审|校对|供稿|撰稿|作者|摄影|摄|文/图|文图|来源"
# Each name ends at a separator, the end, or a closing bracket; the next credit word is not a name: (记者 张三 通讯员 李四)
BYLINE_RE = re.compile(
    rf"(?:{CREDIT})"
    rf"[\s:：/|]*(?:[{CJK}]{{2,12}}?(?:办公室|宣传部|融媒体中心|中心|局|委|站|社|台|处|科)[\s:：/|]+)?((?:(?!{CREDIT})[{CJK}](?:\s?[{CJK}]){{1,3}}(?:[\s、,，]+|$|(?=[)）】\]])))+)"
)
BREADCRUMB_RE = re.compile(r"^.*(?:当前位置|当前所在位置|您现在的位置|首页\s*[>＞»]).*$", re.M)
# Words every breadcrumb holds: a page without any has none, and is not scanned line by line.
BREADCRUMB_WORDS = ("当前", "您现在的位置", "首页")
# An opening bracket right before a byline: (记者 张三).
OPEN_BRACKET_BEFORE_RE = re.compile(r"[（(【\[]\s*$")
CREDIT_NAME_SPLIT_RE = re.compile(r"[\s、,，]+")


def published_date(text: str) -> str | None:
    """The publication date printed on the page, ISO, or None."""
    m = PUBLISHED_RE.search(text)
    if not m:
        m = STAMP_RE.search(text[:400])
    if not m:
        m = BANNER_RE.search(text[:400])
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _credit_names(group: str) -> list[str]:
    # Two-character names padded to a common width (冯 丽 孙 红) come as pairs of single characters.
    parts = [p for p in CREDIT_NAME_SPLIT_RE.split(group) if p]
    out: list[str] = []
    i = 0
    while i < len(parts):
        if len(parts[i]) == 1 and i + 1 < len(parts) and len(parts[i + 1]) == 1:
            out.append(parts[i] + parts[i + 1])
            i += 2
        else:
            out.append(parts[i])
            i += 1
    return out


def bylines(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Names of reporters and editors, and the spans of the furniture they stand in."""
    names: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in BYLINE_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        # A long line is running text unless the byline opens a bracket (记者 张三) inside it.
        if len(line.strip()) > 60 and OPEN_BRACKET_BEFORE_RE.search(text[max(0, m.start() - 2):m.start()]) is None:
            continue
        found = False
        for tok in _credit_names(m.group(1)):
            if 2 <= len(tok) <= 4 and is_surname_start(tok):
                names.append(tok)
                found = True
        if found:
            spans.append((m.start(), m.end()))
    if any(map(text.__contains__, BREADCRUMB_WORDS)):
        for m in BREADCRUMB_RE.finditer(text):
            spans.append((m.start(), m.end()))
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen, spans
