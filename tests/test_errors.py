"""Bad input gets framing's own error, saying what was expected and what arrived, never an error from
deep inside scikit-learn, numpy or pandas (issue 13, point 8)."""

from __future__ import annotations

import re
import sys
import warnings

import pytest

import framing
from framing.cli import main
from framing.errors import InputTypeError, LabelError, ModelFileError

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS

FOUR = ["Prices rose again.", "Police fired on marchers.", "Wages went unpaid.", "Troops beat students."]
FOUR_LABELS = [["economy"], ["violence"], ["economy"], ["violence"]]


def test_training_on_fewer_passages_than_calibration_folds_says_what_to_change():
    with pytest.raises(LabelError, match=re.escape("calibration with cv=5 folds needs at least 5 passages; got 4. "
                                                   "Label more passages, or pass a smaller cv (at least 2).")):
        framing.train(FOUR, FOUR_LABELS, codebook=["economy", "violence"], min_df=1)
    assert framing.train(FOUR, FOUR_LABELS, codebook=["economy", "violence"], min_df=1, cv=2).classes_.size == 2


@pytest.mark.parametrize("folds", [1, 25, 2.5, True])
def test_cross_validation_folds_out_of_range(folds):
    with pytest.raises(ValueError, match=re.escape(f"folds must be an int from 2 to the number of passages (24); "
                                                   f"got {folds!r}")):
        framing.cross_validate(TINY_TEXTS, TINY_LABELS, codebook=TINY_CODEBOOK, folds=folds)


def test_cross_validation_with_one_label_too_few():
    with pytest.raises(LabelError, match="got 24 passages but 23 labels"):
        framing.cross_validate(TINY_TEXTS, TINY_LABELS[:-1], codebook=TINY_CODEBOOK, folds=2)


def test_a_model_path_is_accepted_and_a_bad_path_or_object_is_named(tiny_model, tmp_path):
    path = tiny_model.save(tmp_path / "model")
    text = "Riot police detained students outside the university."
    assert framing.classify(text, model=str(path)).to_dict() == tiny_model.classify(text).to_dict()
    passage = framing.analyze(text, model=path).passages[0].to_dict()
    assert (passage.pop("start"), passage.pop("end")) == (0, len(text))  # analyze also says where the passage is
    assert framing.classify(text, model=path).to_dict() == passage
    with pytest.raises(ModelFileError, match=re.escape("not a model directory: 'path/to/model'")):
        framing.classify("x", model="path/to/model")
    with pytest.raises(InputTypeError, match="model must be a fitted FrameClassifier, a model directory "
                                             r"\(str or path\) or None; got int"):
        framing.classify("x", model=42)
    with pytest.raises(InputTypeError, match="got type"):
        framing.analyze("x", model=framing.FrameClassifier)


def test_to_frame_without_pandas_names_the_extra(monkeypatch):
    r = framing.classify("Police fired on the crowd.")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    for call in (r.to_frame, framing.analyze("Police fired.").to_frame, framing.analyze("Police fired.").passages_frame):
        with pytest.raises(ImportError, match=re.escape('pip install "framing[notebooks]"')):
            call()


def test_evaluating_on_nothing_is_refused_without_numpy_warnings(default_model):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "Mean of empty slice" would fail here
        with pytest.raises(LabelError, match=r"evaluate needs at least one labelled passage; got 0"):
            framing.evaluate([], [], model=default_model)
        with pytest.raises(LabelError, match="got 2 passages but 1 labels"):
            framing.evaluate(["Police fired.", "Prices rose."], [[]], model=default_model)


def test_analyze_of_a_directory_says_it_is_a_directory(tmp_path, capsys):
    assert main(["analyze", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a directory; analyze reads one article" in err and f"framing classify {tmp_path}" in err
