"""SimpleSkipGram: write its forward and backward passes."""

import numpy as np

from rindoku_backprop.layers import MatMul, SoftmaxWithLoss


class SimpleSkipGram:
    """Skip-gram with a window of 1 on one-hot vectors: one input, two context losses.

    contexts: labels (N, 2) or one-hot (N, 2, V); target: one-hot (N, V).
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, H = vocab_size, hidden_size
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        W_out = (0.01 * rng.standard_normal((H, V))).astype(dtype)

        self.in_layer = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer1 = SoftmaxWithLoss()  # the word before the target
        self.loss_layer2 = SoftmaxWithLoss()  # the word after it

        layers = [self.in_layer, self.out_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        """Return the loss: score every word from the target, one loss per context position."""
        # BEGIN SOLUTION: h from the target, the scores s, a loss for each context word; their sum
        h = self.in_layer.forward(target)
        s = self.out_layer.forward(h)
        l1 = self.loss_layer1.forward(s, contexts[:, 0])
        l2 = self.loss_layer2.forward(s, contexts[:, 1])
        loss = l1 + l2
        return loss
        # END SOLUTION

    def backward(self, dout: float = 1) -> None:
        """Fill the gradients of both MatMul layers in place, from both losses back."""
        # BEGIN SOLUTION: both losses' gradients reach s: add them, then go back through both layers
        dl1 = self.loss_layer1.backward(dout)
        dl2 = self.loss_layer2.backward(dout)
        ds = dl1 + dl2
        dh = self.out_layer.backward(ds)
        self.in_layer.backward(dh)
        return None
        # END SOLUTION
