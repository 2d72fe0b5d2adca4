"""Training data is validated before anything is fitted: errors name the record, nothing is dropped."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import framing
from framing.errors import InputTypeError, LabelError

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

@pytest.mark.parametrize("variant", [lambda t: t, str.upper, lambda t: "  " + t.replace(" ", "\n ") + "\t"])
def test_same_text_with_conflicting_labels_names_both_records(variant):
    texts = list(TINY_TEXTS) + [variant(TINY_TEXTS[0])]
    labels = list(TINY_LABELS) + [{"repression": "disputed"}]
    with pytest.raises(LabelError, match=re.escape("record 'art-00' and record 'dup' have the same text but "
                                                   "conflicting labels")):
        train(texts, labels, ids=IDS + ["dup"])


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
