"""Tests for kg.load: finding report files, decoding them, and reducing HTML to article text."""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError, ReportError
from kg.load import decode, find_reports, html_to_text, is_html, load, looks_binary

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
TRADITIONAL = ("000", "003")


def _seed_text(seed: Path) -> str:
    return seed.read_text(encoding="utf-8")


def _encodable_part(text: str, encoding: str) -> str:
    """``text`` without the characters ``encoding`` cannot represent."""
    return "".join(ch for ch in text if ch.encode(encoding, "ignore"))


def _fully_encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------- encodings of the seeds


def _encoding_cases():
    cases = []
    for seed in SEEDS:
        text = _seed_text(seed)
        key = seed.name[:3]
        cases.append(pytest.param(seed, text, text.encode("gb18030"), "gb18030", id=f"{key}-gb18030"))
        if _fully_encodable(text, "gbk"):
            # GBK is a subset of GB18030, so it is decoded (and recorded) as gb18030.
            cases.append(pytest.param(seed, text, text.encode("gbk"), "gb18030", id=f"{key}-gbk"))
        cases.append(pytest.param(
            seed, text, _bom("utf-16-le") + text.encode("utf-16-le"), "utf-16-le",
            id=f"{key}-utf16le-bom"))
        cases.append(pytest.param(
            seed, text, text.encode("utf-16-le"), "utf-16-le", id=f"{key}-utf16le-nobom"))
        cases.append(pytest.param(
            seed, text, _bom("utf-16-be") + text.encode("utf-16-be"), "utf-16-be",
            id=f"{key}-utf16be-bom"))
        cases.append(pytest.param(
            seed, text, text.encode("utf-16-be"), "utf-16-be", id=f"{key}-utf16be-nobom"))
        cases.append(pytest.param(
            seed, text, text.encode("utf-8-sig"), "utf-8-sig", id=f"{key}-utf8-bom"))
        if key in TRADITIONAL:
            # Big5 has no pinyin tone marks (ī, ǎ...) and lacks a few hanzi: the test text is
            # the seed with those characters removed, everything else kept.
            big5_text = _encodable_part(text, "big5")
            cases.append(pytest.param(seed, big5_text, big5_text.encode("big5"), "big5",
                                      id=f"{key}-big5"))
    return cases


def _bom(encoding: str) -> bytes:
    return "\ufeff".encode(encoding)


@pytest.mark.parametrize(("seed", "expected", "data", "encoding"), _encoding_cases())
def test_load_reencoded_seed_gives_original_text(tmp_path, seed, expected, data, encoding):
    path = tmp_path / seed.name
    path.write_bytes(data)
    doc = load(path)
    assert doc.text == expected
    assert doc.encoding == encoding
    assert doc.format == "text"
    assert doc.doc_id == seed.stem
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.warnings == ()


@pytest.mark.parametrize("key", TRADITIONAL)
def test_big5_test_text_keeps_nearly_all_of_the_seed(key):
    seed = next(s for s in SEEDS if s.name.startswith(key))
    text = _seed_text(seed)
    kept = _encodable_part(text, "big5")
    dropped = set(text) - set(kept)
    # Only the tone-marked pinyin vowels ("(jīng)" becomes "(jng)") and one garbled hanzi go.
    assert len(kept) > 0.9 * len(text)
    assert all(not ("\u4e00" <= ch <= "\u9fff") or ch == "刭" for ch in dropped)


def test_load_seeds_as_utf8():
    for seed in SEEDS:
        doc = load(seed)
        assert doc.text == _seed_text(seed)
        assert (doc.encoding, doc.format, doc.warnings) == ("utf-8", "text", ())


def test_load_normalizes_line_endings(tmp_path):
    text = _seed_text(SEEDS[1])
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    assert load(path).text == text


# ---------------------------------------------------------------- decode() table

_LONG_SIMPLIFIED = (
    "10月26日上午，区政府召开党组会议，专题学习贯彻省委书记在萍乡调研时的讲话精神。\n区长主持并讲话。\n"
)
_LONG_TRADITIONAL = "7月22日下午，經開區黨工委上半年經濟形勢分析會召開。市委常委、區黨工委書記楊博主持並講話。\n"
_S, _T = _LONG_SIMPLIFIED, _LONG_TRADITIONAL

# (id, bytes, expected text, expected encoding)
_DECODE_ROWS = [
    ("ascii", b"plain ascii\n", "plain ascii\n", "utf-8"),
    ("utf-8", "会议".encode("utf-8"), "会议", "utf-8"),
    ("utf-8-bom", b"\xef\xbb\xbf" + "会议".encode("utf-8"), "会议", "utf-8-sig"),
    ("utf-16-le-bom", b"\xff\xfe" + "会议\n".encode("utf-16-le"), "会议\n", "utf-16-le"),
    ("utf-16-be-bom", b"\xfe\xff" + "会议\n".encode("utf-16-be"), "会议\n", "utf-16-be"),
    ("utf-32-le-bom", b"\xff\xfe\x00\x00" + "会议".encode("utf-32-le"), "会议", "utf-32-le"),
    ("utf-32-be-bom", b"\x00\x00\xfe\xff" + "会议".encode("utf-32-be"), "会议", "utf-32-be"),
    ("utf-16-le-nobom", _S.encode("utf-16-le"), _S, "utf-16-le"),
    ("utf-16-be-nobom", _S.encode("utf-16-be"), _S, "utf-16-be"),
    ("gb18030", _S.encode("gb18030"), _S, "gb18030"),
    ("gb2312", _S.encode("gb2312"), _S, "gb18030"),
    ("gb18030-bom", "\ufeff会议".encode("gb18030"), "会议", "gb18030"),
    ("big5", _T.encode("big5"), _T, "big5"),
    ("traditional-in-gb18030", _T.encode("gb18030"), _T, "gb18030"),
    ("big5-short", "會議".encode("big5"), "會議", "big5"),
    ("gbk-short", "会议召开".encode("gbk"), "会议召开", "gb18030"),
    ("crlf-and-cr", b"a\r\nb\rc\n", "a\nb\nc\n", "utf-8"),
    ("mixed-utf8-gbk-lines", "标题：经开区会议\n".encode("utf-8") + _S.encode("gbk"),
     "标题：经开区会议\n" + _S, "utf-8+gb18030"),
]


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [pytest.param(data, text, encoding, id=key) for key, data, text, encoding in _DECODE_ROWS],
)
def test_decode_table(data, text, encoding):
    decoded, used, _ = decode(data)
    assert (decoded, used) == (text, encoding)


def _with_stray_byte(text: str, at: int) -> bytes:
    """``text`` in UTF-8 with a stray 0xFF byte before character ``at``."""
    return text[:at].encode("utf-8") + b"\xff" + text[at:].encode("utf-8")


def test_decode_replaces_a_few_broken_bytes_with_a_warning():
    text = _LONG_SIMPLIFIED * 3
    decoded, encoding, warnings = decode(_with_stray_byte(text, 10))
    assert encoding == "utf-8"
    assert decoded == text[:10] + "\ufffd" + text[10:]
    assert warnings == ["1 undecodable bytes replaced"]


def test_decode_counts_every_byte_of_a_cut_character():
    text = _LONG_SIMPLIFIED * 3
    data = text.encode("utf-8")
    cut = len(text[:10].encode("utf-8")) + 1  # inside the 11th character, a 3-byte one
    decoded, encoding, warnings = decode(data[:cut] + data[cut + 1 :])
    assert encoding == "utf-8"
    assert decoded == text[:10] + "\ufffd\ufffd" + text[11:]
    assert warnings == ["2 undecodable bytes replaced"]


def test_decode_truncated_gb18030_keeps_the_rest():
    data = (_LONG_SIMPLIFIED * 3).encode("gb18030")[:-3] + b"\x81"
    text, encoding, warnings = decode(data)
    assert encoding == "gb18030"
    assert text.startswith(_LONG_SIMPLIFIED * 2)
    assert text.endswith("\ufffd")
    assert warnings == ["1 undecodable bytes replaced"]


def test_decode_mostly_broken_bytes_raise():
    with pytest.raises(UnicodeDecodeError):
        decode(b"report " + b"\x80" * 100)


def test_load_warning_names_the_file(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(_with_stray_byte(_LONG_SIMPLIFIED * 3, 10))
    assert load(path).warnings == (f"{path}: 1 undecodable bytes replaced",)


# ---------------------------------------------------------------- unusable files


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "会议")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words", "reason"),
    [
        ("empty.txt", b"", "the file is empty", "empty"),
        ("blank.txt", b"  \n\t\r\n  ", "the file is empty", "empty"),
        ("bom-only.txt", b"\xef\xbb\xbf\n", "the file is empty", "empty"),
        ("ideographic-space.txt", "\u3000\u3000\n".encode("utf-8"), "the file is empty", "empty"),
        ("report.pdf.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "binary data", "binary"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data", "binary"),
        ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary data", "binary"),
        ("bundle.txt", _zip_bytes(), "binary data", "binary"),
        ("page.html", gzip.compress("<p>会议</p>".encode("utf-8")), "binary data", "binary"),
        ("noise.txt", random.Random(0).randbytes(4096), "binary data", "binary"),
        ("nuls.txt", b"abc" + b"\x00" * 200 + b"def", "binary data", "binary"),
        ("garbage.txt", b"report " + b"\x80" * 100, "encoding could not be determined", "undecodable"),
        ("scripts-only.html", b"<html><head><title>t</title></head><body><script>x()</script></body></html>",
         "no article text", "no text"),
    ],
)
def test_load_rejects_unusable_files(tmp_path, name, data, words, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError) as caught:
        load(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.reason == reason


def test_load_folder_fifo_and_dangling_link_are_refused_unread(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    for path, reason, words in ((folder, "not a file", "not a regular file"), (fifo, "not a file", "not a regular file"),
                                (dangling, "unreadable", "cannot be read")):
        with pytest.raises(ReportError, match=words) as caught:
            load(path)
        assert str(path) in str(caught.value) and caught.value.reason == reason


def test_load_size_limit(tmp_path):
    path = tmp_path / "long.txt"
    data = _seed_text(SEEDS[1]).encode("utf-8")
    path.write_bytes(data)
    assert load(path, max_bytes=len(data)).text == _seed_text(SEEDS[1])
    with pytest.raises(ReportError, match="limit for one report") as caught:
        load(path, max_bytes=len(data) - 1)
    assert caught.value.reason == "too large" and f"{len(data):,} bytes" in str(caught.value)
    assert load(path, max_bytes=None).text == _seed_text(SEEDS[1])


def test_load_default_size_limit_refuses_a_dump_without_reading_it(tmp_path):
    from kg.load import MAX_REPORT_BYTES

    path = tmp_path / "dump.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_REPORT_BYTES + 1)  # sparse: nothing is written, so nothing costly to read
    with pytest.raises(ReportError) as caught:
        load(path)
    assert caught.value.reason == "too large"


def test_load_file_without_read_permission(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("会议", encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        # Root reads files whatever their mode: refuse the open as the kernel would for anyone else.
        real_open = os.open

        def refuse(name, *args, **kwargs):
            if os.fspath(name) == str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ReportError, match="cannot be read") as caught:
        load(path)
    assert caught.value.reason == "unreadable"


def test_looks_binary_accepts_text_in_any_supported_encoding():
    text = _seed_text(SEEDS[0])
    for encoding in ("utf-8", "gb18030", "utf-16-le", "utf-16-be", "utf-32"):
        assert not looks_binary(text.encode(encoding)), encoding


# ---------------------------------------------------------------- finding reports


def _touch(path: Path, text: str = "会议") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_reports_recurses_filters_and_sorts(tmp_path):
    wanted = [
        _touch(tmp_path / "b.txt"),
        _touch(tmp_path / "a" / "z.HTML"),
        _touch(tmp_path / "a" / "deep" / "deeper" / "x.Txt"),
        _touch(tmp_path / "c.htm"),
    ]
    _touch(tmp_path / "notes.md")
    _touch(tmp_path / "a" / "data.json")
    _touch(tmp_path / "a" / "page.html.bak")
    _touch(tmp_path / ".git" / "HEAD.txt")
    _touch(tmp_path / "a" / ".cache" / "old.txt")
    _touch(tmp_path / ".hidden.txt")
    found = find_reports([tmp_path])
    assert found == sorted(wanted, key=str)


def test_find_reports_takes_explicit_files_whatever_their_suffix(tmp_path):
    odd = _touch(tmp_path / "report.dat")
    assert find_reports([odd]) == [odd]


def test_find_reports_accepts_a_single_path(tmp_path):
    report = _touch(tmp_path / "r.txt")
    assert find_reports(tmp_path) == [report]
    assert find_reports(str(report)) == [report]


def test_find_reports_deduplicates(tmp_path):
    report = _touch(tmp_path / "r.txt")
    assert find_reports([tmp_path, report, tmp_path]) == [report]


def test_find_reports_survives_symlink_loops(tmp_path):
    report = _touch(tmp_path / "sub" / "r.txt")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "sub", tmp_path / "sub" / "self")
    os.symlink(tmp_path / "sub" / "r.txt", tmp_path / "alias.txt")
    found = find_reports([tmp_path])
    assert len(found) == 1
    assert os.path.samefile(found[0], report)


def test_find_reports_follows_a_linked_folder_once(tmp_path):
    corpus = tmp_path / "corpus"
    report = _touch(corpus / "r.txt")
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(corpus, work / "linked")
    assert find_reports([work]) == [work / "linked" / "r.txt"]
    assert find_reports([work, corpus]) == [report]


@pytest.mark.parametrize("name", ["会议 报告.txt", "it's \"quoted\".txt", "  spaced  .html", "全区(扩大)会议.HTM"])
def test_find_reports_odd_names(tmp_path, name):
    report = _touch(tmp_path / "报告 文件夹" / name)
    assert find_reports([tmp_path]) == [report]
    assert load(report).doc_id == Path(name).stem


def test_find_reports_missing_path_raises(tmp_path):
    missing = tmp_path / "无此目录" / "nope"
    with pytest.raises(InputError, match="no such file or directory") as caught:
        find_reports([missing])
    assert str(missing) in str(caught.value)


def test_find_reports_empty_folder_raises(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _touch(empty / "readme.md")
    with pytest.raises(InputError, match="no reports found") as caught:
        find_reports([empty])
    assert str(empty) in str(caught.value)


# ---------------------------------------------------------------- HTML

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>经开区召开全区领导干部会议_经开区资讯_某某经济技术开发区</title>
<style>.hidden {{ color: red }} /* 样式里的文字 */</style>
<script>var menu = "<p>脚本里的文字</p>";</script>
</head>
<body>
<header class="site-header"><div class="logo">某某经济技术开发区管理委员会</div></header>
<nav class="breadcrumb">您当前的位置：首页 &gt; 经开区资讯</nav>
<div class="main">
  <h1>经开区召开全区领导干部会议</h1>
  <div class="info">发布时间：2023-10-25 16:27 &nbsp; 来源：经开区</div>
  <div class="bdsharebuttonbox">分享到：微信 微博</div>
  <div id="zoom" class="TRS_Editor">
    <p>　　10月26日上午，经开区召开全区领导干部会议。市委常委、区党工委书记杨博出席并讲话。</p>
    <p>　　他强调，要认真学习宣传贯彻党的二十大精神，切实把思想和行动统一到党的二十大精神上来。</p>
    <script>alert(1)</script>
    <p>　　会议要求，全区上下要以&ldquo;拼搏&rdquo;的状态推进各项工作&hellip;&hellip;</p>
  </div>
</div>
<footer class="footer">版权所有：某某经济技术开发区 赣ICP备0000号</footer>
</body></html>
"""

_ARTICLE = [
    "10月26日上午，经开区召开全区领导干部会议。市委常委、区党工委书记杨博出席并讲话。",
    "他强调，要认真学习宣传贯彻党的二十大精神，切实把思想和行动统一到党的二十大精神上来。",
    "会议要求，全区上下要以“拼搏”的状态推进各项工作……",
]


def test_html_page_gives_title_date_and_article_paragraphs(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(_PAGE.format(charset="utf-8"), encoding="utf-8")
    doc = load(path)
    assert doc.format == "html"
    assert doc.text.split("\n") == [
        "经开区召开全区领导干部会议",
        "发布时间：2023-10-25 16:27 来源：经开区",
        *_ARTICLE,
    ]
    for junk in ("alert", "color", "样式", "脚本", "您当前的位置", "版权所有", "分享到", "管理委员会"):
        assert junk not in doc.text


def test_html_without_content_container_still_drops_boilerplate():
    page = _PAGE.format(charset="utf-8").replace(' id="zoom" class="TRS_Editor"', "")
    text = html_to_text(page)
    assert text.split("\n") == [
        "经开区召开全区领导干部会议",
        "发布时间：2023-10-25 16:27 来源：经开区",
        *_ARTICLE,
    ]


def test_html_in_gb18030_with_meta_gb2312(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(_PAGE.format(charset="gb2312").encode("gb18030"))
    doc = load(path)
    assert doc.encoding == "gb18030"
    assert doc.text.split("\n")[2:] == _ARTICLE


def test_html_escaped_markup_is_report_text():
    text = html_to_text("<html><body><div class='content'><p>文中写道 &lt;script&gt; 与 &amp;nbsp;</p></div></body></html>")
    assert text == "文中写道 <script> 与 &nbsp;"


def test_html_detected_in_a_txt_file(tmp_path):
    path = tmp_path / "saved.txt"
    path.write_text("\ufeff  <!DOCTYPE html><html><body><p>会议召开</p></body></html>", encoding="utf-8")
    doc = load(path)
    assert (doc.format, doc.text) == ("html", "会议召开")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("doctype", "<!doctype html><p>x</p>", True),
        ("html-tag", "\n <HTML lang=zh>", True),
        ("body-later", "<!-- saved from url=(0042) -->\n<head></head><BODY>", True),
        ("plain-text", "10月26日，会议召开。<注>", False),
        ("angle-brackets", "《关于<body>的说明》", True),
    ],
)
def test_is_html(name, text, expected):
    assert is_html(f"{name}.txt", text) is expected


def test_is_html_by_suffix():
    assert is_html("report.HTM", "plain words")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>第一段<p>第二段<div>第三段", "第一段\n第二段\n第三段"),
        ("<ul><li>条目一<li>条目二</ul>", "条目一\n条目二"),
        ("<table><tr><td>甲<td>乙<tr><td>丙</table>", "甲 乙\n丙"),
        ("<p>一行<br>二行<br/>三行</br>四行</p>", "一行\n二行\n三行\n四行"),
        ("<p>市委书记<b>杨博</b>出席</p></div></span></html>", "市委书记杨博出席"),
        ("<p>源码里\n    换行的句子</p>", "源码里换行的句子"),
        ("<p>Hello\n   world</p>", "Hello world"),
        ("<![if !supportLists]>·<![endif]><!-- 注释 --><p>正文</p>", "·\n正文"),
        ("<p>未闭合<b>粗体<i>斜体", "未闭合粗体斜体"),
        ("<title>未闭合标题<p>正文段落</p>", "未闭合标题\n正文段落"),
        ("<div>&nbsp;&nbsp;&#x4F1A;&#35758;&nbsp;</div>", "会议"),
        ("<p>a &lt; b &amp;&amp; c &gt; d</p>", "a < b && c > d"),
        ("<p>x <span", "x"),
        ("", ""),
    ],
)
def test_html_to_text_markup_cases(html, expected):
    assert html_to_text(html) == expected


def test_html_unclosed_nav_does_not_swallow_the_article():
    page = "<body><nav class='menu'>首页 新闻<div>" + "".join(f"<p>{p}</p>" for p in _ARTICLE) + "</body>"
    assert html_to_text(page).split("\n")[-3:] == _ARTICLE


def test_html_page_wrapped_in_a_form_keeps_its_text():
    page = ("<body><form id='form1' method='post'><div class='nav'>首页 | 新闻</div><div>"
            + "".join(f"<p>{p}</p>" for p in _ARTICLE) + "</div></form></body>")
    assert html_to_text(page).split("\n") == _ARTICLE


def test_html_article_element_is_preferred():
    page = ("<body><div class='list'>相关新闻一 相关新闻二</div><article><header><h2>标题在文章头部</h2>"
            "<time>发布日期：2023-01-22</time></header>"
            + "".join(f"<p>{p}</p>" for p in _ARTICLE) + "</article><aside>热点推荐</aside></body>")
    assert html_to_text(page).split("\n") == ["标题在文章头部", "发布日期：2023-01-22", *_ARTICLE]


def test_html_link_lists_are_dropped_but_linked_titles_kept():
    related = "".join(f"<li><a href='/n{i}'>某某县召开第{i}次常务会议</a></li>" for i in range(4))
    page = ("<body><table><tr><td><a>首页</a></td><td><a>新闻中心</a></td><td><a>政务公开</a></td></tr></table>"
            "<div class='detail'><h2><a href='#'>标题带链接的会议报道</a></h2>"
            + "".join(f"<p>{p}</p>" for p in _ARTICLE)
            + f"<div>相关新闻</div><ul>{related}</ul></div></body>")
    assert html_to_text(page).split("\n") == ["标题带链接的会议报道", *_ARTICLE, "相关新闻"]


def test_html_title_from_meta_or_title_element():
    body = "<body><div class='content'>" + "".join(f"<p>{p}</p>" for p in _ARTICLE) + "</div></body>"
    with_meta = "<head><meta name='ArticleTitle' content='区政府召开常务会议'><title>站点名称</title></head>" + body
    assert html_to_text(with_meta).split("\n")[0] == "区政府召开常务会议"
    with_title = "<head><title>区政府召开常务会议_政务动态_某某区人民政府</title></head>" + body
    assert html_to_text(with_title).split("\n")[0] == "区政府召开常务会议"


def test_html_deeply_nested_broken_markup_does_not_recurse():
    page = "<font>" * 5000 + "<p>会议召开</p>"
    assert html_to_text(page) == "会议召开"


_MARKUP_PIECES = st.sampled_from([
    "<p>", "</p>", "<div class='content'>", "<div id=zoom>", "</div>", "<br>", "<nav>", "</nav>",
    "<script>", "</script>", "<style>", "<title>", "</title>", "<head>", "<body>", "<table>",
    "<tr>", "<td>", "<li>", "<!--", "-->", "<![CDATA[", "]]>", "<!doctype html>", "<", ">", "&",
    "&amp;", "&#", "&#x;", "\"", "'", "=", "</", "/>", "会议", "发布时间：2023-10-25", " ", "\n",
    "<h1>", "</h1>", "<svg>", "<?xml ?>", "<a href='x", "text",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKUP_PIECES, max_size=40).map("".join))
def test_html_to_text_never_raises_on_odd_markup(html):
    text = html_to_text(html)
    assert "\n\n" not in text and text == text.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_decode_returns_clean_text_or_raises_unicode_error(data):
    try:
        text, encoding, warnings = decode(data)
    except UnicodeDecodeError:
        return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert encoding
    assert all("undecodable" in w or "mixed" in w for w in warnings)
