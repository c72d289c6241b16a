"""The package's exception family: every error names the argument, file or row at fault."""


class FaceCutoutError(ValueError):
    """Base class of every error raised by facecutout."""


class InvalidInputError(FaceCutoutError):
    """An argument (image, landmarks, diff, option) has the wrong type, shape, dtype or value."""


class DataError(FaceCutoutError):
    """A file, CSV row or dataset folder is missing, unreadable or malformed."""


class CheckpointError(FaceCutoutError):
    """A checkpoint cannot be loaded into the requested model."""


class MissingDependencyError(ImportError, FaceCutoutError):
    """An optional package is not installed; the message names the command that installs it."""
