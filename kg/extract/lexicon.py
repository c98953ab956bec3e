"""General vocabulary of Chinese government writing: surnames, posts, organs, role verbs."""
from __future__ import annotations

import re


# Common Chinese surnames (the Hundred Family Surnames and modern frequency lists).
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于於蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱丘江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖"
    "练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那"
    "宿鲜印逯隆茹诸战慕危玉银亢嵩帖蔚么闪菅续钮汝郏荀靖逄衡但揭凤蓬操竺鄂晏璩沃税迮酆郦益郗衣仉缑营过植"
    "弓郇邴藏檀栗昌展仝茅丘訾冒库洪习回资招"
)
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 独孤 南宫 西门 "
    "百里 东郭 呼延 端木 万俟 澹台 公冶 太史 申屠 左丘 拓跋 第五 赫连 完颜".split()
)

# Posts a title ends with; longest first so a regex alternation prefers them.
POSTS = sorted(set("""
书记 副书记 总书记 第一书记 常委 委员 主任 副主任 常务副主任 主席 副主席 常务主席 执行主席 秘书长 副秘书长
省长 副省长 市长 副市长 常务副市长 县长 副县长 常务副县长 区长 副区长 常务副区长 镇长 副镇长 乡长 副乡长
州长 副州长 旗长 副旗长 盟长 代理区长 代理县长 代理市长 委员长 副委员长 总理 副总理 国务委员 部长 副部长 厅长
副厅长 局长 副局长 处长 副处长 科长 副科长 股长 组长 副组长 队长 副队长 院长 副院长 检察长 副检察长 庭长 所长
副所长 站长 校长 副校长 主委 副主委 会长 副会长 社长 行长 董事长 副董事长 总经理 副总经理 经理 总裁 副总裁
总监 调研员 巡视员 督导员 教授 副教授 研究员 党组成员 党委委员 党工委委员 组织委员 宣传委员 纪检委员 政委
领导 负责人 代表 委员 干事 主任委员 总工程师 总会计师 总编辑 台长 馆长 团长 指导员 部长助理 总裁助理 顾问 法律顾问
""".split()), key=len, reverse=True)

# Words that a person name never contains and that end a name.
ROLE_VERBS = {
    "chair": ("主持召开", "主持", "主持会议"),
    "speaker": ("讲话", "强调", "指出", "要求", "表示", "作报告", "作工作报告", "作了报告", "汇报", "介绍", "解读",
                "宣读", "通报", "部署", "发言", "说明", "传达", "总结", "提出", "致辞", "点评", "授课", "作", "讲"),
    "attendee": ("出席", "参加", "列席", "参会", "陪同", "随同", "到会", "应邀出席", "应邀", "一同", "带领", "率领",
                 "带队", "率队", "收听收看"),
}
VISIT_VERBS = ("调研", "视察", "宣讲", "看望", "慰问", "督导", "检查", "考察", "走访", "察看")

# Text that may follow a name directly (the name's right boundary).
NAME_FOLLOWERS = tuple(sorted(set(
    [v for vs in ROLE_VERBS.values() for v in vs] + list(VISIT_VERBS) + list(POSTS) + """
同志 等 在 和 与 及 就 对 向 为 代表 带领 率 率队 一行 深入 来到 到 赴 前往 先后 分别 主持 出席 召开 说 认为 希望 号召
也 还 是 的 同 作了 作出 并 从 结合 围绕 参加 通过 听取 审议 宣布 会见 会谈 座谈 同时 首先 详细 带队 专程 重点 再次
为此 以及 兼 任 担任 被 受 请 委托 看望 慰问 参观 观摩 实地 现场 主讲 所作 所 介绍 作为 既 又 都 于 以 讲 宣布 关于 会见 会谈
""".split()), key=len, reverse=True))
# A three-character candidate ending in one of these is a two-character name and a function word (刘松等, 陈立以).
SHORT_NAME_ENDS = frozenset("等以在对向就从于被把将也还都并又说是的受率赴到")
# Surnames that are also function words: with a common word after them they start a phrase, not a name (和执行).
FUNCTION_SURNAMES = frozenset("和与及向于对为从以在由同将把被")

# Party congresses: a report studying a congress's "spirit" is dated after it; one preparing for it, before.
PARTY_CONGRESSES = {"十八大": (2012, 11), "十九大": (2017, 10), "二十大": (2022, 10), "二十一大": (2027, 10)}
# First year of each National People's Congress (and CPPCC National Committee) term;
# session n sits in March of that year + n - 1.
NPC_TERMS = {"十": 2003, "十一": 2008, "十二": 2013, "十三": 2018, "十四": 2023, "十五": 2028}
# Commemorations counted in years ("…104周年"): the year of the first one.
ANNIVERSARIES = (("三八国际劳动妇女节", 1910), ("三八妇女节", 1910), ("三八节", 1910), ("国际劳动妇女节", 1910),
                 ("五四运动", 1919), ("建党", 1921), ("中国共产党成立", 1921), ("建军", 1927),
                 ("中国人民解放军建军", 1927), ("新中国成立", 1949), ("中华人民共和国成立", 1949), ("建国", 1949),
                 ("改革开放", 1978), ("抗日战争胜利", 1945), ("抗战胜利", 1945))

CJK = "\u4e00-\u9fff"


def is_surname_start(s: str) -> bool:
    """True when ``s`` begins with a known surname (compound surnames included)."""
    return s[:2] in COMPOUND_SURNAMES or (bool(s) and s[0] in SINGLE_SURNAMES)


def words_pattern(words) -> str:
    """A pattern matching any of ``words``, the longest one where several fit, as a trie of groups.

    It matches what an alternation of the words sorted longest first matches, but the regex engine
    follows one branch per character instead of trying every word at every position.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" not in node:
            return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Longer words first, then the word ending here: the empty branch comes last.
        return "(?:" + "|".join(branches) + "|)"

    return build(trie)
