"""Checks of what users pass in: texts, labels, weights, off-topic marks and thresholds.

Every check raises an error that says what was expected and what arrived (``InputTypeError`` for
the wrong kind of input, ``LabelError`` for training data, ``ValueError`` for a bad threshold), so
nothing fails deep inside numpy or scikit-learn. ``FrameClassifier`` and the functions around it
call these before any work.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .codebooks import Codebook
from .errors import InputTypeError, LabelError

__all__ = ["check_texts", "parse_labels", "check_sample_weight", "check_off_topic", "check_threshold",
           "check_training_set"]



def check_texts(texts: Any, *, allow_single: bool = True) -> tuple[list[str], bool]:
    """Validate text input; return (list of str, whether a single string was given).

    Raises ``InputTypeError`` naming what was expected, what arrived, and at which index.

    Examples
    --------
    >>> check_texts("one passage")
    (['one passage'], True)
    >>> check_texts(["a", "b"])
    (['a', 'b'], False)
    >>> check_texts(["a", None])
    Traceback (most recent call last):
    ...
    framing.errors.InputTypeError: expected str at index 1, got NoneType (None)
    """
    if isinstance(texts, str):
        if not allow_single:
            raise InputTypeError("Iterable over raw text documents expected, string object received.")
        return [texts], True
    if texts is None or isinstance(texts, (bytes, bytearray, numbers.Number, Mapping)):
        raise InputTypeError(
            f"expected a str or a list of str, got {type(texts).__name__}"
            + (" (decode bytes first, e.g. data.decode('utf-8'))" if isinstance(texts, (bytes, bytearray)) else "")
        )
    if isinstance(texts, (set, frozenset)):
        raise InputTypeError(f"expected an ordered sequence of str (list, tuple, array, Series), got {type(texts).__name__}"
                             ": a set has no order, so results or labels could not be matched to its texts")
    if hasattr(texts, "ndim") and getattr(texts, "ndim") != 1:
        raise InputTypeError(f"expected a 1-D sequence of str, got {type(texts).__name__} of shape "
                             f"{getattr(texts, 'shape', '?')}")
    try:
        items = list(texts)
    except TypeError:
        raise InputTypeError(f"expected a str or a list of str, got {type(texts).__name__}") from None
    for i, item in enumerate(items):
        if not isinstance(item, str):
            shown = repr(item)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise InputTypeError(f"expected str at index {i}, got {type(item).__name__} ({shown})")
    return items, False


def parse_labels(y: Any, codebook: Codebook, *, ids: Sequence[Any] | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Turn labels into a frame indicator matrix and a stance code matrix.

    Each label may be a list/tuple/set of frame ids, or a mapping frame id -> stance (stance may be
    ``None``). A 2-D 0/1 array with one column per codebook frame is accepted too.

    Returns
    -------
    Y : ndarray of shape (n, n_frames), 0/1
    S : ndarray of shape (n, n_frames), stance index, or -1 where absent or not given

    Examples
    --------
    >>> cb = Codebook.from_names(["a", "b"], stances=["pro", "anti"])
    >>> Y, S = parse_labels([["a"], {"b": "anti"}, []], cb)
    >>> Y.tolist(), S.tolist()
    ([[1, 0], [0, 1], [0, 0]], [[-1, -1], [-1, 1], [-1, -1]])
    """
    frames = codebook.frame_ids
    stances = codebook.stance_ids
    if hasattr(y, "ndim") and getattr(y, "ndim") == 2:
        arr = np.asarray(y)
        if arr.shape[1] != len(frames):
            raise LabelError(f"a label matrix needs one column per frame ({len(frames)}: {', '.join(frames)}); "
                             f"got {arr.shape[1]} columns")
        if not np.isin(arr, (0, 1)).all():
            raise LabelError("a label matrix must hold only 0 and 1")
        return arr.astype(np.int64), np.full(arr.shape, -1, dtype=np.int64)
    if isinstance(y, (str, bytes)) or not isinstance(y, Iterable):
        raise LabelError(f"labels must be a list with one entry per passage; got {type(y).__name__}")
    y = list(y)
    if ids is not None and len(ids) != len(y):
        raise LabelError(f"got {len(y)} labels but {len(ids)} ids; give one id per passage")
    Y = np.zeros((len(y), len(frames)), dtype=np.int64)
    S = np.full((len(y), len(frames)), -1, dtype=np.int64)
    for i, label in enumerate(y):
        where = f"record {ids[i]!r}" if ids is not None else f"record {i}"
        if isinstance(label, Mapping):
            pairs = list(label.items())
        elif isinstance(label, (list, tuple, set, frozenset)):
            pairs = [(f, None) for f in label]
        else:
            raise LabelError(f"{where}: a label must be a list of frame ids or a mapping frame -> stance; "
                             f"got {type(label).__name__} ({label!r})")
        for frame, stance in pairs:
            if not isinstance(frame, str) or frame not in codebook._index:
                raise LabelError(f"{where}: unknown frame {frame!r}; valid frames: {', '.join(frames)}")
            j = codebook._index[frame]
            Y[i, j] = 1
            if stance is not None:
                if not stances:
                    raise LabelError(f"{where}: stance {stance!r} given but the codebook declares no stances")
                if stance not in stances:
                    raise LabelError(f"{where}: unknown stance {stance!r} for frame {frame!r}; "
                                     f"valid stances: {', '.join(stances)}")
                S[i, j] = stances.index(stance)
    return Y, S


# ------------------------------------------------------------------------------------------
# The scikit-learn parameter protocol, without importing scikit-learn
# ------------------------------------------------------------------------------------------


def check_sample_weight(sample_weight: Any, n: int) -> np.ndarray:
    """Passage weights as a float array of length ``n`` (ones when ``None``), or a clear error.

    Examples
    --------
    >>> check_sample_weight(None, 2).tolist(), check_sample_weight([1, 2.5], 2).tolist()
    ([1.0, 1.0], [1.0, 2.5])
    """
    if sample_weight is None:
        return np.ones(n)
    try:
        w = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError):
        raise LabelError(f"sample_weight must be a list of numbers; got {type(sample_weight).__name__}") from None
    if w.shape != (n,):
        raise LabelError(f"got {n} passages but sample_weight of shape {w.shape}")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise LabelError("sample_weight must hold finite numbers above 0")
    return w


def check_off_topic(off_topic: Any, Y: np.ndarray, ids: Sequence[Any] | None) -> np.ndarray:
    """Off-topic labels as 1 (off topic), 0 (on topic) or -1 (unknown), or a clear error.

    Examples
    --------
    >>> check_off_topic([True, None, False], np.zeros((3, 2)), None).tolist()
    [1, -1, 0]
    """
    n = len(Y)
    if off_topic is None:
        return np.full(n, -1)
    values = list(off_topic)
    if len(values) != n:
        raise LabelError(f"got {n} passages but {len(values)} off_topic labels")
    out = np.full(n, -1)
    for i, v in enumerate(values):
        if v is None:
            continue
        if not isinstance(v, (bool, np.bool_)):
            raise LabelError(f"off_topic must hold True, False or None; got {v!r} at index {i}")
        if v and Y[i].any():
            where = f"record {ids[i]!r}" if ids is not None else f"passage {i}"
            raise LabelError(f"{where} is marked off_topic but carries a frame; an off-topic passage has none")
        out[i] = int(v)
    return out


def check_threshold(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"threshold must be a number between 0 and 1; got {value!r}")
    return float(value)


def check_training_set(texts: list[str], Y: np.ndarray, S: np.ndarray, codebook: Codebook,
                        ids: Sequence[Any] | None) -> None:
    """Refuse training data that cannot give a sound model, naming the records at fault."""
    def name(i: int) -> str:
        return f"record {ids[i]!r}" if ids is not None else f"record {i}"

    if len(texts) < 2:
        raise LabelError(f"training needs at least 2 passages; got {len(texts)}")
    for i, text in enumerate(texts):
        if not text.strip():
            raise LabelError(f"{name(i)}: empty text")
    positives = Y.sum(axis=0)
    for j, frame in enumerate(codebook.frame_ids):
        if positives[j] < 2 or positives[j] > len(texts) - 2:
            what = "positive" if positives[j] < 2 else "negative"
            raise LabelError(f"frame {frame!r} has too few {what} examples ({int(min(positives[j], len(texts) - positives[j]))}); "
                             "each frame needs at least 2 passages with it and 2 without. Label more passages, "
                             "or drop the frame from the codebook.")
