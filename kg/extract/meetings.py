"""Meetings and visits: where each one's account starts and ends, its date, name and who took which role."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .persons import HeaderList, Mention
from .persons import header_lists as find_header_lists
from .text import DATE_RE, DAY_ONLY_RE, TIME_OF_DAY, Sentence, cn_number

EVENT_RE = re.compile(r"主持召开|召开|举行|举办|开幕|闭幕|开赛|收听收看|会见|座谈|开展|启动")
# Every branch starts with its word (the look-ahead repeated, not one group around the 访 words), so the
# regex engine can skip ahead to the words' first characters.
VISIT_RE = re.compile(r"调研|视察|宣讲|看望|慰问|考察|督导|检查指导|走访|察看|现场办公|"
                      r"访问(?!次数|量)|拜访(?!次数|量)|到访(?!次数|量)|来访(?!次数|量)")
# A date inside reported speech (X强调,5月6日…召开) is not a new meeting.
SPEECH_BEFORE_RE = re.compile(r"(?:强调|指出|表示|要求|认为|说)[,，:：]")
ROLE_HINT_RE = re.compile(r"主持|出席|参加|列席|参会")
RELATIVE_DAYS = r"当天|当日|同日|同天|随后|次日|翌日|同时|会前|会后"
RELATIVE_DAY_RE = re.compile(rf"^(?:[^,，。]{{0,12}}?)({RELATIVE_DAYS})")
# Undated accounts: 近日/日前 give no day; 今天/昨天 count from the publication date.
RECENT_DAYS = r"近日|日前|近期|前不久|今天|今日|昨天|昨日"
RECENT_RE = re.compile(rf"^(?:[^,，。]{{0,12}}?)({RECENT_DAYS})")
# Whether a report holds any of those words at all: most hold none, and their sentences need no test.
RELATIVE_OR_RECENT_RE = re.compile(f"{RELATIVE_DAYS}|{RECENT_DAYS}")
# Either word near a sentence's start: one search rules out both RELATIVE_DAY_RE and RECENT_RE.
RELATIVE_OR_RECENT_LEAD_RE = re.compile(rf"^(?:[^,，。]{{0,12}}?)(?:{RELATIVE_DAYS}|{RECENT_DAYS})")
RECENT_OFFSET = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1}
ALSO_HELD_RE = re.compile(r"还召开|同时召开|随后召开|随即召开|接着召开|又召开")
# "…和…" joins two meetings when both halves end with a meeting noun.
MEETING_NOUN_RE = re.compile(r"(?:会议|大会|常委会|座谈会|会|全会|例会)$")
HELD_NAME_RE = re.compile(r"(?:主持召开了?|召开了?|举行了?|举办了?)([^,，。;；:：]{2,60})")
NAME_HELD_RE = re.compile(r"([^,，。;；:：\s]{2,60}?)(?:在[^,，。]{1,20})?(?:召开|举行|开幕|闭幕)")
GENERIC_NAME_RE = re.compile(r"(?:专题|全体|党组|常务|扩大|主任|主席|办公|工作|党组\(扩大\))?(?:会议|会)")
HOLDER_RE = re.compile(r"(?:^|[,，\s]|上午|下午|晚上|日)([\u4e00-\u9fff]{0,10}?(?:常委会|党工委|管委会|党委|党组|政府|政协|人大|[省市县区镇乡]委))"
                       r"(?:主持)?召开$")
HELD_RE = re.compile(r"主持召开|召开|举行|举办|主持")
MINUTES_TIME_RE = re.compile(r"(?:^|\n)\s*(?:会议)?时间\s*[:：]\s*")
VISIT_REFERENCE_RE = re.compile(r"时|期间|中的|的讲话|讲话|工作时")
REFERENCE_RE = re.compile(r"精神|讲话时|时的讲话|上的讲话|会上的|之际")

SPEAK_VERBS = (r"(?:(?<!的)讲话|强调|指出|要求|表示|汇报|介绍|解读|宣读|通报|部署|布置|发言|提出|说明|致辞|总结|传达|点评|授课|"
               r"讲(?:了|意见|课|党课)|(?:充分|高度)?肯定|给予[^,，。；;]{0,6}?肯定|认为|希望|欢迎|"
               r"作(?![为用风])[^,，。；;]{0,60}?(?:报告|讲话|发言|说明|部署|汇报|动员|辅导|解读|交流)|"
               r"进行[^,，。；;]{0,8}?(?:安排|布置|部署|讲解|点评|动员|总结|解读|授课|汇报|交流))"
               r"(?!精神|时)")
ATTEND_VERBS = (r"出席|参加|列席|参会|陪同|随同|到会|参与|收听收看|带领|率领|带队|率队|就座|就坐|会见|接见|会谈|"
                r"率(?![先领队])|(?:一同|共同|一起)(?:调研|考察|视察|看望|慰问|走访|检查)")
# Those received at a 会见 (市长A会见了B一行) were there too.
MET_BEFORE_RE = re.compile(r"(?:会见|接见|会谈|看望|慰问)了?$")
ADVERB = (r"(?:等)?(?:同志)?(?:一行)?(?:也|还|分别|先后|共同|一同|应邀|亲自|专门|首先|最后|随后|在会上|在讲话中|会上|"
          r"详细|简要|具体|重点|集中|逐一|系统|全面|深入|认真|现场|书面|全程|还就){0,2}")
# Where the person did it: 在区机关大楼第一接待室主持召开, 在研究相关议题时列席.
PLACE = r"(?:在[^,，。；;:：“”]{1,30}?)?"
# What a speech was about or addressed to, before its verb: 就…, 向大会…, 以“…”为题,…
TOPIC = (r"(?:以[^。；;:：,，]{1,60}?为(?:主?题|主线|切入点|重点)[,，]?|"
         r"(?:就|结合|对|围绕|代表|从|针对|根据|向|以|关于|按照|用)[^,，。；;:：]{0,100}?){0,2}")
CHAIR_AFTER_RE = re.compile(rf"^{ADVERB}{PLACE}{ADVERB}(?:主持|宣布(?:大会|会议)?(?:开幕|开始))")
SPEAK_AFTER_RE = re.compile(rf"^{ADVERB}{PLACE}{ADVERB}{TOPIC}{ADVERB}(?:{SPEAK_VERBS})")
ATTEND_AFTER_RE = re.compile(
    rf"^(?:(?:等|及|以及|和|与)[^。；;,，:：]{{0,40}}?)?{ADVERB}{PLACE}{ADVERB}"
    rf"(?:以[^,，。；;]{{1,12}}?(?:方式|形式))?(?:{ATTEND_VERBS})")
ATTEND_VERB_RE = re.compile(ATTEND_VERBS)
ATTEND_LATE_RE = re.compile(rf"^[,，、][^。；;:：]{{0,60}}?(?:{ATTEND_VERBS})")
CHAIN_RE = re.compile(rf"^[^。；;]{{0,6}}?(?:会议)?[,，]?(?:并|和|及|后)[^。；;]{{0,24}}?({SPEAK_VERBS}|主持|(?:{ATTEND_VERBS}))")
PRONOUN_RE = re.compile(rf"(?:^|[。；;,，\s])(他|她)(?:{ADVERB})(?:{SPEAK_VERBS})")


def pronoun_speeches(text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """PRONOUN_RE's matches in ``text[start:end]``.

    The pattern has no fixed first character for the regex engine to skip ahead to, so scanning is
    costly; a text without either pronoun has no match and is not scanned.
    """
    if "他" not in text and "她" not in text:
        return []
    return list(PRONOUN_RE.finditer(text, start, len(text) if end is None else end))


# A name that is the object of 学习/贯彻/宣讲… (传达学习张三同志…的讲话) takes no role.
OBJECT_OF_RE = re.compile(r"(?:学习|贯彻|宣讲|传达|落实|领会|践行|遵循|按照|根据|依据)$")
# What may stand right before a name that OBJECT_OF_RE marks: a verb's last character, or the line
# break that its "$" also matches before.
_OBJECT_OF_LAST = frozenset("习彻讲达实会行循照据\n")


def is_object(text: str, start: int) -> bool:
    """True when the name (or its titles) at ``start`` is the object of 学习/贯彻/宣讲…"""
    return (start > 0 and text[start - 1] in _OBJECT_OF_LAST
            and OBJECT_OF_RE.search(text, max(0, start - 4), start) is not None)
REFERENCED_SPEECH_RE = re.compile(r"(?:时|上|中)的(?:重要)?讲话(?!中)|讲话精神|指示精神|批示精神")
# A visit that goes on to a meeting in the same sentence (…进行现场调研,并在…召开座谈会): two events.
VISIT_THEN_MEETING_RE = re.compile(r"(?:[,，]\s*|并|随后|之后)(?:并|随后)?[^,，。；;]{0,30}?(?:主持召开|召开|举行)")
CLAUSE_END_RE = re.compile(r"[,，。；;]")
SPLIT_CHAIR_RE = re.compile(r"(?:[,，]\s*)?(?:并|随后|之后)?(?:在[^,，。；;]{1,20})?主持召开")
CONVEY_RE = re.compile(r"学习|贯彻|宣讲|传达|落实|领会")
ORGAN_GAP_RE = re.compile(r"[、,，][^\s。；;,，、:：]{1,12}")
ROLE_WORD_RE = re.compile(rf"主持|{ATTEND_VERBS}|召开|讲话|强调|指出")
# 请假/缺席 lists name people who were absent.
HEADER_ROLES = {"主持人": "chair", "主持": "chair", "请假": None, "缺席": None}


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
    day_offset: int | None = None  # days from the publication date (今天 0, 昨天 -1)
    roles: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # person, role, start, end, title


def _date_in(s: Sentence) -> re.Match | None:
    if "日" not in s.text and "号" not in s.text and "月" not in s.text:
        return None
    for m in DATE_RE.finditer(s.text):
        if REFERENCE_RE.search(s.text, m.end(), m.end() + 12) or SPEECH_BEFORE_RE.search(s.text, 0, m.start()):
            continue
        return m
    return DAY_ONLY_RE.match(s.text)


def _meeting_names(s: Sentence, kind: str) -> list[str]:
    text = s.text
    if kind == "visit":
        words = []
        for m in re.finditer(r"宣讲|调研|视察|看望|慰问|考察|督导|座谈|走访|检查|访问|会见|现场办公", text):
            if m.group() not in words:
                words.append(m.group())
        return ["".join(words) or "调研"]
    m = HELD_NAME_RE.search(text)
    if m:
        name = m.group(1)
        name = re.split(r"(?<=会|议)(?:[,，]|并|专题|传达|研究|听取|学习|审议|部署|深入)", name)[0]
        parts = re.split(r"(?<=会议|大会)和|(?<=会议|大会)及", name)
        if len(parts) > 1 and all(MEETING_NOUN_RE.search(p) for p in parts):
            return [p.strip() for p in parts]
        name = name.strip()
        # 区政府召开党组会议: a name that says only what kind of sitting takes the body holding it
        organ = HOLDER_RE.search(text, 0, m.start() + 2) if GENERIC_NAME_RE.fullmatch(name) else None
        if organ and not name.startswith(organ.group(1)[-2:]):
            name = organ.group(1) + name
        return [name]
    if not re.search(r"召开|举行|开幕|闭幕", text) and (m := re.search(r"会见|接见|会谈", text)):
        return [m.group()]
    m = NAME_HELD_RE.search(text)
    if m:
        name = m.group(1)
        d = DATE_RE.search(name)
        if d:
            name = name[d.end():]
        return [name.lstrip(",，").strip() or "会议"]
    m = re.search(r"[^,，。;；:：\s]{0,30}?(?:会议|大会|座谈会|会)", text)
    if not m:
        return ["会议"]
    # 县长林志华主持会议: the words before the verb are who, not what
    return [re.split(r"主持|出席|参加|列席|召开|举行", m.group())[-1] or "会议"]


# What a sentence needs to start an account: a date's 日, 号 or 月, or one of the words below.
DATE_CHAR_RE = re.compile("[日号月]")


def _may_start_accounts(text: str, sents: list[Sentence], undated_here: bool, also_here: bool) -> list[Sentence]:
    """The sentences, in order, that hold what a sentence needs to start an account: every other one is passed over.

    None of those characters and words spans a sentence break, so each occurrence in the text lies
    in the one sentence that holds it (or between sentences); few sentences hold any.
    """
    found = [m.start() for m in DATE_CHAR_RE.finditer(text)]
    if undated_here:
        found += [m.start() for m in RELATIVE_OR_RECENT_RE.finditer(text)]
    if also_here:
        found += [m.start() for m in ALSO_HELD_RE.finditer(text)]
    starts = [s.start for s in sents]
    picked = set()
    for q in found:
        i = bisect_right(starts, q) - 1
        if i >= 0 and q < sents[i].end:
            picked.add(i)
    return [sents[i] for i in sorted(picked)]


def find_episodes(text: str, sents: list[Sentence]) -> list[Episode]:
    """Split the report into meeting/visit accounts, one per anchor sentence."""
    episodes: list[Episode] = []
    # A sentence is part of the text, so words the whole text lacks are in none of its sentences.
    undated_here = RELATIVE_OR_RECENT_RE.search(text) is not None
    also_here = ALSO_HELD_RE.search(text) is not None
    for s in _may_start_accounts(text, sents, undated_here, also_here):
        date = _date_in(s)
        relative = recent = None
        if not date and undated_here and RELATIVE_OR_RECENT_LEAD_RE.search(s.text):
            relative = RELATIVE_DAY_RE.search(s.text)
            recent = RECENT_RE.search(s.text)
        also = ALSO_HELD_RE.search(s.text) if also_here else None
        if not (date or relative or recent or also):
            continue  # most sentences: nothing that starts an account, whatever their verbs
        after = s.text[date.end():] if date else s.text
        has_event = EVENT_RE.search(after) is not None
        has_visit = any(not VISIT_REFERENCE_RE.match(after, v.end()) for v in VISIT_RE.finditer(after))
        kind = "meeting"
        if date and (has_event or ROLE_HINT_RE.search(after)):
            pass
        elif date and has_visit:
            kind = "visit"
        elif (relative and has_event) or also:
            pass
        elif recent and (has_event or has_visit):
            kind = "meeting" if has_event and re.search(r"召开|举行|举办|开幕", after) else (
                "visit" if has_visit else "meeting")
        else:
            continue
        if date and not has_event and has_visit:
            kind = "visit"
        if date and has_event and has_visit and not re.search(r"召开|举行|举办|开幕", after):
            kind = "visit"
        names = _meeting_names(s, kind)
        split = None
        if date and has_visit and kind == "meeting":
            v = next((v for v in VISIT_RE.finditer(after) if not VISIT_REFERENCE_RE.match(after, v.end())), None)
            held = VISIT_THEN_MEETING_RE.search(after, v.end()) if v else None
            if held and not EVENT_RE.search(after, 0, held.start()):
                split = s.start + date.end() + held.start()
        tod = None
        month = day = year = None
        if date:
            g = date.groupdict()
            month = cn_number(g["month"]) if g.get("month") else None
            day = cn_number(g["day"])
            year = int(g["year"]) if g.get("year") else None
            dated = [e for e in episodes if e.month is not None]
            if month is None and dated and day >= dated[-1].day:
                month, year = dated[-1].month, dated[-1].year  # 11日上午…, 12日下午…: the same month
            tod = TIME_OF_DAY.get(date.group("tod") or "")
        else:
            t = re.search(r"上午|下午|晚上|晚间", s.text)
            tod = TIME_OF_DAY.get(t.group()) if t else None
        date_pos = s.start + date.start() if date else None
        start = s.start
        if split is not None:
            episodes.append(Episode(s, month, day, year, tod, _meeting_names(s, "visit")[0], "visit", s.start,
                                    split, date_pos=date_pos))
            start = split
        for name in names:
            episodes.append(Episode(s, month, day, year, tod, name, kind, start, s.end,
                                    date_pos=date_pos, inherit_date=date is None and not recent,
                                    day_offset=RECENT_OFFSET.get(recent.group(1)) if recent else None))
    if not episodes:
        # No dated account: the first sentence that holds a meeting or a visit is one, undated.
        for s in sents:
            if HELD_RE.search(s.text) or (VISIT_RE.search(s.text) and not REFERENCE_RE.search(s.text)):
                kind = "meeting" if HELD_RE.search(s.text) else "visit"
                t = re.search(r"上午|下午|晚上|晚间", s.text)
                ep = Episode(s, None, None, None, TIME_OF_DAY.get(t.group()) if t else None,
                             _meeting_names(s, kind)[0], kind, s.start, s.end)
                # A minutes' header line gives the date: 会议时间:2023年5月6日上午
                if (h := MINUTES_TIME_RE.search(text)) and (d := DATE_RE.match(text, h.end())):
                    g = d.groupdict()
                    ep.year = int(g["year"]) if g.get("year") else None
                    ep.month, ep.day = cn_number(g["month"]), cn_number(g["day"])
                    ep.time_of_day = TIME_OF_DAY.get(g.get("tod") or "") or ep.time_of_day
                episodes.append(ep)
                break
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
            if gap and len(gap) <= 2 and not gap.strip("、,，和及与"):
                runs[-1].append(m)
                continue
            if not gap:
                runs[-1].append(m)
                continue
            # 管委会招宏主任、区党工委黎汉光副书记: the organ before a name with a post-posed title joins the list.
            if m.via == "postfix" and ORGAN_GAP_RE.fullmatch(gap) and not ROLE_WORD_RE.search(gap):
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def roles_after(window: str) -> list[str]:
    """The roles that the verbs right after a name (or list of names) give it, in order."""
    roles: list[str] = []
    rest = window
    # Up to the first 学习/贯彻…: a speech conveyed after those verbs is someone else's.
    end = CLAUSE_END_RE.search(window)
    clause = window[:end.start()] if end else window
    if convey := CONVEY_RE.search(clause):
        clause = clause[:convey.start()]
    # Every referenced speech holds 讲话 or 精神, and every chairing 主持 or 宣布: most windows hold none.
    if ("讲话" in clause or "精神" in clause) and REFERENCED_SPEECH_RE.search(clause):
        return roles  # 张三出席…时的讲话精神: a speech conveyed, not given here
    if ("主持" in rest or "宣布" in rest) and (m := CHAIR_AFTER_RE.match(rest)):
        roles.append("chair")
        rest = rest[m.end():]
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
        role = "chair" if verb == "主持" else "attendee" if ATTEND_VERB_RE.fullmatch(verb) else "speaker"
        if role not in roles:
            roles.append(role)
        rest = rest[m.end():]
    return roles


def assign_roles(text: str, episodes: list[Episode], mentions: list[Mention],
                 header_lists: list[HeaderList] | None = None) -> None:
    """Give each episode its chairs, speakers and attendees from the role verbs after the names."""
    if header_lists is None:
        header_lists = find_header_lists(text)
    for ep in episodes:
        inside = [m for m in mentions if ep.start <= m.name_start < ep.end]
        last_speaker: str | None = None
        first_subject = inside[0] if inside else None
        # A name conveyed as an object (学习领会习近平总书记…精神) does not end the clause about the name before it.
        cuts = sorted(m.start for m in inside if not is_object(text, m.start))
        for run in _runs(text, inside):
            later = bisect_right(cuts, run[-1].end)
            tail_end = min(cuts[later] if later < len(cuts) else ep.end, ep.end, len(text))
            window = text[run[-1].end:tail_end]
            if is_object(text, run[0].start):
                roles = []
            elif ep.kind == "meeting" and MET_BEFORE_RE.search(text, max(0, run[0].start - 3), run[0].start):
                roles = ["attendee"]
            else:
                roles = roles_after(window)
            for role in roles:
                for m in run:
                    ep.roles.append((m.name, role, m.name_start, m.name_end, "、".join(m.titles)))
            if "speaker" in roles:
                last_speaker = run[-1].name
            elif "chair" in roles and last_speaker is None:
                last_speaker = run[-1].name
        if ep.kind == "visit" and first_subject is not None and first_subject.name_start < ep.anchor.end:
            # Everyone named together as the visitors (区长A、常务副区长B带领…调研) is a visitor.
            for m in next(r for r in _runs(text, inside) if first_subject in r):
                ep.roles.append((m.name, "speaker", m.name_start, m.name_end, "、".join(m.titles)))
                ep.roles.append((m.name, "attendee", m.name_start, m.name_end, "、".join(m.titles)))
            last_speaker = last_speaker or first_subject.name
        if ep.kind == "meeting" and ep.anchor.start < ep.start and SPLIT_CHAIR_RE.match(text, ep.start):
            # 到…调研,并主持召开座谈会: the visitors named before the split chair the meeting after it.
            before = [m for m in mentions if ep.anchor.start <= m.name_start < ep.start]
            if before:
                for m in next(r for r in _runs(text, before) if before[0] in r):
                    ep.roles.append((m.name, "chair", m.name_start, m.name_end, "、".join(m.titles)))
        # Lists under a role header (参会人员:…, 一同参加会见的还有:…).
        for hl in header_lists:
            role = HEADER_ROLES.get(hl.role_word, "attendee")
            # A list outside every account (the 纪要's roster above its text) belongs to the only meeting there is.
            mine = ep.start <= hl.start < ep.end or (len(episodes) == 1 and hl.start < ep.start)
            if role is None or not mine:
                continue
            for m in (x for x in mentions if hl.start <= x.name_start < hl.end):
                ep.roles.append((m.name, role, m.name_start, m.name_end, "、".join(m.titles)))
        # 他强调: the pronoun stands for the last person who spoke or chaired.
        for pm in pronoun_speeches(text, ep.start, ep.end):
            prior = [r for r in ep.roles if r[2] < pm.start(1) and r[1] in ("speaker", "chair")]
            if prior:
                name, _, s, e, t = prior[-1]
                ep.roles.append((name, "speaker", pm.start(1), pm.end(1), t))
