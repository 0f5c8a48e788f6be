"""The CNN chapter: convolution and pooling layers, and a small convolutional network.

Book 1 chapter 7: im2col and col2im, the Convolution layer with padding and
stride, max and average Pooling, and SimpleConvNet (Conv → ReLU → Pool →
Affine → ReLU → Affine → Softmax) trained on real handwritten digits, every
layer gradient-checked.
"""
