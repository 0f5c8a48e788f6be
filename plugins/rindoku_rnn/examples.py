"""The chapter's worked examples: truncated BPTT's batches, then SimpleRnnlm on PTB."""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from rindoku import publish
from rindoku.trainer import Trainer
from rindoku_backprop.optimizer import SGD
from rindoku_rnn.batching import TruncatedBPTTBatches
from rindoku_rnn.figures import plot_bptt_streams, plot_perplexity
from rindoku_rnn.models import SimpleRnnlm
from rindoku_rnn.perplexity import eval_perplexity
from rindoku_text.ptb import load_data

__all__ = ["bptt_batches", "simple_rnnlm"]

# the settings of book 2's ch05/train_custom_loop.py
CORPUS_SIZE = 1000
BATCH_SIZE = 10
WORDVEC_SIZE = 100
HIDDEN_SIZE = 100
TIME_SIZE = 5
LR = 0.1
MAX_EPOCH = 100


def bptt_batches(rng: np.random.Generator) -> None:
    """Cut a corpus into streams as truncated BPTT does, and show what each batch reads.

    First two sentences of PTB, 2 streams of 4 words per mini-batch, as
    words; then the positions the 10 streams of SimpleRnnlm's training read
    in its first two epochs, as a picture.
    """
    corpus, _, id_to_word = load_data("train")
    words = corpus[25:58]  # "pierre <unk> N years old will join the board ..."
    batches = TruncatedBPTTBatches.from_corpus(words, batch_size=2, time_size=4)
    print(f"{len(words)} words, so {len(batches.xs)} inputs (each word but the last); "
          f"2 streams start {batches.offsets.tolist()} words in")
    for iteration in range(batches.iterations):
        batch_x, batch_t = batches.get_batch()
        print(f"\nmini-batch {iteration + 1} (time_idx now {batches.time_idx})")
        for stream, (x, t) in enumerate(zip(batch_x, batch_t, strict=True)):
            inputs = " ".join(id_to_word[int(i)] for i in x)
            labels = " ".join(id_to_word[int(i)] for i in t)
            print(f"  stream {stream}: {inputs:<36} -> {labels}")

    # SimpleRnnlm's setting: read a corpus of positions, so each batch shows where it reads
    positions = np.arange(CORPUS_SIZE)
    batches = TruncatedBPTTBatches.from_corpus(positions, BATCH_SIZE, TIME_SIZE)
    jump = int(batches.offsets[1])
    unread = len(batches.xs) - batches.iterations * TIME_SIZE * BATCH_SIZE
    print(f"\n{CORPUS_SIZE:,} words, {BATCH_SIZE} streams {jump} words apart, {TIME_SIZE} "
          f"words each per mini-batch: {batches.iterations} mini-batches per epoch, "
          f"{unread} inputs left out of each epoch")
    publish("iterations", batches.iterations)
    publish("words_read", batches.iterations * TIME_SIZE)
    publish("jump", jump)
    publish("unread", unread)
    plot_bptt_streams(batches, epochs=2,
                      title=f"Truncated BPTT: {BATCH_SIZE} streams, {TIME_SIZE} words "
                            "per mini-batch")


def simple_rnnlm(rng: np.random.Generator) -> None:
    """Train the book's SimpleRnnlm on the first 1,000 words of PTB, as ch05 does.

    Batch 10, time 5, word vectors and hidden state of 100, SGD with
    learning rate 0.1, 100 epochs; the perplexity of each epoch is exp of
    its average loss.
    """
    corpus, _, _ = load_data("train")
    corpus = corpus[:CORPUS_SIZE]
    vocab_size = int(max(corpus) + 1)
    print(f"corpus: {CORPUS_SIZE:,} words, vocabulary {vocab_size}")

    model = SimpleRnnlm(vocab_size, WORDVEC_SIZE, HIDDEN_SIZE, rng)
    trainer = Trainer(model, SGD(LR), rng=rng, progress=False, perplexity=True)
    batches = TruncatedBPTTBatches.from_corpus(corpus, BATCH_SIZE, TIME_SIZE)
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: one thread is quicker
        history = trainer.fit_batches(batches, max_epoch=MAX_EPOCH, eval_interval=20)
    seconds = time.perf_counter() - start

    perplexities = history.epoch_perplexities
    for epoch in [0, *range(9, MAX_EPOCH, 10)]:
        print(f"| epoch {epoch + 1:3} | perplexity {perplexities[epoch]:7.2f}")
    print(f"{MAX_EPOCH} epochs of {batches.iterations} mini-batches in {seconds:.1f} s")
    publish("vocab_size", vocab_size)
    publish("first_perplexity", perplexities[0], "{:.0f}")
    publish("last_perplexity", perplexities[-1], "{:.1f}")
    publish("seconds", seconds, "{:.0f} s")

    # the trained model, read once more without updates, from a fresh hidden state
    ppl = eval_perplexity(model, corpus, BATCH_SIZE, TIME_SIZE, progress=False)
    print(f"eval_perplexity on the same 1,000 words: {ppl:.2f}")
    publish("eval_perplexity", ppl, "{:.1f}")

    plot_perplexity(perplexities, f"SimpleRnnlm on the first {CORPUS_SIZE:,} words of PTB")
