"""Build the plugin manager and the host that uses it: stages to chain, an engine to read with.

Plugins load in this order: the built-ins in ``BUILTIN_PLUGINS``, then every entry point in the
``ocrprep`` group, then each ``--plugin MODULE_OR_PATH``. A plugin named in ``disabled`` (or in the
``OCRPREP_DISABLE_PLUGINS`` environment variable, comma-separated) is not registered.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import logging
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from . import __version__, hookspecs
from .errors import InputError, OcrprepError, PluginError, UsageError
from .hookspecs import PROJECT
from .libs import cv2, np
from .pipeline import DEFAULT_PIPELINE, Pipeline, parse_pipeline, parse_pipeline_file
from .types import Engine, Recognition, RecognizeOptions, Scan, Stage, Warped, more_confident

Contribution = TypeVar("Contribution", Stage, Engine)

BUILTIN_PLUGINS = ("ocrprep.builtin.despeckle", "ocrprep.builtin.geometry", "ocrprep.builtin.tesseract")
ENTRY_POINT_GROUP = PROJECT
DISABLE_ENV = "OCRPREP_DISABLE_PLUGINS"
TRACE_ENV = "OCRPREP_TRACE_PLUGINS"
SECOND_READ, DOUBTFUL_READ = "threshold(method=sauvola, window=24pt, k=0.34)", 50.0
"""A cleaned gray page of several lines that reads with a mean word confidence under
``DOUBTFUL_READ`` (or no word) is read again binarised by ``SECOND_READ``: Sauvola's local levels
with Tesseract's own weight and windows of a third of an inch, where Otsu's one level lost small,
light-on-dark and dot-matrix text. Dev split: small text CER 0.169 -> 0.157, light on dark 0.407
-> 0.348, dot-matrix 0.211 -> 0.194, blurred 0.084 -> 0.079, thermal 0.135 -> 0.137 (one receipt),
the rest unchanged; at 60 stamped pages read worse (0.287 -> 0.295: a stamp's words read surer).
On single lines the more confident read was too often the worse (real captchas 0.60 -> 0.71), so
they are read once."""
KEPT_WORDS = 0.75
"""... and the second read wins only with this share of the first read's words or more: surer of
fewer words, it has lost text (a stamped page: 47 words, CER 0.28, read as 16, CER 0.63)."""

log = logging.getLogger(__name__)


class _PluginManager(pluggy.PluginManager):
    """Looks for hooks in a plugin without touching the modules it imported: one that ``ocrprep.libs``
    imports lazily would load on the first look, and ``ocrprep stages`` would pay for numpy and OpenCV.

    ``distributions`` holds the installed package of each entry-point plugin, so that ``ocrprep
    plugins`` names it without scanning the installed packages a second time."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.distributions: dict[str, importlib.metadata.Distribution] = {}

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if isinstance(inspect.getattr_static(plugin, name, None), ModuleType):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def get_plugin_manager(
    plugins: Iterable[str] = (), disabled: Iterable[str] = (), entry_points: bool = True
) -> _PluginManager:
    """A new plugin manager with the built-ins, the installed plugins (unless not ``entry_points``)
    and ``plugins`` registered.

    Raises PluginError when a ``--plugin`` cannot be loaded or a plugin implements a hook that does
    not exist. An installed plugin that fails to import is logged and skipped.
    """
    pm = _PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = [*disabled, *filter(None, os.environ.get(DISABLE_ENV, "").split(","))]
    for name in blocked:
        pm.set_blocked(name.strip())
    for dotted in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(dotted), name=dotted.rpartition(".")[2])
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points else ():
        if pm.is_blocked(entry_point.name) or pm.has_plugin(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken third-party install must not stop the others
            dist = entry_point.dist.name if entry_point.dist else entry_point.value
            log.warning("plugin %s (from %s) failed to load and is skipped: %s", entry_point.name, dist, exc)
            continue
        pm.register(plugin, name=entry_point.name)
        if entry_point.dist is not None:
            pm.distributions[entry_point.name] = entry_point.dist
    for spec in plugins:
        module = load_plugin_module(spec)
        if not (pm.is_blocked(module.__name__) or pm.is_registered(module)):  # already installed: once
            pm.register(module, name=module.__name__)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"{exc}; see 'ocrprep plugins' and the hooks in ocrprep.hookspecs") from None
    if os.environ.get(TRACE_ENV):
        _trace_hook_calls(pm)
    return pm


def _trace_hook_calls(pm: pluggy.PluginManager) -> None:
    """Print every hook call, the plugins it reached and its time to stderr (``OCRPREP_TRACE_PLUGINS=1``).

    Engine calls are traced by the host as ``engine NAME.FUNCTION [PLUGIN] TIME``.
    """
    started: list[float] = []

    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        started.append(time.perf_counter())

    def after(
        outcome: Any, hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        _trace(hook_name, [impl.plugin_name for impl in reversed(impls)], time.perf_counter() - started.pop())

    pm.add_hookcall_monitoring(before, after)


def _trace(hook_name: str, plugin_names: Iterable[str], seconds: float) -> None:
    print(f"ocrprep trace: {hook_name} [{', '.join(plugin_names)}] {seconds * 1000:.1f} ms", file=sys.stderr)


def load_plugin_module(spec: str) -> ModuleType:
    """Import ``spec``: a path to a ``.py`` file, or a dotted module name."""
    path = Path(spec)
    try:
        if path.suffix == ".py":
            if not path.is_file():
                raise FileNotFoundError(f"no such file {spec}")
            module_spec = importlib.util.spec_from_file_location(path.stem, path)
            assert module_spec is not None and module_spec.loader is not None
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[path.stem] = module
            module_spec.loader.exec_module(module)
            return module
        return importlib.import_module(spec)
    except Exception as exc:
        raise PluginError(f"cannot load plugin {spec!r}: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True)
class PluginInfo:
    """What ``ocrprep plugins`` shows for one registered plugin."""

    name: str
    version: str
    distribution: str
    """The installed package it comes from; ``ocrprep`` for built-ins, ``-`` for ``--plugin``."""
    hooks: tuple[str, ...]
    stages: tuple[str, ...]
    engines: tuple[str, ...]


class Host:
    """The plugin manager with what ocrprep needs from it: the stages, the pipelines, the engines."""

    def __init__(
        self, plugins: Iterable[str] = (), disabled: Iterable[str] = (), entry_points: bool = True
    ) -> None:
        self.pm = get_plugin_manager(plugins, disabled, entry_points)
        self.stages = self._collect("preprocess_stages", Stage)
        self.engines = self._collect("recognize_engines", Engine)

    def _collect(self, hook: str, kind: type[Contribution]) -> dict[str, Contribution]:
        """What every plugin contributes through ``hook``, by name, each marked with its plugin."""
        found: dict[str, Contribution] = {}
        for impl in getattr(self.pm.hook, hook).get_hookimpls():  # in registration order
            start = time.perf_counter()
            contributed: Iterable[object] | None = impl.function()  # checked below
            if os.environ.get(TRACE_ENV):
                _trace(hook, [impl.plugin_name], time.perf_counter() - start)
            for item in contributed or ():
                if not isinstance(item, kind):
                    raise PluginError(
                        f"plugin {impl.plugin_name} returned {type(item).__name__} from {hook}; "
                        f"expected ocrprep.{kind.__name__} objects"
                    )
                if item.name in found:
                    raise PluginError(
                        f"{kind.__name__.lower()} {item.name!r} comes from both {found[item.name].plugin} "
                        f"and {impl.plugin_name}; disable one with --disable-plugin"
                    )
                found[item.name] = replace(item, plugin=impl.plugin_name)
        return found

    def pipeline(self, spec: str | None = None, file: Path | None = None) -> Pipeline:
        """The pipeline from a spec string or a TOML file; the default pipeline when neither is given."""
        if spec is not None and file is not None:
            raise UsageError("give --pipeline or --pipeline-file, not both")
        if file is not None:
            return parse_pipeline_file(file, self.stages)
        return parse_pipeline(DEFAULT_PIPELINE if spec is None else spec, self.stages)

    def engine(self, name: str, render: str | None = None) -> Engine:
        """The engine called ``name`` (that can write ``render`` documents), or a UsageError."""
        engine = self.engines.get(name)
        if engine is None:
            raise UsageError(
                f"no engine named {name!r}; engines: {', '.join(sorted(self.engines)) or 'none'}"
            )
        if render is not None and render not in engine.renders:
            able = sorted(n for n, e in self.engines.items() if render in e.renders)
            raise UsageError(
                f"engine {name} cannot write {render} output; engines that can: {', '.join(able) or 'none'}"
            )
        return engine

    def recognize(self, image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
        """Read ``image`` with the engine ``options.engine`` names."""
        engine = self.engine(options.engine)
        result = self._call(engine, engine.read, image, dpi, options)
        if not isinstance(result, Recognition):
            raise PluginError(
                f"engine {engine.name} returned {type(result).__name__}, not ocrprep.Recognition"
            )
        return result

    def read(self, scan: Scan, options: RecognizeOptions) -> Recognition:
        """Read a (cleaned) page; the word boxes refer to the input file's pixels. In ``digits``
        mode the read is a field, without the separators it ends with (:meth:`Recognition.field`)."""
        fitted = self.fitted(scan, options)
        result = self.recognize(fitted.pixels, fitted.dpi, options)
        if options.digits:
            result = result.field()
        return replace(result, words=fitted.input_words(result.words))

    def read_cleaned(self, scan: Scan, options: RecognizeOptions) -> tuple[Recognition, Scan]:
        """Read a cleaned page, a second time binarised when the first read is doubtful (see
        ``SECOND_READ``), and keep the more confident read: it and the page it read."""
        first = self.read(scan, options)
        if (
            (first.confidence or 0.0) >= DOUBTFUL_READ
            or options.one_line
            or "threshold" not in self.stages
            or cv2.countNonZero(cv2.inRange(scan.pixels, 1, 254)) == 0  # binary already
        ):
            return first, scan
        binarised = self.pipeline(SECOND_READ).apply(scan)
        second = self.read(binarised, options)
        kept_words = len(second.words) >= KEPT_WORDS * len(first.words)
        if kept_words and more_confident(second.confidence, first.confidence):
            return second, binarised
        return first, scan

    def fitted(self, scan: Scan, options: RecognizeOptions, warn: bool = True) -> Scan:
        """``scan`` shrunk to the engine's ``max_side`` (DPI scaled, the way back to the input kept)."""
        limit = self.engine(options.engine).max_side
        height, width = scan.pixels.shape
        if limit is None or max(height, width) <= limit:
            return scan
        factor = limit / max(height, width)
        size = (max(1, min(limit, round(width * factor))), max(1, min(limit, round(height * factor))))
        small = cv2.resize(scan.pixels, size, interpolation=cv2.INTER_AREA)
        fitted = scan.followed_by(Warped.scale(small, size[0] / width, size[1] / height))
        if warn:
            log.warning(
                "a %dx%d px page is larger than engine %s reads (%d px a side); it reads it at %dx%d px, "
                "%s DPI", width, height, options.engine, limit, *size, fitted.dpi or "unknown",
            )  # fmt: skip
        return fitted

    def render(self, kind: str, image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> bytes:
        """The ``kind`` document (e.g. ``pdf``) of ``image``, written by the engine ``options`` names."""
        engine = self.engine(options.engine, kind)
        document = self._call(engine, engine.renders[kind], image, dpi, options)
        if not isinstance(document, bytes):
            raise PluginError(f"engine {engine.name} wrote {type(document).__name__} as {kind}, not bytes")
        return document

    @staticmethod
    def _call(
        engine: Engine, func: Any, image: np.ndarray, dpi: int | None, options: RecognizeOptions
    ) -> object:
        """``func(image, dpi, options)`` on a read-only view; an unexpected error is this image's."""
        view = image.view()
        view.flags.writeable = False
        start = time.perf_counter()
        try:
            result: object = func(view, dpi, options)
        except OcrprepError:
            raise
        except Exception as exc:
            raise InputError(f"engine {engine.name} failed: {type(exc).__name__}: {exc}") from exc
        if os.environ.get(TRACE_ENV):
            _trace(f"engine {engine.name}.{getattr(func, '__name__', 'call')}", [engine.plugin],
                   time.perf_counter() - start)  # fmt: skip
        return result

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with its version, hooks, stages and engines, in registration order."""
        dists = self.pm.distributions
        builtins = {dotted.rpartition(".")[2] for dotted in BUILTIN_PLUGINS}
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            if name in builtins:
                version, distribution = __version__, PROJECT
            elif name in dists:
                version, distribution = dists[name].version, dists[name].name
            else:
                version, distribution = str(getattr(plugin, "__version__", "-")), "-"
            hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ()))
            stages = tuple(s.name for s in self.stages.values() if s.plugin == name)
            engines = tuple(e.name for e in self.engines.values() if e.plugin == name)
            infos.append(PluginInfo(name, version, distribution, hooks, stages, engines))
        return infos
