"""Properties of normalize and extract over generated report-like text (hypothesis).

The checks are plain functions so that bench/fuzz.py runs the very same properties at volume.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.normalize import normalize
from kg.records import Document, Report, Span

# ---------------------------------------------------------------- report-like text

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢") + [
    "欧阳", "司马", "诸葛", "上官"]
GIVEN = list("伟芳娜敏静强磊军洋勇艳杰涛明超秀霞平刚桂英华博燕春逵玮洁宝仔建国志海波文红梅晓东永生玉兰中")
TITLES = ["区党工委书记", "管委会主任", "区党工委副书记", "副区长", "区领导", "县委常委", "市委常委、区党工委书记",
          "县长", "镇党委书记", "党组书记、局长", "主任", "书记", "同志"]
ZONES = ["经开区", "高新区", "蓉江新区", "萍乡经济技术开发区", "县", "区", "龙岗镇", "經開區", "高新區"]
MEETINGS = ["全区领导干部会议", "党工委(扩大)会议", "管委会常务会议", "专题会议", "安全生产工作会议", "座谈会",
            "會議", "党组会议", "第3次主任办公会"]
VERBS = ["主持", "出席", "列席", "讲话", "强调", "指出", "要求", "参加", "主持会议并讲话", "出席会议并讲话", "调研"]
PHRASES = ["认真抓好各项工作落实", "深入学习贯彻党的二十大精神", "切实加强组织领导", "推动高质量发展",
           "把思想和行动统一到决策部署上来", "做好“1366”工作", "抓好《实施方案》的落实"]
PUNCT = list("，。、；：！？“”‘’《》（）()【】「」…—·,.;:!?\"'<>&") + ["……", "——", " ", "\n", "\u3000", "\t", "\xa0"]
PINYIN = ["(huì)", "(jīng)", "(qū)", "(huì )", "（qū）", "(kāi)", "(de)", "(yì)", "(zhǎng)", "(jīng", "huì)"]
TRADITIONAL = list("會議區開經長東書記強調領導幹部發現團結當們國")
ODD = ["?", "??", "?shù)", "?jīng)", "\ufffd", "(扩大)", "(WHO)", "(app)", "(2023)", "http://x.cn/a?id=1", "\x0b",
       "\u200b", "\ufeff", "𠀀", "ǎ", "Ａ", "１", "&amp;", "<p>", "[", "]", "{", "}"]

names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES),
                  st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2).map("".join))
dates = st.builds(
    lambda year, m, d, part: f"{year}{m}月{d}日{part}",
    st.sampled_from(["", "2023年", "2022年", "二〇二三年", "0年"]),
    st.integers(0, 14), st.integers(0, 33), st.sampled_from(["", "上午", "下午", "晚上"]))


def _sentence(date, zone, meeting, title, chair, others, verb, phrase):
    return (f"{date}，{zone}召开{meeting}。{title}{chair}{verb}。区领导{'、'.join(others)}出席。"
            f"{chair}强调，要{phrase}。")


sentences = st.builds(_sentence, dates, st.sampled_from(ZONES), st.sampled_from(MEETINGS), st.sampled_from(TITLES),
                      names, st.lists(names, max_size=6), st.sampled_from(VERBS), st.sampled_from(PHRASES))
pieces = st.one_of(
    sentences, names, dates,
    st.sampled_from(TITLES + ZONES + MEETINGS + VERBS + PHRASES),
    st.sampled_from(PUNCT), st.sampled_from(PINYIN), st.sampled_from(TRADITIONAL), st.sampled_from(ODD),
    st.integers(0, 3000).map(str),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3),
)
report_texts = st.lists(pieces, min_size=1, max_size=30).map("".join)

# ---------------------------------------------------------------- the properties

_SPACE = re.compile(r"\s")
PRONOUNS = ("他", "她", "其")


def check_normalize(text: str) -> None:
    """normalize never raises, maps back to the original, and is idempotent."""
    result = normalize(text)
    assert result.original == text
    offsets = result.offsets
    assert len(offsets) == len(result.text) + 1 and offsets[-1] == len(text)
    assert all(a <= b for a, b in zip(offsets, offsets[1:]))
    again = normalize(result.text)
    assert again.text == result.text


def _doc(text: str) -> Document:
    return Document(doc_id="prop", path="prop.txt", text=text, encoding="utf-8", format="text", sha256="0" * 64)


def extract_text(text: str) -> Report:
    from kg.extract import extract

    return extract(_doc(text), normalize(text))


def check_spans(report: Report) -> None:
    """Every span lies in the normalized text and quotes what the record says it quotes."""
    text = report.text
    n = len(text)

    def quoted(span) -> str:
        assert 0 <= span.start <= span.end <= n, (span, n)
        return text[span.start:span.end]

    for person in report.persons:
        for span in person.spans:
            # A name written with a space between its characters (王 斌) is recorded without it.
            assert _SPACE.sub("", quoted(span)) == person.name
        for title, span in getattr(person, "title_spans", ()):
            assert person.name in _SPACE.sub("", quoted(span))
    for meeting in report.meetings:
        quoted(meeting.span)
        for p in meeting.participants:
            # A role may be attested by a pronoun (他强调) that refers back to the named person.
            assert _SPACE.sub("", quoted(p.span)) in (p.person, *PRONOUNS)
    for org in report.organizations:
        assert quoted(org.span) == org.name
    for directive in report.directives:
        assert quoted(directive.span) == directive.text
    for ref in report.referenced_documents:
        assert ref.title in quoted(ref.span)


def check_graph_quotes(report: Report) -> None:
    """Every node and edge of the assembled graph quotes the report's text at its span."""
    from kg.assemble import assemble
    from kg.resolve import resolve

    graph = assemble([report], resolve([report]))
    items = [data for _, data in graph.nodes(data=True)] + [data for _, _, data in graph.edges(data=True)]
    for data in items:
        if "span" in data and "quote" in data and data.get("doc_id") == report.doc_id:
            start, end = data["span"]
            assert report.text[start:end] == data["quote"], data


def check_extract(text: str) -> None:
    """extract never raises, its spans quote the text, and re-normalizing its input changes nothing."""
    report = extract_text(text)
    check_spans(report)
    check_graph_quotes(report)
    again = extract_text(report.text)
    assert again.text == report.text
    # What the original was written in (script) and what repairing it said (warnings) may differ.
    assert _facts(again) == _facts(report)


def _facts(report: Report) -> dict:
    return {k: v for k, v in report.to_json().items() if k not in ("script", "warnings")}


# ---------------------------------------------------------------- in the suite

_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=200, **_SETTINGS)
@given(report_texts)
def test_properties_normalize_on_report_like_text(text):
    check_normalize(text)


@settings(max_examples=200, **_SETTINGS)
@given(st.lists(st.sampled_from(TRADITIONAL + PINYIN + ODD + PUNCT + GIVEN), max_size=60).map("".join))
def test_properties_normalize_on_traditional_pinyin_and_garble(text):
    check_normalize(text)


@settings(max_examples=200, **_SETTINGS)
@given(report_texts)
@example("觀摩總結(jié)會召開。市委常委、區(qū)黨工委書記楊博主持并議話。他強調(diào),要深入高新區學(xué)習(xí)")
def test_properties_extract_on_report_like_text(text):
    check_extract(text)


@settings(max_examples=100, **_SETTINGS)
@given(st.lists(sentences, min_size=1, max_size=4).map("\n".join))
def test_properties_extract_finds_the_chair_of_a_plain_report(text):
    # Whole sentences in the style of the seeds: the facts come out, and still quote the text.
    report = extract_text(text)
    check_spans(report)
    assert report.meetings or "召开" not in text


def test_properties_checks_can_fail():
    # The span check rejects a report whose span does not quote its name.
    report = extract_text("2023年10月26日上午，经开区召开全区领导干部会议。区党工委书记杨博主持。")
    assert report.persons
    check_spans(report)
    person = report.persons[0]
    shifted = replace(person, spans=tuple(Span(s.start + 1, s.end + 1) for s in person.spans))
    with pytest.raises(AssertionError):
        check_spans(replace(report, persons=(shifted,)))
