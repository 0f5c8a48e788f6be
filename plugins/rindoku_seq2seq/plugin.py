"""The seq2seq chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  TimeEmbedding,
TimeAffine and TimeSoftmaxWithLoss come from the RNN chapter, TimeLSTM from
the LSTM chapter, Adam from the optimizers chapter.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rindoku import Chapter, Dataset, Example, Exercise, GradientCase, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="seq2seq",
        requires=("optimizers", "rnn", "lstm"),
        number=9,
        title="seq2seq: from one sequence to another",
        title_ja="RNNによる文章生成 (seq2seq)",
        page=Path(__file__).resolve().parents[2] / "chapters" / "seq2seq.md",
        summary=(
            "An encoder reads a sequence into one vector and a decoder writes another "
            "sequence from it: seq2seq learns to add numbers given as text, better with "
            "its input reversed and better still when every step of the decoder peeks at "
            "the encoder's vector."
        ),
        source="Book 2 ch. 7.2–7.5",
        terms={
            "seq2seq (sequence to sequence)": "系列変換モデル",
            "encoder": "エンコーダ",
            "decoder": "デコーダ",
            "encoding": "符号化",
            "decoding": "復号",
            "teacher forcing": "教師強制",
            "greedy decoding": "貪欲法",
            "toy problem": "トイ・プロブレム",
            "variable-length sequence": "可変長の時系列データ",
            "reversing the input": "入力データの反転",
            "peeky": "覗き見",
        },
    )


@hookimpl
def rindoku_layers() -> list[type]:
    """Encoder, Decoder and PeekyDecoder, each gradient-checked."""
    from rindoku_seq2seq import layers

    return [layers.Encoder, layers.Decoder, layers.PeekyDecoder]


@hookimpl
def rindoku_models() -> list[type]:
    """Seq2seq and PeekySeq2seq."""
    from rindoku_seq2seq.models import PeekySeq2seq, Seq2seq

    return [Seq2seq, PeekySeq2seq]


@hookimpl
def rindoku_datasets() -> list[Dataset]:
    """The book's two toy sequence data sets: additions and dates."""
    from rindoku_seq2seq.sequence import ADDITION, DATE, load_data

    source = ("book 2's dataset/{} (oreilly-japan/deep-learning-from-scratch-2 on GitHub)")
    licence = "MIT (the book's repository)"
    return [
        Dataset(
            "addition",
            partial(load_data, "addition.txt"),
            "50,000 sums of two numbers up to 999, question and answer as text "
            "('16+75  _91  '); load() returns a SequenceData split the book's way, 45,000 "
            "to train and 5,000 held out, and its character vocabulary (book 2 ch. 7).",
            files=(ADDITION,),
            source=source.format("addition.txt"),
            licence=licence,
        ),
        Dataset(
            "dates",
            partial(load_data, "date.txt"),
            "50,000 dates written in many ways, each with its ISO form "
            "('August 19, 2003  _2003-08-19'); load() returns a SequenceData split the "
            "book's way (book 2 ch. 8).",
            files=(DATE,),
            source=source.format("date.txt"),
            licence=licence,
        ),
    ]


@hookimpl
def rindoku_gradient_cases() -> list[GradientCase]:
    """A case for every layer and both models."""
    from rindoku_seq2seq.gradcases import GRADIENT_CASES

    return GRADIENT_CASES


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_seq2seq import examples

    return [
        Example("seq2seq.data", "The addition data set", examples.data),
        Example("seq2seq.textbook-and-fast",
                "One mini-batch on both paths, and the time of an epoch",
                examples.textbook_and_fast),
        Example("seq2seq.addition", "Learning to add: plain, reversed, reversed + peeky",
                examples.addition, size="long", timeout=1800.0),
        Example("seq2seq.stable-peeky",
                "Why the peeky model's accuracy drops late, and a smaller learning rate",
                examples.stable_peeky, size="long", timeout=1800.0),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """Greedy decoding, and the backward pass of the peeky decoder."""
    from rindoku_seq2seq.exercises import EXERCISES

    return EXERCISES
