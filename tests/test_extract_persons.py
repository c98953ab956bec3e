"""Person mentions: names, the titles written with them, and words that only look like names."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import extract
from kg.extract.furniture import bylines
from kg.extract.persons import POST_RE, SURNAME_FIRST, _title_ends, find_mentions, header_lists, name_at
from kg.records import Document, NormalizedText

from helpers import SEEDS


def run(text: str):
    doc = Document("t", "t.txt", text, "utf-8", "text", "")
    return extract(doc, NormalizedText(text, text, tuple(range(len(text) + 1)), "simplified"))


def persons(text: str) -> dict[str, tuple[str, ...]]:
    return {p.name: p.titles for p in run(text).persons}


@pytest.mark.parametrize("text, expected", [
    # titles joined by 、 before the name all belong to it
    ("县委副书记、县长李强出席会议并讲话。", {"李强": ("县委副书记", "县长")}),
    # a group label heading a list goes to every name in it
    ("区领导李华、王强、赵钢出席会议。", {"李华": ("区领导",), "王强": ("区领导",), "赵钢": ("区领导",)}),
    # a title after the name counts (吴明德市长), and titles are the union over mentions
    ("市长吴明德主持会议。吴明德市长强调,要抓落实。", {"吴明德": ("市长",)}),
    ("会上,招商局王明局长作了汇报。", {"王明": ("局长",)}),
    # an organ running into a name with a post-posed title (管委会招宏主任)
    ("高新区管委会招宏主任、区党工委黎汉光副书记陪同调研。", {"招宏": ("主任",), "黎汉光": ("副书记",)}),
    # compound surnames and four-character names
    ("县领导诸葛明杰、欧阳明华参加会议。", {"诸葛明杰": ("县领导",), "欧阳明华": ("县领导",)}),
    # 总经理 holds 经, which elsewhere ends the text before a title
    ("集团总裁助理、山东大区总经理王强、投资管理部总经理陈涛参加会见。",
     {"王强": ("集团总裁助理", "山东大区总经理"), "陈涛": ("投资管理部总经理",)}),
    # an organ's other name in brackets stays inside the title
    ("示范区管委会(市新城管委会)副主任曾晖、王靖海参加会议。",
     {"曾晖": ("示范区管委会(市新城管委会)副主任",), "王靖海": ("示范区管委会(市新城管委会)副主任",)}),
    # a two-character name that is also a word, closed by punctuation after a title
    ("3月30日,县委书记赵国栋主持召开专题会,县长高原,县政协主席常兴旺出席会议。",
     {"赵国栋": ("县委书记",), "高原": ("县长",), "常兴旺": ("县政协主席",)}),
    # after a title, a name also ends where a dictionary word begins
    ("全国人大代表、县委书记林海峰接受记者采访。", {"林海峰": ("全国人大代表", "县委书记")}),
    # 作 after a name ending in 强 is the speech verb (强作 is a word too)
    ("公司总经理周志强作半年工作报告。", {"周志强": ("公司总经理",)}),
    # a place-like name after a title
    ("镇党委副书记龙海就年度重点工作作了安排部署。", {"龙海": ("镇党委副书记",)}),
    # 会 and 党 inside a given name
    ("市政协秘书长李会明出席会议。", {"李会明": ("市政协秘书长",)}),
    ("管委会主任朱党生参加并讲话。", {"朱党生": ("管委会主任",)}),
    # 和 inside a given name, not at its end
    ("副主任曾晖、来和顺、方永胜参加会议。", {"曾晖": ("副主任",), "来和顺": ("副主任",), "方永胜": ("副主任",)}),
    # a name followed by 以/关于/等 ends before them
    ("党委书记陈立以“学习贯彻全会精神”为题作了解读。", {"陈立": ("党委书记",)}),
    ("会议听取了县发改局局长周涛关于重点项目的汇报。", {"周涛": ("县发改局局长",)}),
    ("市委常委陈社平、王先同、程军民出席会议。",
     {"陈社平": ("市委常委",), "王先同": ("市委常委",), "程军民": ("市委常委",)}),
    # 受…委托: neither 受 nor 委托 is part of a title
    ("受县政协主席李服成委托县政协副主席白海燕向常委会汇报。",
     {"李服成": ("县政协主席",), "白海燕": ("县政协副主席",)}),
    # a title under a colon heads the list after it
    ("大会主席团常务主席、大会执行主席:郑弟平、龚德华、魏岳峰在主席台就坐。",
     {n: ("大会主席团常务主席", "大会执行主席") for n in ("郑弟平", "龚德华", "魏岳峰")}),
    # a bare list joined to a name met elsewhere
    ("县工作专班刘彩云、李静、刘波等同志到会指导。县工作专班领导刘彩云同志讲话。",
     {"刘彩云": ("县工作专班领导",), "李静": (), "刘波": ()}),
    # sequence words before a title are not part of it
    ("最后镇党委副书记、镇长米厚成讲意见。", {"米厚成": ("镇党委副书记", "镇长")}),
])
def test_names_and_titles(text, expected):
    assert persons(text) == expected


@pytest.mark.parametrize("text, not_names", [
    ("习近平总书记来闽考察时强调,要推进高质量发展。", {"来闽"}),
    ("会议推定了主席团常务主席和执行主席分组名单。", {"和执行"}),
    ("会议要求进一步明确工作责任,管理工作要到位。", {"明确工", "管理工"}),
    ("来抓作风建设,来全面从严治党。", {"来抓"}),
    ("区政协副主席何宝山应邀列席会议。", {"区政协"}),
    ("萧山区区长姜永军参加会议。", {"萧山区"}),
    ("全体在家的县级领导和主席团成员在主席台就坐。", {"成员在"}),
    ("要高度重视安全生产,全面加强监督检查。", {"高度", "全面"}),
])
def test_words_that_are_not_names(text, not_names):
    assert not_names.isdisjoint(persons(text))


def test_padded_names_in_a_roster():
    text = "参会人员:王生勇 孙 平 任启明 王 彬\n列席人员:杜养民 张立新 王 艳\n李水平 雷 雨\n请假人员: 郝国强\n记录:张晓峰\n"
    lists = header_lists(text)
    assert [(h.role_word, [n for n, _, _ in h.names]) for h in lists] == [
        ("参会", ["王生勇", "孙平", "任启明", "王彬"]),
        ("列席", ["杜养民", "张立新", "王艳", "李水平", "雷雨"]),
        ("请假", ["郝国强"]),
    ]
    names = [m.name for m in find_mentions(text)]
    assert "孙平" in names and "雷雨" in names


@pytest.mark.parametrize("text, expected_bylines", [
    ("(记者 张三 通讯员 李四)8月1日,镇党委召开会议。\n编辑:王五", ["张三", "李四", "王五"]),
    ("(记者冯 丽 孙 红)5日晚,大会举行。", ["冯丽", "孙红"]),
])
def test_bylines_are_not_persons(text, expected_bylines):
    names, _ = bylines(text)
    assert names == expected_bylines
    assert set(expected_bylines).isdisjoint(persons(text))


def test_a_byline_who_attended_stays_a_person():
    text = "2月13日上午,区长金山主持召开区政府常务会议,区政府办公室主任何宏斌出席会议。(撰稿人:邓明 审稿人:何宏斌)"
    r = run(text)
    assert "何宏斌" in r.bylines and "何宏斌" in {p.name for p in r.persons}


@pytest.mark.parametrize("text, pos, length", [
    ("刘松等出席会议", 0, 2),
    ("王先同、程军民", 0, 3),
    ("诸葛明杰参加", 0, 4),
    ("高度重视", 0, 0),
])
def test_name_at(text, pos, length):
    assert name_at(text, pos, strict=True) == length


def test_jieba_loads_only_for_a_report_that_needs_it(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("Minutes of the meeting, in English only.\n", encoding="utf-8")
    named = tmp_path / "named.txt"
    named.write_text("3月5日,区政府召开常务会议。区长王建国主持会议并讲话。\n", encoding="utf-8")
    probe = ("import sys, jieba\n"
             "from kg.engine import extract_batch\n"
             "extract_batch([sys.argv[1]], None)\n"
             "print(jieba.dt.initialized, 'jieba.posseg' in sys.modules)\n"
             "extract_batch([sys.argv[2]], None)\n"
             "print(jieba.dt.initialized, 'jieba.posseg' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe, str(plain), str(named)], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["False False", "True True"]


# Posts and their characters in other orders, surnames' first characters, separators and plain characters.
TITLE_TEXTS = st.text(alphabet="区委书记长副主任市县镇党工委会员总经理理事王李张高和欧阳，。、 a\n", max_size=40)


def _post_ends_before_surnames(text: str) -> list[int]:
    return [m.end() for m in POST_RE.finditer(text) if text[m.end():m.end() + 1] in SURNAME_FIRST]


def test_title_ends_are_where_a_scan_for_posts_meets_a_surname():
    @settings(max_examples=2000, deadline=None)
    @given(TITLE_TEXTS)
    def check(text):
        assert _title_ends(text) == _post_ends_before_surnames(text)

    check()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert _title_ends(text) == _post_ends_before_surnames(text)
