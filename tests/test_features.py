"""The batch fast paths against their plain definitions.

``fit`` learns the vocabulary from ``_stems``, sentence by sentence; ``transform`` takes a faster
route (one dict lookup per raw token, then numpy over the batch). Here the definition is written
out once more, slowly, and both must give the same matrices: on the packaged corpus, on text
built to hit every branch, and on random text. Evidence (top contributions per labelled frame,
found for a whole batch at once) is checked the same way.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import framing
from framing.corpus import load_corpus
from framing.features import SCARE_PREFIX, TextVectorizer
from framing.text import normalize, split_sentences

TRICKY = [
    "",
    "   ",
    "x" * 50 + " word " + "y" * 41,
    "The so-called 'terrorists' were students, the CS-TO said; rock'n'roll and the U.S.'s e-mail's 'n' stayed.",
    'He said "foreign-trained provocateurs staged the riots" and left. "Agents," she said. "Paid agents."',
    "Guaidó's pro-Kremlin \u201cso-called\u201d \u2018revolution\u2019?! Really?! Σ ΣΑΣ тест-тест ﬁnancial ① ½ 東京",
    "Fuel prices rose.\n\nThe oil towns struck! Did the police fire? Yes. Gen. Petrov denied it on Jan. 9.",
    "She wrote: 'we will never, ever, under any circumstances leave this square to them' and went home.",
    "pro--government -- the 'color' revolution's 'handlers' \"\" '' \"a\" 'b' - - -",
]


def reference(vec: TextVectorizer, texts: list[str]):
    """Counts, quoted counts, extras, tokens and known words per sentence, by the definition."""
    vocab = vec.vocabulary_
    counts, quoted_counts, extras, n_tokens, n_known = [], [], [], [], []
    for text in texts:
        for sentence in split_sentences(normalize(text)) or [""]:
            stems, quoted, scare, _ = vec._stems(sentence)
            quoted = quoted or [False] * len(stems)
            scare = scare or [False] * len(stems)
            pairs = list(zip(stems, stems[1:]))
            both = [a and b for a, b in zip(quoted, quoted[1:])]
            c = Counter(vocab[s] for s in stems if s in vocab)
            c.update(vocab[f"{a} {b}"] for a, b in pairs if f"{a} {b}" in vocab)
            c.update(vocab[SCARE_PREFIX + s] for s, f in zip(stems, scare) if f and SCARE_PREFIX + s in vocab)
            q = Counter(vocab[s] for s, f in zip(stems, quoted) if f and s in vocab)
            q.update(vocab[f"{a} {b}"] for (a, b), f in zip(pairs, both) if f and f"{a} {b}" in vocab)
            counts.append(c)
            quoted_counts.append(q)
            n = len(stems)
            extras.append([math.log1p(n), sum(quoted) / n if n else 0.0, math.log1p(sum(scare)),
                           math.log1p(sentence.count("?")), math.log1p(sentence.count("!"))])
            n_tokens.append(n)
            n_known.append(sum(s in vocab for s in stems))
    return counts, quoted_counts, np.array(extras), n_tokens, n_known


def assert_same(vec: TextVectorizer, texts: list[str]) -> None:
    batch = vec.transform(texts)
    counts, quoted, extras, n_tokens, n_known = reference(vec, texts)
    per_passage = [len(split_sentences(normalize(t)) or [""]) for t in texts]
    owner = [p for p, k in enumerate(per_passage) for _ in range(k)]
    counts_p, quoted_p = [Counter() for _ in texts], [Counter() for _ in texts]
    for i, p in enumerate(owner):
        counts_p[p].update(counts[i])
        quoted_p[p].update(quoted[i])
    assert batch.counts.shape[0] == len(counts) and batch.n_passages == len(texts)
    for got, want in ((batch.counts, counts), (batch.counts_p, counts_p), (batch.quoted_p, quoted_p)):
        assert got.has_canonical_format and got.shape[0] == len(want)
        for i, row in enumerate(want):
            lo, hi = got.indptr[i], got.indptr[i + 1]
            assert dict(zip(got.indices[lo:hi].tolist(), got.data[lo:hi].tolist())) == row, (i, texts)
    np.testing.assert_allclose(batch.extras, extras.reshape(-1, 5))
    assert batch.n_tokens.tolist() == n_tokens and batch.n_known.tolist() == n_known
    assert batch.owner.tolist() == owner


@contextmanager
def tokens_by(path: str):
    """Send every batch to one token path of ``transform``: numpy, or a dict lookup per token."""
    import framing.features as features

    saved = features._NUMPY_FROM
    features._NUMPY_FROM = 0 if path == "numpy" else 10**12
    try:
        yield
    finally:
        features._NUMPY_FROM = saved


def test_transform_matches_the_definition_on_the_corpus():
    vec = framing.default_model().vectorizer_
    texts = [r.text for r in load_corpus()]
    assert_same(vec, texts[:2500])
    assert_same(vec, texts[2500:])


@pytest.mark.parametrize("path", ["numpy", "dict"])
def test_transform_matches_the_definition_on_tricky_text(path):
    vec = framing.default_model().vectorizer_
    with tokens_by(path):
        assert_same(vec, TRICKY)
        for text in TRICKY:  # one at a time too: nothing depends on the rest of the batch
            assert_same(vec, [text])
        assert_same(vec, [])


@pytest.mark.parametrize("path", ["numpy", "dict"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_transform_matches_the_definition_for_a_small_vocabulary(ngram_range, path):
    vec = TextVectorizer(min_df=1, ngram_range=ngram_range, forced_terms=["so-called", "at the request of"])
    vec.fit(TRICKY + ["The 'terrorists' came. Foreign-trained agents came.", "Nothing here."])
    with tokens_by(path):
        assert_same(vec, TRICKY)


_ALPHABET = st.sampled_from(list("aAbeéiostT -'\"\u2019\u201c\u201d.,!?\n") + ["the ", "so-called ", "Ünï", "тест", "x" * 45])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_ALPHABET, max_size=40).map("".join), min_size=1, max_size=4))
def test_transform_matches_the_definition_on_random_text(texts):
    for path in ("numpy", "dict"):
        with tokens_by(path):
            assert_same(framing.default_model().vectorizer_, texts)


def test_evidence_matches_the_definition():
    model = framing.default_model()
    texts = [r.text for r in load_corpus()][:600] + TRICKY
    results = model.classify(texts)
    X = model._features(model.vectorizer_.transform(texts))["X"]
    names, shown = model.feature_names_, model._evidence_mask()
    checked = 0
    for i, result in enumerate(results):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        for pred in result.frames:
            if pred.frame not in result.labels:
                assert pred.evidence == ()
                continue
            j = model.codebook_.index(pred.frame)
            contrib = X.data[lo:hi] * shown[X.indices[lo:hi]] * model.coef_[j, X.indices[lo:hi]]
            top = np.argsort(-contrib, kind="stable")[: model.evidence_size]
            want = [(names[X.indices[lo + t]], contrib[t]) for t in top if contrib[t] > 0]
            assert [e.term for e in pred.evidence] == [n for n, _ in want]
            np.testing.assert_allclose([e.weight for e in pred.evidence], [v for _, v in want], rtol=1e-12)
            checked += 1
    assert checked > 500


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 4)), max_size=80), st.integers(1, 6))
def test_evidence_prefilter_keeps_the_top_values_of_each_group(items, k):
    from framing.model import _may_be_top

    items.sort(key=lambda item: item[0])  # grouped; small integer values make many ties
    group = np.array([g for g, _ in items], dtype=np.int64)
    value = np.array([v for _, v in items], dtype=float)
    mask = _may_be_top(group, value, k)
    for g in set(group.tolist()):
        idx = np.flatnonzero(group == g)
        kth = np.sort(value[idx])[::-1][min(k, len(idx)) - 1]
        assert mask[idx[value[idx] >= kth]].all()  # the top k and every tie with the k-th


def test_matrices_built_without_scipy_checks_equal_checked_ones(monkeypatch):
    import framing.features as features

    model = framing.default_model()
    texts = TRICKY + [r.text for r in load_corpus()][:50]
    fast = model._predict_arrays(texts)
    monkeypatch.setattr(features, "_FAST_CSR", False)
    checked = model._predict_arrays(texts)
    assert type(fast["X"]) is type(checked["X"])
    assert (fast["X"] != checked["X"]).nnz == 0 and fast["X"].indices.dtype == checked["X"].indices.dtype
    np.testing.assert_array_equal(fast["proba"], checked["proba"])
    np.testing.assert_array_equal(fast["stance"], checked["stance"])


def test_threads_sharing_a_model_get_the_results_of_running_alone(monkeypatch):
    """Token codes are assigned on first sight and the cache starts afresh when full: threads
    classifying at once must not get each other's codes (a small cache limit forces fresh
    tables mid-run)."""
    import threading

    import framing.features as features

    monkeypatch.setattr(features, "_CACHE_LIMIT", 300)
    texts = [r.text for r in load_corpus()][:400] + TRICKY
    chunks = [texts[i::4] for i in range(4)]
    alone = [[r.to_dict() for r in framing.load_model(framing.api.default_model_path()).classify(c, batch_size=7)]
             for c in chunks]
    shared = framing.load_model(framing.api.default_model_path())  # cold caches
    got: dict[int, list] = {}

    def work(i: int) -> None:
        got[i] = [r.to_dict() for r in shared.classify(chunks[i], batch_size=7)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(4)] == alone


_CHUNK_TEXT = st.lists(st.sampled_from(["a", "z", "0", "9", "-", "'", " ", ".", "\0", "\1", "\2", "\3", "\4", "troops",
                                        "q" * 8, "w" * 9, "e" * 16, "r" * 17, "so-called", "'s", "--",
                                        # known words of 8-16 letters and near misses that differ in the last byte
                                        "revolution", "revolutiox", "interference", "interferencx", "protests", "protestx",
                                        "demonstrators", "demonstratorx"]),
                       max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CHUNK_TEXT, min_size=1, max_size=3))
@example(["revolution revolutiox protests protestx interference interferencx " + "r" * 17 + " " + "r" * 16])
def test_token_codes_in_numpy_equal_a_lookup_per_token(texts):
    from framing.features import _ascii_codes, _token_codes

    vec = framing.default_model().vectorizer_
    table = vec._lookup()._table.__class__(vec._lookup())  # a fresh table: every chunk is new at first
    for text in texts * 2:  # then seen again
        assert _ascii_codes(text, table).tolist() == _token_codes(re.split("([\0-\4])", text), table).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aé \n-:", max_size=12), max_size=8))
def test_split_terms_equals_one_split_per_term(terms):
    from framing.features import split_terms

    parts, first, n_parts = split_terms(terms)
    assert n_parts.tolist() == [len(t.split(" ")) for t in terms]
    assert [parts[a:a + n] for a, n in zip(first.tolist(), n_parts.tolist())] == [t.split(" ") for t in terms]
