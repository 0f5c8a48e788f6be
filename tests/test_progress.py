"""The progress display: a bar in a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from rindoku.progress import Progress, progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_outside_a_terminal_it_prints_a_few_lines_without_timings(capsys):
    """Captured output (the book) gets plain lines that are the same on every run."""
    for _ in progress(range(8), desc="epoch"):
        pass
    assert capsys.readouterr().out.splitlines() == ["epoch: 2/8", "epoch: 4/8", "epoch: 6/8",
                                                    "epoch: 8/8"]


def test_in_a_terminal_it_redraws_one_line_with_speed():
    terminal = FakeTerminal()
    bar = Progress(4, desc="epoch", stream=terminal)
    bar.set_postfix("loss 0.5")
    for _ in range(4):
        bar.update()
    bar.close()
    text = terminal.getvalue()
    assert "\n" not in text.rstrip("\n")  # redrawn in place
    assert "epoch: [########################] 4/4" in text
    assert "it/s, loss 0.5" in text
