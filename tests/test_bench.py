"""Smoke test of the benchmark: ``python bench/run.py --quick`` runs and reports every figure.

It checks that each number is there and sane (timings and rates positive, scores in [0, 1]); it
never compares a timing with a target, since timings depend on the machine and its load.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

POSITIVE = (
    "classify_pps", "predict_proba_pps", "corpus_n1_pps", "corpus_n2_pps", "n2_speedup", "peer_ratio",
    "corpus_n1_main_cpu_us", "corpus_n2_main_cpu_us", "corpus_n2_worker_cpu_us", "n2_speedup_cpu_bound",
    "latency_p50_ms", "latency_p99_ms", "import_s", "import_with_api_s", "first_call_s", "model_load_s",
    "stream_peak_rss_mb", "stream_rss_after_model_load_mb", "stream_pps", "stream_passages", "model_size_mb",
    "train_full_s", "train_full_passages", "train_full_blas1_s", "classify_blas1_pps", "latency_p50_blas1_ms",
    "classify_spans_pps", "spans_throughput_passages", "train_full_per_1k_s", "train_full_blas1_per_1k_s",
)
SCORES = ("micro_f1", "macro_f1", "endorsed_f1", "stance_accuracy", "frame_free_kept")
TESTS = ("test_real", "test_written")  # the real test split (primary) and the written test events


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _score(value) -> bool:
    return isinstance(value, float) and 0.0 <= value <= 1.0


@pytest.fixture(scope="module")
def quick_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
                          cwd=str(ROOT), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout


@pytest.mark.slow
def test_quick_run_reports_every_framing_figure(quick_result):
    result, _ = quick_result
    fw = result["framing"]
    bad = {k: fw.get(k) for k in POSITIVE if not _positive(fw.get(k))}
    assert not bad, f"missing or non-positive figures: {bad}"
    assert fw["latency_p99_ms"] >= fw["latency_p50_ms"]
    assert math.isfinite(fw["spans_cost"]) and fw["spans_cost"] < 1.0
    assert all(_positive(r["plain_pps"]) and _positive(r["spans_pps"]) for r in fw["spans_rounds"])
    assert fw["stream_peak_rss_mb"] >= fw["stream_rss_after_model_load_mb"]
    assert fw["classify_corpus_status"] == "ok"
    for test in TESTS:
        assert {k: fw[test][k] for k in SCORES if not _score(fw[test][k])} == {}, test
    by_source = fw["test_real_by_source"]
    assert by_source and all(_score(q["micro_f1"]) and _positive(q["passages"]) for q in by_source.values())
    assert sum(q["passages"] for q in by_source.values()) == result["split"]["test_real_passages"]
    assert math.isclose(fw["train_full_per_1k_s"], fw["train_full_s"] / fw["train_full_passages"] * 1000)
    curve = fw["train_curve"]
    assert len(curve) >= 2 and all(_positive(r["passages"]) and _positive(r["seconds"]) for r in curve)
    assert [r["passages"] for r in curve] == sorted(r["passages"] for r in curve)


@pytest.mark.slow
def test_quick_run_reports_the_peers(quick_result):
    result, _ = quick_result
    peers = result["peers"]
    assert set(peers) == {"regex", "tfidf_lr", "minilm_lr"}
    for name in ("regex", "tfidf_lr"):
        p = peers[name]
        for test in TESTS:  # every peer is scored on both test sets
            assert _score(p[test]["micro_f1"]) and _score(p[test]["macro_f1"]), (name, test)
            assert _score(p[test]["frame_free_kept"]), (name, test)
        assert _positive(p["pps"]) and _positive(p["throughput_passages"]), name
    for test in TESTS:
        assert _score(peers["regex"][test]["stance_accuracy"]) and _score(peers["regex"][test]["endorsed_f1"])
        assert peers["tfidf_lr"][test]["stance_accuracy"] is None  # frames only
    assert _positive(peers["tfidf_lr"]["fit_s"])
    assert isinstance(peers["minilm_lr"]["status"], str)  # skipped in --quick
    assert result["scorer_check"] is True  # the peers' scorer agrees with framing.evaluate


@pytest.mark.slow
def test_quick_run_describes_machine_passages_and_targets(quick_result):
    result, stdout = quick_result
    m = result["machine"]
    assert m["nproc"] >= 1 and m["cpu"] and m["ram_gb"] > 0 and m["versions"]["python"]
    assert result["mode"] == "quick"
    passages = result["passages"]
    assert 40 <= passages["mean_words"] <= 90 and "seed" in passages["how"]
    assert "written layer" in passages["how"]  # speed passages come from the written layer only
    split = result["split"]
    assert split["test_real_passages"] > 0 and split["test_written_passages"] > 0
    assert split["fit_passages"] == split["fit_written"] + split["fit_real"] > 0
    assert split["fit_written"] > 0 and split["fit_real"] > 0  # fitted on both layers
    assert split["test_real_groups"] > 0 and split["test_events"]
    targets = result["targets"]
    keys = [t["key"] for t in targets]
    assert len(targets) == 14 and len(set(keys)) == 14
    assert {"train_full_s", "train_per_1k_s", "accuracy_real_micro_f1", "accuracy_real_macro_f1",
            "accuracy_written_micro_f1", "accuracy_written_macro_f1"} <= set(keys)
    for t in targets:
        assert _positive(t["value"]), t
        # Every row is a target except the training time per 1,000 passages, shown for its scaling.
        assert t["met"] is None if t["key"] == "train_per_1k_s" else isinstance(t["met"], bool), t
    spans = next(t for t in targets if t["key"] == "spans_cost")
    assert spans["met"] is True and (spans["value"] <= 0.15 or spans["note"] == "only when asked")
    dm = result["framing"]["default_model_training"]
    assert isinstance(dm["matches_current_train_dev"], bool) and _positive(dm["passages"])
    assert dm["current_train_dev_passages"] > split["fit_passages"]  # the full train + dev, even in --quick
    assert dm["test_groups_in_training"] is None or isinstance(dm["test_groups_in_training"], list)
    assert "| Target | Measured | Goal | Met |" in stdout and "cores" in stdout
    assert "| Real test split, primary" in stdout and "| Written test events" in stdout


def test_stage_profile_runs_and_reports_every_stage():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "stages.py"), "--n", "300"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("framing.classify(list of 300):")
    reported = {line.split()[0]: float(line.split()[1]) for line in lines[1:]}
    assert {"transform", "normalize", "_results", "_evidence", "_stance_proba"} <= set(reported)
    assert all(v > 0 for v in reported.values())


def test_real_data_finds_the_passages_about_a_written_test_event():
    import importlib.util

    spec = importlib.util.spec_from_file_location("real_data", Path(__file__).resolve().parents[1] / "bench/real_data.py")
    real_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real_data)
    from framing.corpus import Record

    def rec(text, date):
        return Record(id="x", text=text, frames={}, event="e", country="", register="wire", side="neutral",
                      source="whitehouse", date=date)

    assert real_data.about_a_written_test_event(rec("Iran's regime is killing protesters.", "2022-10-01"))
    assert not real_data.about_a_written_test_event(rec("Iran's regime is killing protesters.", "2019-10-01"))
    assert not real_data.about_a_written_test_event(rec("The budget passed on Monday.", "2022-10-01"))
