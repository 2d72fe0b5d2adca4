"""Exceptions raised by framing. All subclass the matching built-in, so ``except ValueError`` works."""

from __future__ import annotations

__all__ = ["FramingError", "InputTypeError", "InputFormatError", "LabelError", "CodebookError", "ModelFileError",
           "NotFittedError", "DuplicateTextWarning", "NoSpansError", "ProfileError"]


class FramingError(Exception):
    """Base class of framing's own errors."""


class InputTypeError(FramingError, TypeError):
    """Text input of the wrong type: says what was expected, what arrived and where."""


class InputFormatError(FramingError, ValueError):
    """A malformed record in a batch input file: names the file and the line."""


class LabelError(FramingError, ValueError):
    """Training labels that do not fit the codebook: names the record and lists the valid values."""


class CodebookError(FramingError, ValueError):
    """A codebook file or declaration that cannot be used."""


class ModelFileError(FramingError, ValueError):
    """A model file that is refused: corrupted, truncated, foreign, unsafe or of an unknown version."""


class NotFittedError(FramingError, AttributeError):
    """A model used before ``fit``."""


class DuplicateTextWarning(UserWarning):
    """Training records with the same text but different labels (see ``framing.duplicates``)."""


class NoSpansError(FramingError, ValueError):
    """Offsets asked of a result that was classified without ``spans=True``."""


class ProfileError(FramingError, ValueError):
    """Input that ``framing.profile`` cannot profile: names the missing column or the bad value."""
