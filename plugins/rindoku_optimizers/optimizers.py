"""The optimizers of book 1 chapter 6: six ways to update the weights from their gradients.

``SGD`` is the backprop chapter's (:mod:`rindoku_backprop.optimizer`), where
book 2 introduces it to train the two-layer net; it is imported here so that
all six can be had from this module, and the optimizers chapter registers it.

Every optimizer has one method, ``update(params, grads)``: ``params`` and
``grads`` are parallel lists of arrays (a model's ``params`` and ``grads``),
and each array of ``params`` is changed **in place**, because the layers keep
references to their own arrays.  The state an optimizer keeps between steps
(a velocity, a sum of squared gradients, moment estimates) is a list parallel
to ``params``, created on the first call, when the shapes are known.

In the formulas, W is a parameter, ∂L/∂W its gradient, η the learning rate
(学習係数), ⊙ the elementwise product; square roots and divisions are elementwise.
"""

from __future__ import annotations

import numpy as np

from rindoku_backprop.optimizer import SGD

__all__ = ["SGD", "AdaGrad", "Adam", "Momentum", "Nesterov", "RMSprop"]


class Momentum:
    """SGD with momentum (モーメンタム, "momentum" in the physical sense).

    v ← αv - η ∂L/∂W
    W ← W + v

    The parameters move like a ball rolling on the loss surface: the gradient is
    a force that changes the velocity v, and α (``momentum``, about 0.9) acts
    as friction.  Steps in a consistent direction add up; gradients whose sign
    keeps flipping cancel out, which damps the zigzag of SGD.
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update the velocities, then move every array of ``params`` in place."""
        if self.v is None:
            self.v = [np.zeros_like(param) for param in params]

        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]


class Nesterov:
    """Nesterov's accelerated gradient, in the form that needs only ∂L/∂W at W.

    v ← αv - η ∂L/∂W
    W ← W + αv - η ∂L/∂W

    Nesterov's idea is to take the gradient not where the parameters are but
    where the momentum is about to carry them, so that the velocity is
    corrected before it overshoots.  Bengio et al. (2012) rewrote the method in
    the look-ahead point W + αv, which needs only the gradient at W: the rule
    above, the same as W ← W + α²v_old - (1 + α) η ∂L/∂W.  Compared with
    Momentum, the step leans further into the new velocity and the current
    gradient gets a second say.
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        self.lr = lr
        self.momentum = momentum
        self.v: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update the velocities and move every array of ``params`` in place."""
        if self.v is None:
            self.v = [np.zeros_like(param) for param in params]

        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.momentum * self.v[i] - self.lr * grads[i]


class AdaGrad:
    """AdaGrad: a learning rate for every element, shrinking as it learns.

    h ← h + ∂L/∂W ⊙ ∂L/∂W
    W ← W - η (1/√h) ∂L/∂W

    h adds up the squares of all past gradients, element by element.  An
    element that has had large gradients gets small steps, one that has barely
    moved keeps large ones (learning rate decay, 学習係数の減衰, per element).
    Because h only grows, the steps eventually shrink to nothing.  The 1e-7
    added to √h keeps the first division finite when a gradient is 0.
    """

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr
        self.h: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Add the squared gradients to h, then step every array of ``params`` in place."""
        if self.h is None:
            self.h = [np.zeros_like(param) for param in params]

        for i in range(len(params)):
            self.h[i] += grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class RMSprop:
    """RMSprop: AdaGrad with a memory that fades.

    h ← ρh + (1 - ρ) ∂L/∂W ⊙ ∂L/∂W
    W ← W - η (1/√h) ∂L/∂W

    h is an exponential moving average of the squared gradients (ρ is
    ``decay_rate``), so old gradients are forgotten and the steps never shrink
    to nothing, as AdaGrad's do: √h tracks the recent size of each gradient.
    """

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99) -> None:
        self.lr = lr
        self.decay_rate = decay_rate
        self.h: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update the average of the squared gradients, then step ``params`` in place."""
        if self.h is None:
            self.h = [np.zeros_like(param) for param in params]

        for i in range(len(params)):
            self.h[i] *= self.decay_rate
            self.h[i] += (1 - self.decay_rate) * grads[i] * grads[i]
            params[i] -= self.lr * grads[i] / (np.sqrt(self.h[i]) + 1e-7)


class Adam:
    """Adam (Kingma & Ba, 2015): Momentum and RMSprop together, with bias correction.

    t ← t + 1
    m ← β₁m + (1 - β₁) ∂L/∂W
    v ← β₂v + (1 - β₂) ∂L/∂W ⊙ ∂L/∂W
    m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)
    W ← W - η m̂ / (√v̂ + ε)

    m, a moving average of the gradients, plays the role of Momentum's
    velocity; v, a moving average of their squares, scales each element's
    step as in RMSprop.  Both start at 0, so in the first steps they are too
    small; dividing by 1 - βᵗ corrects that bias.  A step is then about η in
    size whatever the scale of the gradient.
    """

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.iter = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update both moving averages, then step every array of ``params`` in place."""
        if self.m is None or self.v is None:
            self.m = [np.zeros_like(param) for param in params]
            self.v = [np.zeros_like(param) for param in params]

        self.iter += 1
        for i in range(len(params)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * grads[i]
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * grads[i] ** 2
            m_hat = self.m[i] / (1 - self.beta1**self.iter)
            v_hat = self.v[i] / (1 - self.beta2**self.iter)
            params[i] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
