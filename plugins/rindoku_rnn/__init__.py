"""The RNN chapter: recurrent neural networks and the first language model.

Book 2 chapter 5: the RNN layer, which passes a hidden state from one word to
the next; its Time versions, which process T words at once; truncated
backpropagation through time and its batching; the SimpleRnnlm language model
and its measure, the perplexity.
"""
