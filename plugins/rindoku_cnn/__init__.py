"""The CNN chapter: convolution and pooling layers, and a small convolutional network.

Book 1 chapter 7: im2col and col2im, the Convolution layer with padding and
stride, max Pooling, and SimpleConvNet (Conv → ReLU → Pool → Affine → ReLU →
Affine → Softmax) trained on real handwritten digits, as the book writes them
(``layers``, ``models``); the same layers with fewer copies, and average
pooling, in ``fast``; every layer gradient-checked.
"""
