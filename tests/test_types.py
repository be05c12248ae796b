"""The page context (Scan), geometry changes (Warped), stage declarations and pipeline files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ocrprep
import ocrprep.types
from ocrprep import Param, Scan, Size, Stage, Warped
from ocrprep.errors import InputError
from ocrprep.pipeline import parse_pipeline, parse_pipeline_file
from ocrprep.plugins import Host

from .conftest import PLUGINS, render_text

WARP = str(PLUGINS / "warp_plugin.py")


def speckled(image: np.ndarray, share: float = 0.02, seed: int = 0) -> np.ndarray:
    noisy = image.copy()
    noisy[np.random.default_rng(seed).random(image.shape) < share] = 0
    return noisy


@pytest.fixture
def measurements(monkeypatch):
    """Count the page measurements the stages cause."""
    calls = []
    original = ocrprep.types.measure_ink

    def counted(*args, **kwargs):
        calls.append(args[0].shape)
        return original(*args, **kwargs)

    monkeypatch.setattr(ocrprep.types, "measure_ink", counted)
    return calls


def test_a_scan_holds_read_only_pixels_and_leaves_the_callers_array_writable():
    image = np.full((4, 5), 255, np.uint8)
    scan = Scan(image, 300)
    assert not scan.pixels.flags.writeable and image.flags.writeable
    with pytest.raises(ValueError):
        scan.pixels[0, 0] = 0
    with pytest.raises(ValueError, match="2-D uint8"):
        Scan(np.zeros((2, 2, 3), np.uint8))


def test_stages_that_see_the_same_pixels_share_one_measurement(measurements):
    clean = render_text("Total 1,234.56 paid", 32)
    Host().pipeline("invert(auto) | opening(radius=auto) | remove-specks(min_size=auto)").run(clean, 300)
    assert len(measurements) == 1, "nothing changed the pixels: one measurement for three stages"


def test_a_stage_that_changes_the_pixels_makes_the_next_one_measure_again(measurements):
    noisy = speckled(render_text("Total 1,234.56 paid", 32), 0.03)
    pipeline = Host().pipeline("remove-specks(min_size=auto) | remove-off-line(true)")
    cleaned = pipeline.run(noisy, 300)
    assert not np.array_equal(cleaned, noisy)
    assert len(measurements) == 2
    Host().pipeline("opening(radius=1) | remove-specks(min_size=5)").run(noisy, 300)
    assert len(measurements) == 2, "fixed sizes measure nothing"


def test_the_same_page_twice_is_measured_twice_nothing_is_remembered_between_pages(measurements):
    page = render_text("4711", 40)
    pipeline = Host().pipeline("remove-specks(min_size=auto)")
    pipeline.run(page, 300)
    pipeline.run(page, 300)
    assert len(measurements) == 2


def test_what_stages_use_keeps_no_module_level_state():
    import ocrprep.builtin.despeckle
    import ocrprep.builtin.geometry
    import ocrprep.measure
    import ocrprep.pipeline

    modules = (
        ocrprep.measure,
        ocrprep.types,
        ocrprep.pipeline,
        ocrprep.builtin.despeckle,
        ocrprep.builtin.geometry,
    )
    for module in modules:
        for name, value in vars(module).items():
            where = f"{module.__name__}.{name}"
            assert name.startswith("__") or name.isupper() or not isinstance(value, dict | list | set), where
            assert not hasattr(value, "cache_info"), f"{where} is a cache"


def test_warped_matrices_map_input_coordinates_to_output_coordinates():
    pixels = np.zeros((2, 2), np.uint8)
    assert np.allclose(Warped.scale(pixels, 2.0).matrix @ (3, 4, 1), (6, 8, 1))
    assert np.allclose(Warped.scale(pixels, 2.0, 3.0).matrix @ (3, 4, 1), (6, 12, 1))
    assert np.allclose(Warped.crop(pixels, 10, 5).matrix @ (12, 9, 1), (2, 4, 1))
    # A half turn about pixel centre (1, 1) takes the edge point (0, 0) to (3, 3).
    turned = Warped.affine(pixels, np.array([[-1.0, 0, 2], [0, -1.0, 2]]))
    assert np.allclose(turned.matrix @ (0, 0, 1), (3, 3, 1))
    with pytest.raises(ValueError, match="invertible"):
        Warped(pixels, np.zeros((3, 3)))


def test_dpi_and_the_way_back_follow_a_geometry_change():
    scan = Scan(np.full((10, 20), 255, np.uint8), 150)
    bigger = scan.followed_by(Warped.scale(np.full((20, 40), 255, np.uint8), 2.0))
    assert bigger.dpi == 300 and bigger.input_size == (20, 10)
    assert np.allclose(bigger.to_input @ (40, 20, 1), (20, 10, 1))
    cropped = bigger.followed_by(Warped.crop(np.full((10, 10), 255, np.uint8), 4, 6))
    assert cropped.dpi == 300
    assert np.allclose(cropped.to_input @ (0, 0, 1), (2, 3, 1))
    assert (
        Scan(np.full((4, 4), 255, np.uint8)).followed_by(Warped.scale(np.zeros((8, 8), np.uint8), 2)).dpi
        is None
    )


def test_a_shape_change_without_warped_is_refused_by_name():
    def shrinks(scan: Scan) -> np.ndarray:
        return scan.pixels[1:].copy()

    host = Host()
    host.stages["shrink"] = Stage("shrink", shrinks, "Drops a row.", plugin="test")
    with pytest.raises(InputError, match=r"stage shrink of plugin test changed the image shape.*Warped"):
        host.pipeline("shrink").run(np.full((5, 5), 255, np.uint8))


def test_a_cleaned_page_can_be_put_back_on_the_input_grid():
    page = render_text("1,234.56", 30)
    scan = Host().pipeline("rescale(2)").process(page, 300)
    assert scan.pixels.shape == (2 * page.shape[0], 2 * page.shape[1])
    back = scan.input_pixels()
    assert back.shape == page.shape
    assert np.mean(np.abs(back.astype(int) - page)) < 6


def words_by_text(result):
    return {word.text: word for word in result.words}


def assert_boxes_close(moved, reference, tolerance):
    assert set(moved) == set(reference), (sorted(moved), sorted(reference))
    for text, word in moved.items():
        ref = reference[text]
        edges = (word.left, word.top, word.left + word.width, word.top + word.height)
        expected = (ref.left, ref.top, ref.left + ref.width, ref.top + ref.height)
        assert max(abs(a - b) for a, b in zip(edges, expected, strict=True)) <= tolerance, (text, word, ref)


@pytest.fixture(scope="module")
def page_and_words():
    lines = [render_text(line, 48) for line in ("Invoice 4711 total", "Amount 1,234.56 due")]
    width = max(line.shape[1] for line in lines)
    page = np.full((sum(line.shape[0] for line in lines) + 80, width + 80), 255, np.uint8)
    top = 40
    for line in lines:
        page[top : top + line.shape[0], 40 : 40 + line.shape[1]] = line
        top += line.shape[0]
    return page, words_by_text(ocrprep.recognize(page, dpi=300))


@pytest.mark.parametrize(
    ("pipeline", "tolerance"),
    [("rescale(2)", 2), ("rescale(factor=0.7)", 3), ("trim(margin=25)", 2), ("turn(angle=2)", 3)],
)
def test_word_boxes_refer_to_the_input_image_whatever_the_pipeline_did(page_and_words, pipeline, tolerance):
    page, reference = page_and_words
    assert len(reference) == 6
    result = ocrprep.recognize(page, dpi=300, pipeline=pipeline, plugins=[WARP])
    assert_boxes_close(words_by_text(result), reference, tolerance)


def test_a_stage_default_has_one_source_the_function_signature():
    def widen(scan: Scan, size: Size | str = "2pt", times: int = 3) -> np.ndarray:
        return scan.pixels.copy()

    stage = Stage(
        "widen", widen, "Widens.", (Param("size", Size, "how much"), Param("times", int, "how often"))
    )
    assert stage.param("size").default == Size("2pt") and stage.param("times").default == 3
    with pytest.raises(TypeError, match="has no argument width with a default"):
        Stage("widen", widen, "Widens.", (Param("width", int, "how much"),))
    with pytest.raises(TypeError, match="the default is refused"):
        Stage("widen", widen, "Widens.", (Param("times", int, "how often", minimum=5),))


def tagged() -> dict[str, Stage]:
    def tag(scan: Scan, label: str = "x", size: Size | str = "auto", k: float = 0.2) -> np.ndarray:
        return scan.pixels.copy()

    params = (Param("label", str, "free text"), Param("size", Size, "a size"), Param("k", float, "a weight"))
    return {"tag": Stage("tag", tag, "Tags.", params)}


def test_a_quoted_argument_may_hold_commas_bars_and_equals_signs():
    stages = tagged()
    pipeline = parse_pipeline("tag('a, b | c=d', size=0.5pt) | tag(label=\"it's, here\")", stages)
    assert [step.args.get("label") for step in pipeline.steps] == ["a, b | c=d", "it's, here"]
    assert parse_pipeline(str(pipeline), stages) == pipeline


def test_a_pipeline_file_round_trips_through_tomli_w(tmp_path: Path):
    stages = {**Host().stages, **tagged()}
    spec = (
        "threshold(method=sauvola, window=auto, k=0.15) | opening(radius=1.5) | remove-specks(min_size=1pt)"
        " | tag(label='a, \"b\"', size=3) | rescale(auto) | rescale(0.5)"
    )
    pipeline = parse_pipeline(spec, stages)
    path = tmp_path / "tuned.toml"
    path.write_text(pipeline.to_toml(), encoding="utf-8")
    assert parse_pipeline_file(path, stages) == pipeline
    assert 'label = "a, \\"b\\""' in path.read_text(encoding="utf-8")


def test_the_overview_of_a_large_page_is_measured_small_and_given_in_its_pixels(measurements):
    line = render_text("Invoice 4711 total 1,234.56 due", 40)
    page = np.full((2400, 2000), 255, np.uint8)
    for top in range(40, 2300, 2 * line.shape[0]):
        page[top : top + line.shape[0], 40 : 40 + line.shape[1]] = line
    scan = Scan(page, 300)
    overview, measure = scan.overview, scan.measure
    assert measurements == [(1200, 1000), (2400, 2000)], "one small measurement, then the full one"
    assert overview.width == 2000 and overview.height == 2400 and not overview.inverted
    assert overview.char_height is not None and measure.char_height is not None
    assert abs(overview.char_height - measure.char_height) <= 0.1 * measure.char_height
    assert scan.overview is overview and len(measurements) == 2
    small = Scan(line)
    assert small.overview is small.measure


@pytest.mark.parametrize("light_on_dark", [False, True])
def test_scan_inverted_is_the_overviews_polarity_without_measuring_the_text(measurements, light_on_dark):
    line = render_text("Invoice 4711 total 1,234.56 due", 40)
    page = np.full((2400, 2000), 255, np.uint8)
    for top in range(40, 2300, 2 * line.shape[0]):
        page[top : top + line.shape[0], 40 : 40 + line.shape[1]] = line
    page = 255 - page if light_on_dark else page
    scan = Scan(page, 300)
    assert scan.inverted is light_on_dark and measurements == [], "no text measured"
    assert scan.overview.inverted is light_on_dark and measurements == [(1200, 1000)]
    small = Scan(255 - line if light_on_dark else line)
    assert small.inverted is light_on_dark and small.measure.inverted is light_on_dark


def test_clean_returns_an_array_of_its_own_even_when_no_stage_changed_the_input():
    image = np.full((40, 60), 255, np.uint8)
    cleaned = ocrprep.clean(image, "grayscale")
    assert np.array_equal(cleaned, image) and not np.may_share_memory(cleaned, image)
    image[0, 0] = 0
    assert cleaned[0, 0] == 255, "writing into the input does not change the result"
