"""Tests for kg.glossary: English glosses composed from levels, organs and posts."""
from __future__ import annotations

import pytest

from kg.glossary import gloss, labelled, place_kind


@pytest.mark.parametrize(("title", "expected"), [
    ("区党工委书记", "District Party Working Committee Secretary"),
    ("区党工委副书记", "District Party Working Committee Deputy Secretary"),
    ("市委常委", "City Party Committee Standing Committee Member"),
    ("区长", "District Head"),
    ("常务副县长", "Executive Deputy County Head"),
    ("县人大常委会主任", "County People's Congress Standing Committee Director"),
    ("市纪委监委书记", "City Discipline Inspection and Supervision Commission Secretary"),
    ("县政协副主席", "County CPPCC Committee Deputy Chair"),
    ("市委组织部部长", "City Party Committee Organization Department Head"),
    ("乡党委组织委员", "Township Party Committee Organization Committee Member"),
    ("管委会主任", "Administrative Committee Director"),
    # several titles held at once
    ("区党工委副书记、管委会主任",
     "District Party Working Committee Deputy Secretary; Administrative Committee Director"),
    ("副县长兼公安局局长", "Deputy County Head; Public Security Bureau Director"),
    # unknown words stay Chinese inside a gloss; a bare name or place has none
    ("市住建局局长", "City 住建 Bureau Director"),
    # a level word right after an unknown run ends a place name, which stays Chinese (萍乡 is not 萍 Township)
    ("萍乡经济技术开发区党工委", "萍乡 Economic and Technological Development Zone Party Working Committee"),
    ("赣州市委书记", "赣州市 Party Committee Secretary"),
    ("张三", ""),
    ("", ""),
])
def test_gloss_composes_vocabulary(title, expected):
    assert gloss(title) == expected


def test_labelled_appends_the_gloss_only_when_known():
    assert labelled("区长") == "区长 (District Head)"
    assert labelled("光丰") == "光丰"


@pytest.mark.parametrize(("name", "kind"), [
    ("萍乡经济技术开发区", "Economic and Technological Development Zone"),
    ("赣州蓉江新区", "New Area"),
    ("萍乡市安源区", "District"),
    ("上饶市", "City"),
    ("市", ""),
    ("杨博", ""),
])
def test_place_kind_reads_the_suffix(name, kind):
    assert place_kind(name) == kind
