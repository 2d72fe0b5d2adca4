"""The packaged corpus passes its own checks, and the checks can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import framing
from framing.corpus import (MAX_REPEATED_5GRAM_SHARE, SPLITS, Record, agreement_section, check_real_targets,
                            check_targets, corpus_dir, datacard, load_corpus, near_duplicates,
                            repeated_ngram_share, split, validate_corpus)
from framing.realtext import check_against_pool, find_pool, load_pool, real_split, split_group
from framing.reliability import agreement


@pytest.fixture(scope="module")
def corpus():
    return load_corpus("written")


@pytest.fixture(scope="module")
def real():
    return load_corpus("real")


def test_packaged_corpus_is_valid_and_meets_every_target(corpus, real):
    assert validate_corpus(load_corpus()) == []  # both layers: schema, provenance, no duplicates, targets
    assert len(corpus) >= 3000 and len(real) >= 3000
    assert len(load_corpus()) == len(corpus) + len(real)


def test_layers_are_told_apart_and_unknown_layers_refused(corpus, real):
    assert {r.layer for r in corpus} == {"written"} and {r.source for r in corpus} == {"written"}
    assert {r.source for r in real} == {"kremlin", "ungdc", "whitehouse", "wikinews"}
    with pytest.raises(ValueError, match="layer must be one of written, real, all; got 'news'"):
        load_corpus("news")


def test_real_splits_are_fixed_by_group_and_never_straddle(real):
    parts = split(real)
    assert len(parts["test"]) >= 600 and len(parts["dev"]) >= 300
    for name, recs in parts.items():
        for r in recs:
            assert r.split == name == real_split(split_group(r.source, r.doc, r.date)) and r.event == split_group(
                r.source, r.doc, r.date)
    groups = {name: {r.event for r in recs} for name, recs in parts.items()}
    assert not groups["train"] & groups["test"] and not groups["dev"] & groups["test"]
    assert not groups["train"] & groups["dev"]
    assert {r.source for r in parts["test"]} == {"kremlin", "ungdc", "whitehouse", "wikinews"}


def test_every_real_record_says_which_stage_drew_it_and_test_keeps_its_first_draw(real):
    """Stage 7 read the rest of the test groups; the first-two-stage draw (the test set of every
    figure before it) is still there, across the sources, and the build scores both."""
    from framing.api import default_model_path
    from framing.corpus import read_passes

    stage = {p["id"]: p["stage"] for p in read_passes() if not p["excluded"]}
    assert {r.id for r in real} == set(stage)
    test = split(real)["test"]
    assert {stage[r.id] for r in test} == {1, 2, 7}
    assert all(r.split == "test" for r in real if stage[r.id] == 7)
    early = [r for r in test if stage[r.id] in (1, 2)]
    assert len(early) >= 600 and {r.source for r in early} == {"kremlin", "ungdc", "whitehouse", "wikinews"}
    metrics = json.loads((Path(default_model_path()) / "manifest.json").read_text("utf-8"))["metrics"]
    assert metrics["test_real"]["n_passages"] == len(test)
    assert metrics["test_real_stages_1_2"]["n_passages"] == len(early)


def test_real_records_match_the_pool_they_were_copied_from(real):
    path = find_pool()
    if path is None:
        pytest.skip("the real-text pool (../shared/realtext/pool.jsonl.gz) is not beside this checkout")
    pool = load_pool(path)
    assert check_against_pool(real, pool) == []
    changed = Record(**{**real[0].__dict__, "text": real[0].text + " An added sentence."})
    assert check_against_pool([changed], pool) == [f"record {real[0].id!r}: text differs from its pool passage"]


def test_provenance_problems_are_named(real):
    good = real[0].__dict__
    bad = [Record(**{**good, "licence": ""}), Record(**{**good, "id": "x:" + good["id"], "source": "blog"}),
           Record(**{**good, "split": {"train": "test", "dev": "test", "test": "train"}[good["split"]]})]
    problems = validate_corpus(bad)
    assert any(f"record {good['id']!r}: missing licence" in p for p in problems)
    assert any("unknown source 'blog'; valid: kremlin, whitehouse, ungdc, wikinews" in p for p in problems)
    assert any("belongs to" in p for p in problems)
    assert any(p.startswith("target not met (real layer): 3 passages < 3000") for p in problems)


def test_real_layer_targets(real):
    assert check_real_targets(real) == []
    assert "color_revolution: 0 positives < 60" in check_real_targets([r for r in real if not r.frames][:900])


def test_splits_are_event_disjoint_and_fixed(corpus):
    parts = split(corpus)
    events = {name: {r.event for r in recs} for name, recs in parts.items()}
    assert events["test"] == set(SPLITS["test"]) and events["dev"] == set(SPLITS["dev"])
    assert not events["train"] & (events["dev"] | events["test"])
    assert sum(len(v) for v in parts.values()) == len(corpus)
    random_parts = split(corpus, "random")
    assert 0.10 < len(random_parts["test"]) / len(corpus) < 0.20
    assert [r.id for r in split(corpus, "random")["test"]] == [r.id for r in random_parts["test"]]


def make(i: int, text: str, frames=None, **kw) -> Record:
    base = dict(id=f"t-{i}", text=text, frames=frames or {}, event="testland_2020", country="Testland",
                register="wire", side="neutral")
    base.update(kw)
    return Record(**base)


def test_validator_names_bad_records():
    recs = [
        make(1, "too short"),
        make(2, "A passage of enough words to pass the length check for this test case.", {"weather": "endorsed"}),
        make(3, "Another passage of enough words to pass the length check for this test.", {"repression": "maybe"}),
        make(4, "Yet another passage with enough words to pass the length check here.", register="poem"),
    ]
    problems = validate_corpus(recs)
    assert any("record 't-1': 2 words" in p for p in problems)
    assert any("record 't-2': unknown frame 'weather'" in p for p in problems)
    assert any("record 't-3': unknown stance 'maybe'" in p for p in problems)
    assert any("record 't-4': unknown register 'poem'" in p for p in problems)
    assert any(p.startswith("target not met: 4 passages < 3000") for p in problems)


def test_near_duplicates_and_template_repetition_are_caught():
    a = "Security forces opened fire on the crowd outside the regional administration late on Tuesday night."
    b = a.replace("Tuesday", "Wednesday")
    assert near_duplicates([a, b, "Something else entirely, about the harvest and the price of grain."]) == [(0, 1, 0.692)]  # 15 words: 9 of 13 distinct 5-shingles shared
    templated = [f"The {w} ministry said that foreign agents had organised the riots in the capital city." for w in
                 ("interior", "foreign", "defence", "justice", "finance")]
    assert repeated_ngram_share(templated) > MAX_REPEATED_5GRAM_SHARE
    problems = validate_corpus([make(i, t) for i, t in enumerate(templated)])
    assert any(p.startswith("template-like repetition") for p in problems)


def test_targets_report_what_is_missing(corpus):
    assert check_targets(corpus) == []
    no_frames = [make(i, r.text) for i, r in enumerate(corpus[:50])]
    missing = check_targets(no_frames)
    assert "foreign_interference: 0 positives < 300" in missing


def test_second_pass_covers_ten_percent_and_is_reproducible(corpus):
    rows = [json.loads(l) for l in (corpus_dir() / "second_pass.jsonl").read_text("utf-8").splitlines() if l]
    assert len(rows) >= 0.10 * len(corpus)
    ids = {r.id for r in corpus}
    assert all(r["id"] in ids for r in rows)
    labels = {r.id: r.frames for r in corpus}
    for r in rows:  # the corpus holds the adjudicated label where the passes differed
        if r["first"] != r["second"]:
            assert labels[r["id"]] == r["resolution"]["frames"]
    res = agreement([r["first"] for r in rows], [r["second"] for r in rows], codebook=framing.codebook())
    assert 0.8 < res.micro_f1 <= 1.0 and res.passages == len(rows)
    assert len(res.disagreements) == sum(r["first"] != r["second"] for r in rows)


def test_the_data_card_reports_the_second_pass_as_it_stands():
    """DATACARD.md is generated: its label-consistency section is what agreement_section() writes."""
    card = (Path(__file__).resolve().parents[1] / "DATACARD.md").read_text(encoding="utf-8")
    assert agreement_section() in card


def test_datacard_matches_the_corpus(corpus):
    card = datacard(corpus)
    assert f"## Size: {len(corpus)} passages" in card
    for event in {r.event for r in corpus}:
        assert f"| {event} |" in card
