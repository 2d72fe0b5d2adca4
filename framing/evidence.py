"""Evidence in the text: where the words that moved a frame's score and stance are.

``classify(..., spans=True)`` and ``analyze(..., spans=True)`` call :func:`with_spans` after the
usual prediction, for the labelled frames only:

* every evidence item (a feature of the frame model) gets the offsets of its occurrences: a word
  or word pair where it is written, a codebook cue or stance-lexicon class at each of its terms, a
  quotation or scare quotation with its quote marks, each question or exclamation mark;
* the frame names its strongest sentence: the sentence the frame model scores highest for it
  alone, with that score;
* the stance gets its own evidence: the stance model's inputs grouped into cues (each lexicon
  class such as attribution, negation or mockery; quotation; scare quotes; questions;
  exclamations; the frame's cues; single words), each with its contribution to the chosen stance
  (its weight for that stance minus its mean weight over the stances, times its value) and its
  spans. The contributions of every input, plus the intercept, add up to the chosen stance's
  logit minus the mean logit (``tests/test_spans.py``).

Offsets point into the text as it was given (:mod:`framing.spans` traces them through
normalisation), so ``text[start:end]`` is the evidence as written. Nothing here runs unless asked
for: ``classify`` without ``spans`` is unchanged.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .features import EXTRAS, SCARE_PREFIX
from .model import _rank_in_group
from .results import Evidence, FramePrediction, PassageResult, Sentence
from .spans import PassageTokens, align_passages, merge_spans, passage_tokens

__all__ = ["with_spans", "place_in_article", "stance_breakdown"]

# Names of the extras (framing.features.EXTRAS) as evidence; the length has no place in the text.
_EXTRA_NAMES = {"log_words": "[length]", "quoted_share": "[quotation]", "scare_quotes": "[scare_quotes]",
                "questions": "[questions]", "exclamations": "[exclamations]"}
_EXTRA_BY_NAME = {name: extra for extra, name in _EXTRA_NAMES.items()}


class _Index:
    """What a model's feature columns stand for, in terms of tokens (built once per vocabulary)."""

    def __init__(self, model: Any):
        vec = model.vectorizer_
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        self.n_terms = len(terms)
        self.keys = [self._parse(t) for t in terms]
        self.by_name = {name: col for col, name in enumerate(model.feature_names_)}
        groups = model._term_groups()  # (vocabulary, frames + lexicon classes), 0/1
        self.groups = [self._key_set(np.flatnonzero(groups[:, g])) for g in range(groups.shape[1])]
        self.frames = list(model.classes_)
        self.lexicon = list(model.lexicon_classes_)
        self._columns: dict[int, Any] = {}

    @staticmethod
    def _parse(term: str) -> tuple[str, ...]:
        if term.startswith(SCARE_PREFIX):
            return ("scare", term[len(SCARE_PREFIX):])
        parts = term.split(" ")
        return ("pair", parts[0], parts[1]) if len(parts) == 2 else ("word", parts[0])

    def _key_set(self, columns: np.ndarray) -> tuple[frozenset, frozenset, frozenset]:
        words, scare, pairs = set(), set(), set()
        for col in columns.tolist():
            key = self.keys[col]
            (pairs.add(key[1:]) if key[0] == "pair" else (scare if key[0] == "scare" else words).add(key[1]))
        return frozenset(words), frozenset(scare), frozenset(pairs)

    def column_keys(self, col: int) -> tuple[frozenset, frozenset, frozenset] | str:
        """The token keys of a frame-model feature column, or the name of its extra."""
        found = self._columns.get(col)
        if found is None:
            found = self._columns[col] = self._column_keys(col)
        return found

    def _column_keys(self, col: int) -> tuple[frozenset, frozenset, frozenset] | str:
        if col < self.n_terms:
            key = self.keys[col]
            if key[0] == "pair":
                return frozenset(), frozenset(), frozenset([key[1:]])
            return (frozenset([key[1]]), frozenset(), frozenset()) if key[0] == "word" else \
                (frozenset(), frozenset([key[1]]), frozenset())
        group = col - self.n_terms
        if group < len(self.groups):
            return self.groups[group]
        return EXTRAS[group - len(self.groups)]


def _index(model: Any) -> _Index:
    cached = model.__dict__.get("_spans_cache")
    if cached is None or cached[0] is not model.vectorizer_ or cached[1] is not model.coef_:
        cached = (model.vectorizer_, model.coef_, _Index(model))
        model.__dict__["_spans_cache"] = cached
    return cached[2]


def _occurrences(tokens: PassageTokens, keys: tuple[frozenset, frozenset, frozenset]) -> tuple[tuple[int, int], ...]:
    """Offsets of every occurrence of the words, scare-quoted words and word pairs in ``keys``
    (overlapping occurrences merged into one phrase)."""
    words, scare, pairs = keys
    by_stem, by_pair = tokens.positions()
    starts, ends = tokens.starts, tokens.ends
    found = [(starts[k], ends[k]) for stem in (words & by_stem.keys() if len(words) > 4 else words)
             for k in by_stem.get(stem, ())]
    if scare:
        found += [(starts[k], ends[k]) for stem in scare for k in by_stem.get(stem, ()) if tokens.scare[k]]
    if pairs:
        found += [(starts[k], ends[k + 1]) for pair in (pairs & by_pair.keys() if len(pairs) > 4 else pairs)
                  for k in by_pair.get(pair, ())]
    return merge_spans(found)


def _extra_spans(tokens: PassageTokens, extra: str) -> tuple[tuple[int, int], ...]:
    if extra == "quoted_share":
        return merge_spans([(a, b) for kind, a, b in tokens.quotations if kind == "quotation"])
    if extra == "scare_quotes":
        return merge_spans([(a, b) for kind, a, b in tokens.quotations if kind == "scare"])
    if extra in ("questions", "exclamations"):
        return merge_spans(tokens.marks["?" if extra == "questions" else "!"])
    return ()


def _name_spans(index: _Index, tokens: PassageTokens, name: str, frame: str) -> tuple[tuple[int, int], ...]:
    """Spans of a stance cue, by its name (see ``_stance_names``)."""
    if name.startswith("[signal: "):
        return _occurrences(tokens, index.groups[len(index.frames) + index.lexicon.index(name[9:-1])])
    if name.startswith("[cues: "):
        return _occurrences(tokens, index.groups[index.frames.index(frame)])
    extra = _EXTRA_BY_NAME.get(name)
    if extra is not None:
        return _extra_spans(tokens, extra)
    return ()


def _feature_spans(index: _Index, tokens: PassageTokens, term: str) -> tuple[tuple[int, int], ...]:
    col = index.by_name.get(term)
    if col is None:
        return ()
    keys = index.column_keys(col)
    return _extra_spans(tokens, keys) if isinstance(keys, str) else _occurrences(tokens, keys)


# ------------------------------------------------------------------------------------------
# The stance model's inputs, grouped into cues
# ------------------------------------------------------------------------------------------

def _stance_names(model: Any, index: _Index, feats: dict[str, Any]) -> list[str | None]:
    """The cue name of each dense stance column (``model._stance_blocks`` order); ``"{frame}"``
    stands for the pair's frame; ``None`` for the frame's own intercept (the one-hot block)."""
    first = 0 if getattr(model, "stance_layout_", 3) == 1 else 1
    signals = [f"[signal: {c}]" for c in index.lexicon]
    extras = [_EXTRA_NAMES[e] for e in EXTRAS[first:]]
    by_block = {"signals": signals, "focus_signals": signals, "extras": extras, "focus_extras": extras,
                "cues": ["[cues: {frame}]"], "quoted_cues": ["[quotation]"], "scare_cues": ["[scare_quotes]"],
                "quoted_share": ["[quotation]"], "frame": [None] * len(index.frames),
                "frame_x_focus_signals": signals * len(index.frames)}
    names: list[str | None] = []
    for name, _ in model._stance_blocks(feats):
        names += by_block[name]
    return names


_INTERCEPT = "[intercept]"


def _stance_parts(model: Any, feats: dict[str, Any], rows: np.ndarray, cols: np.ndarray, stances: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The stance model's inputs of each (passage, frame) pair, as contributions to the given
    stance's centred logit (its logit minus the mean logit over the stances).

    The same linear model as ``model._stance_matrix(...) @ model.stance_coef_.T``, taken apart the
    way ``model._stance_proba`` computes it: the passage's words, each with its shared and its
    frame's own weights, and the dense inputs summed into named cues.

    Returns
    -------
    word_pair, word_column, word_value : ndarray
        One entry per word of each pair's passage: the pair, the vocabulary column, the contribution.
    cue_value : ndarray of shape (n_pairs, n_cues)
        The contribution of each named cue; the last cue is ``"[intercept]"`` (the intercept and
        the frame's own weight).
    cue_names : list of str
        ``"{frame}"`` in a name stands for the pair's frame.
    """
    index = _index(model)
    weights = model._weights()
    n_frames, n_stances = len(model.classes_), len(model.stances_)
    tf = feats["tf_p"][rows]
    word_pair = np.repeat(np.arange(len(rows)), np.diff(tf.indptr))
    by_frame = weights["stance_words_by_frame"].reshape(-1, n_frames, n_stances)  # (V, F, S)
    w = by_frame[tf.indices, cols[word_pair], :]
    word_value = tf.data * (w[np.arange(len(w)), stances[word_pair]] - w.mean(axis=1))
    dense_names = _stance_names(model, index, feats)
    cue_names = sorted({n for n in dense_names if n is not None}) + [_INTERCEPT]
    number = {n: i for i, n in enumerate(cue_names)}
    groups = np.zeros((len(dense_names), len(cue_names)))
    groups[np.arange(len(dense_names)), [number[_INTERCEPT if n is None else n] for n in dense_names]] = 1.0
    w_dense = model.signal_weight * weights["stance_dense_t"]  # (D, S)
    centred = (w_dense - w_dense.mean(axis=1, keepdims=True))[:, stances].T  # (P, D)
    cue_value = (model._stance_dense(feats, rows, cols) * centred) @ groups
    cue_value[:, -1] += (model.stance_intercept_ - model.stance_intercept_.mean())[stances]
    return word_pair, tf.indices, word_value, cue_value, cue_names


def _cue_name(name: str, frame: str) -> str:
    return name.format(frame=frame) if "{" in name else name


def stance_breakdown(model: Any, feats: dict[str, Any], rows: np.ndarray, cols: np.ndarray,
                     stances: np.ndarray) -> list[dict[str, float]]:
    """For each (passage, frame, stance) of ``zip(rows, cols, stances)``: the contribution of every
    stance cue to that stance's logit minus the mean logit over the stances.

    Words appear under their display name, grouped cues under their name (``"[signal:
    negation]"``, ``"[quotation]"``, ``"[cues: <frame>]"``...), and ``"[intercept]"`` holds the
    intercept and the frame's own weight; the values add up to the centred logit.
    """
    word_pair, word_column, word_value, cue_value, cue_names = _stance_parts(model, feats, rows, cols, stances)
    frames, display = list(model.classes_), model.vectorizer_.display_
    out = [{_cue_name(n, frames[cols[p]]): v for n, v in zip(cue_names, row)} for p, row in enumerate(cue_value.tolist())]
    for p, c, v in zip(word_pair.tolist(), word_column.tolist(), word_value.tolist()):
        out[p][display[c]] = out[p].get(display[c], 0.0) + v
    return out


def _top_cues(model: Any, feats: dict[str, Any], rows: np.ndarray, cols: np.ndarray, stances: np.ndarray,
              k: int) -> list[list[tuple[str, float]]]:
    """The ``k`` cues that moved each pair's stance most towards it (positive contributions, the
    intercept left out), largest first; ties: grouped cues by name, then words by vocabulary
    column. Words made only of function words are not shown, as in the frame evidence (they still
    count in the model)."""
    word_pair, word_column, word_value, cue_value, cue_names = _stance_parts(model, feats, rows, cols, stances)
    shown = model._evidence_mask()[word_column] > 0
    word_pair, word_column, word_value = word_pair[shown], word_column[shown], word_value[shown]
    n_cues = len(cue_names) - 1  # without the intercept
    cue_pair, cue_number = np.nonzero(cue_value[:, :n_cues] > 0)
    pair = np.concatenate([cue_pair, word_pair])
    item = np.concatenate([cue_number, n_cues + word_column])  # cues first, then words
    value = np.concatenate([cue_value[cue_pair, cue_number], word_value])
    keep = value > 0
    pair, item, value = pair[keep], item[keep], value[keep]
    if not len(value):
        return [[] for _ in range(len(rows))]
    # One stable sort: pairs in order and, within a pair, the largest value first (as in
    # FrameClassifier._evidence); equal values keep the input order, cues before words.
    order = np.argsort(2.0 * pair - value / value.max(), kind="stable")
    pair, item, value = pair[order], item[order], value[order]
    top = _rank_in_group(pair) < k
    frames, display = list(model.classes_), model.vectorizer_.display_
    out: list[list[tuple[str, float]]] = [[] for _ in range(len(rows))]
    for p, i, v in zip(pair[top].tolist(), item[top].tolist(), value[top].tolist()):
        out[p].append((_cue_name(cue_names[i], frames[cols[p]]) if i < n_cues else display[i - n_cues], v))
    return out


# ------------------------------------------------------------------------------------------
# Putting it together
# ------------------------------------------------------------------------------------------

def with_spans(model: Any, texts: Sequence[str], results: list[PassageResult], arrays: dict[str, Any]
               ) -> list[PassageResult]:
    """``results`` (one batch of ``model.classify``) with the evidence placed in ``texts``.

    ``arrays`` is what ``model._predict_arrays(texts)`` returned for the batch.
    """
    index = _index(model)
    feats = arrays["feats"]
    starts = feats["batch"].starts
    n_sent = feats["batch"].counts.shape[0]
    ends = np.append(starts[1:], n_sent)
    pairs = [(i, index.frames.index(f)) for i, r in enumerate(results) for f in r.labels]
    if pairs:
        z = model._sentence_decision(feats)
        sentence_score = model._calibrate(z)
    k = int(model.evidence_size)
    cues: dict[tuple[int, int], list[tuple[str, float]]] = {}
    if pairs and len(model.stances_) and k:
        rows, cols = np.array(pairs).T
        chosen = arrays["stance"][rows, cols].argmax(axis=1)
        cues = dict(zip(pairs, _top_cues(model, feats, rows, cols, chosen, k)))
    out = []
    for i, (text, result) in enumerate(zip(texts, results)):
        tokens = passage_tokens(model.vectorizer_, text) if result.labels else None
        frames = []
        for j, pred in enumerate(result.frames):
            if tokens is None or pred.frame not in result.labels:
                frames.append(pred._replace(stance_evidence=()))
                continue
            evidence = tuple(Evidence(e.term, e.weight, _feature_spans(index, tokens, e.term)) for e in pred.evidence)
            sentence = None
            if len(tokens.sentences) == ends[i] - starts[i]:
                best = starts[i] + int(np.argmax(z[starts[i] : ends[i], j]))
                sentence = Sentence(*tokens.sentences[best - starts[i]], float(sentence_score[best, j]))
            stance_evidence = tuple(
                Evidence(name, value, _name_spans(index, tokens, name, pred.frame) if name.startswith("[")
                         else _feature_spans(index, tokens, name))
                for name, value in cues.get((i, j), ()))
            frames.append(pred._replace(evidence=evidence, sentence=sentence, stance_evidence=stance_evidence))
        out.append(PassageResult._make(result.text, result.labels, frames, result.threshold, result.flags))
    return out


def place_in_article(results: list[PassageResult], article: str) -> list[PassageResult]:
    """The passages of ``analyze(article)`` with their ``start``, ``end`` and ``article``; offsets of
    evidence computed on the passages are moved into the article."""
    located = align_passages(article, [r.text for r in results], words=any(r.has_spans for r in results))
    out = []
    for r, where in zip(results, located):
        frames = r.frames
        if where is not None and r.has_spans:
            move = where.to_article
            frames = [_moved(p, move) for p in frames]
        placed = PassageResult._make(r.text, r.labels, frames, r.threshold, r.flags)
        placed.__dict__.update(start=None if where is None else where.start, end=None if where is None else where.end,
                               article=article)
        out.append(placed)
    return out


def _moved(pred: FramePrediction, move: Any) -> FramePrediction:
    if pred.stance_evidence is None or pred.sentence is None and not pred.evidence and not pred.stance_evidence:
        return pred

    def items(evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        return tuple(Evidence(e.term, e.weight, None if e.spans is None else tuple(move(a, b) for a, b in e.spans))
                     for e in evidence)

    sentence = pred.sentence
    if sentence is not None:
        sentence = Sentence(*move(sentence.start, sentence.end), sentence.score)
    return pred._replace(evidence=items(pred.evidence), sentence=sentence, stance_evidence=items(pred.stance_evidence))
