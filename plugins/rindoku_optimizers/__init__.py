"""The optimizers chapter: how a network's weights are updated from their gradients.

Book 1 chapter 6: stochastic gradient descent, Momentum, Nesterov's accelerated
gradient, AdaGrad, RMSprop and Adam, compared on the function
f(x, y) = x²/20 + y² and on training the two-layer net of the backprop chapter.
"""
