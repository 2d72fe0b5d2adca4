"""Training data is validated before anything is fitted: errors name the record, nothing is dropped."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import warnings

import framing
from framing.duplicates import resolve_conflicts
from framing.errors import InputTypeError, LabelError
from framing.model import parse_labels

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS

IDS = [f"art-{i:02d}" for i in range(len(TINY_TEXTS))]
PARAMS = {"codebook": TINY_CODEBOOK, "min_df": 1, "cv": 2}


def train(texts=None, labels=None, **kwargs):
    return framing.train(list(TINY_TEXTS) if texts is None else texts,
                         list(TINY_LABELS) if labels is None else labels, **{**PARAMS, **kwargs})


def with_label(i, label):
    labels = list(TINY_LABELS)
    labels[i] = label
    return labels


def with_text(i, text):
    texts = list(TINY_TEXTS)
    texts[i] = text
    return texts


# ------------------------------------------------------------------------------------------
# Labels outside the codebook
# ------------------------------------------------------------------------------------------

def test_unknown_frame_names_the_record_and_lists_the_valid_frames():
    with pytest.raises(LabelError, match=re.escape("record 'art-03': unknown frame 'riots'; valid frames: "
                                                   "repression, popular_revolt")):
        train(labels=with_label(3, {"riots": "endorsed"}), ids=IDS)


def test_unknown_frame_without_ids_names_the_index():
    with pytest.raises(LabelError, match=re.escape("record 3: unknown frame 'riots'; valid frames: repression")):
        train(labels=with_label(3, ["riots"]))


def test_unknown_stance_names_the_record_and_lists_the_valid_stances():
    with pytest.raises(LabelError, match=re.escape("record 'art-05': unknown stance 'maybe' for frame 'repression'; "
                                                   "valid stances: endorsed, reported, disputed")):
        train(labels=with_label(5, {"repression": "maybe"}), ids=IDS)


def test_stance_for_a_codebook_without_stances():
    labels = [sorted(label) for label in TINY_LABELS]
    labels[0] = {"repression": "endorsed"}
    with pytest.raises(LabelError, match=re.escape("record 0: stance 'endorsed' given but the codebook declares no stances")):
        framing.train(TINY_TEXTS, labels, codebook=["repression", "popular_revolt"], min_df=1, cv=2)


@pytest.mark.parametrize("label, shown", [("repression", "str ('repression')"), (None, "NoneType (None)"),
                                          (float("nan"), "float (nan)"), (3, "int (3)")])
def test_label_of_the_wrong_type(label, shown):
    with pytest.raises(LabelError, match=re.escape(f"record 'art-07': a label must be a list of frame ids or a mapping "
                                                   f"frame -> stance; got {shown}")):
        train(labels=with_label(7, label), ids=IDS)


# ------------------------------------------------------------------------------------------
# Texts
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_text_names_the_record(text):
    with pytest.raises(LabelError, match=re.escape("record 'art-04': empty text")):
        train(texts=with_text(4, text), ids=IDS)


@pytest.mark.parametrize("text, shown", [(None, "NoneType (None)"), (5, "int (5)"), (b"bytes", "bytes (b'bytes')"),
                                         (float("nan"), "float (nan)"), (["nested"], "list (['nested'])")])
def test_non_string_text_names_the_index(text, shown):
    with pytest.raises(InputTypeError, match=re.escape(f"expected str at index 6, got {shown}")):
        train(texts=with_text(6, text), ids=IDS)


def test_pandas_text_column_with_a_missing_value():
    texts = pd.Series(TINY_TEXTS)
    texts[2] = np.nan
    with pytest.raises(InputTypeError, match=re.escape("expected str at index 2, got float (nan)")):
        train(texts=texts)


def test_a_set_of_texts_is_refused_because_labels_could_not_be_matched():
    with pytest.raises(InputTypeError, match="got set: a set has no order"):
        train(texts=set(TINY_TEXTS))


# ------------------------------------------------------------------------------------------
# Duplicates, too few examples, lengths
# ------------------------------------------------------------------------------------------

CONFLICTS = [(0, {"repression": "disputed"}), (11, {"popular_revolt": "endorsed", "repression": "reported"})]


def with_conflicts(variant=lambda t: t):
    """TINY plus two records that repeat a text (as written by ``variant``) with other labels."""
    texts = list(TINY_TEXTS) + [variant(TINY_TEXTS[i]) for i, _ in CONFLICTS]
    labels = list(TINY_LABELS) + [label for _, label in CONFLICTS]
    return texts, labels, IDS + ["dup-a", "dup-b"]


@pytest.mark.parametrize("variant", [lambda t: t, str.upper, lambda t: "  " + t.replace(" ", "\n ") + "\t\n\n"])
def test_conflicting_duplicates_train_and_warn_once_naming_every_group(variant):
    texts, labels, ids = with_conflicts(variant)
    with pytest.warns(framing.DuplicateTextWarning) as caught:
        model = train(texts, labels, ids=ids)
    assert len(caught) == 1
    assert str(caught[0].message) == (
        "2 groups of records have the same text but different labels (training on them as given; "
        "conflicts='merge', 'first' or 'error' to choose): ['art-00', 'dup-a']; ['art-11', 'dup-b']")
    assert model.training_info_["passages"] == len(texts)


def test_conflicting_duplicates_can_be_refused_merged_or_resolved_by_the_first_record():
    texts, labels, ids = with_conflicts()
    with pytest.raises(LabelError, match=re.escape("2 groups of records have the same text but different labels: "
                                                   "['art-00', 'dup-a']; ['art-11', 'dup-b']; pass conflicts=")):
        train(texts, labels, ids=ids, conflicts="error")
    with pytest.raises(ValueError, match="conflicts must be one of"):
        train(texts, labels, conflicts="ignore")
    cb = framing.load_codebook(TINY_CODEBOOK)
    Y, S = parse_labels(labels, cb)
    Ym, Sm = resolve_conflicts(texts, Y, S, ids, "merge")
    rep, rev, dis = cb.index("repression"), cb.index("popular_revolt"), cb.stance_ids.index("disputed")
    assert Ym[0].tolist() == Ym[-2].tolist() == [1, 0] and Sm[0, rep] == Sm[-2, rep] == -1  # endorsed vs disputed
    assert Ym[11].tolist() == Ym[-1].tolist() == [1, 1]  # the union; stances kept where the records agree
    assert [cb.stance_ids[k] for k in Sm[-1]] == ["reported", "endorsed"] and Sm[11].tolist() == Sm[-1].tolist()
    Yf, Sf = resolve_conflicts(texts, Y, S, ids, "first")
    assert S[-2, rep] == dis and (Yf[-2].tolist(), Sf[-2].tolist()) == (Y[0].tolist(), S[0].tolist())
    assert (Yf[-1].tolist(), Sf[-1].tolist()) == (Y[11].tolist(), S[11].tolist())
    for policy in ("merge", "first"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert train(texts, labels, ids=ids, conflicts=policy).training_info_["passages"] == len(texts)


def test_cross_validation_names_records_by_id_or_original_position_and_reports_conflicts_once():
    texts = with_text(20, "   ")
    with pytest.raises(LabelError, match=re.escape("record 20: empty text")):
        framing.cross_validate(texts, TINY_LABELS, folds=2, **PARAMS)
    with pytest.raises(LabelError, match=re.escape("record 'art-20': empty text")):
        framing.cross_validate(texts, TINY_LABELS, folds=2, ids=IDS, **PARAMS)
    dup_texts, dup_labels, ids = with_conflicts()
    with pytest.warns(framing.DuplicateTextWarning) as caught:
        framing.cross_validate(dup_texts, dup_labels, folds=2, ids=ids, **PARAMS)
    assert len(caught) == 1 and "['art-00', 'dup-a']; ['art-11', 'dup-b']" in str(caught[0].message)


def test_same_text_with_the_same_labels_is_kept_and_counted():
    model = train(list(TINY_TEXTS) + [TINY_TEXTS[0]], list(TINY_LABELS) + [TINY_LABELS[0]])
    assert model.training_info_["passages"] == len(TINY_TEXTS) + 1


def test_frame_with_no_positives():
    labels = [{k: v for k, v in label.items() if k != "popular_revolt"} for label in TINY_LABELS]
    with pytest.raises(LabelError, match=re.escape("frame 'popular_revolt' has too few positive examples (0); each "
                                                   "frame needs at least 2 passages with it and 2 without")):
        train(labels=labels, ids=IDS)


def test_frame_with_one_positive():
    labels = [{k: v for k, v in label.items() if k != "popular_revolt"} for label in TINY_LABELS]
    labels[10] = {"popular_revolt": "endorsed"}
    with pytest.raises(LabelError, match=re.escape("frame 'popular_revolt' has too few positive examples (1)")):
        train(labels=labels)


def test_frame_in_every_passage():
    labels = [dict(label, repression="endorsed") for label in TINY_LABELS]
    with pytest.raises(LabelError, match=re.escape("frame 'repression' has too few negative examples (0)")):
        train(labels=labels)


def test_lengths_must_agree():
    with pytest.raises(LabelError, match=re.escape(f"got {len(TINY_TEXTS)} passages but {len(TINY_TEXTS) - 1} labels")):
        train(labels=list(TINY_LABELS)[:-1])
    with pytest.raises(LabelError, match=re.escape(f"got {len(TINY_TEXTS)} passages but 5 groups")):
        train(groups=[1] * 5)
    with pytest.raises(LabelError, match="training needs at least 2 passages; got 1"):
        train(TINY_TEXTS[:1], TINY_LABELS[:1])


@pytest.mark.parametrize("label", [[["repression"]], [{"repression": "endorsed"}]])
def test_unhashable_frame_id_names_the_record(label):
    with pytest.raises(LabelError, match="record 'art-03'"):
        train(labels=with_label(3, label), ids=IDS)


def test_ids_of_the_wrong_length():
    with pytest.raises(LabelError, match="ids"):
        train(labels=with_label(10, ["riots"]), ids=IDS[:5])


# ------------------------------------------------------------------------------------------
# Nothing is silently dropped
# ------------------------------------------------------------------------------------------

def test_every_passage_is_used_and_reported(tmp_path):
    model = train(ids=IDS)
    assert model.training_info_["passages"] == len(TINY_TEXTS)
    manifest = json.loads((model.save(tmp_path / "m") / "manifest.json").read_text("utf-8"))
    assert manifest["training"]["passages"] == len(TINY_TEXTS)
    assert framing.load_model(tmp_path / "m").training_info_["passages"] == len(TINY_TEXTS)


def test_passages_without_usable_words_are_kept_not_dropped():
    """A scraped passage of emoji or one giant token has no features, but it is still a training
    example (an all-zero row), and it is counted."""
    texts = list(TINY_TEXTS) + ["😀😀😀", "x" * 50_000]
    model = train(texts, list(TINY_LABELS) + [{}, {}])
    assert model.training_info_["passages"] == len(TINY_TEXTS) + 2


def test_pandas_columns_are_accepted_and_counted():
    model = train(pd.Series(TINY_TEXTS, index=range(100, 100 + len(TINY_TEXTS))), pd.Series(TINY_LABELS))
    assert model.training_info_["passages"] == len(TINY_TEXTS)


def test_fingerprint_changes_with_any_label():
    a = train().training_info_["fingerprint"]
    b = train(labels=with_label(20, {"repression": "reported"})).training_info_["fingerprint"]
    assert a != b


def test_fits_and_cross_validation_show_signs_of_life_only_when_asked(capsys):
    """Issue 13, point 9: a long fit reports its stages on stderr with verbose=True; silent by default."""
    train()
    assert capsys.readouterr() == ("", "")
    train(verbose=True)
    out, err = capsys.readouterr()
    assert out == ""
    stages = [line.split("] ", 1)[1] for line in err.splitlines()]
    assert all(line.startswith("framing: [") for line in err.splitlines())
    assert stages[0] == "fitting 2 frames on 24 passages" and stages[-1] == "fit done"
    assert "calibration fold 2/2 done" in stages and "fitting the stance model on 21 (passage, frame) pairs" in stages
    framing.cross_validate(TINY_TEXTS, TINY_LABELS, folds=2, verbose=True, **PARAMS)
    err = capsys.readouterr().err
    assert "fold 1/2: training on 12 passages, testing on 12" in err and "fold 2/2: micro-F1 " in err
    assert "calibration fold" not in err  # the folds' own fits stay quiet


def test_off_topic_labels_are_checked_and_need_both_kinds_for_a_model():
    texts = ["Police fired on the crowd.", "Fuel prices doubled.", "The striker scored.", "Troops shot marchers.",
             "Wages fell again.", "Snow on the passes."] * 2
    labels = [["repression"], ["popular_revolt"], [], ["repression"], ["popular_revolt"], []] * 2
    kw = dict(codebook=["repression", "popular_revolt"], min_df=1, cv=2, threshold=0.5)
    with pytest.raises(LabelError, match="passage 0 is marked off_topic but carries a frame"):
        framing.train(texts, labels, off_topic=[True] + [None] * 11, **kw)
    with pytest.raises(LabelError, match="got 12 passages but 2 off_topic labels"):
        framing.train(texts, labels, off_topic=[None, None], **kw)
    with pytest.raises(LabelError, match="off_topic must hold True, False or None; got 'yes' at index 2"):
        framing.train(texts, labels, off_topic=[None, None, "yes"] + [None] * 9, **kw)
    only_unknown = framing.train(texts, labels, off_topic=[None] * 12, **kw)
    assert only_unknown.topic_coef_ is None and not any("off_topic" in r.flags for r in only_unknown.classify(texts))
