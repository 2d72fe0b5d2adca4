"""One calling convention (issue 13, point 12): the model is the keyword ``model=`` everywhere, readers
name record parts ``*_field``; the old forms keep working for one release with a ``FutureWarning``."""

from __future__ import annotations

import inspect
import re

import pandas as pd
import pytest

import framing
from framing.articles import classify_articles

from .conftest import TINY_CODEBOOK

ARTICLE = "Calm day in the capital.\n\nLooters and bandits attacked police stations overnight."


@pytest.mark.parametrize("name", ["classify", "analyze", "classify_corpus", "classify_articles", "evaluate"])
def test_every_public_function_takes_the_model_as_the_keyword_model(name):
    parameter = inspect.signature(getattr(framing, name)).parameters["model"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None


@pytest.mark.parametrize("name", ["read_jsonl", "read_csv", "from_dataframe"])
def test_readers_name_record_parts_the_same_way(name):
    params = inspect.signature(getattr(framing, name)).parameters
    assert {"text_field", "labels_field", "id_field", "group_field"} <= set(params)
    assert not [p for p in params if p.endswith("_column")]


def test_classify_articles_takes_the_model_as_a_keyword_and_the_old_order_warns(default_model):
    new = classify_articles(ARTICLE, model=default_model)
    assert new.to_dict() == classify_articles(ARTICLE).to_dict()
    with pytest.warns(FutureWarning, match=re.escape("classify_articles(model, texts) is deprecated and will stop "
                                                     "working in the next minor release of framing; write "
                                                     "classify_articles(texts, model=model)")):
        old = classify_articles(default_model, ARTICLE)
    assert old.to_dict() == new.to_dict()
    with pytest.raises(TypeError, match="takes the articles as its one positional argument"):
        classify_articles(ARTICLE, default_model)


def test_evaluate_takes_the_model_as_a_keyword_and_the_old_order_warns(default_model):
    texts, labels = ["Looters and bandits attacked police.", "Snow fell."], [["law_and_order"], []]
    new = framing.evaluate(texts, labels, model=default_model)
    with pytest.warns(FutureWarning, match=re.escape("evaluate(model, passages, labels) is deprecated")):
        old = framing.evaluate(default_model, texts, labels)
    assert old.to_dict() == new.to_dict() == framing.evaluate(texts, labels).to_dict()


def test_csv_and_dataframe_readers_take_field_names_and_the_old_column_names_warn(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text("doc,body,codes\na,Police beat students.,repression\nb,Prices rose.,\n", encoding="utf-8")
    data = framing.read_csv(p, text_field="body", labels_field="codes", id_field="doc")
    assert data.ids == ["a", "b"] and data.labels == [["repression"], []]
    with pytest.warns(FutureWarning, match=re.escape("read_csv(text_column=...) is deprecated")):
        old = framing.read_csv(p, text_column="body", labels_field="codes", id_field="doc")
    assert (old.texts, old.labels, old.ids) == (data.texts, data.labels, data.ids)
    with pytest.raises(TypeError, match="got both 'text_column' and 'text_field'"):
        framing.read_csv(p, text_column="body", text_field="body")
    with pytest.raises(TypeError, match="unexpected keyword argument 'text_col'"):
        framing.read_csv(p, text_col="body")
    df = pd.DataFrame({"body": ["Police beat students."], "codes": [["repression"]]})
    with pytest.warns(FutureWarning, match=re.escape("from_dataframe(labels_column=...) is deprecated")):
        assert framing.from_dataframe(df, text_field="body", labels_column="codes").labels == [["repression"]]


def test_the_repr_of_a_model_does_not_print_the_whole_codebook(default_model):
    shown = repr(default_model)
    assert len(shown) < 300 and "framing-default" in shown and "8 frames" in shown  # it was 5,963 characters
    assert "definition" not in shown and "cues" not in shown
    mine = repr(framing.FrameClassifier(codebook=TINY_CODEBOOK, C=2.0))
    assert len(mine) < 120 and "'tiny'" in mine and mine.endswith("C=2.0)")
