"""Directives: the instruction points a speaker (or the meeting) gave, one per headline or sentence."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import NamedTuple

from .text import Sentence

SPEECH_LEAD_RE = re.compile(
    r"要求(?:[,，:：]\s*)?|(?:强调|指出|表示|号召|提出|希望|认为|讲话中说|说)(?:[,，:：]\s*|(?=[要让我全各必坚]))")
INSTRUCTION_START_RE = re.compile(
    r"^(?:第[一二三四五六七八九十]+[、,，:：]|[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|"
    r"要|必须|务必|坚持|着力|切实|加快|全力|让我们|我们要|总体要求)")
SUBJECT_THEN_MUST_RE = re.compile(r"^[^,，。；;:：“”]{1,12}?(?:要|必须|务必|应当|应该)")
HEADLINE_MAX = 36
CLAUSE_SPLIT_RE = re.compile(r"[;；](?=要|必须)")
MUST_RE = re.compile(r"要|必须|让我们|要求是")


class DirectiveSpan(NamedTuple):
    """An instruction point located in the text."""

    speaker: str
    start: int
    end: int


# A sentence that starts as an instruction does, or whose subject is followed by 要/必须: one match for either.
INSTRUCTION_RE = re.compile(f"{INSTRUCTION_START_RE.pattern}|{SUBJECT_THEN_MUST_RE.pattern}")
# Built straight from a tuple: the named tuple's own constructor is a Python function, costly for every directive.
_new_span = tuple.__new__
_START = itemgetter(1)  # a DirectiveSpan's start, read without a Python call


def _clauses(speaker: str, s: str, a: int) -> list[DirectiveSpan]:
    """The directives of one instruction sentence ``s`` found at ``a``: one per clause starting 要/必须 after a ；."""
    if ";" not in s and "；" not in s:
        return [_new_span(DirectiveSpan, (speaker, a, a + len(s)))] if s else []
    pieces = [0] + [m.start() + 1 for m in CLAUSE_SPLIT_RE.finditer(s)] + [len(s)]
    return [_new_span(DirectiveSpan, (speaker, a + x, a + y)) for x, y in zip(pieces, pieces[1:]) if y > x]


def find_directives(text: str, sents: list[Sentence], speech_starts: list[tuple[int, int, str]],
                    stops: list[int]) -> list[DirectiveSpan]:
    """Instruction points in the speech each speaker starts at ``speech_starts`` (position, lead end, speaker).

    A speech runs until the next speech starts or a position in ``stops`` (a new meeting,
    a sentence the meeting itself states) is reached.
    """
    out: list[DirectiveSpan] = []
    bounds = sorted({p for p, _, _ in speech_starts} | set(stops) | {len(text)})
    # Sentences come in text order without overlap, so both their starts and their ends ascend and
    # the sentences of a speech are one slice, found by bisection rather than a scan per speech.
    sent_starts = [s.start for s in sents]
    sent_ends = [s.end for s in sents]
    for pos, lead_end, speaker in speech_starts:
        end = bounds[bisect_right(bounds, pos)]
        body = sents[bisect_right(sent_ends, lead_end):bisect_left(sent_starts, end)]
        if not body:
            continue
        # The sentences (start, end, text) of each paragraph; the first one starts after "X强调,".
        by_para: dict[int, list[tuple[int, int, str]]] = {}
        for a, b, sentence, para in body:
            if a < lead_end:
                a, sentence = lead_end, text[lead_end:b]
            by_para.setdefault(para, []).append((a, b, sentence))
        first = True
        for us in by_para.values():
            head = us[0][2]
            # A headline starts as an instruction does (一是…, 要…), not with a subject.
            if len(us) > 1 and len(head) <= HEADLINE_MAX and INSTRUCTION_START_RE.match(head):
                out.append(DirectiveSpan(speaker, us[0][0], us[-1][1]))
                first = False
                continue
            for a, b, s in us:
                instruction = INSTRUCTION_RE.match(s) is not None
                if first and not instruction and MUST_RE.search(s):
                    out.append(DirectiveSpan(speaker, a, b))
                elif instruction and (";" in s or "；" in s):
                    out.extend(_clauses(speaker, s, a))
                elif instruction:
                    out.append(_new_span(DirectiveSpan, (speaker, a, b)))  # one clause, the commonest case
                first = False
    out.sort(key=_START)
    dedup: list[DirectiveSpan] = []
    for d in out:
        if dedup and d.start < dedup[-1].end:
            continue
        dedup.append(d)
    return dedup
