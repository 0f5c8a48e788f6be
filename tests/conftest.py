"""Test-session setup shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The standard data files (PTB, benchmarks), laid out like the cache, beside the checkout."""


def pytest_configure(config) -> None:
    """Read data files from ``../shared/data`` when ``RINDOKU_DATA`` is unset, as CI does.

    The book builds and the end-to-end runs start subprocesses that run every
    quick example, the PTB ones included; without this they would try to
    download PTB.  A test about the data layer itself sets or removes the
    variable with ``monkeypatch``.
    """
    if not os.environ.get("RINDOKU_DATA") and SHARED_DATA.is_dir():
        os.environ["RINDOKU_DATA"] = str(SHARED_DATA)
