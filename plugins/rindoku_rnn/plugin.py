"""The RNN chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  Softmax comes from the
backprop chapter, the Embedding layer from the CBOW chapter.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="rnn",
        requires=("backprop", "optimizers", "cbow"),
        number=7,
        title="Recurrent neural networks",
        title_ja="リカレントニューラルネットワーク",
        page=Path(__file__).resolve().parents[2] / "chapters" / "rnn.md",
        summary=(
            "A network with a loop: the RNN layer carries a hidden state from word to word. "
            "Time layers, truncated backpropagation through time and its batching, and "
            "SimpleRnnlm, a language model measured by its perplexity."
        ),
        source="Book 2 ch. 5",
        terms={
            "recurrent neural network (RNN)": "リカレントニューラルネットワーク",
            "language model": "言語モデル",
            "feedforward network": "フィードフォワード",
            "hidden state": "隠れ状態",
            "unrolling the loop": "ループの展開",
            "time series data": "時系列データ",
            "truncated BPTT": "Truncated BPTT",
            "stateful": "ステートフル",
            "perplexity": "パープレキシティ",
            "branching factor": "分岐数",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """RNN and the Time layers, each gradient-checked."""
    from rindoku_rnn import layers

    return [layers.RNN, layers.TimeRNN, layers.TimeEmbedding, layers.TimeAffine,
            layers.TimeSoftmaxWithLoss]


@hookimpl
def rindoku_models() -> list[type]:
    """SimpleRnnlm, the chapter's language model."""
    from rindoku_rnn.models import SimpleRnnlm

    return [SimpleRnnlm]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """A case for every layer and for SimpleRnnlm."""
    from rindoku_rnn.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_rnn import examples

    return [
        Example("rnn.bptt-batches", "Which words each stream reads: truncated BPTT's batches",
                examples.bptt_batches),
        Example("rnn.simple-rnnlm", "SimpleRnnlm on the first 1,000 words of PTB",
                examples.simple_rnnlm),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """RNN's backward, TimeRNN's backward through time, and truncated BPTT's batches."""
    from rindoku_rnn.exercises import EXERCISES

    return EXERCISES
