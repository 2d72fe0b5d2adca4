"""Model files: round trips, reproducible bytes, the checked-in v1 fixture, and hostile directories.

Every hostile directory below is refused with ``framing.ModelFileError``; the planted pickle
payloads would create a marker file if anything unpickled them, and the tests prove they did not.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import framing
from framing import persist
from framing.errors import ModelFileError

from .conftest import TINY_CODEBOOK, TINY_LABELS, TINY_TEXTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSAGES = ["Riot police detained students outside the university.",
            "Workers struck over unpaid wages and rising prices.",
            "Snow closed the northern highway."]


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def saved(tiny_model, tmp_path_factory) -> Path:
    """A pristine saved copy of the tiny model; tests copy it before tampering."""
    return tiny_model.save(tmp_path_factory.mktemp("pristine") / "model")


@pytest.fixture
def model_dir(saved, tmp_path) -> Path:
    return Path(shutil.copytree(saved, tmp_path / "model"))


def read_manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text("utf-8"))


def write_manifest(d: Path, manifest: dict) -> None:
    (d / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def plant(d: Path, name: str, data: bytes, *, fix_checksum: bool = True) -> None:
    """Replace ``name`` with ``data``; with ``fix_checksum`` the manifest is updated to match, as an
    attacker would, so the test reaches the checks behind the checksum."""
    (d / name).write_bytes(data)
    if fix_checksum:
        m = read_manifest(d)
        m["files"][name] = hashlib.sha256(data).hexdigest()
        write_manifest(d, m)


def npy(array: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def refused(d: Path, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        framing.load_model(d)


class Payload:
    """Unpickling this object calls ``open(marker, "w")``: the file appears if the pickle ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


# ------------------------------------------------------------------------------------------
# Round trip, reproducibility, the checked-in fixture
# ------------------------------------------------------------------------------------------

def test_round_trip_gives_identical_predictions(tiny_model, saved):
    loaded = framing.load_model(saved)
    np.testing.assert_array_equal(loaded.predict_proba(PASSAGES), tiny_model.predict_proba(PASSAGES))
    assert [r.to_dict() for r in loaded.classify(PASSAGES)] == [r.to_dict() for r in tiny_model.classify(PASSAGES)]
    assert loaded.get_params().keys() == tiny_model.get_params().keys()


def test_same_data_and_seed_give_byte_identical_files(tmp_path):
    dirs = []
    for i, global_seed in enumerate((1, 2)):
        np.random.seed(global_seed)  # only random_state may matter, never the global RNG
        model = framing.FrameClassifier(codebook=TINY_CODEBOOK, min_df=1, cv=2, random_state=7)
        dirs.append(model.fit(TINY_TEXTS, TINY_LABELS).save(tmp_path / f"m{i}"))
    names = sorted(p.name for p in dirs[0].iterdir())
    assert names == sorted(p.name for p in dirs[1].iterdir())
    assert {"manifest.json", "vocabulary.json", "coef.npy", "MODEL_CARD.md"} <= set(names)
    for name in names:
        assert (dirs[0] / name).read_bytes() == (dirs[1] / name).read_bytes(), name


def test_checked_in_v1_fixture_loads_with_the_same_scores(tmp_path):
    expected = json.loads((FIXTURES / "model_v1_expected.json").read_text("utf-8"))
    model = framing.load_model(FIXTURES / "model_v1")
    assert read_manifest(FIXTURES / "model_v1")["format_version"] == 1
    old = framing.load_model(FIXTURES / "model_v1")
    assert old.stance_layout_ == 1  # read with the old layout
    resaved = old.save(tmp_path / "resaved")
    assert read_manifest(resaved)["format_version"] == 1
    assert framing.load_model(resaved).classify("Riot police beat students.").to_dict() == \
        old.classify("Riot police beat students.").to_dict()
    results = model.classify([p["text"] for p in expected["passages"]])
    assert len(results) == len(expected["passages"]) == 3
    for r, want in zip(results, expected["passages"]):
        assert r.labels == want["labels"]
        for p in r.frames:
            assert p.score == pytest.approx(want["scores"][p.frame], abs=1e-9)
            for stance, value in p.stance_scores.items():
                assert value == pytest.approx(want["stance_scores"][p.frame][stance], abs=1e-9)


# ------------------------------------------------------------------------------------------
# Truncated, corrupted, foreign, unknown version
# ------------------------------------------------------------------------------------------

def test_not_a_directory(tmp_path):
    refused(tmp_path / "nowhere", "not a model directory")
    (tmp_path / "file").write_text("x")
    refused(tmp_path / "file", "not a model directory")


def test_missing_manifest(model_dir):
    (model_dir / "manifest.json").unlink()
    refused(model_dir, "missing or unreadable file manifest.json")


def test_missing_array_file(model_dir):
    (model_dir / "coef.npy").unlink()
    refused(model_dir, "missing or unreadable file coef.npy")


@pytest.mark.parametrize("cut", [0, 1, 100])
def test_truncated_manifest(model_dir, cut):
    raw = (model_dir / "manifest.json").read_bytes()
    (model_dir / "manifest.json").write_bytes(raw[:cut])
    refused(model_dir, "manifest.json is not valid JSON")


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00garbage", b"[" * 100_000, b"null", b"[1, 2]", b'"framing-model"'])
def test_garbled_manifest(model_dir, raw):
    (model_dir / "manifest.json").write_bytes(raw)
    refused(model_dir, "not valid JSON|not a framing model")


def test_oversized_manifest(model_dir):
    m = read_manifest(model_dir)
    m["padding"] = "x" * (11 * 1024 * 1024)
    write_manifest(model_dir, m)
    refused(model_dir, "manifest.json is .* bytes, more than the .* allowed")


def test_truncated_array_is_a_checksum_mismatch(model_dir):
    raw = (model_dir / "coef.npy").read_bytes()
    (model_dir / "coef.npy").write_bytes(raw[: len(raw) // 2])
    refused(model_dir, "checksum mismatch for coef.npy")


def test_flipped_byte_is_a_checksum_mismatch(model_dir):
    raw = bytearray((model_dir / "vocabulary.json").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (model_dir / "vocabulary.json").write_bytes(bytes(raw))
    refused(model_dir, "checksum mismatch for vocabulary.json")


@pytest.mark.parametrize("cut", [0, 5, 60])
def test_truncated_array_with_matching_checksum(model_dir, cut):
    raw = (model_dir / "coef.npy").read_bytes()
    plant(model_dir, "coef.npy", raw[:cut] if cut < 60 else raw[:-8])
    refused(model_dir, "coef.npy is (not a readable NumPy array|truncated or padded)")


def test_array_header_announcing_a_huge_shape(model_dir):
    """A 1 TB shape in a 160-byte file must be refused before anything is allocated."""
    raw = npy(np.zeros(4))
    big = b"(999999999999,)"
    lied = raw.replace(b"(4,)", big).replace(b" " * (len(big) - 4) + b"\n", b"\n", 1)
    assert len(lied) == len(raw)
    plant(model_dir, "idf.npy", lied)
    refused(model_dir, re.escape("idf.npy is truncated or padded: its header announces shape (999999999999,)"))


@pytest.mark.parametrize("version", [5, 0, "1", 1.0, True, None, [1]])
def test_unknown_format_version(model_dir, version):
    m = read_manifest(model_dir)
    m["format_version"] = version
    write_manifest(model_dir, m)
    refused(model_dir, "unknown format version .*; this framing reads 1, 2, 3, 4")


def test_a_version_3_manifest_cannot_smuggle_in_the_version_4_file(model_dir):
    m = read_manifest(model_dir)
    assert m["format_version"] == 4 and "topic.npy" in m["files"]
    m["format_version"] = 3
    write_manifest(model_dir, m)
    refused(model_dir, re.escape("manifest lists unexpected files ['topic.npy']"))


def test_the_off_topic_model_round_trips_and_a_bad_shape_is_refused(tmp_path):
    texts = ["Police fired on the crowd.", "Fuel prices doubled and people marched.", "The striker scored twice.",
             "Troops shot protesters at night.", "Workers struck over wages.", "Rain and snow on the passes."] * 3
    labels = [["repression"], ["popular_revolt"], [], ["repression"], ["popular_revolt"], []] * 3
    topic = [False, False, True, False, False, True] * 3
    model = framing.train(texts, labels, codebook=["repression", "popular_revolt"], min_df=1, cv=2, threshold=0.5,
                          off_topic=topic)
    d = model.save(tmp_path / "m")
    again = framing.load_model(d)
    assert np.array_equal(again.topic_coef_, model.topic_coef_)
    assert again.classify("The striker scored in the derby.").flags == ("off_topic",)
    plant(d, "topic.npy", npy(np.zeros(3)))
    refused(d, re.escape("topic.npy has shape (3,); expected (0,) or"))


@pytest.mark.parametrize("fmt", ["sklearn-pickle", None, 1])
def test_foreign_format(model_dir, fmt):
    m = read_manifest(model_dir)
    m["format"] = fmt
    write_manifest(model_dir, m)
    refused(model_dir, "not a framing model")


@pytest.mark.parametrize("cls", ["sklearn.pipeline.Pipeline", "os.system", "builtins.eval", None, ""])
def test_manifest_naming_a_foreign_class(model_dir, cls):
    m = read_manifest(model_dir)
    m["class"] = cls
    write_manifest(model_dir, m)
    refused(model_dir, re.escape(f"manifest names class {cls!r}; only 'FrameClassifier' can be loaded"))


def test_missing_checksum_is_refused(model_dir):
    m = read_manifest(model_dir)
    m["files"]["coef.npy"] = None
    write_manifest(model_dir, m)
    refused(model_dir, "no valid SHA-256 for coef.npy")


@pytest.mark.parametrize("key", ["codebook", "params", "stances", "lexicon_classes"])
def test_incomplete_manifest(model_dir, key):
    m = read_manifest(model_dir)
    del m[key]
    write_manifest(model_dir, m)
    refused(model_dir, f"manifest is incomplete: no '{key}'")


@pytest.mark.parametrize("vocab", [b"{not json", b"[" * 100_000, b"[]", b'{"terms": "abc", "display": "abc", "known": []}',
                                   b'{"terms": ["a", 1], "display": ["a", "b"], "known": []}'])
def test_garbled_vocabulary(model_dir, vocab):
    plant(model_dir, "vocabulary.json", vocab)
    refused(model_dir, "vocabulary")


def test_codebook_hash_mismatch(model_dir):
    m = read_manifest(model_dir)
    m["codebook"]["frames"][0]["name"] = "Something else"
    write_manifest(model_dir, m)
    refused(model_dir, "codebook hash does not match the manifest")


def test_unknown_and_invalid_parameters(model_dir, tmp_path):
    m = read_manifest(model_dir)
    write_manifest(model_dir, {**m, "params": {**m["params"], "__class__": "os.system"}})
    refused(model_dir, re.escape("unknown parameters ['__class__']"))
    for bad in ({"ngram_range": None}, {"ngram_range": [1, 9]}, {"stemmer": "os.system"}, {"C": -1}):
        write_manifest(model_dir, {**m, "params": {**m["params"], **bad}})
        refused(model_dir, "invalid parameters")


def test_stances_that_differ_from_the_codebook(model_dir):
    m = read_manifest(model_dir)
    m["stances"] = ["endorsed", "reported", "evil"]
    write_manifest(model_dir, m)
    refused(model_dir, "manifest stances .* differ from the codebook's")


# ------------------------------------------------------------------------------------------
# Arrays: dtypes, shapes, values
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.array([1.0, "x"], dtype=object),
    np.array([1 + 2j, 3j]),
    np.array([True, False]),
    np.array(["a", "b"]),
    np.zeros(2, dtype=[("a", "f8"), ("b", "f8")]),
    np.array(["2024-01-01"], dtype="datetime64[D]"),
], ids=["object", "complex", "bool", "unicode", "structured", "datetime"])
def test_non_numeric_arrays_are_refused(model_dir, array):
    plant(model_dir, "intercept.npy", npy(array, allow_pickle=True))
    refused(model_dir, "intercept.npy has dtype .*; refusing: model arrays must be plain numbers")


def test_wrong_shape_is_refused(model_dir):
    coef = np.load(model_dir / "coef.npy")
    plant(model_dir, "coef.npy", npy(coef[:, :-1]))
    refused(model_dir, re.escape(f"coef.npy has shape {coef[:, :-1].shape}; expected {coef.shape}"))


@pytest.mark.parametrize("delta", [-1, 1])
def test_stance_coef_with_the_wrong_number_of_columns(model_dir, delta):
    coef = np.load(model_dir / "stance_coef.npy")
    changed = np.zeros((coef.shape[0], coef.shape[1] + delta))
    plant(model_dir, "stance_coef.npy", npy(changed))
    refused(model_dir, re.escape(f"stance_coef.npy has {changed.shape[1]} columns but this framing builds "
                                 f"{coef.shape[1]} stance features"))


def test_stance_coef_with_the_wrong_number_of_rows(model_dir):
    coef = np.load(model_dir / "stance_coef.npy")
    plant(model_dir, "stance_coef.npy", npy(coef[:-1]))
    refused(model_dir, re.escape(f"stance_coef.npy has shape {coef[:-1].shape}; expected 3 rows, one per stance"))


def test_stance_arrays_without_stances_are_refused(model_dir):
    m = read_manifest(model_dir)
    m["stances"] = []
    write_manifest(model_dir, m)
    refused(model_dir, "stance arrays are not empty but the manifest declares no stances")


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(model_dir, value):
    platt = np.load(model_dir / "platt.npy")
    platt[0, 0] = value
    plant(model_dir, "platt.npy", npy(platt))
    refused(model_dir, "platt.npy holds NaN or infinite values")


def test_index_arrays_must_be_integers_in_range(model_dir):
    rows = np.load(model_dir / "cue_rows.npy")
    plant(model_dir, "cue_rows.npy", npy(rows.astype(np.float64)))
    refused(model_dir, "cue_rows.npy must be a 1-D integer array")
    plant(model_dir, "cue_rows.npy", npy(rows + 10**9))
    refused(model_dir, "cue index arrays are out of range")
    plant(model_dir, "cue_rows.npy", npy(-rows - 1))
    refused(model_dir, "cue index arrays are out of range")


def test_manifest_feature_count_must_agree(model_dir):
    m = read_manifest(model_dir)
    m["n_features"] += 1
    write_manifest(model_dir, m)
    refused(model_dir, "manifest says .* features")


# ------------------------------------------------------------------------------------------
# Planted pickle payloads: refused, and never run
# ------------------------------------------------------------------------------------------

def test_the_payload_is_live(tmp_path):
    """Control: the payload really creates its marker when unpickled, so the tests below mean something."""
    marker = tmp_path / "control-marker"
    pickle.loads(pickle.dumps(Payload(marker)))
    assert marker.exists()
    marker2 = tmp_path / "control-marker-npy"
    np.load(io.BytesIO(npy(np.array([Payload(marker2), 1.0], dtype=object), allow_pickle=True)), allow_pickle=True)
    assert marker2.exists()


def test_object_npy_with_payload_and_valid_checksum(model_dir, tmp_path):
    marker = tmp_path / "pwned"
    plant(model_dir, "coef.npy", npy(np.array([Payload(marker), 1.0], dtype=object), allow_pickle=True))
    refused(model_dir, re.escape("coef.npy has dtype object; refusing: model arrays must be plain numbers "
                                  "(object arrays need pickle, which can run code)"))
    assert not marker.exists()


def test_raw_pickle_named_npy_with_valid_checksum(model_dir, tmp_path):
    marker = tmp_path / "pwned"
    plant(model_dir, "coef.npy", pickle.dumps(Payload(marker)))
    refused(model_dir, "coef.npy is not a readable NumPy array")
    assert not marker.exists()


def test_npz_archive_named_npy(model_dir, tmp_path):
    buf = io.BytesIO()
    np.savez(buf, a=np.array([Payload(tmp_path / "pwned")], dtype=object), allow_pickle=True)
    plant(model_dir, "coef.npy", buf.getvalue())
    refused(model_dir, "coef.npy is not a readable NumPy array")
    assert not (tmp_path / "pwned").exists()


def test_pickle_file_listed_in_the_manifest(model_dir, tmp_path):
    marker = tmp_path / "pwned"
    data = pickle.dumps(Payload(marker))
    (model_dir / "model.pkl").write_bytes(data)
    m = read_manifest(model_dir)
    m["files"]["model.pkl"] = hashlib.sha256(data).hexdigest()
    write_manifest(model_dir, m)
    refused(model_dir, re.escape("manifest lists unexpected files ['model.pkl']"))
    assert not marker.exists()


def test_stray_pickle_in_the_directory_is_never_opened(model_dir, tmp_path):
    marker = tmp_path / "pwned"
    (model_dir / "model.pkl").write_bytes(pickle.dumps(Payload(marker)))
    (model_dir / "model.joblib").write_bytes(pickle.dumps(Payload(marker)))
    framing.load_model(model_dir).classify(PASSAGES)
    assert not marker.exists()


# ------------------------------------------------------------------------------------------
# Paths: traversal, absolute names, symbolic links, special files
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../evil.npy", "/etc/passwd", "sub/coef.npy", "..", "coef.npy/../../evil.npy"])
def test_path_traversal_in_manifest_file_names(model_dir, name):
    evil = model_dir.parent / "evil.npy"
    evil.write_bytes(npy(np.zeros(3)))
    m = read_manifest(model_dir)
    m["files"][name] = hashlib.sha256(b"").hexdigest()
    write_manifest(model_dir, m)
    refused(model_dir, "manifest lists unexpected files")
    m["files"].pop(name)
    m["files"][name] = m["files"].pop("coef.npy")  # swapped in for an expected name
    write_manifest(model_dir, m)
    refused(model_dir, "manifest lists unexpected files")


def test_reader_refuses_names_outside_the_format():
    for name in ["../manifest.json", "/etc/passwd", "model.pkl"]:
        with pytest.raises(ModelFileError, match="refusing to read unexpected file"):
            persist._read(Path("."), name, "0" * 64, 10)


def test_symlinked_array_is_refused_even_with_matching_content(model_dir, tmp_path):
    outside = tmp_path / "outside.npy"
    shutil.copyfile(model_dir / "coef.npy", outside)  # same bytes: the checksum would match
    (model_dir / "coef.npy").unlink()
    (model_dir / "coef.npy").symlink_to(outside)
    refused(model_dir, "coef.npy is a symbolic link")


def test_symlinked_manifest_is_refused(model_dir, tmp_path):
    outside = tmp_path / "manifest.json"
    shutil.copyfile(model_dir / "manifest.json", outside)
    (model_dir / "manifest.json").unlink()
    (model_dir / "manifest.json").symlink_to(outside)
    refused(model_dir, "manifest.json is a symbolic link")


def test_directory_or_fifo_in_place_of_a_file(model_dir):
    (model_dir / "idf.npy").unlink()
    (model_dir / "idf.npy").mkdir()
    refused(model_dir, "idf.npy is not a regular file|missing or unreadable file idf.npy")
    if hasattr(os, "mkfifo"):
        (model_dir / "idf.npy").rmdir()
        os.mkfifo(model_dir / "idf.npy")  # opening a FIFO for reading must not hang the loader
        refused(model_dir, "idf.npy is not a regular file")


# ------------------------------------------------------------------------------------------
# Saving never destroys what is not a model
# ------------------------------------------------------------------------------------------

def test_save_refuses_to_replace_a_directory_that_is_not_a_model(tiny_model, tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "thesis.txt").write_text("three years of work")
    (docs / "sub" / "notes.txt").write_text("more")
    with pytest.raises(ModelFileError, match="refusing to save over .*docs.*is not a framing model directory"):
        tiny_model.save(docs)
    assert (docs / "thesis.txt").read_text() == "three years of work"
    assert (docs / "sub" / "notes.txt").read_text() == "more"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]  # no hidden leftovers


def test_save_refuses_a_model_directory_with_extra_files(tiny_model, model_dir):
    (model_dir / "my_notes.txt").write_text("keep me")
    with pytest.raises(ModelFileError, match="refusing to save over"):
        tiny_model.save(model_dir)
    assert (model_dir / "my_notes.txt").read_text() == "keep me"


def test_save_replaces_an_existing_model_and_leaves_no_leftovers(tiny_model, model_dir):
    before = {p.name: p.read_bytes() for p in model_dir.iterdir()}
    tiny_model.save(model_dir)
    assert {p.name: p.read_bytes() for p in model_dir.iterdir()} == before
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["model"]


def test_save_into_an_empty_directory(tiny_model, tmp_path):
    (tmp_path / "empty").mkdir()
    framing.load_model(tiny_model.save(tmp_path / "empty"))


def test_save_refuses_a_symlink_target(tiny_model, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(ModelFileError, match="refusing to save over .*link.*is a symbolic link"):
        tiny_model.save(tmp_path / "link")
    assert list((tmp_path / "real").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_saved_directory_follows_the_umask(tiny_model, tmp_path):
    old = os.umask(0o022)
    try:
        d = tiny_model.save(tmp_path / "shared")
    finally:
        os.umask(old)
    assert d.stat().st_mode & 0o777 == 0o755  # readable by colleagues, like any other folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_save_does_not_hang_on_a_fifo_posing_as_a_manifest(tiny_model, tmp_path):
    (tmp_path / "trap").mkdir()
    os.mkfifo(tmp_path / "trap" / "manifest.json")
    with pytest.raises(ModelFileError, match="is not a framing model directory"):
        tiny_model.save(tmp_path / "trap")


@pytest.mark.slow
def test_the_default_model_build_reproduces_the_shipped_model():
    """``python -m framing.build --check`` rebuilds the default model and compares it with the shipped one
    (issue 13, point 5): same codebook, parameters, vocabulary, training data and threshold; scores,
    labels, stances and metrics equal within the tolerances of ``framing.compare``, which a change of
    BLAS kernel stays far inside and a real change of data or parameters does not (tests/test_compare.py).
    Bytes are compared only within one machine (test_same_data_and_seed_give_byte_identical_files)."""
    import subprocess
    import sys

    from framing.api import default_model_path

    proc = subprocess.run([sys.executable, "-m", "framing.build", "--check", str(default_model_path())],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "the models match" in proc.stdout
