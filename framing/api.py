"""The one-call front door: ``classify``, ``analyze``, ``codebook`` over a lazily loaded default model."""

from __future__ import annotations

import os
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from .codebooks import Codebook, default_codebook
from .deprecation import looks_like_model
from .errors import InputTypeError
from .model import FrameClassifier
from .persist import load_model
from .results import DocumentResult, PassageResult

__all__ = ["classify", "analyze", "codebook", "default_model", "default_model_path", "resolve_model"]

_LOCK = threading.Lock()
_MODEL: FrameClassifier | None = None
_LOADED: dict[tuple[str, int, int], FrameClassifier] = {}  # models loaded from a path, by file state


def default_model_path() -> Path:
    """Directory of the shipped default model (inside the installed package).

    Examples
    --------
    >>> (default_model_path() / "manifest.json").is_file()
    True
    """
    try:
        return Path(str(resources.files("framing.models").joinpath("default")))
    except ModuleNotFoundError:  # running from a source tree that was not installed
        return Path(__file__).resolve().parent.parent / "models" / "default"


def default_model() -> FrameClassifier:
    """The shipped default model, loaded on first use and cached (thread-safe).

    Set the environment variable ``FRAMING_MODEL`` to a model directory to use another model as
    the default.

    Examples
    --------
    >>> default_model().classes_[:2].tolist()
    ['foreign_interference', 'color_revolution']
    """
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = load_model(os.environ.get("FRAMING_MODEL") or default_model_path())
    return _MODEL


def resolve_model(model: Any) -> Any:
    """The model that ``model=`` names: ``None`` is the default model, a path is a model directory
    (loaded once and cached while its manifest is unchanged), a fitted model is itself.

    Raises
    ------
    InputTypeError
        For anything else, saying what was expected and what arrived.
    ModelFileError
        For a path that is not a framing model directory.

    Examples
    --------
    >>> resolve_model(None) is default_model()
    True
    >>> resolve_model(default_model_path()).classes_.tolist() == default_model().classes_.tolist()
    True
    >>> resolve_model(42)
    Traceback (most recent call last):
    ...
    framing.errors.InputTypeError: model must be a fitted FrameClassifier, a model directory (str or path) or None; got int
    """
    if model is None:
        return default_model()
    if isinstance(model, (str, os.PathLike)):
        directory = Path(model)
        try:
            info = (directory / "manifest.json").stat()
        except OSError:
            return load_model(directory)  # raises the ModelFileError that says what is wrong
        key = (str(directory.resolve()), info.st_mtime_ns, info.st_size)
        with _LOCK:
            cached = _LOADED.get(key)
        if cached is None:
            cached = load_model(directory)
            with _LOCK:
                if len(_LOADED) >= 4:
                    _LOADED.pop(next(iter(_LOADED)))
                _LOADED[key] = cached
        return cached
    if not (isinstance(model, FrameClassifier) or looks_like_model(model)):  # an unfitted one says so itself
        raise InputTypeError(f"model must be a fitted FrameClassifier, a model directory (str or path) or None; "
                             f"got {type(model).__name__}")
    return model


def classify(texts: str | Sequence[str], *, threshold: float | None = None,
             model: FrameClassifier | str | os.PathLike | None = None, spans: bool = False
             ) -> PassageResult | list[PassageResult]:
    """Which frames a passage carries, with stance, score and evidence for each.

    Parameters
    ----------
    texts : str or list of str
        One passage gives one ``PassageResult``; a list gives a list in the same order.
    threshold : float, optional
        Calibrated probability at which a frame is labelled (default: the model's own, 0.3 for
        the shipped model, chosen on the corpus's dev events).
    model : FrameClassifier or path, optional
        A model of your own (from ``framing.train`` or ``framing.load_model``), or the directory
        of a saved model; default: the shipped model.
    spans : bool, default=False
        Place the evidence in the text: each evidence item gets ``spans`` (``(start, end)``
        offsets into the passage as given), each labelled frame its strongest ``sentence`` and
        its ``stance_evidence`` (the cues behind its stance). Costs time; off by default.

    Returns
    -------
    PassageResult or list of PassageResult

    Examples
    --------
    >>> import framing
    >>> r = framing.classify("Soldiers opened fire on the peaceful rally and dozens were arrested.")
    >>> r.labels
    ['repression']
    >>> r["repression"].stance
    'endorsed'
    >>> 0.0 <= r["repression"].score <= 1.0
    True
    >>> [len(x.labels) for x in framing.classify(["", "The weather was mild."])]
    [0, 0]
    >>> text = "Soldiers opened fire on the peaceful rally."
    >>> r = framing.classify(text, spans=True)
    >>> [(e.term, [text[a:b] for a, b in e.spans]) for e in r["repression"].evidence[:2]]
    [('soldiers open', ['Soldiers opened']), ('[cues: repression]', ['opened fire'])]
    """
    return resolve_model(model).classify(texts, threshold=threshold, spans=spans)


def analyze(text: str, *, threshold: float | None = None, model: FrameClassifier | str | os.PathLike | None = None,
            max_words: int = 150, window: int = 4, spans: bool = False) -> DocumentResult:
    """Split an article into passages, classify each, and profile frames and stances.

    Paragraphs (blank-line separated) are passages; a paragraph longer than ``max_words`` is cut
    into windows of up to ``window`` sentences. ``model`` is as for :func:`classify`. The
    document's stances and ``dominant`` frames follow the document rule of
    :mod:`framing.documents`. Every passage has its ``start`` and ``end`` in the article
    (``text[start:end]`` is the passage as written); with ``spans=True`` the evidence carries
    offsets into the article too, and the result renders in Jupyter as the article with its
    evidence highlighted.

    Examples
    --------
    >>> import framing
    >>> doc = framing.analyze("Fuel prices doubled overnight and the oil towns rose against the "
    ...     "ruling clan.\\n\\nThe weather stayed cold.")
    >>> len(doc.passages), doc.dominant
    (2, ['popular_revolt'])
    """
    return resolve_model(model).analyze(text, threshold=threshold, max_words=max_words, window=window,
                                        spans=spans)


def codebook() -> Codebook:
    """The default codebook: frame ids, names, definitions and cues, and the three stances.

    Examples
    --------
    >>> import framing
    >>> [f.id for f in framing.codebook()][:3]
    ['foreign_interference', 'color_revolution', 'popular_revolt']
    """
    return default_codebook()
