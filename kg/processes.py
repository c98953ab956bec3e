"""What the build's other processes share: dying with the build, and naming their files in messages."""
from __future__ import annotations

import os
import signal
from pathlib import Path

PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` ends (Linux): a killed build leaves no helper behind
    (its temp files are removed by the next build)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def listed(paths: list[Path]) -> str:
    """Paths for a message: the first three, and how many more."""
    return ", ".join(map(str, paths[:3])) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
