"""The types plugins and the host exchange: stages and their parameters, the page a stage sees, engines
and what they read. ``hookspecs.py`` (the plugin contract) and ``pipeline.py`` (the host) both use them.

Coordinates are pixel edges: pixel ``(x, y)`` covers ``[x, x + 1) x [y, y + 1)``, and a box's
``left, top, width, height`` are in that system.
"""

from __future__ import annotations

import copy
import functools
import inspect
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from .errors import UsageError
from .libs import cv2, np
from .measure import (
    Components,
    ScanMeasure,
    components,
    dark_side_is_paper,
    ink_mask,
    measure_ink,
    text_ink,
)

DEFAULT_DPI = 300
"""The resolution assumed for sizes in points when the image file does not state one."""
POINTS_PER_INCH = 72
DIGIT_CHARACTERS = "0123456789.,-/: "
"""The characters ``digits`` mode allows, the space between fields included: without it Tesseract ran
a date and its time together on 6 of 40 speckled digit strings."""
FIELD_SEPARATORS = DIGIT_CHARACTERS.strip("0123456789 ")
"""What separates the parts of a digit field; none ends one (see :meth:`Recognition.field`)."""
SINGLE_LINE_PSM = 7
"""Tesseract's page segmentation mode for one line of text, which ``digits`` mode implies."""
ONE_LINE_PSMS = frozenset({SINGLE_LINE_PSM, 8, 10, 13})
"""Tesseract's modes that read one line at most: a line, a word, a character, a raw line."""
OVERVIEW_PIXELS = 4_000_000
"""Pages larger than this are shrunk for :attr:`Scan.overview`."""

_HALF = ((1.0, 0, 0.5), (0, 1.0, 0.5), (0, 0, 1.0))
"""From OpenCV's pixel-centre coordinates to pixel edges: half a pixel right and down."""
_SIZE = re.compile(r"(?P<value>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>px|pt)?")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class Size:
    """A length written as ``auto``, pixels (``3``, ``3px``, ``2.5``) or points (``0.5pt``).

    Points are converted at the image's DPI (``DEFAULT_DPI`` when unknown); ``auto`` is decided by
    each stage from the measured text. A size in pixels equals the plain number: ``Size("3px") == 3``.

    >>> Size("0.5pt").pixels(dpi=144, auto=0)
    1.0
    >>> Size("auto").pixels(dpi=None, auto=4.0)
    4.0
    """

    FORMS = "auto, pixels (3 or 3px) or points at the image's DPI (0.5pt)"
    __slots__ = ("unit", "value")
    unit: str
    """``px``, ``pt`` or ``auto``."""
    value: float
    """The number written (0 for ``auto``)."""

    def __init__(self, spec: object) -> None:
        if isinstance(spec, Size):
            value, unit = spec.value, spec.unit
        elif isinstance(spec, int | float) and not isinstance(spec, bool):
            value, unit = float(spec), "px"
        elif isinstance(spec, str):
            text = spec.strip().strip("'\"").strip().lower()
            match = _SIZE.fullmatch(text)
            if text == "auto":
                value, unit = 0.0, "auto"
            elif match is None:
                raise ValueError(f"expected {self.FORMS}, got {spec!r}")
            else:
                value, unit = float(match["value"]), match["unit"] or "px"
        else:
            raise TypeError(f"expected {self.FORMS}, got {spec!r}")
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"a size must be a finite number >= 0, got {spec!r}")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "unit", unit)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Size is immutable")

    @property
    def is_auto(self) -> bool:
        return self.unit == "auto"

    def pixels(self, dpi: int | None, auto: float) -> float:
        """The size in pixels at ``dpi`` (None: ``DEFAULT_DPI``); ``auto`` stands for ``auto``."""
        if self.unit == "auto":
            return auto
        if self.unit == "pt":
            return self.value * (dpi or DEFAULT_DPI) / POINTS_PER_INCH
        return self.value

    def to_toml(self) -> int | float | str:
        """As a pipeline file holds it: a bare number of pixels, else the text (``auto``, ``0.5pt``)."""
        if self.unit == "px":
            return int(self.value) if self.value.is_integer() else self.value
        return str(self)

    def __str__(self) -> str:
        if self.unit == "auto":
            return "auto"
        return f"{self.value:g}" + ("pt" if self.unit == "pt" else "")

    def __repr__(self) -> str:
        return f"Size({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Size):
            return (self.unit, self.value) == (other.unit, other.value)
        if isinstance(other, int | float) and not isinstance(other, bool):
            return self.unit == "px" and self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value) if self.unit == "px" else hash((self.unit, self.value))


@dataclass(frozen=True)
class Param:
    """One typed parameter of a stage, with its unit and limits.

    ``minimum`` and ``maximum`` are inclusive; ``choices`` lists the allowed values. The default is
    not written here: it is the default of the stage function's argument of the same name, which
    :class:`Stage` reads from the function's signature (one source for each value).
    """

    name: str
    type: Callable[[Any], Any]
    """``int``, ``float``, ``str``, ``bool``, or a class whose constructor parses a string or number."""
    doc: str
    unit: str = ""
    choices: tuple[object, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    default: Any = field(default=None, init=False, compare=False)
    """The function's default, converted to this parameter's type; set by :class:`Stage`."""

    def convert(self, value: object) -> Any:
        """Turn a value written by the user (a string, or a TOML value) into this parameter's type."""
        try:
            converted = self._coerce(value)
            if isinstance(converted, float) and not math.isfinite(converted):
                raise ValueError(converted)
        except (TypeError, ValueError, OverflowError):
            raise UsageError(f"parameter {self.name} expects {self.describe()}, got {value!r}") from None
        if self.choices and converted not in self.choices:
            choices = ", ".join(map(str, self.choices))
            raise UsageError(f"parameter {self.name} must be one of {choices}, got {value!r}")
        if self.minimum is not None and converted < self.minimum:
            raise UsageError(f"parameter {self.name} must be at least {self.minimum:g}, got {value!r}")
        if self.maximum is not None and converted > self.maximum:
            raise UsageError(f"parameter {self.name} must be at most {self.maximum:g}, got {value!r}")
        return converted

    def _coerce(self, value: object) -> Any:
        if self.type not in (int, float, str, bool):
            return self.type(value.strip() if isinstance(value, str) else value)
        if isinstance(value, str):
            text = _unquote(value.strip())
            if self.type is bool:
                if text.lower() in _TRUE | _FALSE:
                    return text.lower() in _TRUE
                raise ValueError(text)
            return self.type(text)
        if self.type is bool:
            if isinstance(value, bool):
                return value
            raise TypeError(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(value)
        if self.type is int and value != int(value):
            raise ValueError(value)
        return self.type(value)

    def describe(self) -> str:
        """A short human description of the accepted values, e.g. ``int >= 1 (px)``."""
        text = " | ".join(map(str, self.choices)) if self.choices else getattr(self.type, "__name__", "value")
        if self.minimum is not None:
            text += f" >= {self.minimum:g}"
        if self.maximum is not None:
            text += f" <= {self.maximum:g}"
        return f"{text} ({self.unit})" if self.unit else text


def _unquote(text: str) -> str:
    """``'a, b'`` or ``"a, b"`` without its quotes; other text as it is."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


class Scan:
    """One page as a stage sees it: read-only pixels, their DPI, their measurement, their geometry.

    ``pixels`` is a read-only 2-D ``uint8`` image (0 = ink, 255 = paper). ``dpi`` is its resolution,
    None when the file does not say. ``measure`` is what :func:`ocrprep.measure.measure_scan` finds in
    these pixels, computed the first time a stage asks and shared by every later stage that sees the
    same pixels. ``to_input`` is the 3x3 matrix taking these pixels' coordinates to the input file's;
    ``input_size`` is the input page's ``(width, height)``. A stage never writes any of these: the host
    makes the next Scan from what the stage returns.
    """

    def __init__(
        self,
        pixels: np.ndarray,
        dpi: int | None = None,
        to_input: np.ndarray | None = None,
        input_size: tuple[int, int] | None = None,
    ) -> None:
        if not (isinstance(pixels, np.ndarray) and pixels.ndim == 2 and pixels.dtype == np.uint8):
            raise ValueError(f"a Scan holds a 2-D uint8 image, not {_describe(pixels)}")
        view = pixels.view()
        view.flags.writeable = False
        self.pixels = view
        self.dpi = dpi
        self.to_input = np.eye(3) if to_input is None else np.array(to_input, np.float64)
        self.to_input.flags.writeable = False
        self.input_size = input_size or (pixels.shape[1], pixels.shape[0])
        self._facts = _Facts()

    def __repr__(self) -> str:
        height, width = self.pixels.shape
        return f"Scan({width}x{height} px, dpi={self.dpi})"

    @property
    def measure(self) -> ScanMeasure:
        """The text's stroke width, character height, polarity, specks..., measured once per pixels."""
        facts = self._facts
        if facts.measure is None:
            if dark_side_is_paper(self.ink):  # one Otsu level and one mask serve both sides
                facts.measure = measure_ink(~self.ink, self.dpi, True)
            else:
                facts.measure = measure_ink(self.ink, self.dpi, False, self.components)
        return facts.measure

    @property
    def overview(self) -> ScanMeasure:
        """:attr:`measure` of a copy shrunk to at most ``OVERVIEW_PIXELS``, in these pixels' units.

        For figures where a pixel does not matter (polarity, the character height that sizes a
        window): on a 300-DPI A4 page it costs a quarter of :attr:`measure`. On smaller pages it is
        :attr:`measure`. Measured once per pixel state, like :attr:`measure`.
        """
        facts = self._facts
        if facts.overview is None:
            small = self._small_ink()
            if small is None:
                facts.overview = self.measure
            else:
                ink, inverted, step = small
                facts.overview = _scaled(measure_ink(ink, self.dpi, inverted), step, self.pixels.shape)
                facts.small_ink = None
        return facts.overview

    @property
    def inverted(self) -> bool:
        """Whether the text is light on dark, as :attr:`overview` finds it, without measuring the text
        (Otsu's level and a count of pieces): all that ``invert`` needs."""
        if self._facts.overview is not None:
            return self._facts.overview.inverted
        small = self._small_ink()
        return dark_side_is_paper(self.ink) if small is None else small[1]

    def _small_ink(self) -> tuple[np.ndarray, bool, int] | None:
        """The ink of the copy :attr:`overview` measures, its polarity and the shrink factor; None
        when the page is small enough to be measured itself."""
        facts = self._facts
        step = math.ceil(math.sqrt(self.pixels.size / OVERVIEW_PIXELS))
        if step <= 1:
            return None
        if facts.small_ink is None:
            height, width = self.pixels.shape
            size = (max(1, width // step), max(1, height // step))
            ink, inverted = text_ink(cv2.resize(self.pixels, size, interpolation=cv2.INTER_AREA))
            facts.small_ink = (ink, inverted, step)
        return facts.small_ink

    @property
    def ink(self) -> np.ndarray:
        """The dark side of the pixels by Otsu's level (True = ink), read-only."""
        facts = self._facts
        if facts.ink is None:
            facts.ink = ink_mask(self.pixels)
            facts.ink.flags.writeable = False
        return facts.ink

    @property
    def components(self) -> Components:
        """The 8-connected components of :attr:`ink` with their statistics."""
        facts = self._facts
        if facts.components is None:
            facts.components = components(self.ink)
        return facts.components

    def followed_by(self, result: np.ndarray | Warped) -> Scan:
        """The Scan after a stage returned ``result``: same geometry for an array, else the change.

        When ``result`` holds these very pixels, the next Scan keeps these (the stage's copy goes: a
        page less held by a pipeline of stages that change nothing) and what was measured on them.
        """
        if isinstance(result, Warped):
            matrix = self.to_input @ np.linalg.inv(result.matrix)
            dpi = None if self.dpi is None else max(1, round(self.dpi * result.scale_factor))
            return Scan(result.pixels, dpi, matrix, self.input_size)
        if result.shape != self.pixels.shape or not _same_pixels(result, self.pixels):
            return Scan(result, self.dpi, self.to_input, self.input_size)
        after = Scan(self.pixels, self.dpi, self.to_input, self.input_size)
        after._facts = self._facts
        return after

    def input_pixels(self) -> np.ndarray:
        """These pixels resampled onto the input page's grid, for views beside the original page."""
        if self.same_geometry:
            return self.pixels
        centres = np.linalg.inv(_HALF) @ self.to_input @ np.array(_HALF)
        warped: np.ndarray = cv2.warpAffine(
            self.pixels, centres[:2], self.input_size, flags=cv2.INTER_AREA, borderValue=255
        )
        return warped

    def input_words(self, words: Sequence[Word]) -> tuple[Word, ...]:
        """``words`` read from these pixels, with their boxes moved to the input file's pixels."""
        if self.same_geometry:
            return tuple(words)
        moved = []
        for word in words:
            left, top, width, height = self.input_box(word.left, word.top, word.width, word.height)
            moved.append(replace(word, left=left, top=top, width=width, height=height))
        return tuple(moved)

    @functools.cached_property
    def same_geometry(self) -> bool:
        """Whether these pixels lie on the input page's grid (no stage rescaled, cropped or rotated)."""
        return bool(np.allclose(self.to_input, np.eye(3)))

    def input_box(self, left: float, top: float, width: float, height: float) -> tuple[int, int, int, int]:
        """A box (left, top, width, height) in these pixels, as the upright box it covers on the input
        page, within the page (the box itself when no stage changed the geometry)."""
        if self.same_geometry:
            return int(left), int(top), int(width), int(height)
        linear, shift = self.to_input[:2, :2], self.to_input[:2, 2]
        # The box of a mapped rectangle is |A| times its size; solve for the input rectangle's size.
        centre = linear @ (left + width / 2, top + height / 2) + shift
        size = np.linalg.lstsq(np.abs(np.linalg.inv(linear)), (width, height), rcond=None)[0]
        if not (size > 0).all():
            size = np.abs(linear) @ (width, height)
        limit = self.input_size
        x0, y0 = np.clip(np.rint(centre - size / 2), 0, limit).astype(int)
        x1, y1 = np.clip(np.rint(centre + size / 2), 0, limit).astype(int)
        return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


@dataclass
class _Facts:
    """What has been computed from one state of the pixels, shared by the Scans that hold it."""

    ink: np.ndarray | None = None
    components: Components | None = None
    measure: ScanMeasure | None = None
    overview: ScanMeasure | None = None
    small_ink: tuple[np.ndarray, bool, int] | None = None


def _same_pixels(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether two uint8 images of one shape are equal, without a page-sized temporary."""
    return first.size == 0 or cv2.norm(first, second, cv2.NORM_INF) == 0


def _scaled(found: ScanMeasure, step: int, shape: tuple[int, ...]) -> ScanMeasure:
    """A measurement of a copy shrunk ``step`` times, in the original's pixels."""

    def grown(value: float | None) -> float | None:
        return None if value is None else value * step

    return replace(
        found,
        width=shape[1],
        height=shape[0],
        stroke_width=grown(found.stroke_width),
        stem_width=grown(found.stem_width),
        char_height=grown(found.char_height),
        dot_pitch=grown(found.dot_pitch),
    )


@dataclass(frozen=True, eq=False)
class Warped:
    """A stage's output whose geometry differs from its input: the new pixels and how they map.

    ``matrix`` is the 3x3 affine matrix taking the stage input's coordinates to the output's. Build
    one with :meth:`scale`, :meth:`crop` or :meth:`affine`; the host then updates the DPI and the way
    back to the input file's pixels, so the stage writes neither.
    """

    pixels: np.ndarray
    matrix: np.ndarray

    def __post_init__(self) -> None:
        matrix = np.asarray(self.matrix, np.float64)
        if matrix.shape != (3, 3) or not np.isfinite(matrix).all() or abs(np.linalg.det(matrix)) < 1e-9:
            raise ValueError(f"Warped needs an invertible 3x3 affine matrix, not {matrix!r}")
        object.__setattr__(self, "matrix", matrix)

    @classmethod
    def scale(cls, pixels: np.ndarray, fx: float, fy: float | None = None) -> Warped:
        """The image resized by ``fx`` across and ``fy`` (default ``fx``) down, e.g. by ``cv2.resize``."""
        return cls(pixels, np.diag([fx, fx if fy is None else fy, 1.0]))

    @classmethod
    def crop(cls, pixels: np.ndarray, left: int, top: int) -> Warped:
        """The part of the image whose top-left corner was at ``(left, top)``."""
        return cls(pixels, np.array([[1.0, 0, -left], [0, 1.0, -top], [0, 0, 1.0]]))

    @classmethod
    def affine(cls, pixels: np.ndarray, matrix: np.ndarray) -> Warped:
        """The image transformed by ``cv2.warpAffine`` with the 2x3 ``matrix`` (rotations, shears).

        OpenCV's matrix works on pixel centres; it is converted to pixel edges here.
        """
        centres = np.vstack([np.asarray(matrix, np.float64), [0, 0, 1.0]])
        return cls(pixels, np.array(_HALF) @ centres @ np.linalg.inv(_HALF))

    @property
    def scale_factor(self) -> float:
        """How much larger a length is in the output: the square root of the area ratio."""
        return float(math.sqrt(abs(np.linalg.det(self.matrix[:2, :2]))))


StageResult: TypeAlias = "np.ndarray | Warped"
StageFunction = Callable[..., StageResult]


@dataclass(frozen=True)
class Stage:
    """A named cleanup stage: a pure function ``func(scan, **params)`` and its declared parameters.

    ``func`` gets a :class:`Scan` and the parameters by name, and returns the new pixels: a 2-D
    ``uint8`` array of the same shape, or a :class:`Warped` when it changes the geometry. Each
    :class:`Param` names an argument of ``func`` with a default; that default is the parameter's.
    """

    name: str
    func: StageFunction
    doc: str
    params: tuple[Param, ...] = ()
    plugin: str = ""
    """The plugin that contributed the stage; filled in by the host."""

    def __post_init__(self) -> None:
        defaults = _defaults(self.func)
        bound = []
        for param in self.params:
            where = f"stage {self.name}, parameter {param.name}"
            if not (isinstance(param.doc, str) and isinstance(param.unit, str)):
                raise TypeError(
                    f"{where}: doc and unit must be text; Param(name, type, doc, unit, ...) takes no "
                    "default, the function's own is used"
                )
            if not param.name.isidentifier():
                raise TypeError(f"{where}: the name must be a Python identifier (use _ not -)")
            if param.minimum is not None and param.maximum is not None and param.minimum > param.maximum:
                raise TypeError(f"{where}: minimum {param.minimum:g} > maximum {param.maximum:g}")
            if param.name not in defaults:
                raise TypeError(
                    f"stage {self.name}: {_name(self.func)} has no argument {param.name} with a default; "
                    "declare the default in the function's signature"
                )
            default = defaults[param.name]
            if param.type in (int, float, str, bool) and not _is_a(default, param.type):
                raise TypeError(
                    f"{where}: the function's default {default!r} is a {type(default).__name__}, "
                    f"not {param.type.__name__}"
                )
            param = copy.copy(param)
            try:
                object.__setattr__(param, "default", param.convert(default))
            except UsageError as exc:
                raise TypeError(f"stage {self.name}: the default is refused: {exc}") from None
            bound.append(param)
        object.__setattr__(self, "params", tuple(bound))

    def arguments(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments ``func`` is called with: every parameter's default, then those ``given``."""
        return {param.name: param.default for param in self.params} | dict(given)

    def param(self, name: str) -> Param:
        """The parameter called ``name`` (``-`` and ``_`` are the same), or a UsageError listing them."""
        for param in self.params:
            if param.name == name.replace("-", "_"):
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(f"stage {self.name} has no parameter {name!r}; its parameters: {known}")


def _defaults(func: Callable[..., Any]) -> dict[str, Any]:
    """The arguments of ``func`` that have defaults, by name."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return {}
    return {
        name: p.default
        for name, p in signature.parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _is_a(value: object, kind: type) -> bool:
    """``value`` is of the plain type ``kind``; a whole number passes for a float, a bool for nothing else."""
    if kind is float:
        return type(value) in (float, int)
    return type(value) is kind


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", repr(func))


@dataclass(frozen=True)
class Word:
    """One recognised word and its box in pixels."""

    text: str
    confidence: float
    """0 to 100, as Tesseract reports it."""
    left: int
    top: int
    width: int
    height: int


def more_confident(first: float | None, second: float | None) -> bool:
    """Whether ``first`` is the higher mean word confidence; no words at all (None) counts lowest."""
    return (-1.0 if first is None else first) > (-1.0 if second is None else second)


@dataclass(frozen=True)
class Recognition:
    """What an engine read: the text, the mean word confidence, and the words with their boxes."""

    text: str
    confidence: float | None
    """Mean word confidence, 0 to 100; None when no word was found."""
    words: tuple[Word, ...] = ()
    engine: str = ""

    @classmethod
    def from_words(cls, data: Mapping[str, Sequence[Any]], engine: str) -> Recognition:
        """Text, mean confidence and words from columns like Tesseract's TSV output.

        ``data`` has the columns ``text, conf, block_num, par_num, line_num, left, top, width,
        height`` (``pytesseract.image_to_data`` gives them as a dictionary). Words on one line are
        joined by spaces, lines by newlines, blocks by a blank line; empty words and those with a
        negative confidence (Tesseract's layout rows) are left out.
        """
        words: list[Word] = []
        lines: list[str] = []
        current: list[str] = []
        position: tuple[int, int, int] | None = None
        for i, raw in enumerate(data["text"]):
            text = str(raw).strip()
            confidence = float(data["conf"][i])
            if not text or confidence < 0:
                continue
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            if position is not None and key != position:
                lines.append(" ".join(current))
                if key[0] != position[0]:
                    lines.append("")
                current = []
            position = key
            current.append(text)
            box = (int(data[name][i]) for name in ("left", "top", "width", "height"))
            words.append(Word(text, confidence, *box))
        if current:
            lines.append(" ".join(current))
        mean = float(np.mean([w.confidence for w in words])) if words else None
        return cls("\n".join(lines), mean, tuple(words), engine)

    def field(self) -> Recognition:
        """The read of a digit field (an amount, a date, a number) without the separators it ends
        with: no field ends with one, and a speck after the last digit reads as a point or a colon
        (on the speckled digit strings of the benchmark's test split, 3 of 40 reads). The words
        they came from lose them, or go when nothing is left."""
        words = list(self.words)
        while words and words[-1].text.rstrip(FIELD_SEPARATORS) != words[-1].text:
            kept = words[-1].text.rstrip(FIELD_SEPARATORS)
            words[-1:] = [replace(words[-1], text=kept)] if kept else []
        return replace(self, text=self.text.rstrip(FIELD_SEPARATORS + " \n"), words=tuple(words))


@dataclass(frozen=True)
class RecognizeOptions:
    """How to recognise: which engine, and the Tesseract-style settings every engine may honour."""

    engine: str = "tesseract"
    lang: str = "eng"
    psm: int | None = None
    """Page segmentation mode; None lets the engine choose (``digits`` implies single-line)."""
    oem: int | None = None
    digits: bool = False
    """Read one line of digits and ``.,-/:`` only."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """Extra engine variables, Tesseract's ``-c NAME=VALUE``."""
    timeout: float = 0.0
    """Seconds before giving up on one image; 0 waits for ever."""

    def segmentation(self, default: int | None = None) -> int | None:
        """The page segmentation mode to use: ``psm``, else single-line for ``digits``, else ``default``."""
        if self.psm is not None:
            return self.psm
        return SINGLE_LINE_PSM if self.digits else default

    @property
    def one_line(self) -> bool:
        """Whether the page is read as one line, word or character (``ONE_LINE_PSMS``)."""
        return self.segmentation() in ONE_LINE_PSMS

    def engine_variables(self) -> dict[str, str]:
        """``variables``, plus the character whitelist of ``digits`` mode unless one was given."""
        variables = dict(self.variables)
        if self.digits:
            variables.setdefault("tessedit_char_whitelist", DIGIT_CHARACTERS)
        return variables


Reader: TypeAlias = "Callable[[np.ndarray, int | None, RecognizeOptions], Recognition]"
Renderer: TypeAlias = "Callable[[np.ndarray, int | None, RecognizeOptions], bytes]"


@dataclass(frozen=True)
class Engine:
    """A named recognizer: ``read(image, dpi, options)`` and the documents it can also write.

    ``read`` takes a read-only 2-D ``uint8`` image and its DPI (None when unknown) and returns a
    :class:`Recognition` with word boxes in the image's pixels. ``renders`` maps an output format
    (``"pdf"``: a one-page PDF of the image's invisible text; ``"hocr"``, ``"alto"``, ``"tsv"`` ...)
    to a function of the same arguments that returns the document's bytes; leave out what it cannot
    write. ``max_side`` is the longest side in pixels the engine reads: the host shrinks larger
    images to fit, with the DPI scaled and the boxes mapped back, and says so in a warning.
    """

    name: str
    read: Reader
    doc: str
    renders: Mapping[str, Renderer] = field(default_factory=dict)
    max_side: int | None = None
    plugin: str = ""
    """The plugin that contributed the engine; filled in by the host."""


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.ndim}-D {value.dtype} array"
    return type(value).__name__
