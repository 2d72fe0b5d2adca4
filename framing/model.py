"""The frame and stance model: a scikit-learn compatible estimator over raw text.

``FrameClassifier`` learns one calibrated logistic regression per frame over the features of
:mod:`framing.features`, and one multinomial stance model shared by all frames. The stance model
sees, for each (passage, frame) pair, the whole passage and the sentences that carry the frame
(sentences weighted by how strongly the frame model scores them), so "officials said X, but there
is no evidence" gets a different stance for X than for a frame voiced elsewhere in the passage.

Prediction needs only numpy and scipy: scikit-learn is imported by ``fit`` alone.
"""

from __future__ import annotations

import inspect
import numbers
from itertools import repeat
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from .checks import (check_off_topic, check_sample_weight, check_texts, check_threshold, check_training_set,
                     parse_labels)
from .codebooks import Codebook, load_codebook
from .documents import PASSAGE_WORDS, read_as_articles
from .duplicates import resolve_conflicts
from .progress import Stages
from .errors import InputTypeError, LabelError, NotFittedError
from .features import EXTRAS, TextVectorizer, concat_ranges, group_starts, hstack_dense, load_lexicon, split_terms, tfidf
from .results import DocumentResult, Evidence, FramePrediction, PassageResult, gc_paused
from .text import FUNCTION_WORDS, SPELLINGS, split_passages

__all__ = ["FrameClassifier", "check_texts", "parse_labels"]  # the checks live in framing.checks

_STEMMERS = ("light", "porter", "snowball", "none")
STANCE_LAYOUT = 3  # the stance feature layout fit() builds (see framing.persist format versions)
_CALIBRATIONS = ("sigmoid", "none")
# Solver tolerances, tighter than scikit-learn's 1e-4 so that the weights do not depend on the BLAS
# kernel of the machine (the default build with OpenBLAS forced to the SkylakeX, Haswell,
# SandyBridge and Prescott kernels: calibrated scores agree within 2e-5 and stance probabilities
# within 3e-4, against 2e-3 and 0.02 with the defaults; the stance tolerance costs about 5 s of CPU
# on top of a 9 s fit, the other two nothing measurable). Since the stance model is solved with
# newton-cg, the current default model's stance probabilities agree within 1e-4 with the SandyBridge
# kernel's (7.7e-4 with lbfgs). See framing.compare.
_FRAME_TOL, _PLATT_TOL, _STANCE_TOL = 1e-6, 1e-8, 1e-6


class _Params:
    """get_params/set_params/repr as in ``sklearn.base.BaseEstimator``.

    Implemented here so that loading and using a model never imports scikit-learn (about 1.5 s).
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "_Params":
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}. "
                                 f"Valid parameters are: {valid!r}.")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        """The parameters that differ from their defaults, each cut short (a codebook given as a
        mapping would otherwise print in full)."""
        import reprlib

        short = reprlib.Repr()
        short.maxlevel, short.maxlist, short.maxdict, short.maxstring, short.maxother = 2, 6, 4, 40, 80
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" if isinstance(v, Codebook) else f"{k}={short.repr(v)}"  # a Codebook's own is short
                   for k, v in self.get_params().items() if not _same(v, defaults.get(k))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __getstate__(self) -> dict:
        """Pickled without the derived arrays cached for prediction (rebuilt on first use)."""
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_cache")}

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True, multi_output=True, single_output=False),
            classifier_tags=ClassifierTags(multi_label=True),
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
        )


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and the like
        return a is b


# ------------------------------------------------------------------------------------------
# The estimator
# ------------------------------------------------------------------------------------------

class FrameClassifier(_Params):
    """Multi-label frame detector with a stance model for each detected frame.

    Parameters
    ----------
    codebook : None, str, path, list of str, mapping or Codebook, default=None
        The label space. ``None`` is the packaged default codebook (eight frames, three stances).
    threshold : float or "auto", default="auto"
        Calibrated probability at which a frame is labelled. ``"auto"`` picks, during ``fit``, the
        value in 0.10, 0.15, ..., 0.90 that maximises micro-F1 on the out-of-fold calibrated
        scores of the training data (ties: the value nearest 0.5), so no held-out data is used;
        it is 0.5 with ``calibration="none"``. Can be changed after fitting, and per call.
    C : float, default=16.0
        Inverse regularisation strength of the frame models.
    stance_C : float, default=1.0
        Inverse regularisation strength of the stance model (classes weighted to balance).
    stance_frame_weight : float, default=3.0
        Scale of the stance model's frame-specific word features (each frame's own weights for the
        passage's words: "paid" disputes a popular revolt, "peaceful" disputes law and order);
        0 turns them off. Chosen on the dev events: stance accuracy 0.706 -> 0.766.
    nb_weighting : bool, default=True
        Scale features by their log-count ratio per frame before fitting (NB-SVM style).
    ngram_range : tuple of int, default=(1, 2)
        Word n-grams, ``(1, 1)`` or ``(1, 2)``.
    min_df : int, default=2
        Minimum number of training passages a term must occur in.
    max_features : int or None, default=None
        Cap on the vocabulary size.
    stemmer : {"light", "porter", "snowball", "none"}, default="light"
        ``"porter"`` and ``"snowball"`` use nltk (slower to load).
    spelling : {"unify", "keep"}, default="unify"
        ``"unify"`` reads spelling variants as one word before stemming (colour/color,
        organised/organized, Kiev/Kyiv, defence/defense; rules in ``framing/data/spelling.toml``),
        so they never change an answer. Models saved before this parameter existed load with
        ``"keep"``.
    cue_weight, signal_weight : float, default=1.0
        Scale of the codebook cue features and of the stance signal features.
    calibration : {"sigmoid", "none"}, default="sigmoid"
        Platt scaling of each frame's scores on out-of-fold predictions.
    cv : int, default=5
        Folds for calibration.
    evidence_size : int, default=5
        Evidence items reported per frame.
    random_state : int, default=0
        Seed of the calibration folds; with the same data and seed, fitting is deterministic.
    off_topic_threshold : float, default=0.5
        Only for models fitted with ``off_topic`` labels: a passage whose off-topic probability
        reaches this value is about something else (sport, weather, business...) and gets no frame
        and the flag ``"off_topic"``; its frame scores stay.
    latent_dims : int, default=0
        Latent topics for the frame models: with ``k > 0``, ``fit`` adds the passages' coordinates
        on the first ``k`` singular vectors of the training TF-IDF (LSA) to the frame models'
        features, so a word shares weight with the words it occurs with in the training passages.
        The topic weights are folded back into the word weights, so prediction, speed, evidence
        and the saved files are those of a plain linear model.
        It helps when labelled data is scarce: on the real dev split, 150 topics added 0.030
        micro-F1 with 9,097 real training passages and nothing with 13,687, so the default model
        leaves it off (``framing/build.py``). ``fit`` costs 1.5-2x more. 0 turns it off.
    latent_weight : float, default=4.0
        Scale of the latent coordinates against the other features (only with ``latent_dims``).
    n_jobs : int or None, default=None
        Processes ``fit`` uses for its independent models: the frame models, each calibration
        fold's frame models and the stance model (joblib's convention: ``None`` or 1 is one
        process, -1 every core). Each model is computed exactly as in one process, so the fitted
        weights do not depend on ``n_jobs``; only the time does (the default model's fit on 2
        cores: 88 s with ``n_jobs=-1``, 141 s in one process).

    Attributes
    ----------
    codebook_ : Codebook
    classes_ : ndarray of str
        Frame ids; the columns of ``predict_proba``.
    stances_ : tuple of str
        Stance ids the stance model predicts (empty when trained without stances).
    decision_threshold_ : float
        The threshold in use: ``threshold`` itself, or the value ``"auto"`` chose in ``fit``.
    topic_coef_ : ndarray or None
        Weights of the off-topic model (its last entry the intercept); ``None`` when ``fit`` had no
        ``off_topic`` labels.

    Examples
    --------
    >>> texts = ["Police fired on the crowd.", "Fuel prices doubled and people marched.",
    ...          "Troops shot protesters at night.", "Workers struck over wages and prices."] * 3
    >>> labels = [["repression"], ["popular_revolt"], ["repression"], ["popular_revolt"]] * 3
    >>> clf = FrameClassifier(codebook=["repression", "popular_revolt"], min_df=1, cv=2, threshold=0.5)
    >>> clf = clf.fit(texts, labels)
    >>> clf.classify("Riot police opened fire on marchers.").labels
    ['repression']
    """

    def __init__(self, *, codebook=None, threshold="auto", C=16.0, stance_C=1.0, stance_frame_weight=3.0,
                 nb_weighting=True, ngram_range=(1, 2),
                 min_df=2, max_features=None, stemmer="light", spelling="unify", cue_weight=1.0, signal_weight=1.0,
                 calibration="sigmoid", cv=5, evidence_size=5, random_state=0, off_topic_threshold=0.5,
                 latent_dims=0, latent_weight=4.0, n_jobs=None):
        self.codebook = codebook
        self.threshold = threshold
        self.C = C
        self.stance_C = stance_C
        self.stance_frame_weight = stance_frame_weight
        self.nb_weighting = nb_weighting
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.stemmer = stemmer
        self.spelling = spelling
        self.cue_weight = cue_weight
        self.signal_weight = signal_weight
        self.calibration = calibration
        self.cv = cv
        self.evidence_size = evidence_size
        self.random_state = random_state
        self.off_topic_threshold = off_topic_threshold
        self.latent_dims = latent_dims
        self.latent_weight = latent_weight
        self.n_jobs = n_jobs

    # -- validation ----------------------------------------------------------------------
    def _check_params(self) -> None:
        def need(cond: bool, what: str, got: Any) -> None:
            if not cond:
                raise ValueError(f"{type(self).__name__}: {what}; got {got!r}")

        need(self.stemmer in _STEMMERS, f"stemmer must be one of {_STEMMERS}", self.stemmer)
        need(self.spelling in SPELLINGS, f"spelling must be one of {SPELLINGS}", self.spelling)
        need(isinstance(self.nb_weighting, bool), "nb_weighting must be True or False", self.nb_weighting)
        need(self.calibration in _CALIBRATIONS, f"calibration must be one of {_CALIBRATIONS}", self.calibration)
        need(tuple(self.ngram_range) in ((1, 1), (1, 2)), "ngram_range must be (1, 1) or (1, 2)", self.ngram_range)
        for name in ("C", "stance_C"):
            v = getattr(self, name)
            need(isinstance(v, numbers.Real) and v > 0, f"{name} must be a positive number", v)
        for name in ("cue_weight", "signal_weight", "stance_frame_weight"):
            v = getattr(self, name)
            need(isinstance(v, numbers.Real) and v >= 0, f"{name} must be a number >= 0", v)
        need(isinstance(self.min_df, numbers.Integral) and self.min_df >= 1, "min_df must be an int >= 1", self.min_df)
        need(self.max_features is None or (isinstance(self.max_features, numbers.Integral) and self.max_features > 0),
             "max_features must be None or a positive int", self.max_features)
        need(isinstance(self.cv, numbers.Integral) and self.cv >= 2, "cv must be an int >= 2", self.cv)
        need(isinstance(self.latent_dims, numbers.Integral) and self.latent_dims >= 0,
             "latent_dims must be an int >= 0", self.latent_dims)
        need(isinstance(self.latent_weight, numbers.Real) and self.latent_weight > 0,
             "latent_weight must be a positive number", self.latent_weight)
        need(isinstance(self.off_topic_threshold, numbers.Real) and 0 < self.off_topic_threshold < 1,
             "off_topic_threshold must be a number between 0 and 1 (exclusive)", self.off_topic_threshold)
        need(isinstance(self.evidence_size, numbers.Integral) and self.evidence_size >= 0,
             "evidence_size must be an int >= 0", self.evidence_size)
        need(self.n_jobs is None or (isinstance(self.n_jobs, numbers.Integral) and not isinstance(self.n_jobs, bool)
                                     and self.n_jobs != 0),
             "n_jobs must be None or a nonzero int (-1: every core)", self.n_jobs)
        if not (isinstance(self.threshold, str) and self.threshold == "auto"):
            try:
                check_threshold(self.threshold)
            except ValueError:
                raise ValueError(f"{type(self).__name__}: threshold must be 'auto' or a number between 0 and 1; "
                                 f"got {self.threshold!r}") from None

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                                 "training passages first, or use framing.load_model().")

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Any, *, groups: Sequence[Any] | None = None, ids: Sequence[Any] | None = None,
            sample_weight: Sequence[float] | None = None, off_topic: Sequence[bool | None] | None = None,
            conflicts: str = "warn", verbose: bool = False) -> "FrameClassifier":
        """Learn frames (and stances, where the labels give them) from passages.

        Parameters
        ----------
        X : list of str
            Passages.
        y : list of labels
            Per passage, a list of frame ids or a mapping frame id -> stance (see ``parse_labels``),
            or a 0/1 matrix with one column per codebook frame.
        groups : list, optional
            Group of each passage (e.g. its event); calibration folds then never split a group.
        ids : list, optional
            Record ids, used in error messages.
        sample_weight : list of float, optional
            Weight of each passage in the frame models, their calibration and the stance model
            (default: 1 each). The default model weights real published passages above written
            ones (``framing.build``).
        off_topic : list of True, False or None, optional
            Whether each passage is off topic (about something else than the codebook's crises:
            sport, weather, business...), on topic, or unknown (``None``, left out of the off-topic
            model). With both kinds present, ``fit`` also learns an off-topic model
            (``topic_coef_``); an off-topic passage must carry no frame.
        conflicts : {"warn", "error", "merge", "first"}, default="warn"
            What to do with records that have the same text but different labels (see
            :mod:`framing.duplicates`): train on them and warn once naming them all, refuse, give
            them the union of their labels, or the first record's labels.
        verbose : bool, default=False
            Report each stage of the fit (features, frame models, calibration folds, stance model)
            with the time taken, on standard error.

        Returns
        -------
        self

        Examples
        --------
        >>> texts = ["Police fired on the crowd.", "Prices rose.", "Troops shot marchers.", "Wages fell.",
        ...          "Rents doubled.", "Snipers shot students.", "police fired on the crowd. "]
        >>> labels = [["violence"], ["economy"], ["violence"], ["economy"], ["economy"], ["violence"], []]
        >>> clf = FrameClassifier(codebook=["violence", "economy"], min_df=1, cv=2)
        >>> clf.fit(texts, labels, conflicts="merge").classify("Police fired on protesters.").labels
        ['violence']
        """
        import sklearn.linear_model  # noqa: F401 - loads scipy's BLAS and OpenMP before they are limited
        from threadpoolctl import threadpool_limits

        # These problems are small: BLAS threads only contend (measured 5x slower on 2 busy cores),
        # and a threaded BLAS sums in another order, so weights would depend on the thread count.
        # threadpool_limits limits only the libraries already loaded: scikit-learn is imported
        # above, else the first fit of a process ran with threaded BLAS (slower, other weights).
        with threadpool_limits(limits=1):
            return self._fit(X, y, groups=groups, ids=ids, sample_weight=sample_weight, off_topic=off_topic,
                             conflicts=conflicts, say=Stages(verbose))

    def _fit(self, X: Sequence[str], y: Any, *, groups: Sequence[Any] | None, ids: Sequence[Any] | None,
             sample_weight: Sequence[float] | None, off_topic: Sequence[bool | None] | None, conflicts: str,
             say: Stages) -> "FrameClassifier":
        from joblib import Parallel, delayed, effective_n_jobs
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold, KFold

        self._check_params()
        texts, _ = check_texts(X, allow_single=False)
        codebook = load_codebook(self.codebook)
        Y, S = parse_labels(y, codebook, ids=ids)
        if len(Y) != len(texts):
            raise LabelError(f"got {len(texts)} passages but {len(Y)} labels")
        Y, S = resolve_conflicts(texts, Y, S, ids, conflicts)
        check_training_set(texts, Y, S, codebook, ids)
        if groups is not None and len(groups) != len(texts):
            raise LabelError(f"got {len(texts)} passages but {len(groups)} groups")
        weight = check_sample_weight(sample_weight, len(texts))
        topic = check_off_topic(off_topic, Y, ids)
        if self.calibration == "sigmoid" and len(texts) < self.cv:
            raise LabelError(f"calibration with cv={self.cv} folds needs at least {self.cv} passages; got "
                             f"{len(texts)}. Label more passages, or pass a smaller cv (at least 2).")

        say(f"fitting {len(codebook)} frames on {len(texts):,} passages")
        lexicon = load_lexicon()
        forced = [c for f in codebook.frames for c in f.cues] + [t for terms in lexicon.values() for t in terms]
        vec = TextVectorizer(ngram_range=tuple(self.ngram_range), min_df=int(self.min_df),
                             max_features=self.max_features, stemmer=self.stemmer, forced_terms=forced,
                             spelling=self.spelling).fit(texts)
        self.codebook_ = codebook
        self.classes_ = np.array(codebook.frame_ids, dtype=object)
        self.vectorizer_ = vec
        self.lexicon_classes_ = tuple(lexicon)
        self.cue_matrix_ = vec.term_matrix([f.cues for f in codebook.frames])
        self.scare_cue_matrix_ = vec.term_matrix([f.cues for f in codebook.frames], scare_only=True)
        self.lexicon_matrix_ = vec.term_matrix(list(lexicon.values()))
        batch = vec.transform(texts)
        df = np.bincount(batch.counts_p.indices, minlength=batch.counts_p.shape[1])
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1.0

        feats = self._features(batch)
        Xp = feats["X"]
        n_frames = len(codebook)
        say(f"features: {len(vec.vocabulary_):,} terms, {Xp.shape[1]:,} columns")
        Xfit, basis = Xp, None
        k = min(int(self.latent_dims), min(feats["tf_p"].shape) - 1)  # TruncatedSVD needs k < both sides
        if k >= 1:
            from sklearn.decomposition import TruncatedSVD

            basis = TruncatedSVD(k, algorithm="randomized", n_iter=5, random_state=self.random_state).fit(
                feats["tf_p"]).components_.T  # (terms, k)
            Xfit = hstack_dense(Xp, float(self.latent_weight) * np.asarray(feats["tf_p"] @ basis))
            say(f"latent topics: {k} dimensions of the training passages' TF-IDF")

        def fold_latent(w: np.ndarray) -> np.ndarray:
            """Fold the latent weights back into the words: z = tf @ basis is linear."""
            if basis is None:
                return w
            w, w_latent = w[:Xp.shape[1]].copy(), w[Xp.shape[1]:]
            w[:basis.shape[0]] += float(self.latent_weight) * (basis @ w_latent)
            return w

        # The independent models of the fit run in up to n_jobs processes; each is computed as in
        # one process, so n_jobs changes the time, never the weights. The stance features use the
        # fitted frame models, so the stance model waits for them, and the calibration folds' frame
        # models fill the other processes meanwhile.
        folds = []
        if self.calibration == "sigmoid":
            if groups is not None and len(set(groups)) >= self.cv:
                folds = list(GroupKFold(n_splits=int(self.cv)).split(Xp, groups=groups))
            else:
                folds = list(KFold(n_splits=int(self.cv), shuffle=True, random_state=self.random_state).split(Xp))
        units = [np.arange(len(texts))] + [train for train, _ in folds]

        def frame_job(rows: np.ndarray):
            return delayed(_fit_frame_models)(Xfit, Y, weight, rows, float(self.C), self.nb_weighting)

        first = min(len(units), effective_n_jobs(self.n_jobs))
        if first > 1:
            say(f"fitting in up to {first} processes")
        self.stance_layout_ = STANCE_LAYOUT
        self.stances_ = codebook.stance_ids if (S >= 0).any() else ()
        self.stance_coef_ = np.zeros((0, 0))
        self.stance_intercept_ = np.zeros(0)
        with Parallel(n_jobs=self.n_jobs) as parallel:
            fitted = parallel(frame_job(rows) for rows in units[:first])
            W, intercept, _ = fitted[0]
            self.coef_ = np.array([fold_latent(w) for w in W])
            self.intercept_ = intercept
            say(f"frame models fitted ({n_frames})")

            stance_rows, stance_cols = np.nonzero(S >= 0)
            target = S[stance_rows, stance_cols]
            seen = np.unique(target)
            jobs = [frame_job(rows) for rows in units[first:]]
            if self.stances_:
                Xs = self._stance_matrix(feats, stance_rows, stance_cols)
            if len(seen) > 1:
                say(f"fitting the stance model on {len(stance_rows):,} (passage, frame) pairs"
                    + (f" and {len(jobs)} calibration folds' frame models" if first > 1 and jobs else ""))
                jobs.insert(0, delayed(_fit_stance_model)(Xs, target, weight[stance_rows], float(self.stance_C)))
            later = parallel(jobs)
        stance_lr = later.pop(0) if len(seen) > 1 else None
        fold_models = fitted[1:] + later

        self.platt_ = np.tile([1.0, 0.0], (n_frames, 1))
        if folds:
            oof = np.zeros(Y.shape)
            for fold, ((train, test), (W, b, ok)) in enumerate(zip(folds, fold_models), 1):
                for j in range(n_frames):
                    if ok[j]:
                        oof[test, j] = np.asarray(Xp[test] @ fold_latent(W[j])).ravel() + b[j]
                    else:  # the frame's labels are constant on this fold's training passages
                        oof[test, j] = -10.0 if Y[train, j].max() == 0 else 10.0
                say(f"calibration fold {fold}/{self.cv} done")
            for j in range(n_frames):
                platt = LogisticRegression(C=1e4, solver="lbfgs", tol=_PLATT_TOL).fit(oof[:, [j]], Y[:, j],
                                                                                       sample_weight=weight)
                # A slope <= 0 means the out-of-fold scores do not rank this frame (too little
                # data): keep the logistic model's own probabilities rather than invert them.
                if platt.coef_[0, 0] > 0:
                    self.platt_[j] = (platt.coef_[0, 0], platt.intercept_[0])
            self.auto_threshold_ = _best_threshold(self._calibrate(oof), Y)
            say(f"calibrated; threshold='auto' would choose {self.auto_threshold_:g}")
        else:
            self.auto_threshold_ = 0.5

        # The stance model over the gold (passage, frame) pairs that have a stance.
        if self.stances_:
            coef_s = np.zeros((len(self.stances_), Xs.shape[1]))
            inter_s = np.full(len(self.stances_), -30.0)
            if stance_lr is None:  # one stance only: a constant model
                inter_s[seen[0]] = 30.0
            elif len(seen) == 2:  # binary LR: one row for the second class
                coef_s[seen[1]], inter_s[seen[1]] = stance_lr.coef_[0], stance_lr.intercept_[0]
                coef_s[seen[0]], inter_s[seen[0]] = 0.0, 0.0
            else:
                coef_s[seen], inter_s[seen] = stance_lr.coef_, stance_lr.intercept_
            self.stance_coef_, self.stance_intercept_ = coef_s, inter_s
        self.topic_coef_ = None
        known = np.flatnonzero(topic >= 0)
        if len(np.unique(topic[known])) == 2:
            say(f"fitting the off-topic model on {len(known):,} passages")
            lr = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", tol=_FRAME_TOL).fit(
                Xp[known], topic[known], sample_weight=weight[known])
            self.topic_coef_ = np.append(lr.coef_[0], lr.intercept_[0])
        self.n_features_ = Xp.shape[1]
        say("fit done")
        return self

    # -- features ------------------------------------------------------------------------------
    def _features(self, batch) -> dict[str, Any]:
        """Frame-model features for passages, and the parts of them for sentences.

        Written for speed on small batches as well as large ones: TF-IDF scaled in place, cue
        and lexicon counts in one dense product, and no ``sp.hstack``. The sentence rows are
        only ever multiplied by the frame weights (``_sentence_decision``), so they are kept in
        two parts rather than stacked.
        """
        n_frames = len(self.classes_)
        per_passage = np.diff(np.append(batch.starts, len(batch.owner))).astype(np.float64)
        counts_p = batch.counts_p
        extras_p = batch.to_passages(batch.extras) / np.maximum(per_passage, 1.0)[:, None]
        terms = self._term_groups()
        groups_p = np.log1p(np.asarray(counts_p @ terms))
        groups_s = np.log1p(np.asarray(batch.counts @ terms))
        cue_p, sig_p = groups_p[:, :n_frames], groups_p[:, n_frames:]
        cue_s, sig_s = groups_s[:, :n_frames], groups_s[:, n_frames:]
        tf_p = tfidf(counts_p, self.idf_)
        return {"batch": batch, "X": self._stack(tf_p, cue_p, sig_p, extras_p),
                "tf_s": tfidf(batch.counts, self.idf_), "dense_s": self._dense(cue_s, sig_s, batch.extras),
                "tf_p": tf_p, "sig_p": sig_p, "sig_s": sig_s, "cue_p": cue_p, "counts_p": counts_p,
                "extras_p": extras_p}

    def _scare_cues(self) -> np.ndarray:
        """Dense (vocabulary x frames) membership of scare-quoted cue terms."""
        cached = self.__dict__.get("_scare_cache")
        if cached is None or cached[0] is not self.scare_cue_matrix_:
            cached = (self.scare_cue_matrix_, self.scare_cue_matrix_.toarray())
            self.__dict__["_scare_cache"] = cached
        return cached[1]

    def _term_groups(self) -> np.ndarray:
        """Dense (vocabulary x (frames + lexicon classes)) membership of cue and lexicon terms."""
        cached = self.__dict__.get("_groups_cache")
        if cached is None or cached[0] is not self.cue_matrix_ or cached[1] is not self.lexicon_matrix_:
            dense = np.hstack([self.cue_matrix_.toarray(), self.lexicon_matrix_.toarray()])
            cached = (self.cue_matrix_, self.lexicon_matrix_, dense)
            self.__dict__["_groups_cache"] = cached
        return cached[2]

    def _dense(self, cue, sig, extras) -> np.ndarray:
        """The dense columns that follow the words: cues, signals, extras, weighted."""
        return np.hstack([self.cue_weight * cue, self.signal_weight * sig, self.signal_weight * extras])

    def _stack(self, tf, cue, sig, extras) -> sp.csr_matrix:
        return hstack_dense(tf, self._dense(cue, sig, extras))

    def _sentence_decision(self, feats) -> np.ndarray:
        """Frame logits of every sentence: ``_decision`` of the stacked sentence rows."""
        coef_t = self._weights()["coef_t"]
        v = feats["tf_s"].shape[1]
        return np.asarray(feats["tf_s"] @ coef_t[:v]) + _dot(feats["dense_s"], coef_t[v:]) + self.intercept_

    def _focus_weights(self, feats) -> np.ndarray:
        """Per sentence and frame, the share of the passage's frame evidence in that sentence."""
        batch = feats["batch"]
        z = self._sentence_decision(feats)
        zmax = np.maximum.reduceat(z, batch.starts, axis=0)
        e = np.exp(z - zmax[batch.owner])
        return e / np.add.reduceat(e, batch.starts, axis=0)[batch.owner]

    def _stance_blocks(self, feats) -> list[tuple[str, np.ndarray | None]]:
        """The dense stance inputs, block by block in column order.

        Each block is per passage, shape (n, k), or per passage and frame, shape (n, F, k):
        the passage's stance signals; the same signals in the sentences that carry the frame
        (sentences weighted by the frame model's focus); quotation and scare-quote features;
        how much of the frame's evidence sits inside quotations. Then two blocks given as
        ``None``, because they are built from the frame alone: the frame itself (one-hot) and
        its interaction with the focused signals.
        """
        batch = feats["batch"]
        w = self._focus_weights(feats)  # (n_sent, F)
        n_frames = len(self.classes_)
        # Length (extras column 0) is left out: it says nothing about stance, and the model
        # used it to push short passages towards "disputed". Models saved in format 1 had it.
        first = 0 if getattr(self, "stance_layout_", STANCE_LAYOUT) == 1 else 1
        quoted_p = batch.quoted_p
        wpos_t = self._weights()["wpos_t"]
        q_share = np.asarray(quoted_p @ wpos_t) / (np.asarray(feats["counts_p"] @ wpos_t) + 1e-9)
        # (a column slice of the groups would not be C-contiguous: scipy would copy all of it)
        q_cue = np.log1p(np.asarray(quoted_p @ self._term_groups())[:, :n_frames])
        s_cue = np.log1p(np.asarray(feats["counts_p"] @ self._scare_cues()))
        return [
            ("signals", feats["sig_p"]),
            ("focus_signals", np.add.reduceat(w[:, :, None] * feats["sig_s"][:, None, :], batch.starts, axis=0)),
            ("extras", feats["extras_p"][:, first:]),
            ("focus_extras", np.add.reduceat(w[:, :, None] * batch.extras[:, None, first:], batch.starts, axis=0)),
            ("cues", feats["cue_p"][:, :, None]),
            ("quoted_cues", q_cue[:, :, None]),
            ("scare_cues", s_cue[:, :, None]),
            ("quoted_share", q_share[:, :, None]),
            ("frame", None),
            ("frame_x_focus_signals", None),
        ]

    def _stance_dense(self, feats, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The dense stance features of the (passage, frame) pairs ``zip(rows, cols)``: the blocks
        of ``_stance_blocks`` side by side."""
        blocks = self._stance_blocks(feats)
        onehot = np.eye(len(self.classes_))[cols]
        focus = dict(blocks)["focus_signals"][rows, cols]
        out = []
        for name, block in blocks:
            if name == "frame":
                out.append(onehot)
            elif name == "frame_x_focus_signals":
                out.append((onehot[:, :, None] * focus[:, None, :]).reshape(len(rows), -1))
            else:
                out.append(block[rows] if block.ndim == 2 else block[rows, cols])
        return np.hstack(out)

    def _frame_words_weight(self) -> float:
        """Weight of the frame-specific word block (layout 3 on; 0 for models of older layouts)."""
        return float(self.stance_frame_weight) if getattr(self, "stance_layout_", STANCE_LAYOUT) >= 3 else 0.0

    def _stance_matrix(self, feats, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
        """Stance features for the (passage, frame) pairs ``zip(rows, cols)``.

        Columns: the passage's words (shared by all frames) | the dense block of
        ``_stance_dense`` | the passage's words again, in the block of the pair's frame.
        """
        tf = feats["tf_p"][rows]
        shared = hstack_dense(tf, self.signal_weight * self._stance_dense(feats, rows, cols))
        weight = self._frame_words_weight()
        if not weight:
            return shared
        v, f = tf.shape[1], len(self.classes_)
        lens = np.diff(tf.indptr)
        own = sp.csr_matrix((tf.data * weight, tf.indices + np.repeat(cols, lens) * v, tf.indptr),
                            shape=(tf.shape[0], v * f))
        return sp.hstack([shared, own], format="csr")

    def _stance_proba(self, feats) -> np.ndarray:
        """Stance probabilities of every (passage, frame), shape (n, n_frames, n_stances).

        The same linear model as ``_stance_matrix @ stance_coef_.T``, computed without building
        that matrix: the word part is shared by all frames of a passage.
        """
        n, f = feats["tf_p"].shape[0], len(self.classes_)
        weights = self._weights()
        # Every word part of every frame's stance logits in one product: (n, F * S).
        logits = np.asarray(feats["tf_p"] @ weights["stance_words_by_frame"]).reshape(n, f, -1)
        logits += self.stance_intercept_
        # The dense part block by block: a per-passage block once per passage, a per-frame block
        # with its own weights, and the one-hot frame blocks as a lookup of weight rows.
        w_dense = self.signal_weight * weights["stance_dense_t"]  # (D, S)
        blocks = self._stance_blocks(feats)
        at = 0
        for name, block in blocks:
            if name == "frame":
                logits += w_dense[at : at + f]
                at += f
            elif name == "frame_x_focus_signals":  # frame j's own weights for its focused signals
                focus = dict(blocks)["focus_signals"]  # (n, F, L)
                k = focus.shape[2]
                logits += np.einsum("nfl,fls->nfs", focus, w_dense[at : at + f * k].reshape(f, k, -1))
                at += f * k
            else:
                k = block.shape[-1]
                part = _dot(block, w_dense[at : at + k])
                logits += part[:, None, :] if block.ndim == 2 else part
                at += k
        logits -= logits.max(axis=2, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=2, keepdims=True)

    # -- prediction ----------------------------------------------------------------------------
    def _decision(self, X: sp.csr_matrix) -> np.ndarray:
        """Frame logits of feature rows (passages or sentences)."""
        return np.asarray(X @ self._weights()["coef_t"]) + self.intercept_

    def _calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Platt-scaled probabilities of frame logits."""
        return 1.0 / (1.0 + np.exp(-(decision * self.platt_[:, 0] + self.platt_[:, 1])))

    def _predict_arrays(self, texts: list[str], *, stances: bool = True) -> dict[str, Any]:
        self._check_fitted()
        batch = self.vectorizer_.transform(texts)
        feats = self._features(batch)
        proba = self._calibrate(self._decision(feats["X"]))
        n_tokens = np.bincount(batch.owner, weights=batch.n_tokens, minlength=len(texts))
        n_known = np.bincount(batch.owner, weights=batch.n_known, minlength=len(texts))
        # Empty means no letters or digits at all; text whose words are all unusable (one
        # enormous token, emoji) keeps its scores and is flagged low_coverage instead.
        empty = np.array([not any(c.isalnum() for c in t) for t in texts], dtype=bool)
        proba[empty] = 0.0
        stance = self._stance_proba(feats) if stances and len(self.stances_) else None
        return {"proba": proba, "stance": stance, "X": feats["X"], "empty": empty, "n_tokens": n_tokens, "feats": feats,
                "coverage": np.divide(n_known, np.maximum(n_tokens, 1)), "off_topic": self._off_topic(feats["X"])}

    def _off_topic(self, X: sp.csr_matrix) -> np.ndarray:
        """Which passages the off-topic model puts at or above ``off_topic_threshold`` (all False
        for a model without one)."""
        coef = getattr(self, "topic_coef_", None)
        if coef is None:
            return np.zeros(X.shape[0], dtype=bool)
        logit = np.asarray(X @ coef[:-1]).ravel() + coef[-1]
        return logit >= np.log(self.off_topic_threshold / (1.0 - self.off_topic_threshold))

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Uncalibrated frame scores (logits), shape (n_passages, n_frames)."""
        texts, _ = check_texts(X, allow_single=False)
        self._check_fitted()
        return self._decision(self._features(self.vectorizer_.transform(texts))["X"])

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each frame, shape (n_passages, n_frames); columns follow ``classes_``.

        Examples
        --------
        >>> import framing
        >>> framing.default_model().predict_proba(["Bandits looted shops."]).shape
        (1, 8)
        """
        texts, _ = check_texts(X, allow_single=False)
        return self._predict_arrays(texts, stances=False)["proba"]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """0/1 frame indicator matrix at ``threshold``, shape (n_passages, n_frames)."""
        return (self.predict_proba(X) >= self.decision_threshold_).astype(np.int64)

    def score(self, X: Sequence[str], y: Any) -> float:
        """Micro-averaged F1 of the frame labels (used by ``GridSearchCV`` and ``cross_val_score``)."""
        self._check_fitted()
        Y, _ = parse_labels(y, self.codebook_)
        P = self.predict(X)
        tp = float((P & Y).sum())
        denom = float(P.sum() + Y.sum())
        return 2 * tp / denom if denom else 1.0

    def classify(self, texts: str | Sequence[str], *, threshold: float | None = None,
                 batch_size: int = 2000, spans: bool = False) -> PassageResult | list[PassageResult]:
        """Frames, stances, scores and evidence for one passage or a list of passages.

        Parameters
        ----------
        texts : str or list of str
            A string gives one result; a list gives a list in the same order.
        threshold : float, optional
            Overrides the model's ``threshold`` for this call.
        batch_size : int, default=2000
            Passages featurised together (bounds memory on long lists).
        spans : bool, default=False
            Also place the evidence in the text: offsets of every evidence item, each labelled
            frame's strongest sentence and the cues behind its stance (see ``framing.evidence``).
            Off by default: it costs time, and nothing else changes.

        Notes
        -----
        A text of article length (``framing.documents.is_article``: more than 250 words, or more than
        150 in paragraphs) is read as an article when the model was trained on passages: split into
        passages, classified, and combined by the document rule of :mod:`framing.documents`, the
        same answer as ``analyze`` and ``classify_articles`` give; its result is flagged
        ``"article_length"``. Use ``analyze`` to see its passages (and ``analyze(spans=True)`` for
        evidence offsets into an article: such a result's evidence carries no spans).

        A model fitted with ``off_topic`` labels (the shipped one is) gives a passage about
        something else (sport, weather, business...) no frame and the flag ``"off_topic"``.

        Examples
        --------
        >>> import framing
        >>> r = framing.default_model().classify("Peacekeepers will guard the airport, as the treaty provides.")
        >>> r.labels
        ['stabilization']
        >>> r = framing.default_model().classify("Peacekeepers will guard the airport.", spans=True)
        >>> [(e.term, [r.text[a:b] for a, b in e.spans]) for e in r["stabilization"].evidence[:2]]
        [('guard the', ['guard the']), ('peacekeepers', ['Peacekeepers'])]
        """
        items, single = check_texts(texts)
        self._check_fitted()
        thr = self.decision_threshold_ if threshold is None else check_threshold(threshold)
        results: list[PassageResult] = []
        reads_articles = getattr(self, "training_info_", {}).get("unit") != "article"
        with gc_paused(len(items)):
            for start in range(0, len(items), batch_size):
                chunk = items[start : start + batch_size]
                arrays = self._predict_arrays(chunk)
                out = self._results(chunk, arrays, thr)
                if spans:
                    from .evidence import with_spans

                    out = with_spans(self, chunk, out, arrays)
                long = np.flatnonzero(arrays["n_tokens"] > PASSAGE_WORDS)  # the few that may be articles
                if len(long) and reads_articles:
                    read_as_articles(self, chunk, out, long, thr)
                results.extend(out)
        return results[0] if single else results

    def _results(self, texts: list[str], arrays: dict[str, Any], threshold: float) -> list[PassageResult]:
        proba, stance = arrays["proba"], arrays["stance"]
        frames = list(self.classes_)
        n, n_frames = proba.shape
        stance_ids = self.stances_
        # Python lists once per batch: per-row numpy calls cost more than the work they do.
        # The FramePredictions of the whole batch are made in one C-level map over the flat
        # (passage, frame) grid, then sliced per passage.
        above = (proba >= threshold) & ~(arrays["empty"] | arrays["off_topic"])[:, None]
        evidence = self._evidence(arrays["X"], above)
        if stance is None:
            stance_of, scores = repeat(None), repeat(None)
        else:
            # A frame that is not labelled has no stance (None); its stance_scores stay.
            pick = stance.argmax(axis=2)
            pick[~above] = len(stance_ids)
            stance_of = map((*stance_ids, None).__getitem__, pick.ravel().tolist())
            scores = map(dict, map(zip, repeat(stance_ids), stance.reshape(n * n_frames, -1).tolist()))
        # tuple.__new__: NamedTuple's own __new__ is a Python call
        preds = list(map(tuple.__new__, repeat(FramePrediction),
                         zip(frames * n, proba.ravel().tolist(), stance_of, scores, evidence, repeat(None), repeat(None))))
        order = np.argsort(-proba, axis=1, kind="stable").tolist()
        p_rows = proba.tolist()
        has_label = above.any(axis=1).tolist()
        empty = arrays["empty"].tolist()
        off = arrays["off_topic"].tolist()
        low = (arrays["coverage"] < 0.2).tolist()
        make = PassageResult._make
        out = []
        for i, text in enumerate(texts):
            if empty[i]:
                labels, flags = [], ("empty",)
            elif off[i]:
                labels, flags = [], ("off_topic", "low_coverage") if low[i] else ("off_topic",)
            else:
                p_row = p_rows[i]
                labels = [frames[j] for j in order[i] if p_row[j] >= threshold] if has_label[i] else []
                flags = ("low_coverage",) if low[i] else ()
            out.append(make(text, labels, preds[i * n_frames : (i + 1) * n_frames], threshold, flags))
        return out

    def _evidence(self, X: sp.csr_matrix, above: np.ndarray) -> list[tuple[Evidence, ...]]:
        """Evidence of every labelled (passage, frame) pair of a batch, in one pass of numpy.

        For passage ``i`` and frame ``j``: the ``evidence_size`` features with the largest
        positive contributions ``X[i, f] * coef_[j, f]`` (function-word-only terms left out),
        largest first, ties in feature (column) order. Returns one tuple per (passage, frame),
        flat: entry ``i * n_frames + j``; empty for the pairs that are not labelled.
        """
        k = int(self.evidence_size)
        out: list[tuple[Evidence, ...]] = [()] * above.size
        lens = np.diff(X.indptr)
        rows, frames = np.nonzero(above & (lens > 0)[:, None])  # pairs, by passage then frame
        if not k or not len(rows):
            return out
        sizes = lens[rows]
        element = concat_ranges(X.indptr[rows], sizes)  # the row's entries, for each pair
        pair = np.repeat(np.arange(len(rows)), sizes)
        shown = self._weights()["coef_shown_t"]  # C order: entry (f, j) sits at f * n_frames + j
        value = X.data[element] * shown.take(X.indices[element] * shown.shape[1] + frames[pair])
        keep = np.flatnonzero(value > 0)
        if len(keep) > 4096:  # a batch: cut the sort to a few candidates per pair
            keep = keep[_may_be_top(pair[keep], value[keep], k)]
        if not len(keep):
            return out
        pair, value, element = pair[keep], value[keep], element[keep]
        # One sort for all pairs: the key puts pairs in order and, within a pair, the largest
        # value first (values scaled into (0, 1]; a stable sort keeps feature order for values
        # equal to within ~1e-11 of the largest).
        order = np.argsort(2.0 * pair - value / value.max(), kind="stable")
        order = order[_rank_in_group(pair[order]) < k]
        pair = pair[order]
        # Every Evidence of the batch in one C-level pass, then sliced per pair.
        names = self.feature_names_
        made = list(map(tuple.__new__, repeat(Evidence),
                        zip(map(names.__getitem__, X.indices[element[order]].tolist()), value[order].tolist(),
                            repeat(None))))
        starts = group_starts(pair)
        where = (rows * above.shape[1] + frames)[pair[starts]].tolist()
        for flat, start, end in zip(where, starts.tolist(), [*starts[1:].tolist(), len(pair)]):
            out[flat] = tuple(made[start:end])
        return out

    def _evidence_mask(self) -> np.ndarray:
        """1.0 for features worth showing as evidence, 0.0 for function-word-only terms."""
        cached = self.__dict__.get("_shown_cache")
        if cached is None or cached[0] is not self.vectorizer_:
            stem = self.vectorizer_._stem
            function_stems = {stem(w) for w in FUNCTION_WORDS} | set(FUNCTION_WORDS)
            terms = sorted(self.vectorizer_.vocabulary_, key=self.vectorizer_.vocabulary_.get)
            parts, first, _ = split_terms(terms)
            function = np.fromiter(map(function_stems.__contains__, parts), dtype=bool, count=len(parts))
            mask = np.ones(self.coef_.shape[1])
            if terms:
                mask[:len(terms)] = ~np.logical_and.reduceat(function, first)
            cached = (self.vectorizer_, mask)
            self.__dict__["_shown_cache"] = cached
        return cached[1]

    def _weights(self) -> dict[str, np.ndarray]:
        """C-contiguous transposes of the weights, made once per fit or load.

        A sparse matrix times a transposed (Fortran-ordered) weight matrix makes scipy copy the
        whole weight matrix on every call: a third of a single classify() call before this cache.
        """
        cached = self.__dict__.get("_weights_cache")
        if cached is None or cached[0] is not self.coef_ or cached[1] is not self.stance_coef_:
            v, f = len(self.idf_), len(self.classes_)
            weight = self._frame_words_weight() if self.stance_coef_.size else 0.0
            shared_end = self.stance_coef_.shape[1] - (v * f if weight else 0)
            shared_words = self.stance_coef_[:, :v]  # (S, V)
            # Column f * S + s: stance s's weights for the words of a passage scored for frame f.
            by_frame = np.repeat(shared_words[None, :, :], f, axis=0)  # (F, S, V)
            if weight:
                by_frame = by_frame + weight * self.stance_coef_[:, shared_end:].reshape(-1, f, v).transpose(1, 0, 2)
            weights = {
                "coef_t": np.ascontiguousarray(self.coef_.T),
                "coef_shown_t": np.ascontiguousarray(self.coef_.T * self._evidence_mask()[:, None]),
                "wpos_t": np.ascontiguousarray(np.maximum(self.coef_[:, :v], 0.0).T),
                "stance_words_by_frame": np.ascontiguousarray(by_frame.transpose(2, 0, 1).reshape(v, -1)),
                "stance_dense_t": np.ascontiguousarray(self.stance_coef_[:, v:shared_end].T),
            }
            cached = (self.coef_, self.stance_coef_, weights)
            self.__dict__["_weights_cache"] = cached
        return cached[2]

    @property
    def decision_threshold_(self) -> float:
        """The threshold in use: ``threshold``, or the value ``threshold="auto"`` chose in ``fit``."""
        if isinstance(self.threshold, str) and self.threshold == "auto":
            self._check_fitted()
            return float(self.auto_threshold_)
        return check_threshold(self.threshold)

    def explain(self, text: str, frame: str, *, n: int = 10) -> list[Evidence]:
        """The features that moved ``frame``'s score most for ``text``, up or down.

        Unlike ``FramePrediction.evidence`` (positive contributions of likely frames), this covers
        any frame and includes terms that pulled the score down: useful to see why a frame was
        missed. Weights are contributions to the frame's logit.

        Examples
        --------
        >>> import framing
        >>> ev = framing.default_model().explain("Bandits looted shops and attacked police.", "law_and_order", n=3)
        >>> len(ev), all(isinstance(e.term, str) for e in ev)
        (3, True)
        """
        items, _ = check_texts([text], allow_single=False)
        self._check_fitted()
        j = self.codebook_.index(frame)
        X = self._features(self.vectorizer_.transform(items))["X"]
        contrib = X.data * self.coef_[j, X.indices]
        order = np.argsort(-np.abs(contrib), kind="stable")[:n]
        names = self.feature_names_
        return [Evidence(names[X.indices[t]], float(contrib[t])) for t in order]

    def suggest(self, texts: Sequence[str], n: int = 20, *, strategy: str = "uncertainty",
                threshold: float | None = None, batch_size: int = 2000):
        """The ``n`` unlabelled passages most worth labelling next, each with the reason.

        Strategies: ``"uncertainty"`` (a frame score near the threshold), ``"stance"`` (a small
        margin between the two likeliest stances of a detected frame), ``"diversity"`` (uncertain
        passages, spread out over the feature space). See ``framing.active.suggest``.

        Examples
        --------
        >>> import framing
        >>> picks = framing.default_model().suggest(["Troops arrived.", "Prices rose.", "Rain."], n=2)
        >>> len(picks), all(p.reason for p in picks)
        (2, True)
        """
        from .active import suggest

        return suggest(self, texts, n=n, strategy=strategy, threshold=threshold, batch_size=batch_size)

    def save(self, path, **kwargs):
        """Write the model to directory ``path`` as plain data (see ``framing.save_model``)."""
        from .persist import save_model

        return save_model(self, path, **kwargs)

    @property
    def feature_names_(self) -> list[str]:
        """Readable name of every frame-model feature (terms, then cues, signals and extras)."""
        self._check_fitted()
        cached = self.__dict__.get("_names_cache")
        if cached is not None and cached[0] is self.vectorizer_:
            return cached[1]
        names = list(self.vectorizer_.display_)
        names += [f"[cues: {f}]" for f in self.classes_]
        names += [f"[signal: {c}]" for c in self.lexicon_classes_]
        names += [f"[{e}]" for e in EXTRAS]
        self.__dict__["_names_cache"] = (self.vectorizer_, names)
        return names

    def analyze(self, text: str, *, threshold: float | None = None, max_words: int = 150,
                window: int = 4, spans: bool = False) -> DocumentResult:
        """Split an article into passages, classify each and profile the document.

        Every passage carries its ``start`` and ``end`` in the article; with ``spans=True`` the
        evidence carries its offsets too, into the article.

        Examples
        --------
        >>> import framing
        >>> doc = framing.default_model().analyze("Shops reopened on Monday.\\n\\nFlights resumed too.")
        >>> len(doc.passages), doc.dominant, [(p.start, p.end) for p in doc.passages]
        (2, [], [(0, 25), (27, 47)])
        """
        if not isinstance(text, str):
            raise InputTypeError(f"analyze() expects one article as a str, got {type(text).__name__}"
                                 + ("; use classify() for a list of passages" if isinstance(text, (list, tuple)) else ""))
        from .evidence import place_in_article

        passages = split_passages(text, max_words=max_words, window=window)
        results = self.classify(passages, threshold=threshold, spans=spans) if passages else []
        results = place_in_article(results, text)
        return DocumentResult.from_passages(results, list(self.classes_), list(self.stances_))


def _rank_in_group(group: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
    """Position of each element within its run of equal values (grouped array); ``starts``
    are the runs' starts when already known.

    Examples
    --------
    >>> _rank_in_group(np.array([0, 0, 0, 3, 5, 5])).tolist()
    [0, 1, 2, 0, 0, 1]
    """
    starts = group_starts(group) if starts is None else starts
    return np.arange(len(group)) - np.repeat(starts, np.diff(starts, append=len(group)))


def _may_be_top(group: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    """Mask of the values that can be among the ``k`` largest of their group (grouped array).

    Cuts the sort in ``_evidence`` to a few candidates per group, exactly: each group of at
    least ``k`` values is cut into ``k`` runs, and the smallest run maximum is a lower bound of
    its ``k``-th largest value (the ``k`` run maxima are ``k`` values at least that large). Values
    under the bound cannot be in the top ``k``; ties with it are kept.

    Examples
    --------
    >>> _may_be_top(np.array([0, 0, 0, 0, 1]), np.array([5.0, 1.0, 4.0, 3.0, 2.0]), 2).tolist()
    [True, False, True, False, True]
    """
    if not len(group):
        return np.zeros(0, dtype=bool)
    starts = group_starts(group)
    sizes = np.diff(starts, append=len(group))
    size = np.repeat(sizes, sizes)
    run = np.repeat(np.arange(len(starts)) * k, sizes) + _rank_in_group(group, starts) * k // size
    run_starts = group_starts(run)
    run_max = np.maximum.reduceat(value, run_starts)
    # Groups of fewer than k values have fewer runs; they keep every value (bound -inf).
    n_runs = np.minimum(sizes, k)
    bound = np.minimum.reduceat(run_max, np.cumsum(n_runs) - n_runs)
    bound[sizes < k] = -np.inf
    return value >= np.repeat(bound, sizes)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for the small dense products of prediction (inner size <= 30), without BLAS.

    BLAS threads gain nothing on products this thin, and on a 2-core machine their hand-offs
    and spinning cost more than the product: one benchmark run measured a single-call p50 of
    2.0 ms with the library's default threads and 1.45 ms with one thread.

    Examples
    --------
    >>> _dot(np.ones((2, 3, 4)), np.ones((4, 5))).shape
    (2, 3, 5)
    """
    return np.einsum("...k,ks->...s", a, b)


def _fit_frame_models(X: sp.csr_matrix, Y: np.ndarray, weight: np.ndarray, rows: np.ndarray, C: float,
                      nb_weighting: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each frame's logistic regression on the rows ``rows`` of ``X``: one unit of work of
    ``FrameClassifier.fit`` (the frame models, or one calibration fold's), a module function so
    that it can run in another process.

    With ``nb_weighting`` each feature is first scaled by its log-count ratio between passages
    with and without the frame (NB-SVM, Wang & Manning 2012); the scaling is folded back into the
    weights, so prediction stays one linear model. Returns the weights (frames x columns), the
    intercepts and which frames were fitted: a frame whose labels are constant on ``rows`` (a
    calibration fold may hold none of a rare frame) gets no model.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> Y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    >>> W, b, fitted = _fit_frame_models(X, Y, np.ones(4), np.arange(4), C=10.0, nb_weighting=False)
    >>> bool(W[0, 0] > 0 > W[0, 1]), fitted.tolist()
    (True, [True, False])
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    Xr, Yr, wr = X[rows], Y[rows], weight[rows]
    W, b, fitted = np.zeros((Y.shape[1], X.shape[1])), np.zeros(Y.shape[1]), np.zeros(Y.shape[1], dtype=bool)
    with threadpool_limits(limits=1):  # as in fit: in a worker process too
        for j in range(Y.shape[1]):
            y = Yr[:, j]
            if y.min() == y.max():
                continue
            scale = _log_count_ratio(Xr, y) if nb_weighting else None
            lr = LogisticRegression(C=C, solver="liblinear", max_iter=1000, tol=_FRAME_TOL).fit(
                Xr @ sp.diags(scale) if scale is not None else Xr, y, sample_weight=wr)
            W[j] = lr.coef_[0] * scale if scale is not None else lr.coef_[0]
            b[j], fitted[j] = lr.intercept_[0], True
    return W, b, fitted


def _fit_stance_model(X: sp.csr_matrix, target: np.ndarray, weight: np.ndarray, C: float) -> Any:
    """The stance model of ``FrameClassifier.fit`` (a fitted ``LogisticRegression`` over the
    (passage, frame) pairs ``X`` with stance indices ``target``), as a module function so that it
    can run in another process.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> _fit_stance_model(X, np.array([0, 2, 0, 2]), np.ones(4), C=10.0).predict(X).tolist()
    [0, 2, 0, 2]
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        # newton-cg: the same convex problem as lbfgs, solved in about a third of the time on the
        # default model's 13,224 pairs x 1.5 million columns (11 Newton steps against 156 lbfgs
        # steps; decision values within 0.005 of lbfgs's, the same stance for every pair).
        return LogisticRegression(C=C, class_weight="balanced", solver="newton-cg", max_iter=300,
                                  tol=_STANCE_TOL).fit(X, target, sample_weight=weight)


def _log_count_ratio(X: sp.csr_matrix, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """log((p / |p|) / (q / |q|)) of binarised feature counts in positive (p) and negative (q) rows.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
    >>> np.round(_log_count_ratio(X, np.array([1, 1, 0])), 3).tolist()
    [0.588, -0.511]
    """
    B = (X > 0).astype(np.float64)
    p = alpha + np.asarray(B[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(B[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def _best_threshold(proba: np.ndarray, Y: np.ndarray) -> float:
    """The threshold in 0.10..0.90 (step 0.05) with the best micro-F1; ties go to the one nearest 0.5.

    Examples
    --------
    >>> _best_threshold(np.array([[0.9, 0.2], [0.35, 0.8]]), np.array([[1, 0], [1, 1]]))
    0.35
    """
    best, best_key = 0.5, (-1.0, 0.0)
    for t in np.round(np.arange(0.10, 0.901, 0.05), 2):
        P = proba >= t
        tp, fp, fn = (P & (Y == 1)).sum(), (P & (Y == 0)).sum(), (~P & (Y == 1)).sum()
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        key = (round(float(f1), 12), -abs(t - 0.5))
        if key > best_key:
            best, best_key = float(t), key
    return best
