"""Build the shipped default model from the packaged corpus: one deterministic command.

    python -m framing.build              # trains on train + dev events, scores the test events,
                                         # writes models/default (manifest with the metrics)
    python -m framing.build --check models/default
                                         # rebuilds into a temporary folder and says whether the
                                         # result matches models/default (exit 0) or not (exit 1)

On one machine the build is byte for byte reproducible. Across machines the last bits of the
solvers' results depend on the processor's BLAS kernel, so ``--check`` compares predictions and
metrics with tolerances (:func:`framing.compare.compare_models`), not bytes.

The test events (``framing.corpus.SPLITS["test"]``) are never used for training or tuning. The
figures printed here, and stored in the model's manifest, are the ones the README reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus import SPLITS, load_corpus, split
from .training import evaluate, train

if TYPE_CHECKING:  # pragma: no cover
    from .compare import ModelComparison

# Chosen on the dev events (train-only model scored on dev), never on test.
DEFAULT_PARAMS: dict = {}


def build(out: str | Path = "models/default", *, seed: int = 0, verbose: bool = True) -> dict:
    """Train the default model, evaluate it on the held-out test events, save it to ``out``."""
    records = load_corpus()
    parts = split(records, "event")
    log = (lambda *a: print(*a, file=sys.stderr)) if verbose else (lambda *a: None)

    t0 = time.perf_counter()
    dev_model = train([r.text for r in parts["train"]], [r.frames for r in parts["train"]],
                      groups=[r.event for r in parts["train"]], random_state=seed, verbose=verbose, **DEFAULT_PARAMS)
    dev = evaluate([r.text for r in parts["dev"]], [r.frames for r in parts["dev"]], model=dev_model)
    log(f"[dev events {', '.join(SPLITS['dev'])}: model trained on train events only]\n{dev}\n")

    fit_records = parts["train"] + parts["dev"]
    t1 = time.perf_counter()
    model = train([r.text for r in fit_records], [r.frames for r in fit_records],
                  groups=[r.event for r in fit_records], ids=[r.id for r in fit_records], random_state=seed,
                  verbose=verbose, **DEFAULT_PARAMS)
    seconds = time.perf_counter() - t1
    test = evaluate([r.text for r in parts["test"]], [r.frames for r in parts["test"]], model=model)
    log(f"[test events {', '.join(SPLITS['test'])}: never seen in training or tuning]\n{test}\n")
    metrics = {
        "test_events": list(SPLITS["test"]),
        "test": test.to_dict(),
        "dev_events": list(SPLITS["dev"]),
        "dev_model_trained_on_train_only": dev.to_dict(),
        "how": "python -m framing.build: trained on train+dev events, scored on the held-out test events",
    }
    # No timings in the model: the same data and seed must give byte-identical files.
    model.training_info_ = dict(model.training_info_, split="event: train+dev", events=sorted({r.event for r in fit_records}))
    path = model.save(out, metrics=metrics)
    log(f"saved {path} (fit {seconds:.1f} s; whole build {time.perf_counter() - t0:.1f} s)")
    return metrics


def check(reference: str | Path, *, seed: int = 0, verbose: bool = True) -> "ModelComparison":
    """Rebuild the default model in a temporary folder and compare it with the model in ``reference``.

    Returns the :class:`framing.compare.ModelComparison` (``.ok`` says whether they match).
    """
    import tempfile

    from .compare import compare_models
    from .persist import load_model

    shipped = load_model(reference)
    with tempfile.TemporaryDirectory(prefix="framing-build-check-") as tmp:
        build(Path(tmp) / "model", seed=seed, verbose=verbose)
        rebuilt = load_model(Path(tmp) / "model")
    return compare_models(shipped, rebuilt)


def _main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framing.build", description="Build the default model.")
    parser.add_argument("--out", default="models/default")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", metavar="MODEL_DIR",
                        help="rebuild into a temporary folder and compare with MODEL_DIR (exit 1 if they differ)")
    args = parser.parse_args(argv)
    if args.check:
        result = check(args.check, seed=args.seed)
        print(f"rebuild compared with {args.check}: {result}")
        return 0 if result.ok else 1
    metrics = build(args.out, seed=args.seed)
    print(json.dumps({k: metrics["test"][k] for k in ("micro_f1", "macro_f1", "endorsed_f1", "stance_accuracy")}))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
