"""Tests for kg.pinyin: tone-marked, capitalized pinyin of person names, surnames read as surnames."""
from __future__ import annotations

import pytest

from kg.pinyin import pinyin, strip_tones


@pytest.mark.parametrize(("name", "expected"), [
    ("杨博", "Yáng Bó"),
    ("王长江", "Wáng Cháng Jiāng"),
    ("吕布", "Lǚ Bù"),
    # compound surnames are one word
    ("欧阳修", "Ōuyáng Xiū"),
    ("司马光", "Sīmǎ Guāng"),
    ("尉迟恭", "Yùchí Gōng"),
    ("长孙无忌", "Zhǎngsūn Wú Jì"),
    ("歐陽修", "Ōuyáng Xiū"),
    # polyphonic characters take their surname reading in first position only
    ("单雄信", "Shàn Xióng Xìn"),
    ("曾国藩", "Zēng Guó Fān"),
    ("解缙", "Xiè Jìn"),
    ("区少华", "Ōu Shǎo Huá"),
    ("仇英", "Qiú Yīng"),
    ("朴永单", "Piáo Yǒng Dān"),
    # two characters that look like a compound surname stay a surname and a given name
    ("欧阳", "Ōu Yáng"),
    ("曾", "Zēng"),
    ("", ""),
])
def test_pinyin_names(name, expected):
    assert pinyin(name) == expected


def test_pinyin_keeps_non_han_runs():
    assert pinyin("阿不都·热合曼").split() == ["Ā", "Bù", "Dōu", "·", "Rè", "Hé", "Màn"]
    assert pinyin("  杨博 ") == "Yáng Bó"


def test_strip_tones_for_search():
    assert strip_tones(pinyin("杨博")) == "yang bo"
    assert strip_tones(pinyin("吕布")) == "lu bu"
    assert strip_tones(pinyin("欧阳修")) == "ouyang xiu"
