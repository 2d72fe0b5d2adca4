"""Training on your own passages and codebooks, and honest evaluation.

``train`` validates labelled data and fits a ``FrameClassifier``; ``evaluate`` scores a model on
held-out passages; ``cross_validate`` runs grouped k-fold cross-validation.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .codebooks import load_codebook
from .deprecation import looks_like_model, warn_deprecated
from .duplicates import resolve_conflicts
from .errors import DuplicateTextWarning, LabelError
from .model import FrameClassifier, check_texts, parse_labels
from .progress import Stages

__all__ = ["train", "evaluate", "cross_validate", "EvaluationReport", "fingerprint"]


def fingerprint(texts: Sequence[str], labels: Sequence[Any]) -> str:
    """SHA-256 of the training passages and labels, in order (stored in model manifests).

    Examples
    --------
    >>> fingerprint(["a"], [["x"]]) == fingerprint(["a"], [["x"]])
    True
    """
    h = hashlib.sha256()
    for text, label in zip(texts, labels):
        h.update(text.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
        h.update(json.dumps(label if isinstance(label, dict) else sorted(label), sort_keys=True,
                            default=str).encode())
        h.update(b"\x01")
    return h.hexdigest()


def train(passages: Sequence[str], labels: Sequence[Any], *, codebook: Any = None, groups: Sequence[Any] | None = None,
          ids: Sequence[Any] | None = None, include_default_corpus: bool = False, random_state: int = 0,
          sample_weight: Sequence[float] | None = None, off_topic: Sequence[bool | None] | None = None,
          conflicts: str = "warn", verbose: bool = False, **params: Any) -> FrameClassifier:
    """Fit a frame (and stance) model on labelled passages.

    Parameters
    ----------
    passages : list of str
    labels : list
        Per passage, a list of frame ids, or a mapping frame id -> stance (stance optional).
    codebook : None, path, list of frame names, mapping or Codebook
        The frames to learn; default: the packaged codebook.
    groups : list, optional
        Group of each passage (event, outlet, article) for the calibration folds.
    ids : list, optional
        Record ids for error messages.
    include_default_corpus : bool, default=False
        Add the packaged corpus (default codebook only) to your passages.
    random_state : int, default=0
    sample_weight : list of float, optional
        Weight of each of your passages (default 1; packaged corpus passages added by
        ``include_default_corpus`` weigh as in the shipped model: a real one 3, a written one 1).
    off_topic : list of True, False or None, optional
        Which of your passages are off topic (about something else), on topic, or unknown; with
        both kinds, the model also learns to flag off-topic passages (see ``FrameClassifier.fit``).
        ``include_default_corpus`` adds the packaged corpus's own off-topic labels.
    conflicts : {"warn", "error", "merge", "first"}, default="warn"
        Records with the same text but different labels: train on them and warn once naming them
        all, refuse, give them the union of their labels, or the first record's labels (see
        :mod:`framing.duplicates`).
    verbose : bool, default=False
        Report each stage of the fit with the time taken, on standard error.
    **params
        Further ``FrameClassifier`` parameters (``C``, ``threshold``, ...).

    Returns
    -------
    FrameClassifier

    Examples
    --------
    >>> import framing
    >>> texts = ["Prices of bread rose again.", "The army fired at marchers.", "Wages are unpaid for months.",
    ...          "Police beat students in the square.", "Rent doubled this year.", "Tanks rolled over the rally."]
    >>> labels = [["Economic"], ["Violence"], ["Economic"], ["Violence"], ["Economic"], ["Violence"]]
    >>> model = framing.train(texts, labels, codebook=["Economic", "Violence"], min_df=1, cv=2, threshold=0.5)
    >>> model.classify("Food prices keep rising.").labels
    ['Economic']
    """
    from .corpus import corpus_topic, load_corpus

    texts, _ = check_texts(passages, allow_single=False)
    if not (hasattr(labels, "ndim") and getattr(labels, "ndim") == 2):
        labels = list(labels)
    cb = load_codebook(codebook)
    if include_default_corpus:
        if cb.sha256() != load_codebook(None).sha256():
            raise ValueError("include_default_corpus=True needs the default codebook; the packaged corpus is "
                             "labelled with it")
        extra = load_corpus()
        ids = (list(ids) if ids is not None else [f"user:{i}" for i in range(len(texts))]) + [r.id for r in extra]
        if groups is not None:
            groups = list(groups) + [r.event for r in extra]
        texts = texts + [r.text for r in extra]
        if hasattr(labels, "ndim"):  # a 0/1 matrix: turn rows into frame lists
            labels = [[f for f, v in zip(cb.frame_ids, row) if v] for row in labels]
        labels = list(labels) + [r.frames for r in extra]
        from .build import REAL_WEIGHT

        # The packaged passages weigh as they do in the shipped model: a real one REAL_WEIGHT.
        sample_weight = (list(sample_weight) if sample_weight is not None else [1.0] * (len(texts) - len(extra))) + \
            [REAL_WEIGHT if r.layer == "real" else 1.0 for r in extra]
        off_topic = (list(off_topic) if off_topic is not None else [None] * (len(texts) - len(extra))) + \
            [corpus_topic(r) for r in extra]
    model = FrameClassifier(codebook=cb, random_state=random_state, **params)
    model.fit(texts, labels, groups=groups, ids=ids, sample_weight=sample_weight, off_topic=off_topic,
              conflicts=conflicts, verbose=verbose)
    fp_labels = labels.tolist() if hasattr(labels, "tolist") else labels
    model.training_info_ = {"passages": len(texts), "fingerprint": fingerprint(texts, fp_labels),
                            "include_default_corpus": include_default_corpus, "random_state": random_state}
    return model


def _resolved(texts: list[str], labels: list[Any], codebook: Any, ids: list[Any], policy: str) -> list[Any]:
    """``labels`` after the conflict policy (``framing.duplicates``), as lists or frame -> stance mappings."""
    Y, S = parse_labels(labels, codebook, ids=ids)
    Y2, S2 = resolve_conflicts(texts, Y, S, ids, policy)
    if Y2 is Y:
        return labels
    stances = codebook.stance_ids
    out = list(labels)
    for i in np.flatnonzero((Y2 != Y).any(axis=1) | (S2 != S).any(axis=1)):
        frames = [f for f, v in zip(codebook.frame_ids, Y2[i]) if v]
        given = {f: stances[s] for f, s in zip(codebook.frame_ids, S2[i]) if s >= 0}
        out[i] = {f: given.get(f) for f in frames} if given else frames
    return out


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1; with nothing to find and nothing found, all three are 1.0.

    Examples
    --------
    >>> _prf(2, 0, 2), _prf(0, 0, 0), _prf(0, 1, 0)
    ((1.0, 0.5, 0.6666666666666666), (1.0, 1.0, 1.0), (0.0, 1.0, 0.0))
    """
    if not tp + fp + fn:
        return 1.0, 1.0, 1.0
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * tp / (2 * tp + fp + fn)
    return float(p), float(r), float(f)


def _counts(P: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of 0/1 predictions ``P`` against ``Y``."""
    return int((P & Y).sum()), int((P & (1 - Y)).sum()), int(((1 - P) & Y).sum())


def _calibration(scores: Any, gold: Any, bins: int = 10) -> dict[str, Any]:
    """How far scores can be read as probabilities: reliability bands, Brier score and ECE.

    ``scores`` are probabilities and ``gold`` the 0/1 truth of the same shape (for a model: every
    (passage, frame) pair, as ``EvaluationReport.calibration`` holds them). The bands are
    ``bins`` equal slices of [0, 1]; a score of exactly 1.0 falls in the last one.

    Examples
    --------
    >>> cal = _calibration([0.05, 0.05, 0.95, 0.95, 0.95, 0.95], [0, 0, 1, 1, 1, 0])
    >>> cal["bins"][0], cal["bins"][9]["gold_rate"]
    ({'low': 0.0, 'high': 0.1, 'pairs': 2, 'mean_score': 0.05, 'gold_rate': 0.0}, 0.75)
    >>> round(cal["ece"], 4), round(cal["brier"], 4)   # ECE (|0.1 - 0| + |3.8 - 3|) / 6; Brier (5 * 0.05**2 + 0.95**2) / 6
    (0.15, 0.1525)
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(gold, dtype=np.float64).ravel()
    if s.shape != y.shape or not len(s):
        raise ValueError(f"calibration needs as many gold values as scores, and at least one; got {len(s)} scores "
                         f"and {len(y)} gold values")
    band = np.minimum((s * bins).astype(np.int64), bins - 1)
    pairs = np.bincount(band, minlength=bins)
    score_sum, gold_sum = np.bincount(band, s, bins), np.bincount(band, y, bins)
    out = []
    for k in range(bins):
        n = int(pairs[k])
        out.append({"low": k / bins, "high": (k + 1) / bins, "pairs": n,
                    "mean_score": float(score_sum[k] / n) if n else None,
                    "gold_rate": float(gold_sum[k] / n) if n else None})
    ece = float(np.abs(score_sum - gold_sum).sum() / len(s))
    return {"bins": out, "brier": float(np.mean((s - y) ** 2)), "ece": ece}


def _rounded(value: Any, digits: int = 4) -> Any:
    """``value`` with every float in it rounded, tuples as lists (for JSON reports).

    Examples
    --------
    >>> _rounded({"f1": 0.666666, "support": 3, "interval": (0.12345, None)})
    {'f1': 0.6667, 'support': 3, 'interval': [0.1235, None]}
    """
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    return value


@dataclass(frozen=True)
class EvaluationReport:
    """Frame and stance quality of a model on labelled passages.

    ``stance_accuracy`` is measured on every gold (passage, frame) pair that has a stance, using
    the model's stance for that frame whether or not it detected the frame; ``endorsed_f1`` is the
    F1 of (passage, frame) pairs labelled *and* endorsed, so it needs both parts right. F1 is 1.0
    where there was nothing to find and nothing was found; ``macro_f1`` averages the frames that
    occur in the gold labels. ``per_frame`` also holds the tp/fp/fn counts. ``frame_free_kept`` is
    the share of passages without a gold frame to which the model gave no frame either (``None``
    when every passage has a frame). ``intervals`` (from ``evaluate(..., groups=...)``) holds a
    bootstrap confidence interval ``(low, high)`` for each headline figure.

    ``calibration`` says whether the frame scores can be read as probabilities, over every
    (passage, frame) pair: ``"bins"``, ten score bands of width 0.1 (the last one includes 1.0),
    each with its number of ``pairs``, their ``mean_score`` and the share of them whose frame is
    gold (``gold_rate``; both ``None`` for an empty band); ``"brier"``, the mean squared difference
    between score and gold (0 or 1); and ``"ece"``, the expected calibration error: the bands'
    ``|mean_score - gold_rate|`` weighted by their pairs. Most pairs score near 0 and are right,
    so ``ece`` is small even where the upper bands are not: read the bands.
    """

    per_frame: dict[str, dict[str, float]]
    micro_f1: float
    macro_f1: float
    samples_f1: float
    endorsed_f1: float | None
    stance_accuracy: float | None
    stance_confusion: dict[str, dict[str, int]] | None
    n_passages: int
    threshold: float
    extra: dict[str, Any] = field(default_factory=dict)
    frame_free_kept: float | None = None
    intervals: dict[str, tuple[float, float] | None] | None = None
    calibration: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_passages": self.n_passages, "threshold": self.threshold,
            **_rounded({"micro_f1": self.micro_f1, "macro_f1": self.macro_f1, "samples_f1": self.samples_f1,
                        "endorsed_f1": self.endorsed_f1, "stance_accuracy": self.stance_accuracy,
                        "frame_free_kept": self.frame_free_kept, "per_frame": self.per_frame}),
            "stance_confusion": self.stance_confusion,
            **({"intervals": _rounded(self.intervals)} if self.intervals else {}),
            **({"calibration": _rounded(self.calibration)} if self.calibration else {}),
            **self.extra,
        }

    def to_frame(self):
        """Per-frame precision, recall, F1 and support as a pandas DataFrame."""
        from .results import require_pandas

        pd = require_pandas()

        return pd.DataFrame(self.per_frame).T.rename_axis("frame")

    def __str__(self) -> str:
        width = max(len(f) for f in self.per_frame) + 2
        lines = [f"{'frame':<{width}}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
        for f, m in self.per_frame.items():
            lines.append(f"{f:<{width}}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}{m['support']:>9d}")
        lines.append("")
        lines.append(f"micro F1 {self.micro_f1:.3f} | macro F1 {self.macro_f1:.3f} | samples F1 {self.samples_f1:.3f}"
                     f" | {self.n_passages} passages, threshold {self.threshold}")
        if self.stance_accuracy is not None:
            lines.append(f"stance accuracy {self.stance_accuracy:.3f} | endorsed-frame F1 {self.endorsed_f1:.3f}")
        if self.frame_free_kept is not None:
            lines.append(f"frame-free passages left frame-free {self.frame_free_kept:.3f}")
        if self.calibration:
            lines.append(f"calibration: Brier {self.calibration['brier']:.4f} | ECE {self.calibration['ece']:.4f} | "
                         "score band -> share gold: " + ", ".join(
                             f"{b['low']:.1f}-{b['high']:.1f} {b['gold_rate']:.2f}" for b in self.calibration["bins"]
                             if b["pairs"]))
        if self.intervals:
            lines.append("95% intervals: " + " | ".join(f"{k} {v[0]:.3f}-{v[1]:.3f}" for k, v in self.intervals.items()
                                                        if v is not None))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + str(self).replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


def evaluate(passages: Sequence[str], labels: Sequence[Any], *legacy: Any, model: Any = None,
             threshold: float | None = None, groups: Sequence[Any] | None = None, n_boot: int = 1000,
             random_state: int = 0) -> EvaluationReport:
    """Score a model on labelled passages it was not trained on.

    Parameters
    ----------
    passages : list of str
    labels : list
        Per passage, a list of frame ids or a mapping frame id -> stance.
    model : FrameClassifier or path, optional
        As for ``framing.classify``; default: the shipped model. (The old form
        ``evaluate(model, passages, labels)`` still works, with a ``FutureWarning``.)
    threshold : float, optional
        Overrides the model's threshold.
    groups : list, optional
        The document (article, speech, outlet...) of each passage. With groups, the report's
        ``intervals`` hold a 95% confidence interval for micro-F1, endorsed-frame F1, stance
        accuracy and frame-free kept: the percentile interval of ``n_boot`` resamples of whole
        groups (passages of one document are not independent, so they are resampled together).
    n_boot : int, default=1000
        Bootstrap resamples for ``intervals``.
    random_state : int, default=0
        Seed of the resamples: the same seed gives the same intervals.

    Returns
    -------
    EvaluationReport

    Examples
    --------
    >>> import framing
    >>> rep = framing.evaluate(
    ...     ["Armed bandits looted shops and attacked police; order must be restored by force.",
    ...      "The football season opened on Saturday with a draw."],
    ...     [{"law_and_order": "endorsed"}, {}], model=framing.default_model())
    >>> round(rep.micro_f1, 3), rep.stance_accuracy, rep.per_frame["law_and_order"]["tp"]
    (0.667, 1.0, 1)
    >>> rep.per_frame["foreign_interference"]["fp"], rep.frame_free_kept   # one frame too many; the match left alone
    (1, 1.0)

    With the document of each passage, a confidence interval for each headline figure:

    >>> texts = ["Police beat and arrested peaceful marchers.", "The match ended in a draw.",
    ...          "Snow closed the mountain pass.", "Security forces shot at protesters in the square."]
    >>> rep = framing.evaluate(texts, [["repression"], [], [], ["repression"]], model=framing.default_model(),
    ...                        groups=["a", "a", "b", "c"])
    >>> rep.micro_f1, [round(x, 3) for x in rep.intervals["micro_f1"]]   # popular_revolt too many in the last
    (0.8, [0.667, 1.0])
    """
    if legacy or looks_like_model(passages):
        if not (looks_like_model(passages) and len(legacy) == 1 and model is None):
            raise TypeError("evaluate() takes the passages and their labels as its two positional arguments and "
                            "the model as the keyword model=")
        warn_deprecated("evaluate(model, passages, labels)", "evaluate(passages, labels, model=model)")
        model, passages, labels = passages, labels, legacy[0]
    from .api import resolve_model

    model = resolve_model(model)
    texts, _ = check_texts(passages, allow_single=False)
    if not texts:
        raise LabelError("evaluate needs at least one labelled passage; got 0 (with nothing to score, every "
                         "precision, recall and F1 would be undefined)")
    cb = model.codebook_
    Y, S = parse_labels(labels, cb)
    if len(Y) != len(texts):
        raise LabelError(f"got {len(texts)} passages but {len(Y)} labels; give one label per passage")
    if groups is not None:
        got = "a string" if isinstance(groups, str) else len(groups := list(groups))
        if got != len(texts):
            raise LabelError(f"groups must give one group per passage ({len(texts)}); got {got}")
        if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
            raise ValueError(f"n_boot must be a positive whole number of resamples; got {n_boot!r}")
    thr = model.decision_threshold_ if threshold is None else threshold
    results = model.classify(texts, threshold=thr)
    frames = list(cb.frame_ids)
    P = np.array([[int(f in r.labels) for f in frames] for r in results], dtype=np.int64).reshape(len(texts), len(frames))
    frame_scores = np.array([[fp.score for fp in r.frames] for r in results], dtype=np.float64).reshape(P.shape)
    per_frame = {}
    for j, f in enumerate(frames):
        tp, fp, fn = _counts(P[:, j], Y[:, j])
        p, r, f1 = _prf(tp, fp, fn)
        per_frame[f] = {"precision": p, "recall": r, "f1": f1, "support": int(Y[:, j].sum()),
                        "tp": tp, "fp": fp, "fn": fn}
    # Per passage: tp, fp, fn; endorsed tp, fp, fn; stances right, gold stances; frame-free, kept.
    counts = np.zeros((len(texts), 10), dtype=np.int64)
    counts[:, 0], counts[:, 1], counts[:, 2] = (P & Y).sum(1), (P & (1 - Y)).sum(1), ((1 - P) & Y).sum(1)
    free = Y.sum(axis=1) == 0
    counts[:, 8], counts[:, 9] = free, free & (P.sum(axis=1) == 0)
    micro = _prf(*counts[:, :3].sum(axis=0))[2]
    # Frames absent from the gold labels do not count towards the macro average.
    present = [m["f1"] for m in per_frame.values() if m["support"]]
    macro = float(np.mean(present)) if present else 1.0
    samples = [_prf(*row)[2] for row in counts[:, :3]]
    free_kept = float(counts[:, 9].sum() / counts[:, 8].sum()) if free.any() else None
    stance_acc = endorsed = confusion = None
    if model.stances_ and (S >= 0).any():
        stances = list(model.stances_)
        confusion = {g: {p: 0 for p in stances} for g in stances}
        for i, r in enumerate(results):
            for j, f in enumerate(frames):
                # The stance the model gives the frame whether or not it labels it (``stance`` is
                # None for unlabelled frames): the stance accuracy is measured on every gold frame.
                scores = r.frames[j].stance_scores or {}
                pred = max(scores, key=scores.__getitem__) if scores else None
                if S[i, j] >= 0:
                    gold = cb.stance_ids[S[i, j]]
                    counts[i, 7] += 1
                    counts[i, 6] += pred == gold
                    confusion[gold][pred] += 1
                gold_e = S[i, j] >= 0 and cb.stance_ids[S[i, j]] == "endorsed"
                pred_e = P[i, j] == 1 and pred == "endorsed"
                counts[i, 3:6] += (gold_e and pred_e, pred_e and not gold_e, gold_e and not pred_e)
        total = counts.sum(axis=0)
        stance_acc = float(total[6] / total[7]) if total[7] else None
        endorsed = _prf(*total[3:6])[2]
    intervals = None if groups is None else _group_bootstrap(counts, groups, n_boot, random_state,
                                                            stances=confusion is not None)
    return EvaluationReport(per_frame=per_frame, micro_f1=float(micro), macro_f1=macro, samples_f1=float(np.mean(samples)),
                            endorsed_f1=endorsed, stance_accuracy=stance_acc, stance_confusion=confusion,
                            n_passages=len(texts), threshold=thr, frame_free_kept=free_kept, intervals=intervals,
                            calibration=_calibration(frame_scores, Y))


def _group_bootstrap(counts: np.ndarray, groups: Sequence[Any], n_boot: int, random_state: int, *,
                     stances: bool) -> dict[str, tuple[float, float] | None]:
    """95% percentile intervals of the headline figures over ``n_boot`` resamples of whole groups.

    ``counts`` has one row per passage (``evaluate``'s layout); each resample draws as many groups
    as there are, with replacement, and adds up their rows, so a figure is computed exactly as on
    the full set. A figure undefined in a resample (no gold stance, no frame-free passage) is left
    out of that figure's percentiles; never defined at all, its interval is None.

    Examples
    --------
    >>> c = np.array([[1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0, 0, 0, 0, 0]])
    >>> _group_bootstrap(c, ["a", "b"], 200, 0, stances=False)["micro_f1"]
    (0.0, 1.0)
    """
    _, index = np.unique(np.asarray([repr(g) for g in groups]), return_inverse=True)
    by_group = np.zeros((index.max() + 1, counts.shape[1]), dtype=np.int64)
    np.add.at(by_group, index, counts)
    rng = np.random.default_rng(random_state)
    draws = rng.multinomial(len(by_group), np.full(len(by_group), 1.0 / len(by_group)), size=n_boot)
    t = (draws @ by_group).astype(np.float64)  # (n_boot, 10) totals

    def f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:  # as _prf: 1.0 with nothing at all
        return np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 1.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        figures = {"micro_f1": f1(*t[:, 0:3].T), "endorsed_f1": f1(*t[:, 3:6].T),
                   "stance_accuracy": t[:, 6] / t[:, 7], "frame_free_kept": t[:, 9] / t[:, 8]}
    if not stances:
        figures.pop("endorsed_f1"), figures.pop("stance_accuracy")
    out: dict[str, tuple[float, float] | None] = {}
    for name, values in figures.items():
        values = values[np.isfinite(values)]
        out[name] = (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))) if len(values) else None
    return out


def cross_validate(passages: Sequence[str], labels: Sequence[Any], *, codebook: Any = None, folds: int = 5,
                   groups: Sequence[Any] | None = None, ids: Sequence[Any] | None = None, random_state: int = 0,
                   conflicts: str = "warn", verbose: bool = False, **params: Any) -> dict[str, Any]:
    """K-fold cross-validation; with ``groups``, no group is split across folds (GroupKFold).

    Returns a dict with the per-fold reports (``"folds"``) and the mean and standard deviation of
    each headline metric (``"mean"``, ``"std"``). Errors and warnings name records by ``ids``, or
    by their position in ``passages`` (never by a position inside a fold). ``conflicts`` is applied
    once, to all the data, before the folds are cut (see ``framing.train``). ``verbose=True``
    reports each fold (its size, its micro-F1 and the time taken) on standard error.

    Examples
    --------
    >>> texts = ["Bread prices rose.", "Troops fired at marchers.", "Wages went unpaid.", "Police beat students.",
    ...          "Rents doubled.", "Tanks crushed the rally.", "Fuel costs soared.", "Snipers shot protesters."]
    >>> labels = [["Economic"], ["Violence"]] * 4
    >>> cv = cross_validate(texts, labels, codebook=["Economic", "Violence"], folds=2, min_df=1, cv=2,
    ...                     groups=[1, 1, 2, 2, 3, 3, 4, 4])
    >>> len(cv["folds"]), 0.0 <= cv["mean"]["micro_f1"] <= 1.0
    (2, True)
    """
    from sklearn.model_selection import GroupKFold, KFold

    texts, _ = check_texts(passages, allow_single=False)
    labels = list(labels)
    if len(labels) != len(texts):
        raise LabelError(f"got {len(texts)} passages but {len(labels)} labels; give one label per passage")
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise LabelError(f"got {len(texts)} passages but {len(ids)} ids; give one id per passage")
    labels = _resolved(texts, labels, load_codebook(codebook), ids, conflicts)
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= len(texts):
        raise ValueError(f"cross_validate: folds must be an int from 2 to the number of passages ({len(texts)}); "
                         f"got {folds!r}")
    if groups is not None:
        groups = list(groups)
        if len(groups) != len(texts):
            raise LabelError(f"got {len(texts)} passages but {len(groups)} groups; give one group per passage")
        if len(set(groups)) < folds:
            raise ValueError(f"cross_validate: {folds} folds need at least {folds} distinct groups; got {len(set(groups))}")
        splitter = GroupKFold(n_splits=folds).split(texts, groups=groups)
    else:
        splitter = KFold(n_splits=folds, shuffle=True, random_state=random_state).split(texts)
    reports = []
    say = Stages(verbose)
    for fold, (train_idx, test_idx) in enumerate(splitter, 1):
        say(f"fold {fold}/{folds}: training on {len(train_idx):,} passages, testing on {len(test_idx):,}")
        with warnings.catch_warnings():  # the conflicts were reported once, above
            warnings.simplefilter("ignore", DuplicateTextWarning)
            model = train([texts[i] for i in train_idx], [labels[i] for i in train_idx], codebook=codebook,
                          groups=None if groups is None else [groups[i] for i in train_idx],
                          ids=[ids[i] for i in train_idx], random_state=random_state, **params)
        test_t, test_l = [texts[i] for i in test_idx], [labels[i] for i in test_idx]
        reports.append(evaluate(test_t, test_l, model=model))
        say(f"fold {fold}/{folds}: micro-F1 {reports[-1].micro_f1:.3f}")
    keys = ("micro_f1", "macro_f1", "samples_f1", "endorsed_f1", "stance_accuracy")
    mean, std = {}, {}
    for k in keys:
        vals = [getattr(r, k) for r in reports if getattr(r, k) is not None]
        if vals:
            mean[k], std[k] = float(np.mean(vals)), float(np.std(vals))
    return {"folds": reports, "mean": mean, "std": std}
