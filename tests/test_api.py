"""The public contract of framing.classify / analyze / codebook with the shipped default model."""

from __future__ import annotations

import json

import pytest

import framing
from framing.results import DocumentResult, FramePrediction, PassageResult

PASSAGE = "Officials keep talking about 'foreign-trained terrorists', yet no foreign fighter has been shown."
FRAMES = framing.codebook().frame_ids


def test_single_string_gives_one_result_with_every_frame():
    r = framing.classify(PASSAGE)
    assert isinstance(r, PassageResult)
    assert [p.frame for p in r.frames] == list(FRAMES)
    assert all(isinstance(p, FramePrediction) for p in r.frames)
    assert set(r.labels) <= set(FRAMES)
    assert all(0.0 <= p.score <= 1.0 for p in r.frames)
    assert all(p.stance in {"endorsed", "reported", "disputed"} for p in r.frames if p.frame in r.labels)
    assert all(p.stance is None for p in r.frames if p.frame not in r.labels)
    for p in r.frames:
        assert set(p.stance_scores) == {"endorsed", "reported", "disputed"}
        assert sum(p.stance_scores.values()) == pytest.approx(1.0)


def test_labels_are_the_frames_over_threshold_best_first():
    r = framing.classify(PASSAGE)
    above = sorted((p for p in r.frames if p.score >= r.threshold), key=lambda p: -p.score)
    assert r.labels == [p.frame for p in above]


def test_codebook_worked_example_is_read_as_disputed():
    r = framing.classify(PASSAGE)
    assert "foreign_interference" in r.labels
    assert r["foreign_interference"].stance == "disputed"


def test_list_in_list_out_same_order():
    texts = ["Looters and bandits attacked police stations.", "", PASSAGE, "Snow fell in the north."]
    results = framing.classify(texts)
    assert isinstance(results, list) and len(results) == 4
    assert [r.text for r in results] == texts
    singles = [framing.classify(t) for t in texts]
    assert [r.to_dict() for r in results] == [r.to_dict() for r in singles]


def test_empty_and_whitespace_have_no_labels():
    for text in ["", "   \n\t "]:
        r = framing.classify(text)
        assert r.labels == [] and r.flags == ("empty",)
        assert all(p.score == 0.0 for p in r.frames)


def test_empty_list_gives_empty_list():
    assert framing.classify([]) == []


def test_to_dict_round_trips_through_json():
    d = framing.classify(PASSAGE).to_dict()
    assert set(d) >= {"text", "labels", "frames"}
    assert json.loads(json.dumps(d)) == d
    frame = d["frames"][0]
    assert set(frame) == {"frame", "score", "stance", "stance_scores", "evidence"}


def test_deterministic():
    a = framing.classify([PASSAGE] * 3)
    b = framing.classify([PASSAGE] * 3)
    assert [r.to_dict() for r in a] == [r.to_dict() for r in b]


def test_threshold_changes_labels_not_scores():
    low = framing.classify(PASSAGE, threshold=0.01)
    high = framing.classify(PASSAGE, threshold=0.999999)
    assert len(low.labels) >= len(high.labels)
    assert [p.score for p in low.frames] == [p.score for p in high.frames]
    assert set(high.labels) <= set(low.labels)
    with pytest.raises(ValueError, match="threshold must be a number between 0 and 1"):
        framing.classify(PASSAGE, threshold=1.5)


def test_evidence_explains_labelled_frames():
    r = framing.classify(PASSAGE)
    for frame in r.labels:
        ev = r[frame].evidence
        assert ev, frame
        assert all(e.weight > 0 for e in ev)
        assert [e.weight for e in ev] == sorted((e.weight for e in ev), reverse=True)


def test_unknown_frame_lookup_names_the_frames():
    with pytest.raises(KeyError, match="not a frame of this model"):
        framing.classify(PASSAGE)["weather"]


def test_analyze_splits_and_profiles():
    article = ("Fuel prices doubled overnight and the oil towns rose against the ruling clan.\n\n"
               "Riot police fired tear gas and detained hundreds of strikers, witnesses said.\n\n"
               "The weather stayed cold.")
    doc = framing.analyze(article)
    assert isinstance(doc, DocumentResult)
    assert [p.text for p in doc.passages] == article.split("\n\n")
    assert set(doc.profile) == set(FRAMES)
    carried = [f for f in FRAMES if any(f in p.labels for p in doc.passages)]
    for f in FRAMES:
        prof = doc.profile[f]
        assert prof.share == pytest.approx(sum(f in p.labels for p in doc.passages) / 3)
        assert 0 <= prof.mean_score <= prof.max_score <= 1
        assert sum(prof.stance_counts.values()) == sum(f in p.labels for p in doc.passages)
    assert set(doc.dominant) <= set(carried)
    assert json.loads(json.dumps(doc.to_dict())) == doc.to_dict()


def test_analyze_cuts_long_paragraphs_into_windows():
    sentence = "Protesters marched through the centre and demanded the resignation of the governor. "
    doc = framing.analyze(sentence * 40)
    assert len(doc.passages) > 1
    assert all(len(p.text.split()) <= 150 for p in doc.passages)


def test_analyze_rejects_a_list():
    with pytest.raises(TypeError, match="use classify"):
        framing.analyze(["a", "b"])


def test_codebook_matches_the_default_model():
    cb = framing.codebook()
    assert len(cb) == 8 and cb.stance_ids == ("endorsed", "reported", "disputed")
    assert all(f.definition and f.name for f in cb)
    assert list(framing.default_model().classes_) == list(cb.frame_ids)


def test_import_is_cheap():
    import subprocess
    import sys

    code = "import sys, framing; print('numpy' in sys.modules, 'sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_inference_does_not_import_sklearn_or_nltk():
    import subprocess
    import sys

    code = ("import sys, framing; framing.classify('Bandits looted shops.'); "
            "print('sklearn' in sys.modules, 'nltk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_results_of_a_long_list_skip_the_young_collection():
    import gc

    from framing.results import gc_paused

    started: list[int] = []

    def record(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    try:
        with gc_paused(10_000):
            assert not gc.isenabled()
            kept = [[i] for i in range(50_000)]
        more = [[i] for i in range(100)]  # allocations after the pause would trigger a pending collection
        assert gc.isenabled() and started == [], "a collection traversed the objects made during the pause"
        assert gc.get_freeze_count() == 0
    finally:
        gc.callbacks.remove(record)
    assert len(kept) + len(more) == 50_100


def test_objects_the_program_froze_stay_frozen():
    import gc

    from framing.results import gc_paused

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused(10_000):
            kept = [[i] for i in range(1_000)]
        assert gc.get_freeze_count() == frozen and gc.isenabled() and len(kept) == 1_000
    finally:
        gc.unfreeze()


def test_a_frame_that_is_not_labelled_has_no_stance_but_keeps_its_stance_scores():
    """Issue 13, point 2: filtering on a stance must never count a frame that was not detected."""
    r = framing.classify(PASSAGE)
    unlabelled = [p for p in r.frames if p.frame not in r.labels]
    assert unlabelled and r.labels
    assert all(p.stance is None and set(p.stance_scores) == {"endorsed", "reported", "disputed"} for p in unlabelled)
    assert all(r[f].stance is not None for f in r.labels)
    d = r.to_dict()
    assert {f["frame"]: f["stance"] for f in d["frames"] if f["frame"] not in d["labels"]} == \
        {p.frame: None for p in unlabelled}
    everything = framing.classify(PASSAGE, threshold=0.0)  # every frame labelled: every frame has its stance
    assert all(p.stance == max(p.stance_scores, key=p.stance_scores.get) for p in everything.frames)
    assert [p.stance_scores for p in everything.frames] == [p.stance_scores for p in r.frames]


def test_public_names_are_what_they_say_even_after_every_module_is_imported():
    """A submodule named like a public function (framing/profile.py, framing/agreement.py) would
    replace the function on the package once imported; every public name must stay itself."""
    import importlib
    import inspect
    import pkgutil

    for info in pkgutil.iter_modules(framing.__path__):
        if info.name != "__main__":
            importlib.import_module(f"framing.{info.name}")
    for name in framing.__all__:
        value = getattr(framing, name)
        assert not inspect.ismodule(value), f"framing.{name} is the module {value.__name__}"
