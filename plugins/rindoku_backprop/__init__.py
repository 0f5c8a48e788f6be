"""The backprop chapter: computational graphs, the book's layers and a two-layer net.

Book 1 chapter 5 and book 2 chapter 1: the multiply and add nodes of a
computational graph, ReLU, Sigmoid, Affine, MatMul, Softmax with its loss, and
a two-layer net trained on the spiral data set, every layer gradient-checked.
"""
