"""Comparing a rebuilt model with a reference (issue 13, points 5 and 6): floating-point noise passes,
a real change of data, parameters or weights does not; training is repeatable within one process."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import framing
from framing.compare import compare_models

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS

PARAMS = {"codebook": TINY_CODEBOOK, "min_df": 1, "cv": 2}
PASSAGES = TINY_TEXTS + ["Police detained strikers at the mine.", "Prices rose; workers marched.", "Calm day."]


@pytest.fixture(scope="module")
def reference():
    model = framing.train(TINY_TEXTS, TINY_LABELS, **PARAMS)
    model.metrics_ = {"test": {"micro_f1": 0.8, "macro_f1": 0.79, "endorsed_f1": 0.6, "stance_accuracy": 0.75,
                               "n_passages": 10, "threshold": model.decision_threshold_}}
    return model


def retrained(reference, **changes):
    model = framing.train(TINY_TEXTS, TINY_LABELS, **{**PARAMS, **changes})
    model.metrics_ = copy.deepcopy(reference.metrics_)
    return model


def test_the_same_training_matches_exactly(reference):
    result = compare_models(reference, retrained(reference), PASSAGES)
    assert result.ok, str(result)
    assert result.facts["largest score difference"] == 0.0 and result.facts["largest stance probability difference"] == 0.0


def test_noise_in_the_last_digits_matches(reference):
    noisy = retrained(reference)
    rng = np.random.default_rng(0)
    for name in ("coef_", "intercept_", "stance_coef_", "stance_intercept_"):
        value = getattr(noisy, name)
        setattr(noisy, name, value + rng.normal(scale=1e-6, size=value.shape))
    noisy.metrics_["test"]["micro_f1"] += 0.004
    result = compare_models(reference, noisy, PASSAGES)
    assert result.ok, str(result)
    assert 0.0 < result.facts["largest score difference"] < 1e-3


def test_other_parameters_are_a_different_model(reference):
    result = compare_models(reference, retrained(reference, C=1.0), PASSAGES)
    assert not result.ok and result.problems == ["parameters differ: C 16.0 and 1.0"]


def test_other_data_is_a_different_model(reference):
    other = framing.train(TINY_TEXTS[:-1], TINY_LABELS[:-1], **PARAMS)
    result = compare_models(reference, other, PASSAGES)
    assert not result.ok
    assert "the models were trained on different data (training fingerprints differ)" in result.problems


def test_moved_weights_are_caught_even_with_the_same_settings(reference):
    moved = retrained(reference)
    moved.coef_ = moved.coef_ * 1.5
    moved.__dict__.pop("_weights_cache", None)
    result = compare_models(reference, moved, PASSAGES)
    assert not result.ok
    assert any(p.startswith("a calibrated score differs by") for p in result.problems)
    shifted = retrained(reference)
    shifted.intercept_ = shifted.intercept_ + np.array([3.0, 0.0])
    result = compare_models(reference, shifted, PASSAGES)
    assert any("labels differ away from the threshold" in p for p in result.problems), str(result)


def test_metrics_beyond_the_tolerance_are_caught(reference):
    worse = retrained(reference)
    worse.metrics_["test"]["stance_accuracy"] -= 0.02
    result = compare_models(reference, worse, PASSAGES)
    assert result.problems == ["metrics.test.stance_accuracy differs: 0.75 and 0.73 (tolerance 0.01)"]


TWICE = textwrap.dedent("""
    import numpy as np
    import framing
    from framing.corpus import load_corpus

    records = load_corpus()[:1500]
    def fit():
        return framing.train([r.text for r in records], [r.frames for r in records],
                             groups=[r.event for r in records])
    first, second = fit(), fit()
    names = ("coef_", "intercept_", "platt_", "stance_coef_", "stance_intercept_")
    print([name for name in names if not np.array_equal(getattr(first, name), getattr(second, name))])
""")


@pytest.mark.slow
def test_two_identical_trainings_in_one_process_give_identical_models():
    """The first fit of a fresh process used to load scipy's BLAS inside threadpool_limits, so it ran
    with threaded BLAS and got other weights than the second. Two BLAS threads are asked for even on
    a one-core machine, so the test can fail wherever the bug is back."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    proc = subprocess.run([sys.executable, "-c", TWICE], capture_output=True, text=True, timeout=600, env=env,
                          cwd=os.path.dirname(framing.__path__[0]))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"
