"""Truncated BPTT's batches: write where the streams start and what each batch reads."""

import numpy as np


class TruncatedBPTTBatches:
    """Read inputs ``xs`` and labels ``ts`` as ``batch_size`` streams, ``time_size`` at a time.

    Stream i starts ``i * jump`` words in, ``jump = len(xs) // batch_size``.
    ``get_batch()`` returns (batch_x, batch_t), both (batch_size, time_size),
    and moves ``time_idx`` on by ``time_size``.
    """

    def __init__(self, xs: np.ndarray, ts: np.ndarray, batch_size: int, time_size: int) -> None:
        self.xs, self.ts = xs, ts
        self.batch_size, self.time_size = batch_size, time_size
        self.time_idx = 0
        # BEGIN SOLUTION: set self.offsets, where each of the batch_size streams starts
        data_size = len(xs)
        jump = data_size // batch_size
        self.offsets = [i * jump for i in range(batch_size)]
        # END SOLUTION

    def get_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the next time_size words of every stream and their labels."""
        # BEGIN SOLUTION: fill batch_x and batch_t, moving self.time_idx on one word at a time
        batch_x = np.empty((self.batch_size, self.time_size), dtype=np.int32)
        batch_t = np.empty((self.batch_size, self.time_size), dtype=np.int32)

        data_size = len(self.xs)
        for time in range(self.time_size):
            for i, offset in enumerate(self.offsets):
                # past the end of the corpus, a stream wraps round to its start
                batch_x[i, time] = self.xs[(offset + self.time_idx) % data_size]
                batch_t[i, time] = self.ts[(offset + self.time_idx) % data_size]
            self.time_idx += 1
        return batch_x, batch_t
        # END SOLUTION
