"""SGD with momentum: write the body of its update."""

import numpy as np


class Momentum:
    """SGD with momentum: v <- momentum * v - lr * grad, then param <- param + v.

    ``params`` and ``grads`` are parallel lists of arrays; ``update`` changes
    every array of ``params`` in place and returns nothing.
    """

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None  # one velocity per parameter array, made on the first update

    def update(self, params, grads):
        """Update each velocity, then move each parameter array by it, in place."""
        if self.v is None:
            self.v = [np.zeros_like(param) for param in params]

        # BEGIN SOLUTION: update self.v[i] and move params[i] by it, in place, for every i
        for i in range(len(params)):
            self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]
            params[i] += self.v[i]
        # END SOLUTION
