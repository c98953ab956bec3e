"""Meeting dates: explicit, completed from the page, inferred from context, or left partial."""
from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.dates import context_year, infer_month, infer_year, iso_date, meeting_date
from kg.extract.furniture import published_date
from kg.records import Document, NormalizedText


def run(text: str):
    doc = Document("t", "t.txt", text, "utf-8", "text", "")
    return extract(doc, NormalizedText(text, text, tuple(range(len(text) + 1)), "simplified"))


def dates(text: str) -> list[tuple[str | None, str | None]]:
    return [(m.date, m.time_of_day) for m in run(text).meetings]


@pytest.mark.parametrize("text, expected", [
    ("2024年3月5日上午,县委书记王明主持召开县委常委会会议。", [("2024-03-05", "上午")]),
    # the year from the publication date; a December meeting published in January is last year's
    ("发布时间:2024-03-06 10:20\n3月5日,县委书记王明主持召开县委常委会会议。", [("2024-03-05", None)]),
    ("发布日期:2024-01-03\n12月28日下午,县长李强主持召开县政府常务会议。", [("2023-12-28", "下午")]),
    # a page time stamp (date and clock time near the top) is the publication date
    ("来源:融媒中心 2023年10月26日 20:45\n10月26日,区人民代表大会第四次会议开幕。", [("2023-10-26", None)]),
    # a current-date banner with a weekday is not
    ("2023年03月29日 星期三\n1月26日下午,市委常委会召开扩大会议。", [("XXXX-01-26", "下午")]),
    # no year anywhere: XXXX
    ("6月7日,区长李丰年主持召开专题会议。", [("XXXX-06-07", None)]),
    # Chinese numerals
    ("十月二十二日上午,镇党委召开扩大会议。", [("XXXX-10-22", "上午")]),
    # the 日 left out before the time of day
    ("县第十五届人民代表大会第二次会议3月4下午3:00在县剧院隆重开幕。", [("XXXX-03-04", "下午")]),
    # the day alone: month and year unknown without a page date, else the latest such day
    ("(记者冯 丽 孙 红)5日晚,县人民代表大会举行主席团第一次会议。", [("XXXX-XX-05", "晚上")]),
    ("发布时间:2024-03-06\n5日晚,县人民代表大会举行主席团第一次会议。", [("2024-03-05", "晚上")]),
    # a later day alone takes the month of the account before it
    ("3月11日上午,县人民代表大会第三次会议开幕,大会执行主席钱进主持会议。\n12日下午,大会举行第二次全体会议,执行主席孙立主持会议。",
     [("XXXX-03-11", "上午"), ("XXXX-03-12", "下午")]),
    # explicit years in the text, 上半年 included
    ("8月21日,县人大常委会党组书记高明远主持召开党组会议。会议听取2018上半年党建工作汇报,通报2017年财务巡察情况。",
     [("2018-08-21", None)]),
    # context: an NPC session, an anniversary
    ("3月22日,区委中心组学习会举行。会上,全国人大代表刘勇传达了十四届全国人大二次会议精神。",
     [("2024-03-22", None)]),
    ("2月28日,县委召开常委会议,研究纪念三八国际劳动妇女节104周年暨表彰大会有关事项。", [("2014-02-28", None)]),
    # relative days
    ("发布时间:2024-05-10\n今天上午,市委常委会召开会议。", [("2024-05-10", "上午")]),
    ("发布时间:2024-05-10\n昨天,县长李强主持召开县政府常务会议。", [("2024-05-09", None)]),
    ("近日,区长王五主持召开区政府常务会议,副区长李四参加会议。", [(None, None)]),
])
def test_meeting_dates(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("发布时间:2023-02-13 12:26 浏览:1447次", "2023-02-13"),
    ("发布日期:2020-01-27\n信息来源:济南日报", "2020-01-27"),
    ("2023年03月29日 星期三\n市委常委会召开扩大会议", None),
    ("来源:温江融媒 2023年10月26日 20:45", "2023-10-26"),
    ("2019-07-10\n戴庙镇召开对接会", "2019-07-10"),
])
def test_published_date(text, expected):
    assert published_date(text) == expected


@pytest.mark.parametrize("year, month, day, expected", [
    (2024, 3, 5, "2024-03-05"),
    (None, 3, 5, "XXXX-03-05"),
    (None, None, 5, "XXXX-XX-05"),
    (2024, 13, 5, None),
    (None, 3, None, None),
    (2023, 2, 30, None),
    (2023, 2, 29, None),
    (2024, 2, 29, "2024-02-29"),
    (None, 2, 29, "XXXX-02-29"),
    (None, 4, 31, None),
    (None, 0, 5, None),
])
def test_iso_date(year, month, day, expected):
    assert iso_date(year, month, day) == expected


def test_inference_helpers():
    assert infer_year(12, 28, "2024-01-03", "") == 2023
    assert infer_year(3, 1, None, "2022年工作总结") == 2022
    assert infer_year(3, 1, None, "到2035年基本实现现代化") is None  # a target year is not the meeting's
    assert infer_year(10, 20, None, "以优异成绩迎接党的二十大胜利召开") == 2022
    assert infer_month(5, "2024-03-06") == (2024, 3)
    assert infer_month(25, "2024-01-06") == (2023, 12)
    assert infer_month(5, None) == (None, None)
    assert context_year(3, "学习贯彻第十三届全国人民代表大会第一次会议精神") == 2018
    assert context_year(7, "庆祝中国共产党成立100周年") == 2021
    assert meeting_date(None, None, None, "2024-05-10", "", -1) == "2024-05-09"
