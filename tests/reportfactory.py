"""Hand-built Report records modelled on the seed reports, with spans found in their own text."""
from __future__ import annotations

import hashlib

from kg.records import (
    Directive, DocumentRef, Meeting, Organization, Participation, Person, Report, Span,
)

ZONE_PX = "萍乡经济技术开发区"
ZONE_SR = "上饶经济技术开发区"
HOSTILE_DOC = '../x "引号" <b>&amp; 报告</script>'
HOSTILE_ZONE = '测试 "区" <开发区>'
HOSTILE_NAME = "</script><img src=x onerror=alert(1)>"
HOSTILE_LINK_NAME = '<a href="javascript:alert(2)">王五</a>'
HOSTILE_MEETING = '"特别"会议 </script><script>alert(3)</script>'
HOSTILE_WORK = "《</script><img src=x onerror=alert(4)>》"
HOSTILE_ORG = '"恶意"委员会 & <i><script src=//evil.example/x.js></script>'
HOSTILE_PAYLOADS = (HOSTILE_NAME, HOSTILE_LINK_NAME, HOSTILE_MEETING, HOSTILE_WORK, HOSTILE_ORG)


def span(text: str, needle: str, nth: int = 0) -> Span:
    """The span of the nth occurrence of needle in text."""
    i = -1
    for _ in range(nth + 1):
        i = text.find(needle, i + 1)
        assert i != -1, f"{needle!r} not in text"
    return Span(i, i + len(needle))


def all_spans(text: str, needle: str) -> tuple[Span, ...]:
    out, i = [], text.find(needle)
    while i != -1:
        out.append(Span(i, i + len(needle)))
        i = text.find(needle, i + 1)
    return tuple(out)


def person(text: str, name: str, titles: tuple[str, ...] = (), present: bool = True) -> Person:
    return Person(name, titles, present, all_spans(text, name))


def part(text: str, name: str, role: str, order: int, clause: str, title: str = "") -> Participation:
    return Participation(name, role, order, span(text, clause), title)


def directive(text: str, speaker: str, meeting_index: int, phrase: str) -> Directive:
    return Directive(speaker, meeting_index, phrase, span(text, phrase))


def _report(doc_id: str, text: str, **kw) -> Report:
    return Report(doc_id=doc_id, path=f"seeds/{doc_id}.txt",
                  sha256=hashlib.sha256(text.encode()).hexdigest(), text=text,
                  extractor="reportfactory.v1", **kw)


def report_px_october() -> Report:
    """萍乡经开区, 2022-10-26 morning: 刘建中 chairs, 杨博 speaks."""
    t = ("萍乡经开区召开全区领导干部会议\n"
         "10月26日上午,萍乡经开区召开全区领导干部会议,传达学习市委书记陈敏在全市领导干部会议上的讲话精神。"
         "市委常委、区党工委书记杨博出席会议并讲话,区党工委副书记、管委会主任刘建中主持会议。"
         "区领导贾燕春、魏逵出席会议。"
         "杨博强调,要强攻主责主业,全力以赴推进高质量发展;要夯实基础,持续提升发展后劲。"
         "刘建中要求,各单位要迅速把思想和行动统一到区党工委的部署上来。"
         "会议强调,要以优异成绩迎接党的二十大胜利召开。")
    meeting = Meeting(
        date="2022-10-26", time_of_day="上午", name="全区领导干部会议",
        span=span(t, "10月26日上午,萍乡经开区召开全区领导干部会议,传达学习市委书记陈敏在全市领导干部会议上的讲话精神。"),
        participants=(
            part(t, "刘建中", "chair", 0, "区党工委副书记、管委会主任刘建中主持会议", "区党工委副书记、管委会主任"),
            part(t, "杨博", "speaker", 0, "市委常委、区党工委书记杨博出席会议并讲话", "市委常委、区党工委书记"),
            part(t, "刘建中", "speaker", 1, "刘建中要求"),
            part(t, "杨博", "attendee", 0, "市委常委、区党工委书记杨博出席会议并讲话", "市委常委、区党工委书记"),
            part(t, "贾燕春", "attendee", 1, "区领导贾燕春、魏逵出席会议", "区领导"),
            part(t, "魏逵", "attendee", 2, "区领导贾燕春、魏逵出席会议", "区领导"),
        ),
    )
    return _report(
        "000_033037928346e11e", t, script="traditional-pinyin-garbled", published=None,
        zone=ZONE_PX, zone_short="萍乡经开区", meetings=(meeting,),
        persons=(
            person(t, "杨博", ("市委常委", "区党工委书记")),
            person(t, "刘建中", ("区党工委副书记", "管委会主任")),
            person(t, "陈敏", ("市委书记",), present=False),
            person(t, "贾燕春", ("区领导",)),
            person(t, "魏逵", ("区领导",)),
        ),
        organizations=(
            Organization("区党工委", "party", span(t, "区党工委", 2)),
            Organization("市委", "party", span(t, "市委")),
        ),
        directives=(
            directive(t, "杨博", 0, "要强攻主责主业,全力以赴推进高质量发展"),
            directive(t, "杨博", 0, "要夯实基础,持续提升发展后劲"),
            directive(t, "刘建中", 0, "各单位要迅速把思想和行动统一到区党工委的部署上来"),
            directive(t, "会议", 0, "要以优异成绩迎接党的二十大胜利召开"),
        ),
    )


def report_px_july() -> Report:
    """萍乡经开区 again, 2022-07-22 afternoon: the same 刘建中 chairs, 杨博 attends."""
    t = ("发布时间:2022-07-23\n"
         "7月22日下午,萍乡经开区召开半年经济形势分析会暨动员会。"
         "区党工委副书记、管委会主任刘建中主持会议并讲话。区党工委书记杨博出席。"
         "刘建中指出,要紧紧扭住项目建设不放松。区党工委各部门负责人参加会议。")
    meeting = Meeting(
        date="2022-07-22", time_of_day="下午", name="半年经济形势分析会暨动员会",
        span=span(t, "7月22日下午,萍乡经开区召开半年经济形势分析会暨动员会。"),
        participants=(
            part(t, "刘建中", "chair", 0, "区党工委副书记、管委会主任刘建中主持会议并讲话", "区党工委副书记、管委会主任"),
            part(t, "刘建中", "speaker", 0, "区党工委副书记、管委会主任刘建中主持会议并讲话", "区党工委副书记、管委会主任"),
            part(t, "杨博", "attendee", 0, "区党工委书记杨博出席", "区党工委书记"),
        ),
    )
    return _report(
        "003_f2ba840133a4e5d0", t, script="traditional-pinyin-garbled", published="2022-07-23",
        zone=ZONE_PX, zone_short="萍乡经开区", meetings=(meeting,),
        persons=(
            person(t, "刘建中", ("区党工委副书记", "管委会主任")),
            person(t, "杨博", ("区党工委书记",)),
        ),
        organizations=(Organization("区党工委", "party", span(t, "区党工委", 2)),),
        directives=(directive(t, "刘建中", 0, "要紧紧扭住项目建设不放松"),),
    )


def report_sr() -> Report:
    """上饶经开区: another 刘建中, who must stay apart from the 萍乡 one."""
    t = ("发布时间:2023-10-25 16:27\n"
         "10月22日下午,上饶经开区党工委召开全区领导干部大会,传达学习《努力成为可堪大用的栋梁之才》。"
         "胡心田主持会议并讲话。刘建中、洪海参加会议。"
         "胡心田强调,要准确把握新时代新征程新定位新目标。"
         "当天上午,召开党工委会议,洪海作交流发言。洪海表示,要旗帜鲜明强化党的政治建设。")
    meetings = (
        Meeting(
            date="2023-10-22", time_of_day="下午", name="全区领导干部大会",
            span=span(t, "10月22日下午,上饶经开区党工委召开全区领导干部大会,传达学习《努力成为可堪大用的栋梁之才》。"),
            participants=(
                part(t, "胡心田", "chair", 0, "胡心田主持会议并讲话"),
                part(t, "胡心田", "speaker", 0, "胡心田主持会议并讲话"),
                part(t, "刘建中", "attendee", 0, "刘建中、洪海参加会议"),
                part(t, "洪海", "attendee", 1, "刘建中、洪海参加会议"),
            ),
        ),
        Meeting(
            date="2023-10-22", time_of_day="上午", name="党工委会议",
            span=span(t, "当天上午,召开党工委会议,洪海作交流发言。"),
            participants=(
                part(t, "洪海", "speaker", 0, "洪海作交流发言"),
                part(t, "洪海", "attendee", 0, "洪海作交流发言"),
            ),
        ),
    )
    return _report(
        "002_c99fc5df941b4a05", t, script="simplified", published="2023-10-25",
        zone=ZONE_SR, zone_short="上饶经开区", meetings=meetings,
        persons=(person(t, "胡心田"), person(t, "刘建中"), person(t, "洪海")),
        organizations=(Organization("上饶经开区党工委", "party", span(t, "上饶经开区党工委")),),
        referenced_documents=(DocumentRef("《努力成为可堪大用的栋梁之才》", span(t, "《努力成为可堪大用的栋梁之才》")),),
        directives=(
            directive(t, "胡心田", 0, "要准确把握新时代新征程新定位新目标"),
            directive(t, "洪海", 1, "要旗帜鲜明强化党的政治建设"),
        ),
    )


def report_no_zone() -> Report:
    """No zone and no year: a third 刘建中, scoped to this report alone; a 区政府 meeting on XXXX-10-26."""
    t = ("10月26日,区政府召开党组会议,专题学习《努力成为可堪大用的栋梁之才》和《关于加强基层治理的意见》。"
         "区长刘建中主持并讲话,区领导龚云华出席会议。"
         "刘建中指出:第一、要把政治方向贯穿到政府工作的每一个方面。")
    meeting = Meeting(
        date="XXXX-10-26", time_of_day=None, name="区政府党组会议",
        span=span(t, "10月26日,区政府召开党组会议,"),
        participants=(
            part(t, "刘建中", "chair", 0, "区长刘建中主持并讲话", "区长"),
            part(t, "刘建中", "speaker", 0, "区长刘建中主持并讲话", "区长"),
            part(t, "龚云华", "attendee", 0, "区领导龚云华出席会议", "区领导"),
        ),
    )
    return _report(
        "001_b317a05d6deb3d65", t, script="simplified", published=None, zone=None, zone_short=None,
        meetings=(meeting,),
        persons=(person(t, "刘建中", ("区长",)), person(t, "龚云华", ("区领导",))),
        organizations=(Organization("区政府", "government", span(t, "区政府")),),
        referenced_documents=(
            DocumentRef("《努力成为可堪大用的栋梁之才》", span(t, "《努力成为可堪大用的栋梁之才》")),
            DocumentRef("《关于加强基层治理的意见》", span(t, "《关于加强基层治理的意见》")),
        ),
        directives=(directive(t, "刘建中", 0, "第一、要把政治方向贯穿到政府工作的每一个方面"),),
    )


def report_hostile() -> Report:
    """Markup, quotes, spaces and ../ in the doc_id, zone, names, meeting name, work and organization."""
    t = (f"发布时间:2024-01-23 ../etc/passwd\n"
         f"1月22日,{HOSTILE_ORG}召开{HOSTILE_MEETING},学习{HOSTILE_WORK}。"
         f"{HOSTILE_NAME}主持会议并讲话,{HOSTILE_LINK_NAME}出席。"
         f"{HOSTILE_NAME}强调,要\"警惕\" </script> 注入 & 转义。"
         f"{HOSTILE_ZONE}的同志参加。")
    meeting = Meeting(
        date="2024-01-22", time_of_day=None, name=HOSTILE_MEETING,
        span=span(t, f"1月22日,{HOSTILE_ORG}召开{HOSTILE_MEETING},学习{HOSTILE_WORK}。"),
        participants=(
            part(t, HOSTILE_NAME, "chair", 0, f"{HOSTILE_NAME}主持会议并讲话"),
            part(t, HOSTILE_NAME, "speaker", 0, f"{HOSTILE_NAME}主持会议并讲话"),
            part(t, HOSTILE_LINK_NAME, "attendee", 0, f"{HOSTILE_LINK_NAME}出席", '"书记" <b>'),
        ),
    )
    return _report(
        HOSTILE_DOC, t, script="simplified", published="2024-01-23", zone=HOSTILE_ZONE,
        zone_short=None, meetings=(meeting,),
        persons=(person(t, HOSTILE_NAME, ('<script>职务</script>',)), person(t, HOSTILE_LINK_NAME)),
        organizations=(Organization(HOSTILE_ORG, "committee", span(t, HOSTILE_ORG)),),
        referenced_documents=(DocumentRef(HOSTILE_WORK, span(t, HOSTILE_WORK)),),
        directives=(directive(t, HOSTILE_NAME, 0, '要"警惕" </script> 注入 & 转义'),),
    )


def all_reports() -> list[Report]:
    """Five reports, deliberately not in doc_id order."""
    return [report_sr(), report_px_october(), report_hostile(), report_no_zone(), report_px_july()]


__all__ = [
    "ZONE_PX", "ZONE_SR", "HOSTILE_DOC", "HOSTILE_ZONE", "HOSTILE_NAME", "HOSTILE_LINK_NAME",
    "HOSTILE_MEETING", "HOSTILE_WORK", "HOSTILE_ORG", "HOSTILE_PAYLOADS", "span", "all_spans",
    "person", "part", "directive", "report_px_october", "report_px_july", "report_sr",
    "report_no_zone", "report_hostile", "all_reports",
]
