"""Does a rebuilt model match a reference model? A comparison with tolerances, not bytes.

Training is deterministic on one machine (same data and seed give byte-identical files), but the
last bits of a solver's result depend on the BLAS kernel of the processor, so a rebuild on another
machine of the same kind differs in the far decimals. :func:`compare_models` accepts that and
nothing more. Two models match when:

* they are the same kind of model: codebook (by hash), stances, parameters, vocabulary and
  training data (by fingerprint, when both record one) are identical, and so is the decision
  threshold in use;
* on a fixed set of passages (default: the packaged corpus), every calibrated frame score agrees
  within ``score_tol`` and every stance probability within ``stance_tol``; a frame is labelled by
  both or by neither, unless one of its two scores lies within ``label_margin`` of the threshold;
  a labelled frame has the same stance in both, unless its two likeliest stances are within
  ``stance_margin`` of each other in either model;
* their recorded metrics (``metrics_``, from the manifest) agree within ``metric_tol`` for every
  headline figure (micro-, macro- and samples F1, endorsed-frame F1, stance accuracy) and
  exactly for passage counts and thresholds.

The default tolerances sit between what floating point causes and what a real change does
(``python -m framing.build`` variants of the written-only build of 2026-12-06, scores on its 4,161
corpus passages; the two-layer build's check against another kernel is in the README's Quality
section):

* the default build with OpenBLAS forced to its SkylakeX, Haswell, SandyBridge and Prescott
  kernels: scores within 2e-5, stance probabilities within 3e-4, no label or stance differs,
  metrics equal; with 1 or 2 BLAS threads: byte-identical;
* the shipped model at the time of writing (built with scikit-learn's default solver tolerances)
  against a rebuild: scores within 0.004, stance probabilities within 0.01, two labels next to the
  threshold and one stance next to a tie differ, metrics within 0.002;
* real changes: ``C`` 16 -> 14 moves scores by 0.04 and flips 32 labels; ``C`` 16 -> 8 by 0.26
  (189 labels); leaving out one training event by 0.94 (110 labels, and another vocabulary).

``python -m framing.build --check models/default`` rebuilds the default model and reports the
comparison with the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

__all__ = ["ModelComparison", "compare_models", "HEADLINE_METRICS"]

HEADLINE_METRICS = ("micro_f1", "macro_f1", "samples_f1", "endorsed_f1", "stance_accuracy")


@dataclass
class ModelComparison:
    """What :func:`compare_models` found.

    Attributes
    ----------
    ok : bool
        The models match within the tolerances.
    problems : list of str
        Every difference beyond them, in words.
    facts : dict
        The measured differences (largest score and stance differences, flips inside the
        margins, metric differences), whether or not they are within the tolerances.
    """

    ok: bool
    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        head = "the models match" if self.ok else f"the models differ ({len(self.problems)} problems)"
        lines = [head] + [f"  - {p}" for p in self.problems]
        lines += [f"  {k}: {v}" for k, v in self.facts.items()]
        return "\n".join(lines)


def compare_models(reference: Any, candidate: Any, texts: Sequence[str] | None = None, *, score_tol: float = 0.01,
                   stance_tol: float = 0.02, label_margin: float = 0.01, stance_margin: float = 0.02,
                   metric_tol: float = 0.01) -> ModelComparison:
    """Compare a candidate model with a reference, tolerating floating-point differences only.

    Parameters
    ----------
    reference, candidate : FrameClassifier
        Fitted or loaded models.
    texts : list of str, optional
        Passages to compare predictions on; default: every passage of the packaged corpus.
    score_tol, stance_tol : float
        Largest allowed absolute difference of a calibrated frame score, of a stance probability.
    label_margin : float
        A label may differ only where a score is this close to the threshold.
    stance_margin : float
        A stance may differ only where the two likeliest stances are this close.
    metric_tol : float
        Largest allowed difference of a headline metric.

    Returns
    -------
    ModelComparison

    Examples
    --------
    >>> import framing
    >>> model = framing.default_model()
    >>> compare_models(model, model, ["Bandits looted shops.", "Prices rose."]).ok
    True
    """
    problems: list[str] = []
    facts: dict[str, Any] = {}
    same = _same_kind(reference, candidate)
    problems += same
    if same:  # predictions of models of different kinds cannot be lined up
        return ModelComparison(False, problems, facts)
    if texts is None:
        from .corpus import load_corpus

        texts = [r.text for r in load_corpus()]
    texts = list(texts)
    thr = reference.decision_threshold_
    a, b = reference._predict_arrays(texts), candidate._predict_arrays(texts)
    pa, pb = a["proba"], b["proba"]
    diff = float(np.abs(pa - pb).max()) if pa.size else 0.0
    facts["passages compared"] = len(texts)
    facts["largest score difference"] = _round(diff)
    if diff > score_tol:
        problems.append(f"a calibrated score differs by {_round(diff)} (tolerance {score_tol})")
    label_a, label_b = (pa >= thr) & ~a["empty"][:, None], (pb >= thr) & ~b["empty"][:, None]
    flipped = label_a != label_b
    near = (np.abs(pa - thr) <= label_margin) | (np.abs(pb - thr) <= label_margin)
    facts["labels that differ (near the threshold)"] = int((flipped & near).sum())
    if (flipped & ~near).any():
        i, j = map(int, np.argwhere(flipped & ~near)[0])
        problems.append(f"{int((flipped & ~near).sum())} labels differ away from the threshold, e.g. passage {i}, "
                        f"frame {reference.classes_[j]!r}: scores {pa[i, j]:.4f} and {pb[i, j]:.4f} "
                        f"(threshold {thr}, margin {label_margin})")
    if a["stance"] is not None and b["stance"] is not None:
        sa, sb = a["stance"], b["stance"]
        sdiff = float(np.abs(sa - sb).max()) if sa.size else 0.0
        facts["largest stance probability difference"] = _round(sdiff)
        if sdiff > stance_tol:
            problems.append(f"a stance probability differs by {_round(sdiff)} (tolerance {stance_tol})")
        both = label_a & label_b
        changed = (sa.argmax(axis=2) != sb.argmax(axis=2)) & both
        tied = (_top_gap(sa) <= stance_margin) | (_top_gap(sb) <= stance_margin)
        facts["stances that differ (near a tie)"] = int((changed & tied).sum())
        if (changed & ~tied).any():
            problems.append(f"{int((changed & ~tied).sum())} stances of labelled frames differ where no two stances "
                            f"are within {stance_margin}")
    problems += _compare_metrics(getattr(reference, "metrics_", {}) or {}, getattr(candidate, "metrics_", {}) or {},
                                 metric_tol, facts)
    return ModelComparison(not problems, problems, facts)


def _same_kind(a: Any, b: Any) -> list[str]:
    """Differences that no floating-point noise can explain."""
    out = []
    if a.codebook_.sha256() != b.codebook_.sha256():
        out.append("the codebooks differ")
    if tuple(a.stances_) != tuple(b.stances_):
        out.append(f"the stances differ: {list(a.stances_)} and {list(b.stances_)}")
    pa = {k: v for k, v in a.get_params().items() if k != "codebook"}
    pb = {k: v for k, v in b.get_params().items() if k != "codebook"}
    changed = sorted(k for k in set(pa) | set(pb) if pa.get(k) != pb.get(k))
    if changed:
        out.append("parameters differ: " + ", ".join(f"{k} {pa.get(k)!r} and {pb.get(k)!r}" for k in changed))
    va, vb = a.vectorizer_, b.vectorizer_
    if va.vocabulary_ != vb.vocabulary_ or list(va.display_) != list(vb.display_):
        out.append(f"the vocabularies differ ({len(va.vocabulary_)} and {len(vb.vocabulary_)} terms, "
                   f"{len(set(va.vocabulary_) ^ set(vb.vocabulary_))} in one only)")
    fa = (getattr(a, "training_info_", {}) or {}).get("fingerprint")
    fb = (getattr(b, "training_info_", {}) or {}).get("fingerprint")
    if fa and fb and fa != fb:
        out.append("the models were trained on different data (training fingerprints differ)")
    if not out and a.decision_threshold_ != b.decision_threshold_:
        out.append(f"the decision thresholds differ: {a.decision_threshold_} and {b.decision_threshold_}")
    return out


def _top_gap(probs: np.ndarray) -> np.ndarray:
    """Gap between the two likeliest stances of every (passage, frame)."""
    top2 = np.sort(probs, axis=2)[:, :, -2:]
    return top2[:, :, 1] - top2[:, :, 0]


def _compare_metrics(a: dict[str, Any], b: dict[str, Any], tol: float, facts: dict[str, Any],
                     where: str = "metrics") -> list[str]:
    """Headline figures within ``tol``, passage counts and thresholds equal, in every section of both."""
    out = []
    if "micro_f1" in a or "micro_f1" in b:
        for key in HEADLINE_METRICS:
            x, y = a.get(key), b.get(key)
            if x is None and y is None:
                continue
            if x is None or y is None:
                out.append(f"{where}.{key}: {x} and {y}")
                continue
            facts[f"{where}.{key}"] = f"{x} and {y}"
            if abs(x - y) > tol:
                out.append(f"{where}.{key} differs: {x} and {y} (tolerance {tol})")
        for key in ("n_passages", "threshold"):
            if a.get(key) != b.get(key):
                out.append(f"{where}.{key} differs: {a.get(key)} and {b.get(key)}")
        return out
    for key in sorted(set(a) & set(b)):
        if isinstance(a[key], dict) and isinstance(b[key], dict):
            out += _compare_metrics(a[key], b[key], tol, facts, f"{where}.{key}")
        elif a[key] != b[key]:
            out.append(f"{where}.{key} differs: {a[key]!r} and {b[key]!r}")
    for key in sorted(set(a) ^ set(b)):
        out.append(f"{where}.{key} is recorded for one model only")
    return out


def _round(x: float) -> float:
    return float(f"{x:.3g}")
