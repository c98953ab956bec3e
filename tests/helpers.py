"""Paths shared by the tests: the project's seeds and the shared gold material beside the checkout."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
SEEDS_GOLD = SHARED / "corpus" / "seeds-gold"
DEV = SHARED / "corpus" / "dev"
SCORER = SHARED / "tools" / "score.py"


def need(path: Path) -> Path:
    """Skip the calling test when shared material is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path
