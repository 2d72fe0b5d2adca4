"""Spelling variants never change an answer: colour/color, organised/organized, Kiev/Kyiv..."""

from __future__ import annotations

import pytest

import framing
from framing.text import get_stemmer, unify_spelling

PAIRS = [
    ("The colour revolution in Kiev was organised and financed by Western NGOs.",
     "The color revolution in Kyiv was organized and financed by Western NGOs."),
    ("Peace-keepers of the CSTO will guard the centre of Alma-Ata, the defence ministry said.",
     "Peacekeepers of the CSTO will guard the center of Almaty, the defense ministry said."),
    ("Lukashenka's police brutalised the neighbourhood marches in Byelorussia.",
     "Lukashenko's police brutalized the neighborhood marches in Belarus."),
    ("Kharkov and Odessa were destabilised by saboteurs from the Donbass, Moscow's labour of years.",
     "Kharkiv and Odesa were destabilized by saboteurs from the Donbas, Moscow's labor of years."),
    ("Tokaev said the terrorists had been trained abroad and that the programme of stabilisation worked.",
     "Tokayev said the terrorists had been trained abroad and that the program of stabilization worked."),
]


@pytest.mark.parametrize("british, american", [
    ("colour", "color"), ("colours", "colors"), ("coloured", "colored"), ("neighbouring", "neighboring"),
    ("organised", "organized"), ("organisations", "organizations"), ("destabilising", "destabilizing"),
    ("analysed", "analyzed"), ("travelled", "traveled"), ("defence", "defense"), ("centre", "center"),
    ("programme", "program"), ("kiev", "kyiv"), ("lukashenka", "lukashenko"), ("byelorussia", "belarus"),
])
def test_variants_become_one_spelling(british, american):
    assert unify_spelling(british) == unify_spelling(american) == american


@pytest.mark.parametrize("word", ["promised", "crises", "raised", "uprising", "otherwise", "exercise", "tour",
                                  "four", "hour", "paradise", "precisely", "noise", "surprised", "comprising",
                                  "advertised", "analysis", "crisis", "rise"])
def test_words_that_only_look_like_variants_are_left_alone(word):
    assert unify_spelling(word) == word


def test_stemmer_reads_variants_as_one_stem_only_when_asked():
    unify, keep = get_stemmer("light", spelling="unify"), get_stemmer("light")
    assert unify("organised") == unify("organized") and keep("organised") != keep("organized")
    with pytest.raises(ValueError, match="spelling must be one of"):
        get_stemmer("light", spelling="british")


def test_a_trained_model_gives_variants_the_same_answer():
    texts = ["The colour revolution was organised from abroad.", "Police fired on the crowd in Kiev.",
             "Orange revolution organisers paid by grants.", "Troops shot marchers in the centre of Kyiv."] * 3
    labels = [["color_revolution"], ["repression"]] * 6
    model = framing.train(texts, labels, codebook=["color_revolution", "repression"], min_df=1, cv=2, threshold=0.5)
    a, b = model.classify(["A coloured revolution organised in Kiev.", "A colored revolution organized in Kyiv."])
    assert a.labels == b.labels and [p.score for p in a.frames] == [p.score for p in b.frames]


def test_the_default_model_gives_variants_the_same_answer():
    model = framing.default_model()
    assert model.spelling == "unify"
    for british, american in PAIRS:
        a, b = model.classify([british, american])
        assert a.labels == b.labels
        assert [p.score for p in a.frames] == pytest.approx([p.score for p in b.frames], abs=1e-12)
        assert [p.stance for p in a.frames] == [p.stance for p in b.frames]


def test_models_saved_before_spelling_was_unified_keep_their_behaviour(tmp_path):
    from framing import load_model

    old = load_model("tests/fixtures/model_v1")
    assert old.spelling == "keep"
