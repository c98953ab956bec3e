"""output/ is the build of seeds/: rebuilding it gives byte-identical files (regenerate with `kg build seeds --out output`)."""
import difflib
import os
import subprocess
import sys

import pytest

from helpers import ROOT

# Made by `kg render DIR --png output/graph.png`, not by kg build, and a screenshot is not byte-stable.
NOT_FROM_BUILD = ("graph.png",)


def _files(root):
    """Every build output under ``root``, as relative POSIX paths; the extraction cache is not an output."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and ".cache" not in p.relative_to(root).parts)


FILES = [f for f in _files(ROOT / "output") if f not in NOT_FROM_BUILD]


def _build(out, seed="0"):
    env = dict(os.environ, PYTHONHASHSEED=seed)
    r = subprocess.run([sys.executable, "-m", "kg", "build", "seeds", "--out", str(out), "--quiet"],
                       cwd=ROOT, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("out"))


def test_output_holds_every_file_the_build_writes(rebuilt):
    assert _files(rebuilt) == FILES, "output/ is stale; run `kg build seeds --out output`"


@pytest.mark.parametrize("name", FILES)
def test_output_is_the_build_of_the_seeds(rebuilt, name):
    committed = (ROOT / "output" / name).read_bytes()
    fresh = (rebuilt / name).read_bytes()
    if committed != fresh:
        diff = difflib.unified_diff(committed.decode("utf-8").splitlines(), fresh.decode("utf-8").splitlines(),
                                    f"output/{name}", f"rebuilt/{name}", lineterm="", n=1)
        shown = [line if len(line) < 200 else line[:200] + " …" for line in list(diff)[:60]]
        pytest.fail("output/ is stale; run `kg build seeds --out output`\n" + "\n".join(shown))


def test_output_build_is_deterministic_across_hash_seeds(rebuilt, tmp_path):
    other = _build(tmp_path / "again", seed="12345")
    for name in FILES:
        assert (other / name).read_bytes() == (rebuilt / name).read_bytes(), name


def test_output_turtle_parses_with_two_independent_parsers():
    import pyoxigraph
    import rdflib

    data = (ROOT / "output" / "graph.ttl").read_bytes()
    g = rdflib.Graph().parse(data=data, format="turtle")
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.TURTLE)
    assert len(g) > 500 and len(store) == len(g)
