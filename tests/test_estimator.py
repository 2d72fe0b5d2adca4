"""FrameClassifier honours the scikit-learn estimator contract and trains on a user's codebook."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

import framing
from framing.errors import LabelError, NotFittedError

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS


def make():
    return framing.FrameClassifier(codebook=TINY_CODEBOOK, min_df=1, cv=2)


def test_constructor_only_stores_params():
    clf = framing.FrameClassifier(C=2.0, stemmer="porter")
    assert clf.get_params()["C"] == 2.0 and clf.get_params()["stemmer"] == "porter"
    assert not [k for k in vars(clf) if k.endswith("_")]


def test_fit_returns_self_and_sets_attributes(tiny_model):
    clf = make()
    assert clf.fit(TINY_TEXTS, TINY_LABELS) is clf
    assert list(clf.classes_) == ["repression", "popular_revolt"]
    assert clf.stances_ == ("endorsed", "reported", "disputed")
    proba = clf.predict_proba(TINY_TEXTS)
    assert proba.shape == (len(TINY_TEXTS), 2) and ((0 <= proba) & (proba <= 1)).all()
    assert clf.predict(TINY_TEXTS).shape == (len(TINY_TEXTS), 2)


def test_unfitted_model_says_so():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make().predict_proba(["text"])


def test_clone_gives_unfitted_copy_with_same_params(tiny_model):
    c = clone(tiny_model)
    assert c.get_params() == tiny_model.get_params()
    assert not hasattr(c, "coef_")


def test_refit_forgets_previous_data(tiny_model):
    clf = make().fit(TINY_TEXTS, TINY_LABELS)
    other = ["The crowd was calm.", "Grain exports rose.", "Police beat the marchers.", "Soldiers shot strikers.",
             "Prices rose and workers struck.", "Fed up with the clan, people marched."]
    other_labels = [[], [], ["repression"], ["repression"], ["popular_revolt"], ["popular_revolt"]]
    clf.fit(other, other_labels)
    assert clf.stances_ == ()  # no stances in the second data set
    fresh = make().fit(other, other_labels)
    np.testing.assert_array_equal(clf.coef_, fresh.coef_)
    assert clf.vectorizer_.vocabulary_ == fresh.vectorizer_.vocabulary_


def test_fit_is_deterministic():
    a, b = make().fit(TINY_TEXTS, TINY_LABELS), make().fit(TINY_TEXTS, TINY_LABELS)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.platt_, b.platt_)
    np.testing.assert_array_equal(a.stance_coef_, b.stance_coef_)


def test_n_jobs_changes_the_time_not_the_weights(capsys):
    """With n_jobs=2 the frame models, the calibration folds' frame models and the stance model
    run in worker processes; each is computed as in one process, so the model is the same."""
    one = make().set_params(latent_dims=3).fit(TINY_TEXTS, TINY_LABELS)
    two = make().set_params(latent_dims=3, n_jobs=2).fit(TINY_TEXTS, TINY_LABELS, verbose=True)
    assert "fitting in up to 2 processes" in capsys.readouterr().err
    for name in ("coef_", "intercept_", "platt_", "stance_coef_", "stance_intercept_"):
        np.testing.assert_allclose(getattr(two, name), getattr(one, name), rtol=0, atol=1e-10, err_msg=name)
    assert two.auto_threshold_ == one.auto_threshold_
    assert [r.to_dict() for r in two.classify(TINY_TEXTS)] == [r.to_dict() for r in one.classify(TINY_TEXTS)]


def test_set_params_rejects_unknown_names():
    with pytest.raises(ValueError, match="Invalid parameter 'Cee'"):
        make().set_params(Cee=1)


@pytest.mark.parametrize("param, value, message", [
    ("stemmer", "lancaster", "stemmer must be one of"),
    ("ngram_range", (1, 3), "ngram_range must be"),
    ("C", -1, "C must be a positive number"),
    ("min_df", 0, "min_df must be an int"),
    ("threshold", 2, "threshold must be 'auto' or a number between 0 and 1"),
    ("threshold", "best", "threshold must be 'auto' or a number between 0 and 1"),
    ("latent_dims", -1, "latent_dims must be an int >= 0"),
    ("latent_weight", 0, "latent_weight must be a positive number"),
    ("n_jobs", 0, r"n_jobs must be None or a nonzero int \(-1: every core\); got 0"),
    ("n_jobs", 1.5, "n_jobs must be None or a nonzero int"),
])
def test_bad_hyperparameters_are_named(param, value, message):
    with pytest.raises(ValueError, match=message):
        make().set_params(**{param: value}).fit(TINY_TEXTS, TINY_LABELS)


def test_works_inside_pipeline_and_grid_search():
    strip = FunctionTransformer(lambda xs: [x.strip() for x in xs])
    pipe = Pipeline([("strip", strip), ("frames", make())])
    pipe.fit(TINY_TEXTS, TINY_LABELS)
    assert pipe.predict(TINY_TEXTS).shape == (len(TINY_TEXTS), 2)
    grid = GridSearchCV(make(), {"C": [0.5, 4.0]}, cv=KFold(3, shuffle=True, random_state=0))
    grid.fit(TINY_TEXTS, TINY_LABELS)
    assert grid.best_params_["C"] in (0.5, 4.0)
    scores = cross_val_score(make(), TINY_TEXTS, TINY_LABELS, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and ((0 <= scores) & (scores <= 1)).all()


def test_learns_the_tiny_task(tiny_model):
    r = tiny_model.classify("Riot police detained and beat dozens of students at night.")
    assert r.labels[0] == "repression"
    assert "popular_revolt" not in tiny_model.classify("The central bank held rates; flights resumed.").labels


def test_label_formats_agree():
    as_lists = [sorted(l) for l in TINY_LABELS]
    a = make().fit(TINY_TEXTS, as_lists)
    matrix = np.array([[int("repression" in l), int("popular_revolt" in l)] for l in TINY_LABELS])
    b = make().fit(TINY_TEXTS, matrix)
    np.testing.assert_allclose(a.coef_, b.coef_)
    assert a.stances_ == () and a.classify(TINY_TEXTS[0])["repression"].stance is None


@pytest.mark.parametrize("labels, message", [
    ([{"weather": "endorsed"}] + TINY_LABELS[1:], r"record 0: unknown frame 'weather'; valid frames: repression, popular_revolt"),
    ([{"repression": "maybe"}] + TINY_LABELS[1:], r"record 0: unknown stance 'maybe' .* valid stances: endorsed, reported, disputed"),
    (["repression"] + TINY_LABELS[1:], r"record 0: a label must be a list of frame ids or a mapping"),
    (TINY_LABELS[:-1], r"got 24 passages but 23 labels"),
])
def test_bad_labels_name_the_record(labels, message):
    with pytest.raises(LabelError, match=message):
        make().fit(TINY_TEXTS, labels)


def test_empty_text_is_refused_and_conflicting_duplicates_warn_or_are_refused():
    texts = list(TINY_TEXTS)
    texts[3] = "   "
    with pytest.raises(LabelError, match="record 3: empty text"):
        make().fit(texts, TINY_LABELS)
    texts = list(TINY_TEXTS) + [TINY_TEXTS[0]]
    with pytest.warns(framing.DuplicateTextWarning, match=re.escape("1 group of records has the same text but "
                                                                    "different labels (training on them as given")):
        make().fit(texts, TINY_LABELS + [{"repression": "disputed"}])
    with pytest.raises(LabelError, match=re.escape("1 group of records has the same text but different labels: [0, 24]")):
        make().fit(texts, TINY_LABELS + [{"repression": "disputed"}], conflicts="error")


def test_frame_without_examples_is_refused():
    labels = [{k: v for k, v in l.items() if k != "popular_revolt"} for l in TINY_LABELS]
    with pytest.raises(LabelError, match="frame 'popular_revolt' has too few positive examples"):
        make().fit(TINY_TEXTS, labels)


def test_train_with_a_list_codebook_and_no_stances():
    labels = [list(l) for l in TINY_LABELS]
    model = framing.train(TINY_TEXTS, labels, codebook=["repression", "popular_revolt"], min_df=1, cv=2)
    r = model.classify("Soldiers fired on the crowd.")
    assert r.frames[0].stance is None and r.frames[0].stance_scores is None
    assert set(r.to_dict()) >= {"text", "labels", "frames"}


def test_evaluate_report(tiny_model):
    rep = framing.evaluate(TINY_TEXTS, TINY_LABELS, model=tiny_model)
    assert set(rep.per_frame) == {"repression", "popular_revolt"}
    for m in rep.per_frame.values():
        assert 0 <= m["precision"] <= 1 and 0 <= m["recall"] <= 1
    assert 0 <= rep.micro_f1 <= 1 and rep.stance_accuracy is not None
    assert "micro F1" in str(rep) and rep.to_dict()["n_passages"] == len(TINY_TEXTS)
    assert sum(sum(row.values()) for row in rep.stance_confusion.values()) == sum(len(l) for l in TINY_LABELS)


def test_evaluate_reports_calibration_of_the_frame_scores(tiny_model):
    labels = TINY_LABELS[1:] + TINY_LABELS[:1]  # shifted, so that some high scores are wrong
    rep = framing.evaluate(TINY_TEXTS, labels, model=tiny_model)
    frames = list(tiny_model.classes_)
    scores = np.array([[r[f].score for f in frames] for r in tiny_model.classify(TINY_TEXTS)])
    gold = np.array([[int(f in l) for f in frames] for l in labels])
    cal = rep.calibration
    assert [(b["low"], b["high"]) for b in cal["bins"]] == [(k / 10, (k + 1) / 10) for k in range(10)]
    assert sum(b["pairs"] for b in cal["bins"]) == scores.size
    assert cal["brier"] == pytest.approx(((scores - gold) ** 2).mean())
    ece = 0.0
    for b in cal["bins"]:  # every pair in exactly one band, as the report says
        inside = (scores >= b["low"]) & ((scores < b["high"]) | (b["high"] == 1.0))
        assert inside.sum() == b["pairs"]
        if b["pairs"]:
            assert b["mean_score"] == pytest.approx(scores[inside].mean())
            assert b["gold_rate"] == pytest.approx(gold[inside].mean())
            ece += inside.mean() * abs(scores[inside].mean() - gold[inside].mean())
        else:
            assert b["mean_score"] is None and b["gold_rate"] is None
    assert cal["ece"] == pytest.approx(ece) and cal["ece"] > 0
    assert rep.to_dict()["calibration"]["brier"] == round(cal["brier"], 4)
    assert f"Brier {cal['brier']:.4f}" in str(rep)


def test_calibration_of_perfect_and_of_inverted_scores():
    from framing.training import _calibration

    perfect = _calibration([0.0, 0.0, 1.0, 1.0], [0, 0, 1, 1])
    assert perfect["brier"] == 0.0 and perfect["ece"] == 0.0 and perfect["bins"][9]["pairs"] == 2  # 1.0 is in the last band
    inverted = _calibration([1.0, 1.0, 0.0, 0.0], [0, 0, 1, 1])
    assert inverted["brier"] == 1.0 and inverted["ece"] == 1.0
    with pytest.raises(ValueError, match="as many gold values as scores"):
        _calibration([0.5, 0.5], [1])
    with pytest.raises(ValueError, match="at least one"):
        _calibration([], [])


def test_evaluate_gives_group_bootstrap_intervals(tiny_model):
    labels = TINY_LABELS[1:] + TINY_LABELS[:1]  # shifted by one passage, so the model makes mistakes
    groups = [i // 3 for i in range(len(TINY_TEXTS))]  # three passages to a document
    rep = framing.evaluate(TINY_TEXTS, labels, model=tiny_model, groups=groups, n_boot=500)
    assert set(rep.intervals) == {"micro_f1", "endorsed_f1", "stance_accuracy", "frame_free_kept"}
    for name in ("micro_f1", "endorsed_f1", "stance_accuracy"):
        low, high = rep.intervals[name]
        assert 0 <= low <= getattr(rep, name) <= high <= 1 and low < high, name
    again = framing.evaluate(TINY_TEXTS, labels, model=tiny_model, groups=groups, n_boot=500)
    assert again.intervals == rep.intervals  # the seed fixes the resamples
    other = framing.evaluate(TINY_TEXTS, labels, model=tiny_model, groups=groups, n_boot=500, random_state=1)
    assert other.intervals != rep.intervals
    # One group: every resample is the whole set, so each interval is the figure itself.
    whole = framing.evaluate(TINY_TEXTS, labels, model=tiny_model, groups=["doc"] * len(TINY_TEXTS), n_boot=50)
    assert whole.intervals["micro_f1"] == (whole.micro_f1, whole.micro_f1)
    assert whole.intervals["stance_accuracy"] == (whole.stance_accuracy, whole.stance_accuracy)
    assert rep.to_dict()["intervals"]["micro_f1"] == [round(x, 4) for x in rep.intervals["micro_f1"]]
    assert "95% intervals: micro_f1" in str(rep)
    assert framing.evaluate(TINY_TEXTS, TINY_LABELS, model=tiny_model).intervals is None


def test_group_bootstrap_agrees_with_a_plain_resampling_loop():
    from framing.training import _group_bootstrap

    rng = np.random.default_rng(3)
    n = 60
    counts = np.zeros((n, 10), dtype=np.int64)
    counts[:, :3] = rng.integers(0, 3, size=(n, 3))  # tp, fp, fn
    counts[:, 7] = rng.integers(0, 3, size=n)
    counts[:, 6] = rng.integers(0, 1 + counts[:, 7])
    counts[:, 8] = rng.integers(0, 2, size=n)
    counts[:, 9] = counts[:, 8] * rng.integers(0, 2, size=n)
    groups = rng.integers(0, 20, size=n)
    got = _group_bootstrap(counts, list(groups), 20000, 0, stances=False)
    # The same interval by drawing group names with replacement and recomputing from the rows.
    names = np.unique(groups)
    micro, kept = [], []
    for _ in range(20000):
        rows = np.concatenate([np.flatnonzero(groups == g) for g in rng.choice(names, size=len(names))])
        t = counts[rows].sum(axis=0)
        micro.append(2 * t[0] / (2 * t[0] + t[1] + t[2]))
        kept.append(t[9] / t[8])
    assert set(got) == {"micro_f1", "frame_free_kept"}
    np.testing.assert_allclose(got["micro_f1"], np.percentile(micro, [2.5, 97.5]), atol=0.01)
    np.testing.assert_allclose(got["frame_free_kept"], np.percentile(kept, [2.5, 97.5]), atol=0.02)


def test_evaluate_refuses_groups_that_do_not_fit(tiny_model):
    with pytest.raises(LabelError, match=r"groups must give one group per passage \(24\); got 3"):
        framing.evaluate(TINY_TEXTS, TINY_LABELS, model=tiny_model, groups=[1, 2, 3])
    with pytest.raises(LabelError, match="got a string"):
        framing.evaluate(TINY_TEXTS, TINY_LABELS, model=tiny_model, groups="a" * len(TINY_TEXTS))
    with pytest.raises(ValueError, match="n_boot must be a positive whole number of resamples; got 0"):
        framing.evaluate(TINY_TEXTS, TINY_LABELS, model=tiny_model, groups=[0] * len(TINY_TEXTS), n_boot=0)


def test_fast_stance_path_equals_the_training_matrix(tiny_model):
    texts = TINY_TEXTS[:5] + ["One sentence. Another 'so-called' one!", ""]
    feats = tiny_model._features(tiny_model.vectorizer_.transform(texts))
    n, f = len(texts), len(tiny_model.classes_)
    rows, cols = np.repeat(np.arange(n), f), np.tile(np.arange(f), n)
    logits = np.asarray(tiny_model._stance_matrix(feats, rows, cols) @ tiny_model.stance_coef_.T)
    logits += tiny_model.stance_intercept_
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(tiny_model._stance_proba(feats).reshape(n * f, -1), expected, rtol=1e-10, atol=1e-12)


def test_auto_threshold_is_chosen_in_fit_and_kept_on_save(tmp_path, tiny_model):
    assert tiny_model.threshold == "auto"
    thr = tiny_model.decision_threshold_
    assert 0.1 <= thr <= 0.9
    assert tiny_model.classify(TINY_TEXTS[0]).threshold == thr
    loaded = framing.load_model(tiny_model.save(tmp_path / "m"))
    assert loaded.decision_threshold_ == thr
    fixed = clone(tiny_model).set_params(threshold=0.7).fit(TINY_TEXTS, TINY_LABELS)
    assert fixed.decision_threshold_ == 0.7
    P = fixed.predict(TINY_TEXTS)
    np.testing.assert_array_equal(P, (fixed.predict_proba(TINY_TEXTS) >= 0.7).astype(int))


def test_a_fitted_model_pickles_and_predicts_the_same(tiny_model):
    import pickle

    for model in (tiny_model, framing.default_model()):
        texts = TINY_TEXTS[:6] + ["Peacekeepers will guard the so-called 'airport' of the CS-TO."]
        before = [r.to_dict() for r in model.classify(texts)]
        copy = pickle.loads(pickle.dumps(model))
        assert not any(k.endswith("_cache") for k in vars(copy))
        assert [r.to_dict() for r in copy.classify(texts)] == before


def test_latent_topics_fold_into_the_word_weights(tmp_path):
    """``latent_dims`` fits each frame on [features | latent_weight * tf-idf @ basis] and folds the
    basis back into the words: the folded model must score exactly as the augmented one."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.linear_model import LogisticRegression

    from framing.model import _FRAME_TOL, _log_count_ratio

    clf = make().set_params(latent_dims=5, latent_weight=3.0, calibration="none").fit(TINY_TEXTS, TINY_LABELS)
    plain = make().set_params(calibration="none").fit(TINY_TEXTS, TINY_LABELS)
    assert clf.coef_.shape == plain.coef_.shape and not np.allclose(clf.coef_, plain.coef_)

    feats = clf._features(clf.vectorizer_.transform(TINY_TEXTS))
    basis = TruncatedSVD(5, algorithm="randomized", n_iter=5, random_state=0).fit(feats["tf_p"]).components_.T
    aug = sp.hstack([feats["X"], sp.csr_matrix(3.0 * (feats["tf_p"] @ basis))]).tocsr()
    new = ["Police beat the striking miners with batons.", "Snow and fuel prices."]
    nf = clf._features(clf.vectorizer_.transform(new))
    new_aug = sp.hstack([nf["X"], sp.csr_matrix(3.0 * (nf["tf_p"] @ basis))]).tocsr()
    Y = np.array([[int(f in labels) for f in clf.classes_] for labels in TINY_LABELS])
    for j in range(len(clf.classes_)):
        scale = sp.diags(_log_count_ratio(aug, Y[:, j]))
        lr = LogisticRegression(C=clf.C, solver="liblinear", max_iter=1000, tol=_FRAME_TOL).fit(aug @ scale, Y[:, j])
        np.testing.assert_allclose(clf._decision(nf["X"])[:, j], lr.decision_function(new_aug @ scale), atol=1e-8)

    loaded = framing.load_model(clf.save(tmp_path / "latent"))
    assert loaded.latent_dims == 5
    assert [r.to_dict() for r in loaded.classify(new)] == [r.to_dict() for r in clf.classify(new)]
