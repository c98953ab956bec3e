"""Extraction cache: a report's extracted record, keyed by its path, its bytes and the extractor's code.

One SQLite file (``OUT/.cache/extract.sqlite``). A key is the SHA-256 of the report's path and
of its file bytes' SHA-256 together with a fingerprint of the code that turns bytes into a ``Report`` (the
extractor name, the kg version and the source of load, normalize, records and extract), so
editing any of that code re-extracts everything, and adding one report re-extracts one. An
entry that cannot be read is reported and re-extracted; a cache file that is not a database is
set aside and started afresh. SQLite transactions make every write atomic.

An entry is the report pickled and compressed: several times cheaper to write and read than its
JSON form. Reading one builds nothing but the record classes, whatever the file holds.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .errors import W_CACHE_ENTRY, W_CACHE_FILE, W_CACHE_WRITE, ReportError
from .load import MAX_REPORT_BYTES, read_report
from .records import RECORDS, Report

CACHE_DIR = ".cache"
CACHE_FILE = "extract.sqlite"
# Rows written per transaction: one commit per report would dominate a warm build's time.
COMMIT_EVERY = 256
_SOURCES = ("load.py", "normalize.py", "records.py", "extract")
# How entries are written and keyed; part of the fingerprint, so that entries of another kind are never read.
ENTRY_FORMAT = "pickle/2"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Identifies the code that makes a Report from a file: changing any of it invalidates the cache."""
    from . import __version__
    from .extract import EXTRACTOR

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{EXTRACTOR}\0{__version__}\0{ENTRY_FORMAT}\0".encode())
    for name in _SOURCES:
        p = root / name
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def file_key(path: str, sha256: str, version: str) -> str:
    """The cache key of one report file as read from ``path``, from the SHA-256 of its bytes (hex, as
    Report.sha256 has it): a worker that extracted the report has already computed it."""
    h = hashlib.sha256()
    for part in (version.encode(), os.fsencode(path), sha256.encode()):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


class _RecordUnpickler(pickle.Unpickler):
    """Unpickles a report: the record classes are the only names it looks up, so the only code it runs."""

    _classes = {(cls.__module__, cls.__qualname__): cls for cls in RECORDS}

    def find_class(self, module: str, name: str) -> type:
        try:
            return self._classes[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not a record") from None


def pack_report(report: Report) -> bytes:
    """A report as a cache entry's body."""
    return zlib.compress(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_report(body: bytes) -> Report:
    """The report of a cache entry's body; only record classes can come out of it."""
    report = _RecordUnpickler(io.BytesIO(zlib.decompress(body))).load()
    if not isinstance(report, Report):
        raise TypeError(f"entry holds a {type(report).__name__}")
    return report


class ExtractCache:
    """Extracted reports by key; every failure to read or write degrades to a warning and a re-extraction."""

    def __init__(self, out_dir: str | os.PathLike, warn: Callable[[str], None], *, version: str | None = None):
        self.path = Path(out_dir) / CACHE_DIR / CACHE_FILE
        self.version = version or fingerprint()
        self._warn = warn
        self._db: sqlite3.Connection | None = None
        self._pending = 0
        self._opened = False
        self.hits = 0
        self.misses = 0

    def _open(self, create: bool) -> sqlite3.Connection | None:
        """The database, opened on first use; created only when there is something to store."""
        if self._opened or not (create or self.path.exists()):
            return self._db
        self._opened = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and self.path.exists():
                # Not a database (truncated, overwritten): set it aside and start an empty one.
                self._warn(W_CACHE_FILE.format(path=self.path, reason=exc))
                try:
                    os.replace(self.path, self.path.with_suffix(".corrupt"))
                    self._db = self._connect()
                    return self._db
                except (OSError, sqlite3.Error) as again:
                    exc = again
            self._warn(W_CACHE_WRITE.format(path=self.path, reason=exc))
            self._db = None
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level="DEFERRED")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS report (key TEXT PRIMARY KEY, version TEXT NOT NULL, body BLOB)")
        # Entries of other code versions are never read again.
        db.execute("DELETE FROM report WHERE version != ?", (self.version,))
        db.commit()
        return db

    def key(self, path: str, max_bytes: int | None = MAX_REPORT_BYTES) -> str | None:
        """The key of the report at ``path``, or None when the loader would refuse it (it will say why)."""
        try:
            # the loader's own read: a FIFO or an oversized file is refused unread
            data = read_report(path, max_bytes)
        except ReportError:
            return None
        return file_key(path, hashlib.sha256(data).hexdigest(), self.version)

    def key_of(self, path: str, report: Report) -> str:
        """The key of the report extracted from ``path``, without reading the file again."""
        return file_key(path, report.sha256, self.version)

    def keys(self) -> set[str]:
        """Every key stored for the current code version."""
        if self._open(create=False) is None:
            return set()
        try:
            return {k for (k,) in self._db.execute("SELECT key FROM report WHERE version = ?", (self.version,))}
        except sqlite3.Error as exc:
            self._fail(exc)
            return set()

    def get(self, key: str, path: str) -> Report | None:
        """The cached report for ``key``, or None (an unreadable entry is reported and dropped)."""
        if self._open(create=False) is None:
            return None
        try:
            row = self._db.execute("SELECT body FROM report WHERE key = ? AND version = ?",
                                   (key, self.version)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc)
            return None
        if row is None:
            return None
        try:
            report = unpack_report(row[0])
            if report.path != path:
                raise ValueError(f"entry is for {report.path}")
        except Exception as exc:  # any damage to one entry costs one re-extraction, never the build
            self._warn(W_CACHE_ENTRY.format(path=path, cache=self.path, reason=f"{type(exc).__name__}: {exc}"))
            return None
        self.hits += 1
        return report

    def put(self, key: str, report: Report, body: bytes | None = None) -> None:
        """Store one report (``body``: already packed, by pack_report); written for good at the next commit."""
        self.misses += 1
        if self._open(create=True) is None:
            return
        if body is None:
            body = pack_report(report)
        try:
            self._db.execute("INSERT OR REPLACE INTO report (key, version, body) VALUES (?, ?, ?)",
                             (key, self.version, body))
            self._pending += 1
            if self._pending >= COMMIT_EVERY:
                self.commit()
        except sqlite3.Error as exc:
            self._fail(exc)

    def commit(self) -> None:
        if self._db is not None and self._pending:
            try:
                self._db.commit()
            except sqlite3.Error as exc:
                self._fail(exc)
            self._pending = 0

    def close(self) -> None:
        self.commit()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _fail(self, exc: Exception) -> None:
        # A cache that stops working mid-build is given up; the build goes on without it.
        self._warn(W_CACHE_WRITE.format(path=self.path, reason=exc))
        try:
            self._db.close()
        except Exception:
            pass
        self._db = None

    def __enter__(self) -> "ExtractCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["ExtractCache", "fingerprint", "file_key", "pack_report", "unpack_report", "CACHE_DIR", "CACHE_FILE"]
