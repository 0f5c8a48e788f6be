"""SimpleCBOW: write its backward pass."""

import numpy as np

from rindoku_backprop.layers import MatMul, SoftmaxWithLoss


class SimpleCBOW:
    """CBOW with a window of 1 on one-hot vectors: two input layers share W_in.

    contexts: one-hot (N, 2, V); target: labels (N,) or one-hot (N, V).
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

        self.in_layer0 = MatMul(W_in)
        self.in_layer1 = MatMul(W_in)  # the same array: the two layers share W_in
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()

        layers = [self.in_layer0, self.in_layer1, self.out_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        """Return the loss: average the two context vectors, score every word, softmax."""
        h0 = self.in_layer0.forward(contexts[:, 0])
        h1 = self.in_layer1.forward(contexts[:, 1])
        h = (h0 + h1) * 0.5
        score = self.out_layer.forward(h)
        loss = self.loss_layer.forward(score, target)
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill the gradients of all three layers in place, from the loss back."""
        # BEGIN SOLUTION: go back through loss_layer, out_layer, the average and both input layers
        ds = self.loss_layer.backward(dout)
        da = self.out_layer.backward(ds)
        da *= 0.5
        self.in_layer1.backward(da)
        self.in_layer0.backward(da)
        return None
        # END SOLUTION
