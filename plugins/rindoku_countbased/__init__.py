"""The count-based chapter: word vectors from counting which words appear together.

Book 2 chapter 2: a corpus as word ids, the co-occurrence matrix, cosine
similarity, positive pointwise mutual information (PPMI) and dimension
reduction by SVD, first on a one-sentence corpus, then on the Penn Treebank,
with the vectors scored on the standard analogy and similarity benchmarks.
"""
