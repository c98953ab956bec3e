"""Write triples of N-Triples term strings as flattened JSON-LD with an @context of the Turtle's prefixes."""
from __future__ import annotations

import json
import re
from typing import Any, Iterable

from kg.rdf import A, Triple, canonical
from kg.turtle import Abbreviator
from kg.vocab import PREFIXES

_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SHORT = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "'": "'"}


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        e = m[1]
        return chr(int(e[1:], 16)) if e[0] in "uU" and len(e) > 1 else _SHORT[e]

    return _UNESCAPE.sub(one, text) if "\\" in text else text


def _value(term: str, ab: Abbreviator) -> dict[str, Any]:
    if term[0] == "<":
        return {"@id": term[1:-1]}
    end = term.rfind('"')
    out: dict[str, Any] = {"@value": _unescape(term[1:end])}
    rest = term[end + 1:]
    if rest.startswith("@"):
        out["@language"] = rest[1:]
    elif rest.startswith("^^"):
        out["@type"] = ab.iri(rest[2:]).strip("<>")
    return out


def jsonld(triples: Iterable[Triple], prefixes: dict[str, str] = PREFIXES, *, ordered: bool = False) -> str:
    """JSON-LD text: ``@context`` with the prefixes, ``@graph`` with one node object per subject, one per line.

    ``ordered``: the triples are already in kg.rdf.canonical order, as kg.rdf.triples returns them.
    """
    ab = Abbreviator(prefixes)
    compact = {}

    def key(p: str) -> str:
        out = compact.get(p)
        if out is None:
            out = compact[p] = ab.iri(p).strip("<>")
        return out

    lines = []
    node: dict[str, Any] = {}
    subject = None
    for s, p, o in (triples if ordered else canonical(triples)):
        if s != subject:
            if node:
                lines.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
            node, subject = {"@id": s[1:-1]}, s
        if p == A:
            node.setdefault("@type", []).append(key(o))
        else:
            node.setdefault(key(p), []).append(_value(o, ab))
    if node:
        lines.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
    context = json.dumps(dict(prefixes), ensure_ascii=False, sort_keys=True)
    return '{"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(lines) + "\n]}\n"


__all__ = ["jsonld"]
