"""Active learning: which unlabelled passages are most worth labelling next, and why.

Three strategies, each cheap enough for pools of tens of thousands of passages:

``"uncertainty"``
    A frame score close to the threshold: the model cannot tell whether the passage carries the
    frame. The passage's score is its most uncertain frame's ``1 - |p - threshold| / max(threshold,
    1 - threshold)``.
``"stance"``
    A frame the model labels, with two stances nearly tied: ``1 - (top - second)`` stance
    probability. Needs a model trained with stances; passages with no labelled frame are left out.
``"diversity"``
    Greedy max-min selection on the model's TF-IDF vectors, weighted by uncertainty: start from
    the most uncertain passage, then repeatedly take the passage whose cosine distance to the
    nearest passage picked so far, times its uncertainty, is largest, so the batch covers the pool
    instead of n variants of one story, without drifting to odd but easy passages.

Empty passages and repeated texts (same words, ignoring case and spacing) are never suggested
twice; ties go to the earlier passage, so results are deterministic.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from .model import check_texts

__all__ = ["Suggestion", "suggest", "STRATEGIES"]

STRATEGIES = ("uncertainty", "stance", "diversity")


@dataclass(frozen=True)
class Suggestion:
    """A passage worth labelling next.

    Attributes
    ----------
    index : int
        Position in the texts given to ``suggest``.
    text : str
    score : float
        How strongly the strategy wants it labelled (higher first), in [0, 1].
    reason : str
        Why, in words.
    """

    index: int
    text: str
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form.

        Examples
        --------
        >>> Suggestion(3, "Prices rose.", 0.91234567, "why").to_dict()
        {'index': 3, 'text': 'Prices rose.', 'score': 0.912346, 'reason': 'why'}
        """
        d = asdict(self)
        d["score"] = round(self.score, 6)
        return d


def suggest(model: Any, texts: Sequence[str], n: int = 20, *, strategy: str = "uncertainty",
            threshold: float | None = None, batch_size: int = 2000) -> list[Suggestion]:
    """The ``n`` passages most worth labelling next, best first, each with its reason.

    Parameters
    ----------
    model : FrameClassifier
        A fitted model.
    texts : list of str
        The unlabelled pool.
    n : int, default=20
        How many to suggest (fewer when the pool has fewer eligible passages).
    strategy : {"uncertainty", "stance", "diversity"}, default="uncertainty"
        See the module documentation.
    threshold : float, optional
        The decision threshold to be uncertain about (default: the model's).
    batch_size : int, default=2000
        Passages scored together.

    Returns
    -------
    list of Suggestion

    Examples
    --------
    >>> import framing
    >>> pool = ["The weather was mild.", "Soldiers fired on the rally.",
    ...         "Unrest spread, officials hinted at outside help."]
    >>> picks = suggest(framing.default_model(), pool, n=2)
    >>> len(picks), all(0.0 <= s.score <= 1.0 for s in picks), picks[0].score >= picks[1].score
    (2, True, True)
    >>> "near the threshold" in picks[0].reason
    True
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}; got {strategy!r}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    items, _ = check_texts(texts, allow_single=False)
    thr = model.decision_threshold_ if threshold is None else threshold
    results = model.classify(items, threshold=thr, batch_size=batch_size) if items else []
    eligible = _eligible(items, results)
    if strategy == "stance":
        if not len(model.stances_):
            raise ValueError("strategy 'stance' needs a model trained with stances; this model has none")
        scored = [_stance_doubt(i, results[i]) for i in eligible]
        scored = [s for s in scored if s is not None]
    else:
        scored = [_frame_doubt(i, results[i], thr) for i in eligible]
    if strategy == "diversity":
        return _diverse(model, items, scored, int(n), batch_size)
    scored.sort(key=lambda s: (-s[1], s[0]))
    return [Suggestion(i, items[i], score, reason) for i, score, reason in scored[: int(n)]]


def _eligible(items: list[str], results: list[Any]) -> list[int]:
    """Indices of non-empty passages, first occurrence of each distinct text only."""
    seen: set[str] = set()
    keep = []
    for i, (text, r) in enumerate(zip(items, results)):
        key = " ".join(text.lower().split())
        if "empty" in r.flags or not key or key in seen:
            continue
        seen.add(key)
        keep.append(i)
    return keep


def _frame_doubt(i: int, result: Any, thr: float) -> tuple[int, float, str]:
    scale = max(thr, 1.0 - thr) or 1.0
    best = max(result.frames, key=lambda p: 1.0 - abs(p.score - thr) / scale)  # first frame wins ties
    doubt = 1.0 - abs(best.score - thr) / scale
    return i, float(doubt), f"{best.frame} score {best.score:.2f} is near the threshold {thr:.2f}"


def _stance_doubt(i: int, result: Any) -> tuple[int, float, str] | None:
    best: tuple[float, str] | None = None
    for frame in result.labels:
        pred = result[frame]
        if not pred.stance_scores:
            continue
        (s1, p1), (s2, p2) = sorted(pred.stance_scores.items(), key=lambda kv: -kv[1])[:2]
        doubt = 1.0 - (p1 - p2)
        if best is None or doubt > best[0]:
            best = (doubt, f"{frame} (score {pred.score:.2f}) has an unsure stance: {s1} {p1:.2f} vs {s2} {p2:.2f}")
    return None if best is None else (i, float(best[0]), best[1])


def _diverse(model: Any, items: list[str], scored: list[tuple[int, float, str]], n: int,
             batch_size: int) -> list[Suggestion]:
    if not scored:
        return []
    idx = np.array([s[0] for s in scored])
    vectors = _tfidf(model, [items[i] for i in idx], batch_size)
    first = max(range(len(scored)), key=lambda k: (scored[k][1], -scored[k][0]))
    picks = [Suggestion(int(idx[first]), items[idx[first]], scored[first][1], scored[first][2] + " (first pick)")]
    doubt = np.array([s[1] for s in scored])
    nearest = np.full(len(idx), np.inf)
    last = first
    taken = np.zeros(len(idx), dtype=bool)
    taken[first] = True
    while len(picks) < min(n, len(idx)):
        sims = np.asarray(vectors @ vectors[last].T.toarray()).ravel()
        nearest = np.minimum(nearest, np.clip(1.0 - sims, 0.0, 1.0))
        candidates = np.where(taken, -1.0, nearest * doubt)
        last = int(np.argmax(candidates))  # first index wins ties
        taken[last] = True
        picks.append(Suggestion(int(idx[last]), items[idx[last]], float(candidates[last]),
                                f"{scored[last][2]}, and unlike the passages picked before it "
                                f"(cosine distance {nearest[last]:.2f} to the nearest)"))
    return picks


def _tfidf(model: Any, texts: list[str], batch_size: int):
    """L2-normalised TF-IDF rows of the model's vocabulary (sparse)."""
    import scipy.sparse as sp

    parts = []
    for start in range(0, len(texts), batch_size):
        batch = model.vectorizer_.transform(texts[start : start + batch_size])
        parts.append(model._features(batch)["tf_p"])
    return sp.vstack(parts, format="csr")
