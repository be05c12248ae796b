"""Parsing pipelines from the command-line syntax and TOML, and running them."""

from __future__ import annotations

import numpy as np
import pytest

from ocrprep.errors import InputError, UsageError
from ocrprep.pipeline import NAMED_PIPELINES, Pipeline, Step, parse_pipeline, parse_pipeline_file
from ocrprep.plugins import Host
from ocrprep.types import Param, Scan, Stage, Warped


@pytest.fixture(scope="module")
def stages():
    return Host().stages


def test_positional_and_named_arguments_fill_typed_parameters(stages):
    pipeline = parse_pipeline(
        "threshold(150) | opening(radius=2) | remove-specks(min_size=30, connectivity=4)", stages
    )
    assert [step.stage.name for step in pipeline.steps] == ["threshold", "opening", "remove-specks"]
    assert [dict(step.args) for step in pipeline.steps] == [
        {"value": 150},
        {"radius": 2},
        {"min_size": 30, "connectivity": 4},
    ]


def test_a_named_pipeline_expands(stages):
    assert str(parse_pipeline("classic", stages)) == str(parse_pipeline(NAMED_PIPELINES["classic"], stages))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "blur(3)",
            "unknown stage 'blur'; available stages: grayscale, invert, join-dots, normalize-background",
        ),
        ("opening(size=3)", "stage opening has no parameter 'size'; its parameters: radius"),
        (
            "opening(radius=big)",
            "parameter radius expects Size (px: 3 or 3px; or points: 0.5pt; or auto), got 'big'",
        ),
        ("threshold(300)", "parameter value must be at most 255"),
        ("threshold(method=magic)", "must be one of fixed, otsu, sauvola"),
        ("remove-specks(connectivity=6)", "must be one of 4, 8"),
        ("opening(1, 2)", "stage opening takes at most 1 arguments"),
        ("opening(radius=1, 2)", "positional argument '2' after a named one"),
        ("opening(", "cannot read pipeline step"),
    ],
)
def test_bad_pipelines_say_what_exists(stages, spec, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_pipeline(spec, stages)


def test_toml_file_round_trips(stages, tmp_path):
    pipeline = parse_pipeline("threshold(method=sauvola, window=31, k=0.3) | remove-specks(12)", stages)
    path = tmp_path / "p.toml"
    path.write_text(pipeline.to_toml())
    assert str(parse_pipeline_file(path, stages)) == str(pipeline)


def test_toml_file_errors_name_the_file(stages, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[[stage]]\nname = "opening"\nradius = "x"\n')
    with pytest.raises(UsageError, match="parameter radius expects Size"):
        parse_pipeline_file(path, stages)
    path.write_text("stage = 3\n")
    with pytest.raises(UsageError, match=r"p\.toml: expected \[\[stage\]\] tables"):
        parse_pipeline_file(path, stages)
    path.write_text("[[stage]\n")
    with pytest.raises(UsageError, match="cannot read pipeline file"):
        parse_pipeline_file(path, stages)


def test_pipeline_makes_color_gray_first_and_keeps_the_input(stages):
    color = np.full((20, 20, 3), 250, np.uint8)
    color[5:15, 5:15] = (10, 20, 30)
    before = color.copy()
    result = parse_pipeline("threshold(128)", stages).run(color)
    assert result.shape == (20, 20) and result.dtype == np.uint8
    assert (result[5:15, 5:15] == 0).all() and result[0, 0] == 255
    assert np.array_equal(color, before)


def test_stages_yields_each_step_with_its_scan_and_process_returns_the_last(stages):
    image = np.full((20, 20), 200, np.uint8)
    image[5:15, 5:15] = 30
    pipeline = parse_pipeline("threshold(128) | invert(true)", stages)
    seen = list(pipeline.stages(image, 300))
    assert [step.stage.name for step, _ in seen] == ["threshold", "invert"]
    assert all(isinstance(scan, Scan) and scan.dpi == 300 for _, scan in seen)
    assert seen[0][1].pixels[10, 10] == 0 and seen[1][1].pixels[10, 10] == 255
    last = pipeline.process(image, 300)
    assert isinstance(last, Scan) and last.dpi == 300
    assert np.array_equal(last.pixels, seen[-1][1].pixels)
    assert np.array_equal(pipeline.run(image, 300), last.pixels)


def test_a_stage_that_mutates_its_input_fails_with_its_name_and_plugin():
    def mutate(scan):
        scan.pixels[0, 0] = 0
        return scan.pixels

    image = np.full((3, 3), 255, np.uint8)
    step = Step(Stage("mutate", mutate, "bad", plugin="bad-plugin"))
    with pytest.raises(InputError, match="stage mutate of plugin bad-plugin failed: ValueError"):
        step.run(Scan(image))
    assert (image == 255).all()


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            np.zeros((2, 2), np.uint8),
            r"changed the image shape from \(3, 3\) to \(2, 2\); a stage that changes the geometry "
            r"returns ocrprep\.Warped",
        ),
        (np.zeros((3, 3), np.float64), "returned a 2-D float64 array, not a 2-D uint8 image"),
        (Warped.scale(np.zeros((6, 6), np.float64), 2.0), "returned a 2-D float64 array"),
        (np.zeros((3, 3, 3), np.uint8), "returned a 3-D uint8 array"),
        (None, "returned NoneType"),
    ],
)
def test_a_stage_returning_the_wrong_thing_is_caught(result, message):
    step = Step(Stage("odd", lambda scan: result, "bad", plugin="p"))
    with pytest.raises(InputError, match="stage odd of plugin p " + message):
        step.run(Scan(np.full((3, 3), 255, np.uint8)))


def test_a_stage_may_change_the_shape_through_warped():
    step = Step(Stage("double", lambda scan: Warped.scale(np.zeros((6, 6), np.uint8), 2.0), "x2"))
    after = step.run(Scan(np.full((3, 3), 255, np.uint8), 150))
    assert after.pixels.shape == (6, 6) and after.dpi == 300


def test_boolean_parameters_accept_words():
    param = Param("flag", bool, "a switch")
    assert param.convert("yes") is True and param.convert("off") is False and param.convert(True) is True
    with pytest.raises(UsageError):
        param.convert("maybe")


def test_every_stage_gets_the_image_resolution():
    seen = []

    def record(scan):
        seen.append(scan.dpi)
        return scan.pixels.copy()

    stage = Stage("record", record, "remembers the dpi")

    Pipeline((Step(stage), Step(stage))).run(np.zeros((2, 2), np.uint8), dpi=600)
    Pipeline((Step(stage),)).run(np.zeros((2, 2), np.uint8))
    assert seen == [600, 600, None]
