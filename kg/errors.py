"""Every error kg raises, each message saying how to fix it."""
from __future__ import annotations


class KgError(Exception):
    """Base class: the CLI prints the message on one line and exits with status 2."""


class InputError(KgError):
    """A path given on the command line cannot be used."""


class ReportError(KgError):
    """One report cannot be read; in a batch it becomes a warning and the rest goes on."""


class OutputError(KgError):
    """An output cannot be written."""


# Messages: format with keyword arguments; each states the remedy.
E_PATH_MISSING = "{path}: no such file or directory; check the path, or pass the folder that holds the reports"
E_NO_REPORTS = "{path}: no reports found (looked for *.txt, *.html, *.htm); pass a report file or a folder containing some"
E_UNREADABLE = "{path}: cannot be read ({reason}); fix its permissions or leave it out"
E_EMPTY = "{path}: the file is empty; re-download the report or leave it out"
E_BINARY = "{path}: looks like binary data, not a text or HTML report; convert it to text or leave it out"
E_UNDECODABLE = "{path}: the text encoding could not be determined; convert the file to UTF-8 and retry"
E_NO_TEXT = "{path}: no article text found in the page; save the report's body as a .txt file and retry"
E_GOLD_MISSING = "{path}: no *.gold.json files found; pass the folder of gold annotations with --gold"
E_OUT_NOT_DIR = "{path}: exists and is not a directory; choose another --out folder"
E_WRITE = "{path}: cannot write ({reason}); check that the folder is writable and has free space"
