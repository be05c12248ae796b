"""The built-in stages on tiny literal arrays."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data
from skimage.morphology import disk

import ocrprep
from ocrprep import Scan, Size
from ocrprep.builtin import despeckle
from ocrprep.builtin.despeckle import (
    STAGES,
    classify_specks,
    grayscale,
    invert,
    join_dots,
    normalize_background,
    opening,
    remove_border,
    remove_impulse,
    remove_lines,
    remove_off_line,
    remove_specks,
    stretch_contrast,
    threshold,
)
from ocrprep.errors import UsageError
from ocrprep.measure import measure_scan
from ocrprep.pipeline import parse_pipeline
from ocrprep.plugins import Host

from .conftest import render_text
from .test_measure import dot_matrix

W, B = 255, 0
STAGE = {stage.name: stage for stage in STAGES}


def frozen(array: np.ndarray, dpi: int | None = None) -> Scan:
    """The page as the host hands it to stages: a Scan of read-only pixels (writing to them raises)."""
    return Scan(np.array(array, dtype=np.uint8), dpi)


def otsu(image: np.ndarray) -> np.ndarray:
    """``image`` binarised at Otsu's level."""
    return threshold(frozen(image), method="otsu")


def test_fixed_threshold_leaves_no_gray_pixel_even_at_the_threshold():
    image = frozen([[159, 160, 161], [0, 200, 255]])
    assert threshold(image, value=160).tolist() == [[B, B, W], [B, W, W]]


@pytest.mark.parametrize("method", ["otsu", "sauvola"])
def test_adaptive_thresholds_are_binary_and_separate_ink_from_paper(method):
    image = np.full((40, 40), 230, np.uint8)
    image[15:25, 10:30] = 40
    result = threshold(frozen(image), method=method, window=15)
    assert set(np.unique(result)) <= {B, W}
    assert (result[15:25, 10:30] == B).all()
    assert (result[:10] == W).all()


@pytest.mark.parametrize("method", ["fixed", "otsu", "sauvola"])
def test_uniform_paper_stays_paper(method):
    assert (threshold(frozen(np.full((9, 9), 240)), method=method) == W).all()


def test_opening_removes_ink_thinner_than_the_disk_and_keeps_strokes():
    image = np.full((12, 12), W, np.uint8)
    image[1, 1] = B  # a one-pixel speck
    image[5:10, 5:10] = B  # a 5-px-wide stroke
    result = opening(frozen(image), radius=1)
    assert result[1, 1] == W
    assert (result[6:9, 5:10] == B).all() and (result[5:10, 6:9] == B).all()
    assert (result != image).sum() == 1 + 4, "only the speck and the square's corners go"
    assert (result[image == W] == W).all(), "opening never adds ink"


def test_opening_radius_zero_is_a_copy():
    image = frozen([[B, W], [W, B]])
    assert opening(image, radius=0).tolist() == image.pixels.tolist()


def test_min_size_is_exclusive_a_component_of_exactly_min_size_is_kept():
    image = np.full((5, 12), W, np.uint8)
    image[1, 1:4] = B  # 3 pixels
    image[1, 6:8] = B  # 2 pixels
    result = remove_specks(frozen(image), min_size=3)
    assert (result[1, 1:4] == B).all()
    assert (result[1, 6:8] == W).all()


def test_every_component_is_judged_including_the_last_one():
    image = np.full((3, 20), W, np.uint8)
    image[1, 1::4] = B  # five isolated one-pixel specks
    assert (remove_specks(frozen(image), min_size=2) == W).all()


def test_connectivity_decides_whether_diagonal_pixels_are_one_component():
    image = frozen([[B, W, W], [W, B, W], [W, W, W]])
    assert (remove_specks(image, min_size=2, connectivity=4) == W).all()
    assert remove_specks(image, min_size=2, connectivity=8).tolist() == image.pixels.tolist()


def test_a_grayscale_pipeline_composites_transparency_on_white_and_scales_16_bit():
    """The host makes every page gray before the first stage (see test_images for ``to_gray``)."""
    gray = parse_pipeline("grayscale", Host().stages)
    rgba = np.zeros((1, 2, 4), np.uint8)
    rgba[0, 1] = (0, 0, 0, 255)  # opaque black; pixel 0 is fully transparent
    assert gray.run(rgba).tolist() == [[W, B]]
    assert gray.run(np.array([[0, 65535]], np.uint16)).tolist() == [[B, W]]
    assert gray.run(np.array([[True, False]])).tolist() == [[W, B]]
    assert gray.run(np.array([[[255, 0, 0]]], np.uint8)).tolist() == [[76]]


def test_grayscale_of_gray_returns_a_new_array():
    image = frozen([[1, 2]])
    result = grayscale(image)
    assert result.tolist() == [[1, 2]]
    assert not np.may_share_memory(result, image.pixels) and result.flags.writeable


# --- sizes relative to the text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "unit", "pixels_at_144"),
    [("auto", "auto", 7.0), ("3", "px", 3.0), ("3px", "px", 3.0), (" 2.5 ", "px", 2.5), ("0.5pt", "pt", 1.0)],
)
def test_sizes_are_written_as_auto_pixels_or_points(written, unit, pixels_at_144):
    size = Size(written)
    assert size.unit == unit
    assert size.pixels(dpi=144, auto=7.0) == pixels_at_144


def test_points_assume_300_dpi_when_the_file_does_not_say():
    assert Size("0.5pt").pixels(dpi=None, auto=0) == pytest.approx(0.5 * 300 / 72)


def test_a_size_in_pixels_is_its_number_and_prints_back_as_written():
    assert Size(3) == 3 == Size("3px") and Size("auto") != 0 and Size("1pt") != 1
    assert [str(Size(v)) for v in ("3px", 2.5, "auto", "0.5pt")] == ["3", "2.5", "auto", "0.5pt"]


@pytest.mark.parametrize("bad", ["big", "-3", "3mm", "nan", "inf", "", True, None, float("inf")])
def test_bad_sizes_are_usage_errors_that_list_the_accepted_forms(bad):
    param = next(p for p in STAGE["opening"].params if p.name == "radius")
    with pytest.raises(UsageError, match=r"parameter radius expects .*3px.*0\.5pt.*auto"):
        param.convert(bad)


def test_the_classic_sizes_work_exactly_as_before():
    rng = np.random.default_rng(0)
    image = np.where(rng.random((60, 80)) < 0.3, B, W).astype(np.uint8)
    image[20:40, 20:60] = B
    old_opening = cv2.morphologyEx(image, cv2.MORPH_CLOSE, disk(1).astype(np.uint8))
    assert np.array_equal(opening(frozen(image), radius=Size("1")), old_opening)
    _, labels, stats, _ = cv2.connectedComponentsWithStats((image < 128).astype(np.uint8), connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < 100
    small[0] = False
    old_specks = image.copy()
    old_specks[small[labels]] = W
    assert np.array_equal(remove_specks(frozen(image), min_size=Size("100px")), old_specks)


def test_sizes_in_points_follow_the_image_resolution():
    image = np.full((20, 40), W, np.uint8)
    image[5:8, 5:8] = B  # 9 px
    image[5:10, 20:25] = B  # 25 px
    at_72 = remove_specks(frozen(image, dpi=72), min_size="4pt")  # a 4 px square: 16 px
    at_144 = remove_specks(frozen(image, dpi=144), min_size="4pt")  # an 8 px square: 64 px
    assert (at_72[5:8, 5:8] == W).all() and (at_72[5:10, 20:25] == B).all()
    assert (at_144 == W).all()


# --- auto keeps the text ------------------------------------------------------------------------


def speckled(image: np.ndarray, count: int, side: int = 1, seed: int = 1, clear: int = 6) -> np.ndarray:
    """``image`` with ``count`` black square specks of ``side`` px, ``clear`` px or more from its ink."""
    rng = np.random.default_rng(seed)
    taken = cv2.dilate((image < 128).astype(np.uint8), np.ones((2 * clear + 1, 2 * clear + 1), np.uint8)) > 0
    noisy = image.copy()
    for _ in range(count):
        for _ in range(50):
            y, x = int(rng.integers(0, image.shape[0] - side)), int(rng.integers(0, image.shape[1] - side))
            if not taken[y : y + side, x : x + side].any():
                noisy[y : y + side, x : x + side] = B
                taken[max(0, y - clear) : y + side + clear, max(0, x - clear) : x + side + clear] = True
                break
    return noisy


def glyphs_survive(text: np.ndarray, cleaned: np.ndarray) -> bool:
    """Every glyph of ``text`` keeps at least 90% of its pixels in ``cleaned``."""
    count, labels = cv2.connectedComponents((text < 128).astype(np.uint8), connectivity=8)
    kept = np.bincount(labels[cleaned < 128], minlength=count)
    total = np.bincount(labels.ravel(), minlength=count)
    return bool((kept[1:] >= 0.9 * total[1:]).all())


@pytest.mark.parametrize("size", [10, 14, 20, 32, 60, 124])
def test_auto_never_erases_the_strokes_of_the_text(size):
    text = otsu(render_text("Hamburgefonts il,.:;ij 1,234.56", size, margin=2 * size))
    for noisy in (text, speckled(text, 400, clear=max(2, size // 12))):
        cleaned = remove_specks(frozen(opening(frozen(noisy), radius="auto")), min_size="auto")
        assert glyphs_survive(text, cleaned), "no glyph loses more than its corners"
        assert ((cleaned == B) <= (noisy == B)).all(), "auto only removes ink"


@pytest.mark.parametrize("size", [32, 60, 124])
def test_auto_removes_specks_smaller_than_a_dab_of_the_pen_away_from_the_text(size):
    text = otsu(render_text("Order 42 ships on 15 May.", size, margin=3 * size))
    noisy = speckled(text, 300, side=1 if size < 100 else 3)
    cleaned = remove_specks(frozen(opening(frozen(noisy), radius="auto")), min_size="auto")
    far = cv2.dilate((text == B).astype(np.uint8), np.ones((3 * size + 1, 3 * size + 1), np.uint8)) == 0
    assert (noisy[far] == B).sum() > 50
    assert (cleaned[far] == W).all()
    assert glyphs_survive(text, cleaned)


def test_on_a_clean_scan_auto_changes_nothing():
    text = otsu(render_text("Order 42 ships on 15 May, at 10:30.", 32))
    assert np.array_equal(opening(frozen(text), radius="auto"), text)
    assert np.array_equal(remove_specks(frozen(text), min_size="auto"), text)


def period_and_copies(line: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``line`` with three copies of its smallest mark (the period) far from the text.

    Returns the image, the period's mask and the copies' mask.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats((line < 128).astype(np.uint8), connectivity=8)
    period = int(np.argmin(stats[1:, cv2.CC_STAT_AREA])) + 1
    x, y, w, h = stats[period, :4]
    dot = labels[y : y + h, x : x + w] == period
    image, copies = line.copy(), np.zeros(line.shape, bool)
    for top, left in [(5, 5), (5, line.shape[1] // 2), (line.shape[0] - h - 5, 30)]:
        copies[top : top + h, left : left + w] = dot
    image[copies] = B
    return image, labels == period, copies


def test_decimal_points_and_commas_stay_while_the_same_marks_in_the_dust_away_from_the_text_go():
    line = otsu(render_text("1,234.56", 60, margin=80))
    image, period, copies = period_and_copies(line)
    dusty = speckled(image, 150, clear=4)  # one-pixel dust: the scan is speckled
    dust = (dusty == B) & (image == W)
    removed, kept = classify_specks(frozen(dusty), "auto")
    cleaned = remove_specks(frozen(dusty), min_size="auto")
    assert np.array_equal(cleaned == B, line == B), "every mark of the amount stays, nothing else"
    assert kept[period].all() and removed[copies].all() and removed[dust].all()
    classic = remove_specks(frozen(dusty), min_size=100)
    assert (classic[period] == W).all(), "the fixed 100 px limit loses the point"


def test_on_a_clean_scan_a_lone_mark_of_the_pen_is_kept_but_dust_goes():
    line = otsu(render_text("TOTAL : 12.50", 60, margin=80))
    image, period, copies = period_and_copies(line)
    image[3, 3] = image[3, 200] = B  # two one-pixel specks
    cleaned = remove_specks(frozen(image), min_size="auto")
    assert (cleaned[period | copies] == B).all(), "a bullet or a colon far from a word may be text"
    assert cleaned[3, 3] == cleaned[3, 200] == W


def test_keep_punctuation_can_be_asked_for_with_a_fixed_size():
    line = otsu(render_text("3.5", 60))
    kept = remove_specks(frozen(line), min_size=400, keep_punctuation="true")
    dropped = remove_specks(frozen(line), min_size=400, keep_punctuation="false")
    assert np.array_equal(kept, line)
    assert (dropped != line).sum() > 0


def test_auto_ink_stages_leave_light_text_on_dark_alone_until_it_is_inverted():
    text = otsu(render_text("Order 42 ships on 15 May.", 32, margin=96))
    noisy = speckled(text, 300, clear=3)
    light = 255 - noisy
    for stage, size in ((opening, {"radius": "auto"}), (remove_specks, {"min_size": "auto"}),
                        (join_dots, {"pitch": "auto"})):  # fmt: skip
        assert np.array_equal(stage(frozen(light), **size), light), stage.__name__
    upright = invert(frozen(light))
    assert np.array_equal(upright, noisy)
    cleaned = remove_specks(frozen(opening(frozen(upright), radius="auto")), min_size="auto")
    assert (cleaned == B).sum() < (noisy == B).sum() and glyphs_survive(text, cleaned)


def test_blank_and_noise_only_images_are_left_alone_by_auto():
    noise = np.where(np.random.default_rng(2).random((50, 50)) < 0.05, B, W).astype(np.uint8)
    for image in (np.full((30, 30), W, np.uint8), np.zeros((30, 30), np.uint8), noise):
        for stage in (opening, remove_specks):
            size = {"radius": "auto"} if stage is opening else {"min_size": "auto"}
            assert np.array_equal(stage(frozen(image), **size), image)


# --- dot-matrix print ---------------------------------------------------------------------------


def test_dot_matrix_text_keeps_its_dots_and_join_dots_makes_strokes_of_them():
    image = dot_matrix("TOTAL 12.50", pitch=6, dot=4)
    dots = cv2.connectedComponents((image < 128).astype(np.uint8))[0] - 1
    assert np.array_equal(remove_specks(frozen(image), min_size="auto"), image)
    assert np.array_equal(opening(frozen(image), radius="auto"), image)
    joined = join_dots(frozen(image), pitch="auto")
    pieces = cv2.connectedComponents((joined < 128).astype(np.uint8))[0] - 1
    assert (joined[image < 128] < 128).all(), "joining only adds ink"
    assert dots > 100 and pieces <= 12, "about one piece a glyph"


def test_join_dots_leaves_ordinary_text_alone():
    text = render_text("Thank you, come again", 40)
    assert np.array_equal(join_dots(frozen(text)), text)


# --- adaptive thresholds, background, polarity --------------------------------------------------


def test_normalize_background_evens_out_a_shadow_and_keeps_the_text():
    page = data.page()  # a photographed page, dark on the left
    flat = normalize_background(frozen(page))
    strip = page.shape[1] // 8

    def paper(image, columns):
        return float(np.percentile(image[:, columns], 90))

    left, right = slice(0, strip), slice(-strip, None)
    assert paper(page, right) - paper(page, left) > 80
    assert abs(paper(flat, right) - paper(flat, left)) < 15
    binary = threshold(frozen(flat), method="otsu")
    measured = measure_scan(binary)
    assert measured.char_height is not None and 8 <= measured.char_height <= 16
    assert (binary[:, left] == B).mean() < 0.25, "no black shadow left after thresholding"


def test_normalize_background_of_even_paper_changes_little():
    text = render_text("Budget: 5,200 dollars.", 40)
    gray = np.clip(text.astype(int) * 0.9 + 10, 0, 255).astype(np.uint8)  # paper 239, ink 10
    flat = normalize_background(frozen(gray))
    assert (flat[text == W] >= 250).all() and (flat[text == B] <= 20).all()


def _faint_receipt() -> tuple[np.ndarray, np.ndarray]:
    """Faint gray print (ink 185 on paper 250) with a black torn edge down one side, and its ink."""
    text = render_text("TOTAL 12.50 CASH 20.00", 40, margin=40)
    page = np.where(text < 128, 185, 250).astype(np.uint8)
    page[:, :12] = 0
    return page, text < 128


def test_stretch_contrast_makes_faint_print_dark_where_otsu_sided_with_the_black_edge():
    page, ink = _faint_receipt()
    level, _ = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert (page[ink] > level).all(), "Otsu alone whitens every letter"
    stretched = stretch_contrast(frozen(page))
    level, _ = cv2.threshold(stretched, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert (stretched[ink] <= level).all() and (stretched[ink] == B).mean() > 0.9, "now the letters are ink"
    assert (stretched[~ink & (np.arange(page.shape[1]) >= 12)] == W).all() and (stretched[:, :12] == B).all()


def test_the_auto_pipeline_reads_a_faint_receipt_that_tesseract_alone_reads_as_nothing():
    page, _ = _faint_receipt()
    options = ocrprep.RecognizeOptions(psm=6)
    assert "TOTAL" not in ocrprep.recognize(page, options, dpi=300).text
    assert "TOTAL 12.50 CASH 20.00" in ocrprep.recognize(page, options, dpi=300, pipeline="auto").text


def test_stretch_contrast_leaves_black_print_and_blank_pages_alone():
    text = render_text("Budget: 5,200 dollars.", 40)
    assert np.array_equal(stretch_contrast(frozen(text)), text)
    blank = np.full((40, 60), 230, np.uint8)
    assert np.array_equal(stretch_contrast(frozen(blank)), blank)
    page, _ = _faint_receipt()
    assert np.array_equal(stretch_contrast(frozen(page), mode="false"), page)


def test_normalize_background_leaves_a_page_with_a_black_scan_margin_as_it_is():
    text = render_text("Budget: 5,200 dollars.", 40, margin=150)
    gray = np.clip(text.astype(int) * 0.9 + 10, 0, 255).astype(np.uint8)
    margin = np.random.default_rng(0).integers(0, 40, (gray.shape[0], 140))
    gray[:, :140] = margin  # a noisy black margin, wider than the paper estimate reaches
    assert np.array_equal(normalize_background(frozen(gray)), gray)
    gray[:, :140] = 200  # a lighter margin is only uneven paper: evened out
    assert (normalize_background(frozen(gray))[:, :100] >= 250).all()


def test_sauvola_window_auto_follows_the_text_size():
    image = data.page()
    result = threshold(frozen(image), method="sauvola", window="auto")
    assert set(np.unique(result)) <= {B, W}
    assert (result[:, :40] == B).mean() < 0.2


@pytest.mark.parametrize("mode", ["auto", "true"])
def test_light_text_on_dark_is_inverted(mode):
    text = render_text("Paid 3 of 12", 40)
    assert np.array_equal(invert(frozen(255 - text), mode=mode), text)


def test_dark_text_is_not_inverted_unless_asked():
    text = render_text("Paid 3 of 12", 40)
    assert np.array_equal(invert(frozen(text)), text)
    assert np.array_equal(invert(frozen(text), mode="false"), text)
    assert np.array_equal(invert(frozen(255 - text), mode="false"), 255 - text)


def test_the_auto_pipeline_cleans_a_speckled_amount_and_keeps_its_punctuation():
    line = render_text("98,400.00", 60, margin=40)
    gray = np.clip(line.astype(int) * 0.85 + 20, 0, 255).astype(np.uint8)
    noisy = speckled(gray, 150, side=2, clear=4)
    pipeline = parse_pipeline("auto", Host().stages)
    cleaned = pipeline.run(noisy, dpi=300)
    assert cleaned.shape == noisy.shape and cleaned.dtype == np.uint8
    near_text = cv2.dilate((line < 128).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    assert not (cleaned < 128)[~near_text].any(), "no speck is left"
    assert glyphs_survive(line, cleaned), "the digits, the comma and the point are all there"


def test_on_a_heavily_speckled_scan_auto_opening_shaves_hairs_off_the_glyphs():
    text = otsu(render_text("Hamburgefonts 1,234", 60, margin=60))
    hairy = text.copy()
    ink = text < 128
    edge = (cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~ink
    ys, xs = np.nonzero(edge)
    for y, x in zip(ys[::5], xs[::5], strict=True):  # one-pixel hairs, like a captcha's fuzz
        cv2.line(hairy, (int(x), int(y)), (int(x), int(y) + 3), 0, 1)
    noisy = speckled(hairy, 300, clear=3)
    assert measure_scan(noisy).speck_ratio >= 1
    opened = opening(frozen(noisy), radius="auto")
    beside = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    hairs = (hairy < 128) & ~beside  # hair two pixels or more off the glyph
    assert hairs.sum() > 200 and (opened[hairs] == W).mean() > 0.9, "the hairs go"
    assert glyphs_survive(text, opened), "the glyphs stay"
    assert np.array_equal(opening(frozen(hairy), radius="auto"), hairy), "not on a clean scan"


def _bold_and_faint(faint: bool) -> np.ndarray:
    """A speckled page of two lines: bold text, and under it the same words thinned to a third of
    the stem (faint office print) when ``faint``, or bold again."""
    bold = otsu(render_text("Hamburgefonts 1,234", 60, margin=60))
    ink = (bold < 128).astype(np.uint8)
    second = cv2.erode(ink, np.ones((3, 3), np.uint8), iterations=2) if faint else ink
    page = np.vstack([bold, np.where(second > 0, B, W).astype(np.uint8)])
    return speckled(page, 300, clear=3)


def test_auto_opening_stays_off_where_it_would_erase_faint_glyphs():
    bold = _bold_and_faint(faint=False)
    assert measure_scan(bold).speck_ratio >= 1
    assert not np.array_equal(opening(frozen(bold), radius="auto"), bold), "bold text alone: it opens"
    faint = _bold_and_faint(faint=True)
    assert measure_scan(faint).speck_ratio >= 1
    assert np.array_equal(opening(frozen(faint), radius="auto"), faint), "thin glyphs beside bold: off"


@pytest.mark.parametrize("restored", [True, False])
def test_auto_opening_puts_back_the_few_faint_glyphs_beside_much_bold_text(monkeypatch, restored):
    if not restored:  # proves the check can fail: with no glyph thin enough to restore, they go
        monkeypatch.setattr(despeckle, "THIN_GLYPH", 0.0)
    text = (otsu(render_text("Hamburgefonts 1,234", 60, margin=60)) < 128).astype(np.uint8)
    bold = np.where(cv2.dilate(text, np.ones((3, 3), np.uint8), iterations=2) > 0, B, W).astype(np.uint8)
    word = (otsu(render_text("Ham", 60, margin=60)) < 128).astype(np.uint8)  # half the bold stem
    thin = np.zeros(bold.shape, np.uint8)
    thin[: word.shape[0], : word.shape[1]] = word
    page = speckled(np.vstack([bold, bold, bold, np.where(thin > 0, B, W).astype(np.uint8)]), 300, clear=3)
    opened = opening(frozen(page), radius="auto")
    assert not np.array_equal(opened, page), "mostly bold text: it opens"
    faint = np.vstack([np.zeros((3 * bold.shape[0], bold.shape[1]), bool), thin > 0])
    assert (opened[faint] == page[faint]).all() == restored, "the faint word is as it was"


# --- ink off the lines of text ------------------------------------------------------------------


def blobs(image: np.ndarray, centres: list[tuple[int, int]], radius: int) -> tuple[np.ndarray, np.ndarray]:
    """``image`` with round black blobs at ``centres`` (x, y); returns the image and the blobs' mask."""
    marked = image.copy()
    for x, y in centres:
        cv2.circle(marked, (x, y), radius, 0, -1)
    return marked, (marked == B) & (image == W)


def test_blobs_above_below_and_beyond_a_line_of_digits_go_whatever_their_size():
    line = otsu(render_text("2024-07-04 12.50", 48, margin=60))
    height, width = line.shape
    for radius in (2, 6, 12):  # dust to blobs far thicker than the strokes
        noisy, marks = blobs(line, [(80, 15), (width // 2, height - 15), (12, height // 2)], radius)
        cleaned = remove_off_line(frozen(noisy))
        assert (cleaned[marks] == W).all(), radius
        assert np.array_equal(cleaned == B, line == B), "every digit, hyphen and point stays"


def test_on_a_page_of_several_clean_lines_auto_changes_nothing():
    lines = [render_text("Order 42 ships on 15 May.", 32), render_text("Total: 1,234.56 i.e. paid", 32)]
    width = max(line.shape[1] for line in lines)
    padded = [np.pad(line, ((0, 0), (0, width - line.shape[1])), constant_values=W) for line in lines]
    page = otsu(np.vstack(padded))
    page[5:9, 5:9] = B  # a mark between no lines, on a clean page
    assert np.array_equal(remove_off_line(frozen(page)), page)
    assert (remove_off_line(frozen(page), mode="true")[5:9, 5:9] == W).all()


def test_a_lone_dot_in_the_upper_half_of_a_line_of_digits_goes_its_punctuation_stays():
    line = otsu(render_text("12:30-45.6 7", 60, margin=50))
    ink = line == B
    ys, _ = np.nonzero(ink)
    top, bottom = int(ys.min()), int(ys.max())
    empty = np.flatnonzero(~ink[top : bottom + 1].any(axis=0))
    gap = max((run for run in np.split(empty, np.flatnonzero(np.diff(empty) > 1) + 1)
               if run[0] > 60 and run[-1] < line.shape[1] - 60), key=len)  # fmt: skip  # the word space
    noisy, dot = blobs(line, [(int(gap.mean()), top + (bottom - top) // 5)], 3)
    cleaned = remove_off_line(frozen(noisy))
    assert (cleaned[dot] == W).all(), "the dot in the air goes"
    assert np.array_equal(cleaned == B, ink), "the colon, hyphen and point stay"


def test_a_blob_touching_a_digit_is_not_taken_for_a_stray_mark():
    line = otsu(render_text("88.58", 60, margin=50))
    ys, xs = np.nonzero(line == B)
    touching, _ = blobs(line, [(int(xs.min()) + 12, int(ys.max()) + 4)], 9)
    cleaned = remove_off_line(frozen(touching))
    assert np.array_equal(cleaned == B, touching == B)


def test_remove_off_line_leaves_blank_dot_matrix_and_light_text_alone():
    line = otsu(render_text("12:30", 48, margin=40))
    noisy, _ = blobs(line, [(10, 10)], 5)
    for image in (np.full((20, 20), W, np.uint8), dot_matrix("TOTAL 12.50", pitch=6, dot=4), 255 - noisy):
        assert np.array_equal(remove_off_line(frozen(image)), image)
    assert np.array_equal(remove_off_line(frozen(noisy), mode="false"), noisy)


def impulses(clean: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    """``clean`` with ``count`` lone pixels flipped where their 3x3 neighbourhood is all ink or all paper."""
    ink = (clean == B).astype(np.uint8)
    neighbours = cv2.filter2D(ink, -1, np.ones((3, 3), np.float32), borderType=cv2.BORDER_CONSTANT)
    plain = (neighbours == 0) | (neighbours == 9)
    plain[:2], plain[-2:], plain[:, :2], plain[:, -2:] = False, False, False, False
    noisy = clean.copy()
    for y, x in rng.permutation(np.argwhere(plain))[:count]:
        if (noisy[y - 1 : y + 2, x - 1 : x + 2] == clean[y - 1 : y + 2, x - 1 : x + 2]).all():
            noisy[y, x] = W - clean[y, x]  # no two flipped pixels touch
    return noisy


def test_remove_impulse_restores_lone_pixels_on_the_paper_and_in_the_strokes():
    clean = otsu(render_text("Invoice 4711 paid", 48, margin=20))
    noisy = impulses(clean, np.random.default_rng(7), count=np.count_nonzero(clean == B) // 4)
    assert ((noisy == B) & (clean == W)).any() and ((noisy == W) & (clean == B)).any()
    # The rendering has a few lone pixels of its own (notches at stroke joins); they go either way.
    assert np.array_equal(remove_impulse(frozen(noisy)), remove_impulse(frozen(clean), mode="true"))
    assert np.count_nonzero(remove_impulse(frozen(noisy)) != clean) < 0.01 * np.count_nonzero(noisy != clean)
    assert np.array_equal(remove_impulse(frozen(noisy), mode="false"), noisy)


def test_remove_impulse_keeps_one_pixel_strokes_and_leaves_clean_text_alone():
    hairline = np.full((20, 40), W, np.uint8)
    cv2.line(hairline, (5, 3), (34, 16), B, 1)  # a 1-px diagonal: two neighbours along it
    cleaned = remove_impulse(frozen(hairline), mode="true")
    assert np.count_nonzero(cleaned == B) >= np.count_nonzero(hairline == B) - 2, "only its end pixels go"
    assert np.array_equal(cv2.medianBlur(hairline, 3), np.full_like(hairline, W)), "a plain median erases it"
    clean = otsu(render_text("Total 1,234.56", 40))
    assert np.array_equal(remove_impulse(frozen(clean)), clean)


def test_blobs_between_the_lines_of_a_page_go_when_they_are_many():
    texts = ("Order 42 ships on 15 May.", "Total 1,234.56 paid")
    lines = [render_text(text, 32, margin=30) for text in texts]
    width = max(line.shape[1] for line in lines)
    padded = [np.pad(line, ((0, 0), (0, width - line.shape[1])), constant_values=W) for line in lines]
    page = otsu(np.vstack(padded))
    gap = lines[0].shape[0]  # the row where the two rendered lines meet, between their text
    blotted, marks = blobs(page, [(x, gap) for x in range(40, width - 40, 60)], 6)
    cleaned = remove_off_line(frozen(blotted))
    assert (cleaned[marks] == W).all()
    assert np.array_equal(cleaned == B, page == B), "the text stays"


def test_remove_border_takes_black_margins_and_punch_holes_and_keeps_text_touching_them():
    text = otsu(render_text("Invoice 4711 paid", 40, margin=60))
    page = text.copy()
    page[:, :25] = B  # a black margin along the left edge
    page[:12, :] = B  # and along the top
    ys, xs = np.nonzero(text == B)
    page[ys.min() + 5 : ys.min() + 8, 25 : xs.min() + 1] = B  # a stroke of the text joins the margin
    holed, hole = blobs(page, [(40, page.shape[0] - 20)], 9)
    cleaned = remove_border(frozen(holed))
    assert (cleaned[:, :20] == W).all() and (cleaned[:8] == W).all()
    assert (cleaned[hole] == W).all()
    assert (cleaned[text == B] == B).all(), "every glyph stays"


def test_remove_border_leaves_pages_without_a_border_alone():
    clean = otsu(render_text("Total 1,234.56", 40, margin=30))
    boxed = clean.copy()
    boxed[3:-3, 3:10] = B  # a thick rule inside the page, touching no edge
    for image in (clean, boxed, 255 - clean, np.full((20, 20), W, np.uint8)):
        assert np.array_equal(remove_border(frozen(image)), image)


def test_remove_lines_takes_underlines_strike_throughs_and_rules_and_keeps_the_stems_they_cross():
    text = otsu(render_text("Invoice 4711 paid", 40, margin=40))
    ys, xs = np.nonzero(text == B)
    drawn = np.zeros_like(text)
    middle = (ys.min() + ys.max()) // 2
    cv2.line(drawn, (xs.min() - 10, middle), (xs.max() + 10, middle + 6), 1, 3)  # a sloping strike-through
    cv2.line(drawn, (0, ys.max() + 6), (text.shape[1] - 1, ys.max() + 6), 1, 2)  # a rule under the text
    cv2.line(drawn, (8, 0), (8, text.shape[0] - 1), 1, 3)  # a vertical form rule
    lined = np.where(drawn == 1, B, text).astype(np.uint8)
    cleaned = remove_lines(frozen(lined))
    line, glyphs = (drawn == 1) & (text == W), text == B
    assert np.count_nonzero(cleaned[line] == B) < 0.05 * np.count_nonzero(line)
    off = glyphs & (drawn == 0)
    assert np.count_nonzero(cleaned[off] == W) < 0.01 * np.count_nonzero(off), "glyphs off the lines stay"
    under = glyphs & (drawn == 1)
    assert np.count_nonzero(cleaned[under] == B) > 0.6 * np.count_nonzero(under), "stems crossing stay"


def test_remove_lines_takes_a_receipts_dashed_separator_and_keeps_the_hyphens_of_its_text():
    line = otsu(render_text("05-06-2018 TOTAL 52.00", 40, margin=30))
    dashes = otsu(render_text("-" * 24, 40, margin=30))
    width = max(line.shape[1], dashes.shape[1])
    page = np.full((2 * line.shape[0] + dashes.shape[0], width), W, np.uint8)
    page[: line.shape[0], : line.shape[1]] = line
    page[line.shape[0] : line.shape[0] + dashes.shape[0], : dashes.shape[1]] = dashes
    page[line.shape[0] + dashes.shape[0] :, : line.shape[1]] = line
    cleaned = remove_lines(frozen(page))
    separator = cleaned[line.shape[0] : line.shape[0] + dashes.shape[0]]
    assert np.count_nonzero(separator == B) < 0.05 * np.count_nonzero(dashes == B)
    for text in (cleaned[: line.shape[0]], cleaned[-line.shape[0] :]):
        assert np.array_equal(text[:, : line.shape[1]], line), "hyphens and text stay"


def test_remove_lines_takes_a_scanned_edge_whole_and_keeps_lines_through_the_text():
    text = otsu(render_text("Thank you, come again", 40, margin=50))
    edged = text.copy()
    edged[:, 0:3] = B  # the receipt's edge down the left side...
    edged[10:20, 3:6] = B  # ...thicker in places: taken in part, its pieces would read as "|"
    edged[40:46, 3:5] = B
    edged[0:2, :] = B  # and along the top
    cleaned = remove_lines(frozen(edged))
    assert np.array_equal(cleaned, text)
    ys = np.nonzero(text == B)[0]
    middle = (ys.min() + ys.max()) // 2
    crossed = text.copy()
    crossed[middle : middle + 3, :] = B  # edge to edge, through the words
    glyphs = text == B
    assert np.count_nonzero(remove_lines(frozen(crossed))[glyphs] == B) > 0.85 * np.count_nonzero(glyphs)


def test_remove_lines_leaves_text_without_lines_alone():
    for text in ("Total 1,234.56", "mmmmmm iiii lll", "W--V=="):
        clean = otsu(render_text(text, 40, margin=30))
        assert np.array_equal(remove_lines(frozen(clean)), clean), text
