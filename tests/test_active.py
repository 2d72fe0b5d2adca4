"""Active learning suggestions: what is suggested, in which order, and why."""

from __future__ import annotations

import json

import numpy as np
import pytest

import framing
from framing.active import Suggestion, _tfidf, suggest
from .conftest import TINY_LABELS, TINY_TEXTS

POOL = [
    "Police detained strikers who marched against the price rise.",
    "The ministry said the protest was organised from abroad and paid for.",
    "Workers said wages had not been paid, and some were arrested.",
    "The 'peaceful' rally, officials claim, was nothing of the kind.",
    "Snow closed the mountain pass for a day.",
    "Riot police and striking miners clashed near the pit.",
    "",
    "   ",
    "Police detained strikers who marched against the price rise.",  # a repeat of the first
    "Teachers joined the strike; the police watched from a distance.",
]


def test_uncertainty_ranks_by_distance_to_threshold(tiny_model):
    picks = suggest(tiny_model, POOL, n=20)
    proba = tiny_model.predict_proba(POOL)
    thr = tiny_model.decision_threshold_
    scale = max(thr, 1 - thr)
    expected = 1 - np.abs(proba - thr).min(axis=1) / scale
    assert [s.index for s in picks] == sorted({0, 1, 2, 3, 4, 5, 9}, key=lambda i: (-expected[i], i))
    for s in picks:
        assert s.text == POOL[s.index]
        assert s.score == pytest.approx(expected[s.index])
        frame = tiny_model.classes_[np.abs(proba[s.index] - thr).argmin()]
        assert s.reason == f"{frame} score {proba[s.index][list(tiny_model.classes_).index(frame)]:.2f} " \
                           f"is near the threshold {thr:.2f}"


def test_empty_and_repeated_texts_are_never_suggested(tiny_model):
    picked = [s.index for s in suggest(tiny_model, POOL, n=20, strategy="diversity")]
    assert not {6, 7, 8} & set(picked)
    assert len(picked) == len(set(picked)) == 7


def test_n_limits_and_results_are_deterministic(tiny_model):
    first = suggest(tiny_model, POOL, n=3)
    assert len(first) == 3 and first == suggest(tiny_model, POOL, n=3)
    assert suggest(tiny_model, [], n=5) == []


def test_threshold_changes_what_is_uncertain(tiny_model):
    low = suggest(tiny_model, POOL, n=1, threshold=0.05)[0]
    assert "near the threshold 0.05" in low.reason


def test_stance_strategy_uses_the_stance_margin(tiny_model):
    picks = suggest(tiny_model, POOL, n=20, strategy="stance")
    results = tiny_model.classify(POOL)
    labelled = [i for i in (0, 1, 2, 3, 4, 5, 9) if results[i].labels]
    assert sorted(s.index for s in picks) == labelled
    for s in picks:
        r = results[s.index]
        margins = {}
        for f in r.labels:
            top = sorted(r[f].stance_scores.values(), reverse=True)
            margins[f] = top[0] - top[1]
        worst = min(margins, key=margins.get)
        assert s.score == pytest.approx(1 - margins[worst])
        assert s.reason.startswith(f"{worst} (score ") and "has an unsure stance" in s.reason
    assert [s.score for s in picks] == sorted((s.score for s in picks), reverse=True)


def test_stance_strategy_needs_stances():
    no_stance = framing.FrameClassifier(codebook=["repression", "popular_revolt"], min_df=1, cv=2).fit(
        TINY_TEXTS, [list(label) for label in TINY_LABELS])
    with pytest.raises(ValueError, match="needs a model trained with stances"):
        suggest(no_stance, POOL, strategy="stance")


def test_diversity_spreads_the_picks(tiny_model):
    # Near-copies of each passage: uncertainty sampling picks copies of the same passage together.
    pool = [t + suffix for t in TINY_TEXTS for suffix in ("", " Indeed.", " Witnesses agreed.")]
    vectors = _tfidf(tiny_model, pool, 100)

    def closest_pair(picks: list[Suggestion]) -> float:
        idx = [s.index for s in picks]
        sims = (vectors[idx] @ vectors[idx].T).toarray()
        np.fill_diagonal(sims, 0.0)
        return float(sims.max())

    unc = suggest(tiny_model, pool, n=6)
    div = suggest(tiny_model, pool, n=6, strategy="diversity")
    assert div[0].index == unc[0].index and div[0].reason.endswith("(first pick)")
    assert closest_pair(div) < closest_pair(unc)
    assert all("unlike the passages picked before it" in s.reason for s in div[1:])
    assert all(0.0 <= s.score <= 1.0 for s in div)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"strategy": "random"}, ValueError, r"strategy must be one of \('uncertainty', 'stance', 'diversity'\)"),
    ({"n": 0}, ValueError, "n must be a positive int; got 0"),
    ({"n": True}, ValueError, "n must be a positive int"),
])
def test_bad_arguments(tiny_model, kwargs, error, message):
    with pytest.raises(error, match=message):
        suggest(tiny_model, POOL, **kwargs)


def test_texts_must_be_a_list_of_str(tiny_model):
    with pytest.raises(framing.InputTypeError, match="string object received"):
        suggest(tiny_model, "one passage")
    with pytest.raises(framing.InputTypeError, match="expected str at index 1, got int"):
        suggest(tiny_model, ["a", 3])


def test_to_dict_is_json(tiny_model):
    d = suggest(tiny_model, POOL, n=1)[0].to_dict()
    assert set(d) == {"index", "text", "score", "reason"}
    assert json.loads(json.dumps(d)) == d
