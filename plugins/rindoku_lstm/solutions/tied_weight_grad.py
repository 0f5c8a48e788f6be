"""The gradient of a tied matrix: one matrix, two uses."""

import numpy as np


def tied_weight_grad(W: np.ndarray, xs: np.ndarray, dscore: np.ndarray) -> np.ndarray:
    """Return dL/dW (V, D) for the scores ``s = W[xs] W^T``, given ``dscore`` = dL/ds.

    W: (V, D), used twice: as the embedding, ``h = W[xs]`` (N, D), and
    transposed as the output layer's weights, ``s = h W^T`` (N, V).
    xs: word ids (N,), which may repeat; dscore: (N, V).
    """
    h = W[xs]
    # BEGIN SOLUTION: add up the gradients of W's two uses: the output layer's and the embedding's
    dW = np.dot(dscore.T, h)  # the output layer: s = h W^T, so dW = dscore^T h

    dh = np.dot(dscore, W)  # what the output layer sends back to h
    np.add.at(dW, xs, dh)  # the embedding: row xs[n] receives dh[n], repeats added
    return dW
    # END SOLUTION
