"""Shared test setup: import the package from this checkout even when it is not installed."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="module")
def reports():
    """The hand-made reports of ``reportfactory``: two zones, a report without one, a hostile one."""
    from reportfactory import all_reports

    return all_reports()


@pytest.fixture(scope="module")
def graph(reports):
    """Those reports resolved and assembled."""
    from kg.assemble import assemble
    from kg.resolve import resolve

    return assemble(reports, resolve(reports))


@pytest.fixture(scope="session")
def seed_reports():
    """The reports in seeds/, extracted once per test session."""
    from kg.pipeline import RunStats, extract_reports

    return sorted(extract_reports([ROOT / "seeds"], RunStats(), lambda m: None), key=lambda r: r.doc_id)


@pytest.fixture(scope="session")
def seed_graph(seed_reports):
    """The seed reports resolved and assembled."""
    from kg.assemble import assemble
    from kg.resolve import resolve

    return assemble(seed_reports, resolve(seed_reports))
