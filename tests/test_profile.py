"""framing.profile: per group and period, the share of passages (or documents) carrying each frame, by stance."""

from __future__ import annotations

import io
import sys

import matplotlib
import pandas as pd
import pytest

import framing
from framing.batch import classify_corpus
from framing.errors import ProfileError
from framing.plots import plot_groups, plot_shares
from framing.results import DocumentResult, FramePrediction, PassageResult

matplotlib.use("Agg")
FRAMES = ["repression", "popular_revolt", "law_and_order"]
STANCES = ["endorsed", "reported", "disputed"]


def result(carried: dict[str, str]) -> PassageResult:
    """A passage result carrying exactly ``carried`` (frame -> stance)."""
    frames = [FramePrediction(f, 0.9 if f in carried else 0.1, carried.get(f, "endorsed"),
                              {s: 1.0 / 3 for s in STANCES}) for f in FRAMES]
    return PassageResult(text="x", labels=list(carried), frames=frames, threshold=0.5)


ROWS = [  # outlet, date, frames carried
    ("tass", "2022-01-03", {"law_and_order": "endorsed"}),
    ("tass", "2022-01-04", {"law_and_order": "endorsed", "repression": "disputed"}),
    ("tass", "2022-01-05", {}),
    ("tass", "2022-01-12", {"law_and_order": "reported"}),
    ("rferl", "2022-01-04", {"repression": "endorsed", "popular_revolt": "endorsed"}),
    ("rferl", "2022-01-06", {"repression": "reported"}),
]


def table_of_results():
    return framing.profile([result(c) for _, _, c in ROWS], by=[o for o, _, _ in ROWS], over=[d for _, d, _ in ROWS])


def test_counts_and_shares_per_group_and_week():
    t = table_of_results()
    assert list(t.columns) == ["group", "period", "frame", "units", "count", "share", *STANCES,
                               *(f"share_{s}" for s in STANCES)]
    row = t[(t["group"] == "tass") & (t["period"] == pd.Timestamp("2022-01-03")) & (t["frame"] == "law_and_order")]
    assert row[["units", "count", "endorsed", "reported", "disputed"]].values.tolist() == [[3, 2, 2, 0, 0]]
    assert row["share"].item() == pytest.approx(2 / 3) and row["share_endorsed"].item() == pytest.approx(2 / 3)
    week2 = t[(t["group"] == "tass") & (t["period"] == pd.Timestamp("2022-01-10"))]
    assert week2.set_index("frame")["reported"].to_dict() == {"repression": 0, "popular_revolt": 0, "law_and_order": 1}
    rferl = t[t["group"] == "rferl"].set_index("frame")
    assert rferl.loc["repression", ["count", "endorsed", "reported"]].tolist() == [2, 1, 1]
    # every (group, period) has one row per frame, and the stance counts add up to the count
    assert (t.groupby(["group", "period"]).size() == len(FRAMES)).all()
    assert (t[STANCES].sum(axis=1) == t["count"]).all() and (t["count"] <= t["units"]).all()
    assert t.attrs["frames"] == FRAMES and t.attrs["unit"] == "passage"


def test_no_groups_and_no_time_axis():
    results = [result(c) for _, _, c in ROWS]
    t = framing.profile(results, by=None, over=None)
    assert list(t.columns[:3]) == ["frame", "units", "count"]
    assert t.set_index("frame")["count"].to_dict() == {"repression": 3, "popular_revolt": 1, "law_and_order": 3}
    assert set(t["units"]) == {6}


def test_months_and_years():
    t = framing.profile([result(c) for _, _, c in ROWS], by=[o for o, _, _ in ROWS],
                        over=[d for _, d, _ in ROWS], freq="ME")
    assert sorted(set(t["period"])) == [pd.Timestamp("2022-01-01")]
    assert framing.profile([result({})], by=["a"], over=["2021-07-09"], freq="Y")["period"].iloc[0] == pd.Timestamp("2021-01-01")


def test_the_output_of_classify_corpus_profiles_like_the_results():
    texts = ["Soldiers opened fire on the peaceful rally.", "Fuel prices doubled and the oil towns struck.",
             "Officials said foreign agents trained the rioters.", "Snow fell.", "Bandits looted shops."]
    outlets = ["a", "a", "b", "b", "b"]
    dates = ["2022-01-03", "2022-01-20", "2022-01-05", "2022-02-12", "2022-02-13"]
    want = framing.profile(framing.classify(texts), by=outlets, over=dates, freq="M")
    out = io.StringIO()
    classify_corpus([{"id": i, "text": t} for i, t in enumerate(texts)], out, progress=False)
    records = pd.read_json(io.StringIO(out.getvalue()), lines=True)
    records["outlet"], records["date"] = outlets, dates
    got = framing.profile(records, by="outlet", over="date", freq="M")
    pd.testing.assert_frame_equal(got.drop(columns=["outlet", "date"]), want.drop(columns=["group", "period"]))
    csv_out = io.StringIO()
    classify_corpus(texts, csv_out, progress=False, output_format="csv")
    rows = pd.read_csv(io.StringIO(csv_out.getvalue()))
    rows["outlet"], rows["date"] = outlets, dates
    pd.testing.assert_frame_equal(framing.profile(rows, by="outlet", over="date", freq="M"), got)
    # a DataFrame with a column of results
    frame = pd.DataFrame({"outlet": outlets, "date": dates, "result": framing.classify(texts)})
    pd.testing.assert_frame_equal(framing.profile(frame, by="outlet", over="date", freq="M"), got)


def test_documents_count_once_with_the_stance_most_of_their_passages_give():
    doc = DocumentResult.from_passages([result({"repression": "disputed"}), result({"repression": "endorsed"}),
                                        result({"repression": "disputed", "law_and_order": "reported"})],
                                       FRAMES, STANCES)
    tie = DocumentResult.from_passages([result({"law_and_order": "disputed"}), result({"law_and_order": "endorsed"})],
                                       FRAMES, STANCES)
    t = framing.profile([doc, tie], by=["x", "x"], over=None, unit="document").set_index("frame")
    assert t.loc["repression", ["units", "count", "disputed"]].tolist() == [2, 1, 1]
    assert t.loc["law_and_order", ["count", "endorsed", "reported"]].tolist() == [2, 1, 1]  # tie: stance order
    passages = framing.profile([doc, tie], by=["x", "x"], over=None).set_index("frame")
    assert passages.loc["repression", ["units", "count"]].tolist() == [5, 3]
    # the same from a passage table with a document column
    table = pd.DataFrame({"doc": [1, 1, 1, 2, 2], "outlet": "x",
                          "result": doc.passages + tie.passages})
    by_doc = framing.profile(table, by="outlet", over=None, unit="document", document="doc").set_index("frame")
    pd.testing.assert_frame_equal(by_doc.drop(columns="outlet"), t.drop(columns="group"))


@pytest.mark.parametrize("call, message", [
    (lambda: framing.profile(pd.DataFrame({"x": [1]}), by="outlet"), "the table has no column 'outlet'"),
    (lambda: framing.profile(pd.DataFrame({"outlet": ["a"], "date": ["2022-01-01"]})), "the table needs the classification"),
    (lambda: framing.profile([result({})], by="outlet"), "with results, by= must be a sequence"),
    (lambda: framing.profile([result({})], by=["a", "b"], over=None), "by= has 2 values for 1 results"),
    (lambda: framing.profile([result({})], by=["a"], over=["yesterday-ish"]), "row 0: cannot read 'yesterday-ish' as a date"),
    (lambda: framing.profile([result({})], by=["a"], over=["2022-01-01"], freq="fortnight"), "freq must be a pandas period alias"),
    (lambda: framing.profile([result({})], by=None, over=None, frames=["weather"]), "unknown frame 'weather'"),
    (lambda: framing.profile([result({})], by=None, over=None, unit="sentence"), "unit must be one of"),
    (lambda: framing.profile(["a passage"], by=None, over=None), "result 0 is a str"),
    (lambda: framing.profile("a passage"), "profile expects a list of PassageResult"),
    (lambda: framing.profile(pd.DataFrame({"o": ["a"], "labels": [["x"]]}), by="o", over=None, unit="document"),
     "unit='document' on a table needs document="),
    (lambda: framing.profile(pd.DataFrame({"o": ["a"], "labels": ["x"], "y:stance": [""]}), by="o", over=None),
     "row 0: frame 'x' in 'labels' has no 'x:stance' column; frames with a stance column: y"),
])
def test_bad_input_is_refused_with_a_clear_error(call, message):
    with pytest.raises(ProfileError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        call()


def test_a_document_with_two_dates_is_refused():
    table = pd.DataFrame({"doc": [1, 1], "date": ["2022-01-01", "2022-03-01"], "result": [result({}), result({})]})
    with pytest.raises(ProfileError, match="document 1 has rows in more than one group or date"):
        framing.profile(table, by=None, over="date", unit="document", document="doc")


def test_without_pandas_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'pip install "framing\[notebooks\]"'):
        framing.profile([result({})], by=None, over=None)


def test_plots_of_a_profile():
    t = table_of_results()
    axes = plot_shares(t)
    assert [a.get_title(loc="left") for a in axes] == ["rferl", "tass"]
    labels = [line.get_label() for line in axes[0].get_lines()]
    assert labels == FRAMES  # every frame carried somewhere, codebook order
    tass_law = next(line for line in axes[1].get_lines() if line.get_label() == "law_and_order")
    assert list(tass_law.get_ydata()) == pytest.approx([2 / 3, 1.0])
    axes = plot_shares(t, kind="area", stance="endorsed", groups=["tass"])
    assert len(axes) == 1
    ax = plot_groups(t)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["rferl", "tass"]
    texts = [x.get_text() for x in ax.texts]
    assert texts[len(FRAMES) + 2] == "75%\n2/1/0"  # tass x law_and_order: 3 of 4 passages, 2 endorsed, 1 reported
    with pytest.raises(ValueError, match="plot_shares needs a time axis"):
        plot_shares(framing.profile([result({})], by=None, over=None))
    with pytest.raises(ValueError, match="unknown stance 'sarcastic'"):
        plot_shares(t, stance="sarcastic")
    with pytest.raises(TypeError, match="expects the table framing.profile returns"):
        plot_groups(pd.DataFrame({"a": [1]}))
    import matplotlib.pyplot as plt

    plt.close("all")
