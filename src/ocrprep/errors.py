"""Exit codes and the one exception family that the CLI turns into ``Error: ...`` lines."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``ocrprep`` exits with; scripts may rely on these numbers."""

    OK = 0
    USAGE = 2
    """Bad option, unknown stage or parameter, unreadable pipeline file."""
    INPUT_FAILED = 3
    """Some inputs could not be processed; the others were."""
    ENGINE_MISSING = 4
    """Tesseract (or the selected engine) is not installed or not found."""
    PLUGIN_ERROR = 5
    """A plugin could not be loaded or breaks the hook contract."""
    WORSE = 6
    """``compare --fail-if-worse``: the cleanup raised the CER by more than the tolerance."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C."""


class OcrprepError(Exception):
    """Base of every error meant for the user: one line of message, with a remedy when there is one."""

    exit_code = ExitCode.USAGE


class UsageError(OcrprepError):
    """The user asked for something that does not exist or does not fit (stage, parameter, option)."""

    exit_code = ExitCode.USAGE


class InputError(OcrprepError):
    """One input file could not be read or processed; the batch goes on without it."""

    exit_code = ExitCode.INPUT_FAILED


class EngineMissingError(OcrprepError):
    """The OCR engine is not installed."""

    exit_code = ExitCode.ENGINE_MISSING


class PluginError(OcrprepError):
    """A plugin failed to load or broke the contract in ``hookspecs``."""

    exit_code = ExitCode.PLUGIN_ERROR
