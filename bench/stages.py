"""Where the time of ``framing.classify(list)`` goes: microseconds per passage, stage by stage.

    python bench/stages.py            # 10,000 generated passages (the passages of bench/run.py)
    python bench/stages.py --n 2000

Each stage is timed by wrapping the method that does it, so stages nest (``transform`` includes
``normalize`` and ``split_sentences``; ``_results`` includes ``_evidence``) and the wrappers add
about a microsecond per call. The best of three runs is printed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py: the same generated passages

# (where the name is looked up when it is called, names)
STAGES = [
    ("framing.features", ["normalize", "split_sentences"]),
    ("framing.features.TextVectorizer", ["transform"]),
    ("framing.model.FrameClassifier", ["_features", "_decision", "_focus_weights", "_stance_blocks", "_stance_proba",
                                       "_results", "_evidence"]),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="passages (default 10,000)")
    args = parser.parse_args(argv)

    import framing
    from framing import features, model as model_module
    from framing.corpus import load_corpus

    owners = {"framing.features": features, "framing.features.TextVectorizer": features.TextVectorizer,
              "framing.model.FrameClassifier": model_module.FrameClassifier}

    passages = run.generate_passages(run.corpus_sentences(load_corpus("written")), args.n)
    model = framing.default_model()
    model.classify(passages[:2000])  # warm the token caches

    spent: dict[str, float] = {}

    def timed(owner, name):
        inner = getattr(owner, name)

        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        setattr(owner, name, wrapper)

    for where, names in STAGES:
        for name in names:
            timed(owners[where], name)

    best: tuple[float, dict[str, float]] | None = None
    for _ in range(3):
        spent.clear()
        gc.collect()
        t = time.perf_counter()
        model.classify(passages)
        total = time.perf_counter() - t
        if best is None or total < best[0]:
            best = (total, dict(spent))
    total, stages = best
    print(f"framing.classify(list of {args.n}): {total / args.n * 1e6:.1f} us per passage "
          f"({args.n / total:,.0f} passages/s, with the timing wrappers)")
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {name:16s} {seconds / args.n * 1e6:7.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
