"""English glosses of Chinese official titles, composed from general vocabulary: 区党工委书记 -> District Party Working Committee Secretary."""
from __future__ import annotations

import re
from functools import lru_cache

# Administrative levels a title or organ name starts with.
LEVELS = {
    "中央": "Central", "全国": "National", "省": "Provincial", "自治区": "Autonomous Region", "市": "City",
    "州": "Prefecture", "地区": "Prefecture", "盟": "League", "县": "County", "旗": "Banner", "区": "District",
    "镇": "Town", "乡": "Township", "街道": "Subdistrict", "村": "Village", "社区": "Community",
}
# Organs (party, government, congress, consultative conference, discipline, departments), generic suffixes last.
ORGANS = {
    "党委": "Party Committee", "党工委": "Party Working Committee", "党组": "Party Leadership Group",
    "党总支": "General Party Branch", "党支部": "Party Branch", "党中央": "Party Central Committee",
    "委": "Party Committee", "政府": "Government", "人民政府": "People's Government",
    "人大常委会": "People's Congress Standing Committee", "人大": "People's Congress",
    "常委会": "Standing Committee", "政协": "CPPCC Committee", "纪委监委": "Discipline Inspection and Supervision Commission",
    "纪委": "Discipline Inspection Commission", "纪工委": "Discipline Inspection Working Committee",
    "监委": "Supervision Commission", "纪检监察工委": "Discipline Inspection and Supervision Working Committee",
    "管委会": "Administrative Committee", "组织部": "Organization Department", "宣传部": "Publicity Department",
    "统战部": "United Front Work Department", "政法委": "Political and Legal Affairs Commission",
    "编委": "Staffing Commission", "办公室": "Office", "办公厅": "General Office", "党政办": "Party and Government Office",
    "党建办": "Party Building Office", "发改委": "Development and Reform Commission", "财政局": "Finance Bureau",
    "公安局": "Public Security Bureau", "法院": "Court", "人民法院": "People's Court", "检察院": "Procuratorate",
    "人民检察院": "People's Procuratorate", "总工会": "Federation of Trade Unions", "团委": "Youth League Committee",
    "妇联": "Women's Federation", "工商联": "Federation of Industry and Commerce", "国务院": "State Council",
    "军委": "Military Commission", "开发区": "Development Zone", "经开区": "Economic Development Zone",
    "经济技术开发区": "Economic and Technological Development Zone", "高新技术产业开发区": "High-tech Industrial Development Zone",
    "自治州": "Autonomous Prefecture", "自治县": "Autonomous County",
    "高新区": "High-tech Zone", "新区": "New Area", "工业园区": "Industrial Park", "园区": "Park",
    "委员会": "Committee", "工委": "Working Committee", "局": "Bureau", "厅": "Department", "部": "Department",
    "办": "Office", "院": "Institute", "所": "Station", "站": "Station", "中心": "Center", "公司": "Company",
    "集团": "Group", "协会": "Association", "学校": "School", "大学": "University", "医院": "Hospital",
}
# Posts, with the deputy and acting forms composed from a prefix.
POSTS = {
    "第一书记": "First Secretary", "总书记": "General Secretary", "书记": "Secretary", "常委": "Standing Committee Member",
    "委员": "Member", "成员": "Member", "组织委员": "Organization Committee Member",
    "宣传委员": "Publicity Committee Member", "纪检委员": "Discipline Inspection Committee Member", "主任": "Director", "主席": "Chair", "秘书长": "Secretary-General",
    "省长": "Governor", "市长": "Mayor", "县长": "County Head", "区长": "District Head", "镇长": "Town Head",
    "乡长": "Township Head", "州长": "Prefecture Head", "旗长": "Banner Head", "街道主任": "Subdistrict Director",
    "委员长": "Chairman", "总理": "Premier", "国务委员": "State Councilor", "部长": "Head", "厅长": "Director",
    "局长": "Director", "处长": "Division Chief", "科长": "Section Chief", "股长": "Unit Chief", "组长": "Team Leader",
    "队长": "Captain", "院长": "President", "检察长": "Chief Procurator", "庭长": "Presiding Judge", "所长": "Head",
    "站长": "Head", "校长": "Principal", "主委": "Chair", "会长": "President", "社长": "President", "行长": "Governor",
    "董事长": "Chairman of the Board", "总经理": "General Manager", "经理": "Manager", "总监": "Chief",
    "调研员": "Researcher", "巡视员": "Inspector", "督导员": "Supervisor", "政委": "Political Commissar",
    "领导": "Leader", "负责人": "Head", "代表": "Deputy", "干事": "Officer", "顾问": "Adviser", "助理": "Assistant",
    "总工程师": "Chief Engineer", "总会计师": "Chief Accountant", "总编辑": "Editor-in-Chief", "台长": "Director",
    "馆长": "Curator", "团长": "Head", "指导员": "Instructor", "教授": "Professor", "研究员": "Research Fellow",
}
POST_PREFIXES = {"常务副": "Executive Deputy", "副": "Deputy", "代理": "Acting", "代": "Acting", "执行": "Executive",
                 "常务": "Executive", "名誉": "Honorary", "专职": "Full-time", "兼职": "Part-time"}
# Longest first, so 党工委 wins over 党 and 委, 人大常委会 over 人大.
_VOCAB = sorted(
    [(k, v, "post") for k, v in POSTS.items()] + [(k, v, "organ") for k, v in ORGANS.items()]
    + [(k, v, "level") for k, v in LEVELS.items()] + [(k, v, "prefix") for k, v in POST_PREFIXES.items()],
    key=lambda row: -len(row[0]))
_SEPARATORS = re.compile(r"[、,，;；/]|兼")


def _segments(title: str) -> list[tuple[str, str, str]]:
    """Greedy longest-match split into (chinese, english, kind); unknown runs keep their Chinese."""
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(title):
        for zh, en, kind in _VOCAB:
            if title.startswith(zh, i):
                if kind == "level" and out and out[-1][2] == "unknown":
                    # a level word after an unknown run ends a place name (萍乡, 赣州市): keep it Chinese
                    out[-1] = (out[-1][0] + zh, out[-1][0] + zh, "unknown")
                else:
                    out.append((zh, en, kind))
                i += len(zh)
                break
        else:
            if out and out[-1][2] == "unknown":
                zh = out[-1][0] + title[i]
                out[-1] = (zh, zh, "unknown")
            else:
                out.append((title[i], title[i], "unknown"))
            i += 1
    return out


def _gloss_one(title: str) -> str:
    segs = _segments(title)
    if not any(kind in ("post", "organ") for _, _, kind in segs):
        return ""
    return " ".join(en for _, en, _ in segs)


@lru_cache(maxsize=16384)
def gloss(title: str) -> str:
    """English reading of a title or organ name; several titles (、 兼) become a "; "-separated list; "" if none known."""
    parts = [p.strip() for p in _SEPARATORS.split(title.strip()) if p.strip()]
    glossed = [_gloss_one(p) for p in parts]
    return "; ".join(g for g in glossed if g)


PLACE_KINDS = {"经济技术开发区": "Economic and Technological Development Zone", "经开区": "Economic Development Zone",
               "高新技术产业开发区": "High-tech Industrial Development Zone", "高新区": "High-tech Zone",
               "开发区": "Development Zone", "新区": "New Area", "工业园区": "Industrial Park", "自治区": "Autonomous Region",
               "自治州": "Autonomous Prefecture", "自治县": "Autonomous County", "街道": "Subdistrict", "省": "Province",
               "市": "City", "州": "Prefecture", "县": "County", "旗": "Banner", "区": "District", "镇": "Town",
               "乡": "Township", "村": "Village"}
_PLACE_SUFFIXES = sorted(PLACE_KINDS, key=len, reverse=True)


def place_kind(name: str) -> str:
    """What kind of place a name ends in: 萍乡经济技术开发区 -> Economic and Technological Development Zone."""
    for suffix in _PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return PLACE_KINDS[suffix]
    return ""


def labelled(title: str) -> str:
    """The title followed by its gloss in parentheses, or the title alone when nothing is known."""
    g = gloss(title)
    return f"{title} ({g})" if g else title
