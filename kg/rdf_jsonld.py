"""Write triples of N-Triples term strings as flattened JSON-LD with an @context of the Turtle's prefixes."""
from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring as _json_str  # the string encoder of ensure_ascii=False
from typing import Iterable, Iterator

from kg.rdf import A, Triple, canonical, unescape
from kg.turtle import CHUNK, Abbreviator
from kg.vocab import PREFIXES


def _value(term: str, ab: Abbreviator) -> str:
    """A term as the JSON text of its JSON-LD value object, keys sorted as json.dumps(sort_keys=True) puts them."""
    if term[0] == "<":
        return '{"@id": ' + _json_str(term[1:-1]) + "}"
    end = term.rfind('"')
    value = _json_str(unescape(term[1:end]))
    rest = term[end + 1:]
    if rest.startswith("@"):
        return '{"@language": ' + _json_str(rest[1:]) + ', "@value": ' + value + "}"
    if rest.startswith("^^"):
        return '{"@type": ' + _json_str(ab.iri(rest[2:]).strip("<>")) + ', "@value": ' + value + "}"
    return '{"@value": ' + value + "}"


def _node(subject: str, members: dict[str, list[str]]) -> str:
    """A node object as json.dumps(ensure_ascii=False, sort_keys=True) writes it; ``members`` holds JSON texts."""
    parts = [(key, f"[{', '.join(values)}]") for key, values in members.items()]
    parts.append(("@id", _json_str(subject[1:-1])))
    parts.sort()
    return "{" + ", ".join([f"{_key_text(key)}: {text}" for key, text in parts]) + "}"


@lru_cache(maxsize=1024)
def _key_text(key: str) -> str:
    return _json_str(key)


def jsonld(triples: Iterable[Triple], prefixes: dict[str, str] = PREFIXES, *, ordered: bool = False) -> str:
    """JSON-LD text: ``@context`` with the prefixes, ``@graph`` with one node object per subject, one per line.

    ``ordered``: the triples are already in kg.rdf.canonical order, as kg.rdf.triples returns them.
    """
    return "".join(jsonld_chunks(triples, prefixes, ordered=ordered))


def jsonld_chunks(triples: Iterable[Triple], prefixes: dict[str, str] = PREFIXES, *,
                  ordered: bool = False) -> Iterator[str]:
    """The text of jsonld() in pieces of some thousand node objects, so a large graph is never one string."""
    ab = Abbreviator(prefixes)
    compact: dict[str, str] = {}

    def key(p: str) -> str:
        out = compact.get(p)
        if out is None:
            out = compact[p] = ab.iri(p).strip("<>")
        return out

    context = json.dumps(dict(prefixes), ensure_ascii=False, sort_keys=True)
    lines = ['{"@context": ' + context + ',\n"@graph": [\n']
    sep = ""  # before each node object but the first
    members: dict[str, list[str]] = {}
    subject = None
    for s, p, o in (triples if ordered else canonical(triples)):
        if s != subject:
            if subject is not None:
                lines.append(sep + _node(subject, members))
                sep = ",\n"
                if len(lines) >= CHUNK:
                    yield "".join(lines)
                    lines.clear()
            members, subject = {}, s
        if p == A:
            k, v = "@type", _json_str(key(o))
        else:
            k, v = key(p), _value(o, ab)
        values = members.get(k)
        if values is None:
            members[k] = [v]
        else:
            values.append(v)
    if subject is not None:
        lines.append(sep + _node(subject, members))
    lines.append("\n]}\n")
    yield "".join(lines)


__all__ = ["jsonld", "jsonld_chunks"]
