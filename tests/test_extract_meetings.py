"""Meetings and visits: who chaired, spoke at and attended each one."""
from __future__ import annotations

import pytest

from kg.extract import extract
from kg.records import Document, NormalizedText


def run(text: str):
    doc = Document("t", "t.txt", text, "utf-8", "text", "")
    return extract(doc, NormalizedText(text, text, tuple(range(len(text) + 1)), "simplified"))


def roles(text: str) -> list[tuple[list[str], list[str], list[str]]]:
    return [(m.chairs, m.speakers, m.attendees) for m in run(text).meetings]


@pytest.mark.parametrize("text, expected", [
    # 主持召开 / 出席 / 列席 with several clauses
    ("3月5日上午,县委书记王建国主持召开县委常委会会议。县委副书记、县长李强,县委常委张伟、赵钢出席会议,"
     "县人大常委会主任刘洋列席会议。王建国强调,要狠抓工作落实。",
     [(["王建国"], ["王建国"], ["李强", "张伟", "赵钢", "刘洋"])]),
    # 会议由X主持; 出席会议并讲话 makes a speaker and an attendee
    ("2月20日,县政府召开全县经济工作会议。吴明德县长出席会议并讲话,常务副县长何丽主持会议。",
     [(["何丽"], ["吴明德"], ["吴明德"])]),
    ("11月5日上午,县安委会召开全体会议,副县长赵三出席会议。会议由县委常委、常务副县长王一主持。",
     [(["王一"], [], ["赵三"])]),
    # a list ending in a collective noun before the verb (…及全体主席团成员参加会议)
    ("3月11日下午,大会主席团第二次会议召开。县人大常委会主任刘春霞主持会议,县领导杜光明、叶林、胡献华及全体主席团成员参加会议。",
     [(["刘春霞"], [], ["杜光明", "叶林", "胡献华"])]),
    ("6月7日,区长李丰年在区机关大楼第一接待室主持召开专题会议。副区长蔡全友及区政府办、发改局等单位有关负责人参加了会议。",
     [(["李丰年"], [], ["蔡全友"])]),
    # 在…时列席; 应邀全程列席
    ("12月6日,市委书记许明友主持召开市委常委会,副市长张燕、司学民在研究相关议题时列席会议,"
     "市委巡察组组长董兆祥应邀全程列席会议。",
     [(["许明友"], [], ["张燕", "司学民", "董兆祥"])]),
    # speeches: 向…汇报, 就…作说明, 作…的报告, 以…为题进行了授课, 听取X关于…的汇报
    ("3月14日,县委书记王宏亮主持召开县委常委会议。县人大主任苏士成向常委会汇报工作。",
     [(["王宏亮"], ["苏士成"], ["苏士成"])]),
    ("5月25日上午,区委全体会议召开。区委书记夏吉林主持会议并作重要讲话。会上,区委副书记叶林芳作筹备工作情况的报告;"
     "区委常委、纪委书记刘辉就区纪委工作报告的起草过程作一说明。",
     [(["夏吉林"], ["夏吉林", "叶林芳", "刘辉"], ["叶林芳", "刘辉"])]),
    ("1月31日下午,市长陈恢明主持召开市政府常务会议。会议举行专题学法讲座,大学法学院教授、市政府法律顾问屈茂林"
     "以“在法治轨道上推进现代化建设”为题进行了授课。",
     [(["陈恢明"], ["屈茂林"], ["屈茂林"])]),
    ("9月13日下午,副区长谢义成同志在区机关大院会议室主持召开区政府常务会议。会议听取了区城管执法局局长赵坚平同志"
     "关于航展服务保障工作的情况汇报。",
     [(["谢义成"], ["赵坚平"], ["赵坚平"])]),
    # 等分别作交流发言, 在总结讲话中强调, 讲党课, 作了题为《…》的报告
    ("5月6日,县委召开理论学习中心组学习会。县委书记王明主持并讲话。县委副书记李强、县委常委张伟等分别作交流发言。"
     "县委常委、组织部部长赵钢在总结讲话中强调,要学以致用。",
     [(["王明"], ["王明", "李强", "张伟", "赵钢"], ["李强", "张伟", "赵钢"])]),
    ("7月1日,镇党委召开庆祝建党大会。镇党委书记刘洋讲党课,镇长陈刚作了题为《坚定信念 勇毅前行》的报告。",
     [([], ["刘洋", "陈刚"], ["刘洋", "陈刚"])]),
    # a speech conveyed is not a speech given here
    ("7月9日,县长马东主持召开县政府党组会议。会议传达学习了省委书记王刚在全省经济工作会议上的讲话精神。",
     [(["马东"], [], [])]),
    # 宣布大会开幕 presides over a plenary sitting; 在主席台就座 is being there
    ("3月4日下午,县第十五届人民代表大会第二次会议开幕。大会执行主席:郑弟平、龚德华、魏岳峰在主席台就坐。"
     "大会执行主席魏岳峰宣布大会开幕。县长龚德华向大会作政府工作报告。",
     [(["魏岳峰"], ["龚德华"], ["郑弟平", "龚德华"])]),
    # roster under role headers; 请假 is absent
    ("10月10日晚上,体育部主任孙平主持召开体育部党政联席会议,纪要如下:\n会议研究了设备购置事宜。\n"
     "主持人:孙平\n参会人员:王生勇 孙 平 任启明\n列席人员:杜养民 王 艳\n请假人员: 郝国强\n",
     [(["孙平"], [], ["王生勇", "任启明", "杜养民", "王艳"])]),
    # 一同参加会见的还有: a roster of titled names
    ("5月28日,市委书记宋永福一行到集团总部访问。许铁军主席欢迎宋永福书记到访。"
     "一同参加会见的还有:市委常委、秘书长丁峰,集团总裁刘连生。",
     [([], ["宋永福", "许铁军"], ["宋永福", "许铁军", "丁峰", "刘连生"])]),
    # 出席会议的有 without a colon; 以视频方式参加
    ("3月6日,县委常委会召开会议。出席会议的有县委书记张三、县长李四,县委常委王五。县委副书记钱七以视频方式参加会议。",
     [([], [], ["张三", "李四", "王五", "钱七"])]),
    # minutes laid out as header lines: the date comes from 会议时间
    ("县政府第十次常务会议纪要\n会议时间:2023年5月6日上午\n主持人:县长王强\n出席人员:李明、张华\n"
     "列席人员:县发改局局长周涛\n会议研究了重点项目建设工作。",
     [(["王强"], [], ["李明", "张华", "周涛"])]),
    # a 会见: host and guest were both there
    ("5月8日,市长吴明德会见了中国建筑集团副总经理李明一行。市政府秘书长王强参加会见。",
     [([], [], ["吴明德", "李明", "王强"])]),
])
def test_roles(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize("text, expected", [
    # every visitor named together is speaker and attendee; 陪同 attends
    ("4月2日,市委书记张三、市长李四到我县调研乡村振兴工作,县领导王五、赵六陪同。张三指出,要坚持农业农村优先发展。",
     [([], ["张三", "李四"], ["张三", "李四", "王五", "赵六"])]),
    ("11月8日下午,县委书记郑俊杰,县委副书记、县长徐朗来到委员驻地,看望慰问政协委员。县领导梁红、石岩等参加慰问。",
     [([], ["郑俊杰", "徐朗"], ["郑俊杰", "徐朗", "梁红", "石岩"])]),
    # a visitor who chairs a 座谈会 on the way stays a visitor
    ("3月2日,省委书记陈华到我市调研。调研期间,陈华主持召开座谈会。市委书记杨勇、市长周波参加座谈会。",
     [(["陈华"], ["陈华"], ["陈华", "杨勇", "周波"])]),
    # names with post-posed titles after their organs form one list
    ("3月20日下午,市委常委杨安国一行到公司调研,火炬区管委会招宏主任、区党工委黎汉光副书记及相关部门负责人陪同调研。",
     [([], ["杨安国"], ["杨安国", "招宏", "黎汉光"])]),
    # 率…现场办公 is a visit
    ("6月8日,市委副书记、市长曹阳率市直有关部门负责人到开发区现场办公。市政府秘书长龚利民参加。",
     [([], ["曹阳"], ["曹阳", "龚利民"])]),
    # 一同考察 and an undated visit (近日)
    ("近日,县委书记黄河带队赴浙江省考察学习。县委常委、办公室主任蒋山,副县长罗玉一同考察。",
     [([], ["黄河"], ["黄河", "蒋山", "罗玉"])]),
])
def test_visits(text, expected):
    assert roles(text) == expected


def test_visit_then_meeting_in_one_sentence_is_two_events():
    text = ("2月11日下午,区长刘三平、常务副区长王海生带领有关部门负责人到物流园进行现场调研,并在街办会议室召开调研座谈会,"
            "会议由常务副区长王海生主持。最后,区长刘三平对园区建设提出几点要求。")
    r = run(text)
    assert [m.kind for m in r.meetings] == ["visit", "meeting"]
    visit, meeting = r.meetings
    assert visit.speakers == ["刘三平", "王海生"] and visit.attendees == ["刘三平", "王海生"]
    assert meeting.chairs == ["王海生"] and meeting.speakers == ["刘三平"]


def test_pronoun_speaks_for_the_last_speaker():
    text = ("12月20日上午,市政协召开主席会议,副主席郝强主持会议。市政协主席任东山作了重要讲话。他指出,要彰显政协特色。")
    (m,) = run(text).meetings
    assert m.chairs == ["郝强"] and m.speakers == ["任东山"]
    assert [d.speaker for d in run(text).directives] == ["任东山"]


def test_date_inside_reported_speech_is_no_meeting():
    text = ("6月7日,区长李丰年主持召开专题会议。李丰年强调,5月6日和12日,副市长胡少军连续两次召开联席会议,"
            "各部门要抓住机遇。")
    assert [m.date for m in run(text).meetings] == ["XXXX-06-07"]


def test_present_flags():
    text = ("3月14日,县委书记王宏亮主持召开县委常委会议。受县政协主席李服成委托,县政协副主席白海燕向常委会汇报工作。")
    present = {p.name: p.present for p in run(text).persons}
    assert present == {"王宏亮": True, "李服成": False, "白海燕": True}


@pytest.mark.parametrize("text", ["", "abc", "。", "5日", "主持人:", "参会人员:\n\n", "县长", "(记者)", "会见了", "出席会议的有"])
def test_fragments_do_not_break_the_extractor(text):
    r = run(text)
    assert all(0 <= s.start <= s.end <= len(text) for p in r.persons for s in p.spans)
