"""The two shapes every piece of the library takes: a layer and an optimizer.

These are :class:`typing.Protocol` classes, so a chapter's layer needs no base
class; it only has to look like this.  The conventions are those of *Deep
Learning from Scratch 2*:

* ``params`` and ``grads`` are parallel lists of NumPy arrays:
  ``grads[i]`` is the gradient of the loss with respect to ``params[i]`` and
  has the same shape.  (An embedding matrix's gradient may instead be a
  :class:`rindoku.trainer.RowSparseGrad` holding only the rows a mini-batch
  touched; an optimizer that does not know the type can call ``to_dense()``.)
* ``backward`` writes gradients **in place** (``self.grads[0][...] = dW``),
  never rebinding ``self.grads[0] = dW``.  An optimizer holds references to
  these arrays, so a rebinding would silently cut it off from new gradients.
* An optimizer updates ``params`` in place for the same reason: the layers keep
  references to their own arrays.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["Layer", "Model", "Optimizer"]


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
    grads: list[np.ndarray]

    def forward(self, *xs: Any) -> Any:
        """Compute the output from the inputs."""
        ...

    def backward(self, dout: Any = 1) -> Any:
        """Propagate ``dout`` back; fill ``grads`` in place; return ``dx``."""
        ...


@runtime_checkable
class Model(Layer, Protocol):
    """A layer whose ``forward(x, t)`` returns a scalar loss.

    ``backward(dout=1)`` then fills every parameter's gradient.  Weights shared
    between layers are declared, not discovered: a model that ties weights lists
    each shared array once in ``params``.
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

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update step to every array in ``params``."""
        ...
