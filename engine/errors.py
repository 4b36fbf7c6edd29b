"""Errors that the CLI turns into one clear line and exit code 2."""


class NnanimError(Exception):
    """Base of every error meant for the user, not a traceback."""


class ConfigError(NnanimError):
    """A run config is wrong; the message names the field, e.g. ``optimizer.lr``."""


class TraceError(NnanimError):
    """A trace is missing, corrupt or of the wrong kind."""


class ShapeError(NnanimError):
    """A layer cannot be applied to an input (kernel larger than input, stride 0, ...)."""
