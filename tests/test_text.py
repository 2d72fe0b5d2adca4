"""Normalisation, tokenisation and splitting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from framing.features import TextVectorizer
from framing.text import light_stem, normalize, split_passages, split_sentences


def test_quotes_dashes_and_invisible_characters():
    assert normalize("“a” ‘b’ c—d\u00adx\u200by") == '"a" \'b\' c - dxy'


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", " ", "  ", "-", "\t", "\n", "\r", "\x07", "\x7f", "`", "<b>", "&amp;", ".", "x"]),
                max_size=30).map("".join))
def test_ascii_shortcuts_agree_with_the_general_path(text):
    # A zero-width space is removed by the character map but sends the text down the general path.
    assert normalize(text) == normalize("\u200b" + text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", "7", " ", ".", "!", "?", "\n", "\n\n", '"', "'", ")", "(", "Mr.", "\0", "..."]),
                max_size=40).map("".join))
def test_sentence_ends_found_by_byte_search_equal_the_regex_scan(text):
    from framing.text import _SENT_END, _sentence_ends

    assert [m.span() for m in _sentence_ends(text)] == [m.span() for m in _SENT_END.finditer(text)]


def test_broken_hyphenation_is_rejoined_when_the_word_is_known():
    vec = TextVectorizer(min_df=1).fit(["Our colleagues and the CSTO met.", "colleagues of the CSTO"])
    for text in ["our collea- gues", "our collea-\ngues", "our collea-gues"]:
        stems = vec._stems(normalize(text))[0]
        assert "colleague" in stems, text
    assert "csto" in vec._stems(normalize("the CS-TO troops"))[0]
    # An unknown joined form is split into its words instead.
    assert vec._stems(normalize("foreign-trained men"))[0][:2] == ["foreign", "train"]


def test_html_control_characters_and_surrogates():
    assert normalize("<p>Police <b>fired</b></p>&amp; \x07 left\ud800") == "Police fired & left"


def test_scare_quotes_are_marked():
    vec = TextVectorizer(min_df=1).fit(["The 'terrorists' were students.", 'The "terrorists" fled.'])
    stems, quoted, scare, _ = vec._stems(normalize("The 'terrorists' were students."))
    assert scare[stems.index("terrorist")] and not any(quoted)
    stems, quoted, scare, _ = vec._stems(normalize('He said "the terrorists came from abroad and must be stopped" today.'))
    assert quoted[stems.index("terrorist")] and not any(scare)


def test_light_stemmer():
    assert light_stem("arrests") == light_stem("arrested") == light_stem("arresting") == "arrest"
    assert light_stem("bus") == "bus" and light_stem("crisis") == "crisis"


def test_sentences_respect_abbreviations():
    assert split_sentences("Gen. Ivanov arrived. The U.S. embassy was shut. Dr. Ali spoke!") == [
        "Gen. Ivanov arrived.", "The U.S. embassy was shut.", "Dr. Ali spoke!"]


def test_passages_from_blank_lines_or_line_breaks():
    assert split_passages("a b\n\nc d\n\n\n e f ") == ["a b", "c d", "e f"]
    assert split_passages("line one\nline two") == ["line one", "line two"]
    assert split_passages("   ") == []


def test_one_huge_token_is_bounded():
    parts = split_passages("x" * 100_000)
    assert parts == ["x" * 5000] * 20
    assert split_passages("ab " * 3000, max_chars=100)[0] == " ".join(["ab"] * 33)
    words = split_passages(" ".join(["word"] * 1000), max_words=150)
    assert all(len(p.split()) <= 150 for p in words) and sum(len(p.split()) for p in words) == 1000


def test_token_caches_are_bounded(monkeypatch):
    import framing.features as features

    monkeypatch.setattr(features, "_CACHE_LIMIT", 50)
    vec = TextVectorizer(min_df=1).fit(["alpha beta gamma", "alpha delta"])
    vec.transform([" ".join(f"word{i}" for i in range(500))])
    assert len(vec._cache) <= 50 and len(vec._expand) <= 50
    # transform's token codes start afresh between batches, never inside one
    preset = len(features._SPECIAL_CODES)  # the sentence break, quotation markers and the hole
    assert len(vec._lookup()._table) == 500 + preset
    vec.transform(["alpha betas gammas"])
    assert len(vec._lookup()._table) == 3 + preset
    assert vec._stems("alpha betas")[0] == ["alpha", "beta"]  # still correct after clearing


def test_the_attribution_cues_do_not_fire_on_the_noun_state():
    """"states" (a reporting verb) stems to "state", the noun of "the United States": it is not a cue."""
    from framing.features import load_lexicon
    from framing.text import get_stemmer

    stem = get_stemmer("light", spelling="unify")
    attribution = {" ".join(stem(w) for w in t.split()) for t in load_lexicon()["attribution"]}
    assert "state" not in attribution and {"say", "stat", "told"} <= attribution
