"""Meetings and visits: where each one's account starts and ends, its date, name and who took which role."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .persons import Mention, is_separator
from .text import DATE_RE, TIME_OF_DAY, Sentence, cn_number

EVENT_RE = re.compile(r"主持召开|召开|举行|举办|开幕|闭幕|开赛|收听收看|会见|座谈|开展|启动")
VISIT_RE = re.compile(r"调研|视察|宣讲|看望|慰问|考察|督导|检查指导|走访|察看")
ROLE_HINT_RE = re.compile(r"主持|出席|参加|列席|参会")
RELATIVE_DAY_RE = re.compile(r"^(?:[^,，。]{0,12}?)(当天|当日|同日|同天|随后|次日|翌日|同时|会前|会后)")
ALSO_HELD_RE = re.compile(r"还召开|同时召开|随后召开|随即召开|接着召开|又召开")
# "…和…" joins two meetings when both halves end with a meeting noun.
MEETING_NOUN_RE = re.compile(r"(?:会议|大会|常委会|座谈会|会|全会|例会)$")
HELD_NAME_RE = re.compile(r"(?:主持召开了?|召开了?|举行了?|举办了?)([^,，。;；:：]{2,60})")
NAME_HELD_RE = re.compile(r"([^,，。;；:：\s]{2,60}?)(?:在[^,，。]{1,20})?(?:召开|举行|开幕|闭幕)")
VISIT_REFERENCE_RE = re.compile(r"时|期间|中的|的讲话|讲话|工作时")
REFERENCE_RE = re.compile(r"精神|讲话时|时的讲话|上的讲话|会上的|之际")

SPEAK_VERBS = (r"讲话|强调|指出|要求|表示|汇报|介绍|解读|宣读|通报|部署|发言|提出|说明|致辞|总结|传达|点评|授课|"
               r"作[^,，。；;]{0,14}?(?:报告|讲话|发言|说明|部署|汇报|动员|辅导|解读)")
ATTEND_VERBS = r"出席|参加|列席|参会|陪同|随同|到会|参与"
ADVERB = r"(?:同志)?(?:一行)?(?:也|还|分别|先后|共同|一同|应邀|亲自|专门|首先|最后|随后|在会上|在讲话中|会上)?"
CHAIR_AFTER_RE = re.compile(rf"^{ADVERB}主持")
SPEAK_AFTER_RE = re.compile(
    rf"^{ADVERB}(?:(?:就|结合|对|围绕|代表|从|针对|根据)[^,，。；;:：]{{0,30}}?)?(?:{SPEAK_VERBS})")
ATTEND_AFTER_RE = re.compile(rf"^(?:等[^。；;,，]{{0,40}}?)?{ADVERB}(?:{ATTEND_VERBS})")
ATTEND_LATE_RE = re.compile(rf"^[,，、][^。；;:：]{{0,60}}?(?:{ATTEND_VERBS})")
CHAIN_RE = re.compile(rf"^[^。；;]{{0,6}}?(?:会议)?[,，]?(?:并|和|及|后)[^。；;]{{0,24}}?((?:{SPEAK_VERBS})|主持|(?:{ATTEND_VERBS}))")
PRONOUN_RE = re.compile(rf"(?:^|[。；;,，\s])(他|她)(?:{ADVERB})(?:{SPEAK_VERBS})")


@dataclass
class Episode:
    """The sentences that describe one meeting or visit."""

    anchor: Sentence
    month: int | None
    day: int | None
    year: int | None
    time_of_day: str | None
    name: str
    kind: str  # meeting or visit
    start: int
    end: int
    date_pos: int | None = None
    inherit_date: bool = False
    roles: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # person, role, start, end, title


def _date_in(s: Sentence) -> re.Match | None:
    for m in DATE_RE.finditer(s.text):
        if REFERENCE_RE.search(s.text, m.end(), m.end() + 12):
            continue
        return m
    return None


def _meeting_names(s: Sentence, kind: str) -> list[str]:
    text = s.text
    if kind == "visit":
        words = []
        for m in re.finditer(r"宣讲|调研|视察|看望|慰问|考察|督导|座谈|走访|检查", text):
            if m.group() not in words:
                words.append(m.group())
        return ["".join(words) or "调研"]
    m = HELD_NAME_RE.search(text)
    if m:
        name = m.group(1)
        name = re.split(r"(?<=会|议)(?:[,，]|专题|传达|研究|听取|学习|审议|部署|深入)", name)[0]
        parts = re.split(r"(?<=会议|大会)和|(?<=会议|大会)及", name)
        if len(parts) > 1 and all(MEETING_NOUN_RE.search(p) for p in parts):
            return [p.strip() for p in parts]
        return [name.strip()]
    m = NAME_HELD_RE.search(text)
    if m:
        name = m.group(1)
        d = DATE_RE.search(name)
        if d:
            name = name[d.end():]
        return [name.lstrip(",，").strip() or "会议"]
    m = re.search(r"[^,，。;；:：\s]{0,30}?(?:会议|大会|座谈会|会)", text)
    return [m.group() if m else "会议"]


def find_episodes(text: str, sents: list[Sentence]) -> list[Episode]:
    """Split the report into meeting/visit accounts, one per anchor sentence."""
    episodes: list[Episode] = []
    for idx, s in enumerate(sents):
        date = _date_in(s)
        after = s.text[date.end():] if date else s.text
        has_event = EVENT_RE.search(after) is not None
        has_visit = any(not VISIT_REFERENCE_RE.match(after, v.end()) for v in VISIT_RE.finditer(after))
        relative = RELATIVE_DAY_RE.search(s.text) if not date else None
        also = ALSO_HELD_RE.search(s.text)
        kind = "meeting"
        if date and (has_event or ROLE_HINT_RE.search(after)):
            pass
        elif date and has_visit:
            kind = "visit"
        elif (relative and has_event) or also:
            pass
        else:
            continue
        if date and not has_event and has_visit:
            kind = "visit"
        if date and has_event and has_visit and not re.search(r"召开|举行|举办|开幕", after):
            kind = "visit"
        names = _meeting_names(s, kind)
        tod = None
        month = day = year = None
        if date:
            month, day = cn_number(date.group("month")), cn_number(date.group("day"))
            year = int(date.group("year")) if date.group("year") else None
            tod = TIME_OF_DAY.get(date.group("tod") or "")
        else:
            t = re.search(r"上午|下午|晚上|晚间", s.text)
            tod = TIME_OF_DAY.get(t.group()) if t else None
        for name in names:
            episodes.append(Episode(s, month, day, year, tod, name, kind, s.start, s.end,
                                    date_pos=s.start + date.start() if date else None,
                                    inherit_date=date is None))
    # An episode runs until the next one starts.
    for i, ep in enumerate(episodes):
        nxt = next((e.start for e in episodes[i + 1:] if e.start > ep.start), len(text))
        ep.end = nxt
    # Meetings named in one sentence (主持召开X和Y) share the sentence and what follows.
    for i, ep in enumerate(episodes):
        if ep.inherit_date and i:
            prev = episodes[i - 1]
            ep.month, ep.day, ep.year = prev.month, prev.day, prev.year
            if ep.time_of_day is None and prev.anchor is ep.anchor:
                ep.time_of_day = prev.time_of_day
    return episodes


def _runs(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    runs: list[list[Mention]] = []
    for m in mentions:
        if runs:
            gap = text[runs[-1][-1].end:m.start]
            if gap and len(gap) <= 2 and all(c in "、,，和及与" for c in gap):
                runs[-1].append(m)
                continue
            if not gap:
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def roles_after(window: str) -> list[str]:
    """The roles that the verbs right after a name (or list of names) give it, in order."""
    roles: list[str] = []
    rest = window
    if CHAIR_AFTER_RE.match(rest):
        roles.append("chair")
        rest = rest[CHAIR_AFTER_RE.match(rest).end():]
    elif m := SPEAK_AFTER_RE.match(rest):
        roles.append("speaker")
        rest = rest[m.end():]
    elif m := ATTEND_AFTER_RE.match(rest):
        roles.append("attendee")
        rest = rest[m.end():]
    elif m := ATTEND_LATE_RE.match(rest):
        roles.append("attendee")
        rest = rest[m.end():]
    if not roles:
        return roles
    for _ in range(3):
        m = CHAIN_RE.match(rest)
        if not m:
            break
        verb = m.group(1)
        role = "chair" if verb == "主持" else "attendee" if re.fullmatch(ATTEND_VERBS, verb) else "speaker"
        if role not in roles:
            roles.append(role)
        rest = rest[m.end():]
    return roles


def assign_roles(text: str, episodes: list[Episode], mentions: list[Mention]) -> None:
    """Give each episode its chairs, speakers and attendees from the role verbs after the names."""
    for ep in episodes:
        inside = [m for m in mentions if ep.start <= m.name_start < ep.end]
        last_speaker: str | None = None
        first_subject = inside[0] if inside else None
        for run in _runs(text, inside):
            tail_end = min([m.start for m in inside if m.start > run[-1].end] + [ep.end, len(text)])
            window = text[run[-1].end:tail_end]
            roles = roles_after(window)
            for role in roles:
                for m in run:
                    ep.roles.append((m.name, role, m.name_start, m.name_end, "、".join(m.titles)))
            if "speaker" in roles:
                last_speaker = run[-1].name
            elif "chair" in roles and last_speaker is None:
                last_speaker = run[-1].name
        if ep.kind == "visit" and first_subject is not None and first_subject.name_start < ep.anchor.end:
            m = first_subject
            ep.roles.append((m.name, "speaker", m.name_start, m.name_end, "、".join(m.titles)))
            ep.roles.append((m.name, "attendee", m.name_start, m.name_end, "、".join(m.titles)))
            last_speaker = last_speaker or m.name
        # 他强调: the pronoun stands for the last person who spoke or chaired.
        for pm in PRONOUN_RE.finditer(text, ep.start, ep.end):
            prior = [r for r in ep.roles if r[2] < pm.start(1) and r[1] in ("speaker", "chair")]
            if prior:
                name, _, s, e, t = prior[-1]
                ep.roles.append((name, "speaker", pm.start(1), pm.end(1), t))
