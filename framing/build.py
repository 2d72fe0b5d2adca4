"""Build the shipped default model from the packaged corpus: one deterministic command.

    python -m framing.build              # dev models -> dev figures; final model on train + dev of
                                         # both layers -> scored on both test splits; writes
                                         # models/default (manifest with every figure)

The corpus has a written layer (split by event) and a real layer (split by document or month;
``framing.realtext``). Every choice of parameters, weights and corpus mix below was made on the
dev splits, with models trained on the train splits only; the test splits (written test events,
real test documents) are never used for training or tuning. The figures printed here, and
stored in the model's manifest, are the ones the README reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Sequence

from .corpus import SPLITS, Record, load_corpus, split
from .training import evaluate, train

# Chosen on the dev splits (models trained on the train splits, scored on real and written dev).
DEFAULT_PARAMS: dict = {}
REAL_WEIGHT = 3.0  # weight of a real passage against a written one in every part of the fit


def fit(records: Sequence[Record], *, seed: int = 0, **params):
    """A model trained on ``records`` (both layers) with the default model's settings."""
    return train([r.text for r in records], [r.frames for r in records], groups=[r.event for r in records],
                 ids=[r.id for r in records], random_state=seed,
                 sample_weight=[REAL_WEIGHT if r.layer == "real" else 1.0 for r in records],
                 **{**DEFAULT_PARAMS, **params})


def score(model, records: Sequence[Record]) -> dict:
    """``framing.evaluate`` of ``model`` on ``records``, as a dict."""
    return evaluate(model, [r.text for r in records], [r.frames for r in records]).to_dict()


def build(out: str | Path = "models/default", *, seed: int = 0, verbose: bool = True) -> dict:
    """Train the default model, evaluate it on the held-out test splits, save it to ``out``."""
    log = (lambda *a: print(*a, file=sys.stderr)) if verbose else (lambda *a: None)
    written, real = split(load_corpus("written")), split(load_corpus("real"))
    t0 = time.perf_counter()

    dev_model = fit(written["train"] + real["train"], seed=seed)
    dev = {"real": score(dev_model, real["dev"]), "written": score(dev_model, written["dev"])}
    log(f"[dev: model trained on the train splits only] real dev ({len(real['dev'])} passages): "
        f"{_headline(dev['real'])}; written dev events ({len(written['dev'])}): {_headline(dev['written'])}")

    fit_records = written["train"] + written["dev"] + real["train"] + real["dev"]
    t1 = time.perf_counter()
    model = fit(fit_records, seed=seed)
    seconds = time.perf_counter() - t1
    test = {"real": score(model, real["test"]), "written": score(model, written["test"])}
    by_source = {s: score(model, [r for r in real["test"] if r.source == s])
                 for s in sorted({r.source for r in real["test"]})}
    log(f"[test: never seen in training or tuning] real test ({len(real['test'])} passages): "
        f"{_headline(test['real'])}; written test events ({len(written['test'])}): {_headline(test['written'])}")
    for s, m in by_source.items():
        log(f"    real test, {s}: {_headline(m)}")
    metrics = {
        "test_real": test["real"],
        "test_real_by_source": by_source,
        "test_written": test["written"],
        "test_events": list(SPLITS["test"]),
        "dev_real_model_trained_on_train_only": dev["real"],
        "dev_written_model_trained_on_train_only": dev["written"],
        "dev_events": list(SPLITS["dev"]),
        "real_weight": REAL_WEIGHT,
        "how": "python -m framing.build: trained on the train and dev splits of both layers (real passages "
               f"weighted {REAL_WEIGHT}); scored on the real test split (by document or month) and on the "
               "written test events",
    }
    # No timings in the model: the same data and seed must give the same files.
    model.training_info_ = dict(model.training_info_, split="train+dev of both layers",
                                written=len(written["train"]) + len(written["dev"]),
                                real=len(real["train"]) + len(real["dev"]))
    path = model.save(out, metrics=metrics)
    log(f"saved {path} (fit {seconds:.1f} s; whole build {time.perf_counter() - t0:.1f} s)")
    return metrics


def _headline(m: dict) -> str:
    return ", ".join(f"{k} {m[k]}" for k in ("micro_f1", "macro_f1", "endorsed_f1", "stance_accuracy",
                                             "frame_free_kept"))


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framing.build", description="Build the default model.")
    parser.add_argument("--out", default="models/default")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    metrics = build(args.out, seed=args.seed)
    keys = ("micro_f1", "macro_f1", "endorsed_f1", "stance_accuracy", "frame_free_kept")
    print(json.dumps({part: {k: metrics[part][k] for k in keys} for part in ("test_real", "test_written")}))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
