"""The skip-gram chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  The chapter adds no
layers: its models are built from the backprop chapter's MatMul and
SoftmaxWithLoss and the CBOW chapter's Embedding and NegativeSamplingLoss.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="skipgram",
        requires=("backprop", "optimizers", "countbased", "cbow"),
        number=6,
        title="Skip-gram",
        title_ja="スキップグラム",
        page=Path(__file__).resolve().parents[2] / "chapters" / "skipgram.md",
        summary=(
            "word2vec's other model, which guesses the context from the word: SimpleSkipGram "
            "on one sentence, skip-gram with negative sampling on the Penn Treebank, the "
            "count-based and inference-based methods compared on one corpus, and new words "
            "added to a trained model."
        ),
        source="Book 2 ch. 3–4",
        terms={
            "skip-gram": "スキップグラム",
            "input layer": "入力層",
            "hidden layer": "中間層",
            "output layer": "出力層",
            "score": "スコア",
            "posterior probability": "事後確率",
            "negative log-likelihood": "負の対数尤度",
            "vocabulary": "語彙",
            "trained weights": "学習済み重み",
            "initial value": "初期値",
            "retraining": "再学習",
            "quantitative evaluation": "定量評価",
        },
    )


@hookimpl
def rindoku_models() -> list[type]:
    """SimpleSkipGram (one-hot, softmax) and SkipGram (Embedding, negative sampling)."""
    from rindoku_skipgram.models import SimpleSkipGram, SkipGram

    return [SimpleSkipGram, SkipGram]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """One case for each model, SkipGram's with its negatives fixed."""
    from rindoku_skipgram.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_skipgram import examples

    return [
        Example("skipgram.toy", "SimpleSkipGram on one sentence", examples.toy),
        Example(
            "skipgram.ptb",
            "Skip-gram on PTB with the book's settings, 10 epochs",
            examples.ptb,
            size="long",
            timeout=1800.0,
        ),
        Example(
            "skipgram.compare-short",
            "Count-based, CBOW and skip-gram on the first 200,000 words of PTB",
            examples.compare_short,
        ),
        Example(
            "skipgram.compare",
            "Count-based, CBOW and skip-gram on PTB, 10 epochs",
            examples.compare_ptb,
            size="long",
            timeout=3600.0,
        ),
        Example(
            "skipgram.new-words",
            "New words for a trained skip-gram, without starting again",
            examples.new_words,
        ),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """SimpleSkipGram's forward and backward pass."""
    from rindoku_skipgram.exercises import EXERCISES

    return EXERCISES
