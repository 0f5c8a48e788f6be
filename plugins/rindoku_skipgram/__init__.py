"""The skip-gram chapter: word2vec's other model, which guesses the context from the word.

Book 2 chapters 3 and 4: SimpleSkipGram on one sentence, skip-gram with
negative sampling on the Penn Treebank (the CBOW chapter's layers and fast
path, reused), the count-based and the two inference-based methods compared on
one corpus, and a trained model that takes in new words without starting again.
"""
