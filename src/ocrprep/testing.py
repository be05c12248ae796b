"""The conformance kit: checks a plugin author calls from their own test suite.

Each check raises :class:`AssertionError` with one message per fault, naming the stage (or engine),
the image and the arguments, so a failing test says what to fix::

    # tests/test_my_plugin.py
    import ocrprep_median
    from ocrprep.testing import check_plugin

    def test_the_plugin_keeps_the_hook_contract():
        check_plugin(ocrprep_median)

:func:`check_stage` runs a stage on a :class:`~ocrprep.Scan` of all-white, all-black, 1x1 and
very thin (1x200, 200x1) images, a small noisy text image and your own examples, at 300 DPI and
with the DPI unknown, with its defaults and with each choice and limit of every parameter. It checks
that the stage returns a new 2-D ``uint8`` image of the input's shape (or an :class:`~ocrprep.Warped`
when it changes the geometry), never writes into its input, and gives the same result twice; and
that its parameters are declared coherently (limits are ordered, a value out of range or not among
the choices is refused with :class:`~ocrprep.errors.UsageError`).

:func:`check_engine` calls an :class:`~ocrprep.Engine`: ``read`` must return an
:class:`~ocrprep.Recognition` (text ``str``, confidence a float from 0 to 100 or None, words a tuple
of :class:`~ocrprep.Word` with boxes inside the image) without touching the image, and each of its
``renders`` bytes. Plain functions: nothing here imports pytest.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pluggy
from PIL import Image, ImageDraw, ImageFont

from . import hookspecs
from .errors import UsageError
from .hookspecs import PROJECT
from .plugins import Host
from .types import DIGIT_CHARACTERS, Engine, Param, Recognition, RecognizeOptions, Scan, Stage, Warped, Word

__all__ = ["check_engine", "check_plugin", "check_stage", "edge_images", "render_text"]

_STAGE_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
_GARBAGE = "\x00not a value\x00"


def render_text(text: str, size: int = 40, margin: int = 16) -> np.ndarray:
    """Black ``text`` on white as a 2-D ``uint8`` array, drawn with Pillow's bundled font."""
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (int(right - left) + 2 * margin, int(bottom - top) + 2 * margin), 255)
    ImageDraw.Draw(img).text((margin - left, margin - top), text, font=font, fill=0)
    return np.asarray(img).copy()


def edge_images() -> dict[str, np.ndarray]:
    """The images every stage must handle: uniform, tiny, very thin, and a noisy line of text."""
    text = render_text("Total 1,234.56", size=24)
    noise = np.random.default_rng(0).random(text.shape)
    noisy = text.copy()
    noisy[noise < 0.02] = 0
    noisy[noise > 0.98] = 255
    gradient = np.tile(np.linspace(0, 255, 37).astype(np.uint8), (23, 1))
    return {
        "all-white 32x48": np.full((32, 48), 255, np.uint8),
        "all-black 32x48": np.zeros((32, 48), np.uint8),
        "1x1 white": np.full((1, 1), 255, np.uint8),
        "1x1 black": np.zeros((1, 1), np.uint8),
        "1x200": np.where(np.arange(200) % 7 < 3, 0, 255).astype(np.uint8)[np.newaxis, :],
        "200x1": np.where(np.arange(200) % 7 < 3, 0, 255).astype(np.uint8)[:, np.newaxis],
        "gray gradient 23x37": gradient,
        "noisy text": noisy,
    }


def check_stage(
    stage: Stage,
    examples: Mapping[str, np.ndarray] | None = None,
    *,
    args: Iterable[Mapping[str, Any]] | None = None,
) -> None:
    """Check that ``stage`` keeps the stage contract of ``ocrprep.hookspecs.preprocess_stages``.

    Parameters
    ----------
    stage
        The stage as your ``preprocess_stages`` hook returns it.
    examples
        Your own images, by a name used in messages: 2-D ``uint8``, 0 = ink, 255 = paper. They are
        added to :func:`edge_images`.
    args
        The argument sets to run with. By default: no arguments (the defaults), then each choice
        and each finite limit of every parameter, one parameter at a time.

    Raises
    ------
    AssertionError
        At the first fault, saying which stage, image and arguments, and what to change.

    Examples
    --------
    >>> from ocrprep.plugins import Host
    >>> check_stage(Host().stages["remove-specks"])
    """
    _check_declaration(stage)
    images = {**edge_images(), **(examples or {})}
    for label, image in images.items():
        _require(
            isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 2,
            f"example {label!r} must be a 2-D uint8 array, not {_describe(image)}",
        )
    for arguments in _argument_sets(stage) if args is None else args:
        for dpi in (300, None):
            for label, image in images.items():
                _check_run(stage, dict(arguments), label, image, dpi)


def check_engine(
    engine: Engine,
    *,
    image: np.ndarray | None = None,
    expected: str | None = "4711",
    digits: bool = True,
) -> Recognition:
    """Check that an engine keeps the engine contract; return its reading of ``image``.

    Parameters
    ----------
    engine
        The engine as your ``recognize_engines`` hook returns it.
    image
        The image to read; by default ``4711`` rendered in black on white.
    expected
        The text the engine must read from ``image`` (whitespace-trimmed); None skips this check.
    digits
        Also check that ``RecognizeOptions(digits=True)`` returns digits and ``.,-/:`` only.

    Raises
    ------
    AssertionError
        At the first fault: a result that is not a ``Recognition`` of the documented types, an
        image written into, the wrong text, or a render that is not bytes.
    """
    _require(isinstance(engine, Engine), f"{engine!r} is not an ocrprep.Engine")
    name = engine.name
    _require(bool(_STAGE_NAME.match(name)), f"engine name {name!r} cannot be given to --engine")
    _require(callable(engine.read), f"engine {name}: read {engine.read!r} is not callable")
    _require(bool(engine.doc.strip()), f"engine {name}: doc is empty; say in one line what it is")
    picture = render_text("4711", size=40) if image is None else image
    _require(
        isinstance(picture, np.ndarray) and picture.dtype == np.uint8 and picture.ndim == 2,
        f"the image to read must be a 2-D uint8 array, not {_describe(picture)}",
    )
    options = RecognizeOptions(engine=name)
    writable = picture.copy()
    result = _recognize(engine, writable, "a writable copy of the image", options)
    _require(np.array_equal(writable, picture), f"engine {name} wrote into its input image; read a copy")
    again = _recognize(engine, _read_only(picture), "a read-only image", options)
    for label, reading in (("the image", result), ("the read-only image", again)):
        _check_recognition(name, reading, picture.shape, label)
    if expected is not None:
        _require(
            result.text.strip() == expected,
            f"engine {name} read {result.text!r} from the image, expected {expected!r}",
        )
    if digits:
        reading = _recognize(
            engine,
            _read_only(picture),
            "the image with digits=True",
            RecognizeOptions(engine=name, digits=True),
        )
        _check_recognition(name, reading, picture.shape, "the image with digits=True")
        stray = sorted(set(reading.text) - set(DIGIT_CHARACTERS) - set(" \n"))
        _require(
            not stray,
            f"engine {name} returned {reading.text!r} with digits=True: {''.join(stray)!r} is not among "
            f"{DIGIT_CHARACTERS!r}",
        )
    blank = _recognize(engine, _read_only(np.full((40, 120), 255, np.uint8)), "an all-white image", options)
    _check_recognition(name, blank, (40, 120), "an all-white image")
    for kind, render in engine.renders.items():
        try:
            document = render(_read_only(picture), 300, options)
        except Exception as exc:
            raise AssertionError(
                f"engine {name} failed to write {kind}: {type(exc).__name__}: {exc}"
            ) from exc
        _require(
            isinstance(document, bytes) and len(document) > 0,
            f"engine {name} wrote {kind} as {type(document).__name__}; return the document's bytes",
        )
        _check_document(name, kind, document)
    return result


def check_plugin(plugin: object, examples: Mapping[str, np.ndarray] | None = None) -> None:
    """Check a whole plugin module or object: its hooks exist, its stages and its engines conform.

    Registers ``plugin`` in a new plugin manager with ocrprep's hook specifications (a misspelled
    hook fails here, as it would in ``ocrprep``), then runs :func:`check_stage` on every stage it
    contributes (with ``examples``) and :func:`check_engine` on every engine.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise AssertionError(f"plugin {name} does not fit ocrprep's hooks: {exc}") from None
    hooks = {caller.name for caller in pm.get_hookcallers(plugin) or ()}
    _require(bool(hooks), f"plugin {name} implements no hook; mark its functions with @ocrprep.hookimpl")
    builtin = _builtin_names()
    for hook, kind in (("preprocess_stages", Stage), ("recognize_engines", Engine)):
        if hook not in hooks:
            continue
        contributed = [item for result in getattr(pm.hook, hook)() for item in (result or ())]
        names = [getattr(item, "name", None) for item in contributed]
        what = kind.__name__.lower()
        _require(len(names) == len(set(names)), f"plugin {name} contributes one {what} name twice: {names}")
        for item in contributed:
            _require(
                isinstance(item, kind), f"plugin {name} returned {item!r}, not an ocrprep.{kind.__name__}"
            )
            _require(
                item.name not in builtin,
                f"plugin {name}: {what} {item.name!r} clashes with a built-in one; choose another name",
            )
            if isinstance(item, Stage):
                check_stage(item, examples)
            else:
                check_engine(item)


def _check_declaration(stage: Stage) -> None:
    _require(isinstance(stage, Stage), f"{stage!r} is not an ocrprep.Stage")
    _require(
        bool(_STAGE_NAME.match(stage.name)),
        f"stage name {stage.name!r} cannot be written in a pipeline; use letters, digits, - and _",
    )
    _require(callable(stage.func), f"stage {stage.name}: func {stage.func!r} is not callable")
    _require(bool(stage.doc.strip()), f"stage {stage.name}: doc is empty; say in one line what it does")
    names = [param.name for param in stage.params]
    _require(len(names) == len(set(names)), f"stage {stage.name}: a parameter name repeats: {names}")
    try:
        signature = inspect.signature(stage.func)
    except (TypeError, ValueError):  # builtins without a signature: nothing more to compare
        signature = None
    for param in stage.params:
        _check_param(stage, param)
    if signature is not None:
        first = next(iter(signature.parameters.values()), None)
        _require(
            first is not None and first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD),
            f"stage {stage.name}: {_func_name(stage)} must take the Scan as its first argument",
        )


def _check_param(stage: Stage, param: Param) -> None:
    where = f"stage {stage.name}, parameter {param.name}"
    _require(callable(param.type), f"{where}: type {param.type!r} is not callable")
    _require(bool(param.doc.strip()), f"{where}: doc is empty; say what it controls")
    for choice in param.choices:
        try:
            param.convert(choice)
        except UsageError as exc:
            raise AssertionError(
                f"{where}: the choice {choice!r} is refused by its own Param: {exc}"
            ) from None
    _convert_refuses(where, param, _GARBAGE, "a garbage string", required=param.type in (int, float, bool))
    if param.minimum is not None:
        _convert_refuses(where, param, _below(param), "a value below the minimum")
    if param.maximum is not None:
        _convert_refuses(where, param, _above(param), "a value above the maximum")
    if param.choices:
        _convert_refuses(where, param, _not_a_choice(param), "a value that is not a choice")


def _convert_refuses(where: str, param: Param, value: object, what: str, required: bool = True) -> None:
    try:
        param.convert(value)
    except UsageError:
        return
    except Exception as exc:
        raise AssertionError(
            f"{where}: convert({value!r}) raised {type(exc).__name__}: {exc}; the type must raise "
            "ValueError or TypeError on a bad value, so that the user gets a usage error"
        ) from None
    _require(not required, f"{where}: {what} ({value!r}) is accepted; check choices, minimum, maximum")


def _below(param: Param) -> object:
    assert param.minimum is not None
    if param.type is int:
        return math.ceil(param.minimum) - 1
    return param.minimum - max(1.0, abs(param.minimum))


def _above(param: Param) -> object:
    assert param.maximum is not None
    if param.type is int:
        return math.floor(param.maximum) + 1
    return param.maximum + max(1.0, abs(param.maximum))


def _not_a_choice(param: Param) -> object:
    numbers = [c for c in param.choices if isinstance(c, int | float) and not isinstance(c, bool)]
    if len(numbers) == len(param.choices):
        return max(numbers) + 1
    return "not-" + "-".join(map(str, param.choices))


def _argument_sets(stage: Stage) -> list[dict[str, Any]]:
    """The defaults, then each choice and each finite limit of every parameter, one at a time."""
    sets: list[dict[str, Any]] = [{}]
    for param in stage.params:
        values: list[object] = [*param.choices]
        for limit in (param.minimum, param.maximum):
            if limit is not None and math.isfinite(limit):
                try:
                    values.append(param.convert(math.ceil(limit) if param.type is int else limit))
                except UsageError:  # e.g. an int parameter whose limit is not a whole number
                    continue
        for value in values:
            if not _same(value, param.default) and {param.name: value} not in sets:
                sets.append({param.name: value})
    return sets


def _check_run(stage: Stage, args: dict[str, Any], label: str, image: np.ndarray, dpi: int | None) -> None:
    where = f"stage {stage.name}{_show(args)} on the {label} image at dpi={dpi}"
    writable = image.copy()
    first = _call(stage, Scan(writable, dpi), args, where)
    _require(
        np.array_equal(writable, image),
        f"{where}: it wrote into its input; work on a copy (e.g. scan.pixels.copy()) and return that",
    )
    pixels = first.pixels if isinstance(first, Warped) else first
    _require(
        isinstance(pixels, np.ndarray),
        f"{where}: returned {type(first).__name__}, not a numpy array or ocrprep.Warped",
    )
    _require(
        pixels.ndim == 2 and pixels.dtype == np.uint8,
        f"{where}: returned {_describe(pixels)}, not a 2-D uint8 image; convert with "
        "np.clip(result, 0, 255).astype(np.uint8)",
    )
    _require(
        isinstance(first, Warped) or pixels.shape == image.shape,
        f"{where}: changed the shape from {image.shape} to {pixels.shape}; a stage that scales, crops "
        "or rotates returns ocrprep.Warped (e.g. Warped.crop(pixels, left, top))",
    )
    _require(
        not np.may_share_memory(pixels, writable),
        f"{where}: returned its input (or a view of it); return a new array, e.g. scan.pixels.copy()",
    )
    second = _call(stage, Scan(_read_only(image), dpi), args, where + " (again)")
    again = second.pixels if isinstance(second, Warped) else second
    _require(
        isinstance(again, np.ndarray) and np.array_equal(pixels, again),
        f"{where}: two runs on the same image gave different results; a stage must be deterministic "
        "(seed any randomness from the image or a parameter)",
    )


def _call(stage: Stage, scan: Scan, args: Mapping[str, Any], where: str) -> Any:
    try:
        return stage.func(scan, **stage.arguments(args))
    except Exception as exc:
        hint = ""
        if "read-only" in str(exc):
            hint = "; it writes into scan.pixels, which are read-only: work on a copy"
        raise AssertionError(f"{where}: raised {type(exc).__name__}: {exc}{hint}") from exc


def _recognize(engine: Engine, image: np.ndarray, label: str, options: RecognizeOptions) -> Recognition:
    try:
        result = engine.read(image, 300, options)
    except Exception as exc:
        raise AssertionError(f"engine {engine.name} failed on {label}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, Recognition):
        raise AssertionError(
            f"engine {engine.name} returned {type(result).__name__} for {label}, not ocrprep.Recognition"
        )
    return result


def _check_document(name: str, kind: str, document: bytes) -> None:
    """A render is what its format says: a PDF file, well-formed XML, a TSV table with boxes."""
    where = f"engine {name}: its {kind} output"
    if kind == "pdf":
        _require(document.startswith(b"%PDF"), f"{where} is not a PDF file")
    elif kind in ("hocr", "alto"):
        try:
            ElementTree.fromstring(document)
        except ElementTree.ParseError as exc:
            raise AssertionError(f"{where} is not well-formed XML: {exc}") from None
    elif kind == "tsv":
        header = document.split(b"\n", 1)[0].split(b"\t")
        _require(all(c in header for c in (b"left", b"top", b"text")), f"{where} has no left/top/text header")


def _check_recognition(name: str, result: Recognition, shape: tuple[int, ...], label: str) -> None:
    where = f"engine {name} on {label}"
    _require(isinstance(result.text, str), f"{where}: text is {type(result.text).__name__}, not str")
    _require(
        result.engine == name,
        f"{where}: Recognition.engine is {result.engine!r}; set it to the engine's name {name!r}",
    )
    if result.confidence is not None:
        _require(
            isinstance(result.confidence, float | int) and 0 <= result.confidence <= 100,
            f"{where}: confidence {result.confidence!r} is not a number from 0 to 100 (or None)",
        )
    _require(
        isinstance(result.words, tuple),
        f"{where}: words is {type(result.words).__name__}; make it a tuple of ocrprep.Word",
    )
    height, width = shape[:2]
    for word in result.words:
        _require(isinstance(word, Word), f"{where}: {word!r} in words is not an ocrprep.Word")
        _require(isinstance(word.text, str), f"{where}: word text {word.text!r} is not str")
        _require(
            isinstance(word.confidence, float | int) and 0 <= word.confidence <= 100,
            f"{where}: word {word.text!r} has confidence {word.confidence!r}, not a number from 0 to 100",
        )
        box = (word.left, word.top, word.width, word.height)
        _require(
            all(isinstance(v, int) for v in box)
            and word.left >= 0
            and word.top >= 0
            and word.width >= 0
            and word.height >= 0
            and word.left + word.width <= width
            and word.top + word.height <= height,
            f"{where}: word {word.text!r} has box (left, top, width, height) {box}, "
            f"not inside the {width}x{height} image",
        )


def _builtin_names() -> set[str]:
    """The names of the built-in plugins' stages and engines."""
    host = Host(entry_points=False)
    return {*host.stages, *host.engines}


def _read_only(image: np.ndarray) -> np.ndarray:
    view = image.copy()
    view.flags.writeable = False
    return view


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # a custom type whose comparison fails: treat as different
        return False


def _func_name(stage: Stage) -> str:
    return getattr(stage.func, "__qualname__", repr(stage.func))


def _show(args: Mapping[str, Any]) -> str:
    return "(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")" if args else ""


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.ndim}-D {value.dtype} array"
    return type(value).__name__


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)
