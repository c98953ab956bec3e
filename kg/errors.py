"""Every error kg raises, each message saying how to fix it."""
from __future__ import annotations


class KgError(Exception):
    """Base class: the CLI prints the message on one line and exits with status 2."""


class InputError(KgError):
    """A path given on the command line cannot be used."""


class ReportError(KgError):
    """One report cannot be read; in a batch it becomes a warning and the rest goes on."""

    def __init__(self, message: str, reason: str = "error") -> None:
        super().__init__(message)
        self.reason = reason  # short key the run report counts skips by, e.g. "binary"


class OutputError(KgError):
    """An output cannot be written."""


class QueryError(KgError):
    """A SPARQL query that kg sparql will not or cannot run."""


# Messages: format with keyword arguments; each states the remedy.
E_PATH_MISSING = "{path}: no such file or directory; check the path, or pass the folder that holds the reports"
E_NO_REPORTS = "{path}: no reports found (looked for *.txt, *.html, *.htm); pass a report file or a folder containing some"
E_UNREADABLE = "{path}: cannot be read ({reason}); fix its permissions or leave it out"
E_EMPTY = "{path}: the file is empty or holds only whitespace; re-download the report or leave it out"
E_BINARY = "{path}: looks like binary data, not a text or HTML report; convert it to text or leave it out"
E_UNDECODABLE = "{path}: the text encoding could not be determined; convert the file to UTF-8 and retry"
E_TOO_LARGE = "{path}: {size:,} bytes is over the {limit:,}-byte limit for one report; split the file, or raise the limit with --max-size"
E_NOT_FILE = "{path}: not a regular file; pass report files or the folder that holds them"
E_NO_TEXT = "{path}: no article text found in the page; save the report's body as a .txt file and retry"
E_GOLD_MISSING = "{path}: no *.gold.json files found; pass the folder of gold annotations with --gold"
E_OUT_NOT_DIR = "{path}: exists and is not a directory; choose another --out folder"
E_WRITE = "{path}: cannot write ({reason}); check that the folder is writable and has free space"
E_BACKGROUND = "{paths}: not written, the process writing them ended unexpectedly ({status}); check free memory and disk space, then build again"
E_SECTIONS = "{paths}: not written, the process rendering reports' sections failed ({status}); check free memory and disk space, then build again, or pass --jobs 1 to render them in one process"
E_SPARQL_NO_GRAPH = "{path}: no such file; run `kg build REPORTS --out {folder}` first, or point --graph at a build folder"
E_SPARQL_BAD_GRAPH = "{path}: not readable as Turtle ({reason}); rebuild it with `kg build REPORTS --out {folder}`"
E_QUERY_FILE_MISSING = "{path}: no such query file; check the path, or pass the query text itself in quotes"
E_QUERY_FILE_UNREADABLE = "{path}: cannot be read as a UTF-8 query file ({reason}); check its permissions and save it as UTF-8"
E_SPARQL_UPDATE = "{source}: SPARQL update ({keyword}) refused: kg sparql only reads the graph; write a SELECT, ASK, CONSTRUCT or DESCRIBE query"
E_SPARQL_SERVICE = "{source}: SERVICE refused: kg sparql makes no network requests; load graph.ttl into a SPARQL server to query it with remote endpoints"
E_SPARQL_SYNTAX = "{source}: SPARQL syntax error: {reason}; fix the query (worked examples are in queries/)"
E_SPARQL_FAILED = "{source}: the query could not be evaluated ({reason}); simplify it (worked examples are in queries/)"
E_NO_DASK = "--engine dask needs dask.distributed, which is not installed; run: pip install 'dask[distributed]'"
E_DASK_CONNECT = "{address}: no Dask scheduler answers there ({reason}); start one with `dask scheduler` and pass the address it prints"
E_JOBS = "--jobs {jobs}: give 1 or more worker processes"
E_FORMATS = "--formats {formats}: unknown {unknown}; give a comma-separated list of {known}, or all"
E_NEED_SCHEDULER = "--engine dask needs --scheduler ADDRESS (the address `dask scheduler` prints, e.g. tcp://10.0.0.5:8786)"
W_CACHE_ENTRY = "{path}: its cached extraction in {cache} cannot be read ({reason}); extracting it again"
W_CACHE_FILE = "{path}: not a usable cache ({reason}); set aside as extract.corrupt, starting an empty cache"
W_CACHE_WRITE = "{path}: the extraction cache cannot be used ({reason}); building without it (check the folder's permissions, or pass --no-cache)"
E_BASE_IRI = "base IRI {base!r}: use an absolute IRI without '#' that ends with '/', e.g. {default}"
E_RENDER_TEMPLATE = "the pyvis page template has changed ({what}); install pyvis 0.3.2 (pip install 'pyvis==0.3.2') or update kg/render/page.py"
E_RENDER_NO_GRAPH = "{path}: no such file; run `kg build REPORTS --out {folder}` first, or pass the folder of a build"
E_RENDER_BAD_GRAPH = "{path}: not a kg graph.json ({reason}); rebuild it with `kg build REPORTS --out {folder}`"
E_RENDER_NO_ZONE = "--zone {zone}: no such zone in {path}; choose one of: {zones}"
E_RENDER_NO_PERSON = "--person {name}: no person of that name (Chinese or pinyin, e.g. 杨博 or 'yang bo') in {path}; check the spelling"
E_NO_CHROMIUM = "--png needs Debian's chromium at {path}; install it with: apt-get install chromium fonts-noto-cjk"
E_NO_PLAYWRIGHT = "--png needs the playwright package; install it with: pip install playwright (kg drives the system chromium, no browser download)"
E_SCREENSHOT = "{path}: the screenshot failed ({reason}); check that `chromium --headless --no-sandbox --dump-dom about:blank` works"
