"""Every plot helper renders a real, non-blank PNG; bad input and missing matplotlib fail clearly."""

from __future__ import annotations

import dataclasses
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

import framing  # noqa: E402
from framing import plots  # noqa: E402

ARTICLE_STATE = (
    "Armed gangs trained abroad stormed the city hall and seized weapons from the police.\n\n"
    "Allied peacekeepers will guard the airport at the request of the legitimate government.\n\n"
    "Flights resumed on Monday, the transport ministry said."
)
ARTICLE_CRITICAL = (
    "Fuel prices doubled overnight and the oil towns rose against the ruling clan.\n\n"
    "Soldiers fired on peaceful protesters and thousands were arrested.\n\n"
    "Officials blame 'foreign terrorists' but have shown no evidence at all."
)
EVAL_TEXTS = [
    "Looters and bandits attacked police stations across the city.",
    "Fuel prices doubled and workers went on strike against the ruling family.",
    "Troops opened fire on the peaceful rally; dozens were detained.",
    "Officials blame 'foreign-trained terrorists' but have shown no proof.",
    "The snow closed the northern highway for a day.",
]
EVAL_LABELS = [
    {"law_and_order": "endorsed"},
    {"popular_revolt": "endorsed"},
    {"repression": "endorsed"},
    {"foreign_interference": "disputed", "law_and_order": "disputed"},
    {},
]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def docs():
    return {"state": framing.analyze(ARTICLE_STATE), "critical": framing.analyze(ARTICLE_CRITICAL)}


@pytest.fixture(scope="module")
def report():
    return framing.evaluate(EVAL_TEXTS, EVAL_LABELS)


def assert_png(ax, path):
    """Save the Axes' figure to ``path`` and check it is a PNG with something drawn on it."""
    assert isinstance(ax, matplotlib.axes.Axes)
    ax.figure.savefig(path, format="png", dpi=60)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000
    pixels = matplotlib.image.imread(str(path))
    assert pixels.ndim == 3 and pixels.shape[0] > 50 and pixels.shape[1] > 50
    assert pixels.std() > 0.0


def test_plot_passage(tmp_path):
    result = framing.classify("Soldiers opened fire on the peaceful rally and dozens were arrested.")
    ax = plots.plot_passage(result)
    assert_png(ax, tmp_path / "passage.png")
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(names) == sorted(framing.default_model().classes_.tolist())
    assert names[0] == result.labels[0]  # best score at the top


def test_plot_passage_frames_threshold_and_given_ax(tmp_path):
    result = framing.classify("Soldiers opened fire on the rally, the opposition said.", threshold=0.2)
    fig, ax = plt.subplots()
    out = plots.plot_passage(result, ax=ax, frames=["repression", "law_and_order"], sort=False, evidence=0)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["repression", "law_and_order"]
    assert_png(ax, tmp_path / "passage_ax.png")


def test_plot_passage_empty_text(tmp_path):
    assert_png(plots.plot_passage(framing.classify("")), tmp_path / "empty.png")


@pytest.mark.parametrize("value", ["share", "mean_score", "max_score", "endorsed", "net"])
def test_plot_profile_heatmap(tmp_path, docs, value):
    ax = plots.plot_profile(docs, value=value)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["state", "critical"]
    assert_png(ax, tmp_path / f"heatmap_{value}.png")


@pytest.mark.parametrize("normalize", [False, True])
def test_plot_profile_stacked(tmp_path, docs, normalize):
    ax = plots.plot_profile(docs, kind="stacked", normalize=normalize)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["state", "critical"]
    assert_png(ax, tmp_path / "stacked.png")


def test_plot_profile_one_document(tmp_path, docs):
    assert_png(plots.plot_profile(docs["critical"], kind="stacked"), tmp_path / "one_stacked.png")
    ax = plots.plot_profile(docs["critical"], frames=["repression", "popular_revolt"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["repression", "popular_revolt"]
    assert_png(ax, tmp_path / "one_heatmap.png")


def test_plot_profile_list_of_documents(tmp_path, docs):
    ax = plots.plot_profile(list(docs.values()))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["document 0", "document 1"]
    assert_png(ax, tmp_path / "list.png")


def test_plot_report(tmp_path, report):
    ax = plots.plot_report(report)
    assert len(ax.get_yticklabels()) == len(report.per_frame)
    assert_png(ax, tmp_path / "report.png")
    assert_png(plots.plot_report(report, sort=True, metrics=["f1"]), tmp_path / "report_f1.png")


def test_plot_report_and_confusion_from_folds(tmp_path, report):
    cv_like = {"folds": [report, report], "mean": {}, "std": {}}
    assert_png(plots.plot_report(cv_like), tmp_path / "report_cv.png")
    ax = plots.plot_confusion(cv_like)
    assert_png(ax, tmp_path / "confusion_cv.png")


def test_plot_calibration(tmp_path, report):
    ax = plots.plot_calibration(report)
    band = [b for b in report.calibration["bins"] if b["pairs"]]
    x, y = ax.lines[1].get_data()  # lines[0] is the diagonal
    assert list(x) == pytest.approx([b["mean_score"] for b in band])
    assert list(y) == pytest.approx([b["gold_rate"] for b in band])
    assert [t.get_text() for t in ax.texts] == [str(b["pairs"]) for b in band]
    assert_png(ax, tmp_path / "calibration.png")
    # Folds are pooled band by band: the same report twice gives the same points, twice the pairs.
    twice = plots.plot_calibration({"folds": [report, report], "mean": {}, "std": {}}, threshold=0.5)
    assert list(twice.lines[1].get_data()[0]) == pytest.approx(list(x))
    assert [t.get_text() for t in twice.texts] == [str(2 * b["pairs"]) for b in band]
    assert twice.lines[2].get_xdata()[0] == 0.5
    assert_png(twice, tmp_path / "calibration_cv.png")
    # Folds with thresholds of their own ("auto"): no line, unless one is given.
    other = dataclasses.replace(report, threshold=0.45)
    assert len(plots.plot_calibration([report, other]).lines) == 2
    assert len(plots.plot_calibration([report, other], threshold=0.4).lines) == 3


def test_plot_confusion_stance(tmp_path, report):
    ax = plots.plot_confusion(report)
    stances = list(report.stance_confusion)
    assert [t.get_text() for t in ax.get_yticklabels()] == stances
    assert [t.get_text() for t in ax.get_xticklabels()] == stances
    assert_png(ax, tmp_path / "confusion.png")
    assert_png(plots.plot_confusion(report, normalize=True), tmp_path / "confusion_norm.png")


def test_plot_confusion_frames(tmp_path, report):
    ax = plots.plot_confusion(report, kind="frame")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(report.per_frame)
    assert_png(ax, tmp_path / "frame_outcomes.png")


def test_plot_confusion_without_stances_falls_back_to_frames(tmp_path):
    texts = ["Bread prices rose.", "Troops fired at marchers.", "Wages went unpaid.", "Police beat students.",
             "Rents doubled.", "Tanks crushed the rally."]
    labels = [["Economic"], ["Violence"]] * 3
    model = framing.train(texts, labels, codebook=["Economic", "Violence"], min_df=1, cv=2)
    rep = framing.evaluate(texts, labels, model=model)
    assert rep.stance_confusion is None
    ax = plots.plot_confusion(rep)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Economic", "Violence"]
    assert_png(ax, tmp_path / "no_stance.png")
    with pytest.raises(ValueError, match="no stance confusion"):
        plots.plot_confusion(rep, kind="stance")


def test_plot_profile_of_a_model_without_stances(tmp_path):
    texts = ["Bread prices rose.", "Troops fired at marchers.", "Wages went unpaid.", "Police beat students.",
             "Rents doubled.", "Tanks crushed the rally."]
    model = framing.train(texts, [["Economic"], ["Violence"]] * 3, codebook=["Economic", "Violence"], min_df=1, cv=2)
    docs = {"a": model.analyze("Food prices rose.\n\nPolice fired at the rally."), "b": model.analyze("Rents doubled.")}
    assert_png(plots.plot_profile(docs, kind="stacked"), tmp_path / "no_stance_grid.png")
    assert_png(plots.plot_profile(docs["a"], kind="stacked"), tmp_path / "no_stance_bars.png")
    assert_png(plots.plot_profile(docs), tmp_path / "no_stance_heatmap.png")
    assert_png(plots.plot_passage(model.classify("Police fired at the rally.")), tmp_path / "no_stance_passage.png")
    with pytest.raises(ValueError, match="value='net' needs the stances"):
        plots.plot_profile(docs, value="net")


def test_bad_input_errors(docs, report):
    with pytest.raises(TypeError, match="expects a PassageResult"):
        plots.plot_passage(docs["state"])
    with pytest.raises(TypeError, match="pass one element of the list"):
        plots.plot_passage(framing.classify(["a", "b"]))
    with pytest.raises(ValueError, match="unknown frame 'nope'"):
        plots.plot_passage(framing.classify("a"), frames=["nope"])
    with pytest.raises(TypeError, match="expects a DocumentResult"):
        plots.plot_profile("an article")
    with pytest.raises(ValueError, match="at least one document"):
        plots.plot_profile({})
    with pytest.raises(ValueError, match="kind must be 'heatmap' or 'stacked'"):
        plots.plot_profile(docs, kind="pie")
    with pytest.raises(ValueError, match="value must be one of"):
        plots.plot_profile(docs, value="median")
    with pytest.raises(TypeError, match="expects an EvaluationReport"):
        plots.plot_report({"micro_f1": 0.5})
    with pytest.raises(ValueError, match="unknown metric 'auc'"):
        plots.plot_report(report, metrics=["auc"])
    with pytest.raises(ValueError, match="kind must be 'auto', 'stance' or 'frame'"):
        plots.plot_confusion(report, kind="roc")
    with pytest.raises(TypeError, match="must be a matplotlib Axes"):
        plots.plot_report(report, ax="left")
    with pytest.raises(TypeError, match="expects an EvaluationReport"):
        plots.plot_calibration([0.2, 0.9])
    old_report = dataclasses.replace(report, calibration=None)  # as unpickled from an older version
    with pytest.raises(ValueError, match="evaluate the model again"):
        plots.plot_calibration(old_report)


@pytest.mark.parametrize("blocked", ["matplotlib", "matplotlib.pyplot"])
def test_missing_matplotlib_says_how_to_install(monkeypatch, docs, report, blocked):
    # A None entry in sys.modules makes ``import`` raise ImportError, as if matplotlib were absent.
    monkeypatch.setitem(sys.modules, blocked, None)
    calls = [
        lambda: plots.plot_passage(framing.classify("Police fired on the crowd.")),
        lambda: plots.plot_profile(docs),
        lambda: plots.plot_report(report),
        lambda: plots.plot_confusion(report),
        lambda: plots.plot_calibration(report),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=r'pip install "framing\[notebooks\]"'):
            call()


def test_import_framing_plots_does_not_import_matplotlib():
    import subprocess

    code = "import sys, framing.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
