"""Evidence with character offsets: every span points at what the model read, in the text as written.

The round trip: for every span of every labelled frame, ``text[start:end]``, read again by the
model's own tokeniser, gives back exactly the evidence (its word, its word pair, a term of its cue
group, a quotation, a question mark...). Checked on the whole packaged corpus and on hostile text.
"""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
from framing.corpus import load_corpus
from framing.errors import NoSpansError
from framing.evidence import _index, stance_breakdown
from framing.spans import _replay, align_passages, passage_tokens, text_map
from framing.text import fold_accents, normalize, split_passages, split_sentences

HOSTILE = [
    "<p>Officials called them <b>&ldquo;terror&shy;ists&rdquo;</b> &amp; said they were trained&nbsp;abroad.</p>"
    "<script>alert('foreign agents')</script>",
    "The govern-\nment blamed foreign-trained provo- cateurs; collea- gues of the strikers said the so\u2011called "
    "\u2018terrorists\u2019 were oil workers demanding lower fuel prices.",
    "Guaidó’s supporters — “peaceful protesters”, not ‘bandits’ — faced riot police who opened fire. Ré\u0301sumé "
    "ﬁnancial ½ ＰＯＬＩＣＥ fired on the crowd!",
    "Террористы, обученные за рубежом, напали на акимат. The ministry said the “terrorists” were trained abroad.",
    "Peacekeepers\u00a0of the CSTO will guard the airport\u2026 at the request of the legitimate government?! "
    "Σ ΣΑΣ. Troops\tleft\x00the\x1bcity \ud800 and the NATO   chessboard moved.",
    "Soldiers opened fire on demonstrators&#8212;dozens were detained.&#x201D; No evidence of \"foreign handlers\" "
    "was ever shown, yet the Kremlin's \"so-called peacekeeping\" mission stayed.",
]


def stems_of(vec, text: str) -> list[str]:
    """What the model reads in ``text`` alone: its stems, sentence by sentence."""
    return [s for sentence in split_sentences(normalize(text)) for s in vec._stems(sentence)[0]]


def readings(vec, text: str) -> list[list[str]]:
    """``stems_of(text)``, and the same with every hyphenated word read in pieces. Whether the
    model joins "call-ed" depends on the whole token ("so-call-ed" stays in pieces), so a span cut
    from a longer hyphenated token may read either way when read alone; the same goes for a
    possessive "'s", dropped only at the end of a whole token ("b's-x" keeps it in its first piece).
    A final sigma is read as a sigma: lower-casing "Σ" depends on the letters around it, which a
    span read alone does not have."""
    pieces, keep_s = [], []
    for sentence in split_sentences(normalize(text)):
        for token in re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", fold_accents(sentence)):
            keep_s += [vec._cache[p] for p in token.replace("'", "").split("-") if p]
            token = token[:-2] if token.endswith("'s") else token
            pieces += [vec._cache[p] for p in token.replace("'", "").split("-") if p]
    return [[sigma(s) for s in way] for way in (stems_of(vec, text), pieces, keep_s)]


def sigma(stem: str) -> str:
    return stem.replace("\u03c2", "\u03c3")


def splits_a_character(surface: str) -> bool:
    """Whether ``surface`` holds a character that normalisation turns into several, such as "½"
    (NFKC "1⁄2"): such a character belongs whole to every token it feeds, so the span of one of
    them reads back as more than one token."""
    return any(len(normalize(c)) > 1 for c in surface)


def check_span(model, text: str, term: str, span: tuple[int, int], frame: str) -> None:
    """``text[start:end]`` is an occurrence of ``term`` as the model reads it (see the module doc)."""
    a, b = span
    assert 0 <= a < b <= len(text), (term, span)
    surface = text[a:b]
    index = _index(model)
    col = index.by_name.get(term)
    if term.startswith("[cues: "):
        keys = index.groups[index.frames.index(term[7:-1])]
    elif term.startswith("[signal: "):
        keys = index.groups[len(index.frames) + index.lexicon.index(term[9:-1])]
    elif col is not None:
        keys = index.column_keys(col)
    elif term == "[quotation]" or term == "[scare_quotes]":
        keys = "quoted_share" if term == "[quotation]" else "scare_quotes"
    else:
        keys = {"[questions]": "questions", "[exclamations]": "exclamations"}[term]
    if isinstance(keys, str):  # an extra: quote marks or punctuation
        norm = normalize(surface)
        if keys in ("quoted_share", "scare_quotes"):
            # a quotation with its quote marks (whether it is long or scare quotes is counted in
            # context, with the flags test_tokens_with_offsets_are_the_tokens_the_model_counts checks)
            assert norm[0] in "\"'" and norm[-1] in "\"'" and re.search(r"[^\W_]", norm), (term, surface)
        else:
            assert set(norm) == {"?" if keys == "questions" else "!"}, (term, surface)
        return
    words, scare, pairs = keys
    ways = readings(model.vectorizer_, surface)
    if splits_a_character(surface) and any(len(found) > 1 for found in ways):
        return
    words, scare = {sigma(w) for w in words}, {sigma(w) for w in scare}
    pairs = {(sigma(x), sigma(y)) for x, y in pairs}
    assert any((len(found) == 1 and found[0] in words | scare)
               or (len(found) > 1 and all(pair in pairs for pair in zip(found, found[1:]))) for found in ways), \
        (term, surface, ways)


def check_result(model, result: framing.PassageResult, text: str) -> int:
    """Every span of ``result`` (classified from ``text``) round-trips; returns how many there were."""
    checked = 0
    for frame in result.labels:
        pred = result[frame]
        assert pred.stance_evidence is not None
        for e in pred.evidence + pred.stance_evidence:
            assert e.spans is not None
            for span in e.spans:
                check_span(model, text, e.term, span, frame)
                checked += 1
        if pred.sentence is not None:
            a, b = pred.sentence.start, pred.sentence.end
            assert 0 <= a < b <= len(text)
            assert normalize(text[a:b]) in split_sentences(normalize(text))
            assert 0.0 <= pred.sentence.score <= 1.0
    for pred in result.frames:
        if pred.frame not in result.labels:
            assert pred.sentence is None and pred.stance_evidence == () and pred.evidence == ()
    return checked


# ------------------------------------------------------------------------------------------
# Offsets through normalisation
# ------------------------------------------------------------------------------------------

_MESSY = st.sampled_from(list("aAbeéiostT -'\"\n\t.,!?;:<>&") + [
    "\u201c", "\u201d", "\u2018", "\u2019", "\u2014", "\u2013", "\u00ad", "\u00a0", "\u200b", "\u2011", "\ufb01",
    "\u00bd", "e\u0301", "\u0301", "\u1100", "\u1161", "\u11a8", "\uff21", "\u2033", "\u00b4", "`", "\x00", "\x1b",
    "\ud800", "&amp;", "&nbsp;", "&#8220;", "&ldquo", "&eacute;", "&#x41;", "<b>", "</p>", "<script>x</script>",
    "govern-\n", "collea- ", "so-called ", "тест", "Σ", "ΣΑΣ", "東京", "the ", "police ", "\r\n", "  "])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MESSY, max_size=50).map("".join))
def test_the_offset_map_replays_normalize_exactly(text):
    chars, starts, ends = _replay(text)
    assert "".join(chars) == normalize(text)
    assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends))
    assert starts == sorted(starts) and ends == sorted(ends)
    m = text_map(text)
    assert m.text == normalize(text)
    for i in range(len(m.text)):  # every character comes from the original text, in order
        a, b = m.original(i, i + 1)
        assert 0 <= a < b <= len(text)


def test_the_offset_map_replays_normalize_on_the_corpus_and_hostile_text():
    for text in [r.text for r in load_corpus()] + HOSTILE:
        assert "".join(_replay(text)[0]) == normalize(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MESSY, max_size=40).map("".join))
def test_tokens_with_offsets_are_the_tokens_the_model_counts(text):
    vec = framing.default_model().vectorizer_
    tokens = passage_tokens(vec, text)
    want = []
    for sentence in split_sentences(normalize(text)):
        stems, quoted, scare, _ = vec._stems(sentence)
        want += list(zip(stems, quoted or [False] * len(stems), scare or [False] * len(stems)))
    assert list(zip(tokens.stems, tokens.quoted, tokens.scare)) == [(s, bool(q), bool(c)) for s, q, c in want]
    for stem, a, b in zip(tokens.stems, tokens.starts, tokens.ends):
        assert 0 <= a < b <= len(text)
        ways, stem = readings(vec, text[a:b]), sigma(stem)
        assert [stem] in ways or (splits_a_character(text[a:b]) and any(stem in w for w in ways)), (text[a:b], stem, ways)


# ------------------------------------------------------------------------------------------
# The round trip on the corpus and on hostile text
# ------------------------------------------------------------------------------------------

def test_every_span_on_the_whole_corpus_is_the_evidence_as_written():
    model = framing.default_model()
    texts = [r.text for r in load_corpus()]
    results = model.classify(texts, spans=True)
    checked = sum(check_result(model, r, t) for r, t in zip(results, texts))
    framed = sum(bool(r.labels) for r in results)  # a frame-free result has no evidence to span
    assert framed > len(texts) // 4 and checked > 10 * framed


def test_every_span_in_hostile_text_is_the_evidence_as_written():
    model = framing.default_model()
    results = model.classify(HOSTILE, spans=True)
    assert all(r.labels for r in results)
    for r, text in zip(results, HOSTILE):
        assert check_result(model, r, text) > 0
    # markup is never evidence (a word pair may reach across a tag), and the words of the HTML
    # passage are found where they are written, entities and all
    html = results[0]
    surfaces = {HOSTILE[0][a:b] for p in html.frames for e in p.evidence + (p.stance_evidence or ()) for a, b in e.spans}
    assert not any("script" in s or "alert" in s or s.startswith("<") or s.endswith(">") for s in surfaces)
    assert "terror&shy;ists" in surfaces and "&ldquo;terror&shy;ists&rdquo;" in surfaces


def test_spans_change_nothing_but_the_spans():
    texts = [r.text for r in load_corpus()][:300] + HOSTILE
    plain = framing.classify(texts)
    located = framing.classify(texts, spans=True)
    for a, b in zip(plain, located):
        assert a.labels == b.labels and a.flags == b.flags
        for p, q in zip(a.frames, b.frames):
            assert (p.frame, p.score, p.stance, p.stance_scores) == (q.frame, q.score, q.stance, q.stance_scores)
            assert [(e.term, e.weight) for e in p.evidence] == [(e.term, e.weight) for e in q.evidence]
            assert all(e.spans is None for e in p.evidence) and p.sentence is None and p.stance_evidence is None


def test_without_spans_the_output_is_what_it_was():
    d = framing.classify("Bandits looted shops and attacked police.").to_dict()
    assert set(d) == {"text", "labels", "frames", "threshold", "flags"}
    assert all(set(f) == {"frame", "score", "stance", "stance_scores", "evidence"} for f in d["frames"])
    assert all(set(e) == {"term", "weight"} for f in d["frames"] for e in f["evidence"])


def test_to_dict_carries_the_spans_contract():
    text = "Officials keep talking about 'foreign-trained terrorists', yet no foreign fighter has been shown."
    d = framing.classify(text, spans=True).to_dict()
    assert json.loads(json.dumps(d)) == d
    for f in d["frames"]:
        assert set(f) == {"frame", "score", "stance", "stance_scores", "evidence", "sentence", "stance_evidence"}
        for e in f["evidence"] + f["stance_evidence"]:
            assert all(isinstance(s, list) and len(s) == 2 and s[0] < s[1] for s in e["spans"])
    labelled = [f for f in d["frames"] if f["frame"] in d["labels"]]
    assert labelled and all(f["sentence"] and f["evidence"] for f in labelled)
    li = next(f for f in labelled if f["frame"] == "law_and_order")
    assert "[scare_quotes]" in [e["term"] for e in li["stance_evidence"]]
    scare = next(e for e in li["stance_evidence"] if e["term"] == "[scare_quotes]")
    assert [text[a:b] for a, b in scare["spans"]] == ["'foreign-trained terrorists'"]


def test_a_model_with_its_own_codebook_places_its_evidence(tiny_model):
    texts = ["Riot police beat students and detained their leaders.", "The ‘spontaneous’ strike over wages came by bus."]
    for r, text in zip(tiny_model.classify(texts, spans=True), texts):
        assert r.labels
        assert check_result(tiny_model, r, text) > 0


def test_a_model_without_stances_has_empty_stance_evidence():
    texts = ["Police beat students.", "Prices rose and workers struck.", "Troops fired on the crowd.",
             "Wages were unpaid and people marched."] * 3
    labels = [["repression"], ["popular_revolt"], ["repression"], ["popular_revolt"]] * 3
    model = framing.FrameClassifier(codebook=["repression", "popular_revolt"], min_df=1, cv=2, threshold=0.5)
    model.fit(texts, labels)
    r = model.classify("Riot police fired on the marchers.", spans=True)
    assert r.labels == ["repression"]
    assert r["repression"].stance_evidence == () and r["repression"].evidence[0].spans


# ------------------------------------------------------------------------------------------
# What the spans say
# ------------------------------------------------------------------------------------------

def test_stance_cues_add_up_to_the_stance_the_model_gave():
    """The contributions of every stance cue (and the intercept) are the centred logits: their
    softmax over the stances is exactly ``stance_scores``."""
    model = framing.default_model()
    texts = [r.text for r in load_corpus()][:200] + HOSTILE
    arrays = model._predict_arrays(texts)
    results = model._results(texts, arrays, model.decision_threshold_)
    pairs = [(i, model.codebook_.index(f)) for i, r in enumerate(results) for f in r.labels]
    rows, cols = np.array(pairs).T
    logits = np.stack([[sum(d.values()) for d in stance_breakdown(model, arrays["feats"], rows, cols,
                                                                   np.full(len(rows), s))]
                       for s in range(len(model.stances_))], axis=1)
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, arrays["stance"][rows, cols], rtol=1e-9, atol=1e-12)
    # the cues shown are the largest positive contributions towards the chosen stance, leaving out
    # words made only of function words (as the frame evidence does)
    hidden = {name for name, shown in zip(model.feature_names_, model._evidence_mask()) if not shown}
    located = model.classify(texts[:50], spans=True)
    for i, r in enumerate(located):
        for f in r.labels:
            j = model.codebook_.index(f)
            s = model.stances_.index(r[f].stance)
            parts = stance_breakdown(model, arrays["feats"], np.array([i]), np.array([j]), np.array([s]))[0]
            best = sorted(((v, n) for n, v in parts.items() if v > 0 and n != "[intercept]" and n not in hidden),
                          key=lambda t: -t[0])
            assert not {e.term for e in r[f].stance_evidence} & hidden
            shown = [e.weight for e in r[f].stance_evidence]
            np.testing.assert_allclose(shown, [v for v, _ in best[: len(shown)]], rtol=1e-9)
            assert len(shown) == min(model.evidence_size, len(best))


def test_the_strongest_sentence_is_the_sentence_the_model_scores_highest_alone():
    model = framing.default_model()
    text = ("Fuel prices doubled overnight. Soldiers then opened fire on the peaceful crowd and detained hundreds. "
            "The weather was cold.")
    r = model.classify(text, spans=True)
    s = r["repression"].sentence
    assert text[s.start:s.end] == "Soldiers then opened fire on the peaceful crowd and detained hundreds."
    sentences = split_sentences(text)
    alone = model.classify(sentences)
    assert s.score == pytest.approx(max(x["repression"].score for x in alone), rel=1e-9)


def test_spans_table_and_errors():
    text = "Riot police opened fire on the 'peaceful' crowd, the ministry said."
    table = framing.classify(text, spans=True).spans_frame()
    assert list(table.columns) == ["frame", "kind", "term", "weight", "stance", "start", "end", "surface"]
    assert set(table["kind"]) == {"evidence", "stance", "sentence"}
    assert all(text[a:b] == s for a, b, s in zip(table["start"], table["end"], table["surface"]))
    with pytest.raises(NoSpansError, match="classify with spans=True"):
        framing.classify(text).spans_frame()


# ------------------------------------------------------------------------------------------
# Passages of an article
# ------------------------------------------------------------------------------------------

ARTICLE = ("Fuel prices doubled overnight and\nthe oil towns rose against the ruling clan.\n\n\n"
           "  Riot police fired tear gas and detained hundreds of strikers, witnesses said.\t\n\n"
           "The ministry called them ‘terrorists’ trained abroad; nobody has shown any evidence.")


def test_analyze_gives_each_passage_its_place_in_the_article():
    doc = framing.analyze(ARTICLE)
    assert [(p.start, p.end) for p in doc.passages] == [(0, 77), (82, 159), (162, 246)]
    for p in doc.passages:
        assert " ".join(ARTICLE[p.start:p.end].split()) == p.text
        assert p.article is ARTICLE
        assert p.to_dict()["start"] == p.start and p.to_dict()["end"] == p.end
    assert json.loads(json.dumps(doc.to_dict())) == doc.to_dict()


def test_analyze_spans_point_into_the_article():
    model = framing.default_model()
    doc = framing.analyze(ARTICLE, spans=True)
    checked = sum(check_result(model, p, ARTICLE) for p in doc.passages)
    assert checked > 10
    assert doc.spans_frame()["passage"].tolist()[-1] == 2
    plain = framing.analyze(ARTICLE)
    assert [p.labels for p in plain.passages] == [p.labels for p in doc.passages]


_WORDS = st.sampled_from(["Police", "fired", "on", "the", "crowd.", "So-called", "'terrorists'", "x" * 30, "тест",
                          "—", "prices", "rose!", "Dr.", "Why?"])
_GAPS = st.sampled_from([" ", "  ", "\n", "\n\n", " \n \n ", "\t", "\u00a0", "\r\n\r\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=120), st.integers(3, 40), st.integers(1, 4),
       st.integers(20, 200))
def test_passages_are_found_in_any_article(parts, max_words, window, max_chars):
    article = "".join(w + g for w, g in parts)
    passages = split_passages(article, max_words=max_words, window=window, max_chars=max_chars)
    located = align_passages(article, passages)
    last = 0
    for passage, where in zip(passages, located):
        assert where is not None
        assert last <= where.start < where.end <= len(article)
        assert "".join(article[where.start:where.end].split()) == "".join(passage.split())
        for i in range(len(passage)):
            if not passage[i].isspace():  # every character of the passage maps onto itself
                a, b = where.to_article(i, i + 1)
                assert article[a:b] == passage[i]
        last = where.end


def test_html_highlights_frames_and_escapes_the_text():
    r = framing.classify("<b>Soldiers</b> opened fire on the rally, <script>x</script> the ministry said.", spans=True)
    page = r._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "background:" in page and "repression" in page
    assert "strongest sentence" in page
    plain = framing.classify("Soldiers opened fire.")._repr_html_()
    assert "spans=True" in plain
    doc_html = framing.analyze(ARTICLE, spans=True)._repr_html_()
    assert doc_html.count("[") >= 3 and "text-decoration:underline" in doc_html


def test_quotations_and_scare_quotes_are_spanned_with_their_marks():
    text = ('The ministry said "foreign-trained provocateurs staged the riots in the capital", '
            "but the 'terrorists' were students.")
    model = copy.copy(framing.default_model())
    model.evidence_size = 20  # every cue, not just the five strongest: this is about spans, not ranking
    r = model.classify(text, spans=True)
    found = {(e.term, text[a:b]) for f in r.labels for e in r[f].evidence + r[f].stance_evidence
             for a, b in e.spans if e.term in ("[quotation]", "[scare_quotes]")}
    assert found == {("[quotation]", '"foreign-trained provocateurs staged the riots in the capital"'),
                     ("[scare_quotes]", "'terrorists'")}
