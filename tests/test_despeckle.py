"""The built-in stages on tiny literal arrays."""

from __future__ import annotations

import numpy as np
import pytest

from ocrprep.builtin.despeckle import grayscale, opening, remove_specks, threshold

W, B = 255, 0


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only array, as the host hands stages: writing to it raises."""
    array = np.array(array, dtype=np.uint8)
    array.flags.writeable = False
    return array


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
    assert opening(image, radius=0).tolist() == image.tolist()


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
    assert remove_specks(image, min_size=2, connectivity=8).tolist() == image.tolist()


def test_grayscale_composites_transparency_on_white_and_scales_16_bit():
    rgba = np.zeros((1, 2, 4), np.uint8)
    rgba[0, 1] = (0, 0, 0, 255)  # opaque black; pixel 0 is fully transparent
    assert grayscale(rgba).tolist() == [[W, B]]
    deep = np.array([[0, 65535]], np.uint16)
    assert grayscale(deep).tolist() == [[B, W]]
    assert grayscale(np.array([[True, False]])).tolist() == [[W, B]]
    assert grayscale(np.array([[[255, 0, 0]]], np.uint8)).tolist() == [[76]]


def test_grayscale_of_gray_returns_a_new_array():
    image = frozen([[1, 2]])
    result = grayscale(image)
    assert result is not image and result.flags.writeable
