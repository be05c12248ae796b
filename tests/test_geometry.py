"""The rescale stage: fixed factors, auto sizing to the text, limits, and what it tells the host."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ocrprep import Scan, Warped
from ocrprep.builtin.geometry import MAX_SIDE, TARGET_CHAR_HEIGHT, factor, rescale
from ocrprep.errors import UsageError
from ocrprep.plugins import Host

from .conftest import render_text, save


def test_a_factor_scales_the_pixels_and_says_so():
    page = np.full((10, 30), 255, np.uint8)
    page[4:6, 5:25] = 0
    result = rescale(Scan(page, 200), 2)
    assert isinstance(result, Warped) and result.pixels.shape == (20, 60)
    assert np.allclose(result.matrix, np.diag([2.0, 2.0, 1.0]))
    assert (result.pixels[9:11, 12:48] < 128).all()
    half = rescale(Scan(page, 200), 0.5)
    assert isinstance(half, Warped) and half.pixels.shape == (5, 15)


def test_the_matrix_uses_the_factors_the_rounded_size_gives():
    result = rescale(Scan(np.full((3, 7), 255, np.uint8)), 1.5)
    assert isinstance(result, Warped) and result.pixels.shape == (4, 10)
    assert np.allclose(np.diag(result.matrix)[:2], (10 / 7, 4 / 3))


def test_auto_brings_small_text_to_the_target_height_and_the_dpi_follows():
    small = render_text("Total 1,234.56 paid", 12)
    scan = Host().pipeline("rescale(auto)").process(small, 150)
    assert scan.pixels.shape[0] > 1.5 * small.shape[0]
    assert scan.dpi is not None and abs(scan.dpi - 150 * scan.pixels.shape[1] / small.shape[1]) <= 1
    height = Scan(scan.pixels).measure.char_height
    assert height is not None and abs(height - TARGET_CHAR_HEIGHT) <= 0.2 * TARGET_CHAR_HEIGHT


def test_auto_shrinks_huge_text_and_leaves_text_near_the_target_alone():
    huge = Scan(render_text("4711", 200))
    shrunk = rescale(huge, "auto")
    assert isinstance(shrunk, Warped) and shrunk.pixels.shape[0] < huge.pixels.shape[0]
    measured = huge.measure.char_height
    assert measured is not None
    near = render_text("4711", round(40 * TARGET_CHAR_HEIGHT / measured * 200 / 40))
    kept = rescale(Scan(near), "auto")
    assert isinstance(kept, np.ndarray) and kept.shape == near.shape


def test_auto_without_shrink_enlarges_small_text_and_leaves_huge_text_as_it_is():
    huge = render_text("4711", 200)
    assert np.array_equal(rescale(Scan(huge), "auto", shrink="false"), huge)
    enlarged = rescale(Scan(render_text("4711", 12)), "auto", shrink="false")
    assert isinstance(enlarged, Warped) and enlarged.scale_factor > 1.25


@pytest.mark.parametrize("page", [np.full((20, 20), 255, np.uint8), np.zeros((20, 20), np.uint8)])
def test_auto_leaves_a_page_without_text_as_it_is(page):
    result = rescale(Scan(page), "auto")
    assert isinstance(result, np.ndarray) and np.array_equal(result, page)


def test_no_factor_makes_a_side_longer_than_tesseract_reads():
    result = rescale(Scan(np.full((2, 20_000), 255, np.uint8)), 8)
    assert isinstance(result, Warped) and result.pixels.shape[1] <= MAX_SIDE


@pytest.mark.parametrize("written", ["0", "-1", "9", "nan", "inf", "two", "true"])
def test_factors_outside_the_range_are_usage_errors(written):
    with pytest.raises((ValueError, TypeError)):
        factor(written)
    with pytest.raises(UsageError, match="factor"):
        Host().pipeline(f"rescale({written})")


def test_factor_reads_auto_and_numbers():
    assert factor("auto") == "auto" and factor(" 'AUTO' ") == "auto"
    assert factor("2") == 2.0 and factor(0.125) == 0.125


def test_clean_writes_the_rescaled_page_with_its_new_dpi(ocrprep_cli, tmp_path):
    line = render_text("1,234.56", 20)
    source = save(tmp_path / "line.png", line, dpi=150)
    result = ocrprep_cli("clean", source, "-o", tmp_path / "out.png", "--pipeline", "rescale(2)")
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "out.png") as written:
        assert written.size == (2 * line.shape[1], 2 * line.shape[0])
        assert round(written.info["dpi"][0]) == 300
