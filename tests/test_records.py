"""Records built from a seed report stay frozen dataclasses: keyword construction, replace, equality, pickling."""
import dataclasses
import inspect
import pickle

import pytest

from kg.extract import extract
from kg.load import load
from kg.normalize import normalize
from kg.records import RECORDS, Directive, Document, NormalizedText, Report, Span

from helpers import SEEDS


@pytest.fixture(scope="module")
def report() -> Report:
    """The first seed report that holds a record of every kind."""
    for path in sorted(SEEDS.glob("*.txt")):
        doc = load(path)
        r = extract(doc, normalize(doc.text))
        if all((r.meetings, r.persons, r.organizations, r.referenced_documents, r.directives)):
            return r
    pytest.fail("no seed report holds a record of every kind")


def _records(report: Report):
    yield report
    for group in (report.meetings, report.persons, report.organizations, report.referenced_documents,
                  report.directives):
        for record in group:
            yield record
            yield from (v for f in dataclasses.fields(record) if isinstance(v := getattr(record, f.name), Span))
    for meeting in report.meetings:
        yield from meeting.participants


def test_every_record_of_a_report_is_rebuilt_equal_from_its_fields_by_keyword(report):
    records = list(_records(report))
    assert {type(r) for r in records} == set(RECORDS)
    for record in records:
        again = type(record)(**{f.name: getattr(record, f.name) for f in dataclasses.fields(record)})
        assert again == record and hash(again) == hash(record)


def test_records_are_frozen_and_replace_makes_a_changed_copy(report):
    d = report.directives[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.text = "x"
    moved = dataclasses.replace(d, span=Span(d.span.start + 1, d.span.end))
    assert moved != d and moved.text == d.text and d.span.start + 1 == moved.span.start


def test_defaults_and_signature_are_the_declared_fields(report):
    assert list(inspect.signature(Directive).parameters) == ["speaker", "meeting_index", "text", "span"]
    bare = Report(report.doc_id, report.path, report.sha256, report.text, report.script, None, None, None)
    assert bare.meetings == () and bare.extractor == ""
    with pytest.raises(TypeError):
        Span(1)
    assert Document("d", "p", "t", "utf-8", "text", "0").warnings == ()
    assert NormalizedText("t", "t", (0, 1), "simplified").warnings == ()


def test_a_report_pickles_to_an_equal_report(report):
    assert pickle.loads(pickle.dumps(report)) == report
