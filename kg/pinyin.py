"""Tone-marked pinyin for Chinese person names: 杨博 -> Yáng Bó, 欧阳修 -> Ōuyáng Xiū, 单雄信 -> Shàn Xióng Xìn."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from kg.extract.lexicon import COMPOUND_SURNAMES

# Characters read differently as a surname than in ordinary words (pypinyin reads them as words:
# 单 dān, 曾 céng, 解 jiě). General surname readings, as dictionaries of surnames give them.
SURNAME_READINGS = {
    "单": "shàn", "曾": "zēng", "解": "xiè", "区": "ōu", "仇": "qiú", "朴": "piáo", "查": "zhā", "盖": "gě",
    "缪": "miào", "翟": "zhái", "覃": "qín", "召": "shào", "乐": "yuè", "种": "chóng", "员": "yùn", "繁": "pó",
    "句": "gōu", "黑": "hè", "藏": "zàng", "冼": "xiǎn", "洗": "xiǎn", "折": "shé", "纪": "jǐ", "过": "guō",
    "宁": "nìng", "相": "xiàng", "柏": "bǎi", "尉": "wèi", "秘": "bì", "蕃": "pí", "褚": "chǔ", "隗": "wěi",
    "燕": "yān", "莘": "shēn", "曲": "qū", "都": "dū", "能": "nài", "佴": "nài", "谌": "chén", "邸": "dǐ",
    "贲": "bēn", "殷": "yīn", "阚": "kàn", "华": "huà", "任": "rén", "牟": "móu", "朝": "cháo", "那": "nā",
    "祭": "zhài", "薄": "bó", "盛": "shèng", "郇": "xún", "逄": "páng", "万": "wàn", "重": "chóng", "石": "shí",
    "沈": "shěn", "贾": "jiǎ", "叶": "yè", "于": "yú", "於": "yú", "亓": "qí", "缑": "gōu", "訾": "zī",
    "仉": "zhǎng", "阿": "ā", "长": "cháng", "强": "qiáng", "卜": "bǔ", "粘": "nián", "戚": "qī",
    "番": "pān", "厍": "shè", "幺": "yāo", "么": "yāo", "应": "yīng", "车": "chē",
}
COMPOUND_READINGS = {"万俟": "mòqí", "尉迟": "yùchí", "长孙": "zhǎngsūn", "令狐": "lìnghú", "澹台": "tántái",
                     "单于": "chányú", "闾丘": "lǘqiū"}
# Traditional forms of the compound surnames, so an unconverted name reads the same.
TRADITIONAL_COMPOUNDS = {"歐陽": "欧阳", "司馬": "司马", "諸葛": "诸葛", "東方": "东方", "尉遲": "尉迟", "公孫": "公孙",
                         "長孫": "长孙", "宇文": "宇文", "夏侯": "夏侯", "軒轅": "轩辕", "鍾離": "钟离", "閭丘": "闾丘",
                         "獨孤": "独孤", "南宮": "南宫", "西門": "西门", "東郭": "东郭", "萬俟": "万俟", "澹臺": "澹台",
                         "申屠": "申屠", "赫連": "赫连", "完顏": "完颜", "單于": "单于"}


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def _syllables(text: str) -> list[str]:
    """One tone-marked syllable per Han character; other runs (Latin letters, ·) kept as written."""
    out: list[str] = []
    run = ""
    for ch in text:
        if _is_han(ch):
            if run.strip():
                out.append(run.strip())
            run = ""
            out.extend(lazy_pinyin(ch, style=Style.TONE))
        else:
            run += ch
    if run.strip():
        out.append(run.strip())
    return out


def _given(text: str) -> list[str]:
    """Given-name syllables, read as a phrase so pypinyin's word readings apply, then one per character."""
    if text and all(_is_han(ch) for ch in text):
        sylls = lazy_pinyin(text, style=Style.TONE)
        if len(sylls) == len(text):
            return sylls
    return _syllables(text)


@lru_cache(maxsize=65536)
def pinyin(name: str) -> str:
    """Tone-marked, capitalized pinyin of a person name, one word per character and the surname read as one."""
    name = name.strip()
    if not name:
        return ""
    if not _is_han(name[0]):
        return " ".join(w[:1].upper() + w[1:] for w in _syllables(name))
    head = TRADITIONAL_COMPOUNDS.get(name[:2], name[:2])
    if len(name) >= 3 and (head in COMPOUND_SURNAMES or head in COMPOUND_READINGS):
        surname = COMPOUND_READINGS.get(head) or "".join(lazy_pinyin(head, style=Style.TONE))
        rest = name[2:]
    else:
        surname = SURNAME_READINGS.get(name[0]) or lazy_pinyin(name[0], style=Style.TONE)[0]
        rest = name[1:]
    words = [surname] + _given(rest)
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def strip_tones(text: str) -> str:
    """Pinyin without tone marks, lower-case (Yáng Bó -> yang bo, Lǘ -> lu), for tone-insensitive search."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
