"""Load stage: find report files, decode their bytes, and reduce HTML pages to article text.

The text a ``Document`` carries has its BOM removed and its line endings normalized
(``\\r\\n`` and ``\\r`` become ``\\n``); every character span downstream refers to that text.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import (
    E_BINARY,
    E_EMPTY,
    E_NO_REPORTS,
    E_NO_TEXT,
    E_NOT_FILE,
    E_PATH_MISSING,
    E_TOO_LARGE,
    E_UNDECODABLE,
    E_UNREADABLE,
    InputError,
    ReportError,
)
from kg.records import Document

REPORT_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")

# Largest report file read by default. Real pages are well under 1 MB; extraction time grows
# faster than linearly with length, so a multi-megabyte file is almost always a dump or a
# mistake and would hold up the batch. Callers may pass another limit, or None for none.
MAX_REPORT_BYTES = 5 * 1024 * 1024

# Share of undecodable bytes above which a file is rejected rather than repaired.
MAX_BROKEN_RATIO = 0.05
# Share of control bytes (NUL included) above which a non-UTF-16 file counts as binary.
MAX_CONTROL_RATIO = 0.02

_MAGIC = (
    b"%PDF",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, xlsx
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b",  # gzip
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old MS Office (.doc, .xls)
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
)

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_GB_NAMES = {"gb18030", "gbk", "gb2312", "hz"}
_BIG5_NAMES = {"big5", "cp950", "big5hkscs"}
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r")
_BOM_BYTES = tuple(bom for bom, _ in _BOMS)


# ---------------------------------------------------------------- finding reports


def find_reports(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> list[Path]:
    """Report files named by ``paths`` or found under them, sorted by path and de-duplicated.

    Folders are searched recursively for *.txt, *.html and *.htm (any case), skipping hidden
    files and folders and visiting each real folder once, so symlink loops end. A file named
    explicitly is taken whatever its suffix.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    roots = [Path(p) for p in paths]
    found: list[Path] = []
    for root in roots:
        if not os.path.exists(root):
            raise InputError(E_PATH_MISSING.format(path=root))
        if root.is_dir():
            found.extend(_walk(root))
        else:
            found.append(root)
    if not found:
        where = ", ".join(str(r) for r in roots) or "(no path given)"
        raise InputError(E_NO_REPORTS.format(path=where))
    unique: list[Path] = []
    seen: set[str] = set()
    real_dirs: dict[Path, str] = {}
    for path in sorted(found, key=str):
        real = _real_path(path, real_dirs)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _real_path(path: Path, real_dirs: dict[Path, str]) -> str:
    """``os.path.realpath(path)``, resolving each folder once: a walk finds many files per folder."""
    if os.path.islink(path):
        return os.path.realpath(path)
    real_dir = real_dirs.get(path.parent)
    if real_dir is None:
        real_dir = real_dirs[path.parent] = os.path.realpath(path.parent)
    return os.path.join(real_dir, path.name)


def _walk(root: Path) -> list[Path]:
    """Report files below one folder."""

    def fail(exc: OSError) -> None:
        # An unreadable subfolder is skipped, as os.walk does; an unreadable root is an error.
        if exc.filename is not None and os.fspath(exc.filename) == os.fspath(root):
            raise InputError(E_UNREADABLE.format(path=root, reason=exc.strerror)) from exc

    found: list[Path] = []
    visited = {_dir_key(root)}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=fail):
        keep = []
        for name in sorted(dirnames):
            if name.startswith("."):
                continue
            key = _dir_key(os.path.join(dirpath, name))
            if key is not None and key not in visited:
                visited.add(key)
                keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in REPORT_SUFFIXES:
                continue
            full = os.path.join(dirpath, name)
            # A dangling link is kept so that loading it reports the problem; FIFOs and
            # sockets are skipped because reading them would block.
            if os.path.isfile(full) or os.path.islink(full) and not os.path.exists(full):
                found.append(Path(full))
    return found


def _dir_key(path: str | Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


# ---------------------------------------------------------------- loading one report


def load(path: str | os.PathLike[str], *, max_bytes: int | None = MAX_REPORT_BYTES) -> Document:
    """Read one report: decode it and, for an HTML page, keep only the article text.

    Raises ``ReportError`` whose ``reason`` names the class of problem: "unreadable",
    "not a file", "too large" (over ``max_bytes``), "empty", "binary", "undecodable", "no text".
    """
    p = Path(path)
    data = read_report(p, max_bytes)
    # isspace, not strip: the same test without copying the report
    if not data or data.isspace():
        raise ReportError(E_EMPTY.format(path=p), "empty")
    if looks_binary(data):
        raise ReportError(E_BINARY.format(path=p), "binary")
    try:
        text, encoding, notes = decode(data)
    except UnicodeDecodeError as exc:
        raise ReportError(E_UNDECODABLE.format(path=p), "undecodable") from exc
    if not text or text.isspace():
        raise ReportError(E_EMPTY.format(path=p), "empty")
    fmt = "html" if is_html(p, text) else "text"
    if fmt == "html":
        text = html_to_text(text)
        if not text.strip():
            raise ReportError(E_NO_TEXT.format(path=p), "no text")
    return Document(
        doc_id=p.stem,
        path=str(p),
        text=text,
        encoding=encoding,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=tuple(f"{p}: {note}" for note in notes),
    )


def read_report(path: str | os.PathLike[str], max_bytes: int | None = MAX_REPORT_BYTES) -> bytes:
    """A report file's bytes; a FIFO, device or folder, or a file over ``max_bytes``, is refused unread.

    Raises ``ReportError`` with reason "not a file", "too large" or "unreadable".
    """
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ReportError(E_NOT_FILE.format(path=path), "not a file")
            too_large = max_bytes is not None and st.st_size > max_bytes
            # One byte past the limit is read because the file may have grown since fstat.
            limit = -1 if max_bytes is None else max_bytes + 1
            data = b"" if too_large else _read_fd(fd, st.st_size, limit)
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ReportError(E_UNREADABLE.format(path=path, reason=reason), "unreadable") from exc
    if max_bytes is not None and (too_large or len(data) > max_bytes):
        size = max(st.st_size, len(data))
        raise ReportError(E_TOO_LARGE.format(path=path, size=size, limit=max_bytes), "too large")
    return data


def _read_fd(fd: int, size: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd`` (all when ``limit`` is -1), for a file of ``size`` bytes by fstat.

    Reading the size found plus one byte takes the whole file in one call and sees whether it grew;
    a buffered file's read would set aside ``limit`` bytes however small the file.
    """
    want = size + 1 if limit < 0 else min(limit, size + 1)
    chunks: list[bytes] = []
    got = 0
    while want > 0 and (chunk := os.read(fd, want)):
        chunks.append(chunk)
        got += len(chunk)
        want = 1 << 16 if limit < 0 else min(limit - got, 1 << 16)
    return b"".join(chunks)


_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_HTML_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)


def is_html(path: str | os.PathLike[str], text: str) -> bool:
    """True for .html/.htm files and for text that is evidently an HTML page."""
    if os.path.splitext(path)[1].lower() in HTML_SUFFIXES:
        return True
    if "<" not in text:
        return False  # both marks start with it; plain reports have none, and are not searched
    return bool(_HTML_START.match(text.lstrip("\ufeff")) or _HTML_BODY.search(text))


def looks_binary(data: bytes) -> bool:
    """True for known binary formats and for control-byte-heavy data that is not UTF-16/32."""
    if data.startswith(_MAGIC):
        return True
    if data.startswith(_BOM_BYTES) or _utf16_without_bom(data):
        return False
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > MAX_CONTROL_RATIO * len(data)


# ---------------------------------------------------------------- decoding


def _mark_broken(exc: UnicodeError) -> tuple[str, int]:
    # Lone surrogates never come out of a successful decode, so they count undecodable bytes
    # exactly; each one becomes U+FFFD afterwards.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "\udcff" * (exc.end - exc.start), exc.end


codecs.register_error("kg.mark_broken", _mark_broken)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a report's bytes; return (text, encoding used, warnings).

    Tried in order: a BOM; strict UTF-8; UTF-16 without BOM (NUL bytes on one side of the
    byte pairs); UTF-8 lines mixed with GB/Big5 lines; GB18030 or Big5 as charset-normalizer
    judges the whole file; both strictly, keeping the one with more common Chinese
    characters; finally a lossy decode that replaces up to 5% undecodable bytes with U+FFFD
    and says so in a warning. The text has no leading BOM and only ``\\n`` line endings.
    Raises ``UnicodeDecodeError`` when nothing fits.
    """
    text, encoding, notes = _decode(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, notes


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding.removesuffix("-sig")), encoding, []
            except UnicodeDecodeError:
                if encoding.startswith("utf-32"):
                    continue  # FF FE 00 00 may also be a UTF-16 BOM and a NUL
                return _accept_lossy(data, body, encoding.removesuffix("-sig"), encoding)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16, []
        except UnicodeDecodeError:
            return _accept_lossy(data, data, utf16, utf16)
    return _decode_by_line(data)


def _accept_lossy(data: bytes, body: bytes, codec: str, name: str) -> tuple[str, str, list[str]]:
    text, broken = _lossy(body, codec)
    if broken > MAX_BROKEN_RATIO * len(data):
        raise UnicodeDecodeError(name, data, 0, len(data), f"{broken} undecodable bytes")
    return text, name, [_broken_note(broken)]


def _lossy(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode replacing each undecodable byte with U+FFFD; also return how many there were."""
    text = data.decode(encoding, "kg.mark_broken")
    broken = text.count("\udcff")
    return (text.replace("\udcff", "\ufffd") if broken else text), broken


def _broken_note(count: int) -> str:
    return f"{count} undecodable bytes replaced"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for NUL-bearing data that reads as text one way round."""
    pairs = len(data) // 2
    # ASCII characters (digits, newlines) put a NUL in every other byte of UTF-16.
    if pairs < 2 or data.count(0) < max(2, pairs // 100):
        return None
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        text, broken = _lossy(data, encoding)
        if broken > MAX_BROKEN_RATIO * len(data) or not text:
            continue
        # The wrong byte order scatters characters over the whole BMP.
        score = len(_PLAUSIBLE.findall(text)) / len(text)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, encoding)
    return best[1] if best else None


_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\xa0-\u024f\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
)


def _decode_by_line(data: bytes) -> tuple[str, str, list[str]]:
    """Handle UTF-8 with a few broken bytes and files that mix UTF-8 and GB/Big5 lines."""
    lines = data.split(b"\n")
    kinds: list[str] = []
    strong_utf8 = other = 0
    for line in lines:
        if line.isascii():
            kinds.append("ascii")
            continue
        text, broken = _lossy(line, "utf-8")
        high = len(line.translate(None, bytes(range(128))))
        if broken == 0:
            kinds.append("utf-8")
            # A GB or Big5 line may pass as UTF-8 by chance only when very short.
            strong_utf8 += sum(1 for ch in text if ord(ch) > 127) >= 3
        elif broken <= 0.1 * high:
            kinds.append("utf-8")
        else:
            kinds.append("other")
            other += 1
    if not other:
        return _accept_lossy(data, data, "utf-8", "utf-8")
    if not strong_utf8:
        return _decode_legacy(data)
    rest = [line for line, kind in zip(lines, kinds) if kind == "other"]
    # 0x0A is never part of a GB or Big5 character, so the decoded lines stay aligned.
    rest_text, rest_encoding, notes = _decode_legacy(b"\n".join(rest))
    if rest_text.count("\n") != len(rest) - 1:
        return _decode_legacy(data)
    rest_lines = iter(rest_text.split("\n"))
    out: list[str] = []
    broken_total = 0
    for line, kind in zip(lines, kinds):
        if kind == "other":
            out.append(next(rest_lines))
        else:
            text, broken = _lossy(line, "utf-8")
            broken_total += broken
            out.append(text)
    if broken_total:
        notes = notes + [_broken_note(broken_total)]
    notes.append(
        f"mixed encodings: {len(rest)} lines decoded as {rest_encoding}, the rest as utf-8"
    )
    return "\n".join(out), f"utf-8+{rest_encoding}", notes


def _decode_legacy(data: bytes) -> tuple[str, str, list[str]]:
    """GB18030 or Big5: charset-normalizer first, then a common-character vote, then lossy."""
    family = _guess_family(data)
    if family == "gb":
        try:
            return data.decode("gb18030"), "gb18030", []
        except UnicodeDecodeError:
            pass
    elif family == "big5":
        for encoding in _BIG5_FAMILY:
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError:
                pass
    strict: list[tuple[int, int, str, str]] = []
    for rank, encoding in enumerate(("gb18030", *_BIG5_FAMILY)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        strict.append((_common_count(text), -rank, text, encoding))
        if encoding != "gb18030":
            break  # the Big5 variants decode the same common characters
    if strict:
        _, _, text, encoding = max(strict)
        return text, encoding, []
    lossy = []
    for rank, encoding in enumerate(("gb18030", "big5")):
        text, broken = _lossy(data, encoding)
        lossy.append((broken, -_common_count(text), rank, text, encoding))
    broken, _, _, text, encoding = min(lossy)
    if broken > MAX_BROKEN_RATIO * len(data):
        raise UnicodeDecodeError(encoding, data, 0, len(data), f"{broken} undecodable bytes")
    return text, encoding, [_broken_note(broken)]


def _guess_family(data: bytes) -> str | None:
    """'gb' or 'big5' as charset-normalizer judges the whole file, or None."""
    from charset_normalizer import from_bytes  # imported here: most reports are UTF-8

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "cp950", "big5hkscs"]).best()
    if best is None:
        return None
    name = best.encoding.lower().replace("-", "_")
    if name in _GB_NAMES:
        return "gb"
    if name in _BIG5_NAMES:
        return "big5"
    return None


@cache
def _common_chars() -> frozenset[str]:
    """GB2312 level-1 hanzi plus Big5 frequently-used characters (~9,000)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead, trail) > (0xC6, 0x7E):
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def _common_count(text: str) -> int:
    common = _common_chars()
    return sum(1 for ch in text if ch in common)


# ---------------------------------------------------------------- HTML to text

# Never article text, whatever their size.
_ALWAYS_DROP = {"script", "style", "template", "head", "title"}
# Usually not article text; kept when an unclosed one swallowed most of the page.
_DROP = {
    "noscript", "svg", "nav", "header", "footer", "aside", "form", "iframe", "object",
    "select", "button", "textarea", "canvas", "math", "menu",
}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen",
}
_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "tbody",
    "thead", "tfoot", "section", "article", "main", "blockquote", "pre", "dl", "dt", "dd",
    "center", "figure", "figcaption", "address", "caption", "fieldset", "legend", "details",
    "summary", "body", "html",
}
_CELLS = {"td", "th"}
_HEAD_ONLY = {"meta", "link", "title", "style", "script", "base", "noscript"}
_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "dfn", "em", "font", "i", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var",
}
# Start tags that end an open <p>, as in the HTML parsing rules.
_CLOSES_P = (_BLOCK - {"body", "html", "tbody", "thead", "tfoot", "tr", "caption", "legend",
                       "summary", "figcaption", "dt", "dd", "li"}) | {
    "header", "footer", "nav", "aside", "form", "menu", "hr"}
# Elements that can be the article's container; a <p class="text-indent"> is not one.
_CONTAINERS = {"div", "article", "section", "main", "td", "table", "tbody", "center", "form"}
# Blocks that are dropped when nearly all their text is link text (menus, related-news lists).
_LINK_LISTS = {"div", "ul", "ol", "dl", "table", "tbody", "tr", "td", "section", "p", "span"}

_BOILERPLATE_WORDS = {
    "nav", "navbar", "navigation", "menu", "menubar", "breadcrumb", "breadcrumbs", "crumb",
    "crumbs", "footer", "foot", "header", "head", "share", "sharebar", "bdshare", "bshare",
    "sidebar", "side", "comment", "comments", "copyright", "position", "location", "topbar",
}
_BOILERPLATE_PREFIXES = ("nav", "menu", "breadcrumb", "crumb", "footer", "header", "share",
                         "sidebar", "comment", "bdshare", "copyright")
_BOILERPLATE_SUFFIXES = ("nav", "menu", "crumb", "crumbs", "footer", "header", "share",
                         "sidebar")
_CONTENT_WORDS = ("content", "article", "trs_editor", "zoom", "text", "detail")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WS = re.compile(r"[ \t\n\r\f\v]+")
_WRAPPED = re.compile(r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])[ \t\r\f\v]*\n\s*"
                      r"(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])")
_SPACES = re.compile(r"[ \xa0]+")
_DATE_LINE = re.compile(
    r"(?:发布|发表|更新|公开|成文)?(?:时间|日期)\s*[:：]\s*"
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|——)\s*")


class _Node:
    __slots__ = ("tag", "marks", "children", "parent", "cjk", "link_cjk", "links", "drop")

    def __init__(self, tag: str, marks: str, parent: _Node | None) -> None:
        self.tag = tag
        self.marks = marks  # id and class, lower-cased
        self.children: list[_Node | str] = []
        self.parent = parent
        self.cjk = 0
        self.link_cjk = 0  # Chinese characters inside <a> elements
        self.links = 0
        self.drop = False

    def ancestors(self) -> Iterable[_Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    """A forgiving DOM builder: unclosed tags end where an enclosing tag ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", "", None)
        self.stack = [self.root]
        self.open: dict[str, int] = {}  # open elements by tag, so stray end tags cost nothing
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("name"):
            self.meta.setdefault(values["name"].lower(), values.get("content", ""))
        self._close_implied(tag)
        parent = self.stack[-1]
        marks = f"{values.get('id', '')} {values.get('class', '')}"
        node = _Node(tag, _split_camel(marks).lower(), parent)
        parent.children.append(node)
        if tag not in _VOID:
            self.stack.append(node)
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # browsers read </br> as <br>
            self.stack[-1].children.append(_Node("br", "", self.stack[-1]))
            return
        if not self.open.get(tag):
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                self._truncate(i)
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_implied(self, tag: str) -> None:
        if self.stack[-1].tag == "title":
            self._truncate(len(self.stack) - 1)
        if tag not in _HEAD_ONLY and any(n.tag == "head" for n in self.stack[:3]):
            self._pop_to("head")
        if tag in _CLOSES_P:
            self._pop_to("p", stop=_INLINE)
        elif tag == "li":
            self._pop_to("li", stop=_INLINE | {"p", "div", "span", "a"})
        elif tag in ("dt", "dd"):
            self._pop_to({"dt", "dd"}, stop=_INLINE | {"p"})
        elif tag == "tr":
            self._pop_to("tr", stop=_INLINE | {"p", "div", "td", "th"})
        elif tag in _CELLS:
            self._pop_to(_CELLS, stop=_INLINE | {"p", "div"})
        elif tag == "option":
            self._pop_to("option", stop=set())

    def _pop_to(self, tags: str | set[str], stop: set[str] | None = None) -> None:
        """Close the nearest open element in ``tags``, looking back only through ``stop``."""
        wanted = {tags} if isinstance(tags, str) else tags
        # Bounded, so that thousands of unclosed inline tags do not make parsing quadratic.
        for i in range(len(self.stack) - 1, max(0, len(self.stack) - 200), -1):
            tag = self.stack[i].tag
            if tag in wanted:
                self._truncate(i)
                return
            if stop is not None and tag not in stop:
                return

    def _truncate(self, i: int) -> None:
        """Close the open elements from stack position ``i`` up."""
        for node in self.stack[i:]:
            self.open[node.tag] -= 1
        del self.stack[i:]


def _split_camel(value: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value)


def _is_boilerplate(marks: str) -> bool:
    for word in re.split(r"[^a-z0-9]+", marks):
        if not word:
            continue
        if (word in _BOILERPLATE_WORDS or word.startswith(_BOILERPLATE_PREFIXES)
                or word.endswith(_BOILERPLATE_SUFFIXES)):
            return True
    return False


def _is_content(node: _Node) -> bool:
    if node.tag == "article":
        return True
    return node.tag in _CONTAINERS and any(word in node.marks for word in _CONTENT_WORDS)


def _is_link_list(node: _Node) -> bool:
    return node.tag in _LINK_LISTS and node.links >= 3 and node.link_cjk >= 0.8 * node.cjk


def _nodes(root: _Node) -> list[_Node]:
    """All element nodes in document order (iterative: broken pages nest thousands deep)."""
    out: list[_Node] = []
    todo = [root]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(reversed([c for c in node.children if isinstance(c, _Node)]))
    return out


def html_to_text(html: str) -> str:
    """The article text of an HTML page, one paragraph a line.

    Scripts, styles, navigation, headers, footers and share bars are dropped. When one
    container (<article>, or an id/class such as content, TRS_Editor, zoom) holds most of the
    Chinese text, only it is kept, preceded by the page title and the publication-date line
    if they lie outside it, because later stages read the headline and date from the text.
    """
    cut = html.rfind("<")
    if cut > html.rfind(">") and re.match(r"</?[A-Za-z!]", html[cut:]):
        html = html[:cut]  # a page truncated inside a tag; browsers drop the partial tag too
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except Exception:  # noqa: BLE001 - odd markup must not lose the text parsed so far
        pass
    root = builder.root
    nodes = _nodes(root)
    for node in reversed(nodes):  # children before parents
        if node.tag in _ALWAYS_DROP:
            node.drop = True
            continue
        for child in node.children:
            if isinstance(child, str):
                node.cjk += len(_CJK.findall(child))
            elif not child.drop:
                node.cjk += child.cjk
                node.link_cjk += child.link_cjk
                node.links += child.links
        if node.tag == "a":
            node.link_cjk, node.links = node.cjk, node.links + 1
    total = root.cjk

    container = _choose_container(nodes, total)
    keep = {id(container), *(id(n) for n in container.ancestors())} if container else set()
    for node in nodes:
        if node.drop or id(node) in keep or node.cjk * 2 > total:
            continue
        if node.tag in _DROP or _is_boilerplate(node.marks) or _is_link_list(node):
            in_article = any(a.tag == "article" for a in node.ancestors())
            if node.tag in ("header", "footer") and in_article:
                continue  # an article's own header holds its title and date
            node.drop = True

    body = _render(container or root)
    if not body:
        return ""
    lines = []
    title = _title(builder, nodes, container)
    if title and _squeeze(title) not in {_squeeze(line) for line in body.split("\n")}:
        lines.append(title)
    if container and not _DATE_LINE.search(body):
        date_line = _find_line(_render(root), _DATE_LINE)
        if date_line is None:
            for node in nodes:
                if node.tag not in _ALWAYS_DROP:
                    node.drop = False
            date_line = _find_line(_render(root), _DATE_LINE)
        if date_line:
            lines.append(date_line)
    lines.append(body)
    return "\n".join(lines)


def _choose_container(nodes: list[_Node], total: int) -> _Node | None:
    """The tightest article-like element holding most of the page's Chinese text."""
    if not total:
        return None
    candidates = [n for n in nodes if not n.drop and n.cjk * 2 >= total and _is_content(n)]
    if not candidates:
        return None
    best = max(candidates, key=lambda n: n.cjk)
    chosen, depth = best, 0
    for node in candidates:
        if node.cjk < 0.9 * best.cjk:
            continue
        ups = list(node.ancestors())
        if best in ups and len(ups) > depth:
            chosen, depth = node, len(ups)
    return chosen


def _render(root: _Node) -> str:
    """Visible text under ``root``: blocks and <br> become line breaks, blank lines go."""
    parts: list[str] = []
    todo: list[_Node | str | None] = [root]
    while todo:
        item = todo.pop()
        if item is None:
            parts.append("\n")
        elif isinstance(item, str):
            parts.append(_WS.sub(" ", _WRAPPED.sub("", item)))
        elif item.drop:
            continue
        elif item.tag in ("br", "hr"):
            parts.append("\n")
        else:
            if item.tag in _BLOCK:
                parts.append("\n")
                todo.append(None)
            elif item.tag in _CELLS:
                todo.append(" ")
            todo.extend(reversed(item.children))
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_line(text: str, pattern: re.Pattern[str]) -> str | None:
    for line in text.split("\n"):
        if pattern.search(line):
            return line
    return None


def _title(builder: _TreeBuilder, nodes: list[_Node], container: _Node | None) -> str:
    """The headline: ArticleTitle meta, else an <h1> outside boilerplate, else <title>."""
    meta = _WS.sub(" ", builder.meta.get("articletitle", "")).strip()
    if meta:
        return meta
    for node in nodes:
        if node.tag == "h1" and not node.drop and not any(a.drop for a in node.ancestors()):
            text = _render(node).replace("\n", " ")
            if _CJK.search(text):
                return text
    for node in nodes:
        if node.tag == "title":
            node.drop = False
            text = _render(node).replace("\n", " ")
            node.drop = True
            parts = [p for p in _TITLE_SEPARATORS.split(text) if p]
            return max(parts, key=len) if parts else ""
    return ""
