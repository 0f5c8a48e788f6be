"""The CBOW chapter: word2vec's continuous bag-of-words, from one-hot vectors to PTB.

Book 2 chapters 3 and 4: the inference-based idea, contexts and targets,
SimpleCBOW on one sentence, then the Embedding layer, negative sampling and the
CBOW model trained on the Penn Treebank, with a fast path that trains one epoch
of PTB in seconds.
"""
