"""Reading what users have (issue 13, points 1, 4, 11 and 13): JSON records on stdin and in .json files
are records, not text; output paths are checked before any work; encodings, .gz, folders, delimiters;
metadata passes through; a Python list gives results back; a compact output mode."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys

import pytest

import framing
import framing.batch as batch
from framing.batch import classify_corpus
from framing.cli import main
from framing.errors import InputFormatError

from .conftest import interrupt_batch

NEWS = [
    {"id": "n1", "text": "Officials said 'foreign-trained terrorists' attacked the akimat.", "outlet": "Tass",
     "date": "2022-01-06", "url": "https://example.org/1"},
    {"id": "n2", "text": "Fuel prices doubled and the oil towns rose against the ruling clan.", "outlet": "RFE",
     "date": "2022-01-04", "url": "https://example.org/2"},
]


def jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def stdin(monkeypatch):
    def feed(data: bytes):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    return feed


# -- point 1: structured data is read as records -----------------------------------------------------

def test_json_lines_on_stdin_are_records_not_text(stdin, capsys):
    stdin(jsonl(NEWS).encode())
    assert main(["classify", "-q", "--compact"]) == 0
    got = lines(capsys.readouterr().out)
    expected = framing.classify([r["text"] for r in NEWS])
    assert [r["id"] for r in got] == ["n1", "n2"]
    assert [r["stances"] for r in got] == [e.stances for e in expected]
    assert [r["outlet"] for r in got] == ["Tass", "RFE"]


@pytest.mark.parametrize("name", ["news.json", "news.txt", "news"])
def test_a_json_array_is_records_whatever_the_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps(NEWS, indent=2), encoding="utf-8")
    got = classify_corpus(str(path), tmp_path / "out.jsonl", progress=False, compact=True)
    assert got["records"] == 2 and got["errors"] == 0
    out = lines((tmp_path / "out.jsonl").read_text())
    assert [r["id"] for r in out] == ["n1", "n2"] and out[1]["labels"] == framing.classify(NEWS[1]["text"]).labels


def test_prose_that_starts_with_a_bracket_stays_prose(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text("[Reuters] Police fired on the crowd.\n{Update} Calm returned.\n", encoding="utf-8")
    out = classify_corpus(str(path), tmp_path / "o.jsonl", progress=False, include_text=True)
    assert out["records"] == 2
    assert [r["text"] for r in lines((tmp_path / "o.jsonl").read_text())] == \
        ["[Reuters] Police fired on the crowd.", "{Update} Calm returned."]


def test_analyze_of_a_file_of_records_profiles_each_record(tmp_path, capsys):
    path = tmp_path / "news.jsonl"
    path.write_text(jsonl(NEWS), encoding="utf-8")
    assert main(["analyze", str(path), "-q"]) == 0
    got = lines(capsys.readouterr().out)
    assert [(r["id"], r["outlet"]) for r in got] == [("n1", "Tass"), ("n2", "RFE")]
    assert got[1]["dominant"] == framing.analyze(NEWS[1]["text"]).dominant
    assert [p["text"] for p in got[0]["passages"]] == [NEWS[0]["text"]]  # the text, not the JSON line


# -- point 4: the output path is checked before any work ----------------------------------------------

def test_an_output_directory_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(NEWS), encoding="utf-8")
    monkeypatch.setattr(batch, "_classify_dicts", lambda *a: pytest.fail("classified before checking the output"))
    assert main(["classify", str(src), "-o", str(tmp_path)]) == 2
    assert f"output {str(tmp_path)!r} is a directory; give a file name" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.parent.glob("*.partial"))
    with pytest.raises(ValueError, match=r"cannot tell the format from the extension '\.txt'"):
        classify_corpus(str(src), tmp_path / "out.txt", progress=False)
    with pytest.raises(TypeError, match="output must be a file path, '-', a writable stream or None; got int"):
        classify_corpus(str(src), 42, progress=False)


def test_parquet_output_is_parquet(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "frames.parquet"
    classify_corpus(NEWS, out, progress=False)
    table = pq.read_table(out).to_pylist()
    expected = framing.classify([r["text"] for r in NEWS])
    assert [row["id"] for row in table] == ["n1", "n2"] and [row["outlet"] for row in table] == ["Tass", "RFE"]
    assert [row["labels"] for row in table] == [e.labels for e in expected]
    assert table[0]["law_and_order"] == pytest.approx(expected[0]["law_and_order"].score, abs=1e-6)
    assert table[0]["law_and_order:stance"] == expected[0]["law_and_order"].stance
    classify_corpus(NEWS, tmp_path / "compact.parquet", progress=False, compact=True)
    assert pq.read_table(tmp_path / "compact.parquet").column_names == ["id", "outlet", "date", "url", "labels",
                                                                          "stances", "flags", "error"]


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r'writing Parquet needs pyarrow.*pip install "framing\[parquet\]"'):
        classify_corpus(NEWS, tmp_path / "frames.parquet", progress=False)
    assert not (tmp_path / "frames.parquet").exists() and not (tmp_path / "frames.parquet.partial").exists()


def test_a_rerun_without_resume_does_not_silently_discard_a_partial_run(tmp_path, monkeypatch, capsys):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(r["text"] for r in NEWS * 10) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with interrupt_batch(monkeypatch, at=3):
        assert main(["classify", str(src), "-o", str(out), "--batch-size", "4", "-q"]) == 130
    assert main(["classify", str(src), "-o", str(out), "--batch-size", "4", "-q"]) == 2
    err = capsys.readouterr().err
    assert "out.jsonl.partial holds 8 records of an interrupted run; continue it with resume=True (--resume)" in err
    assert "or start over with force=True (--force)" in err
    assert (tmp_path / "out.jsonl.partial").exists() and not out.exists()
    assert main(["classify", str(src), "-o", str(out), "--batch-size", "4", "--force"]) == 0
    assert "discarding" in capsys.readouterr().err
    assert len(lines(out.read_text())) == 20 and not (tmp_path / "out.jsonl.partial").exists()


# -- point 11: encodings, .gz, folders, delimiters, a missing text field -------------------------------

def test_an_encoding_can_be_given(tmp_path, capsys):
    path = tmp_path / "latin.txt"
    path.write_bytes("Police fired on the crowd \u2019s caf\u00e9.\n".encode("cp1252"))
    assert main(["classify", str(path), "-o", str(tmp_path / "a.jsonl"), "-q"]) == 1
    record = lines((tmp_path / "a.jsonl").read_text())[0]
    assert record["error"].startswith("not valid UTF-8") and "--encoding" in record["error"]
    assert main(["classify", str(path), "-o", str(tmp_path / "b.jsonl"), "-q", "--encoding", "cp1252",
                 "--include-text"]) == 0
    assert lines((tmp_path / "b.jsonl").read_text())[0]["text"] == "Police fired on the crowd \u2019s caf\u00e9."


def test_gzip_input_is_read(tmp_path):
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl(NEWS).encode()))
    classify_corpus(str(path), tmp_path / "o.jsonl", progress=False)
    assert [r["id"] for r in lines((tmp_path / "o.jsonl").read_text())] == ["n1", "n2"]
    csv_path = tmp_path / "news.csv.gz"
    csv_path.write_bytes(gzip.compress(b"id,text\na,Police fired on the crowd.\n"))
    assert classify_corpus(str(csv_path), tmp_path / "c.jsonl", progress=False)["errors"] == 0


def test_a_folder_without_txt_files_is_an_error_and_txt_is_read_in_any_case(tmp_path, capsys):
    (tmp_path / "a.md").write_text("# Police fired", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>Police fired</p>", encoding="utf-8")
    assert main(["classify", str(tmp_path), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 2
    assert "no .txt files in this folder (found: 1 .html, 1 .md)" in capsys.readouterr().err
    (tmp_path / "C.TXT").write_text("Soldiers opened fire on the peaceful rally.", encoding="utf-8")
    assert main(["classify", str(tmp_path), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 0
    assert [r["id"] for r in lines((tmp_path / "out.jsonl").read_text())] == ["C.TXT"]


def test_a_semicolon_separated_csv_gets_a_delimiter(tmp_path, capsys):
    path = tmp_path / "news.csv"
    path.write_text("id;text;outlet\na;Police fired on the crowd.;X\n", encoding="utf-8")
    assert main(["classify", str(path), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 2
    assert "the header looks ';'-separated: pass delimiter=';' (--delimiter)" in capsys.readouterr().err
    assert main(["classify", str(path), "-o", str(tmp_path / "o.jsonl"), "-q", "--delimiter", ";"]) == 0
    assert lines((tmp_path / "o.jsonl").read_text())[0]["outlet"] == "X"


def test_json_lines_without_the_text_field_stop_at_once(tmp_path, capsys):
    path = tmp_path / "news.jsonl"
    path.write_text(jsonl([{"id": i, "body": "Police fired."} for i in range(3)]), encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"line 1: the first record has no 'text' field \(it has \['body', "
                                               r"'id'\]\); name the field that holds the text with text_field="):
        classify_corpus(str(path), tmp_path / "o.jsonl", progress=False)
    assert main(["classify", str(path), "-o", str(tmp_path / "o.jsonl"), "--text-field", "body", "-q"]) == 0


# -- point 13: metadata, results from Python, compact output ---------------------------------------------

def test_metadata_passes_through_to_jsonl_and_csv(tmp_path):
    records = [dict(r, frames=["law_and_order"]) for r in NEWS]  # a field named like an output field
    classify_corpus(records, tmp_path / "o.jsonl", progress=False)
    classify_corpus(records, tmp_path / "o.csv", progress=False)
    got = lines((tmp_path / "o.jsonl").read_text())
    assert [(r["outlet"], r["date"], r["url"], r["input_frames"]) for r in got] == \
        [(r["outlet"], r["date"], r["url"], ["law_and_order"]) for r in NEWS]
    assert len(got[0]["frames"]) == 8  # the model's frames, not the input field
    rows = list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    assert list(rows[0])[:6] == ["id", "outlet", "date", "url", "input_frames", "labels"]
    assert rows[1]["outlet"] == "RFE" and json.loads(rows[1]["input_frames"]) == ["law_and_order"]
    only = classify_corpus(records, progress=False, keep_fields=["outlet"])
    assert [set(r) for r in only] == [{"id", "outlet", "labels", "frames", "threshold", "flags"}] * 2


def test_a_python_list_gives_the_results_back(capsys):
    got = classify_corpus([r["text"] for r in NEWS], progress=False)
    assert capsys.readouterr().out == ""
    assert isinstance(got, list) and [r["id"] for r in got] == [0, 1]
    assert [r["labels"] for r in got] == [e.labels for e in framing.classify([r["text"] for r in NEWS])]


def test_compact_output_has_labels_and_stances_only(tmp_path):
    got = classify_corpus(NEWS, progress=False, compact=True)
    expected = framing.classify([r["text"] for r in NEWS])
    assert got == [{"id": r["id"], "outlet": r["outlet"], "date": r["date"], "url": r["url"], "labels": e.labels,
                    "stances": e.stances, "flags": list(e.flags)} for r, e in zip(NEWS, expected)]
    classify_corpus(NEWS, tmp_path / "o.csv", progress=False, compact=True)
    rows = list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "outlet", "date", "url", "labels", "stances", "flags", "error"]
    assert rows[0]["stances"] == ";".join(f"{f}:{s}" for f, s in expected[0].stances.items())
