"""Adam: write the body of its update, with the bias correction of Kingma & Ba."""

import numpy as np


class Adam:
    """Adam: moving averages m of the gradients and v of their squares, bias-corrected.

    ``params`` and ``grads`` are parallel lists of arrays; ``update`` changes
    every array of ``params`` in place and returns nothing.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.iter = 0  # the number of updates so far, t in the formulas
        self.m = None  # one first-moment estimate per parameter array
        self.v = None  # one second-moment estimate per parameter array

    def update(self, params, grads):
        """Count the step, update m and v, correct their bias, step params in place."""
        if self.m is None:
            self.m = [np.zeros_like(param) for param in params]
            self.v = [np.zeros_like(param) for param in params]

        # BEGIN SOLUTION: update self.iter, m and v; correct the bias; step params[i] in place
        self.iter += 1
        for i in range(len(params)):
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * grads[i]
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * grads[i] ** 2
            m_hat = self.m[i] / (1 - self.beta1**self.iter)
            v_hat = self.v[i] / (1 - self.beta2**self.iter)
            params[i] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        # END SOLUTION
