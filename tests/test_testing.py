"""The conformance kit: good stages and engines pass, and each planted fault is caught by name."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

import ocrprep.builtin.tesseract
from ocrprep import Param, Recognition, Stage, Word, hookimpl
from ocrprep.builtin.despeckle import STAGES
from ocrprep.pipeline import Step
from ocrprep.plugins import load_plugin_module
from ocrprep.testing import check_engine, check_plugin, check_stage, edge_images

from .conftest import PLUGINS


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.name)
def test_every_built_in_stage_passes(stage):
    check_stage(stage)


def test_the_built_in_engine_passes_and_reads_the_digits():
    assert check_engine(ocrprep.builtin.tesseract, "tesseract").text == "4711"


def test_a_plugin_from_outside_the_package_passes_whole():
    check_plugin(load_plugin_module(str(PLUGINS / "extra_plugin.py")), engine="oneline")


def test_own_examples_are_run_too():
    calls = []

    def spy(image):
        calls.append(image.shape)
        return image.copy()

    check_stage(Stage("spy", spy, "Records shapes."), {"page": np.full((5, 9), 128, np.uint8)})
    assert (5, 9) in calls and (1, 1) in calls and (1, 200) in calls and (200, 1) in calls


def test_every_edge_image_is_2d_uint8_and_the_thin_ones_are_thin():
    images = edge_images()
    assert all(a.ndim == 2 and a.dtype == np.uint8 for a in images.values())
    assert images["1x200"].shape == (1, 200) and images["200x1"].shape == (200, 1)
    assert set(np.unique(images["all-black 32x48"])) == {0}


# Each broken stage and the start of the message that must name its fault.


def _writes_into_input(image):
    image[0] = 0
    return image.copy()


def _crops(image):
    return image[:, : max(1, image.shape[1] // 2)].copy()


def _floats(image):
    return image / 255.0


def _noisy(image):
    rng = np.random.default_rng()
    return np.where(rng.random(image.shape) < 0.5, 0, image).astype(np.uint8)


def _needs_a_neighbour(image):
    out = image.copy()
    out[1:, :] = np.minimum(image[1:, :], image[:-1, :])
    out[0, 0] = image[1, 1]  # fails on one-row and one-column images
    return out


def _returns_input(image):
    return image


def _returns_a_list(image):
    return image.tolist()


def _size(image, size=3):
    return image.copy()


def _size_five(image, size=5):
    return image.copy()


def _no_default(image, size):
    return image.copy()


class _Strict:
    """A custom parameter type that fails with the wrong exception on a bad value."""

    def __init__(self, value):
        self.value = {"a": 1, "b": 2}[value]

    def __eq__(self, other):
        return isinstance(other, _Strict) and other.value == self.value

    __hash__ = None


def _strict(image, mode=None):
    return image.copy()


SIZE = "window side"
BROKEN_STAGES = [
    pytest.param(
        Stage("writer", _writes_into_input, "Writes."),
        "stage writer on the all-white 32x48 image: it wrote into its input",
        id="writes-into-input",
    ),
    pytest.param(
        Stage("cropper", _crops, "Crops."),
        "stage cropper on the all-white 32x48 image: changed the shape from (32, 48) to (32, 24)",
        id="changes-shape",
    ),
    pytest.param(
        Stage("floater", _floats, "Floats."),
        "stage floater on the all-white 32x48 image: returned a 2-D float64 array, not a 2-D uint8 image",
        id="returns-float",
    ),
    pytest.param(
        Stage("dice", _noisy, "Random."),
        "stage dice on the all-white 32x48 image: two runs on the same image gave different results",
        id="nondeterministic",
    ),
    pytest.param(
        Stage("neighbour", _needs_a_neighbour, "Looks down."),
        "stage neighbour on the 1x1 white image: raised IndexError",
        id="crashes-on-1x1",
    ),
    pytest.param(
        Stage("same", _returns_input, "Returns its input."),
        "stage same on the all-white 32x48 image: returned its input",
        id="returns-input",
    ),
    pytest.param(
        Stage("lister", _returns_a_list, "Lists."),
        "stage lister on the all-white 32x48 image: returned list, not a numpy array",
        id="returns-list",
    ),
    pytest.param(
        Stage("s", _size, "Bad default.", (Param("size", int, "3", SIZE),)),
        "stage s, parameter size: the default '3' (str) is not a int",
        id="default-wrong-type",
    ),
    pytest.param(
        Stage("s", _size, "Out of range.", (Param("size", int, 3, SIZE, maximum=2),)),
        "stage s, parameter size: the default 3 is refused by its own Param",
        id="default-above-maximum",
    ),
    pytest.param(
        Stage("s", _size, "Not a choice.", (Param("size", int, 3, SIZE, choices=(5, 7)),)),
        "stage s, parameter size: the default 3 is refused",
        id="default-not-a-choice",
    ),
    pytest.param(
        Stage("s", _size, "Bad choice.", (Param("size", int, 5, SIZE, choices=(3, 5), minimum=4),)),
        "stage s, parameter size: the choice 3 is refused",
        id="choice-below-minimum",
    ),
    pytest.param(
        Stage("s", _size, "Limits.", (Param("size", int, 3, SIZE, minimum=9, maximum=1),)),
        "stage s, parameter size: minimum 9 > maximum 1",
        id="minimum-above-maximum",
    ),
    pytest.param(
        Stage("s", _size_five, "Two defaults.", (Param("size", int, 3, SIZE),)),
        "stage s, parameter size: Param default 3 differs from the function's default 5",
        id="two-defaults",
    ),
    pytest.param(
        Stage("s", _no_default, "No default.", (Param("size", int, 3, SIZE),)),
        "stage s, parameter size: _no_default gives size no default",
        id="no-function-default",
    ),
    pytest.param(
        Stage("s", _size, "Wrong name.", (Param("width", int, 3, SIZE),)),
        "stage s, parameter width: _size has no argument width",
        id="param-not-an-argument",
    ),
    pytest.param(
        Stage("s", _size, "Dashed name.", (Param("min-size", int, 3, SIZE),)),
        "stage s, parameter min-size: the name must be a Python identifier",
        id="param-name-with-dash",
    ),
    pytest.param(
        Stage("s", _strict, "Strict type.", (Param("mode", _Strict, "a", "mode"),)),
        "stage s, parameter mode: convert('\\x00not a value\\x00') raised KeyError",
        id="type-raises-keyerror",
    ),
    pytest.param(
        Stage("s", _size, "Needs DPI.", needs_dpi=True),
        "stage s has needs_dpi=True but _size takes no dpi argument",
        id="needs-dpi-without-dpi",
    ),
    pytest.param(
        Stage("my stage", _size, "Spaces."),
        "stage name 'my stage' cannot be written in a pipeline",
        id="name-with-space",
    ),
    pytest.param(
        Stage("s", _size, " "),
        "stage s: doc is empty",
        id="empty-doc",
    ),
]


@pytest.mark.parametrize(("stage", "message"), BROKEN_STAGES)
def test_each_planted_stage_fault_is_caught_with_its_own_message(stage, message):
    with pytest.raises(AssertionError) as caught:
        check_stage(stage)
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_stage_that_writes_into_its_input_even_without_changing_it_is_told_to_work_on_a_copy():
    def sorts_in_place(image):
        image[:] = np.maximum(image, 0)  # same values, but a write: the runner's input is read-only
        return image.copy()

    message = r"on the all-white 32x48 image \(read-only input\): raised ValueError: .*work on a copy"
    with pytest.raises(AssertionError, match=message):
        check_stage(Stage("clip", sorts_in_place, "Clips."))


def test_a_fault_only_some_arguments_reach_names_those_arguments():
    def blur(image, size=3):
        if size == 7:
            return image.astype(np.float32)
        return image.copy()

    stage = Stage("blur", blur, "Blurs.", (Param("size", int, 3, SIZE, choices=(3, 5, 7)),))
    with pytest.raises(AssertionError, match=re.escape("stage blur(size=7) on the all-white 32x48 image")):
        check_stage(stage)


def test_the_kit_and_the_runner_agree_on_what_a_stage_may_return():
    """A stage the kit refuses for its result is one the pipeline runner refuses too."""
    for stage, message in (case.values for case in BROKEN_STAGES[1:3]):
        with pytest.raises(AssertionError, match=re.escape(message)):
            check_stage(stage)
        with pytest.raises(ocrprep.errors.InputError):
            Step(stage).run(np.full((32, 48), 255, np.uint8))


# Broken engines.


def _engine(answer):
    def recognize(image, dpi, options):
        if options.engine != "fake":
            return None
        return answer(image)

    return recognize


GOOD = Recognition("4711", 90.0, (Word("4711", 90.0, 2, 2, 20, 10),), "fake")
BROKEN_ENGINES = [
    pytest.param(
        lambda image, dpi, options: GOOD,
        "engine fake: recognize answered for engine 'not-fake'",
        id="answers-for-every-engine",
    ),
    pytest.param(
        _engine(lambda image: {"text": "4711"}),
        "engine fake returned dict for a writable copy of the image, not ocrprep.Recognition",
        id="returns-dict",
    ),
    pytest.param(
        _engine(lambda image: Recognition("4711", 140.0, (), "fake")),
        "engine fake on the image: confidence 140.0 is not a number from 0 to 100",
        id="confidence-over-100",
    ),
    pytest.param(
        _engine(lambda image: Recognition("4711", 0.9, [GOOD.words[0]], "fake")),
        "engine fake on the image: words is list",
        id="words-a-list",
    ),
    pytest.param(
        _engine(lambda image: Recognition("4711", 90.0, (Word("4711", 90, 2, 2, 9999, 10),), "fake")),
        "engine fake on the image: word '4711' has box",
        id="box-outside-image",
    ),
    pytest.param(
        _engine(lambda image: Recognition("4711", None, (), "")),
        "engine fake on the image: Recognition.engine is ''",
        id="no-engine-name",
    ),
    pytest.param(
        _engine(lambda image: Recognition(b"4711", None, (), "fake")),
        "engine fake on the image: text is bytes, not str",
        id="text-bytes",
    ),
    pytest.param(
        _engine(lambda image: Recognition("47ll", None, (), "fake")),
        "engine fake read '47ll' from the image, expected '4711'",
        id="wrong-text",
    ),
    pytest.param(
        _engine(lambda image: (image.fill(0), GOOD)[1]),
        "engine fake wrote into its input image",
        id="writes-into-image",
    ),
    pytest.param(
        _engine(lambda image: 1 / 0),
        "engine fake failed on a writable copy of the image: ZeroDivisionError",
        id="crashes",
    ),
]


@pytest.mark.parametrize(("recognize", "message"), BROKEN_ENGINES)
def test_each_planted_engine_fault_is_caught_with_its_own_message(recognize, message):
    with pytest.raises(AssertionError) as caught:
        check_engine(SimpleNamespace(recognize=recognize), "fake", digits=False)
    assert str(caught.value).startswith(message), str(caught.value)


def test_an_engine_that_ignores_digits_mode_is_caught():
    reading = Recognition("4711 kg", None, (), "fake")
    with pytest.raises(AssertionError, match="with digits=True: 'gk' is not among"):
        check_engine(_engine(lambda image: reading), "fake", expected="4711 kg")


def test_a_plugin_with_a_misspelled_hook_or_a_stage_clashing_with_a_built_in_fails_whole():
    with pytest.raises(AssertionError, match=r"does not fit ocrprep's hooks: .*preprocess_stage"):
        check_plugin(load_plugin_module(str(PLUGINS / "misspelled_plugin.py")))
    with pytest.raises(AssertionError, match="stage 'threshold' clashes with a built-in stage"):
        check_plugin(load_plugin_module(str(PLUGINS / "duplicate_plugin.py")))
    with pytest.raises(AssertionError, match="implements recognize: pass engine="):
        check_plugin(load_plugin_module(str(PLUGINS / "extra_plugin.py")))


def test_a_plugin_with_no_hooks_fails():
    class Empty:
        @hookimpl
        def unrelated(self):  # not a hook name: refused before anything else
            return None

    with pytest.raises(AssertionError, match="does not fit ocrprep's hooks"):
        check_plugin(Empty())
    with pytest.raises(AssertionError, match="implements no hook"):
        check_plugin(SimpleNamespace())
