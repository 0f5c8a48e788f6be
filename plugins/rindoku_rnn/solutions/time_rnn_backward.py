"""TimeRNN: write its backward pass, through time."""

from typing import Any

import numpy as np

from rindoku_rnn.layers import RNN


class TimeRNN:
    """T steps of RNN sharing Wx, Wh, b: xs (N, T, D) to hs (N, T, H)."""

    def __init__(
        self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False
    ) -> None:
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers: Any = None

        self.h: Any = None
        self.dh: Any = None
        self.stateful = stateful

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Run the T steps; return hs (N, T, H)."""
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        D, H = Wx.shape

        self.layers = []
        hs = np.empty((N, T, H), dtype=Wx.dtype)

        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype=Wx.dtype)

        for t in range(T):
            layer = RNN(*self.params)
            self.h = layer.forward(xs[:, t, :], self.h)
            hs[:, t, :] = self.h
            self.layers.append(layer)

        return hs

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        """Go back through the T steps; write the gradients in place; return dxs (N, T, D)."""
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        D, H = Wx.shape

        # BEGIN SOLUTION: walk the steps from the last to the first; set self.dh and return dxs
        dxs = np.empty((N, T, D), dtype=Wx.dtype)
        dh: Any = 0
        grads: list[Any] = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh = layer.backward(dhs[:, t, :] + dh)
            dxs[:, t, :] = dx

            for i, grad in enumerate(layer.grads):
                grads[i] += grad

        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh

        return dxs
        # END SOLUTION

    def set_state(self, h: np.ndarray) -> None:
        """Start the next ``forward`` from the hidden state h (N, H)."""
        self.h = h

    def reset_state(self) -> None:
        """Forget the hidden state."""
        self.h = None
