"""The CBOW chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  MatMul, SoftmaxWithLoss
and SigmoidWithLoss, which the models use, belong to the backprop chapter.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="cbow",
        requires=("backprop", "optimizers", "countbased"),
        number=5,
        title="CBOW and negative sampling",
        title_ja="word2vec (CBOW)",
        page=Path(__file__).resolve().parents[2] / "chapters" / "cbow.md",
        summary=(
            "Word vectors learnt by guessing a word from its neighbours: SimpleCBOW on one "
            "sentence, then Embedding, negative sampling and CBOW on the Penn Treebank, "
            "trained in seconds per epoch with row-sparse gradients."
        ),
        source="Book 2 ch. 3–4",
        terms={
            "inference-based method": "推論ベースの手法",
            "one-hot representation": "one-hot 表現",
            "target (word)": "ターゲット",
            "continuous bag-of-words (CBOW)": "CBOW モデル",
            "correct label": "教師ラベル",
            "shared weights": "重みの共有",
            "Embedding layer": "Embedding レイヤ",
            "multi-class classification": "多値分類",
            "binary classification": "二値分類",
            "negative sampling": "負例サンプリング",
            "positive example": "正例",
            "negative example": "負例",
            "unigram": "ユニグラム",
            "likelihood": "尤度",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """Embedding, EmbeddingDot and NegativeSamplingLoss, each gradient-checked."""
    from rindoku_cbow import layers

    return [layers.Embedding, layers.EmbeddingDot, layers.NegativeSamplingLoss]


@hookimpl
def rindoku_models() -> list[type]:
    """SimpleCBOW (one-hot, softmax) and CBOW (Embedding, negative sampling)."""
    from rindoku_cbow.models import CBOW, SimpleCBOW

    return [SimpleCBOW, CBOW]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """Cases for every layer, repeated word ids included, and for both models."""
    from rindoku_cbow.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_cbow import examples

    return [
        Example("cbow.toy", "SimpleCBOW on one sentence", examples.toy),
        Example(
            "cbow.ptb-short",
            "CBOW on PTB: the textbook path and the fast path",
            examples.ptb_short,
        ),
        Example(
            "cbow.ptb",
            "CBOW on PTB with the book's settings, 10 epochs",
            examples.ptb,
            size="long",
            timeout=1800.0,
        ),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """Contexts and targets, and two backward passes."""
    from rindoku_cbow.exercises import EXERCISES

    return EXERCISES
