"""The conformance kit: checks a plugin author calls from their own test suite.

Each check raises :class:`AssertionError` with one message per fault, naming the stage (or engine),
the image and the arguments, so a failing test says what to fix::

    # tests/test_my_plugin.py
    import ocrprep_median
    from ocrprep.testing import check_plugin

    def test_the_plugin_keeps_the_hook_contract():
        check_plugin(ocrprep_median)

:func:`check_stage` runs a stage on all-white, all-black, 1x1 and very thin (1x200, 200x1) images,
a small noisy text image and your own examples, with its defaults and with each choice and limit of
every parameter. It checks that the stage returns a new 2-D ``uint8`` image of the input's shape,
never writes into its input (a writable copy is compared afterwards, and a read-only one must work),
and gives the same result twice; and that its parameters are declared coherently (the default
passes its own checks and matches the function's default, limits are ordered, a value out of range
or not among the choices is refused with :class:`~ocrprep.errors.UsageError`).

:func:`check_engine` calls a ``recognize`` implementation: it must return None for another engine's
name, and for its own an :class:`~ocrprep.Recognition` (text ``str``, confidence a float from 0 to
100 or None, words a tuple of :class:`~ocrprep.Word` with boxes inside the image) without touching
the image. Plain functions: nothing here imports pytest.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pluggy
from PIL import Image, ImageDraw, ImageFont

from . import hookspecs
from .errors import UsageError
from .hookspecs import DIGIT_CHARACTERS, PROJECT, Recognition, RecognizeOptions, Word
from .pipeline import Param, Stage

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
    >>> from ocrprep.builtin.despeckle import STAGES
    >>> for stage in STAGES:
    ...     check_stage(stage)
    """
    _check_declaration(stage)
    images = {**edge_images(), **(examples or {})}
    for label, image in images.items():
        _require(
            isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 2,
            f"example {label!r} must be a 2-D uint8 array, not {_describe(image)}",
        )
    for arguments in _argument_sets(stage) if args is None else args:
        for dpi in (300, None) if stage.needs_dpi else (None,):
            for label, image in images.items():
                _check_run(stage, dict(arguments), label, image, dpi)


def check_engine(
    plugin: object,
    name: str,
    *,
    image: np.ndarray | None = None,
    expected: str | None = "4711",
    digits: bool = True,
) -> Recognition:
    """Check that a ``recognize`` implementation keeps the engine contract; return its reading.

    Parameters
    ----------
    plugin
        The plugin module or object that has ``recognize``, or the ``recognize`` function itself.
    name
        The engine name it answers to (``options.engine``).
    image
        The image to read; by default ``4711`` rendered in black on white.
    expected
        The text the engine must read from ``image`` (whitespace-trimmed); None skips this check.
    digits
        Also check that ``RecognizeOptions(digits=True)`` returns digits and ``.,-/:`` only.

    Raises
    ------
    AssertionError
        At the first fault: a result for another engine's name, a result that is not a
        ``Recognition`` of the documented types, an image written into, or the wrong text.
    """
    recognize = getattr(plugin, "recognize", plugin)
    if not callable(recognize):
        raise AssertionError(f"{plugin!r} has no recognize function")
    picture = render_text("4711", size=40) if image is None else image
    _require(
        isinstance(picture, np.ndarray) and picture.dtype == np.uint8 and picture.ndim == 2,
        f"the image to read must be a 2-D uint8 array, not {_describe(picture)}",
    )
    other = RecognizeOptions(engine=f"not-{name}")
    for_other = recognize(image=_read_only(picture), dpi=300, options=other)
    _require(
        for_other is None,
        f"engine {name}: recognize answered for engine {other.engine!r} with {for_other!r}; return None "
        "unless options.engine is your engine's name, so that the engine the user chose answers",
    )
    writable = picture.copy()
    result = _recognize(
        recognize, name, writable, "a writable copy of the image", RecognizeOptions(engine=name)
    )
    _require(np.array_equal(writable, picture), f"engine {name} wrote into its input image; read a copy")
    again = _recognize(
        recognize, name, _read_only(picture), "a read-only image", RecognizeOptions(engine=name)
    )
    for label, reading in (("the image", result), ("the read-only image", again)):
        _check_recognition(name, reading, picture.shape, label)
    if expected is not None:
        _require(
            result.text.strip() == expected,
            f"engine {name} read {result.text!r} from the image, expected {expected!r}",
        )
    if digits:
        reading = _recognize(
            recognize, name, _read_only(picture), "the image with digits=True",
            RecognizeOptions(engine=name, digits=True),
        )  # fmt: skip
        _check_recognition(name, reading, picture.shape, "the image with digits=True")
        stray = sorted(set(reading.text) - set(DIGIT_CHARACTERS) - set(" \n"))
        _require(
            not stray,
            f"engine {name} returned {reading.text!r} with digits=True: {''.join(stray)!r} is not among "
            f"{DIGIT_CHARACTERS!r}",
        )
    blank = _recognize(
        recognize, name, _read_only(np.full((40, 120), 255, np.uint8)), "an all-white image",
        RecognizeOptions(engine=name),
    )  # fmt: skip
    _check_recognition(name, blank, (40, 120), "an all-white image")
    return result


def check_plugin(
    plugin: object,
    engine: str | None = None,
    examples: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Check a whole plugin module or object: its hooks exist, its stages and its engine conform.

    Registers ``plugin`` in a new plugin manager with ocrprep's hook specifications (a misspelled
    hook fails here, as it would in ``ocrprep``), then runs :func:`check_stage` on every stage it
    contributes (with ``examples``) and, when it implements ``recognize``, :func:`check_engine` with
    the engine name ``engine`` (the plugin's entry-point name by convention).
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
    if "preprocess_stages" in hooks:
        stages = pm.hook.preprocess_stages()
        contributed = [stage for result in stages for stage in (result or ())]
        names = [getattr(stage, "name", None) for stage in contributed]
        _require(len(names) == len(set(names)), f"plugin {name} contributes one stage name twice: {names}")
        builtin = _builtin_stage_names()
        for stage in contributed:
            _require(isinstance(stage, Stage), f"plugin {name} returned {stage!r}, not an ocrprep.Stage")
            _require(
                stage.name not in builtin,
                f"plugin {name}: stage {stage.name!r} clashes with a built-in stage; choose another name",
            )
            check_stage(stage, examples)
    if "recognize" in hooks:
        _require(engine is not None, f"plugin {name} implements recognize: pass engine=<its engine name>")
        assert engine is not None
        check_engine(plugin, engine)


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
        _check_param(stage, param, signature)
    if signature is not None and stage.needs_dpi:
        _require(
            _accepts(signature, "dpi"),
            f"stage {stage.name} has needs_dpi=True but {_func_name(stage)} takes no dpi argument",
        )


def _check_param(stage: Stage, param: Param, signature: inspect.Signature | None) -> None:
    where = f"stage {stage.name}, parameter {param.name}"
    _require(param.name.isidentifier(), f"{where}: the name must be a Python identifier (use _ not -)")
    _require(callable(param.type), f"{where}: type {param.type!r} is not callable")
    _require(bool(param.doc.strip()), f"{where}: doc is empty; say what it controls")
    if param.minimum is not None and param.maximum is not None:
        _require(
            param.minimum <= param.maximum, f"{where}: minimum {param.minimum} > maximum {param.maximum}"
        )
    try:
        converted = param.convert(param.default)
    except UsageError as exc:
        raise AssertionError(
            f"{where}: the default {param.default!r} is refused by its own Param: {exc}"
        ) from None
    if param.type in (int, float, str, bool):
        _require(
            _same(converted, param.default),
            f"{where}: the default {param.default!r} ({type(param.default).__name__}) is not a "
            f"{getattr(param.type, '__name__', param.type)}; convert gives {converted!r}",
        )
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
    if signature is None:
        return
    _require(
        _accepts(signature, param.name),
        f"{where}: {_func_name(stage)} has no argument {param.name}",
    )
    declared = signature.parameters.get(param.name)
    if declared is not None:
        _require(
            declared.default is not inspect.Parameter.empty,
            f"{where}: {_func_name(stage)} gives {param.name} no default, so a pipeline that omits it "
            f"fails; give it the default {param.default!r}",
        )
        _require(
            declared.default == param.default,
            f"{where}: Param default {param.default!r} differs from the function's default "
            f"{declared.default!r}; 'ocrprep stages' would show the wrong one",
        )


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
    call_args = {**args, "dpi": dpi} if stage.needs_dpi else args
    where = f"stage {stage.name}{_show(args)} on the {label} image"
    if stage.needs_dpi:
        where += f" at dpi={dpi}"
    writable = image.copy()
    first = _call(stage, writable, call_args, where)
    _require(
        np.array_equal(writable, image),
        f"{where}: it wrote into its input; work on a copy (e.g. image.copy()) and return that",
    )
    _require(
        isinstance(first, np.ndarray),
        f"{where}: returned {type(first).__name__}, not a numpy array",
    )
    _require(
        first.ndim == 2 and first.dtype == np.uint8,
        f"{where}: returned {_describe(first)}, not a 2-D uint8 image; convert with "
        "np.clip(result, 0, 255).astype(np.uint8)",
    )
    _require(
        first.shape == image.shape,
        f"{where}: changed the shape from {image.shape} to {first.shape}; stages keep the image size",
    )
    _require(
        not np.may_share_memory(first, writable),
        f"{where}: returned its input (or a view of it); return a new array, e.g. image.copy()",
    )
    read_only = _read_only(image)
    second = _call(stage, read_only, call_args, where + " (read-only input)")
    _require(
        isinstance(second, np.ndarray) and np.array_equal(first, second),
        f"{where}: two runs on the same image gave different results; a stage must be deterministic "
        "(seed any randomness from the image or a parameter)",
    )


def _call(stage: Stage, image: np.ndarray, args: Mapping[str, Any], where: str) -> Any:
    try:
        return stage.func(image, **args)
    except Exception as exc:
        hint = ""
        if "read-only" in str(exc):
            hint = "; it writes into its input, which the runner passes read-only: work on a copy"
        raise AssertionError(f"{where}: raised {type(exc).__name__}: {exc}{hint}") from exc


def _recognize(
    recognize: Callable[..., Any], name: str, image: np.ndarray, label: str, options: RecognizeOptions
) -> Recognition:
    try:
        result = recognize(image=image, dpi=300, options=options)
    except Exception as exc:
        raise AssertionError(f"engine {name} failed on {label}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, Recognition):
        raise AssertionError(
            f"engine {name} returned {type(result).__name__} for {label}, not ocrprep.Recognition"
        )
    return result


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


def _builtin_stage_names() -> set[str]:
    from .builtin.despeckle import STAGES

    return {stage.name for stage in STAGES}


def _read_only(image: np.ndarray) -> np.ndarray:
    view = image.copy()
    view.flags.writeable = False
    return view


def _accepts(signature: inspect.Signature, name: str) -> bool:
    kinds = {p.kind for p in signature.parameters.values()}
    return name in signature.parameters or inspect.Parameter.VAR_KEYWORD in kinds


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
