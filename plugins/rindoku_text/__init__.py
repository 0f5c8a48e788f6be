"""The text library that the word-vector and language-model chapters share.

It is not a chapter: it registers nothing and has no page.  Chapters import
its public names:

* :mod:`rindoku_text.ptb` — the Penn Treebank corpus as word ids;
* :mod:`rindoku_text.wordvectors` — word vectors, nearest neighbours,
  analogies and the standard benchmarks;
* :mod:`rindoku_text.sparse` — row-sparse gradients of embedding matrices
  and the Adam that updates only their rows.

It depends on the kernel (:mod:`rindoku`) and on no chapter.
"""
