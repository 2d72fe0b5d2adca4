"""The framing command line, run in-process through main(), plus one real subprocess; exit codes pinned."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import framing
from framing.cli import main

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS, interrupt_batch

FIXTURES = Path(__file__).parent / "fixtures"
STRIKE = "Fuel prices doubled and workers went on strike over unpaid wages."


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def labelled(workdir):
    path = workdir / "labelled.jsonl"
    path.write_text("".join(json.dumps({"id": f"t{i}", "text": t, "frames": label}) + "\n"
                            for i, (t, label) in enumerate(zip(TINY_TEXTS, TINY_LABELS))), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_dir(workdir, labelled):
    codebook = workdir / "tiny.json"
    codebook.write_text(json.dumps(TINY_CODEBOOK), encoding="utf-8")
    out = workdir / "model"
    assert main(["train", str(labelled), "-o", str(out), "--codebook", str(codebook), "-q"]) == 0
    return out


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- help, usage errors ------------------------------------------------------------------------

def test_help_in_process_and_as_a_subprocess(capsys):
    assert main(["--help"]) == 0
    assert "classify" in capsys.readouterr().out
    proc = subprocess.run([sys.executable, "-m", "framing.cli", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    for command in ("classify", "analyze", "train", "evaluate", "suggest", "info"):
        assert command in proc.stdout
    assert "Exit codes" in proc.stdout


@pytest.mark.parametrize("argv, message", [
    ([], "the following arguments are required: COMMAND"),
    (["classify", "--threshold", "2"], "expected a number between 0 and 1, got '2'"),
    (["classify", "--n-jobs", "0"], "expected a positive integer, got '0'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_usage_errors_exit_2(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# -- classify ------------------------------------------------------------------------------------

def test_classify_file_to_file(tmp_path, model_dir, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": STRIKE}) + "\n" + json.dumps({"id": "b", "text": "Calm."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir)]) == 0
    got = lines(out.read_text())
    assert [r["id"] for r in got] == ["a", "b"] and got[0]["labels"] == ["popular_revolt"]
    assert "framing: 2 records, 0 errors" in capsys.readouterr().err  # progress on stderr


def test_classify_record_errors_exit_1_and_raise_exits_2(tmp_path, model_dir, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": STRIKE}) + "\n{broken\n")
    out = tmp_path / "out.csv"
    assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir), "-q"]) == 1
    assert "1 of 2 records could not be read" in capsys.readouterr().err
    assert out.read_text().splitlines()[0].startswith("id,labels,flags,error,repression")
    assert main(["classify", str(src), "-o", str(tmp_path / "o2.jsonl"), "--model", str(model_dir), "-q",
                 "--on-error", "raise"]) == 2
    assert "in.jsonl, line 2 (id 2): not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "o2.jsonl").exists()


def test_classify_stdin_to_stdout(monkeypatch, capsys, model_dir):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{STRIKE}\n\nCalm day.\n".encode())))
    assert main(["classify", "--model", str(model_dir), "-q", "--include-text"]) == 0
    got = lines(capsys.readouterr().out)
    assert [(r["id"], r["text"]) for r in got] == [(1, STRIKE), (2, ""), (3, "Calm day.")]


def test_classify_summary_lines(monkeypatch, capsys):
    text = "Officials keep talking about 'foreign-trained terrorists', yet no foreign fighter has been shown."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{text}\nThe weather was mild.\n\n".encode())))
    assert main(["classify", "-q", "--output-format", "summary"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    expected = framing.classify(text)
    first = out[0].split("\t")
    assert first[0] == "1" and [p.split(" (")[0] for p in first[1].split(" | ")] == expected.labels
    assert f"{expected.labels[0]} ({expected[expected.labels[0]].stance}, " in first[1]
    assert out[1] == "2\tno frame" and out[2] == "3\tno frame  [empty]"


def test_classify_spans(tmp_path, model_dir, capsys):
    src = tmp_path / "in.jsonl"
    text = "Riot police beat the 'peaceful' strikers and detained dozens."
    src.write_text(json.dumps({"id": "a", "text": text}) + "\n" + json.dumps({"id": "b", "text": "Calm."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir), "--spans", "-q"]) == 0
    got = lines(out.read_text())
    frame = next(f for f in got[0]["frames"] if f["frame"] == "repression")
    assert got[0]["labels"] == ["repression"] and frame["sentence"]["start"] == 0
    surfaces = {text[a:b] for e in frame["evidence"] for a, b in e["spans"]}
    assert {"Riot police", "detained"} <= surfaces
    assert "sentence" not in lines(batch_plain(src, tmp_path, model_dir))[0]["frames"][0]
    for bad, message in [(["-o", str(tmp_path / "o.csv")], "spans are written to JSONL output only"),
                         (["--articles"], "spans are not available for whole articles")]:
        assert main(["classify", str(src), "--model", str(model_dir), "--spans", "-q", *bad]) == 2
        assert message in capsys.readouterr().err


def batch_plain(src, tmp_path, model_dir) -> str:
    out = tmp_path / "plain.jsonl"
    assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir), "-q"]) == 0
    return out.read_text()


def test_classify_bad_input_and_bad_model_exit_2(tmp_path, model_dir, capsys):
    assert main(["classify", str(tmp_path / "missing.jsonl"), "--model", str(model_dir)]) == 2
    assert "input file not found" in capsys.readouterr().err
    assert main(["classify", str(tmp_path), "--model", str(tmp_path / "nope")]) == 2
    assert "not a model directory" in capsys.readouterr().err


def test_classify_resume_after_interruption(tmp_path, model_dir, monkeypatch):
    src = tmp_path / "in.txt"
    src.write_text("\n".join([STRIKE, "Calm.", "Police detained strikers."] * 10) + "\n")
    out = tmp_path / "out.jsonl"
    with interrupt_batch(monkeypatch, at=3):
        assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir), "--batch-size", "4", "-q"]) == 130
    assert not out.exists() and (tmp_path / "out.jsonl.partial").exists()
    assert main(["classify", str(src), "-o", str(out), "--model", str(model_dir), "--batch-size", "4", "-q",
                 "--resume"]) == 0
    assert [r["id"] for r in lines(out.read_text())] == list(range(1, 31))


# -- analyze, train, evaluate, suggest, info -------------------------------------------------------

def test_analyze_article(tmp_path, model_dir, capsys):
    article = tmp_path / "article.txt"
    article.write_text(f"The weather was mild.\n\n{STRIKE}\n", encoding="utf-8")
    assert main(["analyze", str(article), "--model", str(model_dir)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["passages"]) == 2 and doc["passages"][1]["labels"] == ["popular_revolt"]
    assert set(doc["profile"]) == {"repression", "popular_revolt"}
    assert [(p["start"], p["end"]) for p in doc["passages"]] == [(0, 21), (23, 23 + len(STRIKE))]
    assert "sentence" not in doc["passages"][1]["frames"][0]
    assert main(["analyze", str(article), "--model", str(model_dir), "--spans"]) == 0
    located = json.loads(capsys.readouterr().out)["passages"][1]
    text = article.read_text(encoding="utf-8")
    frame = next(f for f in located["frames"] if f["frame"] == "popular_revolt")
    assert {text[a:b] for e in frame["evidence"] for a, b in e["spans"]} >= {"strike", "wages"}
    page = tmp_path / "article.html"
    assert main(["analyze", str(article), "--model", str(model_dir), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "popular_revolt" in html and "background:" in html


def test_train_evaluate_info_suggest_round_trip(tmp_path, model_dir, labelled, capsys):
    assert main(["evaluate", str(labelled), "--model", str(model_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_passages"] == len(TINY_TEXTS) and 0.5 < report["micro_f1"] <= 1.0
    assert main(["evaluate", str(labelled), "--model", str(model_dir)]) == 0
    assert "micro F1" in capsys.readouterr().out and "intervals" not in report
    assert main(["evaluate", str(labelled), "--model", str(model_dir), "--group-field", "id", "--json"]) == 0
    low, high = json.loads(capsys.readouterr().out)["intervals"]["micro_f1"]
    assert low <= report["micro_f1"] <= high

    assert main(["info", "--model", str(model_dir), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["codebook"]["frames"] == ["repression", "popular_revolt"]
    assert info["training"]["passages"] == len(TINY_TEXTS)
    assert main(["info", "--model", str(model_dir)]) == 0
    assert "codebook:   tiny" in capsys.readouterr().out

    pool = tmp_path / "pool.txt"
    pool.write_text("\n".join(["Police detained strikers.", "Calm day.", "Prices rose; some marched.", STRIKE]))
    assert main(["suggest", str(pool), "--model", str(model_dir), "-n", "2"]) == 0
    picks = lines(capsys.readouterr().out)
    assert len(picks) == 2 and all("near the threshold" in p["reason"] for p in picks)
    assert all(p["id"] == p["index"] + 1 for p in picks)  # ids are line numbers
    tasks_file = tmp_path / "tasks.json"
    assert main(["suggest", str(pool), "--model", str(model_dir), "-n", "2", "--output-format", "label-studio",
                 "-o", str(tasks_file)]) == 0
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert [t["data"]["id"] for t in tasks] == [p["id"] for p in picks]
    assert all(t["predictions"][0]["model_version"].startswith("framing ") for t in tasks)
    sheet = tmp_path / "tasks.csv"
    assert main(["suggest", str(pool), "--model", str(model_dir), "-n", "2", "--output-format", "csv",
                 "-o", str(sheet)]) == 0
    assert framing.read_csv(sheet).ids == [str(p["id"]) for p in picks]
    assert main(["suggest", str(pool), "--model", str(model_dir), "--output-format", "csv"]) == 2
    assert "--output-format csv writes a file; give it with -o" in capsys.readouterr().err


def test_train_on_semeval_layouts(tmp_path, capsys):
    out = tmp_path / "m23"
    assert main(["train", str(FIXTURES / "semeval2023"), "-o", str(out), "--lang", "en"]) == 0
    assert "training on 8 articles" in capsys.readouterr().err
    assert main(["info", "--model", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["codebook"]["frames"] == ["Economic", "Political", "Security_and_defense"]
    assert info["training"]["unit"] == "article"
    assert main(["evaluate", str(FIXTURES / "semeval2023"), "--split", "dev", "--model", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_passages"] == 2

    assert main(["train", str(FIXTURES / "semeval2025" / "EN"), "-o", str(tmp_path / "m25")]) == 0
    assert "left out 1 frame(s) with fewer than 2 examples: Other" in capsys.readouterr().err


def test_train_errors_exit_2(tmp_path, labelled, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x1", "text": "Some text.", "frames": ["no_such_frame"]}) + "\n")
    assert main(["train", str(bad), "-o", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "record 'x1': unknown frame 'no_such_frame'" in err and "valid frames:" in err
    assert main(["train", str(FIXTURES / "semeval2023"), "-o", str(tmp_path / "m"), "--include-default-corpus"]) == 2
    assert "cannot be combined with article training" in capsys.readouterr().err
    assert main(["train", str(tmp_path / "data.xml"), "-o", str(tmp_path / "m")]) == 2
    assert "use --format jsonl|csv" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


# -- defaults and the threshold "auto" chose (issue 13, point 10) ----------------------------------

def test_train_help_shows_the_estimators_own_defaults(capsys):
    defaults = framing.FrameClassifier().get_params()
    assert main(["train", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {defaults['threshold']})" in help_text and f"(default {defaults['C']})" in help_text
    assert "(default 0.5)" not in help_text and "(default 4.0)" not in help_text


def test_train_accepts_auto_and_info_and_the_model_card_show_the_chosen_threshold(tmp_path, labelled, capsys):
    out = tmp_path / "m"
    assert main(["train", str(labelled), "-o", str(out), "--codebook", "from-labels", "--threshold", "auto", "-q"]) == 0
    model = framing.load_model(out)
    chosen = model.decision_threshold_
    assert model.threshold == "auto" and 0.1 <= chosen <= 0.9
    assert main(["info", "--model", str(out)]) == 0
    assert f"threshold:  {chosen:g} (threshold=\"auto\": the value with the best micro-F1" in capsys.readouterr().out
    assert main(["info", "--model", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decision_threshold"] == chosen
    assert f"- Decision threshold: {chosen:g} (threshold=\"auto\"" in (out / "MODEL_CARD.md").read_text("utf-8")
    assert main(["train", str(labelled), "-o", str(tmp_path / "m2"), "--codebook", "from-labels", "--threshold",
                 "0.45", "-q"]) == 0
    assert "- Decision threshold: 0.45 (set by the threshold parameter)" in (tmp_path / "m2" / "MODEL_CARD.md").read_text()


def test_train_latent_dims_and_n_jobs_reach_the_model(tmp_path, labelled, capsys):
    out = tmp_path / "m"
    assert main(["train", str(labelled), "-o", str(out), "--codebook", "from-labels", "--latent-dims", "4",
                 "--n-jobs", "2"]) == 0
    err = capsys.readouterr().err
    assert "latent topics: 4 dimensions" in err and "fitting in up to 2 processes" in err
    model = framing.load_model(out)
    assert model.latent_dims == 4 and model.n_jobs == 2


def test_train_reports_its_stages_unless_quiet(tmp_path, labelled, capsys):
    """Issue 13, point 9: the command line shows each stage of a long fit on stderr (-q: nothing)."""
    assert main(["train", str(labelled), "-o", str(tmp_path / "m"), "--codebook", "from-labels"]) == 0
    err = capsys.readouterr().err
    assert "fitting 2 frames on 24 passages" in err and "calibration fold 5/5 done" in err and "fit done" in err
    assert main(["train", str(labelled), "-o", str(tmp_path / "m2"), "--codebook", "from-labels", "-q"]) == 0
    assert capsys.readouterr().err == ""
