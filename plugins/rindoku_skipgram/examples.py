"""The chapter's worked examples: SimpleSkipGram, skip-gram on PTB, the comparison, new words."""

from __future__ import annotations

import copy
import re
import time
from dataclasses import replace

import numpy as np

from rindoku import publish
from rindoku.trainer import Trainer
from rindoku_backprop.functions import softmax
from rindoku_cbow.contexts import convert_one_hot, create_contexts_target
from rindoku_cbow.figures import plot_loss, plot_word_vectors
from rindoku_countbased.datasets import load_toy_corpus
from rindoku_countbased.examples import publish_scores
from rindoku_optimizers.optimizers import Adam
from rindoku_skipgram.compare import SKIPGRAM_SETTINGS, compare, comparison_table, train_word2vec
from rindoku_skipgram.fast import FastSkipGram
from rindoku_skipgram.figures import plot_neighbours, plot_new_words, plot_scores
from rindoku_skipgram.models import SimpleSkipGram
from rindoku_skipgram.vocabulary import FrozenRows, extend_vocabulary, hold_out
from rindoku_text.ptb import EOS, load_data, load_words, vocabulary_of
from rindoku_text.wordvectors import WordVectors, print_queries, print_scores

__all__ = ["compare_ptb", "compare_short", "new_words", "ptb", "toy"]

GRID_QUERIES = ["you", "year", "car", "toyota", "good", "president"]
"""The query words of the nearest-neighbour grids."""


def toy(rng: np.random.Generator) -> None:
    """Train SimpleSkipGram on "You say goodbye and I say hello." as book 2 chapter 3 does.

    Window 1, hidden size 5, Adam, 1000 epochs of mini-batches of 3: the six
    (target, context) examples of the sentence, two mini-batches per epoch.
    """
    corpus, word_to_id, id_to_word = load_toy_corpus()
    vocab_size = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=1)

    print(f"{'target':<10} contexts to guess")
    for word, (left, right) in zip(target, contexts, strict=True):
        print(f"{id_to_word[word]:<10} {id_to_word[left]}, {id_to_word[right]}")

    # one-hot: target (6,) -> (6, 7), contexts (6, 2) -> (6, 2, 7)
    target_one_hot = convert_one_hot(target, vocab_size)
    contexts_one_hot = convert_one_hot(contexts, vocab_size)
    print(f"\none-hot: contexts {contexts_one_hot.shape}, target {target_one_hot.shape}")

    model = SimpleSkipGram(vocab_size, hidden_size=5, rng=rng)
    trainer = Trainer(model, Adam(), rng=rng)
    trainer.fit(contexts_one_hot, target_one_hot, max_epoch=1000, batch_size=3)
    history = trainer.history
    print(f"loss: {history.epoch_losses[0]:.3f} in the first epoch, "
          f"{history.epoch_losses[-1]:.3f} in the last (two context words, 2 log 7 = "
          f"{2 * np.log(7):.3f} for a uniform guess)")
    publish("final_loss", history.epoch_losses[-1], "{:.3f}")

    print("\nword vectors (the rows of W_in):")
    for word_id, word in id_to_word.items():
        print(f"  {word:<8} {np.array2string(model.word_vecs[word_id], precision=2)}")

    print("\nwhat the model predicts around each word (one distribution for both sides):")
    probabilities = softmax(model.predict(target_one_hot))
    for word, (left, right), p in zip(target, contexts, probabilities, strict=True):
        best = np.argsort(-p)[:3]
        guesses = ", ".join(f"{id_to_word[i]} {p[i]:.2f}" for i in best)
        print(f"  _ {id_to_word[word]:<8} _  (in the sentence: {id_to_word[left]}, "
              f"{id_to_word[right]}) -> {guesses}")

    plot_loss(history, "SimpleSkipGram on one sentence: training loss (L1 + L2)")
    plot_word_vectors(model.word_vecs, id_to_word,
                      "Word vectors of SimpleSkipGram (rows of W_in, 2-D view)", color="tab:green")


def ptb(rng: np.random.Generator) -> None:
    """Train skip-gram on PTB with the book's settings and the fast path; save and score it.

    Window 5, 100 dimensions, 5 negative samples, 10 epochs, as in book 2's
    ch04/train.py; FastSkipGram with SparseAdam in mini-batches of 4096
    targets.  The vectors and the vocabulary are saved as skipgram-ptb.npz in the
    run's output folder (``rindoku run skipgram.ptb`` writes
    rindoku-output/skipgram.ptb/skipgram-ptb.npz).
    """
    corpus, word_to_id, id_to_word = load_data("train")
    settings = SKIPGRAM_SETTINGS
    print(f"PTB: {len(corpus):,} words, vocabulary {len(word_to_id):,}; {settings.describe()}")
    print(f"fast path: FastSkipGram + SparseAdam (lr {settings.lr}), "
          f"batches of {settings.batch_size} targets\n")
    trainer, seconds = train_word2vec(FastSkipGram, corpus, len(word_to_id), rng, settings)
    model, history = trainer.model, trainer.history
    targets = len(corpus) - 2 * settings.window_size
    print(f"{settings.max_epoch} epochs in {seconds:.1f} s: "
          f"{seconds / settings.max_epoch:.2f} s per epoch, "
          f"{settings.max_epoch * targets / seconds:,.0f} target words/s")
    publish("seconds", seconds, "{:.0f} s")
    publish("epoch_seconds", seconds / settings.max_epoch, "{:.1f} s")
    publish("final_loss", history.losses[-1], "{:.1f}")

    vectors = WordVectors(model.word_vecs, word_to_id, id_to_word)
    path = vectors.save("skipgram-ptb.npz")
    print(f"word vectors saved to {path} in the output folder")

    print("\nnearest words (cosine similarity):")
    print_queries(vectors)
    print()
    analogy, similarity = print_scores(vectors)
    publish_scores(analogy, similarity)

    plot_loss(history, f"Skip-gram on PTB, {settings.max_epoch} epochs (fast path)",
              xlabel=f"iteration ({targets // settings.batch_size} per epoch)",
              ylabel="loss (sum over the context positions)")


def _show_comparison(results: list, title: str) -> None:
    """Print the table and the CBOW/skip-gram time ratio; draw the neighbour grid and the scores.

    Each method publishes its scores, its seconds and how similar the fifth
    nearest word to "toyota" is, under its name: ``cbow_wordsim``,
    ``count_based_tuned_seconds``, ``skip_gram_toyota_fifth``.
    """
    print()
    print(comparison_table(results))
    by_name = {r.name: r for r in results}
    ratio = by_name["skip-gram"].seconds / by_name["CBOW"].seconds
    print(f"\nskip-gram took {ratio:.1f} times as long as CBOW")
    publish("skip_gram_over_cbow", ratio, "{:.1f} times")
    for r in results:
        key = re.sub(r"[^a-z0-9]+", "_", r.name.lower()).strip("_")  # "count-based (book)"
        publish_scores(r.analogy, r.similarity, prefix=f"{key}_")
        publish(f"{key}_seconds", r.seconds, "{:.1f} s")
        if "toyota" in r.vectors:
            publish(f"{key}_toyota_fifth", r.vectors.most_similar("toyota", 5)[-1][1], "{:.2f}")

    plot_neighbours(results, [q for q in GRID_QUERIES if q in results[0].vectors],
                    title=f"Nearest words, {title}")

    plot_scores(results, title)


def compare_ptb(rng: np.random.Generator) -> None:
    """Count-based (book's and tuned settings), CBOW and skip-gram on the whole of PTB.

    The count-based chapter's PPMI + SVD, and CBOW and skip-gram on their fast
    paths for 10 epochs with the book's settings; each is timed and scored on
    the same benchmarks, and the nearest words to a few queries are drawn.
    """
    corpus, word_to_id, id_to_word = load_data("train")
    print(f"PTB: {len(corpus):,} words, vocabulary {len(word_to_id):,}\n")
    start = time.perf_counter()
    results = compare(corpus, word_to_id, id_to_word, rng, max_epoch=10)
    publish("seconds", time.perf_counter() - start, "{:.0f} s")
    _show_comparison(results, "PTB")


def compare_short(rng: np.random.Generator) -> None:
    """The same comparison on the first 200,000 words of PTB, word2vec for 2 epochs.

    A few seconds instead of a few minutes: enough to see the methods side by
    side, not to rank them; the full comparison is ``skipgram.compare``.
    CBOW and skip-gram take mini-batches of 512 targets, so that two epochs of
    this small corpus still make 780 updates.
    """
    words = load_words("train")[:200_000]
    word_to_id, id_to_word = vocabulary_of(words)
    corpus = np.array([word_to_id[w] for w in words], dtype=np.int32)
    print(f"the first {len(corpus):,} words of PTB, vocabulary {len(word_to_id):,}\n")
    results = compare(corpus, word_to_id, id_to_word, rng, max_epoch=2, batch_size=512,
                      progress=False)
    _show_comparison(results, "first 200,000 words of PTB")
    # how close skip-gram's five nearest words to two rare query words all are
    skip_gram = next(r.vectors for r in results if r.name == "skip-gram")
    publish("skip_gram_rare_fifth",
            min(skip_gram.most_similar(word, 5)[-1][1] for word in ["car", "toyota"]), "{:.2f}")


NEW_WORDS = ["october", "thursday", "seven", "german", "nissan"]
"""The words the first model never sees."""

KEPT_QUERIES = ["you", "year", "monday"]
"""Old words whose neighbours should not move when the new words come in."""


def _neighbour_overlap(before: WordVectors, after: WordVectors, words: list[str],
                       top: int = 10) -> float:
    """The share of each word's ``top`` nearest words that two sets of vectors agree on."""
    shared = [len({w for w, _ in before.most_similar(word, top)}
                  & {w for w, _ in after.most_similar(word, top)}) for word in words]
    return sum(shared) / (top * len(words))


def new_words(rng: np.random.Generator) -> None:
    """Teach a trained skip-gram five new words without training it again from scratch.

    1. Train one epoch on PTB with october, thursday, seven, german and nissan
       replaced by <unk>: a model that has never seen them.
    2. :func:`~rindoku_skipgram.vocabulary.extend_vocabulary` gives them rows
       in W_in and W_out, rebuilds the sampler and extends Adam's state.
    3. Train on the 639 sentences that contain them: only the new rows
       (FrozenRows), or every row.
    4. For comparison, train a new model on the whole text from scratch.
    """
    settings = replace(SKIPGRAM_SETTINGS, max_epoch=1, lr=0.01)
    words = load_words("train")
    old_text = hold_out(words, NEW_WORDS)
    old_to_id, id_to_old = vocabulary_of(old_text)
    old_corpus = np.array([old_to_id[w] for w in old_text], dtype=np.int32)
    print(f"PTB with {', '.join(NEW_WORDS)} replaced by <unk>: "
          f"vocabulary {len(old_to_id):,}")
    trainer, seconds_old = train_word2vec(FastSkipGram, old_corpus, len(old_to_id), rng,
                                          settings, progress=False)
    print(f"1. the trained model: one epoch in {seconds_old:.1f} s")
    before = WordVectors(trainer.model.word_vecs.copy(), old_to_id, id_to_old)

    # the text that brings the new words: every sentence that holds one of them
    sentences = [s.split() + [EOS] for s in " ".join(words).split(EOS)
                 if set(s.split()) & set(NEW_WORDS)]
    new_text = [w for sentence in sentences for w in sentence]
    print(f"   new text: {len(sentences)} sentences, {len(new_text):,} words "
          f"({len(new_text) / len(words):.1%} of PTB)")

    updates = []
    for label, frozen in [("new rows only", True), ("all rows", False)]:
        model, optimizer = copy.deepcopy((trainer.model, trainer.optimizer))
        start = time.perf_counter()
        word_to_id, id_to_word = extend_vocabulary(model, old_to_id, NEW_WORDS,
                                                   _ids(words, old_to_id), rng,
                                                   optimizer=optimizer)
        contexts, target = create_contexts_target(_ids(new_text, old_to_id),
                                                  settings.window_size)
        trainee = FrozenRows(model, len(old_to_id)) if frozen else model
        Trainer(trainee, optimizer, rng=rng, progress=False).fit(
            contexts, target, max_epoch=10, batch_size=512)
        seconds = time.perf_counter() - start
        updates.append((label, seconds, WordVectors(model.word_vecs, word_to_id, id_to_word)))
    print(f"2. extend_vocabulary: W_in {before.matrix.shape} -> {updates[0][2].matrix.shape}")
    print("3. 10 epochs of the new text, in batches of 512 targets")

    full_corpus = _ids(words, old_to_id)
    scratch, seconds_scratch = train_word2vec(FastSkipGram, full_corpus, len(word_to_id), rng,
                                              settings, progress=False)
    retrained = WordVectors(scratch.model.word_vecs, word_to_id, id_to_word)
    print(f"4. retraining from scratch on all of PTB: one epoch in {seconds_scratch:.1f} s\n")

    frequent = [id_to_old[int(i)] for i in np.argsort(-np.bincount(old_corpus))[:1000]]
    print(f"{'':<14} {'time':>6}  old words' top-10 neighbours kept (1,000 most frequent)")
    rows = [*updates, ("from scratch", seconds_scratch, retrained)]
    kept = []
    for label, seconds, vectors in rows:
        old_part = WordVectors(vectors.matrix[:len(old_to_id)], old_to_id, id_to_old)
        kept.append(_neighbour_overlap(before, old_part, frequent))
        print(f"{label:<14} {seconds:>5.1f}s  {kept[-1]:.0%}")
    for key, (_, seconds, _), share in zip(["frozen", "all_rows", "scratch"], rows, kept,
                                           strict=True):
        publish(f"{key}_seconds", seconds, "{:.1f} s")
        publish(f"{key}_kept", share, "{:.0%}")
    publish("all_rows_lost", 1 - kept[1], "{:.0%}")

    print("\nnearest words to the new words:")
    for word in NEW_WORDS:
        print(f"  {word}")
        for label, _, vectors in [*updates, ("from scratch", 0, retrained)]:
            print(f"    {label:<14} {', '.join(w for w, _ in vectors.most_similar(word, 6))}")
    print("\nnearest words to old words:")
    for word in KEPT_QUERIES:
        print(f"  {word}")
        for label, _, vectors in [("before", 0, before), *updates]:
            print(f"    {label:<14} {', '.join(w for w, _ in vectors.most_similar(word, 6))}")

    plot_new_words([label for label, _, _ in rows], [seconds for _, seconds, _ in rows], kept)


def _ids(text: list[str], old_to_id: dict[str, int]) -> np.ndarray:
    """Word ids of ``text`` in the old vocabulary followed by :data:`NEW_WORDS`, in order."""
    word_to_id = dict(old_to_id)
    for word in NEW_WORDS:
        word_to_id[word] = len(word_to_id)
    return np.array([word_to_id[w] for w in text], dtype=np.int32)
