"""Implements a hook that does not exist: ocrprep must refuse it."""

from ocrprep import hookimpl


@hookimpl
def preprocess_stage():
    return []
