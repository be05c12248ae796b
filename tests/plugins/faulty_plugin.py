"""Faults on purpose: a stage that raises and an engine that crashes."""

from __future__ import annotations

from ocrprep import Stage, hookimpl


def explode(image):
    raise RuntimeError("boom")


@hookimpl
def preprocess_stages():
    return [Stage("explode", explode, "Always raises.")]


@hookimpl
def recognize(image, dpi, options):
    if options.engine == "crash":
        raise RuntimeError("engine fell over")
    return None
