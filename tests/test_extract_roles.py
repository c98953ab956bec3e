"""Who did what at a meeting, read from written snippets: one test per sentence pattern."""
from __future__ import annotations

import pytest

from kg.extract import extract
from kg.records import Document, NormalizedText


def run(text: str):
    doc = Document("t", "t.txt", text, "utf-8", "text", "")
    return extract(doc, NormalizedText(text, text, tuple(range(len(text) + 1)), "simplified"))


def one(text: str):
    r = run(text)
    assert len(r.meetings) == 1, [m.name for m in r.meetings]
    m = r.meetings[0]
    return m.chairs, m.speakers, m.attendees


HEAD = "4月9日上午,县委召开常委会会议。县委书记周立新主持会议。"


@pytest.mark.parametrize("verb", ["讲话", "强调", "指出", "要求", "表示", "汇报", "通报", "宣读", "发言", "作报告"])
def test_roles_each_speech_verb_makes_a_speaker_and_attendee(verb):
    assert one(HEAD + f"县委副书记、县长韩晓东{verb}。县委常委孙海波出席会议。") == (
        ["周立新"], ["韩晓东"], ["韩晓东", "孙海波"])


@pytest.mark.parametrize("verb", ["出席会议", "参加会议", "列席会议", "参会", "陪同"])
def test_roles_each_attendance_verb_makes_attendees(verb):
    text = f"4月9日上午,县委召开常委会会议。县委书记周立新主持会议并讲话。县人大常委会主任钱文华、县政协主席贺志刚{verb}。"
    assert one(text) == (["周立新"], ["周立新"], ["钱文华", "贺志刚"])


def test_roles_chair_of_zhuchi_zhaokai():
    assert one("5月3日,区长孟庆华主持召开区政府常务会议。") == (["孟庆华"], [], [])


def test_roles_name_after_long_compound_title():
    r = run("2024年1月5日,区委常委、区人民政府党组书记、常务副区长、区经济开发区管委会主任宋卫东主持召开专题会议。")
    assert r.meetings[0].chairs == ["宋卫东"]
    assert r.persons[0].titles == ("区委常委", "区人民政府党组书记", "常务副区长", "区经济开发区管委会主任")


def test_roles_post_posed_title():
    r = run("3月2日,市政府召开常务会议。吴贤德市长主持会议并讲话。")
    assert (r.meetings[0].chairs, r.meetings[0].speakers) == (["吴贤德"], ["吴贤德"])
    assert r.persons[0].titles == ("市长",)


def test_roles_title_split_around_the_name():
    r = run("3月2日,县委召开常委会会议,传达市委许继伟书记的讲话精神。县长韩涛主持。")
    assert {p.name: p.titles for p in r.persons}["许继伟"] == ("市委书记",)


def test_roles_list_ending_in_deng():
    assert one("3月2日,市政府召开常务会议。市长吴贤德主持,副市长林涛、何静、郭云峰等出席会议。") == (
        ["吴贤德"], [], ["林涛", "何静", "郭云峰"])


def test_roles_pronoun_is_the_last_named_speaker():
    r = run("3月2日,市政府召开常务会议。市长吴贤德主持会议。吴贤德指出,要稳增长。他强调,要保民生。"
            "副市长林涛通报了有关情况。她表示,要抓落实。")
    assert [(d.speaker, d.text[:4]) for d in r.directives] == [("吴贤德", "要稳增长"), ("吴贤德", "要保民生"),
                                                                ("林涛", "要抓落实")]


def test_roles_speaker_does_not_swallow_the_speech_verb_zuo():
    r = run("4月10日,县政府召开常务会议。县长林志华主持会议。县政府办公室主任何平作汇报。")
    assert one("4月10日,县政府召开常务会议。县长林志华主持会议。县政府办公室主任何平作汇报。") == (
        ["林志华"], ["何平"], ["何平"])
    assert [p.name for p in r.persons] == ["林志华", "何平"]


def test_roles_leader_leading_a_visit_is_no_part_of_the_next_title():
    r = run("8月1日,区委副书记、区长周斌带领区发改委主任郑亮、区财政局局长钱进深入企业调研。")
    titles = {p.name: p.titles for p in r.persons}
    assert titles == {"周斌": ("区委副书记", "区长"), "郑亮": ("区发改委主任",), "钱进": ("区财政局局长",)}


@pytest.mark.parametrize("furniture, names", [
    ("记者 张晓光\n", ["张晓光"]),
    ("本报讯(记者 马俊)", ["马俊"]),
    ("", []),
])
def test_roles_bylines_are_authors_never_participants(furniture, names):
    text = (furniture + "3月2日,市政府召开常务会议。市长吴贤德主持。\n"
            "编辑:李明华 审核:赵国栋 供稿:市政府办 孙丽娟")
    r = run(text)
    assert list(r.bylines) == names + ["李明华", "赵国栋", "孙丽娟"]
    assert [p.name for p in r.persons] == ["吴贤德"]
    assert [p.person for m in r.meetings for p in m.participants] == ["吴贤德"]


def test_roles_two_meetings_morning_and_afternoon():
    r = run("9月3日上午,区委书记郭宏主持召开区委常委会会议。当天下午,全区项目建设推进大会召开,区长何伟主持,郭宏讲话。")
    assert [(m.date, m.time_of_day, m.name, m.chairs, m.speakers) for m in r.meetings] == [
        ("XXXX-09-03", "上午", "区委常委会会议", ["郭宏"], []),
        ("XXXX-09-03", "下午", "全区项目建设推进大会", ["何伟"], ["郭宏"]),
    ]


def test_roles_zhuchi_zhaokai_x_and_y_are_two_meetings():
    r = run("5月8日上午,市委书记张国强主持召开市委常委会会议和市委财经委员会会议。市委副书记、市长李明出席。")
    assert [(m.name, m.chairs, m.attendees) for m in r.meetings] == [
        ("市委常委会会议", ["张国强"], ["李明"]), ("市委财经委员会会议", ["张国强"], ["李明"])]


def test_roles_visit_makes_the_visitor_speaker_and_attendee():
    r = run("6月12日,市委常委、副市长邓力到城南街道调研老旧小区改造工作。邓力强调,要因地制宜。")
    m = r.meetings[0]
    assert (m.kind, m.chairs, m.speakers, m.attendees) == ("visit", [], ["邓力"], ["邓力"])


def test_roles_chair_named_in_the_meeting_name_sentence_without_held_verb():
    r = run("4月10日,县长林志华主持会议,研究防汛工作。")
    assert (r.meetings[0].name, r.meetings[0].chairs) == ("会议", ["林志华"])


@pytest.mark.parametrize("text, date", [
    ("发布时间:2023-11-02\n10月30日,县委召开常委会会议。", "2023-10-30"),          # publication date
    ("发布时间:2024-01-03\n12月30日,县委召开常委会会议。", "2023-12-30"),          # published the next year
    ("1月5日,县委召开常委会会议,研究2024年工作思路。", "2024-01-05"),            # the year being planned
    ("12月30日,县委召开常委会会议,研究2024年工作思路。", "2023-12-30"),           # planning next year
    ("10月8日,县委召开常委会会议,动员全县以优异成绩迎接党的二十大胜利召开。", "2022-10-08"),  # context
    ("10月8日,县委召开常委会会议。", "XXXX-10-08"),                              # unknowable
])
def test_roles_meeting_years(text, date):
    assert run(text).meetings[0].date == date


def test_roles_visit_then_symposium_the_visitor_chairs():
    r = run("5月8日,副市长邓力到区调研乡村振兴工作,并主持召开座谈会。区委书记张宇陪同。邓力强调,要因地制宜。")
    assert [(m.kind, m.chairs, m.speakers) for m in r.meetings] == [
        ("visit", [], ["邓力"]), ("meeting", ["邓力"], ["邓力"])]
    assert "张宇" in r.meetings[1].attendees


@pytest.mark.parametrize("text, name", [
    ("2月11日,区政府召开党组会议。区长邱伟主持。", "区政府党组会议"),
    ("6月1日下午,区委常委会召开会议,区委书记黄志明主持会议。", "区委常委会会议"),
    ("10月22日下午,上饶经开区党工委召开全区领导干部大会。", "全区领导干部大会"),  # a name of its own stays
])
def test_roles_generic_meeting_name_takes_the_holding_body(text, name):
    assert run(text).meetings[0].name == name
