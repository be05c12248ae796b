"""Stages, their typed parameters, and pipelines that chain them: ``a | b(x=1)`` or a TOML file.

A stage is a pure function over a 2-D ``uint8`` grayscale image (0 = ink, 255 = paper) that returns a
new image of the same shape and dtype. Plugins contribute stages through the ``preprocess_stages`` hook;
the user chains any of them, in any order, with parameters.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, UsageError
from .images import to_gray

StageFunction = Callable[..., np.ndarray]

NAMED_PIPELINES: dict[str, str] = {
    "classic": "grayscale | threshold(160) | opening(radius=1) | remove-specks(min_size=100)",
    "none": "grayscale",
    "auto": "grayscale | invert(auto) | normalize-background(auto) | join-dots(auto) | opening(radius=auto)"
    " | remove-specks(min_size=auto)",
}
"""Pipelines the user can ask for by name with ``--pipeline NAME``."""

DEFAULT_PIPELINE = "auto"

MAX_PIPELINE_FILE_BYTES = 1 << 20

_STEP = re.compile(r"^\s*(?P<name>[A-Za-z_][\w-]*)\s*(?:\((?P<args>.*)\))?\s*$", re.DOTALL)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class Param:
    """One typed parameter of a stage, with its default, unit and limits.

    ``minimum`` and ``maximum`` are inclusive; ``choices`` lists the allowed values.
    """

    name: str
    type: Callable[[Any], Any]
    """``int``, ``float``, ``str``, ``bool``, or a class whose constructor parses a string or number."""
    default: Any
    doc: str
    unit: str = ""
    choices: tuple[object, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

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
            text = value.strip().strip("'\"")
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


@dataclass(frozen=True)
class Stage:
    """A named cleanup stage: a pure function ``func(image, **params) -> image`` and its parameters."""

    name: str
    func: StageFunction
    doc: str
    params: tuple[Param, ...] = ()
    plugin: str = ""
    """The plugin that contributed the stage; filled in by the host."""
    needs_dpi: bool = False
    """When true, ``func`` is also called with ``dpi=``: the image's resolution, or None if unknown."""

    def param(self, name: str) -> Param:
        """The parameter called ``name`` (``-`` and ``_`` are the same), or a UsageError listing them."""
        for param in self.params:
            if param.name == name.replace("-", "_"):
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(f"stage {self.name} has no parameter {name!r}; its parameters: {known}")


@dataclass(frozen=True)
class Step:
    """A stage with the user's arguments, as it runs in a pipeline."""

    stage: Stage
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.args.items())
        return f"{self.stage.name}({args})" if args else self.stage.name

    def run(self, image: np.ndarray, dpi: int | None = None) -> np.ndarray:
        """Run the stage on a read-only view of ``image`` and check what it returns."""
        view = image.view()
        view.flags.writeable = False
        args = {**self.args, "dpi": dpi} if self.stage.needs_dpi else self.args
        try:
            result = self.stage.func(view, **args)
        except Exception as exc:
            raise InputError(
                f"stage {self.stage.name} of plugin {self.stage.plugin} failed: {type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(result, np.ndarray) or result.dtype != np.uint8 or result.ndim != 2:
            raise InputError(
                f"stage {self.stage.name} of plugin {self.stage.plugin} returned "
                f"{_describe(result)}, not a 2-D uint8 image"
            )
        if self.stage.name != "grayscale" and result.shape != image.shape:
            raise InputError(
                f"stage {self.stage.name} of plugin {self.stage.plugin} changed the image shape "
                f"from {image.shape} to {result.shape}"
            )
        return result


@dataclass(frozen=True)
class Pipeline:
    """Steps run in order; the image is made grayscale first when the first step is not ``grayscale``."""

    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return " | ".join(str(step) for step in self.steps)

    def stages(self, image: np.ndarray, dpi: int | None = None) -> Iterator[tuple[Step, np.ndarray]]:
        """Yield each step with its output, so callers can save or inspect every stage."""
        current = image
        if not (self.steps and self.steps[0].stage.name == "grayscale"):
            current = to_gray(image)
        for step in self.steps:
            current = step.run(current, dpi)
            yield step, current

    def run(self, image: np.ndarray, dpi: int | None = None) -> np.ndarray:
        """The cleaned image: the output of the last step. ``dpi`` goes to stages that need it."""
        result = to_gray(image) if not self.steps else None
        for _, output in self.stages(image, dpi):
            result = output
        assert result is not None
        return result

    def to_toml(self) -> str:
        """The pipeline as a TOML file that ``parse_pipeline_file`` reads back."""
        blocks = []
        for step in self.steps:
            lines = ["[[stage]]", f'name = "{step.stage.name}"']
            for key, value in step.args.items():
                shown = str(value).lower() if isinstance(value, bool) else repr(value)
                lines.append(f"{key} = {shown}".replace("'", '"'))
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"


def parse_pipeline(spec: str, stages: Mapping[str, Stage]) -> Pipeline:
    """Parse ``"threshold(160) | opening(radius=1)"`` or a name from ``NAMED_PIPELINES``.

    Positional arguments fill a stage's parameters in order. Raises UsageError naming what exists.
    """
    spec = NAMED_PIPELINES.get(spec.strip(), spec)
    steps = []
    for text in spec.split("|"):
        match = _STEP.match(text)
        if match is None:
            raise UsageError(f"cannot read pipeline step {text.strip()!r}; write it as name(arg, key=value)")
        stage = _lookup(match["name"], stages)
        positional: list[str] = []
        named: dict[str, object] = {}
        for arg in _split_args(match["args"] or ""):
            key, sep, value = arg.partition("=")
            if sep:
                named[key.strip()] = value.strip()
            elif named:
                raise UsageError(f"stage {stage.name}: positional argument {arg!r} after a named one")
            else:
                positional.append(arg)
        if len(positional) > len(stage.params):
            raise UsageError(f"stage {stage.name} takes at most {len(stage.params)} arguments")
        named = {p.name: v for p, v in zip(stage.params, positional, strict=False)} | named
        steps.append(_step(stage, named))
    return Pipeline(tuple(steps))


def parse_pipeline_file(path: Path, stages: Mapping[str, Stage]) -> Pipeline:
    """Read a pipeline TOML file: one ``[[stage]]`` table a step, ``name`` plus parameters."""
    try:
        if path.stat().st_size > MAX_PIPELINE_FILE_BYTES:
            raise UsageError(f"{path}: pipeline file is larger than 1 MiB")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read pipeline file: {exc}") from None
    tables = data.get("stage")
    if not isinstance(tables, list) or not tables:
        raise UsageError(f'{path}: expected [[stage]] tables, each with name = "..." and parameters')
    steps = []
    for table in tables:
        args = dict(table)
        name = args.pop("name", None)
        if not isinstance(name, str):
            raise UsageError(f'{path}: every [[stage]] needs name = "..."')
        steps.append(_step(_lookup(name, stages), args))
    return Pipeline(tuple(steps))


def _lookup(name: str, stages: Mapping[str, Stage]) -> Stage:
    try:
        return stages[name]
    except KeyError:
        known = ", ".join(sorted(stages))
        raise UsageError(f"unknown stage {name!r}; available stages: {known}") from None


def _step(stage: Stage, args: Mapping[str, object]) -> Step:
    converted = {}
    for key, value in args.items():
        param = stage.param(key)
        try:
            converted[param.name] = param.convert(value)
        except UsageError as exc:
            raise UsageError(f"stage {stage.name}: {exc}") from None
    return Step(stage, converted)


def _split_args(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.ndim}-D {value.dtype} array"
    return type(value).__name__
