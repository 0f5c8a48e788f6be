"""The CNN chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them) or scikit-learn.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Dataset, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="cnn",
        requires=("backprop", "optimizers"),
        number=3,
        title="Convolutional networks",
        title_ja="畳み込みニューラルネットワーク",
        page=Path(__file__).resolve().parents[2] / "chapters" / "cnn.md",
        summary=(
            "Convolution and pooling layers with im2col as the book writes them, a fast "
            "form of each, and a small convolutional network that learns to read "
            "handwritten digits."
        ),
        source="Book 1 ch. 7",
        terms={
            "convolutional neural network (CNN)": "畳み込みニューラルネットワーク",
            "convolution layer": "畳み込み層",
            "convolution operation": "畳み込み演算",
            "filter (kernel)": "フィルター",
            "feature map": "特徴マップ",
            "channel": "チャンネル",
            "padding": "パディング",
            "stride": "ストライド",
            "pooling layer": "プーリング層",
            "max pooling": "Max プーリング",
            "average pooling": "Average プーリング",
            "fully connected layer (Affine)": "全結合層",
            "multiply-accumulate": "積和演算",
            "im2col": "im2col",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """The book's Convolution and Pooling, and their fast forms, each gradient-checked."""
    from rindoku_cnn import fast, layers

    return [layers.Convolution, layers.Pooling, fast.FastConvolution, fast.FastPooling]


@hookimpl
def rindoku_models() -> list[type]:
    """SimpleConvNet, the book's, and FastSimpleConvNet, the same net on the fast layers."""
    from rindoku_cnn.fast import FastSimpleConvNet
    from rindoku_cnn.models import SimpleConvNet

    return [SimpleConvNet, FastSimpleConvNet]


@hookimpl
def rindoku_datasets() -> list[Dataset]:
    """The 8 × 8 digits bundled with scikit-learn, and MNIST."""
    from rindoku_cnn.datasets import MNIST_FILES, load_digits, load_mnist

    return [
        Dataset(
            "digits",
            load_digits,
            "1,797 handwritten digits, 8 × 8, bundled with scikit-learn (no download); "
            "load(rng, test_size=0.2) returns (x_train, t_train), (x_test, t_test) with "
            "x (N, 1, 8, 8) in [0, 1] and t (N,) the digit.",
            source="bundled with scikit-learn: the test set of UCI's Optical Recognition of "
                   "Handwritten Digits (no download)",
            licence="CC BY 4.0 (UCI Machine Learning Repository)",
        ),
        Dataset(
            "mnist",
            load_mnist,
            "MNIST, 60,000 + 10,000 handwritten digits, 28 × 28 (downloaded once, checked "
            "by SHA-256, or read from $RINDOKU_DATA/mnist/); load() returns (x_train, "
            "t_train), (x_test, t_test) with x (N, 1, 28, 28) float32 in [0, 1].",
            files=tuple(MNIST_FILES.values()),
            source="MNIST by Yann LeCun, Corinna Cortes and Christopher Burges, from two "
                   "mirrors of the original idx files",
            licence="CC BY-SA 3.0",
        ),
    ]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """Both convolutions with several paddings and strides, both poolings, both nets."""
    from rindoku_cnn.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_cnn import examples

    return [
        Example("cnn.convolution", "Edge filters by hand, and im2col against loops",
                examples.convolution),
        Example("cnn.digits", "SimpleConvNet on the 8×8 handwritten digits", examples.digits),
        Example("cnn.filters", "The first-layer filters before and after training",
                examples.filters),
        Example("cnn.fast", "The textbook layers against the fast ones", examples.fast),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """The im2col and max-pooling backward exercises."""
    from rindoku_cnn.exercises import EXERCISES

    return EXERCISES
