"""Whole articles: training on article labels and classifying long texts.

Shared-task data sets (SemEval-2023 Task 3, SemEval-2025 Task 10) label whole articles, not
passages. The rule that works best here is *predict the way you trained*:

* a model trained on whole articles (:func:`train_articles`) scores whole articles
  (``pooling="whole"``): features are counted per sentence and summed, so any length works;
* a model trained on passages (the default model) scores an article by splitting it into passages
  (:func:`framing.text.split_passages`) and combining them by the document rule of
  :mod:`framing.documents` (``pooling="max"``): each frame's score is its highest passage score,
  its stance the score-weighted vote of the passages that carry it, its evidence that of the top
  passage. ``framing.analyze`` and ``framing.classify`` (for article-length text) give the same
  answer.

``pooling="auto"`` (the default) picks by how the model was trained. Measured on synthetic
articles of 3-8 passages of one event from the packaged corpus (300 training articles, 150 test
articles of held-out events, 4.5 of 8 frames per article, threshold 0.4 (the default when measured);
``python -m framing.articles`` reruns it in about a minute), micro F1:

=========================  ===========  =========
model trained on           whole        max-pool
=========================  ===========  =========
whole articles             **0.817**    0.807
passages (gold labels)     0.741        **0.841**
article chunks             0.769        0.748
=========================  ===========  =========

(The last row trains on passage chunks labelled with their article's frames: noisier, and worse
than training on the whole articles either way.)
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any, Sequence, cast

from .deprecation import looks_like_model, warn_deprecated
from .documents import document_result
from .model import FrameClassifier, check_texts
from .results import PassageResult
from .text import split_passages

__all__ = ["train_articles", "classify_articles", "ArticleView", "synthetic_articles", "POOLINGS"]

POOLINGS = ("auto", "whole", "max")


def train_articles(texts: Sequence[str], labels: Sequence[Any], *, codebook: Any = None,
                   groups: Sequence[Any] | None = None, ids: Sequence[Any] | None = None,
                   **params: Any) -> FrameClassifier:
    """Fit a model on whole articles labelled as wholes (as the SemEval data sets are).

    The model is ``framing.train`` on the full texts; it records ``training_info_["unit"] ==
    "article"`` (kept in saved models) so that :func:`classify_articles` scores whole articles.

    Parameters
    ----------
    texts : list of str
        Whole articles.
    labels : list
        Per article, a list of frame ids or a mapping frame id -> stance.
    codebook, groups, ids, **params
        As for ``framing.train``.

    Returns
    -------
    FrameClassifier

    Examples
    --------
    >>> arts = ["Bread prices rose.\\n\\nWages are unpaid.", "The army fired at marchers.\\n\\nTanks came.",
    ...         "Rents doubled.\\n\\nFuel costs soared.", "Police beat students.\\n\\nSnipers shot at them."] * 2
    >>> model = train_articles(arts, [["Economic"], ["Violence"]] * 4, codebook=["Economic", "Violence"],
    ...                        min_df=1, cv=2)
    >>> model.training_info_["unit"], classify_articles("Food prices keep rising.", model=model).labels
    ('article', ['Economic'])
    """
    from .training import train

    model = train(texts, labels, codebook=codebook, groups=groups, ids=ids, **params)
    setattr(model, "training_info_", {**getattr(model, "training_info_", {}), "unit": "article"})
    return model


def classify_articles(texts: str | Sequence[str], *legacy: Any, model: Any = None, threshold: float | None = None,
                      pooling: str = "auto", max_words: int = 150, window: int = 4
                      ) -> PassageResult | list[PassageResult]:
    """Frames of whole articles, one ``PassageResult`` per article (same shape as ``classify``).

    Parameters
    ----------
    texts : str or list of str
        One article gives one result; a list gives a list in the same order.
    model : FrameClassifier or path, optional
        As for ``framing.classify``; default: the shipped model. (The old form
        ``classify_articles(model, texts)`` still works, with a ``FutureWarning``.)
    threshold : float, optional
        Overrides the model's threshold.
    pooling : {"auto", "whole", "max"}, default="auto"
        ``"whole"`` scores each article as one text; ``"max"`` splits it into passages and
        combines them by the document rule of :mod:`framing.documents` (each frame's highest
        passage score; the score-weighted stance vote of the passages that carry it).
        ``"auto"`` is ``"whole"`` for models from :func:`train_articles`, else ``"max"``.
    max_words, window : int
        Passage splitting (see ``framing.text.split_passages``).

    Examples
    --------
    >>> import framing
    >>> model = framing.default_model()  # trained on passages, so "auto" max-pools
    >>> calm = "The weather was mild and the markets were calm."
    >>> rally = "Soldiers opened fire on the peaceful rally and dozens were arrested."
    >>> r = classify_articles(calm + "\\n\\n" + rally, model=model)
    >>> a, b = model.classify([calm, rally])
    >>> [p.score for p in r.frames] == [max(x.score, y.score) for x, y in zip(a.frames, b.frames)]
    True
    >>> r.labels == sorted(set(a.labels) | set(b.labels), key=lambda f: -r[f].score)
    True
    """
    if legacy or looks_like_model(texts):
        if not (looks_like_model(texts) and len(legacy) == 1 and model is None):
            raise TypeError("classify_articles() takes the articles as its one positional argument and the model "
                            "as the keyword model=")
        warn_deprecated("classify_articles(model, texts)", "classify_articles(texts, model=model)")
        model, texts = texts, legacy[0]
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}; got {pooling!r}")
    from .api import resolve_model

    model = resolve_model(model)
    items, single = check_texts(texts)
    if pooling == "auto":
        pooling = "whole" if getattr(model, "training_info_", {}).get("unit") == "article" else "max"
    if pooling == "whole":
        out = cast("list[PassageResult]", model.classify(items, threshold=threshold))
        return out[0] if single else out
    thr = model.decision_threshold_ if threshold is None else threshold
    chunks: list[str] = []
    spans: list[tuple[int, int]] = []
    for text in items:
        parts = split_passages(text, max_words=max_words, window=window)
        spans.append((len(chunks), len(chunks) + len(parts)))
        chunks.extend(parts)
    chunk_results = cast("list[PassageResult]", model.classify(chunks, threshold=thr) if chunks else [])
    empty = cast("list[PassageResult]", model.classify([""], threshold=thr))[0]
    out = [document_result(text, chunk_results[lo:hi] or [empty], thr) for text, (lo, hi) in zip(items, spans)]
    return out[0] if single else out


class ArticleView:
    """A model seen through :func:`classify_articles`, for ``framing.evaluate`` on whole articles.

    Examples
    --------
    >>> import framing
    >>> view = ArticleView(framing.default_model())
    >>> report = framing.evaluate(["Calm day.\\n\\nLooters and bandits attacked police."], [["law_and_order"]], model=view)
    >>> report.n_passages, 0.0 <= float(report.micro_f1) <= 1.0
    (1, True)
    """

    def __init__(self, model: FrameClassifier, pooling: str = "auto") -> None:
        self.model, self.pooling = model, pooling
        self.codebook_, self.stances_ = model.codebook_, model.stances_
        self.decision_threshold_ = model.decision_threshold_

    def classify(self, texts: Sequence[str], *, threshold: float | None = None) -> PassageResult | list[PassageResult]:
        """``classify_articles`` with this view's pooling."""
        return classify_articles(texts, model=self.model, threshold=threshold, pooling=self.pooling)


def synthetic_articles(records: Sequence[Any], n: int, *, min_passages: int = 3, max_passages: int = 8,
                       seed: int = 0) -> tuple[list[str], list[list[str]], list[str]]:
    """Glue corpus passages of one event into articles labelled with the union of their frames.

    Passages are joined by a blank line or, at random, run together in one paragraph, so passage
    splitting does not simply recover them. For tests and the pooling benchmark.

    Parameters
    ----------
    records : list of framing.corpus.Record
    n : int
        Number of articles; events are taken in turn.
    min_passages, max_passages : int
    seed : int

    Returns
    -------
    texts, labels, groups : lists
        Articles, their sorted frame lists, and their events.

    Examples
    --------
    >>> from framing.corpus import load_corpus
    >>> texts, labels, groups = synthetic_articles(load_corpus(), 4, seed=1)
    >>> len(texts), all(isinstance(lab, list) for lab in labels), len(set(groups))
    (4, True, 4)
    """
    rng = random.Random(seed)
    by_event: dict[str, list[Any]] = defaultdict(list)
    for r in records:
        by_event[r.event].append(r)
    events = sorted(by_event)
    texts, labels, groups = [], [], []
    for i in range(n):
        event = events[i % len(events)]
        picks = rng.sample(by_event[event], min(rng.randint(min_passages, max_passages), len(by_event[event])))
        text = picks[0].text
        for p in picks[1:]:
            text += ("\n\n" if rng.random() < 0.5 else " ") + p.text
        texts.append(text)
        labels.append(sorted({f for p in picks for f in p.frames}))
        groups.append(event)
    return texts, labels, groups


def _compare(n_train: int = 300, n_test: int = 150) -> None:  # pragma: no cover - a benchmark
    """Print micro F1 of whole-text scoring and max-pooling for article- and passage-trained models."""
    from .corpus import load_corpus, split
    from .training import evaluate, train

    parts = split(load_corpus())
    train_recs = parts["train"] + parts["dev"]
    tr_t, tr_l, tr_g = synthetic_articles(train_recs, n_train, seed=1)
    te_t, te_l, _ = synthetic_articles(parts["test"], n_test, seed=2)
    models = {
        "whole articles": train_articles(tr_t, tr_l, groups=tr_g),
        "passages (gold labels)": train([r.text for r in train_recs], [r.frames for r in train_recs],
                                        groups=[r.event for r in train_recs]),
    }
    seen: dict[str, tuple[str, list[str], str]] = {}  # chunks labelled with their article's frames
    for text, label, group in zip(tr_t, tr_l, tr_g):
        for chunk in split_passages(text):
            seen.setdefault(" ".join(chunk.lower().split()), (chunk, label, group))
    c_t, c_l, c_g = map(list, zip(*seen.values()))
    models["article chunks"] = train(c_t, c_l, groups=c_g)

    print(f"{'model trained on':<26}{'whole':>8}{'max-pool':>10}")
    for name, model in models.items():
        views = [cast(Any, ArticleView(model, pooling)) for pooling in ("whole", "max")]
        scores = [evaluate(te_t, te_l, model=view).micro_f1 for view in views]
        print(f"{name:<26}{scores[0]:>8.3f}{scores[1]:>10.3f}")
    print(f"({n_train} training and {n_test} test articles of held-out events; "
          f"threshold {models['whole articles'].decision_threshold_})")


if __name__ == "__main__":  # pragma: no cover
    _compare()
