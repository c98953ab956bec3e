"""Directives: one entry per instruction point, attributed to its speaker or to the meeting."""
from __future__ import annotations

import pytest

from kg.extract import extract
from kg.records import Document, NormalizedText


def run(text: str):
    doc = Document("t", "t.txt", text, "utf-8", "text", "")
    return extract(doc, NormalizedText(text, text, tuple(range(len(text) + 1)), "simplified"))


def directives(text: str) -> list[tuple[str, int, str]]:
    return [(d.speaker, d.meeting_index, d.text) for d in run(text).directives]


@pytest.mark.parametrize("text, expected", [
    # a lead with no headline structure: each top-level 要-clause group split on ; is one point
    ("10月26日上午,区党工委书记杨明主持召开党工委会议。杨明强调,要强化责任担当,全力推进项目建设;要坚持底线思维,确保安全稳定。",
     [("杨明", "要强化责任担当"), ("杨明", "要坚持底线思维")]),
    # numbered points keep their numbering
    ("2月11日,区长邱伟主持召开区政府党组会议。邱伟指出:\n第一、深入学习领会会议精神,切实统一思想。\n"
     "第二、突出抓好项目建设,全力以赴稳增长。\n第三、持续优化营商环境,不断激发市场活力。",
     [("邱伟", "第一、深入学习领会会议精神"), ("邱伟", "第二、突出抓好项目建设"), ("邱伟", "第三、持续优化营商环境")]),
    # what the meeting states collectively belongs to 会议
    ("3月8日,县委常委会召开会议。会议要求,各级各部门要抓紧抓实春耕备耕工作,确保粮食安全。会议强调,要严格落实安全生产责任制。",
     [("会议", "各级各部门要抓紧抓实春耕备耕工作"), ("会议", "要严格落实安全生产责任制")]),
    # 要求X…: the point starts after 要求; a pronoun goes on for the last speaker
    ("5月6日,市委书记周强主持召开市委常委会会议并讲话。周强要求全市上下要以更大力度推进改革攻坚。他表示,必须坚持以人民为中心。",
     [("周强", "全市上下要以更大力度推进改革攻坚"), ("周强", "必须坚持以人民为中心")]),
    # a headline with its elaboration is one point
    ("3月1日,县委书记王明主持召开全县干部大会并讲话。王明强调:\n要强攻主责主业,全力以赴推进高质量发展。要夯实基础,持续提升发展后劲;"
     "要聚焦首位产业,做大做强集群。\n要狠抓作风建设,营造干事创业浓厚氛围。",
     [("王明", "要强攻主责主业"), ("王明", "要狠抓作风建设")]),
])
def test_directive_points(text, expected):
    got = directives(text)
    assert len(got) == len(expected)
    for (speaker, index, body), (want_speaker, want_start) in zip(got, expected):
        assert speaker == want_speaker and index == 0 and body.startswith(want_start)


def test_directives_follow_their_meeting():
    text = ("10月22日上午,区党工委召开党工委会议,研究部署近期工作。会议要求,要全力抓好项目建设。\n"
            "10月22日下午,区党工委书记胡心田主持召开全区领导干部大会。胡心田强调,全区上下要扛起责任。")
    got = directives(text)
    assert [(s, i) for s, i, _ in got] == [("会议", 0), ("胡心田", 1)]


def test_a_retrospective_summary_is_no_directive():
    text = "5月25日,区委书记夏吉林主持召开区委全会。夏吉林指出,五年来,全区经济社会保持又好又快发展。"
    assert directives(text) == []


def test_a_directive_span_quotes_its_text_when_white_space_follows_the_verb():
    text = "5月6日,区委召开全区干部会议。区委书记王伟主持。王伟强调,要抓好落实。李明要求\x0b要求各部门按期完成。"
    report = run(text)
    assert report.directives
    for d in report.directives:
        assert text[d.span.start:d.span.end] == d.text
