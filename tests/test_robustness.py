"""Whatever a scraper produces, ``framing.classify`` and ``framing.analyze`` either give a valid result
or refuse the input with an ``InputTypeError`` that says what was expected, what arrived and where.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing
from framing.errors import InputTypeError

FLAGS = {"empty", "low_coverage", "article_length", "off_topic"}


def check_result(r: framing.PassageResult, text: str) -> None:
    """Everything a valid ``PassageResult`` promises."""
    model = framing.default_model()
    frames, stances = list(model.classes_), set(model.stances_)
    assert isinstance(r, framing.PassageResult)
    assert r.text == text
    assert [p.frame for p in r.frames] == frames
    assert len(set(r.labels)) == len(r.labels) and set(r.labels) <= set(frames)
    assert set(r.flags) <= FLAGS
    for p in r.frames:
        assert math.isfinite(p.score) and 0.0 <= p.score <= 1.0
        assert p.stance in stances if p.frame in r.labels else p.stance is None
        assert set(p.stance_scores) == stances
        assert all(0.0 <= v <= 1.0 for v in p.stance_scores.values())
        assert sum(p.stance_scores.values()) == pytest.approx(1.0)
    if "empty" in r.flags:
        assert r.labels == [] and all(p.score == 0.0 for p in r.frames)
    elif "off_topic" in r.flags:  # about something else: no frame, whatever the scores
        assert r.labels == [] and all(p.stance is None and not p.evidence for p in r.frames)
    else:
        assert r.labels == [p.frame for p in sorted(r.frames, key=lambda p: -p.score) if p.score >= r.threshold]
    json.dumps(r.to_dict())  # serialisable (lone surrogates are escaped by the default ensure_ascii)


# ------------------------------------------------------------------------------------------
# Wrong types: a TypeError naming what was expected, what arrived, and where
# ------------------------------------------------------------------------------------------

NOT_TEXT = [
    (None, "expected a str or a list of str, got NoneType"),
    (42, "expected a str or a list of str, got int"),
    (3.5, "expected a str or a list of str, got float"),
    (float("nan"), "expected a str or a list of str, got float"),
    (True, "expected a str or a list of str, got bool"),
    (np.int64(7), "expected a str or a list of str, got int64"),
    (b"Police fired.", "expected a str or a list of str, got bytes (decode bytes first, e.g. data.decode('utf-8'))"),
    (bytearray(b"x"), "expected a str or a list of str, got bytearray (decode bytes first"),
    ({"text": "Police fired."}, "expected a str or a list of str, got dict"),
    (object(), "expected a str or a list of str, got object"),
    ({"b", "a"}, "expected an ordered sequence of str (list, tuple, array, Series), got set: a set has no order"),
    (frozenset({"a"}), "expected an ordered sequence of str (list, tuple, array, Series), got frozenset"),
    (["ok", 42], "expected str at index 1, got int (42)"),
    (["ok", None], "expected str at index 1, got NoneType (None)"),
    (["ok", "ok", b"raw"], "expected str at index 2, got bytes (b'raw')"),
    (["ok", 1.5], "expected str at index 1, got float (1.5)"),
    (["ok", ["nested"]], "expected str at index 1, got list (['nested'])"),
    ([["a", "b"]], "expected str at index 0, got list (['a', 'b'])"),
    (["ok", ("t",)], "expected str at index 1, got tuple (('t',))"),
    (["ok", {"text": "x"}], "expected str at index 1, got dict ({'text': 'x'})"),
    ([list(range(100))], "expected str at index 0, got list ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11...)"),
    (pd.Series(["ok", np.nan]), "expected str at index 1, got float (nan)"),
    (pd.Series(["ok", "ok", None], index=["x", "y", "z"], dtype=object), "expected str at index 2, got NoneType (None)"),
    (pd.Series(["ok", pd.NA], dtype="string"), "expected str at index 1, got NAType (<NA>)"),
    (np.array(["ok", None], dtype=object), "expected str at index 1, got NoneType (None)"),
    (np.array([["a"], ["b"]]), "expected a 1-D sequence of str, got ndarray of shape (2, 1)"),
    (pd.DataFrame({"text": ["a"]}), "expected a 1-D sequence of str, got DataFrame of shape (1, 1)"),
    (range(3), "expected str at index 0, got int (0)"),
]


@pytest.mark.parametrize("value, message", NOT_TEXT, ids=[f"{type(v).__name__}-{i}" for i, (v, _) in enumerate(NOT_TEXT)])
def test_classify_refuses_what_is_not_text(value, message):
    with pytest.raises(TypeError, match=re.escape(message)) as info:
        framing.classify(value)
    assert isinstance(info.value, InputTypeError)


ARTICLES = [
    (None, "got NoneType"),
    (42, "got int"),
    (float("nan"), "got float"),
    (b"Police fired.", "got bytes"),
    ({"text": "x"}, "got dict"),
    (["Police fired."], "got list; use classify() for a list of passages"),
    (("Police fired.",), "got tuple; use classify() for a list of passages"),
    (pd.Series(["Police fired.", np.nan]), "got Series"),
    (np.array(["Police fired."]), "got ndarray"),
]


@pytest.mark.parametrize("value, message", ARTICLES, ids=[type(v).__name__ for v, _ in ARTICLES])
def test_analyze_refuses_what_is_not_one_article(value, message):
    with pytest.raises(InputTypeError, match=re.escape(f"analyze() expects one article as a str, {message}")):
        framing.analyze(value)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "0.5", True, float("nan")])
def test_bad_threshold(threshold):
    with pytest.raises(ValueError, match=re.escape(f"threshold must be a number between 0 and 1; got {threshold!r}")):
        framing.classify("Police fired.", threshold=threshold)


def test_ordered_containers_are_accepted():
    texts = ["Police fired on the crowd.", "", "Prices rose."]
    want = [r.to_dict() for r in framing.classify(texts)]
    for container in (tuple(texts), np.array(texts), pd.Series(texts, index=[9, 3, 5]), iter(texts),
                      pd.Series(texts, dtype="string")):
        assert [r.to_dict() for r in framing.classify(container)] == want


# ------------------------------------------------------------------------------------------
# Empty, odd and hostile text: always a valid result
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \r\n", "\u00a0\u2003\u3000", "\u200b\ufeff"])
def test_empty_and_whitespace_give_no_labels(text):
    r = framing.classify(text)
    check_result(r, text)
    assert r.labels == [] and r.flags == ("empty",)
    doc = framing.analyze(text)
    assert doc.labels == [] and all(p.labels == [] for p in doc.passages)
    json.dumps(doc.to_dict())


ODD = {
    "russian": "Полиция задержала сотни протестующих в Алматы, сообщили правозащитники.",
    "kazakh": "Полиция Алматыда жүздеген наразылық білдірушілерді ұстады.",
    "arabic": "اعتقلت الشرطة مئات المتظاهرين في المدينة، حسب ناشطين.",
    "chinese": "警察在市中心逮捕了数百名抗议者。",
    "emoji_in_text": "🔥🔥 Riot police 🚓 fired on protesters 😡 and detained dozens.",
    "emoji_only": "😀😀😀 🇰🇿",
    "control_chars": "Police\x00 fired\x07 on\x1b[31m protesters\x7f\x9f\x0b\x0c.",
    "lone_surrogates": "Police fired \ud800 on protesters \udfff and \ud83d.",
    "only_a_surrogate": "\udc80",
    "html": "<html><head><script>alert('x')</script><style>p{}</style></head><body><p>Riot police "
            "<b>beat</b> students &amp; workers.</p><!-- comment --><div onclick='evil()'>x</div></body></html>",
    "unclosed_tags": "<" * 5000 + "police fired" + ">" * 5000,
    "entities": "&#x110000; &#0; &#xd800; &nbsp;&amp;&lt;script&gt; " * 200,
    "rtl_override": "\u202epolice fired on the crowd\u202c",
    "combining_marks": "e\u0301" * 3000,
    "one_huge_token": "a" * 100_000,
    "huge_token_then_words": "x" * 100_000 + " riot police fired on protesters",
    "url": "https://example.com/" + "a/" * 5000,
    "digits": "1234 5678 90",
    "punctuation": "!!!???...''\"\"---",
    "quotes": '"' * 5000 + "'" * 5000,
    "broken_hyphens": "a- " * 20_000,
    "private_use_and_unassigned": "\ue000\U000f0000\U0010ffff\u0378",
    "mixed_scripts": "Police полиция 警察 شرطة fired",
}


@pytest.mark.parametrize("name", list(ODD))
def test_odd_text_gives_a_valid_result(name):
    text = ODD[name]
    r = framing.classify(text)
    check_result(r, text)
    doc = framing.analyze(text)
    for p in doc.passages:
        check_result(p, p.text)
    json.dumps(doc.to_dict())


@pytest.mark.parametrize("name", ["russian", "kazakh", "arabic", "chinese"])
def test_text_the_model_cannot_read_is_flagged(name):
    assert "low_coverage" in framing.classify(ODD[name]).flags


@pytest.mark.parametrize("name", ["emoji_only", "only_a_surrogate", "one_huge_token", "punctuation", "combining_marks"])
def test_text_without_words_has_no_labels_and_a_flag(name):
    r = framing.classify(ODD[name])
    assert r.labels == [] and r.flags


def test_markup_is_not_evidence():
    r = framing.classify(ODD["html"])
    terms = {e.term.lower() for p in r.frames for e in p.evidence}
    assert not terms & {"html", "script", "alert", "style", "div", "onclick", "evil", "head", "body"}


def test_a_batch_of_odd_texts_equals_the_texts_one_by_one():
    texts = list(ODD.values())
    batch = framing.classify(texts)
    assert [r.text for r in batch] == texts
    assert [r.to_dict() for r in batch] == [framing.classify(t).to_dict() for t in texts]


def test_ten_megabytes_in_one_token_is_cut_into_bounded_passages():
    doc = framing.analyze("z" * 10_000_000)
    assert len(doc.passages) == 2000  # 5,000-character pieces, nothing lost
    assert sum(len(p.text) for p in doc.passages) == 10_000_000
    assert all(p.labels == [] and "low_coverage" in p.flags for p in doc.passages)  # noise may also be off_topic


LONG_TEXT_CHILD = textwrap.dedent("""
    import json, resource, sys
    import framing

    framing.analyze("Warm up. Police fired on the crowd.")
    unit = 1 if sys.platform == "darwin" else 1024
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    sentences = [
        "Riot police fired on the crowd and detained dozens of students.",
        "Fuel prices doubled and the oil towns walked out on strike.",
        "Officials said foreign agents paid the so-called 'protesters'.",
        "The central bank left interest rates unchanged.",
        "Полиция задержала сотни людей.", "警察逮捕了抗议者。", "<p>Looters <b>attacked</b> shops</p>",
    ]
    parts, size, i = [], 0, 0
    while size < 10_000_000:
        s = sentences[i % len(sentences)]
        sep = "\\n\\n" if i % 9 == 8 else " "            # paragraphs of nine sentences
        if 300_000 <= size < 2_000_000:
            sep = " "                                    # one 1.7 MB paragraph with no blank line
        if 4_000_000 <= size < 4_500_000:
            s, sep = s.rstrip(".") + ",", " "            # a 0.5 MB run-on "sentence"
        parts.append(s + sep)
        size += len(s) + len(sep)
        i += 1
    text = "".join(parts)
    del parts
    doc = framing.analyze(text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    words = [len(p.text.split()) for p in doc.passages]
    print(json.dumps({
        "chars": len(text), "words_in": len(text.split()), "words_out": sum(words),
        "max_words": max(words), "max_chars": max(len(p.text) for p in doc.passages),
        "passages": len(doc.passages), "growth": peak - base,
        "valid": all(0.0 <= f.score <= 1.0 for p in doc.passages for f in p.frames),
        "labelled": sum(bool(p.labels) for p in doc.passages),
    }))
""")


def test_ten_megabyte_article_is_split_with_bounded_memory():
    """10 MB through ``analyze`` in a fresh interpreter: passages of at most ``max_words`` words, no
    word lost, and peak memory growth (max RSS) under 400 MB. About 15 s on one core."""
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", LONG_TEXT_CHILD], capture_output=True, text=True, timeout=300,
                         env={**os.environ, **env}, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    assert facts["chars"] >= 10_000_000
    assert facts["max_words"] <= 150                 # analyze's default max_words
    assert facts["max_chars"] <= 150 * 100           # no runaway passage
    assert facts["words_out"] == facts["words_in"]   # nothing dropped by the splitter
    assert facts["passages"] >= 10_000_000 // (150 * 100)
    assert facts["valid"] and facts["labelled"] > 0
    assert facts["growth"] < 400 * 1024 * 1024, f"peak memory grew by {facts['growth'] / 2**20:.0f} MB"


# ------------------------------------------------------------------------------------------
# Properties over arbitrary Unicode
# ------------------------------------------------------------------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROLS = st.characters(max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F)
WORDS = st.sampled_from([
    "police", "fired", "on", "the", "crowd", "protesters", "detained", "prices", "strike", "foreign", "agents",
    "so-called", "'terrorists'", '"', "'", ".", ",", "!", "?", "\n", "\n\n", "not", "no", "evidence", "said",
    "<b>", "</p>", "&amp;", "—", "«", "»", "полиция", "警察", "🔥", "\x00", "\ud800", "a" * 60, "Mr.", "U.S.",
])
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(st.characters(), SURROGATES, CONTROLS)),
    st.lists(WORDS, max_size=80).map(" ".join),
    st.lists(WORDS, max_size=80).map("".join),
)
PROPERTY = settings(max_examples=120, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(ANY_TEXT)
def test_any_text_gives_a_valid_deterministic_result(text):
    r = framing.classify(text)
    check_result(r, text)
    assert framing.classify(text).to_dict() == r.to_dict()


@PROPERTY
@given(st.lists(ANY_TEXT, max_size=6))
def test_any_list_gives_one_result_per_text_in_order(texts):
    out = framing.classify(texts)
    assert isinstance(out, list) and len(out) == len(texts)
    assert [r.text for r in out] == texts
    for r, t in zip(out, texts):
        check_result(r, t)
        assert r.to_dict() == framing.classify(t).to_dict()  # a passage's result does not depend on its batch


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANY_TEXT, max_size=5).map("\n\n".join), st.integers(1, 40), st.integers(1, 6))
def test_any_article_gives_a_valid_deterministic_analysis(text, max_words, window):
    doc = framing.analyze(text, max_words=max_words, window=window)
    assert all(len(p.text.split()) <= max_words for p in doc.passages)
    assert sum(len(p.text.split()) for p in doc.passages) == len(text.split())
    for p in doc.passages:
        check_result(p, p.text)
    assert set(doc.labels) <= set(framing.default_model().classes_)
    again = framing.analyze(text, max_words=max_words, window=window)
    assert json.dumps(again.to_dict()) == json.dumps(doc.to_dict())
