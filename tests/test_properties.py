"""Property-based tests over every built-in stage, with random images and parameters."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ocrprep.errors import UsageError
from ocrprep.pipeline import Step
from ocrprep.plugins import Host
from ocrprep.types import Param, Scan, Stage

STAGES = {name: stage for name, stage in Host().stages.items() if stage.plugin == "despeckle"}

images = st.integers(1, 32).flatmap(
    lambda h: st.integers(1, 32).flatmap(lambda w: arrays(np.uint8, (h, w), elements=st.integers(0, 255)))
)
binary_images = images.map(lambda a: np.where(a < 128, 0, 255).astype(np.uint8))


def run(step: Step, image: np.ndarray, dpi: int | None = None) -> np.ndarray:
    """The step's pixels for ``image``, as a pipeline runs it: on a Scan."""
    return step.run(Scan(image, dpi)).pixels


def values(param: Param) -> st.SearchStrategy[object]:
    """Values the parameter accepts: its choices, or numbers in a small range inside its limits."""
    if param.choices:
        return st.sampled_from(param.choices)
    if param.type is int:
        low = int(param.minimum or 0)
        return st.integers(low, int(param.maximum) if param.maximum is not None else low + 6)
    if param.type is float:
        low = param.minimum or 0.0
        return st.floats(low, param.maximum if param.maximum is not None else low + 2.0)
    return st.just(param.default)


def steps(stage: Stage) -> st.SearchStrategy[Step]:
    return st.fixed_dictionaries({p.name: values(p) for p in stage.params}).map(
        lambda args: Step(stage, args)
    )


any_step = st.sampled_from(sorted(STAGES)).flatmap(lambda name: steps(STAGES[name]))


@settings(max_examples=150, deadline=None)
@given(step=any_step, image=images, dpi=st.sampled_from([None, 72, 300, 600]))
def test_every_stage_keeps_shape_and_dtype_leaves_its_input_and_repeats_itself(step, image, dpi):
    before = image.copy()
    first = run(step, image, dpi)
    assert first.shape == image.shape and first.dtype == np.uint8
    assert np.array_equal(image, before)
    assert np.array_equal(first, run(step, image, dpi))


@settings(max_examples=100, deadline=None)
@given(step=steps(STAGES["threshold"]), image=images)
def test_threshold_returns_only_ink_and_paper(step, image):
    assert set(np.unique(run(step, image))) <= {0, 255}


@settings(max_examples=100, deadline=None)
@given(step=steps(STAGES["remove-specks"]), image=binary_images)
def test_remove_specks_is_idempotent_and_only_removes_ink(step, image):
    once = run(step, image)
    assert np.array_equal(run(step, once), once)
    assert (once >= image).all()


@settings(max_examples=100, deadline=None)
@given(step=steps(STAGES["opening"]), image=images)
def test_opening_never_adds_ink(step, image):
    assert (run(step, image) >= image).all()


@settings(max_examples=200, deadline=None)
@given(
    param=st.sampled_from([p for stage in STAGES.values() for p in stage.params]),
    raw=st.one_of(st.text(max_size=8), st.integers(-1000, 1000), st.floats(allow_nan=True), st.booleans()),
)
def test_bad_parameter_values_raise_only_the_documented_usage_error(param, raw):
    try:
        param.convert(raw)
    except UsageError as exc:
        assert param.name in str(exc)
