"""What every exercise check needs: find the member's code, compare what it returns.

A check receives the member's file as a module (in the checker, a
:class:`~rindoku.attempt.RemoteObject` standing for the module in the
attempt's own process: call it as if it were here) and raises
:class:`~rindoku.exercises.CheckFailed` with a message that says what is wrong
and where.  These helpers give every chapter the same messages for the same
mistakes::

    from rindoku.checks import expect_close, get_class

    def check_sigmoid_backward(module):
        Sigmoid = get_class(module, "Sigmoid")
        layer = Sigmoid()
        layer.forward(x)
        expect_close(layer.backward(dout), expected_dx, "Sigmoid.backward(dout)")

The mistake-specific messages ("dx is twice the right gradient: …") stay in
the chapter's check, next to the mistake they describe.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from rindoku.attempt import RemoteObject, type_name
from rindoku.exercises import CheckFailed
from rindoku.gradient import GradientReport

__all__ = [
    "expect_array",
    "expect_close",
    "expect_gradients",
    "get_class",
    "get_function",
    "show",
    "type_name",
]


def get_class(module: ModuleType | RemoteObject, name: str) -> type:
    """The class ``name`` defined in the member's file."""
    cls = getattr(module, name, None)
    if isinstance(cls, RemoteObject) and cls.kind == "class":
        return cls  # type: ignore[return-value]  # called like the class it stands for
    if not isinstance(cls, type):
        raise CheckFailed(f"your file defines no class {name}")
    return cls


def get_function(module: ModuleType | RemoteObject, name: str) -> Callable[..., Any]:
    """The function (or any callable) ``name`` defined in the member's file."""
    function = getattr(module, name, None)
    if isinstance(function, RemoteObject):
        if function.kind in ("function", "class"):
            return function
    elif function is not None and callable(function):
        return function  # type: ignore[no-any-return]
    raise CheckFailed(f"your file defines no function {name}")


def show(array: Any, precision: int = 5) -> str:
    """An array printed for a message, indented under its label."""
    text = np.array2string(np.asarray(array), precision=precision)
    return textwrap.indent(text, "    ")


def expect_array(
    value: Any,
    shape: tuple[int, ...],
    what: str,
    hint: str = "",
    *,
    missing_return: str = "end it with a return statement",
) -> np.ndarray:
    """``value`` as an array of ``shape``, or :class:`CheckFailed` saying what came back.

    ``what`` names the call (``"Affine.backward(dout)"``); ``hint`` is added to
    a wrong shape's message; ``missing_return`` says what to do about ``None``.
    """
    if value is None:
        raise CheckFailed(f"{what} returned None: {missing_return}")
    if isinstance(value, tuple):
        raise CheckFailed(f"{what} returned a tuple of {len(value)}; return one array")
    array = np.asarray(value)
    if array.dtype == object:
        raise CheckFailed(f"{what} returned a {type_name(value)}; return a NumPy array")
    if array.shape != tuple(shape):
        raise CheckFailed(
            f"{what} returned an array of shape {array.shape}; expected {tuple(shape)}{hint}"
        )
    return array


def expect_close(
    got: Any,
    expected: Any,
    what: str,
    hint: str = "",
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    show_arrays: bool = False,
) -> np.ndarray:
    """Fail unless ``got`` equals ``expected`` up to rounding; return ``got`` as an array.

    The message names the worst element with both values, or, with
    ``show_arrays``, prints both arrays whole (for small ones a member can
    read at a glance).  ``hint`` ends the message.
    """
    expected = np.asarray(expected)
    array = expect_array(got, expected.shape, what)
    if np.allclose(array, expected, rtol=rtol, atol=atol):
        return array
    ending = f"\n  {hint}" if hint and show_arrays else (f" {hint}" if hint else "")
    if show_arrays or expected.ndim == 0:
        raise CheckFailed(
            f"{what} is wrong.\n  expected:\n{show(expected, 4)}\n  got:\n"
            f"{show(array.astype(float), 4)}{ending}"
        )
    error = np.abs(array.astype(float) - expected)
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(error)), error.shape))
    raise CheckFailed(
        f"{what} is wrong: at index {index} it is {float(array[index]):.6g}, "
        f"expected {float(expected[index]):.6g}.{ending}"
    )


def expect_gradients(report: GradientReport, names: Mapping[str, str] | None = None) -> None:
    """Fail if a gradient check did not pass, naming the worst gradient.

    ``names`` maps the report's array names (``input 0``, ``params[0]``) to
    the book's (``dx``, ``dW``).
    """
    if report.passed:
        return
    worst = report.worst
    assert worst is not None
    grad = (names or {}).get(worst.name, worst.name)
    raise CheckFailed(
        f"{grad} is wrong: it disagrees with the numerical gradient.\n"
        f"  worst element: {worst.describe()}\n"
        f"  (the tolerance is {report.tolerance:.0e})"
    )
