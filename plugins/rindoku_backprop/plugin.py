"""The backprop chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Dataset, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="backprop",
        requires=(),
        number=1,
        title="Backpropagation",
        title_ja="誤差逆伝播法",
        page=Path(__file__).resolve().parents[2] / "chapters" / "backprop.md",
        summary=(
            "Gradients by going backwards through a computational graph, "
            "from the apple-shopping example to a two-layer net on the spiral data set."
        ),
        source="Book 1 ch. 5, Book 2 ch. 1",
        terms={
            "backpropagation": "誤差逆伝播法",
            "computational graph": "計算グラフ",
            "chain rule": "連鎖律",
            "forward propagation": "順伝播",
            "backward propagation": "逆伝播",
            "affine transformation": "アフィン変換",
            "activation function": "活性化関数",
            "sigmoid function": "シグモイド関数",
            "softmax function": "ソフトマックス関数",
            "loss function": "損失関数",
            "cross-entropy error": "交差エントロピー誤差",
            "gradient": "勾配",
            "mini-batch": "ミニバッチ",
            "gradient check": "勾配確認",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """Every layer of the chapter, each covered by a gradient-check case."""
    from rindoku_backprop import layers

    return [
        layers.MulLayer,
        layers.AddLayer,
        layers.Relu,
        layers.Sigmoid,
        layers.Affine,
        layers.MatMul,
        layers.Softmax,
        layers.SoftmaxWithLoss,
        layers.SigmoidWithLoss,
    ]


@hookimpl
def rindoku_models() -> list[type]:
    """The two-layer net."""
    from rindoku_backprop.models import TwoLayerNet

    return [TwoLayerNet]


@hookimpl
def rindoku_datasets() -> list[Dataset]:
    """The spiral data set."""
    from rindoku_backprop.datasets import load_spiral

    return [
        Dataset(
            "spiral",
            load_spiral,
            "Three interleaved spiral arms of 100 points each in the plane, one-hot labels "
            "(book 2 ch. 1); load(rng) returns x (300, 2) and t (300, 3).",
        )
    ]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """One case per layer, and one for TwoLayerNet."""
    from rindoku_backprop.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_backprop import examples

    return [
        Example("backprop.apple", "The apple-shopping graph", examples.apple),
        Example(
            "backprop.gradient-check",
            "Gradient check of every layer",
            examples.gradient_check_table,
        ),
        Example("backprop.spiral", "A two-layer net on the spiral data set", examples.spiral),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """The three backward-pass exercises."""
    from rindoku_backprop.exercises import EXERCISES

    return EXERCISES
