"""The labelling round trip: export tasks with pre-annotations, read Label Studio and doccano exports back
(fixtures written in the tools' documented formats), and measure agreement for any codebook."""

from __future__ import annotations

import csv
import json
import math
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

import framing
from framing.errors import InputTypeError, LabelError

FIXTURES = Path(__file__).parent / "fixtures"
LS = FIXTURES / "label_studio" / "export.json"
DOCCANO = FIXTURES / "doccano"


# ------------------------------------------------------------------------------------------
# Out
# ------------------------------------------------------------------------------------------

POOL = ["Riot police beat the students.", "Fuel prices doubled and the oil towns struck over wages.",
        "Shops reopened on Monday.", "Officials said foreign agents trained the rioters.",
        "The so-called peacekeepers now hold the airport of a sovereign neighbour."]


def test_label_studio_tasks_carry_the_models_frames_and_stances(tmp_path):
    model = framing.default_model()
    picks = model.suggest(POOL, n=3)
    path = tmp_path / "tasks.json"
    tasks = framing.export_tasks(picks, path, model=model)
    assert json.loads(path.read_text(encoding="utf-8")) == tasks
    assert [t["data"]["id"] for t in tasks] == [s.index for s in picks]
    result_ids = [r["id"] for t in tasks for p in t["predictions"] for r in p["result"]]
    assert len(result_ids) == len(set(result_ids))  # Label Studio needs distinct result ids
    for task, pick in zip(tasks, picks):
        r = model.classify(pick.text)
        assert task["data"]["text"] == pick.text and task["data"]["reason"] == pick.reason
        (prediction,) = task["predictions"]
        assert 0.0 <= prediction["score"] <= 1.0
        by_control = {res["from_name"]: res["value"]["choices"] for res in prediction["result"]}
        assert by_control.get("frames", []) == r.labels
        assert {k[len("stance_"):]: v[0] for k, v in by_control.items() if k != "frames"} == r.stances
        assert all(res["type"] == "choices" and res["to_name"] == "text" for res in prediction["result"])


def test_csv_tasks_read_back_as_the_proposal(tmp_path):
    results = framing.classify(POOL)
    path = tmp_path / "tasks.csv"
    framing.export_tasks(results, path, ids=[f"r{i}" for i in range(len(POOL))])
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "text", "frames", "model_frames", "model_scores", "reason", "suggestion_score"]
    back = framing.read_csv(path)
    assert back.ids == [f"r{i}" for i in range(len(POOL))] and back.texts == POOL
    for label, r in zip(back.labels, results):
        assert (dict(label) if isinstance(label, dict) else {f: None for f in label}) == r.stances


def test_the_label_studio_interface_names_the_controls_the_readers_read():
    xml = framing.label_studio_config()
    root = ElementTree.fromstring(xml)
    choices = {c.get("name"): [x.get("value") for x in c.iter("Choice")] for c in root.iter("Choices")}
    assert choices["frames"] == list(framing.codebook().frame_ids)
    for f in framing.codebook().frame_ids:
        assert choices[f"stance_{f}"] == ["endorsed", "reported", "disputed"]
    views = [v for v in root.iter("View") if v.get("visibleWhen") == "choice-selected"]
    assert [v.get("whenChoiceValue") for v in views] == list(framing.codebook().frame_ids)
    odd = framing.label_studio_config(["CC: Criticism & <doubt>", "plain"])  # any codebook, escaped
    assert [c.get("value") for c in ElementTree.fromstring(odd).iter("Choice")] == ["CC: Criticism & <doubt>", "plain"]


def test_export_refuses_what_it_cannot_export(tmp_path):
    with pytest.raises(InputTypeError, match="export_tasks expects a list of Suggestion"):
        framing.export_tasks("one passage")
    with pytest.raises(InputTypeError, match=r"item 1: expected a Suggestion, a PassageResult or a str; got int"):
        framing.export_tasks(["ok", 3])
    with pytest.raises(InputTypeError, match="got 1 ids for 2 items"):
        framing.export_tasks(["a", "b"], ids=["x"])
    with pytest.raises(ValueError, match="format must be one of"):
        framing.export_tasks(["a"], format="xlsx")


# ------------------------------------------------------------------------------------------
# In: Label Studio
# ------------------------------------------------------------------------------------------

def test_read_label_studio_export():
    with pytest.raises(LabelError, match=r"task 4 \(id 'p-5'\): 2 completed annotations \(by \['1', '2'\]\); pass annotator="):
        framing.read_label_studio(LS)
    data = framing.read_label_studio(LS, annotator=1)
    assert data.ids == ["p-1", "p-2", "p-3", "p-4", "p-5"]
    assert data.labels == [{"repression": "endorsed", "foreign_interference": "disputed"},  # not the prediction
                           {},                                  # no frame
                           {"popular_revolt": "endorsed"},      # the cancelled annotation is ignored
                           {"stabilization": None},             # a frame without a stance; the comment ignored
                           {"foreign_interference": "disputed", "law_and_order": "disputed"}]
    assert data.texts[0].startswith("Riot police beat the strikers")
    second = framing.read_label_studio(LS, annotator=2, skip_unlabelled=True)
    assert second.ids == ["p-5"] and second.labels == [{"foreign_interference": "reported"}]
    from framing.model import parse_labels

    Y, S = parse_labels(data.labels, framing.codebook())  # valid training labels for the default codebook
    assert Y.sum() == 6 and (S >= 0).sum() == 5


def test_read_label_studio_without_stances_gives_frame_lists():
    data = framing.read_label_studio(FIXTURES / "label_studio" / "no_stances.json")
    assert data.ids == ["1", "2"] and data.labels == [["Economic"], ["Violence", "Political"]]
    assert framing.codebook_from_labels(data).frame_ids == ("Economic", "Political", "Violence")


def _write(tmp_path, tasks) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


def _task(result, **data):
    return {"id": 9, "data": {"text": "Police beat students.", **data},
            "annotations": [{"completed_by": 1, "was_cancelled": False, "result": result}]}


def _choice(name, *values):
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": list(values)}}


@pytest.mark.parametrize("tasks, message", [
    ({"tasks": []}, "expected a JSON list of tasks (Label Studio's JSON export); got dict"),
    ([["not", "a", "task"]], "task 0: expected a task object with a 'data' object"),
    ([{"id": 1, "data": {"body": "x"}, "annotations": []}], "task 0 (id 1): missing field 'text' in 'data'; it has ['body']"),
    ([{"id": 1, "data": {"text": "x"}}], "task 0 (id 1): no completed annotation; label the task, or pass skip_unlabelled=True"),
    ([_task([_choice("frames", "repression"), _choice("stance_popular_revolt", "endorsed")])],
     "task 0 (id 9): a stance is given for 'popular_revolt', which is not among the chosen frames ['repression']"),
    ([_task([_choice("frames", "repression"), _choice("stance_repression", "endorsed", "disputed")])],
     "frame 'repression' has 2 stances ['endorsed', 'disputed']; choose one"),
    ([_task([_choice("frames", "repression"), _choice("stance_repression", "endorsed"),
             _choice("stance_repression", "disputed")])],
     "frame 'repression' has two stance results ('endorsed' and 'disputed'); keep one"),
    ([_task([_choice("frame", "repression")])],
     "no result from the control 'frames'; the export has choices from ['frame']; pass frames_name="),
    ([_task([_choice("frames", "repression")], id="a"), _task([], id="a")], "task 1 (id 'a'): duplicate id 'a'"),
    ([_task([_choice("frames", "repression")], text="   ")], "task 0 (id 9): empty text in 'text'"),
])
def test_read_label_studio_refuses_bad_exports(tmp_path, tasks, message):
    with pytest.raises(LabelError, match=re.escape(message)):
        framing.read_label_studio(_write(tmp_path, tasks))


def test_read_label_studio_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Label Studio export not found"):
        framing.read_label_studio(tmp_path / "missing.json")
    bad = tmp_path / "broken.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(LabelError, match="broken.json: not valid JSON"):
        framing.read_label_studio(bad)


def test_exported_tasks_labelled_in_label_studio_read_back(tmp_path):
    """What export_tasks writes, once annotated (an annotator accepts the pre-annotation as is, the way
    Label Studio stores it), reads back as the model's proposal."""
    results = framing.classify(POOL)
    tasks = framing.export_tasks(results)
    for k, task in enumerate(tasks):
        task["id"] = 500 + k
        task["annotations"] = [{"id": 900 + k, "completed_by": 4, "was_cancelled": False,
                                "result": task["predictions"][0]["result"]}]
    data = framing.read_label_studio(_write(tmp_path, tasks))
    assert data.texts == POOL
    assert [dict(label) if isinstance(label, dict) else {} for label in data.labels] == [r.stances for r in results]


# ------------------------------------------------------------------------------------------
# In: doccano
# ------------------------------------------------------------------------------------------

def test_read_doccano_export():
    data = framing.read_doccano(DOCCANO / "alice.jsonl")
    assert data.ids == ["11", "12", "13", "14"]
    assert data.labels == [{"repression": "endorsed", "foreign_interference": "disputed"}, [],
                           {"popular_revolt": "endorsed"}, ["stabilization"]]
    assert framing.read_doccano(DOCCANO / "alice.jsonl", id_field="framing_id").ids == ["p-1", "p-2", "p-3", "p-4"]


def test_read_doccano_zip_of_annotators(tmp_path):
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as z:
        for name in ("alice", "bob"):
            z.write(DOCCANO / f"{name}.jsonl", f"{name}.jsonl")
    with pytest.raises(LabelError, match=r"holds the labels of 2 annotators \(alice, bob\); pass user="):
        framing.read_doccano(export)
    assert framing.read_doccano(export, user="bob").labels[2] == {"popular_revolt": "endorsed",
                                                                  "law_and_order": "disputed"}
    with pytest.raises(LabelError, match="no file for user 'carol'; annotators: alice, bob"):
        framing.read_doccano(export, user="carol")


@pytest.mark.parametrize("line, message", [
    ('{"id": 1, "text": "x", "label": "repression"}', "line 1 (id 1): 'label' must be a list of labels (strings); got 'repression'"),
    ('{"id": 1, "label": []}', "line 1 (id 1): missing field 'text'; the record has ['id', 'label']"),
    ('{"id": 1, "text": "x", "label": ["repression:endorsed", "repression:disputed"]}',
     "line 1 (id 1): frame 'repression' is given twice with different stances ('endorsed' and 'disputed')"),
    ('[1, 2]', "line 1: expected a JSON object, got list"),
    ('{broken', "line 1: not valid JSON"),
    ('{"id": 1, "text": "", "label": []}', "line 1 (id 1): empty text in 'text'"),
])
def test_read_doccano_refuses_bad_records(tmp_path, line, message):
    path = tmp_path / "export.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(LabelError, match=re.escape(message)):
        framing.read_doccano(path)


def test_read_doccano_names_a_sequence_labelling_export():
    with pytest.raises(LabelError, match="holds spans .* this is a sequence-labelling export"):
        framing.read_doccano(DOCCANO / "spans.jsonl")


# ------------------------------------------------------------------------------------------
# Agreement, for any codebook
# ------------------------------------------------------------------------------------------

def test_agreement_of_two_annotators_matched_by_id():
    alice = framing.read_doccano(DOCCANO / "alice.jsonl", id_field="framing_id")
    studio = framing.read_label_studio(LS, annotator=1)  # p-1 ... p-5; alice has p-1 ... p-4
    r = framing.agreement(alice, studio, names=("alice", "studio"))
    assert r.passages == 4 and r.only_in_b == ["p-5"] and r.only_in_a == []
    assert r.frames == ("foreign_interference", "popular_revolt", "repression", "stabilization")
    assert r.exact_match == 1.0 and r.micro_f1 == 1.0 and r.disagreements == []
    assert r.stance_pairs == 3 and r.stance_agreement == 1.0  # a frame without a stance is not a stance pair

    bob = framing.read_doccano(DOCCANO / "bob.jsonl", id_field="framing_id")
    r = framing.agreement(alice, bob, names=("alice", "bob"), codebook=framing.codebook())
    assert r.frames == framing.codebook().frame_ids
    assert r.frame_exact_match == 0.75 and r.exact_match == 0.25
    assert r.per_frame["law_and_order"]["n_a"] == 0 and r.per_frame["law_and_order"]["n_b"] == 1
    assert r.per_frame["law_and_order"]["kappa"] == 0.0 and r.per_frame["law_and_order"]["f1"] == 0.0
    assert r.per_frame["repression"]["kappa"] == 1.0
    assert r.stance_pairs == 3 and r.stance_agreement == pytest.approx(2 / 3)
    assert [(d["id"], d["only_b"], d["stances"]) for d in r.disagreements] == [
        ("p-1", [], {"foreign_interference": ["disputed", "reported"]}),
        ("p-3", ["law_and_order"], {}),
        ("p-4", [], {"stabilization": [None, "endorsed"]})]  # a stance one coder left out
    assert "popular_revolt" in r.disagreements[1]["text"] or "oil workers" in r.disagreements[1]["text"]
    table = r.to_frame()
    assert list(table.columns) == ["kappa", "f1", "alice", "bob", "both"]
    assert r.disagreements_frame().index.tolist() == ["p-1", "p-3", "p-4"]
    assert json.loads(json.dumps(r.to_dict()))["exact_match"] == 0.25
    assert "Agreement of alice and bob on 4 passages" in str(r)


def test_agreement_kappa_matches_the_textbook_formula():
    a = [["x"], ["x"], ["x"], [], [], [], ["x"], []]
    b = [["x"], ["x"], [], [], [], ["x"], ["x"], []]
    r = framing.agreement(a, b)
    po, pe = 6 / 8, (4 / 8) * (4 / 8) + (4 / 8) * (4 / 8)
    assert r.per_frame["x"]["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert r.per_frame["x"]["f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert math.isnan(r.stance_agreement) and r.stance_pairs == 0


@pytest.mark.parametrize("a, b, kwargs, message", [
    ([[]], [[], []], {}, "a has 1 labels and b has 2; give one label per passage in both"),
    ([["weather"]], [[]], {"codebook": ["repression"]}, "a, record '0': unknown frame 'weather'; valid frames: repression"),
    ([{"repression": "sarcastic"}], [[]], {"codebook": None}, None),
    ([{"repression": "sarcastic"}], [[]], {"codebook": framing.codebook()}, "a, record '0': unknown stance 'sarcastic'"),
    ([["x"]], ["x"], {}, "b, record '0': 'labels' must be a list of frame ids or a mapping"),
    ("labels", [[]], {}, "labels_a must be a LabelledData or a list of labels"),
])
def test_agreement_refuses_bad_labels(a, b, kwargs, message):
    if message is None:  # without a codebook any stance is a stance
        assert framing.agreement(a, b, **kwargs).passages == 1
        return
    with pytest.raises(LabelError, match=re.escape(message)):
        framing.agreement(a, b, **kwargs)


def test_agreement_needs_shared_ids():
    a = framing.LabelledData(["t"], [["x"]], ["1"])
    b = framing.LabelledData(["t"], [["x"]], ["2"])
    with pytest.raises(LabelError, match="no record id is in both label sets"):
        framing.agreement(a, b)
