"""The example queries give the same answers on real SPARQL servers (Oxigraph, Virtuoso) as in kg sparql."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
GRAPH_IRI = "https://kg.example.org/graph/seeds"
START_DEADLINE = 90.0  # seconds; Virtuoso creates a fresh database on first start
STOP_DEADLINE = 20.0
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only: ignore any *_proxy setting


def _free_ports(n: int) -> list[int]:
    """``n`` distinct loopback ports that were free a moment ago (held open together so they differ)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _die_with_pytest() -> None:
    """In the server's process: ask Linux to SIGTERM it if pytest dies without tearing down."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _binary(name: str) -> str:
    """The server program: on PATH, or beside this Python (the venv's bin/ holds the oxigraph CLI)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


def _http_query(url: str, text: str, extra: dict[str, str] | None = None, timeout: float = 60.0) -> dict:
    """POST a query with the SPARQL protocol's form encoding; the SPARQL JSON results."""
    body = urllib.parse.urlencode({"query": text, **(extra or {})}).encode()
    req = urllib.request.Request(url, data=body, headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded",
    })
    with _DIRECT.open(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _plain_rows(doc: dict) -> tuple[list[str], list[tuple]]:
    """SPARQL JSON results -> (variables, rows of plain strings), the shape kg.sparql.query returns.

    Values keep only their lexical form: the servers differ in how they mark literals (Virtuoso
    says "typed-literal", Oxigraph "literal" with a datatype) and in language-tag case, neither
    of which the example queries' answers depend on.
    """
    if "boolean" in doc:
        return ["ask"], [("true" if doc["boolean"] else "false",)]
    variables = doc["head"]["vars"]
    rows = []
    for b in doc["results"]["bindings"]:
        row = []
        for v in variables:
            cell = b.get(v)
            if cell is None:
                row.append(None)
            elif cell["type"] == "bnode":
                row.append(f"_:{cell['value']}")
            else:
                row.append(cell["value"])
        rows.append(tuple(row))
    return variables, rows


def _wait_ready(proc: subprocess.Popen, url: str, log: Path, extra: dict[str, str] | None = None) -> None:
    """Poll the endpoint with ASK {} until it answers, the process dies, or the deadline passes."""
    deadline = time.monotonic() + START_DEADLINE
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{url}: server exited with {proc.returncode} before answering:\n{_tail(log)}")
        try:
            _http_query(url, "ASK {}", extra, timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{url}: no answer within {START_DEADLINE:.0f} s:\n{_tail(log)}")
        time.sleep(0.2)


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-2000:]


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM (both servers shut down cleanly on it), then SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_DEADLINE)


# A report without a year, so that the graph also holds an xsd:gMonthDay date.
YEARLESS_REPORT = "10月26日上午,经开区召开全区领导干部会议。区党工委书记郑文涛主持并讲话。他强调,要持续抓好“一号改革工程”。\n"


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory) -> Path:
    """graph.ttl of the seeds and a report without a year, built into a temporary folder."""
    from kg.cli import main

    tmp = tmp_path_factory.mktemp("seeds-build")
    (tmp / "yearless.txt").write_text(YEARLESS_REPORT, encoding="utf-8")
    assert main(["build", str(SEEDS), str(tmp / "yearless.txt"), "--out", str(tmp / "out"), "--quiet"]) == 0
    graph = tmp / "out" / "graph.ttl"
    assert "gMonthDay" in graph.read_text(encoding="utf-8")
    return graph


@pytest.fixture(scope="module")
def embedded(seed_graph):
    """Each example query's answer from kg.sparql's in-memory store."""
    from kg.sparql import load_store, query

    store = load_store(seed_graph.parent)
    return {q.stem: query(store, q.read_text(encoding="utf-8"), str(q)) for q in QUERIES}


def _oxigraph(tmp: Path, graph: Path):
    exe = _binary("oxigraph")
    data = tmp / "oxigraph"
    subprocess.run([exe, "load", "--location", str(data), "--file", str(graph)],
                   check=True, capture_output=True, timeout=120)
    [port] = _free_ports(1)
    log = tmp / "oxigraph.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "serve-read-only", "--location", str(data), "--bind", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_pytest)
    url = f"http://127.0.0.1:{port}/query"
    return proc, log, url, {}


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def _virtuoso(tmp: Path, graph: Path):
    exe = _binary("virtuoso-t")
    isql = _binary("isql-vt")
    data = tmp / "virtuoso"
    data.mkdir()
    shutil.copy(graph, data / "graph.ttl")  # TTLP_MT only reads files under DirsAllowed
    sql_port, http_port = _free_ports(2)
    ini = data / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=data, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = tmp / "virtuoso.out"
    with open(log, "wb") as out:
        proc = subprocess.Popen([exe, "+configfile", str(ini), "+foreground"], cwd=data,
                                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_pytest)
    url = f"http://127.0.0.1:{http_port}/sparql"
    extra = {"default-graph-uri": GRAPH_IRI}  # Virtuoso's default graph is otherwise all of its graphs

    def load() -> None:
        sql = f"DB.DBA.TTLP_MT(file_to_string_output('{data / 'graph.ttl'}'), '', '{GRAPH_IRI}', 0); checkpoint;"
        done = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={sql}"],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            pytest.fail(f"isql-vt could not load graph.ttl:\n{done.stdout}\n{done.stderr}")

    return proc, log, url, extra, load


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory, seed_graph):
    """A SPARQL server on a free loopback port holding the seed graph; a function running a query on it."""
    tmp = tmp_path_factory.mktemp(request.param)
    started = _oxigraph(tmp, seed_graph) if request.param == "oxigraph" else _virtuoso(tmp, seed_graph)
    proc, log, url, extra = started[:4]
    try:
        _wait_ready(proc, url, log, extra)
        if len(started) > 4:
            started[4]()
        yield lambda text: _plain_rows(_http_query(url, text, extra))
    finally:
        _stop(proc)


def test_queries_exist():
    assert QUERIES, "queries/ holds no .rq files"


@pytest.mark.parametrize("rq", QUERIES, ids=[q.stem for q in QUERIES])
def test_server_answers_like_embedded_store(server, embedded, rq):
    variables, rows = server(rq.read_text(encoding="utf-8"))
    want_vars, want_rows = embedded[rq.stem]
    assert variables == want_vars
    # Compared as sorted lists: ORDER BY keys may tie (two rows of one meeting), and engines
    # break ties differently; the rows themselves, duplicates included, must be the same.
    assert sorted(rows, key=_sort_key) == sorted(want_rows, key=_sort_key)
    assert rows, f"{rq.name} found nothing on the seeds"


def test_server_holds_the_whole_graph(server, seed_graph):
    """Every triple arrived: the count matches the embedded store's."""
    from kg.sparql import load_store, query

    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert server(text) == query(load_store(seed_graph.parent), text)


def _sort_key(row: tuple) -> tuple:
    return tuple("" if c is None else c for c in row)
