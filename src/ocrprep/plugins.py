"""Build the plugin manager and the host that uses it: stages to chain, an engine to read with.

Plugins load in this order: the built-ins in ``BUILTIN_PLUGINS``, then every entry point in the
``ocrprep`` group, then each ``--plugin MODULE_OR_PATH``. A plugin named in ``disabled`` (or in the
``OCRPREP_DISABLE_PLUGINS`` environment variable, comma-separated) is not registered.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pluggy

from . import hookspecs
from .errors import InputError, OcrprepError, PluginError, UsageError
from .hookspecs import PROJECT, Recognition, RecognizeOptions
from .pipeline import DEFAULT_PIPELINE, Pipeline, Stage, parse_pipeline, parse_pipeline_file

BUILTIN_PLUGINS = ("ocrprep.builtin.despeckle", "ocrprep.builtin.tesseract")
ENTRY_POINT_GROUP = PROJECT
DISABLE_ENV = "OCRPREP_DISABLE_PLUGINS"
TRACE_ENV = "OCRPREP_TRACE_PLUGINS"

log = logging.getLogger(__name__)


def get_plugin_manager(plugins: Iterable[str] = (), disabled: Iterable[str] = ()) -> pluggy.PluginManager:
    """A new plugin manager with the built-ins, the installed plugins and ``plugins`` registered.

    Raises PluginError when a ``--plugin`` cannot be loaded or a plugin implements a hook that does
    not exist. An installed plugin that fails to import is logged and skipped.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = [*disabled, *filter(None, os.environ.get(DISABLE_ENV, "").split(","))]
    for name in blocked:
        pm.set_blocked(name.strip())
    for dotted in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(dotted), name=dotted.rpartition(".")[2])
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if pm.is_blocked(entry_point.name) or pm.has_plugin(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:  # a broken third-party install must not stop the others
            dist = entry_point.dist.name if entry_point.dist else entry_point.value
            log.warning("plugin %s (from %s) failed to load and is skipped: %s", entry_point.name, dist, exc)
            continue
        pm.register(plugin, name=entry_point.name)
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
    """Print every hook call, the plugins it reached and its time to stderr (``OCRPREP_TRACE_PLUGINS=1``)."""
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

    def __init__(self, plugins: Iterable[str] = (), disabled: Iterable[str] = ()) -> None:
        self.pm = get_plugin_manager(plugins, disabled)
        self.stages = self._collect_stages()

    def _collect_stages(self) -> dict[str, Stage]:
        stages: dict[str, Stage] = {}
        for impl in self.pm.hook.preprocess_stages.get_hookimpls():  # in registration order
            start = time.perf_counter()
            contributed: Iterable[object] | None = impl.function()  # type: ignore[assignment]  # checked below
            if os.environ.get(TRACE_ENV):
                _trace("preprocess_stages", [impl.plugin_name], time.perf_counter() - start)
            for stage in contributed or ():
                if not isinstance(stage, Stage):
                    raise PluginError(
                        f"plugin {impl.plugin_name} returned {type(stage).__name__} from "
                        "preprocess_stages; expected ocrprep.Stage objects"
                    )
                if stage.name in stages:
                    raise PluginError(
                        f"stage {stage.name!r} comes from both {stages[stage.name].plugin} and "
                        f"{impl.plugin_name}; disable one with --disable-plugin"
                    )
                stages[stage.name] = replace(stage, plugin=impl.plugin_name)
        return stages

    def pipeline(self, spec: str | None = None, file: Path | None = None) -> Pipeline:
        """The pipeline from a spec string or a TOML file; the default pipeline when neither is given."""
        if spec is not None and file is not None:
            raise UsageError("give --pipeline or --pipeline-file, not both")
        if file is not None:
            return parse_pipeline_file(file, self.stages)
        return parse_pipeline(DEFAULT_PIPELINE if spec is None else spec, self.stages)

    def engines(self) -> list[str]:
        """Names of the plugins that implement ``recognize``: by convention, the engine names."""
        return sorted(impl.plugin_name for impl in self.pm.hook.recognize.get_hookimpls())

    def recognize(self, image: np.ndarray, dpi: int | None, options: RecognizeOptions) -> Recognition:
        """Read ``image`` with the engine ``options.engine`` names."""
        view = image.view()
        view.flags.writeable = False
        try:
            result = self.pm.hook.recognize(image=view, dpi=dpi, options=options)
        except OcrprepError:
            raise
        except Exception as exc:
            raise InputError(f"engine {options.engine} failed: {type(exc).__name__}: {exc}") from exc
        if result is None:
            raise UsageError(f"no engine named {options.engine!r}; engines: {', '.join(self.engines())}")
        if not isinstance(result, Recognition):
            raise PluginError(
                f"engine {options.engine} returned {type(result).__name__}, not ocrprep.Recognition"
            )
        return result

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with its version, hooks and stages, in registration order."""
        dists = {
            ep.name: ep.dist
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
            if ep.dist is not None
        }
        builtins = {dotted.rpartition(".")[2] for dotted in BUILTIN_PLUGINS}
        infos = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            if name in builtins:
                version, distribution = importlib.metadata.version(PROJECT), PROJECT
            elif name in dists:
                version, distribution = dists[name].version, dists[name].name
            else:
                version, distribution = str(getattr(plugin, "__version__", "-")), "-"
            hooks = tuple(sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ()))
            stages = tuple(s.name for s in self.stages.values() if s.plugin == name)
            engines = (name,) if "recognize" in hooks else ()
            infos.append(PluginInfo(name, version, distribution, hooks, stages, engines))
        return infos
