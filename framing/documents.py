"""The document-level answer: one rule for a frame's score, stance and dominance in a document.

``framing.analyze`` (``DocumentResult.profile`` and ``dominant``), ``framing.classify`` given an
article-length text, and ``framing.classify_articles`` all read a document the same way: split it
into passages (:func:`framing.text.split_passages`), classify each passage, and combine the
passages by this rule, implemented once, in :func:`combine`:

1. **Labels and score.** A frame is labelled for the document when at least one passage carries
   it. Its document score is its highest passage score, so the document's labels are exactly the
   frames whose document score reaches the threshold.
2. **Stance.** The passages that carry the frame vote with their stance probabilities, each
   weighted by its score: ``stance_scores[s] = sum(score_i * p_i[s]) / sum(score_i)`` over those
   passages; the document stance is the stance with the largest share. A frame that no passage
   carries has no stance (``None``); its stance scores are the same vote over all passages.
3. **Dominant.** A frame is *dominant*, one the document itself argues, when its document stance
   is ``"endorsed"`` and at least :func:`min_support` passages carry it: two, or one in a document
   of one or two passages. One stray passage (a misread paragraph) can put a frame among the
   labels, with the stance the passage gives it, but cannot make it dominant. Dominant frames are
   ordered by score mass (the sum of the scores of the passages that carry them), most first.

Why these choices (measured with ``python bench/document_rule.py``: a model trained on the
corpus's train events, 400 articles of 3-8 passages glued from the dev events, gold labels the
union of the passages' frames and gold stance the passages' majority stance):

* labels: "carried by one passage" gives micro-F1 0.867; "carried by two passages" 0.594 (recall
  falls from 0.87 to 0.43, since most frames of an article live in one paragraph). So presence
  needs one passage, and the two-passage rule is kept for dominance;
* stance: the score-weighted vote is right for 68.0% of the (article, frame) pairs, the stance of
  the single highest-scoring passage (what ``classify_articles`` gave before) for 66.3%.

A text is *article-length* for ``classify`` (:func:`is_article`) when it has more than
:data:`ARTICLE_WORDS` words (longer than any passage of the training corpus, which run to 224), or
more than :data:`PASSAGE_WORDS` words (the longest passage ``analyze`` keeps whole) in several
paragraphs separated by blank lines. ``classify`` then answers by this rule and adds the flag
``"article_length"`` (see :func:`read_as_articles`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import re

import numpy as np

from .results import FramePrediction, PassageResult
from .text import split_passages

if TYPE_CHECKING:  # pragma: no cover
    from .model import FrameClassifier

__all__ = ["ARTICLE_WORDS", "PASSAGE_WORDS", "DocumentFrame", "combine", "min_support", "document_result",
           "is_article", "read_as_articles"]

#: Word count above which ``classify`` reads any text as an article (split into passages and combined).
ARTICLE_WORDS = 250
#: Word count above which ``classify`` reads a text of several paragraphs as an article.
PASSAGE_WORDS = 150
_BLANK_LINE = re.compile(r"\S\s*\n\s*\n\s*\S")


def is_article(text: str) -> bool:
    """Whether ``classify`` reads ``text`` as an article: more than ``ARTICLE_WORDS`` (250) words, or
    more than ``PASSAGE_WORDS`` (150) words in paragraphs separated by blank lines.

    Examples
    --------
    >>> is_article("word " * 251), is_article("word " * 200), is_article("word " * 100 + "\\n\\n" + "word " * 60)
    (True, False, True)
    """
    words = len(text.split())
    return words > ARTICLE_WORDS or (words > PASSAGE_WORDS and _BLANK_LINE.search(text) is not None)


def min_support(n_passages: int) -> int:
    """Passages that must carry an endorsed frame for it to be dominant: 2, or 1 in a document of
    one or two passages.

    Examples
    --------
    >>> [min_support(n) for n in (1, 2, 3, 40)]
    [1, 1, 2, 2]
    """
    return 1 if n_passages <= 2 else 2


@dataclass(frozen=True)
class DocumentFrame:
    """One frame of a document, by the document rule (see the module documentation).

    Attributes
    ----------
    frame : str
    score : float
        The highest passage score.
    stance : str or None
        The score-weighted vote of the passages that carry the frame; ``None`` when none does
        (or for a model without stances).
    stance_scores : dict of str to float, or None
        The vote's shares (they sum to 1).
    support : int
        Passages that carry the frame.
    mass : float
        Sum of the scores of the passages that carry the frame.
    top : int
        Index of the passage with the highest score (its evidence is the document's).
    dominant : bool
        Endorsed and carried by at least ``min_support(n_passages)`` passages.
    """

    frame: str
    score: float
    stance: str | None
    stance_scores: dict[str, float] | None
    support: int
    mass: float
    top: int
    dominant: bool


def combine(passages: Sequence[PassageResult], threshold: float | None = None) -> list[DocumentFrame]:
    """Every frame of a document from its classified passages, by the document rule.

    Parameters
    ----------
    passages : list of PassageResult
        The document's passages, classified with one threshold (at least one passage).
    threshold : float, optional
        Default: the passages' own threshold. A passage carries a frame when its score reaches it
        (and the passage is not flagged ``empty``).

    Returns
    -------
    list of DocumentFrame
        One per frame, in the order of the passages' frames.

    Examples
    --------
    >>> import framing
    >>> parts = framing.classify(["Soldiers opened fire on the peaceful rally and dozens were arrested.",
    ...                           "Witnesses said the troops shot at unarmed marchers.",
    ...                           "The weather stayed mild."])
    >>> doc = {d.frame: d for d in combine(parts)}
    >>> doc["repression"].support, doc["repression"].stance, doc["repression"].dominant
    (2, 'endorsed', True)
    >>> doc["stabilization"].stance is None
    True
    """
    if not passages:
        raise ValueError("combine needs at least one passage")
    thr = passages[0].threshold if threshold is None else threshold
    n = len(passages)
    frames = [p.frame for p in passages[0].frames]
    scores = np.array([[p.score for p in r.frames] for r in passages], dtype=np.float64)
    empty = np.array(["empty" in r.flags for r in passages])
    carries = (scores >= thr) & ~empty[:, None]
    stance_ids = list(passages[0].frames[0].stance_scores or {}) if frames else []
    if stance_ids:
        probs = np.array([[[pred.stance_scores[s] for s in stance_ids] for pred in r.frames] for r in passages])
    need = min_support(n)
    out = []
    for j, frame in enumerate(frames):
        voters = carries[:, j] if carries[:, j].any() else np.ones(n, dtype=bool)
        weights = scores[voters, j]
        stance = shares = None
        if stance_ids:
            votes = weights @ probs[voters, j] if weights.sum() > 0 else probs[voters, j].mean(axis=0)
            votes = votes / votes.sum()
            shares = dict(zip(stance_ids, votes.tolist()))
            if carries[:, j].any():
                stance = stance_ids[int(np.argmax(votes))]
        support = int(carries[:, j].sum())
        out.append(DocumentFrame(
            frame=frame, score=float(scores[:, j].max()), stance=stance, stance_scores=shares, support=support,
            mass=float(scores[carries[:, j], j].sum()), top=int(np.argmax(scores[:, j])),
            dominant=stance == "endorsed" and support >= need,
        ))
    return out


def document_result(text: str, passages: Sequence[PassageResult], threshold: float | None = None,
                    flags: tuple[str, ...] = ()) -> PassageResult:
    """One ``PassageResult`` for a whole document, by the document rule.

    Each frame's prediction has the document score, stance and stance scores of :func:`combine`,
    and the evidence of the passage that scores it highest. ``flags``: ``"empty"`` when every
    passage is empty, ``"low_coverage"`` when every passage is flagged, then the given ``flags``.

    Examples
    --------
    >>> import framing
    >>> parts = framing.classify(["Soldiers opened fire on the rally.", "The weather stayed mild."])
    >>> r = document_result("Soldiers opened fire on the rally.\\n\\nThe weather stayed mild.", parts)
    >>> r.labels, r["repression"].score == parts[0]["repression"].score
    (['repression'], True)
    """
    thr = passages[0].threshold if threshold is None else threshold
    combined = combine(passages, thr)
    preds = [FramePrediction(d.frame, d.score, d.stance, d.stance_scores, passages[d.top].frames[j].evidence
                             if d.support else ()) for j, d in enumerate(combined)]
    labels = [d.frame for d in sorted(combined, key=lambda d: -d.score) if d.support]
    own: tuple[str, ...] = ()
    if all("empty" in r.flags for r in passages):
        own = ("empty",)
    elif all(r.flags for r in passages):
        own = ("low_coverage",)
    return PassageResult(text=text, labels=labels, frames=preds, threshold=thr, flags=own + tuple(flags))


def read_as_articles(model: "FrameClassifier", texts: Sequence[str], results: list[PassageResult],
                     candidates: Any, threshold: float) -> None:
    """Replace, in ``results``, the result of every article-length text among ``candidates`` by its
    document result, flagged ``"article_length"`` (``classify`` calls this; see the module
    documentation).

    A candidate is read as an article when :func:`is_article` says so and it splits into more than
    one passage; the others keep their passage result.

    Examples
    --------
    >>> import framing
    >>> article = ("Soldiers opened fire on the peaceful rally and dozens were arrested. " * 20 + "\\n\\n") * 2
    >>> r = framing.classify(article)
    >>> r.flags, r.labels == framing.analyze(article).labels
    (('article_length',), True)
    """
    for i in np.asarray(candidates).tolist():
        parts = split_passages(texts[i]) if is_article(texts[i]) else []
        if len(parts) > 1:
            part_results = model.classify(parts, threshold=threshold)
            results[i] = document_result(texts[i], part_results, threshold, flags=("article_length",))
