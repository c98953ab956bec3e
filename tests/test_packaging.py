"""An install that is not editable (a wheel) has everything kg build needs, the ontology included."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    # from a copy of the sources: a build in the tree would reuse what an earlier one left in build/
    source = folder / "source"
    for name in ("kg", "ontology"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(source)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.skip(f"no wheel could be built here (pip wheel: {done.stderr.strip().splitlines()[-1:]})")
    (built,) = folder.glob("kg-*.whl")
    return built


def test_the_wheel_holds_the_ontology_and_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/ontology/shapes.ttl", "kg/ontology/kg.ttl"} <= names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kg").rglob("*.py")}
    assert modules <= names


def test_kg_installed_from_the_wheel_builds_and_validates(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)  # a wheel is installed by unpacking it; its dependencies are this environment's
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import kg, kg.validate; print(kg.__file__); print(kg.validate.SHAPES)"
    where = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert where.stdout.splitlines() == [str(site / "kg" / "__init__.py"), str(site / "kg" / "ontology" / "shapes.ttl")]
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(out), "-q"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    report = (out / "build-report.json").read_text(encoding="utf-8")
    assert '"conforms": true' in report
