"""The built book as a reader sees it, in headless Chromium, on a phone and a laptop.

Every page is opened from disk (``file://``) with the network cut off: a
request for any other URL fails the page.  Screenshots of what each test saw
go to the screenshots folder (see conftest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from rindoku.registry import load_registry

VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
PAGES = ["index", *(f"chapters/{c.slug}" for c in load_registry().chapter_list())]
LOCAL_SCHEMES = ("file", "data", "blob", "about")

WAIT_FOR_MATH = """async () => {
  if (!document.querySelector('.math')) return 0;
  for (let i = 0; i < 300 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise((r) => setTimeout(r, 50));
  await MathJax.startup.promise;
  return document.querySelectorAll('mjx-container').length;
}"""

RAW_TEX = r"""() => {
  // text the reader sees outside code and rendered math that still holds TeX delimiters
  const found = [];
  const root = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('pre, code, script, style, mjx-container')) continue;
    if (/\\\(|\\\[|\$\$/.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  return found;
}"""

WIDE_BLOCKS = """() => {
  // code and output blocks that stick out of the article's column and do not scroll inside
  const article = document.querySelector('article.bd-article');
  if (!article) return [];
  const style = getComputedStyle(article);
  const right = article.getBoundingClientRect().right - parseFloat(style.paddingRight) + 1;
  return [...article.querySelectorAll('pre')].filter((pre) => {
    if (!pre.offsetParent) return false;  // hidden (a closed hint)
    const overflow = getComputedStyle(pre).overflowX;
    const scrolls = overflow === 'auto' || overflow === 'scroll';
    return pre.getBoundingClientRect().right > right && !scrolls
      || pre.scrollWidth > pre.clientWidth + 1 && !scrolls;
  }).map((pre) => pre.textContent.slice(0, 60));
}"""

CONTRAST = """(selectors) => {
  // the contrast ratio of each element's text against its background (WCAG)
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const s of selectors) {
    const e = document.querySelector(s);
    if (!e) continue;
    const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
    out[s] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Reader:
    """A browser tab on the book that records every request leaving it."""

    def __init__(self, page: Any, html: Path, shots: Path, name: str) -> None:
        self.page, self.html, self.shots, self.name = page, html, shots, name
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._note)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _note(self, request: Any) -> None:
        if urlsplit(request.url).scheme not in LOCAL_SCHEMES:
            self.outside.append(request.url)

    def open(self, page: str, query: str = "") -> None:
        self.page.goto((self.html / f"{page}.html").as_uri() + query)
        self.page.wait_for_load_state("load")
        self.page.evaluate(WAIT_FOR_MATH)

    def shot(self, what: str, **options: Any) -> None:
        self.page.screenshot(path=str(self.shots / f"{self.name}-{what}.png"), **options)


@pytest.fixture
def reader(browser: Any, book_html: Path, screenshots: Path, viewport: str) -> Iterator[Reader]:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme="light")
    # nothing outside the book may be fetched: cut the network off, and record
    context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    tab = Reader(context.new_page(), book_html, screenshots, viewport)
    yield tab
    context.close()
    assert tab.outside == [], f"requests that left the book: {tab.outside}"
    # The search page fetches each result's page for a summary, which a browser does
    # not allow from file:// (the results show their titles): not a fault of the book.
    errors = [e for e in tab.errors
              if not re.search(r"/search\.html\?.*: Failed to fetch$", e)]
    assert errors == [], f"script errors: {errors}"


@pytest.mark.parametrize("page", PAGES)
def test_a_page_reads_offline_with_rendered_math(reader: Reader, page: str) -> None:
    """Every formula is rendered math, every script and style comes from the book."""
    reader.name = f"{page.replace('/', '-')}-{reader.name}"
    reader.open(page)
    reader.shot("top")
    math = reader.page.evaluate("() => document.querySelectorAll('.math').length")
    rendered = reader.page.evaluate(
        "() => [...document.querySelectorAll('.math')].filter("
        "(m) => m.querySelector('mjx-container')).length")
    assert rendered == math, f"{math - rendered} of {math} formulas were not rendered"
    assert reader.page.evaluate(RAW_TEX) == []
    errors = reader.page.evaluate(
        "() => [...document.querySelectorAll('mjx-merror')].map((e) => e.textContent)")
    assert errors == [], f"MathJax could not typeset: {errors}"
    if page.startswith("chapters/"):
        assert math > 0


@pytest.mark.parametrize("page", PAGES)
def test_the_navigation_and_contents_open_and_close(reader: Reader, page: str,
                                                    viewport: str) -> None:
    """☰ shows and hides the chapter navigation; the contents button, the page's contents."""
    reader.name = f"{page.replace('/', '-')}-{reader.name}"
    reader.open(page)
    tab = reader.page
    assert tab.locator(".primary-toggle").count() == 1, "one ☰ button, the one the script binds"
    assert tab.locator(".search-button-field:visible").count() <= 1, "one search field"
    sidebar = tab.locator("#pst-primary-sidebar")
    if viewport == "phone":
        dialog = tab.locator("#pst-primary-sidebar-modal")
        assert not sidebar.is_visible() or sidebar.bounding_box()["x"] < 0
        tab.click(".primary-toggle")
        assert dialog.evaluate("(d) => d.open")
        assert tab.locator("#pst-primary-sidebar-modal nav.bd-docs-nav a").first.is_visible()
        reader.shot("navigation-open")
        tab.keyboard.press("Escape")
        assert not dialog.evaluate("(d) => d.open")
        contents = tab.locator("#pst-secondary-sidebar-modal")
        tab.click(".secondary-toggle")
        assert contents.evaluate("(d) => d.open")
        assert tab.locator("#pst-secondary-sidebar-modal nav.page-toc").is_visible()
        reader.shot("contents-open")
        tab.keyboard.press("Escape")
        assert not contents.evaluate("(d) => d.open")
    else:
        assert sidebar.is_visible()
        tab.click(".primary-toggle")
        tab.wait_for_function(
            "() => getComputedStyle(document.querySelector('#pst-primary-sidebar'))"
            ".visibility === 'hidden'")
        reader.shot("navigation-hidden")
        tab.click(".primary-toggle")
        tab.wait_for_function(
            "() => getComputedStyle(document.querySelector('#pst-primary-sidebar'))"
            ".visibility === 'visible'")
        # the page's contents stand beside the article
        assert tab.locator("#pst-secondary-sidebar nav.page-toc").is_visible()


@pytest.mark.parametrize("page", PAGES)
def test_blocks_fit_and_images_say_what_they_show(reader: Reader, page: str) -> None:
    """No code or output block sticks out of the column; every image has a real alt text
    and opens at full size."""
    reader.name = f"{page.replace('/', '-')}-{reader.name}"
    reader.open(page)
    tab = reader.page
    assert tab.evaluate(WIDE_BLOCKS) == []
    assert tab.evaluate("() => document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth") <= 0, "the page scrolls sideways"
    for image in tab.locator("article img").all():
        alt = (image.get_attribute("alt") or "").strip()
        assert len(alt) > 10 and not alt.lower().startswith("figure of"), alt
    for link in tab.locator("article a.rindoku-figure").all():
        href = link.get_attribute("href")
        assert href and (reader.html / page).parent.joinpath(unquote(href)).resolve().is_file()
    figure = tab.locator("article a.rindoku-figure").first
    if figure.count():
        figure.scroll_into_view_if_needed()
        reader.shot("figure")


def test_the_other_pages_read_offline_and_fit(reader: Reader) -> None:
    """The guides, the API reference, the glossary and the indexes fetch nothing from
    outside the book, typeset their math and do not scroll sideways."""
    pages = sorted(
        path.relative_to(reader.html).with_suffix("").as_posix()
        for path in reader.html.rglob("*.html")
        if not path.relative_to(reader.html).as_posix().startswith(("chapters/", "_"))
    )
    assert "api" in pages and "glossary" in pages
    for page in pages:
        reader.open(page)
        assert reader.page.evaluate("() => document.documentElement.scrollWidth"
                                    " - document.documentElement.clientWidth") <= 0, page
        assert reader.page.evaluate("() => document.querySelectorAll('mjx-merror').length") == 0
        assert reader.page.evaluate(RAW_TEX) == [], page
        assert reader.page.evaluate(WIDE_BLOCKS) == [], page
    reader.shot("api")


def test_a_long_listing_unfolds_and_folds(reader: Reader) -> None:
    """A listing of more than 25 lines shows its first lines and a button for the rest."""
    reader.open("chapters/cnn")
    button = reader.page.locator("button.rindoku-fold-toggle").first
    block = reader.page.locator("div.highlight.rindoku-foldable").first
    button.scroll_into_view_if_needed()
    folded = block.bounding_box()["height"]
    assert re.fullmatch(r"Show all \d+ lines", button.inner_text())
    reader.shot("listing-folded")
    button.click()
    assert block.bounding_box()["height"] > folded * 1.5
    assert button.inner_text() == "Show fewer lines"
    button.click()
    assert block.bounding_box()["height"] == pytest.approx(folded, abs=2)


def test_hints_open_one_at_a_time_and_the_solution_toggles(reader: Reader) -> None:
    """Each hint is its own block; opening one shows that one only; the last says it
    shows code; the solution opens and closes."""
    reader.open("chapters/backprop")
    tab = reader.page
    exercise = tab.locator(".rindoku-exercise").first
    hints = exercise.locator("details.rindoku-hint")
    count = hints.count()
    assert count >= 2
    assert all(not hints.nth(i).evaluate("(d) => d.open") for i in range(count))
    for i in range(count):
        summary = hints.nth(i).locator("summary")
        assert summary.inner_text().startswith(f"Hint {i + 1}")
        summary.click()
        opened = [hints.nth(j).evaluate("(d) => d.open") for j in range(count)]
        assert opened == [j <= i for j in range(count)]
        assert hints.nth(i).locator("p").first.is_visible()
        if i + 1 < count:
            assert not hints.nth(i + 1).locator("p").first.is_visible()
        if i == 0:
            exercise.scroll_into_view_if_needed()
            reader.shot("hint-1-open")
    assert "shows code" in hints.nth(count - 1).locator("summary").inner_text()
    # math in a hint is rendered too
    assert exercise.locator("details.rindoku-hint mjx-container").count() > 0
    solution = exercise.locator("details.rindoku-details").last
    assert solution.locator("summary").inner_text() == "Solution"
    solution.locator("summary").click()
    assert solution.locator("pre").first.is_visible()
    reader.shot("solution-open")
    solution.locator("summary").click()
    assert not solution.locator("pre").first.is_visible()


@pytest.mark.parametrize("query", ["PPMI", "誤差逆伝播法"])
def test_the_search_page_finds_and_leads_home(reader: Reader, query: str) -> None:
    """A search gives results, and the search page has the way home and the chapters."""
    reader.open("search", f"?q={query}")
    tab = reader.page
    tab.wait_for_selector("#search-results li", timeout=20_000)
    assert tab.locator("#search-results li").count() > 0
    home = tab.locator(".bd-header-article a[href$='index.html']")
    assert home.is_visible()
    reader.shot(f"search-{'ppmi' if query == 'PPMI' else 'backprop'}")
    home.click()
    tab.wait_for_load_state("load")
    assert tab.url.endswith("/index.html")


def test_a_glossary_link_lands_on_the_term(reader: Reader) -> None:
    """The glossary links to the paragraph of the chapter that introduces the term."""
    reader.open("glossary")
    row = reader.page.locator("tr", has_text="計算グラフ")
    row.locator("a").click()
    reader.page.wait_for_load_state("load")
    assert "chapters/backprop.html#term-computational-graph" in reader.page.url
    target = reader.page.locator("#term-computational-graph")
    assert "計算グラフ" in target.inner_text()
    assert target.is_visible() and 0 <= target.bounding_box()["y"] < 844
    reader.shot("glossary-target")


def test_the_source_and_repository_links(reader: Reader, viewport: str) -> None:
    """Every page links to its own source; the repository, when the book knows it."""
    reader.open("chapters/cbow")
    tab = reader.page
    if viewport == "phone":
        tab.click(".secondary-toggle")
    source = tab.locator("a:has-text('Show Source')")
    assert source.is_visible()
    href = source.get_attribute("href")
    assert href and (reader.html / "chapters").joinpath(href).resolve().is_file()
    repository = tab.locator("a.btn[href^='http'], .navbar-icon-links a[href^='http']")
    if repository.count():
        assert repository.first.get_attribute("href").startswith(("https://", "http://"))


@pytest.mark.parametrize("page", ["chapters/backprop", "chapters/countbased"])
def test_dark_mode_reads_well(reader: Reader, page: str) -> None:
    """In dark mode the examples, outputs and exercises keep readable contrast."""
    reader.name = f"{page.replace('/', '-')}-{reader.name}-dark"
    reader.page.emulate_media(color_scheme="dark")  # the theme follows the system's mode
    reader.open(page)
    tab = reader.page
    assert tab.evaluate("() => document.documentElement.dataset.theme") == "dark"
    exercise = tab.locator(".rindoku-exercise").first
    exercise.locator("details.rindoku-hint summary").first.click()
    ratios = tab.evaluate(CONTRAST, [
        ".rindoku-example .rindoku-label", ".rindoku-output pre", ".rindoku-exercise p",
        "details.rindoku-hint > summary", "button.rindoku-fold-toggle", "article p",
        ".highlight pre",
    ])
    low = {s: round(r, 1) for s, r in ratios.items() if r < 4.5}
    assert low == {}, f"text with too little contrast: {low}"
    tab.locator(".rindoku-output").first.scroll_into_view_if_needed()
    reader.shot("output")
    exercise.scroll_into_view_if_needed()
    reader.shot("exercise")
