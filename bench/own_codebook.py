"""Retraining with a user's own codebook on whole articles: framing vs TF-IDF + linear SVM.

    python bench/own_codebook.py [--articles 360] [--folds 5]

Data, made for this benchmark from the packaged corpus (deterministic, seed 7): each article glues
3-7 passages of ONE event into paragraphs, so it reads as a multi-paragraph piece; about a fifth
of the passages of each article are no-frame passages. Two user codebooks are scored:

* ``generic``: four coarse frames a researcher might declare, each the union of default frames
  (External_actors = foreign_interference | color_revolution | russian_hegemony | geopolitical_rivalry;
  Security = law_and_order | stabilization; Repression = repression; Grievances = popular_revolt);
* ``default-as-names``: the eight default frame ids declared as a plain list (no cues, no stances).

Both systems see the same GroupKFold folds (articles grouped by event, so test events are unseen).
The baseline is the shared tasks' kind: TF-IDF word 1-2-grams (sublinear) + one-vs-rest LinearSVC.
framing is ``framing.train(articles, labels, codebook=...)`` with default parameters.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict

import numpy as np

import framing
from framing.corpus import load_corpus

GENERIC = {
    "External_actors": ("foreign_interference", "color_revolution", "russian_hegemony", "geopolitical_rivalry"),
    "Security": ("law_and_order", "stabilization"),
    "Repression": ("repression",),
    "Grievances": ("popular_revolt",),
}


def make_articles(n: int, seed: int = 7) -> tuple[list[str], list[set[str]], list[str]]:
    """Articles (text, default-frame set, event) glued from passages of one event."""
    rng = random.Random(seed)
    by_event: dict[str, list] = defaultdict(list)
    for r in load_corpus("written"):
        by_event[r.event].append(r)
    events = sorted(by_event)
    for e in events:
        rng.shuffle(by_event[e])
    cursor = {e: 0 for e in events}
    texts, labels, groups = [], [], []
    while len(texts) < n:
        e = events[len(texts) % len(events)]
        k = rng.randint(3, 7)
        pool = by_event[e]
        if cursor[e] + k > len(pool):
            rng.shuffle(pool)
            cursor[e] = 0
        parts = pool[cursor[e] : cursor[e] + k]
        cursor[e] += k
        texts.append("\n\n".join(p.text for p in parts))
        labels.append({f for p in parts for f in p.frames})
        groups.append(e)
    return texts, labels, groups


def micro_macro(Y: np.ndarray, P: np.ndarray) -> tuple[float, float]:
    tp, fp, fn = (P & Y).sum(0), (P & (1 - Y)).sum(0), ((1 - P) & Y).sum(0)
    micro = 2 * tp.sum() / max(1, 2 * tp.sum() + fp.sum() + fn.sum())
    macro = float(np.mean(2 * tp / np.maximum(1, 2 * tp + fp + fn)))
    return float(micro), macro


def run(n_articles: int, folds: int) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import GroupKFold
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    texts, default_sets, groups = make_articles(n_articles)
    codebooks = {
        "generic": (list(GENERIC), [[g for g, members in GENERIC.items() if s & set(members)] for s in default_sets]),
        "default-as-names": (list(framing.codebook().frame_ids), [sorted(s) for s in default_sets]),
    }
    out = {"articles": n_articles, "folds": folds, "mean_words": float(np.mean([len(t.split()) for t in texts])),
           "events": len(set(groups))}
    for name, (frames, labels) in codebooks.items():
        Y = np.array([[int(f in l) for f in frames] for l in labels])
        scores: dict[str, list[tuple[float, float]]] = {"framing": [], "tfidf_linearsvc": []}
        seconds = {"framing": 0.0, "tfidf_linearsvc": 0.0}
        for train, test in GroupKFold(n_splits=folds).split(texts, groups=groups):
            t0 = time.perf_counter()
            model = framing.train([texts[i] for i in train], [labels[i] for i in train], codebook=frames,
                                  groups=[groups[i] for i in train])
            P = model.predict([texts[i] for i in test])
            seconds["framing"] += time.perf_counter() - t0
            scores["framing"].append(micro_macro(Y[test], P))
            t0 = time.perf_counter()
            base = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                                 OneVsRestClassifier(LinearSVC(C=1.0)))
            base.fit([texts[i] for i in train], Y[train])
            Pb = base.predict([texts[i] for i in test])
            seconds["tfidf_linearsvc"] += time.perf_counter() - t0
            scores["tfidf_linearsvc"].append(micro_macro(Y[test], Pb))
        out[name] = {
            system: {"micro_f1": round(float(np.mean([s[0] for s in v])), 4),
                     "micro_f1_std": round(float(np.std([s[0] for s in v])), 4),
                     "macro_f1": round(float(np.mean([s[1] for s in v])), 4),
                     "seconds": round(seconds[system], 1)}
            for system, v in scores.items()
        }
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=360)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    res = run(args.articles, args.folds)
    print(f"{res['articles']} articles (mean {res['mean_words']:.0f} words, {res['events']} events), "
          f"GroupKFold({res['folds']}) by event\n")
    print("| codebook | system | micro-F1 (mean ± sd over folds) | macro-F1 | train+predict s |")
    print("|---|---|---|---|---|")
    for name in ("generic", "default-as-names"):
        for system, m in res[name].items():
            print(f"| {name} | {system} | {m['micro_f1']:.3f} ± {m['micro_f1_std']:.3f} | {m['macro_f1']:.3f} | {m['seconds']} |")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(res, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
