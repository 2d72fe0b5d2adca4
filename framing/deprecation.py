"""Old call forms that keep working for one release, with a ``FutureWarning`` that says what to write.

The convention (issue 13): the model is always the keyword ``model=`` (``classify(texts,
model=...)``, ``classify_articles(texts, model=...)``, ``evaluate(texts, labels, model=...)``), and
readers name record parts ``text_field``, ``labels_field``, ``id_field``, ``group_field`` (a JSON
field or a CSV/DataFrame column alike).
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

__all__ = ["warn_deprecated", "renamed", "looks_like_model"]

_WHEN = "deprecated and will stop working in the next minor release of framing"


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn (``FutureWarning``, shown by default) that ``old`` is deprecated in favour of ``new``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_deprecated("f(model, texts)", "f(texts, model=model)")
    >>> str(caught[0].message)
    'f(model, texts) is deprecated and will stop working in the next minor release of framing; write f(texts, model=model)'
    """
    warnings.warn(f"{old} is {_WHEN}; write {new}", FutureWarning, stacklevel=stacklevel)


def renamed(function: str, given: Mapping[str, Any], names: Mapping[str, str], current: dict[str, Any],
            defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Map deprecated keyword arguments in ``given`` to their new names (with a warning).

    ``names`` maps old names to new ones; ``current`` holds the values of the new parameters and
    ``defaults`` their defaults. Any other keyword in ``given`` is a ``TypeError``, as Python would
    raise, and so is an old name given together with its new one.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     renamed("read_csv", {"text_column": "body"}, {"text_column": "text_field"}, {"text_field": "text"},
    ...             {"text_field": "text"})
    {'text_field': 'body'}
    """
    out = dict(current)
    for old, value in given.items():
        if old not in names:
            raise TypeError(f"{function}() got an unexpected keyword argument {old!r}")
        new = names[old]
        if current[new] != defaults[new]:
            raise TypeError(f"{function}() got both {old!r} and {new!r}; give only {new!r}")
        warn_deprecated(f"{function}({old}=...)", f"{function}({new}=...)", stacklevel=4)
        out[new] = value
    return out


def looks_like_model(obj: Any) -> bool:
    """True for a fitted model (or a view of one): something to classify with, not text.

    Examples
    --------
    >>> looks_like_model("text"), looks_like_model(["a", "b"])
    (False, False)
    """
    return not isinstance(obj, (str, bytes)) and hasattr(obj, "classify") and hasattr(obj, "codebook_")
