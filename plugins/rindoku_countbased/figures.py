"""Figures that more than one of the chapter's examples draws."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku_text.wordvectors import SEMANTIC_SECTIONS, AnalogyReport

__all__ = ["plot_analogy_sections"]


def plot_analogy_sections(analogy: AnalogyReport, title: str) -> None:
    """The analogy score by section, with how many of its questions could be asked.

    Semantic sections in orange, syntactic in blue; ``title`` is followed by
    the overall accuracy.
    """
    sections = analogy.sections
    accuracy = [100 * np.nan_to_num(s.accuracy) for s in sections]
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    colors = ["tab:orange" if i < SEMANTIC_SECTIONS else "tab:blue"
              for i in range(len(sections))]
    ax.barh([s.name for s in sections], accuracy, color=colors)
    for i, s in enumerate(sections):
        ax.text(accuracy[i] + 0.2, i, f"{s.used}/{s.total} asked", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(right=max(accuracy) + 6)
    ax.set_xlabel("accuracy on the questions asked (%)")
    ax.set_title(f"{title}: {analogy.accuracy:.1%} overall "
                 "(orange: semantic, blue: syntactic)", fontsize=10)
