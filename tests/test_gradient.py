"""The numerical gradient and the gradient check, with a negative control."""

from __future__ import annotations

import numpy as np
import pytest

from rindoku.gradient import (
    GradientCheckError,
    gradient_check,
    numerical_gradient,
    relative_error,
)


class Scale:
    """y = x * w (elementwise): a one-parameter layer for the tests."""

    def __init__(self, w: np.ndarray, wrong: bool = False) -> None:
        self.params = [w]
        self.grads = [np.zeros_like(w)]
        self.wrong = wrong

    def forward(self, x):
        self.x = x
        return x * self.params[0]

    def backward(self, dout):
        self.grads[0][...] = (dout * self.x).sum(axis=0)
        if self.wrong:
            self.grads[0][1] *= 1.5
        return dout * self.params[0]


def test_numerical_gradient_of_a_known_function():
    """The central difference of sum(x**3) is 3 x**2, and x is restored."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_relative_error_is_zero_when_equal_and_one_when_opposite():
    """The error is scale-free and the floor keeps two zeros equal."""
    assert relative_error(np.array([2.0]), np.array([2.0]))[0] == 0
    assert relative_error(np.array([1.0]), np.array([-1.0]))[0] == 1
    assert relative_error(np.array([0.0]), np.array([1e-12]))[0] < 1e-3


def test_a_correct_backward_passes():
    """A right backward has relative errors far below 1e-6."""
    rng = np.random.default_rng(0)
    report = gradient_check(Scale(rng.standard_normal(3)), [rng.standard_normal((4, 3))])
    assert report.passed
    assert report.max_error < 1e-8
    assert [c.name for c in report.comparisons] == ["input 0", "params[0]"]


def test_a_wrong_backward_fails_naming_the_parameter_and_index():
    """The negative control: a wrong dW is caught, with where and both values."""
    rng = np.random.default_rng(0)
    layer = Scale(rng.standard_normal(3), wrong=True)
    with pytest.raises(GradientCheckError) as info:
        gradient_check(layer, [rng.standard_normal((4, 3))])
    message = str(info.value)
    assert message.startswith("Scale: gradient of params[0] (shape (3,)) at index (1,)")
    assert "numerical" in message and "analytic" in message
    assert info.value.report.worst.index == (1,)


def test_a_failing_check_can_return_its_report():
    """With raise_on_failure=False the report says what failed."""
    rng = np.random.default_rng(1)
    report = gradient_check(Scale(rng.standard_normal(3), wrong=True),
                            [rng.standard_normal((2, 3))], raise_on_failure=False)
    assert not report.passed
    assert report.worst.name == "params[0]"


class TwoUsesOfOneWeight:
    """y = x W + x W: one array W listed twice in params, with one gradient per use."""

    def __init__(self, W):
        self.params = [W, W]
        self.grads = [np.zeros_like(W), np.zeros_like(W)]

    def forward(self, x):
        self.x = x
        return x @ self.params[0] + x @ self.params[1]

    def backward(self, dout):
        self.grads[0][...] = self.x.T @ dout
        self.grads[1][...] = self.x.T @ dout
        return dout @ self.params[0].T + dout @ self.params[1].T


def test_a_shared_weight_is_checked_once_against_the_sum_of_its_gradients():
    rng = np.random.default_rng(0)
    layer = TwoUsesOfOneWeight(rng.standard_normal((3, 2)))
    report = gradient_check(layer, [rng.standard_normal((4, 3))], rng=rng)
    assert [c.name for c in report.comparisons] == ["input 0", "params[0]"]
    assert report.passed
