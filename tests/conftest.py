"""Test-session setup shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The standard data files (PTB, benchmarks), laid out like the cache, beside the checkout."""


NO_SHARED_DATA = f"needs PTB and the benchmark files in {SHARED_DATA} (ptb/, eval/)"


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The shared data folder beside the checkout; the test is skipped without it."""
    if not (SHARED_DATA / "ptb" / "ptb.train.txt").is_file():
        pytest.skip(NO_SHARED_DATA)
    return SHARED_DATA


@pytest.fixture
def shared_data(shared_data_dir, monkeypatch) -> Path:
    """RINDOKU_DATA set to the shared data folder for this test; returns the folder."""
    monkeypatch.setenv("RINDOKU_DATA", str(shared_data_dir))
    return shared_data_dir


def pytest_configure(config) -> None:
    """Read data files from ``../shared/data`` when ``RINDOKU_DATA`` is unset, as CI does.

    The book builds and the end-to-end runs start subprocesses that run every
    quick example, the PTB ones included; without this they would try to
    download PTB.  A test about the data layer itself sets or removes the
    variable with ``monkeypatch``.
    """
    if not os.environ.get("RINDOKU_DATA") and SHARED_DATA.is_dir():
        os.environ["RINDOKU_DATA"] = str(SHARED_DATA)


@pytest.fixture
def one_step_with_fixed_negatives():
    """A function: one Trainer step of a textbook and a fast word2vec model, same negatives.

    ``step(textbook, fast, negatives, contexts, target)`` trains the textbook
    model with Adam and the fast one with SparseAdam on one mini-batch, both
    forwards given ``negatives`` (Trainer.step would draw new ones), and
    asserts that the two end with the same weights.
    """
    from rindoku.trainer import Trainer, unique_params
    from rindoku_optimizers.optimizers import Adam
    from rindoku_text.sparse import SparseAdam

    class Fixed:
        """Passes the same negatives to forward, as Trainer.step would not."""

        def __init__(self, model, negatives):
            self.model, self.negatives = model, negatives
            self.params, self.grads = model.params, model.grads

        def forward(self, x, t):
            return self.model.forward(x, t, self.negatives)

        def backward(self):
            self.model.backward()

    def step(textbook, fast, negatives, contexts, target):
        rng = np.random.default_rng(0)
        Trainer(Fixed(textbook, negatives), Adam(lr=0.01), rng=rng, progress=False).step(
            contexts, target)
        Trainer(Fixed(fast, negatives), SparseAdam(lr=0.01), rng=rng, progress=False).step(
            contexts, target)
        params, _ = unique_params(textbook.params, textbook.grads)
        for a, b in zip(params, fast.params, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)

    return step
