"""The README's quick-start commands are the ones the project really runs."""
import re

from kg.cli import _parser

from helpers import ROOT


def _quick_start():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_gives_exactly_two_commands():
    assert len(_quick_start()) == 2


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start()[1] in ci.splitlines()


def test_readme_build_command_parses_and_targets_output():
    build = _quick_start()[0].split("&&")[-1].split()
    assert build[0].endswith("kg")
    args = _parser().parse_args(build[1:])
    assert args.command == "build" and args.paths == ["seeds"] and args.out == "output"
