"""The HTML report: escaping, aligned diffs, sort order, overlay colours; then the page in a real browser.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``; ``make browser`` installs it) with
Playwright over a report built by the real pipeline and Tesseract. To refresh the README screenshots
from ``sample_scans/``, run ``.venv/bin/python -m tests.test_report`` in the repository root.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import sys
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from rich.console import Console

from ocrprep.batch import Settings
from ocrprep.comparison import CompareWork, PageComparison, Reading, Report, run_compare
from ocrprep.images import expand_inputs
from ocrprep.metrics import TextOptions, score
from ocrprep.report import (
    ADDED_RGB,
    KEPT_RGB,
    REMOVED_RGB,
    aligned_html,
    overlay,
    page_images,
    render_html,
)
from ocrprep.report import (
    render_text as text_rendering,
)

from .conftest import render_text, save

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOSTILE_NAME = "<img src=x onerror=window.__pwned=1>.png"
HOSTILE_TEXT = "<script>window.__pwned=1</script>"


def page(
    path: str, truth: str | None, before: str, after: str, options: TextOptions | None = None
) -> PageComparison:
    """A compared page with the given texts, scored against ``truth`` when there is one."""
    options = options or TextOptions()

    def reading(text: str, confidence: float) -> Reading:
        return Reading(text, confidence, None if truth is None else score(truth, text, options))

    return PageComparison(path, truth, reading(before, 70.0), reading(after, 85.0))


def report(*pages: PageComparison, pipeline: str = "grayscale | threshold(value=160)") -> dict[str, Any]:
    return Report(pipeline, "tesseract", files=list(pages)).as_dict()


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the page, as a browser's parser sees them."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def blank(height: int = 8, width: int = 8) -> np.ndarray:
    return np.full((height, width), 255, np.uint8)


# --- escaping and what the page loads


def test_hostile_file_names_text_and_pipeline_show_as_text():
    hostile = page(HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_TEXT + '"><b>', "<script>window.__pwned=1</scipt>")
    data = report(hostile, pipeline="</style><script>alert(1)</script>")
    markup = render_html(data, {HOSTILE_NAME: page_images(blank(), blank())})
    elements = Elements(markup)

    assert len(elements.named("script")) == 1, "only the page's own sorting script"
    assert not elements.named("b")
    assert not [(tag, name) for tag, attrs in elements.tags for name in attrs if name.startswith("on")]
    assert all(
        img["src"] and img["src"].startswith("data:image/png;base64,") for img in elements.named("img")
    )
    text = "".join(elements.text)
    assert HOSTILE_NAME in text and HOSTILE_TEXT in text and "</style><script>alert(1)</script>" in text


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_page_loads_nothing_from_outside_and_allows_only_its_own_style_and_script():
    markup = render_html(report(page("a.png", "abc", "abd", "abc")), {"a.png": page_images(blank(), blank())})
    elements = Elements(markup)
    csp = [m for m in elements.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    (style,) = re.findall(r"<style>(.*?)</style>", markup, re.DOTALL)
    (script,) = re.findall(r"<script>(.*?)</script>", markup, re.DOTALL)
    assert "sortBy" in script and "table.files" in style
    assert csp and csp[0]["content"] == (
        f"default-src 'none'; img-src data:; style-src {sha256(style)}; script-src {sha256(script)}"
    )
    assert not elements.named("link")
    assert not [attrs for _, attrs in elements.tags if "style" in attrs], "no inline style attributes"
    links = [attrs[name] or "" for _, attrs in elements.tags for name in ("src", "href") if name in attrs]
    assert links and all(link.startswith(("#", "data:")) for link in links), links


EVIL = "<b onclick=alert(1)>\"'&amp;</b>"


def test_every_string_from_the_data_is_escaped_wherever_the_template_puts_it():
    data = report(page("a.png", "abc", "abd", "abc"), page("b.png", None, "x", "y"))
    data["pipeline"] = data["engine"] = data["summary"]["verdict"] = EVIL
    data["summary"]["no_truth"] = [EVIL]
    data["errors"] = [{"path": EVIL, "error": EVIL}]
    confusion = {"truth": "c", "ocr": "d", "count": 1, "shown": EVIL}
    for kind in ("before", "after", "fixed", "introduced"):
        data["summary"]["confusions"][kind] = [confusion]
    for file in data["files"]:
        file["path"] = EVIL + file["path"]
        file["before"]["text"] = file["after"]["text"] = EVIL
        file["confusions"]["fixed"] = [confusion]
        file["scan"] = {"stroke_width": 3.0, "char_height": 30.0, "glyphs": EVIL, "specks": EVIL,
                        "inverted": False, "dot_matrix": False, "dpi": EVIL}  # fmt: skip
    data["files"][0]["truth"] = EVIL
    data["files"][1]["status"] = EVIL  # a page without ground truth is not in the plot
    markup = render_html(data, {data["files"][0]["path"]: page_images(blank(), blank())})
    elements = Elements(markup)

    assert not elements.named("b")
    assert len(elements.named("script")) == 1
    assert not [(tag, name) for tag, attrs in elements.tags for name in attrs if name.startswith("on")]
    text = "".join(elements.text)
    places = {
        "title, pipeline, engine, verdict, no truth, error path and message": 7,
        "summary confusions": 4,
        "file paths: table, plot title, headings": 2 + 1 + 2,
        "status: table, heading": 2,
        "texts: truth pane, aligned panes, raw texts": 1 + 1 + 1 + 4,
        "file confusions": 2,
        "scan: glyphs, specks, dpi": 6,
    }
    assert text.count(EVIL) >= sum(places.values()), text
    cells = [attrs["data-v"] for tag, attrs in elements.tags if tag == "td" and "data-v" in attrs]
    assert EVIL + "a.png" in cells and EVIL in cells, "attribute values stay whole"
    assert "b.png" in text and "a.png" in text


def test_templates_styles_and_script_are_package_data():
    package = ROOT / "src" / "ocrprep"
    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    files = [p.relative_to(package).as_posix() for p in (package / "templates").iterdir()]
    assert {"report.html.j2", "macros.html.j2", "report.css", "report.js"} <= {Path(f).name for f in files}
    assert all(any(fnmatch(f, pattern) for pattern in shipped["ocrprep"]) for f in files), files


# --- the aligned text


def test_aligned_html_marks_inserted_deleted_and_substituted_characters():
    assert aligned_html("cat", "cart") == 'ca<ins class="d-ins">r</ins>t'
    assert aligned_html("cart", "cat") == 'ca<del class="d-del">r</del>t'
    assert aligned_html("0ne", "One") == '<span class="d-sub"><del>0</del><ins>O</ins></span>ne'


def test_aligned_html_shows_a_changed_space_and_escapes_the_text():
    assert aligned_html("a b", "ab") == 'a<del class="d-del">\u2423</del>b'
    assert aligned_html("x<y", "x<y&") == 'x&lt;y<ins class="d-ins">&amp;</ins>'


def test_file_text_is_aligned_against_the_normalised_truth():
    data = report(page("a.png", "Total  42.50\n", "Tota1 42.50", "Total 42.50"))
    markup = render_html(data, {})
    assert '<span class="d-sub"><del>l</del><ins>1</ins></span>' in markup
    assert "Total 42.50" in markup  # whitespace collapsed as the metrics see it


def test_ignore_case_is_applied_to_the_aligned_text():
    options = TextOptions(ignore_case=True)
    data = Report("p", "tesseract", options, [page("a.png", "ABC", "abc", "aBd", options)]).as_dict()
    markup = render_html(data, {})
    assert '<h4>before (CER 0.000)</h4><p class="diff">abc</p>' in markup
    assert '<p class="diff">ab<span class="d-sub"><del>c</del><ins>d</ins></span></p>' in markup


# --- summary and table of files


def test_files_are_listed_worst_regression_first_and_files_without_truth_last():
    pages = [
        page("improved.png", "abcdefghij", "abcdeXXXXX", "abcdefghij"),  # change -0.5
        page("no-truth.png", None, "abc", "abd"),
        page("worse.png", "abcdefghij", "abcdefghij", "abcdefXXXX"),  # +0.4
        page("slightly-worse.png", "abcdefghij", "abcdefghij", "abcdefghiX"),  # +0.1
    ]
    elements = Elements(render_html(report(*pages), {}))
    rows = [attrs["id"] for tag, attrs in elements.tags if tag == "tr" and "id" in attrs]
    assert rows == ["row-2", "row-3", "row-0", "row-1"]
    sorted_by = [attrs for tag, attrs in elements.tags if tag == "th" and "aria-sort" in attrs]
    assert sorted_by == [{"data-type": "num", "aria-sort": "descending"}]


def test_summary_shows_both_cer_means_the_verdict_with_its_interval_and_a_point_per_file():
    pages = [page(f"p{i}.png", "abcdefghij", "abcdeXXXXX", "abcdefghij") for i in range(3)]
    pages.append(page("short.png", "ab", "ab", "aX"))
    markup = render_html(report(*pages), {})
    assert "CER (character-weighted)" in markup and "CER (per-file mean)" in markup
    summary = markup.split('<section id="files">')[0]
    # pooled: 15 of 32 characters wrong before, 1 after; the interval comes from the seeded bootstrap
    verdict = "<strong>helped</strong>: CER change \u22120.438 (95% CI \u22120.500 to \u22120.125"
    assert f'<p class="verdict verdict-helped">{verdict}' in summary
    elements = Elements(summary)
    assert len(elements.named("circle")) == 4
    assert any(t.startswith("short.png: CER 0.000 \u2192 0.500") for t in elements.text)


def test_report_without_ground_truth_renders_and_diffs_before_against_after():
    data = report(page("a.png", None, "Tota1 42.50", "Total 42.50"), page("b.png", None, "x", "x"))
    markup = render_html(data, {"a.png": page_images(blank(), blank())})
    assert "No ground truth: no verdict" in markup
    assert "No ground truth for 2 file(s)" in markup
    assert "Text before and after (no ground truth)" in markup
    assert 'Tota<span class="d-sub"><del>1</del><ins>l</ins></span> 42.50' in markup
    assert "<circle" not in markup


# --- the terminal


def test_text_rendering_is_a_table_of_pages_with_totals_and_summary_lines():
    pages = [
        page("a.png", "Total 42.50", "Tota1 42.5O", "Total 42.50"),
        page("b.png", "abc", "abc", "abX"),
        page("c.png", None, "x", "y"),
    ]
    table, lines = text_rendering(report(*pages))
    console = Console(file=io.StringIO(), width=120)
    console.print(table)
    shown = console.file.getvalue()
    assert "OCR before and after: grayscale | threshold(value=160)" in shown
    rows = [line.split("\u2502")[1:-1] for line in shown.splitlines() if line.startswith("\u2502")]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["a.png", "improved", "0.182", "0.000", "70.0", "85.0"],
        ["b.png", "worse", "0.000", "0.333", "70.0", "85.0"],
        ["c.png", "no truth", "-", "-", "70.0", "85.0"],
        ["total: 3 page(s)", "1 better, 1 worse", "0.143", "0.071", "70.0", "85.0"],
    ]
    assert lines[0] == "3 page(s), 2 with ground truth, 0 failed"
    assert lines[1].startswith("verdict: no clear change: CER 0.143 -> 0.071 (change -0.071, 95% CI ")
    assert lines[2] == (
        "CER per-file mean 0.091 -> 0.167; WER 0.667 -> 0.333; digit CER 0.500 -> 0.000; "
        "exact match 50% -> 50% of 2 single-line files"
    )
    assert lines[3:] == [
        "confusions fixed: 0\u2192O \u00d71, l\u21921 \u00d71",
        "confusions introduced: c\u2192X \u00d71",
        "no ground truth for 1 file(s): c.png",
    ]


# --- images


def test_overlay_colours_removed_ink_red_added_ink_blue_and_kept_ink_green():
    original, cleaned = blank(), blank()
    original[1, 1] = 0  # a speck the cleanup removed
    cleaned[2, 2] = 0  # ink it added
    original[3, 3] = cleaned[3, 3] = 0  # ink on both
    kept = np.zeros((8, 8), bool)
    kept[4, 4] = True
    original[4, 4] = cleaned[4, 4] = 0  # a dot kept as punctuation
    picture = overlay(original, cleaned, kept)
    assert picture.shape == (8, 8, 3) and picture.dtype == np.uint8
    assert tuple(picture[1, 1]) == REMOVED_RGB
    assert tuple(picture[2, 2]) == ADDED_RGB
    assert tuple(picture[4, 4]) == KEPT_RGB
    assert picture[3, 3, 0] == picture[3, 3, 1] == picture[3, 3, 2] > 128, "unchanged ink is faded gray"
    assert tuple(picture[0, 0]) == (255, 255, 255)


def test_a_removed_speck_stays_visible_when_the_overlay_is_scaled_down():
    original, cleaned = blank(400, 200), blank(400, 200)
    original[123, 45] = 0
    picture = overlay(original, cleaned, max_side=40)
    assert picture.shape == (40, 20, 3)
    assert (picture == REMOVED_RGB).all(axis=2).sum() == 1


def decode(uri: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return cv2.imdecode(np.frombuffer(base64.b64decode(uri[len(prefix) :]), np.uint8), cv2.IMREAD_UNCHANGED)


def test_page_images_are_png_data_uris_no_larger_than_max_side():
    original = np.random.default_rng(0).integers(0, 256, (300, 150), np.uint8)
    cleaned = np.where(original < 128, 0, 255).astype(np.uint8)
    images = page_images(original, cleaned, max_side=100)
    assert decode(images.original).shape == (100, 50)
    assert decode(images.overlay).shape == (100, 50, 3)
    small = page_images(cleaned[:20, :30], cleaned[:20, :30])
    assert (decode(small.cleaned) == cleaned[:20, :30]).all(), "a black-and-white page stays exact"


@pytest.mark.parametrize(
    ("original", "cleaned", "kept"),
    [
        (blank(8, 8), blank(8, 9), None),
        (blank().astype(np.float64), blank(), None),
        (np.full((8, 8, 3), 255, np.uint8), blank(), None),
        (blank(), blank(), np.zeros((8, 8), np.uint8)),
    ],
)
def test_page_images_refuses_images_that_do_not_match(original, cleaned, kept):
    with pytest.raises(ValueError):
        page_images(original, cleaned, kept)


def test_images_sit_in_the_file_section_and_a_file_may_have_none():
    images = page_images(blank(20, 10), blank(20, 10))
    markup = render_html(
        report(page("a.png", "a", "a", "a"), page("b.png", "b", "b", "b")), {"a.png": images}
    )
    first, second = markup.split('id="file-0"')[1].split('id="file-1"')
    assert first.count("<img ") == 3 and 'width="10" height="20"' in first
    assert "<img " not in second and "No images for this file." in second


# --- in a real browser


def speckled(text: str, seed: int) -> np.ndarray:
    """``text`` with dark specks of 2 to 4 pixels scattered over the paper."""
    image = render_text(text, size=64, margin=40)
    rng = np.random.default_rng(seed)
    for _ in range(60):
        y, x = rng.integers(0, image.shape[0] - 4), rng.integers(0, image.shape[1] - 4)
        side = int(rng.integers(2, 5))
        image[y : y + side, x : x + side] = 0
    return image


def build_report(inputs: list[Path]) -> str:
    """Run the default pipeline and Tesseract over ``inputs`` and render the HTML report."""
    result = run_compare(expand_inputs(inputs), CompareWork(Settings(), render=page_images))
    assert not result.failures, result.failures
    return render_html(result.as_dict(), result.images)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scans")
    for name, text, truth in [
        ("amount.png", "Total 42.50", "Total 42.50"),
        (HOSTILE_NAME, "Paid 17.30", "Paid 17.30"),
        ("script.png", HOSTILE_TEXT, None),
    ]:
        save(folder / name, speckled(text, seed=len(name)))
        if truth is not None:
            (folder / name).with_suffix(".gt.txt").write_text(truth, encoding="utf-8")
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_report([folder]), encoding="utf-8")
    return path


class Browser:
    """A Chromium page that records console errors, page errors and dialogs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make browser` (or: sudo apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium: Any, report_file: Path) -> Iterator[Browser]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    opened = Browser(context.new_page())
    opened.page.goto(report_file.as_uri(), wait_until="load")
    yield opened
    context.close()


def test_report_opens_in_chromium_without_errors_and_every_image_renders(browser):
    images = browser.page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert len(images) == 9
    assert all(complete and width > 0 and height > 0 for complete, width, height in images), images
    assert browser.page.locator("svg.plot circle").count() == 2
    assert browser.errors == []


def test_clicking_the_cer_change_header_sorts_the_files(browser):
    def order() -> list[str]:
        return browser.page.eval_on_selector_all("table.files tbody tr", "rows => rows.map(r => r.id)")

    def changes() -> list[float]:
        cells = browser.page.eval_on_selector_all(
            "table.files tbody tr td:nth-child(5)", "cells => cells.map(c => c.dataset.v)"
        )
        return [float(v) for v in cells if v]

    first = order()
    assert changes() == sorted(changes(), reverse=True)
    header = browser.page.locator("table.files th", has_text="CER change")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert changes() == sorted(changes())
    assert order()[-1] == first[-1], "the file without ground truth stays last"
    browser.page.locator("table.files th", has_text="File").click()
    assert browser.page.locator("table.files th", has_text="File").get_attribute("aria-sort") == "ascending"
    assert order() != first or len(first) < 2
    assert browser.errors == []


def test_hostile_file_names_and_ocr_text_do_not_run_in_the_browser(browser):
    assert browser.page.evaluate("typeof window.__pwned") == "undefined"
    assert browser.dialogs == []
    assert browser.page.locator("table.files a", has_text=HOSTILE_NAME).is_visible()
    assert browser.page.locator("script").count() == 1


def screenshots(stems: list[str], summary_png: Path, file_png: Path, file_stem: str) -> None:
    """Render a report of some ``sample_scans/`` and photograph its summary and one file section."""
    from playwright.sync_api import sync_playwright

    markup = build_report([ROOT / "sample_scans" / f"{stem}.png" for stem in stems])
    page_file = summary_png.with_suffix(".html")
    page_file.write_text(markup, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_file.as_uri(), wait_until="load")
        for selector, path in (("#summary", summary_png), (f"#file-{stems.index(file_stem)}", file_png)):
            box = page.locator(selector).bounding_box()
            assert box is not None, selector
            clip = {
                "x": box["x"] - 16,
                "y": box["y"],
                "width": box["width"] + 32,
                "height": box["height"] + 16,
            }
            page.screenshot(path=str(path), clip=clip, full_page=True)
        browser.close()
    page_file.unlink()


SCREENSHOT_SCANS = ["invoice_03", "text_01", "date_01", "amount_04", "date_03", "phone_02", "clean_page"]
"""The sample scans of the README screenshots: some helped a little, some a lot, one clean page."""

if __name__ == "__main__":
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    featured = sys.argv[1] if len(sys.argv) > 1 else "invoice_03"
    screenshots(SCREENSHOT_SCANS, docs / "report-summary.png", docs / "report-file.png", featured)
