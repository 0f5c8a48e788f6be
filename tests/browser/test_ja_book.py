"""The Japanese edition in headless Chromium, on a phone and a laptop: its text is
drawn with a Japanese font (no tofu), its figures are the Japanese ones, the
language switch leads to the same page in English and back, and the front page
opens the edition of the browser's language.

Chromium reports, for an element, the fonts it drew the element's text with
(``CSS.getPlatformFontsForNode``); a character that no font has is drawn as a
box by a font that lacks it, so every Japanese text must be drawn, glyph for
glyph, by fonts that cover CJK.  Screenshots go to the screenshots folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
CHAPTER = "chapters/backprop"  # quick examples: its figures are this build's own

# Japanese characters: kana, kanji, full-width forms
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

JAPANESE_ELEMENTS = r"""() => {
  // up to 12 visible elements whose own text has Japanese, marked for the test to find
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && found.length < 12; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!/[\u3040-\u30ff\u3400-\u9fff]/.test(node.textContent)) continue;
    if (!element.offsetParent || element.closest('script, style, mjx-container')) continue;
    if (element.hasAttribute('data-ja-check')) continue;
    element.setAttribute('data-ja-check', String(found.length));
    found.push(node.textContent.trim().slice(0, 40));
  }
  return found;
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tab(browser: Any, viewport: str) -> Iterator[Any]:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme="light", locale="ja-JP")
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def platform_fonts(page: Any, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium drew the text of the element at ``selector`` with, and how
    many glyphs each (DevTools protocol: ``CSS.getPlatformFontsForNode``)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return list(fonts)


def test_japanese_text_is_drawn_with_a_japanese_font(tab: Any, book_html_ja: Path,
                                                      screenshots: Path, viewport: str) -> None:
    """Every visible Japanese text of a chapter page is drawn by fonts that have its
    glyphs (a CJK family), never as boxes; the page says it is Japanese."""
    tab.goto((book_html_ja / f"{CHAPTER}.html").as_uri())
    tab.wait_for_load_state("load")
    assert tab.evaluate("document.documentElement.lang") == "ja"
    texts = tab.evaluate(JAPANESE_ELEMENTS)
    assert len(texts) >= 5, f"too little Japanese on the page: {texts}"
    for number, text in enumerate(texts):
        fonts = platform_fonts(tab, f'[data-ja-check="{number}"]')
        families = [f["familyName"] for f in fonts]
        cjk = [f for f in fonts if re.search(r"CJK|Gothic|Mincho|IPA|Noto Sans JP|Hiragino",
                                             f["familyName"])]
        assert cjk, f"{text!r} is drawn with {families}: no Japanese font (tofu)"
        japanese = len(JAPANESE.findall(text))
        assert sum(f["glyphCount"] for f in cjk) >= japanese, (text, fonts)
    tab.screenshot(path=str(screenshots / f"ja-{viewport}-chapter.png"))
    tab.screenshot(path=str(screenshots / f"ja-{viewport}-chapter-full.png"), full_page=True)


def test_the_figures_are_the_japanese_ones(tab: Any, book_html_ja: Path, screenshots: Path,
                                           viewport: str) -> None:
    """The chapter's figures with words are their Japanese versions, loaded, with
    Japanese alt text."""
    tab.goto((book_html_ja / f"{CHAPTER}.html").as_uri())
    tab.wait_for_load_state("load")
    images = tab.evaluate("""() => [...document.querySelectorAll('a.rindoku-figure img')]
        .map((img) => ({src: img.getAttribute('src'), alt: img.alt,
                        loaded: img.complete && img.naturalWidth > 0}))""")
    assert images, "no figure on the page"
    assert all(image["loaded"] for image in images), images
    # Sphinx numbers images of the same name: figure-1.ja.png, figure-1.ja1.png …
    japanese = [image for image in images if re.search(r"\.ja\d*\.png$", image["src"])]
    assert japanese, f"no Japanese figure: {images}"
    assert all(JAPANESE.search(image["alt"]) for image in japanese), japanese
    figure = tab.locator("a.rindoku-figure").first
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(screenshots / f"ja-{viewport}-figure.png"))


def test_the_switch_leads_to_the_same_page_in_english_and_back(tab: Any, book_html_ja: Path,
                                                                 viewport: str) -> None:
    tab.goto((book_html_ja / f"{CHAPTER}.html").as_uri())
    switch = tab.locator(".rindoku-editions a[hreflang='en']").first
    if not switch.is_visible():  # a phone shows the header's buttons in a row that may wrap
        switch.scroll_into_view_if_needed()
    switch.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith(f"/en/{CHAPTER}.html")
    assert tab.evaluate("document.documentElement.lang") == "en"
    tab.locator(".rindoku-editions a[hreflang='ja']").first.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith(f"/ja/{CHAPTER}.html")


@pytest.mark.parametrize(("locale", "edition"), [("ja-JP", "ja"), ("en-GB", "en"),
                                                 ("fr-FR", "en")])
def test_the_front_page_opens_the_readers_edition(browser: Any, book_editions: Path,
                                                  locale: str, edition: str) -> None:
    context = browser.new_context(locale=locale)
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page = context.new_page()
    page.goto((book_editions / "index.html").as_uri())
    page.wait_for_url(re.compile(rf"/{edition}/index\.html$"))
    context.close()
