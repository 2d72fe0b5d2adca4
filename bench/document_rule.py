"""Measure the document rule of framing.documents against the alternatives it was chosen over.

    python bench/document_rule.py        # about a minute

A model trained on the corpus's train events reads 400 articles of 3-8 passages glued from the dev
events (never the test events). Gold labels of an article: the union of its passages' frames; gold
stance of a frame: the majority stance of the passages that carry it. Printed: micro-F1 of the
document's labels when one passage suffices (the rule) or two are required, and the stance
accuracy of the score-weighted vote (the rule) against the stance of the top-scoring passage (what
classify_articles gave before).
"""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import framing  # noqa: E402
from framing.corpus import load_corpus, split  # noqa: E402
from framing.documents import combine  # noqa: E402
from framing.text import split_passages  # noqa: E402


def main(n_articles: int = 400, seed: int = 5) -> None:
    parts = split(load_corpus())
    model = framing.train([r.text for r in parts["train"]], [r.frames for r in parts["train"]],
                          groups=[r.event for r in parts["train"]])
    by_event = defaultdict(list)
    for r in parts["dev"]:
        by_event[r.event].append(r)
    rng = random.Random(seed)
    events = sorted(by_event)
    thr = model.decision_threshold_
    counts = Counter()
    for i in range(n_articles):
        picks = rng.sample(by_event[events[i % len(events)]], rng.randint(3, 8))
        results = model.classify(split_passages("\n\n".join(p.text for p in picks)))
        scores = np.array([[p.score for p in r.frames] for r in results])
        gold = {f for p in picks for f in p.frames}
        for need, name in ((1, "one"), (2, "two")):
            carried = {f for j, f in enumerate(model.classes_) if (scores[:, j] >= thr).sum() >= need}
            counts[f"{name}:tp"] += len(carried & gold)
            counts[f"{name}:fp"] += len(carried - gold)
            counts[f"{name}:fn"] += len(gold - carried)
        for j, d in enumerate(combine(results)):
            votes = Counter(p.frames[d.frame] for p in picks if p.frames.get(d.frame))
            if not d.support or not votes:
                continue
            truth = votes.most_common(1)[0][0]
            top = results[int(np.argmax(scores[:, j]))][d.frame].stance_scores
            counts["pairs"] += 1
            counts["vote"] += d.stance == truth
            counts["top"] += max(top, key=top.get) == truth
    for name in ("one", "two"):
        tp, fp, fn = (counts[f"{name}:{k}"] for k in ("tp", "fp", "fn"))
        print(f"labels when {name} passage(s) must carry a frame: micro-F1 {2 * tp / (2 * tp + fp + fn):.3f} "
              f"(precision {tp / (tp + fp):.3f}, recall {tp / (tp + fn):.3f})")
    print(f"stance of {counts['pairs']} (article, frame) pairs: score-weighted vote {counts['vote'] / counts['pairs']:.3f}, "
          f"top passage {counts['top'] / counts['pairs']:.3f}")


if __name__ == "__main__":
    main()
