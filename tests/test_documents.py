"""One document-level answer (issue 13, point 3): ``analyze``, ``classify`` of an article-length text and
``classify_articles`` combine passages by the one rule of ``framing.documents``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import framing
from framing.articles import classify_articles
from framing.corpus import load_corpus
from framing.documents import combine, document_result, is_article

ROOT = Path(__file__).resolve().parents[1]

# An article that argues against the colour-revolution story; its fifth paragraph voices the story
# through a source, and the model reads one frame of the first paragraph as endorsed.
AGAINST_COLOUR_REVOLUTION = "\n\n".join([
    "State television keeps repeating that the January protests in Kazakhstan were a 'color revolution' staged "
    "by Western embassies and their local friends.",
    "There is no evidence for the so-called color revolution: no foreign organisers, no Western money, no orange "
    "ribbons, only oil workers angry about fuel prices and years of unpaid promises.",
    "The colour revolution story is a convenient myth that lets the government blame outsiders instead of "
    "answering for corruption, for the ruling clan and for the shootings in Almaty.",
    "Analysts in Almaty laughed off the claim that this was another Maidan; the crowds had no leaders and no "
    "program beyond cheaper gas and a new government.",
    "The Maidan script was followed step by step, with Western-trained activists, NGO grants and a coordinated "
    "media campaign, a former minister wrote in a column the channel quoted approvingly.",
    "Prices for liquefied gas doubled on New Year's Day and the strikes spread from Zhanaozen to every oil town "
    "in the west within three days.",
])


def answers(text: str) -> dict:
    doc = framing.analyze(text)
    whole = framing.classify(text)
    pooled = classify_articles(text)
    return {"doc": doc, "classify": whole, "articles": pooled}


def test_the_three_document_answers_agree_on_an_article_against_the_colour_revolution_story():
    got = answers(AGAINST_COLOUR_REVOLUTION)
    doc, whole, pooled = got["doc"], got["classify"], got["articles"]
    document_stances = {f: doc.profile[f].stance for f in doc.labels}
    assert whole.stances == pooled.stances == {f: document_stances[f] for f in whole.labels}
    assert set(whole.labels) == set(pooled.labels) == set(doc.labels)
    assert [p.score for p in whole.frames] == [p.score for p in pooled.frames]
    assert whole.stances["color_revolution"] == "disputed"
    assert "color_revolution" not in doc.dominant
    assert "foreign_interference" not in doc.dominant  # endorsed by one passage only
    assert doc.dominant == ["popular_revolt"]  # what the article argues
    assert whole.flags == ("article_length",) and pooled.flags == ()


def test_one_stray_passage_cannot_make_a_frame_dominant():
    calm = ["The central bank left interest rates unchanged at its March meeting.",
            "Flights resumed from the main airport on Monday after repairs to the runway.",
            "Snow closed the northern highway for six hours, the road agency said."]
    stray = "Soldiers opened fire on the peaceful rally and dozens were arrested."
    doc = framing.analyze("\n\n".join(calm + [stray]))
    assert "repression" in doc.labels and doc.profile["repression"].stance == "endorsed"
    assert doc.dominant == []
    twice = framing.analyze("\n\n".join(calm + [stray, "Riot police beat students and detained hundreds."]))
    assert twice.dominant == ["repression"]
    short = framing.analyze(f"{calm[0]}\n\n{stray}")  # one passage of two is not a stray one
    assert short.dominant == ["repression"]


def test_the_readme_article_has_a_few_dominant_frames_not_six_of_seven():
    article = json.loads((ROOT / "notebooks/data/kazakhstan_2022_articles.json").read_text("utf-8"))[0]["text"]
    got = answers(article)
    doc = got["doc"]
    assert 1 <= len(doc.dominant) < len(doc.labels)  # dominance needs an endorsed document stance and 2+ passages
    assert all(doc.profile[f].stance == "endorsed" and doc.profile[f].share * len(doc.passages) >= 2
               for f in doc.dominant)
    assert got["classify"].stances == got["articles"].stances


def test_the_document_rule_on_its_own_terms(default_model):
    parts = default_model.classify([
        "Soldiers opened fire on the peaceful rally and dozens were arrested.",
        "Witnesses said that troops shot at unarmed marchers.",
        "Calling the dispersal of the rally a 'massacre' is a lie spread by foreign media.",
        "The weather stayed mild."])
    rule = {d.frame: d for d in combine(parts)}
    r = document_result("four passages", parts)
    for j, frame in enumerate(default_model.classes_):
        d = rule[frame]
        carriers = [p for p in parts if frame in p.labels]
        assert d.support == len(carriers) and d.score == max(p[frame].score for p in parts)
        assert r.frames[j].score == d.score and r.frames[j].stance == d.stance
        assert sum(d.stance_scores.values()) == pytest.approx(1.0)
        if carriers:
            votes = {s: sum(p[frame].score * p[frame].stance_scores[s] for p in carriers) for s in d.stance_scores}
            assert d.stance == max(votes, key=votes.get)
            assert d.stance_scores == pytest.approx({s: v / sum(votes.values()) for s, v in votes.items()})
        else:
            assert d.stance is None and frame not in r.labels
    assert r.labels == [p.frame for p in sorted(r.frames, key=lambda p: -p.score) if p.score >= r.threshold]


def test_passages_of_the_corpus_are_never_read_as_articles(default_model):
    texts = [r.text for r in load_corpus()]
    assert not any(is_article(t) for t in texts)  # the longest runs to 224 words, with no blank line
    long = [t for t in texts if len(t.split()) > 150][:40]
    assert long and all("article_length" not in r.flags for r in default_model.classify(long))


def test_a_model_trained_on_articles_reads_articles_whole(tiny_model):
    article = AGAINST_COLOUR_REVOLUTION + "\n\n" + AGAINST_COLOUR_REVOLUTION
    assert "article_length" in tiny_model.classify(article).flags
    as_articles = framing.FrameClassifier(**tiny_model.get_params())
    for name, value in vars(tiny_model).items():
        setattr(as_articles, name, value)
    as_articles.training_info_ = {"unit": "article"}
    assert as_articles.classify(article).flags == ()
