"""The attention chapter: the decoder looks back at every position of the input.

Book 2 chapter 8: the attention weights (dot products and softmax), the
weighted sum of the encoder's states, TimeAttention, and the seq2seq with
attention that learns to write dates in ISO form; its attention weights drawn
as heat maps; and a fast path that attends at every step at once.
"""
