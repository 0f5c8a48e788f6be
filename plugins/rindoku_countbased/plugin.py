"""The count-based chapter's hook implementations: what it contributes to rindoku.

Each hook imports what it returns, so that asking for the chapter list does
not import the examples (and matplotlib with them).  The chapter has no
layers: counting and the SVD have nothing to train.
"""

from __future__ import annotations

from pathlib import Path

from rindoku import Chapter, Dataset, Example, Exercise, hookimpl


@hookimpl
def rindoku_chapter() -> Chapter:
    """The chapter's metadata and its page."""
    return Chapter(
        slug="countbased",
        requires=(),
        number=4,
        title="Count-based word vectors",
        title_ja="カウントベースの手法",
        page=Path(__file__).resolve().parents[2] / "chapters" / "countbased.md",
        summary=(
            "Word vectors from counting neighbours: the co-occurrence matrix, cosine "
            "similarity, PPMI and SVD, from one sentence to the Penn Treebank, scored on "
            "the analogy and WordSim353 benchmarks."
        ),
        source="Book 2 ch. 2",
        terms={
            "natural language processing (NLP)": "自然言語処理",
            "corpus": "コーパス",
            "word ID": "単語ID",
            "distributed representation": "分散表現",
            "distributional hypothesis": "分布仮説",
            "context": "コンテキスト",
            "window size": "ウィンドウサイズ",
            "count-based method": "カウントベースの手法",
            "co-occurrence matrix": "共起行列",
            "cosine similarity": "コサイン類似度",
            "pointwise mutual information (PMI)": "相互情報量",
            "positive PMI (PPMI)": "正の相互情報量",
            "dimensionality reduction": "次元削減",
            "singular value decomposition (SVD)": "特異値分解",
            "word analogy": "類推問題",
        },
    )


@hookimpl
def rindoku_datasets() -> list[Dataset]:
    """The Penn Treebank, the word-vector benchmarks, and the toy corpus of one sentence."""
    from rindoku_countbased.datasets import load_toy_corpus
    from rindoku_text import wordvectors
    from rindoku_text.ptb import PTB_TEST, PTB_TRAIN, PTB_VALID, load_data

    def load_word_benchmarks() -> tuple[list[tuple[str, list[list[str]]]],
                                        list[tuple[str, str, float]]]:
        return wordvectors.load_analogy_questions(), wordvectors.load_wordsim353()

    return [
        Dataset(
            "ptb",
            load_data,
            "The Penn Treebank as preprocessed by Mikolov: 10,000 words, '<eos>' at the end "
            "of each sentence; load(split='train') returns (corpus, word_to_id, id_to_word) "
            "(book 2 ch. 2).",
            files=(PTB_TRAIN, PTB_VALID, PTB_TEST),
            source="Mikolov's preprocessed Penn Treebank, the files book 2's dataset/ptb.py "
                   "downloads",
            licence="Penn Treebank (LDC99T42) under the LDC user agreement; preprocessed and "
                    "distributed by Mikolov with RNNLM",
        ),
        Dataset(
            "word-benchmarks",
            load_word_benchmarks,
            "The two word-vector benchmarks: the Google analogy questions (19,544 in 14 "
            "sections) and WordSim353 (353 pairs with human scores); load() returns "
            "(questions by section, pairs with scores).",
            files=(wordvectors.QUESTIONS_WORDS, wordvectors.WORDSIM353),
            source="questions-words.txt from word2vec (Mikolov et al. 2013); wordsim353.tsv "
                   "(Finkelstein et al. 2002) from gensim's test data",
            licence="questions-words.txt: Apache-2.0 (word2vec); wordsim353.tsv: free for "
                    "research, as distributed by its authors",
        ),
        Dataset(
            "toy-corpus",
            load_toy_corpus,
            "'You say goodbye and I say hello.' as word ids; load() returns "
            "(corpus, word_to_id, id_to_word) (book 2 ch. 2).",
            source="one sentence in rindoku_countbased.datasets (no file)",
        ),
    ]


@hookimpl
def rindoku_examples() -> list[Example]:
    """The worked examples, in the order the page shows them."""
    from rindoku_countbased import examples

    return [
        Example("countbased.toy", "Counting the neighbours in one sentence", examples.toy),
        Example("countbased.svd-toy", "The toy corpus in two dimensions", examples.svd_toy),
        Example("countbased.ptb", "Count-based word vectors of the Penn Treebank", examples.ptb),
        Example("countbased.settings", "What word2vec's lessons do to count-based vectors",
                examples.settings, size="long"),
        Example("countbased.ptb-tuned", "Count-based word vectors of PTB, tuned settings",
                examples.ptb_tuned),
    ]


@hookimpl
def rindoku_exercises() -> list[Exercise]:
    """The co-occurrence matrix and PPMI exercises."""
    from rindoku_countbased.exercises import EXERCISES

    return EXERCISES
