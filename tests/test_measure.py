"""Measuring a scan from its own pixels: stroke width, character height, polarity, dot-matrix print."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from PIL import ImageFont

from ocrprep.measure import components, describe, ink_mask, is_inverted, measure_ink, measure_scan

from .conftest import render_text


def stem_width(size: int) -> int:
    """The true width of the vertical stem of ``l`` at ``size``: its most common horizontal ink run."""
    ink = render_text("l", size) < 128
    runs = ink.sum(axis=1)
    return int(np.bincount(runs[runs > 0]).argmax())


def glyph_heights(size: int) -> tuple[int, int]:
    """x-height and cap height of the bundled font at ``size``, px."""
    font = ImageFont.load_default(size=size)
    x, cap = font.getbbox("x"), font.getbbox("H")
    return x[3] - x[1], cap[3] - cap[1]


def dot_matrix(text: str, pitch: int = 6, dot: int = 4, size: int = 11) -> np.ndarray:
    """``text`` as dot-matrix print: each ink pixel of a small bitmap rendering becomes a round dot."""
    bitmap = render_text(text, size, margin=3) < 128
    out = np.full((bitmap.shape[0] * pitch, bitmap.shape[1] * pitch), 255, np.uint8)
    for y, x in zip(*np.nonzero(bitmap), strict=True):
        centre = (int(x * pitch + pitch // 2), int(y * pitch + pitch // 2))
        cv2.circle(out, centre, dot // 2, 0, -1, lineType=cv2.LINE_AA)
    return out


def speckle(image: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """``image`` with ``count`` black specks of 1 to 3 px scattered over the paper."""
    rng = np.random.default_rng(seed)
    noisy = image.copy()
    for _ in range(count):
        y, x = rng.integers(0, image.shape[0] - 3), rng.integers(0, image.shape[1] - 3)
        side = int(rng.integers(1, 4))
        noisy[y : y + side, x : x + side] = 0
    return noisy


@pytest.mark.parametrize("size", [20, 48, 124])
def test_stroke_width_and_character_height_of_rendered_text(size):
    measure = measure_scan(render_text("Hamburgefonts 1,234.56 il", size), dpi=300)
    x_height, cap_height = glyph_heights(size)
    true_stroke = stem_width(size)
    assert measure.has_text and not measure.inverted and not measure.dot_matrix
    assert measure.stroke_width is not None and measure.char_height is not None
    assert true_stroke - 1 <= measure.stroke_width <= true_stroke, "never wider than the real stroke"
    assert x_height - 1 <= measure.char_height <= cap_height + 1
    assert measure.stem_width == measure.stroke_width, "on clean print stems and strokes agree"
    assert measure.dpi == 300 and measure.specks == 0


def test_a_crowd_of_specks_does_not_drag_the_estimates_down():
    clean = render_text("Order 42 ships on 15 May.", 48)
    noisy = speckle(clean, 400)
    before, after = measure_scan(clean), measure_scan(noisy)
    assert after.specks >= 100 > before.specks
    assert after.speck_ratio > 3
    assert before.stroke_width is not None and after.stroke_width is not None
    assert before.char_height is not None and after.char_height is not None
    assert abs(after.stroke_width - before.stroke_width) <= 1
    assert abs(after.char_height - before.char_height) <= 2


def test_fuzz_on_the_strokes_lowers_the_stroke_width_but_not_the_stem_width():
    clean = render_text("Hamburgefonts 1,234", 60)
    fuzzy = clean.copy()
    edge = (cv2.dilate((clean < 128).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & (clean >= 128)
    ys, xs = np.nonzero(edge)
    rng = np.random.default_rng(4)
    for y, x in zip(ys[::3], xs[::3], strict=True):  # one-pixel hairs sticking out of the strokes
        dy, dx = rng.integers(-1, 2, 2)
        cv2.line(fuzzy, (int(x), int(y)), (int(x + 4 * dx), int(y + 4 * dy)), 0, 1)
    before, after = measure_scan(clean), measure_scan(fuzzy)
    assert after.stroke_width is not None and after.stem_width is not None
    assert after.stroke_width < before.stroke_width
    assert after.stem_width >= before.stroke_width - 1


def test_a_solid_block_beside_the_text_is_not_taken_for_a_glyph():
    image = render_text("Total 12.50", 40)
    page = np.full((image.shape[0] + 200, image.shape[1]), 255, np.uint8)
    page[:200, : image.shape[1] // 2] = 0  # a black photo or margin above the text
    page[200:] = image
    alone = measure_scan(image)
    measure = measure_scan(page)
    assert measure.char_height == alone.char_height
    assert measure.stroke_width == alone.stroke_width


@pytest.mark.parametrize(
    "image",
    [
        np.full((40, 60), 255, np.uint8),
        np.zeros((40, 60), np.uint8),
        np.full((1, 1), 255, np.uint8),
        np.zeros((1, 1), np.uint8),
        np.where(np.arange(200) % 7 < 3, 0, 255).astype(np.uint8)[np.newaxis, :],
        np.where(np.arange(200) % 7 < 3, 0, 255).astype(np.uint8)[:, np.newaxis],
        np.zeros((0, 5), np.uint8),
    ],
    ids=["white", "black", "1x1 white", "1x1 black", "1x200", "200x1", "empty"],
)
def test_images_without_text_measure_as_no_text(image):
    measure = measure_scan(image)
    assert not measure.has_text
    assert measure.stroke_width is None and measure.char_height is None
    json.dumps(measure.as_dict())


def test_light_text_on_dark_is_detected_and_measured_like_dark_text():
    text = render_text("Paid 3 of 12 bills", 40)
    dark, light = measure_scan(text), measure_scan(255 - text)
    assert light.inverted and not dark.inverted
    assert (light.stroke_width, light.char_height) == (dark.stroke_width, dark.char_height)


def test_a_receipt_photographed_on_a_dark_table_is_not_inverted():
    receipt = render_text("CASH 3.50\nCHANGE 0.75\nTHANK YOU", 30)
    table = np.full((receipt.shape[0] * 2, receipt.shape[1] * 2), 40, np.uint8)
    table[20 : 20 + receipt.shape[0], 30 : 30 + receipt.shape[1]] = receipt
    assert (table < 128).mean() > 0.5
    assert not is_inverted(table)


def test_dot_matrix_print_is_detected_with_its_pitch_and_glyph_height():
    image = dot_matrix("TOTAL 12.50", pitch=6, dot=4)
    measure = measure_scan(image)
    assert measure.dot_matrix and measure.dot_pitch == pytest.approx(6, abs=0.5)
    assert measure.char_height is not None and measure.char_height > 5 * 6, "joined glyphs, not dots"
    assert measure.stroke_width is not None and 2 <= measure.stroke_width <= 5


def test_scattered_specks_of_one_size_are_not_dot_matrix():
    rng = np.random.default_rng(3)
    image = np.full((300, 400), 255, np.uint8)
    for x, y in rng.integers(5, 295, (150, 2)):
        cv2.circle(image, (int(x), int(y)), 2, 0, -1)
    assert not measure_scan(image).dot_matrix
    assert not measure_scan(render_text("Thank you, come again", 40)).dot_matrix


def test_as_dict_is_json_with_the_measured_figures():
    data = json.loads(json.dumps(measure_scan(render_text("1,234.56", 48), dpi=200).as_dict()))
    assert data["dpi"] == 200 and data["inverted"] is False and data["dot_matrix"] is False
    assert data["stroke_width"] > 0 and data["char_height"] > 0 and data["speck_ratio"] == 0


def test_describe_puts_a_measurement_in_words():
    blank = measure_scan(np.full((10, 10), 255, np.uint8)).as_dict()
    assert describe(blank) == "no text-like ink found"
    text = measure_scan(render_text("Hello 42", size=40)).as_dict()
    assert describe(text).startswith(f"stroke {text['stroke_width']:.1f} px, characters ")
    dots = dict(text, stroke_width=2.04, char_height=30.4, glyphs=8, specks=1, inverted=True,
                dot_matrix=True, dot_pitch=4.26)  # fmt: skip
    assert describe(dots) == (
        "stroke 2.0 px, characters 30 px high, 8 glyphs, 1 specks, light text on dark, "
        "dot-matrix print, dot pitch 4.3 px"
    )


def test_measuring_refuses_what_is_not_a_gray_image():
    with pytest.raises(ValueError, match="2-D uint8"):
        measure_scan(np.zeros((4, 4, 3), np.uint8))


def test_measuring_ink_with_its_components_given_is_measuring_it_without():
    noisy = speckle(render_text("Order 42 ships on 15 May.", 48), 200)
    ink = ink_mask(noisy)
    given = measure_ink(ink, 300, False, components(ink))
    assert given == measure_ink(ink, 300, False) == measure_scan(noisy, dpi=300)
    assert given.has_text and given.specks > 0


def test_components_without_depth_give_the_same_boxes_and_no_thickness():
    ink = render_text("Hamburgefonts 1,234", 60) < 128
    full, boxes = components(ink), components(ink, depth=False)
    for field in ("x", "y", "width", "height", "area", "where", "which"):
        assert np.array_equal(getattr(full, field), getattr(boxes, field)), field
    assert (full.thickness >= 3).any() and np.isnan(boxes.thickness).all()
    assert full.ridge_which.size > 0 and boxes.ridge_which.size == 0
