"""The conformance kit: good stages and engines pass, and each planted fault is caught by name."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

import ocrprep.builtin.geometry
import ocrprep.builtin.tesseract
from ocrprep import Engine, Param, Recognition, Scan, Size, Stage, Warped, Word, hookimpl
from ocrprep.builtin.despeckle import STAGES
from ocrprep.errors import InputError
from ocrprep.pipeline import Step
from ocrprep.plugins import load_plugin_module
from ocrprep.testing import check_engine, check_plugin, check_stage, edge_images

from .conftest import PLUGINS


@pytest.mark.parametrize("stage", STAGES + ocrprep.builtin.geometry.STAGES, ids=lambda s: s.name)
def test_every_built_in_stage_passes(stage):
    check_stage(stage)


def test_the_built_in_engine_passes_and_reads_the_digits():
    (engine,) = ocrprep.builtin.tesseract.recognize_engines()
    assert set(engine.renders) == {"pdf", "hocr", "alto", "tsv"}, "each of its documents is checked too"
    assert check_engine(engine).text == "4711"


def test_a_plugin_from_outside_the_package_passes_whole():
    check_plugin(load_plugin_module(str(PLUGINS / "extra_plugin.py")))


def test_own_examples_are_run_too():
    calls = []

    def spy(scan):
        calls.append((scan.pixels.shape, scan.dpi))
        return scan.pixels.copy()

    check_stage(Stage("spy", spy, "Records shapes."), {"page": np.full((5, 9), 128, np.uint8)})
    shapes = {shape for shape, _ in calls}
    assert (5, 9) in shapes and (1, 1) in shapes and (1, 200) in shapes and (200, 1) in shapes
    assert ((5, 9), 300) in calls and ((5, 9), None) in calls, "at 300 DPI and with the DPI unknown"


def test_every_edge_image_is_2d_uint8_and_the_thin_ones_are_thin():
    images = edge_images()
    assert all(a.ndim == 2 and a.dtype == np.uint8 for a in images.values())
    assert images["1x200"].shape == (1, 200) and images["200x1"].shape == (200, 1)
    assert set(np.unique(images["all-black 32x48"])) == {0}


def _trims(scan):
    """A stage that changes the shape the right way: a Warped crop."""
    pixels = scan.pixels
    if min(pixels.shape) < 3:
        return pixels.copy()
    return Warped.crop(pixels[1:-1, 1:-1].copy(), 1, 1)


def test_a_stage_that_changes_the_shape_through_warped_passes():
    check_stage(Stage("trim", _trims, "Trims a pixel off every side."))


# Each broken stage and the start of the message that must name its fault.


def _writes_into_input(scan):
    scan.pixels[0] = 0
    return scan.pixels.copy()


def _writes_through_the_base(scan):
    scan.pixels.base[0] = 0  # gets round the read-only view
    return scan.pixels.copy()


def _crops(scan):
    return scan.pixels[:, : max(1, scan.pixels.shape[1] // 2)].copy()


def _floats(scan):
    return scan.pixels / 255.0


def _warps_floats(scan):
    return Warped.scale(scan.pixels / 255.0, 1.0)


def _noisy(scan):
    rng = np.random.default_rng()
    return np.where(rng.random(scan.pixels.shape) < 0.5, 0, scan.pixels).astype(np.uint8)


def _needs_a_neighbour(scan):
    image = scan.pixels
    out = image.copy()
    out[1:, :] = np.minimum(image[1:, :], image[:-1, :])
    out[0, 0] = image[1, 1]  # fails on one-row and one-column images
    return out


def _returns_input(scan):
    return scan.pixels


def _returns_a_view(scan):
    return scan.pixels[:, :]


def _returns_a_list(scan):
    return scan.pixels.tolist()


def _size(scan, size=3):
    return scan.pixels.copy()


def _size_five(scan, size=5):
    return scan.pixels.copy()


def _size_text(scan, size="3"):
    return scan.pixels.copy()


def _no_default(scan, size):
    return scan.pixels.copy()


def _keyword_only(*, scan=None, size=3):
    return scan.pixels.copy()


class _Strict:
    """A custom parameter type that fails with the wrong exception on a bad value."""

    def __init__(self, value):
        self.value = {"a": 1, "b": 2}[value]

    def __eq__(self, other):
        return isinstance(other, _Strict) and other.value == self.value

    __hash__ = None


def _strict(scan, mode="a"):
    return scan.pixels.copy()


SIZE = "window side"
WHITE = "on the all-white 32x48 image at dpi=300"
BROKEN_STAGES = [
    pytest.param(
        Stage("writer", _writes_into_input, "Writes."),
        f"stage writer {WHITE}: raised ValueError",
        id="writes-into-input",
    ),
    pytest.param(
        Stage("writer", _writes_through_the_base, "Writes."),
        f"stage writer {WHITE}: it wrote into its input",
        id="writes-through-the-base",
    ),
    pytest.param(
        Stage("cropper", _crops, "Crops."),
        f"stage cropper {WHITE}: changed the shape from (32, 48) to (32, 24); a stage that scales, crops "
        "or rotates returns ocrprep.Warped",
        id="changes-shape-without-warped",
    ),
    pytest.param(
        Stage("floater", _floats, "Floats."),
        f"stage floater {WHITE}: returned a 2-D float64 array, not a 2-D uint8 image",
        id="returns-float",
    ),
    pytest.param(
        Stage("floater", _warps_floats, "Floats, warped."),
        f"stage floater {WHITE}: returned a 2-D float64 array, not a 2-D uint8 image",
        id="returns-warped-float",
    ),
    pytest.param(
        Stage("dice", _noisy, "Random."),
        f"stage dice {WHITE}: two runs on the same image gave different results",
        id="nondeterministic",
    ),
    pytest.param(
        Stage("neighbour", _needs_a_neighbour, "Looks down."),
        "stage neighbour on the 1x1 white image at dpi=300: raised IndexError",
        id="crashes-on-1x1",
    ),
    pytest.param(
        Stage("same", _returns_input, "Returns its input."),
        f"stage same {WHITE}: returned its input",
        id="returns-input",
    ),
    pytest.param(
        Stage("same", _returns_a_view, "Returns a view of its input."),
        f"stage same {WHITE}: returned its input (or a view of it)",
        id="returns-a-view",
    ),
    pytest.param(
        Stage("lister", _returns_a_list, "Lists."),
        f"stage lister {WHITE}: returned list, not a numpy array or ocrprep.Warped",
        id="returns-list",
    ),
    pytest.param(
        Stage("s", _size_five, "Bad choice.", (Param("size", int, SIZE, choices=(3, 5), minimum=4),)),
        "stage s, parameter size: the choice 3 is refused",
        id="choice-below-minimum",
    ),
    pytest.param(
        Stage("s", _size, "No doc.", (Param("size", int, " "),)),
        "stage s, parameter size: doc is empty",
        id="param-without-doc",
    ),
    pytest.param(
        Stage("s", _strict, "Strict type.", (Param("mode", _Strict, "mode"),)),
        "stage s, parameter mode: convert('\\x00not a value\\x00') raised KeyError",
        id="type-raises-keyerror",
    ),
    pytest.param(
        Stage("s", _keyword_only, "Keyword only.", (Param("size", int, SIZE),)),
        "stage s: _keyword_only must take the Scan as its first argument",
        id="scan-not-positional",
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


# Faults the types now refuse when the stage is declared, before any check runs.

DECLARATION_FAULTS = [
    pytest.param(
        lambda: Stage("s", _size, "Out of range.", (Param("size", int, SIZE, maximum=2),)),
        "stage s: the default is refused: parameter size must be at most 2, got 3",
        id="default-above-maximum",
    ),
    pytest.param(
        lambda: Stage("s", _size, "Not a choice.", (Param("size", int, SIZE, choices=(5, 7)),)),
        "stage s: the default is refused: parameter size must be one of 5, 7, got 3",
        id="default-not-a-choice",
    ),
    pytest.param(
        lambda: Stage("s", _size, "Limits.", (Param("size", int, SIZE, minimum=9, maximum=1),)),
        "stage s, parameter size: minimum 9 > maximum 1",
        id="minimum-above-maximum",
    ),
    pytest.param(
        lambda: Stage("s", _size_five, "Two defaults.", (Param("size", int, SIZE, default=3),)),
        "unexpected keyword argument 'default'",
        id="two-defaults",
    ),
    pytest.param(
        lambda: Stage("s", _no_default, "No default.", (Param("size", int, SIZE),)),
        "stage s: _no_default has no argument size with a default; declare the default in the function's "
        "signature",
        id="no-function-default",
    ),
    pytest.param(
        lambda: Stage("s", _size, "Wrong name.", (Param("width", int, SIZE),)),
        "stage s: _size has no argument width with a default",
        id="param-not-an-argument",
    ),
    pytest.param(
        lambda: Stage("s", _size, "Dashed name.", (Param("min-size", int, SIZE),)),
        "stage s, parameter min-size: the name must be a Python identifier (use _ not -)",
        id="param-name-with-dash",
    ),
    pytest.param(
        lambda: Stage("s", _size, "Needs DPI.", needs_dpi=True),
        "unexpected keyword argument 'needs_dpi'",
        id="needs-dpi",
    ),
]


@pytest.mark.parametrize(("declare", "message"), DECLARATION_FAULTS)
def test_each_declaration_fault_is_refused_when_the_stage_is_built(declare, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        declare()


def test_the_default_a_param_reports_is_the_functions_converted_by_the_param():
    stage = Stage("s", _size_five, "Five.", (Param("size", float, SIZE),))
    assert stage.params[0].default == 5.0 and type(stage.params[0].default) is float


def test_a_function_default_of_the_wrong_type_is_refused_when_the_stage_is_built():
    with pytest.raises(TypeError, match=r"parameter size: the function's default '3' is a str, not int"):
        Stage("s", _size_text, "Bad default.", (Param("size", int, SIZE),))


def test_a_param_written_in_the_old_order_is_refused_with_a_message():
    with pytest.raises(
        TypeError, match=r"stage s, parameter size: doc and unit must be text.*takes no default"
    ):
        Stage("s", _size, "Old order.", (Param("size", int, 3, SIZE),))  # type: ignore[arg-type]


def test_the_host_calls_a_stage_with_its_converted_defaults():
    seen = []

    def spy(scan, size: Size | str = "1pt"):
        seen.append(size)
        return scan.pixels.copy()

    stage = Stage("spy", spy, "Spies.", (Param("size", Size, "a size"),))
    Step(stage).run(Scan(np.full((3, 3), 255, np.uint8)))
    assert seen == [Size("1pt")]


def test_a_stage_that_writes_into_its_input_even_without_changing_it_is_told_to_work_on_a_copy():
    def sorts_in_place(scan):
        scan.pixels[:] = np.maximum(scan.pixels, 0)  # same values, but a write: the pixels are read-only
        return scan.pixels.copy()

    message = rf"{WHITE}: raised ValueError: .*writes into scan\.pixels, which are read-only: work on a copy"
    with pytest.raises(AssertionError, match=message):
        check_stage(Stage("clip", sorts_in_place, "Clips."))


def test_a_fault_only_some_arguments_reach_names_those_arguments():
    def blur(scan, size=3):
        if size == 7:
            return scan.pixels.astype(np.float32)
        return scan.pixels.copy()

    stage = Stage("blur", blur, "Blurs.", (Param("size", int, SIZE, choices=(3, 5, 7)),))
    with pytest.raises(AssertionError, match=re.escape(f"stage blur(size=7) {WHITE}")):
        check_stage(stage)


def test_a_fault_only_without_a_dpi_says_so():
    def needs_dpi(scan):
        return scan.pixels.copy() if scan.dpi else None

    message = "stage dpi on the all-white 32x48 image at dpi=None: returned NoneType"
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_stage(Stage("dpi", needs_dpi, "Needs a DPI."))


def test_the_kit_and_the_runner_agree_on_what_a_stage_may_return():
    """A stage the kit refuses for its result is one the pipeline runner refuses too, and the other way."""
    refused = ("changes-shape-without-warped", "returns-float", "returns-warped-float", "returns-list")
    cases = [case for case in BROKEN_STAGES if case.id in refused]
    assert len(cases) == len(refused)
    for stage, message in (case.values for case in cases):
        with pytest.raises(AssertionError, match=re.escape(message)):
            check_stage(stage)
        with pytest.raises(InputError):
            Step(stage).run(Scan(np.full((32, 48), 255, np.uint8), 300))
    after = Step(Stage("trim", _trims, "Trims.")).run(Scan(np.full((32, 48), 255, np.uint8), 300))
    assert after.pixels.shape == (30, 46)


# Broken engines.


def _engine(answer, name="fake", doc="Fake.", renders=None):
    return Engine(name, lambda image, dpi, options: answer(image), doc, renders or {})


def _fails_on_white(image):
    if image.min() == 255:
        raise RuntimeError("nothing to read")
    return GOOD


def _pdf(document):
    return {"pdf": lambda image, dpi, options: document}


GOOD = Recognition("4711", 90.0, (Word("4711", 90.0, 2, 2, 20, 10),), "fake")
BROKEN_ENGINES = [
    pytest.param(
        SimpleNamespace(name="fake", read=lambda image, dpi, options: GOOD, doc="Fake.", renders={}),
        "namespace(",
        id="not-an-engine",
    ),
    pytest.param(
        _engine(lambda image: GOOD, name="my engine"),
        "engine name 'my engine' cannot be given to --engine",
        id="name-with-space",
    ),
    pytest.param(
        Engine("fake", None, "Fake."),
        "engine fake: read None is not callable",
        id="read-not-callable",
    ),
    pytest.param(
        _engine(lambda image: GOOD, doc=" "),
        "engine fake: doc is empty",
        id="empty-doc",
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
        _engine(lambda image: (image.__setitem__((0, 0), image[0, 0]), GOOD)[1]),
        "engine fake failed on a read-only image: ValueError",
        id="writes-same-values",
    ),
    pytest.param(
        _engine(lambda image: 1 / 0),
        "engine fake failed on a writable copy of the image: ZeroDivisionError",
        id="crashes",
    ),
    pytest.param(
        _engine(_fails_on_white),
        "engine fake failed on an all-white image: RuntimeError: nothing to read",
        id="crashes-on-a-blank-page",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders=_pdf("%PDF-1.5 ...")),
        "engine fake wrote pdf as str; return the document's bytes",
        id="render-returns-str",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders=_pdf(b"<html></html>")),
        "engine fake: its pdf output is not a PDF file",
        id="pdf-not-a-pdf",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders={"hocr": lambda image, dpi, options: b"<html><body>"}),
        "engine fake: its hocr output is not well-formed XML",
        id="hocr-not-xml",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders={"alto": lambda image, dpi, options: b"4711"}),
        "engine fake: its alto output is not well-formed XML",
        id="alto-not-xml",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders={"tsv": lambda image, dpi, options: b"4711\t2\t2\n"}),
        "engine fake: its tsv output has no left/top/text header",
        id="tsv-without-header",
    ),
    pytest.param(
        _engine(lambda image: GOOD, renders={"hocr": lambda image, dpi, options: 1 / 0}),
        "engine fake failed to write hocr: ZeroDivisionError",
        id="render-crashes",
    ),
]


@pytest.mark.parametrize(("engine", "message"), BROKEN_ENGINES)
def test_each_planted_engine_fault_is_caught_with_its_own_message(engine, message):
    with pytest.raises(AssertionError) as caught:
        check_engine(engine, digits=False)
    assert str(caught.value).startswith(message), str(caught.value)


def test_an_engine_with_good_renders_passes():
    renders = {
        "pdf": lambda image, dpi, options: b"%PDF-1.7\n",
        "hocr": lambda image, dpi, options: b"<html><body>4711</body></html>",
        "tsv": lambda image, dpi, options: b"level\tleft\ttop\ttext\n5\t2\t2\t4711\n",
        "txt": lambda image, dpi, options: b"4711",  # a format the kit knows nothing of: bytes suffice
    }
    engine = _engine(lambda image: GOOD, renders=renders)
    assert check_engine(engine, digits=False) is not None


def test_an_engine_that_ignores_digits_mode_is_caught():
    reading = Recognition("4711 kg", None, (), "fake")
    with pytest.raises(AssertionError, match="with digits=True: 'gk' is not among"):
        check_engine(_engine(lambda image: reading), expected="4711 kg")


# Whole plugins.


def _plugin(name, **hooks):
    """A plugin object called ``name`` implementing ``hooks`` (each a function returning its list)."""
    return type(name, (), {hook: hookimpl(staticmethod(func)) for hook, func in hooks.items()})()


def test_a_plugin_with_a_misspelled_hook_or_a_stage_clashing_with_a_built_in_fails_whole():
    with pytest.raises(AssertionError, match=r"does not fit ocrprep's hooks: .*preprocess_stage"):
        check_plugin(load_plugin_module(str(PLUGINS / "misspelled_plugin.py")))
    with pytest.raises(AssertionError, match="stage 'threshold' clashes with a built-in one"):
        check_plugin(load_plugin_module(str(PLUGINS / "duplicate_plugin.py")))


def test_a_plugin_still_on_the_old_recognize_hook_is_refused():
    old = _plugin("Old", recognize=lambda image, dpi, options: None)
    with pytest.raises(AssertionError, match=r"plugin Old does not fit ocrprep's hooks: .*recognize"):
        check_plugin(old)


def test_every_engine_of_a_plugin_is_checked_and_may_not_clash_or_repeat():
    good = _engine(lambda image: GOOD)
    clash = _plugin("Clash", recognize_engines=lambda: [Engine("tesseract", good.read, "Mine.")])
    with pytest.raises(AssertionError, match="plugin Clash: engine 'tesseract' clashes with a built-in one"):
        check_plugin(clash)
    twice = _plugin("Twice", recognize_engines=lambda: [good, good])
    with pytest.raises(AssertionError, match=re.escape("plugin Twice contributes one engine name twice")):
        check_plugin(twice)
    stage = Stage("s", _size, "A stage.")
    wrong = _plugin("Wrong", recognize_engines=lambda: [stage])
    with pytest.raises(AssertionError, match=r"plugin Wrong returned Stage.*, not an ocrprep\.Engine"):
        check_plugin(wrong)
    broken = _plugin("Broken", recognize_engines=lambda: [_engine(lambda image: {"text": "4711"})])
    with pytest.raises(AssertionError, match="engine fake returned dict"):
        check_plugin(broken)
    check_plugin(_plugin("Fine", recognize_engines=lambda: [good]))


def test_every_stage_of_a_plugin_is_checked():
    floats = _plugin("Floats", preprocess_stages=lambda: [Stage("floater", _floats, "Floats.")])
    with pytest.raises(AssertionError, match=re.escape(f"stage floater {WHITE}: returned a 2-D float64")):
        check_plugin(floats)


def test_a_plugin_with_no_hooks_fails():
    class Empty:
        @hookimpl
        def unrelated(self):  # not a hook name: refused before anything else
            return None

    with pytest.raises(AssertionError, match="does not fit ocrprep's hooks"):
        check_plugin(Empty())
    with pytest.raises(AssertionError, match="implements no hook"):
        check_plugin(SimpleNamespace())
