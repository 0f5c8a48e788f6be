"""The seq2seq chapter: an encoder reads a sequence, a decoder writes another.

Book 2 chapter 7, sections 2 to 5: the book's two toy data sets (additions
and dates, :mod:`rindoku_seq2seq.sequence`), the Encoder, Decoder and
Seq2seq, the two improvements the book measures (reversed input and the
Peeky decoder), the book's training loop with a learning rate that falls at
the end (:mod:`rindoku_seq2seq.evaluation`), and a fast path that computes
the same numbers in a fraction of the time.
"""
