"""Row-sparse gradients (rindoku_text.sparse), and the Trainer's use of them."""

from __future__ import annotations

import numpy as np
import pytest

from rindoku.protocols import SparseGrad
from rindoku.trainer import clip_grads, unique_params
from rindoku_text.sparse import RowSparseGrad


def row_grad(rows, values, shape=(5, 2)):
    grad = RowSparseGrad(shape, np.float64)
    grad.set(np.array(rows), np.array(values, dtype=float))
    return grad


def test_a_row_sparse_gradient_is_zero_outside_its_rows():
    grad = row_grad([3, 0], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(grad.to_dense(), [[3, 4], [0, 0], [0, 0], [1, 2], [0, 0]])
    assert RowSparseGrad((4, 3)).to_dense().shape == (4, 3)
    with pytest.raises(ValueError, match=r"values of shape \(1, 3\) do not fit 2 rows"):
        grad.set(np.array([0, 1]), np.zeros((1, 3)))


def test_combine_adds_the_values_of_a_repeated_row():
    grad = RowSparseGrad.combine((5, 2), np.array([4, 1, 4]), np.array([[1.0, 1], [2, 2], [3, 3]]))
    assert grad.rows.tolist() == [1, 4]
    np.testing.assert_array_equal(grad.values, [[2, 2], [4, 4]])


def test_unique_params_adds_row_sparse_gradients_of_a_shared_array():
    """Sparse + sparse stays sparse (repeated rows added); sparse + dense becomes dense."""
    W = np.zeros((5, 2))
    a, b = row_grad([0, 2], [[1, 1], [2, 2]]), row_grad([2, 4], [[10, 10], [20, 20]])
    params, grads = unique_params([W, W], [a, b])
    assert params == [W] and isinstance(grads[0], RowSparseGrad)
    np.testing.assert_array_equal(grads[0].to_dense(), a.to_dense() + b.to_dense())
    dense = np.ones((5, 2))
    _, grads = unique_params([W, W], [dense, a])
    np.testing.assert_array_equal(grads[0], dense + a.to_dense())
    assert dense[0, 0] == 1  # the layer's own gradient is untouched
    _, grads = unique_params([W, W], [a, dense])
    np.testing.assert_array_equal(grads[0], dense + a.to_dense())


def test_clip_grads_counts_and_scales_row_sparse_values():
    grads = [row_grad([1], [[3.0, 0.0]]), np.array([4.0])]
    norm = clip_grads(grads, max_norm=1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(grads[0].values, [[0.6, 0.0]], rtol=1e-5)
    np.testing.assert_allclose(grads[1], [0.8], rtol=1e-5)


def test_a_row_sparse_gradient_follows_the_kernels_sparse_gradient_protocol():
    assert isinstance(RowSparseGrad((3, 2)), SparseGrad)
    assert not isinstance(np.zeros((3, 2)), SparseGrad)
