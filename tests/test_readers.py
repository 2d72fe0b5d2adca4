"""Readers of labelled data: JSONL, CSV, DataFrames and the two SemEval layouts (on hand-written fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import framing
from framing.errors import CodebookError, LabelError
from framing.readers import (LabelledData, codebook_from_labels, from_dataframe, read_csv, read_jsonl,
                             read_semeval2023, read_semeval2025)

FIXTURES = Path(__file__).parent / "fixtures"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, *records) -> Path:
    return write(path, "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))


# -- JSONL ------------------------------------------------------------------------------------

def test_jsonl_reads_lists_mappings_ids_and_groups(tmp_path):
    p = jsonl(tmp_path / "d.jsonl",
              {"id": "a", "text": "Police beat students.", "frames": {"repression": "endorsed"}, "event": "e1"},
              "",
              {"id": 7, "text": "Prices rose.", "frames": [], "event": "e2"},
              {"id": "c", "text": "Troops fired.", "frames": ["repression", "repression"], "event": "e1"})
    data = read_jsonl(p, group_field="event")
    assert data.texts == ["Police beat students.", "Prices rose.", "Troops fired."]
    assert data.labels == [{"repression": "endorsed"}, [], ["repression"]]  # a repeated frame is kept once
    assert data.ids == ["a", "7", "c"]
    assert data.groups == ["e1", "e2", "e1"]
    assert len(data) == 3


def test_jsonl_without_ids_uses_file_and_line(tmp_path):
    p = jsonl(tmp_path / "d.jsonl", {"text": "One.", "frames": []}, "", {"text": "Two.", "frames": []})
    assert read_jsonl(p).ids == ["d.jsonl:1", "d.jsonl:3"]


@pytest.mark.parametrize("line, message", [
    ("{not json", r"line 2: not valid JSON"),
    ('["a list"]', r"line 2: expected a JSON object, got list"),
    ('{"id": "b", "frames": []}', r"line 2 \(id 'b'\): missing field 'text'"),
    ('{"id": "b", "text": null, "frames": []}', r"line 2 \(id 'b'\): 'text' must be a string; got NoneType"),
    ('{"id": "b", "text": "   ", "frames": []}', r"line 2 \(id 'b'\): empty text"),
    ('{"id": "b", "text": "x", "frames": "repression"}', r"'frames' must be a list of frame ids or a mapping"),
    ('{"id": "b", "text": "x", "frames": [3]}', r"must list frame ids as non-empty strings; got 3"),
    ('{"id": "b", "text": "x", "frames": {"repression": 1}}', r"the stance of 'repression' must be a string or null"),
    ('{"id": "a", "text": "x", "frames": []}', r"line 2 \(id 'a'\): duplicate id 'a' \(first seen at .*line 1"),
    ('{"id": ["x"], "text": "x", "frames": []}', r"id must be a string or an integer"),
])
def test_jsonl_malformed_record_names_file_and_line(tmp_path, line, message):
    p = jsonl(tmp_path / "bad.jsonl", {"id": "a", "text": "Fine.", "frames": []}, line)
    with pytest.raises(LabelError, match=message) as info:
        read_jsonl(p)
    assert "bad.jsonl, line 2" in str(info.value)


def test_jsonl_invalid_utf8_and_missing_group(tmp_path):
    p = write(tmp_path / "u.jsonl", b'{"text": "ok", "frames": []}\n{"text": "caf\xe9", "frames": []}\n')
    with pytest.raises(LabelError, match=r"u\.jsonl, line 2: not valid UTF-8"):
        read_jsonl(p)
    p = jsonl(tmp_path / "g.jsonl", {"text": "ok", "frames": [], "event": "e"}, {"text": "ok 2", "frames": []})
    with pytest.raises(LabelError, match=r"line 2.*missing field 'event'"):
        read_jsonl(p, group_field="event")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="JSONL file not found"):
        read_jsonl(tmp_path / "nope.jsonl")


# -- CSV ----------------------------------------------------------------------------------------

def test_csv_parses_frames_stances_and_colons(tmp_path):
    p = write(tmp_path / "d.csv",
              'id,text,frames,event\n'
              'a,"Police beat students, then left.",repression:endorsed;popular_revolt,e1\n'
              'b,"Multi\nline text.",,e2\n'
              'c,Climate plans cost too much.,CC: Criticism of policies;Other,e1\n'
              'd,x y,repression:disputed; ;,e2\n')
    data = read_csv(p, group_field="event")
    assert data.ids == ["a", "b", "c", "d"]
    assert data.labels == [{"repression": "endorsed", "popular_revolt": None}, [],
                           ["CC: Criticism of policies", "Other"], {"repression": "disputed"}]
    assert data.texts[1] == "Multi\nline text."
    assert data.groups == ["e1", "e2", "e1", "e2"]


def test_csv_custom_stances_and_missing_id_column(tmp_path):
    p = write(tmp_path / "d.csv", "text,frames\nOne.,Economic:pro\nTwo.,Economic:anti;Morality\n")
    data = read_csv(p, stances=["pro", "anti"])
    assert data.ids == ["d.csv:2", "d.csv:3"]
    assert data.labels == [{"Economic": "pro"}, {"Economic": "anti", "Morality": None}]


@pytest.mark.parametrize("body, message", [
    ("id,text\na,x\n", r"missing column\(s\) \['frames'\]; the header has \['id', 'text'\]"),
    ("", r"empty file"),
    ("id,text,frames\na,x,repression\nb,y\n", r"line 3: expected 3 fields \(id, text, frames\), got 2"),
    ("id,text,frames\na,,repression\n", r"line 2 \(id 'a'\): empty text"),
    ("id,text,frames\na,x,repression:endorsed;repression:disputed\n",
     r"frame 'repression' is given twice with different stances"),
    ("id,text,frames\na,x,\na,y,\n", r"line 3 \(id 'a'\): duplicate id 'a'"),
])
def test_csv_malformed_rows(tmp_path, body, message):
    p = write(tmp_path / "bad.csv", body)
    with pytest.raises(LabelError, match=message):
        read_csv(p)


def test_csv_line_numbers_count_physical_lines(tmp_path):
    p = write(tmp_path / "bad.csv", 'id,text,frames\na,"two\nlines",x\nb,y\n')
    with pytest.raises(LabelError, match=r"bad\.csv, line 4: expected 3 fields"):
        read_csv(p)


def test_csv_long_field(tmp_path):
    long_text = "word " * 60_000  # past the csv module's default 128 KiB field limit
    p = write(tmp_path / "long.csv", f'id,text,frames\na,"{long_text}",repression\n')
    assert len(read_csv(p).texts[0]) == len(long_text)


# -- DataFrame ------------------------------------------------------------------------------------

def test_dataframe_cells_of_every_kind():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"doc": ["x1", "x2", "x3", "x4"],
                       "text": ["A.", "B.", "C.", "D."],
                       "frames": [["repression"], {"repression": "reported"}, "popular_revolt:endorsed", float("nan")],
                       "event": ["e1", "e1", "e2", "e2"]})
    data = from_dataframe(df, id_field="doc", group_field="event")
    assert data.ids == ["x1", "x2", "x3", "x4"]
    assert data.labels == [["repression"], {"repression": "reported"}, {"popular_revolt": "endorsed"}, []]
    assert data.groups == ["e1", "e1", "e2", "e2"]


def test_dataframe_nan_text_names_the_row():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"text": ["ok", None], "frames": [[], []]}, index=["r1", "r2"])
    with pytest.raises(LabelError, match=r"DataFrame row 'r2': 'text' must be a string; got NoneType"):
        from_dataframe(df)
    with pytest.raises(LabelError, match=r"missing column\(s\) \['labels'\]"):
        from_dataframe(df, labels_field="labels")


# -- SemEval layouts --------------------------------------------------------------------------------

def test_semeval2023_fixture():
    data = read_semeval2023(FIXTURES / "semeval2023", lang="en", split="train")
    assert len(data) == 8
    assert data.ids[:2] == ["1001", "1002"]
    assert data.labels[1] == ["Economic", "Political"]
    assert data.texts[0].startswith("Bread prices climb again\n\nThe price of bread")
    dev = read_semeval2023(FIXTURES / "semeval2023", split="dev")
    assert dev.ids == ["2001", "2002"] and dev.labels == [["Economic"], ["Security_and_defense"]]


def make_2023(tmp_path: Path, labels: str, articles: dict[str, str]) -> Path:
    folder = tmp_path / "en" / "train-articles-subtask-2"
    folder.mkdir(parents=True)
    for name, text in articles.items():
        write(folder / name, text)
    write(tmp_path / "en" / "train-labels-subtask-2.txt", labels)
    return tmp_path


@pytest.mark.parametrize("labels, articles, message", [
    ("1\tEconomic\n2\tPolitical\n", {"article1.txt": "A."}, r"line 2 \(id '2'\): article file not found: article2.txt"),
    ("1 Economic\n", {"article1.txt": "A."}, r"line 1: expected 'ID<TAB>Frame1,Frame2' \(2 tab-separated"),
    ("1\tEconomic\n", {"article1.txt": "A.", "article9.txt": "B."}, r"1 article file\(s\) have no line .*article9.txt"),
    ("1\tEconomic\n", {"article1.txt": "  \n"}, r"article file .*article1.txt is empty"),
    ("1\tEconomic\n1\tPolitical\n", {"article1.txt": "A."}, r"line 2 \(id '1'\): duplicate id '1'"),
])
def test_semeval2023_malformed(tmp_path, labels, articles, message):
    root = make_2023(tmp_path, labels, articles)
    with pytest.raises(LabelError, match=message):
        read_semeval2023(root)


def test_semeval2023_missing_layout(tmp_path):
    with pytest.raises(FileNotFoundError, match="article folder not found"):
        read_semeval2023(tmp_path)
    with pytest.raises(ValueError, match="split must be"):
        read_semeval2023(tmp_path, split="validation")


def test_semeval2025_fixture_both_levels():
    root = FIXTURES / "semeval2025" / "EN"
    narr = read_semeval2025(root)
    assert narr.ids[0] == "EN_CC_001.txt"  # ids exactly as in the annotation file
    assert narr.labels[0] == ["CC: Criticism of climate policies"]  # repeated narrative kept once
    assert narr.labels[4] == ["CC: Criticism of climate policies", "URW: Blaming the war on others"]
    sub = read_semeval2025(root, level="subnarrative")
    assert sub.labels[0] == ["CC: Criticism of climate policies: Policies are costly",
                             "CC: Criticism of climate policies: Other"]
    assert sub.texts == narr.texts


def test_semeval2025_ids_without_extension_and_errors(tmp_path):
    (tmp_path / "raw-documents").mkdir()
    write(tmp_path / "raw-documents" / "D1.txt", "Some text.")
    write(tmp_path / "subtask-2-annotations.txt", "D1\tN1\tN1: S1\n")
    assert read_semeval2025(tmp_path).ids == ["D1"]
    write(tmp_path / "subtask-2-annotations.txt", "D1\tN1\n")
    with pytest.raises(LabelError, match=r"line 1: expected .*3 tab-separated fields.*got 2"):
        read_semeval2025(tmp_path)
    write(tmp_path / "subtask-2-annotations.txt", "D1\tN1\tS1\nD2\tN2\tS2\n")
    with pytest.raises(LabelError, match=r"line 2 \(id 'D2'\): document not found"):
        read_semeval2025(tmp_path)
    write(tmp_path / "subtask-2-annotations.txt", "../D1.txt\tN1\tS1\n")
    with pytest.raises(LabelError, match="is not a plain file name"):
        read_semeval2025(tmp_path)
    with pytest.raises(ValueError, match="level must be"):
        read_semeval2025(tmp_path, level="both")


# -- codebooks from labels, and training on them --------------------------------------------------

def test_codebook_from_labels_sorted_with_stances():
    cb = codebook_from_labels(LabelledData(["a", "b"], [["b", "a"], {"c": "pro"}], ["1", "2"]))
    assert cb.frame_ids == ("a", "b", "c")
    assert cb.stance_ids == ("pro",)
    assert codebook_from_labels([["x"], ["y"]]).stance_ids == ()
    with pytest.raises(CodebookError, match="no frame is carried by at least 5"):
        codebook_from_labels([["x"]], min_count=5)


def test_restrict_keeps_every_record():
    data = LabelledData(["a", "b"], [["x", "y"], {"y": "endorsed"}], ["1", "2"], ["g", "h"])
    small = data.restrict(["x"])
    assert small.labels == [["x"], {}] and small.ids == data.ids and small.groups == data.groups
    assert data.labels == [["x", "y"], {"y": "endorsed"}]  # the original is untouched


def test_semeval2023_trains_with_its_own_frames():
    data = read_semeval2023(FIXTURES / "semeval2023")
    cb = codebook_from_labels(data)
    model = framing.train(data.texts, data.labels, codebook=cb, ids=data.ids, min_df=1, cv=2)
    assert list(model.classes_) == ["Economic", "Political", "Security_and_defense"]
    results = model.classify(["Bread and flour prices rose; wages fell.", "The parliament vote and the election law."])
    assert [max(r.frames, key=lambda p: p.score).frame for r in results] == ["Economic", "Political"]


def test_labelled_data_in_json_arrays_gz_other_encodings_and_with_semicolons(tmp_path):
    """Issue 13, points 1 and 11, for training data: the readers take what classify_corpus takes."""
    import gzip
    import json as _json

    records = [{"id": "a", "text": "Police beat students at the caf\u00e9.", "frames": ["repression"]},
               {"id": "b", "text": "Prices rose.", "frames": []}]
    (tmp_path / "l.json").write_text(_json.dumps(records, indent=2), encoding="utf-8")
    assert read_jsonl(tmp_path / "l.json").ids == ["a", "b"]
    (tmp_path / "l.jsonl.gz").write_bytes(gzip.compress("".join(_json.dumps(r) + "\n" for r in records).encode()))
    assert read_jsonl(tmp_path / "l.jsonl.gz").labels == [["repression"], []]
    (tmp_path / "u.csv").write_text("id;text;frames\na;Police beat students.;repression\n", encoding="utf-8")
    with pytest.raises(LabelError, match="the header looks ';'-separated: pass delimiter=';'"):
        read_csv(tmp_path / "u.csv")
    (tmp_path / "l.csv").write_bytes("id;text;frames\na;Police beat students at the caf\u00e9.;repression\n".encode("cp1252"))
    with pytest.raises(LabelError, match="--encoding"):
        read_csv(tmp_path / "l.csv", delimiter=";")
    data = read_csv(tmp_path / "l.csv", delimiter=";", encoding="cp1252")
    assert data.texts == ["Police beat students at the caf\u00e9."]
    (tmp_path / "c.jsonl").write_bytes((_json.dumps(records[0], ensure_ascii=False) + "\n").encode("cp1252"))
    with pytest.raises(LabelError, match=r"line 1: not valid UTF-8 .*--encoding"):
        read_jsonl(tmp_path / "c.jsonl")
    assert read_jsonl(tmp_path / "c.jsonl", encoding="cp1252").texts == [records[0]["text"]]
