"""Result objects: what ``classify`` and ``analyze`` return.

All are immutable, convert to plain JSON-serialisable dicts with ``to_dict()``, to pandas with
``to_frame()`` (pandas optional), and render as tables in Jupyter.
"""

from __future__ import annotations

import gc
import html
from contextlib import contextmanager
from itertools import repeat
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Sequence

__all__ = ["Evidence", "Sentence", "FramePrediction", "PassageResult", "FrameProfile", "DocumentResult",
           "require_pandas"]


@contextmanager
def gc_paused(n: int):
    """Pause the cyclic garbage collector while ``n`` (over 200) results or their dicts are built.

    Results are many small containers without reference cycles; on long lists the collector
    runs passes over them again and again (measured: 20-45% of building them). When the pause
    ends, every tracked object goes straight to the oldest generation (``gc.freeze()`` then
    ``gc.unfreeze()``, a constant-time move) instead of being traversed by the next young
    collection, which cost ~5% of ``classify(list)``. This is skipped when the program has
    frozen objects of its own (``gc.get_freeze_count()``), which unfreezing would release.

    Examples
    --------
    >>> with gc_paused(5000):
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    pause = n > 200 and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def require_pandas(what: str = "to_frame()"):
    """Import pandas, or raise an ImportError that names the extra to install (pandas is optional).

    Examples
    --------
    >>> require_pandas().__name__
    'pandas'
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(f'{what} needs pandas, which framing does not install by default; install it with: '
                          'pip install "framing[notebooks]" (or pip install pandas)') from exc
    return pd


class Evidence(NamedTuple):
    """A term or signal that pushed a score, with its contribution (in logit units).

    ``spans`` are the ``(start, end)`` character offsets of the words or marks it came from, in
    the text that was classified (the passage; the article for ``analyze``), as written there:
    ``text[start:end]``. ``None`` unless spans were asked for (``classify(..., spans=True)``); an
    empty tuple for a feature with no place in the text (a passage's length).
    """

    term: str
    weight: float
    spans: tuple[tuple[int, int], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"term", "weight"}``, and ``"spans"`` (a list of ``[start, end]``) when they were computed.

        Examples
        --------
        >>> Evidence("terrorist", 2.5, ((5, 15),)).to_dict()
        {'term': 'terrorist', 'weight': 2.5, 'spans': [[5, 15]]}
        """
        d: dict[str, Any] = {"term": self.term, "weight": round(self.weight, 4)}
        if self.spans is not None:
            d["spans"] = [[a, b] for a, b in self.spans]
        return d


class Sentence(NamedTuple):
    """The sentence that carries a frame most: its offsets and its own score for the frame.

    ``score`` is the calibrated probability the model gives the sentence alone for the frame.
    """

    start: int
    end: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "score": round(self.score, 6)}


class FramePrediction(NamedTuple):
    """The model's verdict on one frame for one passage.

    ``score`` is the calibrated probability that the passage carries the frame. ``stance`` is how
    the passage voices the frame, given only for the frames in ``labels`` (``None`` for the others,
    and for a model trained without stances), so filtering on a stance never counts a frame that
    was not detected. ``stance_scores`` are the stance model's probabilities for every frame, as if
    the passage carried it (``None`` without a stance model). ``evidence`` lists the
    features that raised the score most, for each labelled frame (empty for the others: use
    ``model.explain(text, frame)`` to see what moved any frame's score, up or down).

    With ``classify(..., spans=True)`` (and ``analyze(..., spans=True)``), each evidence item has
    its ``spans`` in the text, and each labelled frame names its strongest ``sentence`` and the
    ``stance_evidence``: the cues that moved its stance (attribution, quotation, scare quotes,
    negation, mockery, words...), each with its contribution to the chosen stance and its spans
    (words made only of function words are left out, as in ``evidence``).
    Both are ``None`` when spans were not asked for; for a frame that is not labelled,
    ``sentence`` is ``None`` and ``stance_evidence`` empty.
    """

    frame: str
    score: float
    stance: str | None
    stance_scores: dict[str, float] | None
    evidence: tuple[Evidence, ...] = ()
    sentence: Sentence | None = None
    stance_evidence: tuple[Evidence, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        scores = self.stance_scores
        out = {
            "frame": self.frame,
            "score": round(self.score, 6),
            "stance": self.stance,
            # map(round, ...) rounds in C; a dict comprehension costs a Python step per value
            "stance_scores": None if scores is None else dict(zip(scores, map(round, scores.values(), repeat(6)))),
        }
        if self.stance_evidence is None:  # spans not asked for: the hot path of classify_corpus
            out["evidence"] = [{"term": term, "weight": round(weight, 4)} for term, weight, _ in self.evidence]
            return out
        out["evidence"] = [e.to_dict() for e in self.evidence]
        out["sentence"] = None if self.sentence is None else self.sentence.to_dict()
        out["stance_evidence"] = [e.to_dict() for e in self.stance_evidence]
        return out


@dataclass(frozen=True)
class PassageResult:
    """Frames of one passage.

    Attributes
    ----------
    text : str
        The passage as given.
    labels : list of str
        Frames whose score reaches the threshold, best first.
    frames : list of FramePrediction
        One prediction per codebook frame, in codebook order.
    threshold : float
        The threshold that chose ``labels``.
    flags : tuple of str
        ``"empty"`` (no letters or digits: no labels, scores 0), ``"low_coverage"`` (under a fifth
        of the words are known to the model, as with non-English text, emoji or noise: read scores
        with care), ``"article_length"`` (``classify`` was given an article: it was split into
        passages and answered by the document rule of :mod:`framing.documents`; ``analyze`` shows
        the passages), ``"off_topic"`` (about something else than the codebook's crises: no frame).
    start, end : int or None
        For a passage of ``analyze(article)``: where it lies in the article. ``article[start:end]``
        is the passage as written there (``text`` is the same words with the white space
        collapsed). ``None`` for ``classify``.
    article : str or None
        The article of an ``analyze`` passage (the one string, shared by all its passages); the
        spans of its evidence are offsets into it.
    """

    text: str
    labels: list[str]
    frames: list[FramePrediction]
    threshold: float
    flags: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    article: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def _make(cls, text: str, labels: list[str], frames: list[FramePrediction], threshold: float,
              flags: tuple[str, ...] = ()) -> "PassageResult":
        """The batch path's constructor: the same object, built without the frozen dataclass's
        ``__init__``, which sets each field through ``object.__setattr__`` (~1 us a result)."""
        result = object.__new__(cls)
        result.__dict__.update(text=text, labels=labels, frames=frames, threshold=threshold, flags=flags)
        return result

    def __getitem__(self, frame: str) -> FramePrediction:
        for pred in self.frames:
            if pred.frame == frame:
                return pred
        raise KeyError(f"{frame!r} is not a frame of this model; frames: {[p.frame for p in self.frames]}")

    @property
    def stances(self) -> dict[str, str | None]:
        """Stance of each labelled frame, best first."""
        return {f: self[f].stance for f in self.labels}

    @property
    def has_spans(self) -> bool:
        """Whether the evidence carries its offsets (``classify(..., spans=True)``)."""
        return any(p.stance_evidence is not None for p in self.frames)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: text, labels, frames (and flags, threshold; ``start`` and ``end``
        for a passage of ``analyze``)."""
        out = {
            "text": self.text,
            "labels": list(self.labels),
            "frames": [p.to_dict() for p in self.frames],
            "threshold": self.threshold,
            "flags": list(self.flags),
        }
        if self.start is not None:
            out["start"], out["end"] = self.start, self.end
        return out

    def spans_frame(self):
        """One row per highlighted span (pandas DataFrame), for results with spans.

        Columns: ``frame``, ``kind`` (``"evidence"``, ``"stance"`` or ``"sentence"``), ``term``,
        ``weight`` (the contribution; the sentence's own score for ``"sentence"``), ``stance``,
        ``start``, ``end`` and ``surface``, the text as written there.
        """
        from .render import spans_table

        return spans_table([self])

    def to_frame(self):
        """One row per frame: score, stance, stance scores, whether labelled, top evidence (pandas)."""
        pd = require_pandas()

        rows = []
        for p in self.frames:
            row = {"frame": p.frame, "score": p.score, "label": p.frame in self.labels, "stance": p.stance}
            for k, v in (p.stance_scores or {}).items():
                row[f"p_{k}"] = v
            row["evidence"] = ", ".join(e.term for e in p.evidence)
            rows.append(row)
        return pd.DataFrame(rows).set_index("frame")

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}:{self[f].stance or '-'} ({self[f].score:.2f})" for f in self.labels) or "no frame"
        text = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"PassageResult({text!r} -> {shown})"

    def _repr_html_(self) -> str:
        from .render import passage_html

        return passage_html(self)


@dataclass(frozen=True)
class FrameProfile:
    """How one frame runs through a document.

    ``share``, ``mean_score``, ``max_score`` and ``stance_counts`` describe the passages;
    ``stance`` and ``stance_scores`` are the document's stance by the document rule of
    :mod:`framing.documents` (the score-weighted vote of the passages that carry the frame; ``None``
    when no passage carries it).
    """

    frame: str
    share: float
    mean_score: float
    max_score: float
    stance_counts: dict[str, int]
    stance: str | None = None
    stance_scores: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        scores = self.stance_scores
        return {"frame": self.frame, "share": round(self.share, 6), "mean_score": round(self.mean_score, 6),
                "max_score": round(self.max_score, 6), "stance_counts": dict(self.stance_counts),
                "stance": self.stance,
                "stance_scores": None if scores is None else {k: round(v, 6) for k, v in scores.items()}}


@dataclass(frozen=True)
class DocumentResult:
    """An article split into passages, each classified, with a frame/stance profile.

    Attributes
    ----------
    passages : list of PassageResult
        In reading order.
    profile : dict of str to FrameProfile
        Per frame: share of passages labelled with it, mean and max score, stance counts among
        the passages that carry it, and the document's stance.
    dominant : list of str
        The frames the document itself argues, by the document rule of :mod:`framing.documents`:
        the document stance is ``endorsed`` and at least two passages carry the frame (one in a
        document of one or two passages), so one stray passage cannot make a frame dominant.
        Ordered by score mass (sum of the scores of the passages that carry the frame).
    """

    passages: list[PassageResult]
    profile: dict[str, FrameProfile]
    dominant: list[str] = field(default_factory=list)

    @classmethod
    def from_passages(cls, passages: Sequence[PassageResult], frame_ids: Sequence[str],
                      stance_ids: Sequence[str]) -> "DocumentResult":
        from .documents import combine  # the document rule (a higher module: imported on use)

        n = len(passages)
        document = {d.frame: d for d in combine(passages)} if n else {}
        profile = {}
        for f in frame_ids:
            preds = [r[f] for r in passages]
            carriers = [r[f] for r in passages if f in r.labels]
            counts = {s: sum(1 for p in carriers if p.stance == s) for s in stance_ids}
            profile[f] = FrameProfile(
                frame=f,
                share=len(carriers) / n if n else 0.0,
                mean_score=sum(p.score for p in preds) / n if n else 0.0,
                max_score=max((p.score for p in preds), default=0.0),
                stance_counts=counts,
                stance=document[f].stance if n else None,
                stance_scores=document[f].stance_scores if n else None,
            )
        dominant = sorted((d for d in document.values() if d.dominant), key=lambda d: -d.mass)
        return cls(passages=list(passages), profile=profile, dominant=[d.frame for d in dominant])

    @property
    def labels(self) -> list[str]:
        """The document's frames: those carried by at least one passage (the labels of the document
        rule, :mod:`framing.documents`), by share then mean score."""
        found = [f for f, p in self.profile.items() if p.share > 0]
        return sorted(found, key=lambda f: (-self.profile[f].share, -self.profile[f].mean_score))

    def to_dict(self) -> dict[str, Any]:
        return {
            "passages": [p.to_dict() for p in self.passages],
            "profile": {f: p.to_dict() for f, p in self.profile.items()},
            "dominant": list(self.dominant),
        }

    def to_frame(self):
        """One row per frame of the profile (pandas DataFrame)."""
        pd = require_pandas()

        rows = []
        for f, p in self.profile.items():
            row = {"frame": f, "share": p.share, "mean_score": p.mean_score, "max_score": p.max_score,
                   "stance": p.stance, "dominant": f in self.dominant}
            row.update({f"n_{s}": c for s, c in p.stance_counts.items()})
            rows.append(row)
        return pd.DataFrame(rows).set_index("frame")

    def passages_frame(self):
        """One row per passage: text, labels, and each frame's score (pandas DataFrame)."""
        pd = require_pandas("passages_frame()")

        rows = []
        for i, r in enumerate(self.passages):
            row: dict[str, Any] = {"passage": i, "text": r.text, "labels": ", ".join(
                f"{f}:{r[f].stance}" if r[f].stance else f for f in r.labels)}
            row.update({p.frame: p.score for p in r.frames})
            rows.append(row)
        return pd.DataFrame(rows).set_index("passage")

    def spans_frame(self):
        """One row per highlighted span of every passage (pandas DataFrame), for ``analyze(...,
        spans=True)``: as ``PassageResult.spans_frame`` with a ``passage`` column; offsets are into
        the article."""
        from .render import spans_table

        return spans_table(self.passages, passage_column=True)

    def __repr__(self) -> str:
        return f"DocumentResult({len(self.passages)} passages; frames: {self.labels}; dominant: {self.dominant})"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(s)}</th>" for s in next(iter(self.profile.values())).stance_counts)
        rows = "".join(
            f"<tr><td>{html.escape(f)}</td><td>{p.share:.0%}</td><td>{p.mean_score:.2f}</td><td>{p.max_score:.2f}</td>"
            + "".join(f"<td>{c}</td>" for c in p.stance_counts.values()) + "</tr>"
            for f, p in sorted(self.profile.items(), key=lambda kv: -kv[1].share)
        )
        table = (f"<div><p>{len(self.passages)} passages; dominant endorsed frames: "
                 f"{html.escape(', '.join(self.dominant) or 'none')}</p><table><tr><th>frame</th><th>share</th>"
                 f"<th>mean</th><th>max</th>{head}</tr>{rows}</table></div>")
        if self.passages and self.passages[0].has_spans:  # analyze(..., spans=True): the article, highlighted
            from .render import document_html

            return document_html(self) + table
        return table
