"""The LSTM chapter: gated RNNs, better language models, and text they write.

Book 2 chapter 6 and section 7.1: why a plain RNN's gradient explodes or
vanishes over many steps, gradient clipping, the LSTM layer with its memory
cell and gates, the Rnnlm and BetterRnnlm language models (two LSTM layers,
dropout, weight tying) trained on PTB, and sampling text from a trained model.
A fast path trains the same models several times as fast.
"""
