"""Max pooling: write its backward pass."""

import numpy as np

from rindoku_cnn.layers import col2im, im2col


class Pooling:
    """Max pooling: the largest value of each pool_h × pool_w window, channel by channel.

    x: (N, C, H, W), out: (N, C, out_h, out_w) with
    out_h = (H + 2 * pad - pool_h) // stride + 1 (and out_w alike).
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.params = []
        self.grads = []
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x = None
        self.arg_max = None

    def forward(self, x):
        """Return the maximum of each window; remember x and where each maximum was."""
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)  # one row per window and channel

        arg_max = np.argmax(col, axis=1)  # the position of each maximum within its row
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x = x
        self.arg_max = arg_max
        return out

    def backward(self, dout):
        """Return dx (N, C, H, W): each window's gradient goes to its maximum only."""
        # BEGIN SOLUTION: send each element of dout to its window's arg_max, then col2im
        dout = dout.transpose(0, 2, 3, 1)  # (N, out_h, out_w, C): the order of the rows of col

        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()

        # back to one row per window, all channels side by side, as im2col made them
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        dx = col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
        return dx
        # END SOLUTION
