"""The two shapes every piece of the library takes: a layer and an optimizer.

These are :class:`typing.Protocol` classes, so a chapter's layer needs no base
class; it only has to look like this.  The conventions are those of *Deep
Learning from Scratch 2*:

* ``params`` and ``grads`` are parallel lists of NumPy arrays:
  ``grads[i]`` is the gradient of the loss with respect to ``params[i]`` and
  has the same shape.  (An embedding matrix's gradient may instead be a
  :class:`SparseGrad` holding only the rows a mini-batch touched; an optimizer
  that does not know the type can call ``to_dense()``.)
* ``backward`` writes gradients **in place** (``self.grads[0][...] = dW``),
  never rebinding ``self.grads[0] = dW``.  An optimizer holds references to
  these arrays, so a rebinding would silently cut it off from new gradients.
* An optimizer updates ``params`` in place for the same reason: the layers keep
  references to their own arrays.
* **Shared weights** (one matrix used by several layers, as CBOW's input
  layers share ``W_in``) are declared by giving those layers the *same array
  object*.  A model's ``params`` is its layers' ``params`` put together, so a
  shared array appears once per layer that uses it, each time with that
  layer's own gradient.  Whoever needs the total adds them up:
  :func:`rindoku.trainer.unique_params` for the Trainer (as the book's
  ``remove_duplicate`` does) and :func:`rindoku.gradient.gradient_check`.
  Nothing compares array values to discover sharing.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["Grad", "Layer", "Model", "Optimizer", "SparseGrad"]


@runtime_checkable
class SparseGrad(Protocol):
    """A gradient that stores only some entries of its parameter's gradient.

    ``values`` holds the stored entries (every other entry is zero), so their
    squares sum to the gradient's squared norm and scaling them in place
    scales the gradient.  ``a + b`` adds another gradient of the same
    parameter (sparse or an array) into a new object; ``to_dense()`` gives
    the whole array.  The text library's ``RowSparseGrad`` is one.
    """

    shape: tuple[int, ...]
    values: np.ndarray

    def __add__(self, other: Any) -> Any:
        """The sum with another gradient of the same parameter, as a new object."""
        ...

    def to_dense(self) -> np.ndarray:
        """The gradient as an array of ``shape``."""
        ...


Grad = np.ndarray | SparseGrad
"""A parameter's gradient: an array of its shape, or a :class:`SparseGrad`."""


@runtime_checkable
class Layer(Protocol):
    """A node of the computational graph with a forward and a backward pass.

    ``forward(*xs)`` computes the output and remembers what ``backward`` needs.
    ``backward(dout)`` receives the gradient of the loss with respect to the
    output (``dout``), writes the parameter gradients into ``grads`` in place,
    and returns the gradient with respect to the input (``dx``; a tuple when
    ``forward`` took several inputs).
    """

    params: list[np.ndarray]
    grads: list[Any]  # arrays, or SparseGrad for a row-sparse gradient

    def forward(self, *xs: Any) -> Any:
        """Compute the output from the inputs."""
        ...

    def backward(self, dout: Any = 1) -> Any:
        """Propagate ``dout`` back; fill ``grads`` in place; return ``dx``."""
        ...


@runtime_checkable
class Model(Layer, Protocol):
    """A layer whose ``forward(x, t)`` returns a scalar loss.

    ``backward(dout=1)`` then fills every parameter's gradient.  A weight
    shared between layers is listed once per use (see the module's notes).
    """

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the scores for ``x`` (no loss, nothing remembered)."""
        ...


@runtime_checkable
class Optimizer(Protocol):
    """Updates parameters from their gradients, in place.

    An optimizer with state (a velocity, running averages) keeps it as lists
    parallel to ``params``: the i-th state belongs to the i-th parameter, so
    every call must pass the parameters in the same order (the
    :class:`~rindoku.trainer.Trainer` does).
    """

    def update(self, params: list[np.ndarray], grads: list[Any]) -> None:
        """Apply one update step to every array in ``params``."""
        ...
