"""A deck as a presenter uses it, in headless Chromium: offline, math, keys, fonts, themes.

The deck is the meeting deck of book 2 §3.4–3.6 (CBOW and skip-gram), built
from the book's cache and records; screenshots of its title slide and of a
figure slide, light and dark, go to the screenshots folder (see conftest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rindoku.registry import load_registry
from rindoku.slides import build_decks, make_deck

from .conftest import ROOT

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
SLIDE = (1280, 720)

READY = """async () => {
  for (let i = 0; i < 200 && !(window.Reveal && Reveal.isReady && Reveal.isReady()); i++)
    await new Promise((r) => setTimeout(r, 50));
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  return Reveal.getTotalSlides();
}"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deck of the meeting on book 2 §3.4–3.6, built from the book's results."""
    registry = load_registry()
    deck = make_deck(registry, ["cbow", "skipgram"], "3.4-3.6", date=dt.date(2026, 12, 17),
                     presenter="佐藤")
    out = tmp_path_factory.mktemp("deck")
    pages = build_decks({"index": deck}, out, cache=ROOT / "docs" / "_build" / "rindoku-cache",
                        records=ROOT / "docs" / "records")
    return pages["index"]


@pytest.fixture
def opened(browser: Any, deck: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The deck in a 1280×720 page whose requests outside the deck fail (and are kept),
    from the deck's page or any window it opens."""
    size = getattr(request, "param", SLIDE)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.outside = []

    def route(route: Any) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)  # the speaker view's window too
    page.goto(deck.as_uri())
    page.total = page.evaluate(READY)
    yield page
    context.close()


def slide_with(page: Any, selector: str) -> int:
    """The index of the first horizontal slide that holds ``selector``."""
    index = page.evaluate("""(selector) => Reveal.getHorizontalSlides()
        .findIndex((s) => s.querySelector(selector))""", selector)
    assert index >= 0, f"no slide with {selector}"
    return index


def test_no_request_leaves_the_deck(opened):
    for index in range(opened.total):
        opened.evaluate("(i) => Reveal.slide(i)", index)
    opened.wait_for_timeout(200)
    assert opened.outside == []


def test_math_renders(opened):
    count = opened.evaluate("() => document.querySelectorAll('mjx-container svg').length")
    assert count >= 6
    raw = opened.evaluate("""() => [...document.querySelectorAll('.slides div.math')]
        .filter((d) => !d.querySelector('mjx-container')).length""")
    assert raw == 0


def test_next_and_previous(opened):
    assert opened.evaluate("() => Reveal.getIndices().h") == 0
    opened.keyboard.press("ArrowRight")
    assert opened.evaluate("() => Reveal.getIndices().h") == 1
    opened.keyboard.press("Space")
    assert opened.evaluate("() => Reveal.getIndices().h") == 2
    opened.keyboard.press("ArrowLeft")
    assert opened.evaluate("() => Reveal.getIndices().h") == 1
    assert opened.evaluate("() => Reveal.hasPlugin('notes')")  # S: the speaker view
    assert opened.evaluate("() => document.querySelectorAll('aside.notes').length") >= 5


def test_title_and_figure_slides_fit_and_are_saved(opened, screenshots):
    """Every slide fits 1280×720; the title slide and a figure slide are saved to look at."""
    assert opened.evaluate("() => Reveal.getConfig().width") == SLIDE[0]
    for index in range(opened.total):
        opened.evaluate("(i) => Reveal.slide(i)", index)
        opened.wait_for_timeout(60)
        height = opened.evaluate("""() => { const s = Reveal.getCurrentSlide();
            return s.scrollHeight * (parseFloat(s.style.zoom) || 1); }""")
        assert height <= SLIDE[1] + 8, f"slide {index} is {height}px high"
    opened.evaluate("() => Reveal.slide(0)")
    opened.wait_for_timeout(100)
    title = opened.evaluate("() => Reveal.getCurrentSlide().innerText")
    assert "Book 2 §3.4–3.6" in title and "2026-12-17 · 佐藤" in title
    opened.screenshot(path=str(screenshots / "deck-title.png"))
    figure = slide_with(opened, ".rindoku-slide-figures img")
    opened.evaluate("(i) => Reveal.slide(i)", figure)
    opened.wait_for_timeout(200)
    assert opened.evaluate("""() => [...Reveal.getCurrentSlide().querySelectorAll('img')]
        .every((img) => img.complete && img.naturalWidth > 0)""")
    opened.screenshot(path=str(screenshots / "deck-figure.png"))


def test_japanese_renders_in_the_named_font(opened):
    assert opened.evaluate("() => document.fonts.check('30px \"Noto Sans CJK JP\"', '佐藤')")
    family = opened.evaluate("""() => getComputedStyle(
        document.querySelector('.reveal dl.rindoku-slide-terms dd')).fontFamily""")
    assert "Noto Sans CJK JP" in family


def test_d_switches_between_light_and_dark(opened, screenshots):
    background = ("() => getComputedStyle(document.querySelector('.reveal-viewport'))"
                  ".backgroundColor")
    light = opened.evaluate(background)
    opened.evaluate("(i) => Reveal.slide(i)", slide_with(opened, ".rindoku-slide-figures img"))
    opened.keyboard.press("d")
    dark = opened.evaluate(background)
    assert light != dark and opened.evaluate(
        "() => document.documentElement.classList.contains('rindoku-dark')")
    opened.wait_for_timeout(100)
    opened.screenshot(path=str(screenshots / "deck-figure-dark.png"))


@pytest.mark.parametrize("opened", [(1440, 900), (390, 844)], indirect=True,
                         ids=["laptop", "phone"])
def test_the_slide_scales_to_the_window(opened):
    """On a laptop or a phone the 1280×720 slide is scaled to fit, not cut."""
    box = opened.evaluate("""() => { const r = document.querySelector('.reveal .slides')
        .getBoundingClientRect(); return [r.width, r.height, innerWidth, innerHeight]; }""")
    width, height, window_width, window_height = box
    assert width <= window_width + 1 and height <= window_height + 1
    assert abs(width / height - SLIDE[0] / SLIDE[1]) < 0.02


def test_s_opens_the_speaker_view_with_the_notes(opened, screenshots):
    """S opens reveal.js's speaker view (bundled): the slide's notes and the next slide."""
    opened.evaluate("(i) => Reveal.slide(i)", slide_with(opened, "aside.notes"))
    notes = opened.evaluate("() => Reveal.getCurrentSlide().querySelector('aside.notes')"
                            ".innerText.trim().slice(0, 40)")
    with opened.expect_popup() as popup:
        opened.keyboard.press("s")
    view = popup.value
    view.wait_for_function("(text) => document.body.innerText.includes(text)", arg=notes,
                           timeout=15000)
    assert "Upcoming" in view.evaluate("() => document.body.innerText")
    view.screenshot(path=str(screenshots / "deck-speaker-view.png"))
    assert opened.outside == []
