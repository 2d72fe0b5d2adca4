"""classify_corpus: streaming, order and ids, error records, atomic output, resume, joblib and Dask."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

import framing
import framing.batch as batch
from framing.articles import classify_articles
from framing.batch import classify_corpus

SENTENCES = [
    "Soldiers opened fire on the peaceful rally and dozens were arrested.",
    "Bandits and terrorists attacked police stations, the ministry said.",
    "Fuel prices doubled and the oil towns rose against the ruling clan.",
    "Peacekeepers will guard the airport, as the treaty provides.",
    "The weather stayed mild and the markets were calm.",
    "Officials said foreign-trained militants had crossed the border.",
]
# 36 distinct passages: the sentences, and every ordered pair of them.
PASSAGES = SENTENCES + [f"{a} {b}" for a in SENTENCES for b in SENTENCES if a != b]


def records(n: int = 60) -> list[dict]:
    return [{"id": f"p{i:03d}", "text": PASSAGES[i % len(PASSAGES)]} for i in range(n)]


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def model(tiny_model):
    """The small two-frame model of conftest.py (fitted once per session)."""
    return tiny_model


STRIKE = "Fuel prices doubled and workers went on strike over unpaid wages."


# -- order, ids, one record per input ------------------------------------------------------------

def test_jsonl_order_ids_and_error_records(tmp_path, model):
    lines = records(25)
    lines.insert(3, "{broken json")
    lines.insert(7, "")  # blank line: not a record
    lines.insert(10, {"id": "no-text", "body": "x"})
    lines.insert(12, {"id": "num", "text": 42})
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    summary = classify_corpus(src, out, model=model, batch_size=4, progress=False)
    got = read_jsonl(out)
    assert summary["records"] == len(got) == 28 and summary["errors"] == 3
    assert [r["id"] for r in got] == [x["id"] if isinstance(x, dict) else 4 for x in lines if x != ""]
    assert got[3] == {"id": 4, "line": 4, "error": got[3]["error"]} and "not valid JSON" in got[3]["error"]
    assert got[9]["line"] == 11 and got[9]["error"].startswith("missing field 'text'")
    assert got[11]["line"] == 13 and "'text' must be a string, got int (42)" == got[11]["error"]
    expected = model.classify([x["text"] for x in records(25)])
    ok = [r for r in got if "error" not in r]
    assert [r["labels"] for r in ok] == [e.labels for e in expected]
    assert all("text" not in r for r in ok)
    assert not (tmp_path / "out.jsonl.partial").exists() and not (tmp_path / "out.jsonl.progress.json").exists()


def test_text_lines_every_line_is_a_record(tmp_path, model):
    src = tmp_path / "in.txt"
    src.write_bytes(STRIKE.encode() + b"\r\n\nBad byte \xff here\nBandits looted the shops.")
    out = tmp_path / "out.jsonl"
    summary = classify_corpus(src, out, model=model, progress=False, include_text=True)
    got = read_jsonl(out)
    assert [r["id"] for r in got] == [1, 2, 3, 4]
    assert got[0]["text"] == STRIKE and got[0]["labels"] == model.classify(STRIKE).labels != []
    assert got[1]["labels"] == [] and got[1]["flags"] == ["empty"]
    assert got[2]["line"] == 3 and got[2]["error"].startswith("not valid UTF-8")
    assert summary["errors"] == 1


def test_csv_in_csv_out(tmp_path, model):
    src = tmp_path / "in.csv"
    src.write_text(f'doc,text\na,"{STRIKE}"\nb,x,extra\nc,Bandits looted shops.\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    summary = classify_corpus(src, out, model=model, id_field="doc", progress=False)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["a", "b", "c"] and summary["errors"] == 1
    expected = model.classify(STRIKE)
    assert rows[0]["labels"] == ";".join(expected.labels) != ""
    for p in expected.frames:
        assert float(rows[0][p.frame]) == pytest.approx(p.score, abs=1e-6)
        assert rows[0][f"{p.frame}:stance"] == (p.stance or "")  # empty cell: frame not labelled
    assert rows[1]["error"] == "expected 2 fields, got 3" and rows[1]["repression"] == ""
    with pytest.raises(ValueError, match=r"expected a header row with a 'body' column"):
        classify_corpus(src, tmp_path / "o2.csv", model=model, text_field="body", progress=False)


def test_directory_of_articles(tmp_path, model):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    article = "The weather was mild.\n\n" + STRIKE
    (tmp_path / "docs" / "b.txt").write_text(article, encoding="utf-8")
    (tmp_path / "docs" / "sub" / "a.txt").write_text("Bandits attacked police stations.", encoding="utf-8")
    (tmp_path / "docs" / "notes.md").write_text("not an article", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    classify_corpus(tmp_path / "docs", out, model=model, progress=False)
    got = read_jsonl(out)
    assert [r["id"] for r in got] == ["b.txt", "sub/a.txt"]
    assert got[0]["labels"] == classify_articles(article, model=model).labels != []
    assert got[0]["frames"] == [p.to_dict() for p in classify_articles(article, model=model).frames]


def test_iterables_and_streams(model):
    out = io.StringIO()
    classify_corpus(["Bandits looted shops.", {"id": "x", "text": "Calm day."}, 3.5], out, model=model, progress=False)
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in got] == [0, "x", 2]
    assert got[2] == {"id": 2, "line": 3, "error": "expected a str or a dict with a 'text' field, got float"}
    out = io.StringIO()
    stream = io.BytesIO(json.dumps({"id": "s", "text": "Calm."}).encode() + b"\n")
    classify_corpus(stream, out, model=model, input_format="jsonl", progress=False)
    assert json.loads(out.getvalue())["id"] == "s"


def test_lone_surrogates_give_valid_utf8_json(tmp_path, model):
    out = tmp_path / "o.jsonl"
    classify_corpus([{"id": "bad\ud800id", "text": "Police \udc80 fired."}], out, model=model, include_text=True,
                    progress=False)
    record = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8 decoding succeeds
    assert record["id"] == "bad\ud800id" and record["text"] == "Police \udc80 fired."


def test_memory_is_bounded_by_batches(tmp_path, model, monkeypatch):
    pulled = {"n": 0, "ahead": 0}
    done = {"n": 0}
    real = batch._classify_dicts

    def counting(m, texts, *args):
        done["n"] += len(texts)
        return real(m, texts, *args)

    def source():
        for i in range(400):
            pulled["n"] += 1
            pulled["ahead"] = max(pulled["ahead"], pulled["n"] - done["n"])
            yield PASSAGES[i % len(PASSAGES)]

    monkeypatch.setattr(batch, "_classify_dicts", counting)
    summary = classify_corpus(source(), tmp_path / "o.jsonl", model=model, batch_size=20, progress=False)
    assert summary["records"] == 400
    assert pulled["ahead"] <= 20  # sequential: one batch read, classified and written at a time


# -- errors as exceptions ----------------------------------------------------------------------

def test_on_error_raise_names_the_line_and_leaves_no_output(tmp_path, model):
    src = write_jsonl(tmp_path / "in.jsonl", records(10) + ["{oops"])
    out = tmp_path / "out.jsonl"
    with pytest.raises(ValueError, match=r"in\.jsonl, line 11 \(id 11\): not valid JSON"):
        classify_corpus(src, out, model=model, batch_size=4, on_error="raise", progress=False)
    assert not out.exists()
    assert len((tmp_path / "out.jsonl.partial").read_text().splitlines()) == 8  # the two full batches before it


@pytest.mark.parametrize("kwargs, error, message", [
    ({"on_error": "skip"}, ValueError, "on_error must be 'record' or 'raise'"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive int"),
    ({"n_jobs": 0}, ValueError, "n_jobs must be a positive int or -1"),
    ({"threshold": 1.5}, ValueError, "threshold must be a number between 0 and 1"),
    ({"scheduler": 42}, TypeError, "scheduler must be an address"),
    ({"input_format": "xml"}, ValueError, "input_format must be"),
])
def test_bad_arguments(tmp_path, model, kwargs, error, message):
    with pytest.raises(error, match=message):
        classify_corpus(["a"], tmp_path / "o.jsonl", model=model, progress=False, **kwargs)


def test_missing_input_and_bad_model(tmp_path, model):
    with pytest.raises(FileNotFoundError, match="input file not found"):
        classify_corpus(tmp_path / "nope.jsonl", tmp_path / "o.jsonl", model=model, progress=False)
    assert list(tmp_path.iterdir()) == []  # nothing written for an input that cannot be read
    with pytest.raises(framing.ModelFileError, match="not a model directory"):
        classify_corpus(["a"], tmp_path / "o.jsonl", model=tmp_path / "no-model", progress=False)


# -- interruption and resume -------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def fail_after(monkeypatch, n_batches: int) -> None:
    real = batch._classify_dicts
    calls = {"n": 0}

    def flaky(m, texts, *args):
        calls["n"] += 1
        if calls["n"] > n_batches:
            raise Boom("simulated crash")
        return real(m, texts, *args)

    monkeypatch.setattr(batch, "_classify_dicts", flaky)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_interrupted_run_leaves_no_output_and_resume_completes_exactly(tmp_path, model, monkeypatch, suffix):
    lines = records(50)
    lines.insert(20, "{bad")
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    reference = tmp_path / f"reference{suffix}"
    classify_corpus(src, reference, model=model, batch_size=8, progress=False)

    out = tmp_path / f"out{suffix}"
    out.write_text("previous complete output\n")  # an older finished file must survive a crash
    with monkeypatch.context() as m:
        fail_after(m, 3)
        with pytest.raises(Boom):
            classify_corpus(src, out, model=model, batch_size=8, progress=False)
    assert out.read_text() == "previous complete output\n"
    state = json.loads((tmp_path / f"out{suffix}.progress.json").read_text())
    assert state["records"] == 24 and state["errors"] == 1
    with (tmp_path / f"out{suffix}.partial").open("ab") as fh:
        fh.write(b'{"id": "half-written')  # a crash in the middle of a write

    summary = classify_corpus(src, out, model=model, batch_size=8, resume=True, progress=False)
    assert summary["resumed_from"] == 24 and summary["records"] == 51 and summary["errors"] == 1
    assert out.read_bytes() == reference.read_bytes()
    assert not (tmp_path / f"out{suffix}.partial").exists()
    assert not (tmp_path / f"out{suffix}.progress.json").exists()


def test_resume_without_partial_starts_over_and_settings_must_match(tmp_path, model, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", records(20))
    out = tmp_path / "out.jsonl"
    assert classify_corpus(src, out, model=model, batch_size=8, resume=True, progress=False)["resumed_from"] == 0
    assert len(read_jsonl(out)) == 20
    with monkeypatch.context() as m:
        fail_after(m, 1)
        with pytest.raises(Boom):
            classify_corpus(src, out, model=model, batch_size=8, progress=False)
    with pytest.raises(ValueError, match=r"different settings \(threshold\)"):
        classify_corpus(src, out, model=model, batch_size=8, threshold=0.3, resume=True, progress=False)
    with pytest.raises(ValueError, match="needs an output file path"):
        classify_corpus(src, io.StringIO(), model=model, resume=True, progress=False)
    src.write_text("")  # the input shrank since the interrupted run
    with pytest.raises(ValueError, match="the input has 0 records but the interrupted run wrote 8"):
        classify_corpus(src, out, model=model, batch_size=8, resume=True, progress=False)


def test_progress_goes_to_stderr(tmp_path, model, capsys):
    classify_corpus(["Calm day."] * 3, tmp_path / "o.jsonl", model=model)
    captured = capsys.readouterr()
    assert captured.out == "" and "framing: 3 records, 0 errors" in captured.err


# -- parallel and distributed --------------------------------------------------------------------

def test_two_jobs_equal_one_job(tmp_path, tiny_model):
    src = write_jsonl(tmp_path / "in.jsonl", records(60) + ["{bad"])
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    classify_corpus(src, one, model=tiny_model, batch_size=7, progress=False)
    summary = classify_corpus(src, two, model=tiny_model, batch_size=7, n_jobs=2, progress=False)
    assert summary["records"] == 61 and summary["errors"] == 1
    assert two.read_bytes() == one.read_bytes()


def test_worker_pool_leaves_joblib_parallel_working(tmp_path, tiny_model):
    """The pool of ``n_jobs=2`` is the process's one reusable pool: a later joblib.Parallel (as in
    scikit-learn's n_jobs) must work after it, and it after a joblib.Parallel. A plain loky pool
    made the later Parallel fail inside joblib."""
    from joblib import Parallel, delayed

    src = write_jsonl(tmp_path / "in.jsonl", records(20))
    classify_corpus(src, tmp_path / "a.jsonl", model=tiny_model, n_jobs=2, progress=False)
    assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
    summary = classify_corpus(src, tmp_path / "b.jsonl", model=tiny_model, n_jobs=2, progress=False)
    assert summary["records"] == 20 and (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()


def test_dask_missing_gives_a_clear_error(tmp_path, model, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'framing\[dask\]'"):
        classify_corpus(["a"], tmp_path / "o.jsonl", model=model, scheduler="tcp://127.0.0.1:1", progress=False)


def test_dask_local_cluster_equals_sequential(tmp_path, tiny_model):
    distributed = pytest.importorskip("distributed")
    src = write_jsonl(tmp_path / "in.jsonl", records(60) + ["{bad"])
    reference, out = tmp_path / "ref.jsonl", tmp_path / "dask.jsonl"
    classify_corpus(src, reference, model=tiny_model, batch_size=9, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        summary = classify_corpus(src, out, model=tiny_model, batch_size=9, scheduler=cluster.scheduler_address,
                                  progress=False)
        with distributed.Client(cluster) as client:
            out2 = tmp_path / "dask2.jsonl"
            classify_corpus(src, out2, model=tiny_model, batch_size=9, scheduler=client, progress=False)
            assert client.status == "running"  # a client we were given is left open
    assert summary["records"] == 61 and summary["errors"] == 1
    assert out.read_bytes() == reference.read_bytes() == out2.read_bytes()


def test_csv_and_jsonl_leave_the_stance_of_unlabelled_frames_empty(tmp_path, model):
    """Issue 13, point 2: a table filtered on a stance counts only detected frames."""
    texts = [STRIKE, "The weather stayed mild and the markets were calm."]
    classify_corpus(texts, tmp_path / "out.csv", model=model, progress=False)
    classify_corpus(texts, tmp_path / "out.jsonl", model=model, progress=False)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    records = read_jsonl(tmp_path / "out.jsonl")
    for row, record in zip(rows, records):
        labels = row["labels"].split(";") if row["labels"] else []
        assert labels == record["labels"]
        for frame in model.classes_:
            assert (row[f"{frame}:stance"] != "") == (frame in labels)
        assert all((f["stance"] is not None) == (f["frame"] in labels) for f in record["frames"])
        assert all(f["stance_scores"] for f in record["frames"])
    assert rows[1]["labels"] == "" and all(row == "" for k, row in rows[1].items() if k.endswith(":stance"))
