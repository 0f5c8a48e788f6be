"""The figures of the chapter's examples, kept off the page.

Each function opens a figure of its own and labels it; the examples call them
after the lines they teach.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "plot_gradient_norms",
    "plot_perplexity_against_time",
    "plot_training_perplexity",
    "plot_two_paths",
]


def plot_gradient_norms(norms: dict[str, list[float]], title: str) -> None:
    """The norm of dh at each step back in time, one line per label, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    steps = max(len(values) for values in norms.values())
    for label, values in norms.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=label)
    ax.set_xticks([1, *range(5, steps + 1, 5)])
    ax.set_yscale("log")
    ax.set_xlabel("time steps back from the last one")
    ax.set_ylabel("norm of dh (log scale)")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3, which="both")


def plot_training_perplexity(
    iterations: list[int], perplexities: list[float], title: str, *, ylim: tuple = (0, 500),
    xlabel: str = "iteration",
) -> None:
    """The training perplexity against the iteration, as the book plots it (ylim 0 to 500)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(iterations, perplexities)
    ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("perplexity")
    ax.set_title(title)
    ax.grid(alpha=0.3)


def plot_two_paths(
    iterations: list[int], textbook: list[float], fast: list[float], title: str
) -> None:
    """The training perplexity of the textbook path and the fast path, one over the other."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(iterations, textbook, linewidth=4, alpha=0.5, label="textbook path")
    ax.plot(iterations, fast, "k--", linewidth=1, label="fast path")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training perplexity (log scale)")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3, which="both")


def plot_perplexity_against_time(
    minutes: list[float], train: list[float], valid: list[float], lrs: list[float],
    title: str, *, target: float | None = None,
) -> None:
    """Training and validation perplexity after each epoch against wall time.

    Each validation point is labelled with the learning rate its epoch
    trained with, so that the drops of the lr rule show; ``target`` draws a
    horizontal line.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(minutes, train, marker="o", markersize=3, label="training (average of the epoch)")
    ax.plot(minutes, valid, marker="s", markersize=4, label="validation (after the epoch)")
    for x, y, lr in zip(minutes, valid, lrs, strict=True):
        ax.annotate(f"{lr:g}", (x, y), textcoords="offset points", xytext=(0, 6), fontsize=7,
                    ha="center")
    if target is not None:
        ax.axhline(target, color="grey", linestyle=":", label=f"perplexity {target:g}")
    ax.set_xlabel("wall time (minutes)")
    ax.set_ylabel("perplexity")
    ax.set_title(title)
    ax.legend(title="numbers: the epoch's learning rate", title_fontsize=8, fontsize=8)
    ax.grid(alpha=0.3)
