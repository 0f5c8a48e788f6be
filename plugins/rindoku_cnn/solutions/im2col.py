"""im2col: unroll the filter windows of a batch of images into the rows of a matrix."""

import numpy as np


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Return col, shape (N * out_h * out_w, C * filter_h * filter_w), from input_data (N, C, H, W).

    Row ``(n * out_h + i) * out_w + j`` is the window of image n whose top-left
    corner is at (i * stride, j * stride) of the padded image: its C channels
    one after the other, each channel's filter_h × filter_w values row by row.
    """
    N, C, H, W = input_data.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")

    # BEGIN SOLUTION: fill col offset by offset, then reshape it to (N * out_h * out_w, -1)
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w), dtype=img.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            # offset (y, x) of every window: every stride-th pixel from (y, x) on
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]

    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)
    return col
    # END SOLUTION
