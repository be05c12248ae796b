"""Pipelines that chain stages: ``a | b(x=1)`` or a TOML file, and running them over a page.

A stage (see :class:`ocrprep.types.Stage`) is a pure function of a :class:`~ocrprep.types.Scan` that
returns new pixels, or a :class:`~ocrprep.types.Warped` when it changes the geometry. Plugins
contribute stages through the ``preprocess_stages`` hook; the user chains any of them, in any order,
with parameters. The page is made 2-D ``uint8`` gray before the first stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, UsageError
from .libs import np

if TYPE_CHECKING:  # imported where used: --help and --version read NAMED_PIPELINES and start fast
    from .types import Scan, Stage

NAMED_PIPELINES: dict[str, str] = {
    "classic": "grayscale | threshold(160) | opening(radius=1) | remove-specks(min_size=100)",
    "none": "grayscale",
    "auto": "grayscale | invert(auto) | normalize-background(auto) | stretch-contrast(auto)"
    " | remove-impulse(auto) | join-dots(auto) | remove-lines | opening(radius=auto)"
    " | remove-specks(min_size=auto) | remove-off-line(auto)",
}
"""Pipelines the user can ask for by name with ``--pipeline NAME``."""

DEFAULT_PIPELINE = "auto"

MAX_PIPELINE_FILE_BYTES = 1 << 20

_STEP = re.compile(r"^\s*(?P<name>[A-Za-z_][\w-]*)\s*(?:\((?P<args>.*)\))?\s*$", re.DOTALL)
_NAME = re.compile(r"[A-Za-z_][\w-]*")
_ARGUMENT = re.compile(r"""(?:'[^']*'|"[^"]*"|[^,'"])+""")
"""One argument: text up to the next comma outside quotes."""
_STEP_TEXT = re.compile(r"""(?:'[^']*'|"[^"]*"|[^|'"])+""")
"""One step: text up to the next ``|`` outside quotes."""


@dataclass(frozen=True)
class Step:
    """A stage with the user's arguments, as it runs in a pipeline."""

    stage: Stage
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        args = ", ".join(f"{k}={spec_value(v)}" for k, v in self.args.items())
        return f"{self.stage.name}({args})" if args else self.stage.name

    def run(self, scan: Scan) -> Scan:
        """Run the stage on ``scan``, check what it returns, and make the Scan that follows."""
        from .types import Warped

        where = f"stage {self.stage.name} of plugin {self.stage.plugin}"
        try:
            result = self.stage.func(scan, **self.stage.arguments(self.args))
        except Exception as exc:
            raise InputError(f"{where} failed: {type(exc).__name__}: {exc}") from exc
        pixels = result.pixels if isinstance(result, Warped) else result
        if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.ndim != 2:
            raise InputError(f"{where} returned {_describe(pixels)}, not a 2-D uint8 image")
        if not isinstance(result, Warped) and result.shape != scan.pixels.shape:
            raise InputError(
                f"{where} changed the image shape from {scan.pixels.shape} to {result.shape}; "
                "a stage that changes the geometry returns ocrprep.Warped"
            )
        return scan.followed_by(result)


@dataclass(frozen=True)
class Pipeline:
    """Steps run in order on a page made 2-D ``uint8`` gray first."""

    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return " | ".join(str(step) for step in self.steps)

    def stages(self, image: np.ndarray, dpi: int | None = None) -> Iterator[tuple[Step, Scan]]:
        """Yield each step with the Scan it made, so callers can save or inspect every stage."""
        scan = _first_scan(image, dpi)
        for step in self.steps:
            scan = step.run(scan)
            yield step, scan

    def process(self, image: np.ndarray, dpi: int | None = None) -> Scan:
        """The cleaned page: the last step's Scan, with its DPI and its way back to ``image``."""
        return self.apply(_first_scan(image, dpi))

    def apply(self, scan: Scan) -> Scan:
        """The steps run on ``scan``, a page already gray (a cleaned one, say): the last step's Scan."""
        for step in self.steps:
            scan = step.run(scan)
        return scan

    def run(self, image: np.ndarray, dpi: int | None = None) -> np.ndarray:
        """The cleaned pixels (see :meth:`process`): read-only, and a gray ``image``'s own when no stage
        changed them (a Scan keeps the pixels it was given, not a stage's equal copy)."""
        return self.process(image, dpi).pixels

    def to_toml(self) -> str:
        """The pipeline as a TOML file that ``parse_pipeline_file`` reads back."""
        tables = [
            {"name": step.stage.name} | {key: _toml_value(value) for key, value in step.args.items()}
            for step in self.steps
        ]
        import tomli_w

        return tomli_w.dumps({"stage": tables})


def _first_scan(image: np.ndarray, dpi: int | None) -> Scan:
    """The Scan the first stage sees: the page made 2-D uint8 gray."""
    from .images import to_gray
    from .types import Scan

    return Scan(to_gray(image), dpi)


def spec_value(value: object) -> str:
    """A value as a pipeline spec writes it; text with a comma, bar, quote or bracket in quotes."""
    text = str(value)
    if isinstance(value, str) and any(c in text for c in ",|()'\""):
        return f"'{text}'" if "'" not in text else f'"{text}"'
    return text


def _toml_value(value: object) -> object:
    """A parameter's value as TOML holds it: numbers, text and booleans as they are; sizes as written."""
    from .types import Size

    if isinstance(value, Size):
        return value.to_toml()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def parse_pipeline(spec: str, stages: Mapping[str, Stage]) -> Pipeline:
    """Parse ``"threshold(160) | opening(radius=1)"`` or a name from ``NAMED_PIPELINES``.

    Positional arguments fill a stage's parameters in order. Raises UsageError naming what exists.
    """
    spec = NAMED_PIPELINES.get(spec.strip(), spec)
    steps = []
    for text in _STEP_TEXT.findall(spec) or [spec]:
        match = _STEP.match(text)
        if match is None:
            raise UsageError(f"cannot read pipeline step {text.strip()!r}; write it as name(arg, key=value)")
        stage = _lookup(match["name"], stages)
        positional: list[str] = []
        named: dict[str, object] = {}
        for arg in _split_args(match["args"] or ""):
            key, sep, value = arg.partition("=")
            if sep and _NAME.fullmatch(key.strip()):
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
    import tomllib

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
    """The arguments between commas; a comma inside quotes belongs to its argument."""
    return [part.strip() for part in _ARGUMENT.findall(text) if part.strip()]


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.ndim}-D {value.dtype} array"
    return type(value).__name__
