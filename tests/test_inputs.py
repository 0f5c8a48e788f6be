"""check_ids: ids and labels outside 0 … n-1 stop where they enter, saying which and where."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from rindoku.inputs import check_ids


@pytest.mark.parametrize("ids", [
    np.array([0, 9, 3]),
    np.array([[1, 2], [3, 4]], dtype=np.uint8),
    np.array([], dtype=int),
    7,
], ids=["labels", "uint8 matrix", "empty", "a scalar"])
def test_ids_in_range_pass(ids):
    check_ids(ids, 10, "SoftmaxWithLoss", "label")


def test_minus_one_names_the_layer_the_value_and_the_range():
    """-1 would be read by NumPy as the last class: it is an error, in one line."""
    with pytest.raises(ValueError, match=r"^SoftmaxWithLoss: label -1 is outside 0\.\.9 "
                                         r"\(10 classes\); labels are class indices$"):
        check_ids(np.array([3, -1, 2]), 10, "SoftmaxWithLoss", "label", of="classes",
                  hint="labels are class indices")


def test_n_itself_is_outside_and_the_first_bad_value_is_named():
    with pytest.raises(ValueError, match=r"^Embedding: word id 10 is outside 0\.\.9 "
                                         r"\(10 rows of W\)$"):
        check_ids(np.array([[0, 10], [-3, 12]]), 10, "Embedding", "word id", of="rows of W")


@pytest.mark.parametrize("ids", [np.array([0.0, 1.0]), np.array([True, False])],
                         ids=["float", "bool"])
def test_ids_that_are_not_integers_are_refused(ids):
    """A float (or boolean) array would index differently or not at all: say so."""
    with pytest.raises(ValueError, match=rf"^SigmoidWithLoss: labels must be integers, not "
                                         rf"{ids.dtype}; labels are 0 or 1$"):
        check_ids(ids, 2, "SigmoidWithLoss", "label", hint="labels are 0 or 1")


def test_an_ignore_label_is_accepted_and_nothing_else_outside():
    """A time-series loss pads with -1, its ignore label: -1 passes, -2 and n do not."""
    check_ids(np.array([[4, -1, -1], [0, 9, -1]]), 10, "TimeSoftmaxWithLoss", "label",
              of="classes", ignore=-1)
    for bad in (-2, 10):
        with pytest.raises(ValueError, match=rf"^TimeSoftmaxWithLoss: label {bad} is outside "
                                             r"0\.\.9 \(10 classes\), and it is not -1, the "
                                             r"ignore label$"):
            check_ids(np.array([-1, 3, bad]), 10, "TimeSoftmaxWithLoss", "label",
                      of="classes", ignore=-1)


def test_the_check_copies_nothing():
    """Checking a million valid ids allocates no array the size of theirs."""
    ids = np.random.default_rng(0).integers(0, 10_000, 1_000_000)
    tracemalloc.start()
    try:
        check_ids(ids, 10_000, "FastCBOW", "word id")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < ids.nbytes // 100
