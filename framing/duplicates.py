"""Training passages with the same text but different labels, and what to do about them.

Real data has them: two shared-task articles that differ only by trailing newlines, a passage
labelled twice by two annotators. Texts are the same when they are equal after folding case and
white space. ``conflicts=`` of ``framing.train``, ``FrameClassifier.fit`` and
``framing.cross_validate`` chooses what happens (nothing is ever dropped):

``"warn"`` (default)
    Train on the records as given, and warn once (``DuplicateTextWarning``) with the number of
    conflicting groups and the ids of every record in them.
``"error"``
    Refuse with a ``LabelError`` listing every conflicting group.
``"merge"``
    Give every record of a group the union of the group's frames; a frame keeps its stance when the
    records that give one agree, and has no stance otherwise.
``"first"``
    Give every record of a group the labels of its first record.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .errors import DuplicateTextWarning, LabelError

__all__ = ["CONFLICT_POLICIES", "conflicting_groups", "resolve_conflicts"]

CONFLICT_POLICIES = ("warn", "error", "merge", "first")


def conflicting_groups(texts: Sequence[str], Y: np.ndarray, S: np.ndarray) -> list[list[int]]:
    """Positions of the records that share a text but not its labels, one list per text, in order.

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 1], [0, 1], [1, 0], [0, 1]])
    >>> S = np.full(Y.shape, -1)
    >>> conflicting_groups(["A b", "c", "a  B\\n", "c", "d"], Y, S)
    [[0, 2], [1, 3]]
    """
    groups: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        groups.setdefault(" ".join(text.split()).lower(), []).append(i)
    out = []
    for rows in groups.values():
        if len(rows) > 1 and any(not (np.array_equal(Y[i], Y[rows[0]]) and np.array_equal(S[i], S[rows[0]]))
                                 for i in rows[1:]):
            out.append(rows)
    return out


def resolve_conflicts(texts: Sequence[str], Y: np.ndarray, S: np.ndarray, ids: Sequence[Any] | None,
                      policy: str = "warn") -> tuple[np.ndarray, np.ndarray]:
    """Apply ``policy`` (see the module documentation) to records with the same text but other labels.

    Returns the label matrices to train on (new arrays when labels changed). Records are named by
    ``ids``, or by their position.

    Examples
    --------
    >>> Y, S = np.array([[1, 0], [0, 1], [0, 0]]), np.array([[0, -1], [-1, 2], [-1, -1]])
    >>> Ym, Sm = resolve_conflicts(["Same.", "same.", "Other."], Y, S, ["a", "b", "c"], "merge")
    >>> Ym.tolist(), Sm.tolist()
    ([[1, 1], [1, 1], [0, 0]], [[0, 2], [0, 2], [-1, -1]])
    >>> resolve_conflicts(["Same.", "same.", "Other."], Y, S, ["a", "b", "c"], "error")
    Traceback (most recent call last):
    ...
    framing.errors.LabelError: 1 group of records has the same text but different labels: ['a', 'b']; pass conflicts='warn' (train on them as given), 'merge' (union of the labels) or 'first' (the first record's labels)
    """
    if policy not in CONFLICT_POLICIES:
        raise ValueError(f"conflicts must be one of {CONFLICT_POLICIES}; got {policy!r}")
    groups = conflicting_groups(texts, Y, S)
    if not groups:
        return Y, S
    named = "; ".join(str([ids[i] if ids is not None else i for i in rows]) for rows in groups)
    what = (f"{len(groups)} group{'' if len(groups) == 1 else 's'} of records "
            f"{'has' if len(groups) == 1 else 'have'} the same text but different labels")
    if policy == "error":
        raise LabelError(f"{what}: {named}; pass conflicts='warn' (train on them as given), 'merge' (union of "
                         "the labels) or 'first' (the first record's labels)")
    if policy == "warn":
        warnings.warn(f"{what} (training on them as given; conflicts='merge', 'first' or 'error' to choose): {named}",
                      DuplicateTextWarning, stacklevel=4)
        return Y, S
    Y, S = Y.copy(), S.copy()
    for rows in groups:
        if policy == "first":
            Y[rows], S[rows] = Y[rows[0]], S[rows[0]]
            continue
        frames = Y[rows].max(axis=0)
        stances = np.full(S.shape[1], -1, dtype=S.dtype)
        for j in np.flatnonzero(frames):
            given = {int(s) for s in S[rows, j] if s >= 0}
            if len(given) == 1:
                stances[j] = given.pop()
        Y[rows], S[rows] = frames, stances
    return Y, S
