"""Read-only SPARQL over a build folder's graph.ttl, in an in-memory Oxigraph store."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Sequence

import pyoxigraph

from kg.errors import (
    E_QUERY_FILE_MISSING, E_QUERY_FILE_UNREADABLE, E_SPARQL_BAD_GRAPH, E_SPARQL_FAILED, E_SPARQL_NO_GRAPH,
    E_SPARQL_SERVICE, E_SPARQL_SYNTAX, E_SPARQL_UPDATE, InputError, QueryError,
)

GRAPH_FILE = "graph.ttl"
QUERY_SUFFIXES = (".rq", ".sparql")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
TRIPLE_VARIABLES = ("subject", "predicate", "object")

Row = tuple["str | None", ...]

# Strings, IRIs and comments hide words that only look like keywords ("DELETE" inside a
# literal, "#drop" in a comment), so they are matched first and skipped.
_OPAQUE = r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''" \
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r'|<[^<>"{}|^`\\\s]*>' r"|#[^\n]*"
# A bare word: not a ?variable, not part of a prefixed name (kg:Delete, delete:x), not a lang tag.
_WORD = r"(?<![\w:?$@-])([A-Za-z]+)(?![\w:])"
_TOKENS = re.compile(f"(?:{_OPAQUE})|{_WORD}")


def load_store(folder: str | Path = "output") -> pyoxigraph.Store:
    """An in-memory store holding ``folder/graph.ttl`` (or the .ttl file given); the folder is only read."""
    folder = Path(folder)
    path = folder if folder.suffix == ".ttl" and folder.is_file() else folder / GRAPH_FILE
    shown = path.parent if path.parent != Path("") else Path(".")
    if not path.is_file():
        raise InputError(E_SPARQL_NO_GRAPH.format(path=path, folder=shown))
    store = pyoxigraph.Store()  # no path: nothing is ever written to disk
    try:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(E_SPARQL_BAD_GRAPH.format(path=path, reason=_one_line(exc), folder=shown)) from None
    return store


def read_query(arg: str) -> tuple[str, str]:
    """``(query text, name for messages)`` from a .rq file path or the query text itself."""
    path = Path(arg)
    looks_like_path = not any(c.isspace() for c in arg) and arg.lower().endswith(QUERY_SUFFIXES)
    try:
        is_file = looks_like_path or len(arg) < 4096 and path.is_file()
    except OSError:
        is_file = False
    if not is_file:
        return arg, "query"
    if not path.is_file():
        raise InputError(E_QUERY_FILE_MISSING.format(path=path))
    try:
        return path.read_text(encoding="utf-8-sig"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(E_QUERY_FILE_UNREADABLE.format(path=path, reason=_one_line(exc))) from None


def check_read_only(text: str, source: str = "query") -> None:
    """Refuse SPARQL Update and SERVICE before the parser sees the text, each with its own message."""
    words = [m[1].upper() for m in _TOKENS.finditer(text) if m[1]]
    operation = next((w for w in words if w not in ("BASE", "PREFIX")), None)
    if operation in UPDATE_KEYWORDS:
        raise QueryError(E_SPARQL_UPDATE.format(source=source, keyword=operation))
    if "SERVICE" in words:
        # Oxigraph would fetch the remote endpoint; kg makes no network requests.
        raise QueryError(E_SPARQL_SERVICE.format(source=source))


def query(store: pyoxigraph.Store, text: str, source: str = "query") -> tuple[list[str], list[Row]]:
    """Run a read-only query: ``(variables, rows)``, each cell a plain string, None where unbound.

    IRIs give their IRI, literals their lexical form (no quotes, datatype or language tag),
    blank nodes ``_:id``. ASK gives one ``ask`` column; CONSTRUCT and DESCRIBE give sorted
    subject/predicate/object rows.
    """
    check_read_only(text, source)
    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise QueryError(E_SPARQL_SYNTAX.format(source=source, reason=_one_line(exc))) from None
    try:  # solutions are computed while iterating
        if isinstance(result, pyoxigraph.QueryBoolean):
            return ["ask"], [("true" if bool(result) else "false",)]
        if isinstance(result, pyoxigraph.QueryTriples):
            rows = sorted((plain(t.subject), plain(t.predicate), plain(t.object)) for t in result)
            return list(TRIPLE_VARIABLES), rows
        variables = [v.value for v in result.variables]
        return variables, [tuple(plain(term) for term in solution) for solution in result]
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(E_SPARQL_FAILED.format(source=source, reason=_one_line(exc))) from None


def plain(term) -> str | None:
    """A term's plain string: the IRI, the literal's lexical form, ``_:id``; None for unbound."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.Triple):
        return f"<< {plain(term.subject)} {plain(term.predicate)} {plain(term.object)} >>"
    return term.value


def format_csv(variables: Sequence[str], rows: Sequence[Row]) -> str:
    """CSV with a header row; unbound cells are empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(variables)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buf.getvalue()


def format_json(variables: Sequence[str], rows: Sequence[Row]) -> str:
    """The SPARQL 1.1 JSON results layout, each binding carrying only its plain ``value``."""
    bindings = [{v: {"value": cell} for v, cell in zip(variables, row) if cell is not None} for row in rows]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def format_table(variables: Sequence[str], rows: Sequence[Row]) -> str:
    """Columns aligned for a terminal (CJK characters count two cells), then the row count."""
    cells = [list(variables)] + [[_cell(c) for c in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(variables))]
    lines = [_pad_row(cells[0], widths), "  ".join("-" * w for w in widths)]
    lines += [_pad_row(r, widths) for r in cells[1:]]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}


def display_width(text: str) -> int:
    """Terminal cells taken by ``text``: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _pad_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()


def _cell(value: str | None) -> str:
    # a line break inside a value would break the table's alignment
    return "" if value is None else " ".join(value.splitlines())


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
