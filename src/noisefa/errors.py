"""Errors a user can act on. CLIs print their message (no traceback) and exit with status 2."""


class NoisefaError(Exception):
    """Base class: the message names the file, key or value and what was expected."""


class DataError(NoisefaError):
    """A dataset file is missing, corrupt, or cannot satisfy a request."""


class ConfigError(NoisefaError):
    """A parameter is out of range or inconsistent with another."""


class DivergenceError(NoisefaError):
    """Training stopped learning: a non-finite loss, or one far above its initial value."""


class ResultError(NoisefaError):
    """An intermediate result (summary, history, table) is missing, damaged or partial."""


class CheckpointError(NoisefaError):
    """A checkpoint does not match the network it is loaded into."""
