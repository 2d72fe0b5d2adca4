"""Label consistency: agreement between the corpus labels and an independent second pass.

``framing/data/corpus/second_pass.jsonl`` holds the labels an independent annotator gave to a
sample of the corpus without seeing the first labels (``{"id", "frames"}`` per line, plus
``"resolution"`` for records whose disagreement was adjudicated). Agreement is computed against
the first-pass labels kept in the same file (``"first"``), so it stays reproducible after the
corpus was corrected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .codebooks import default_codebook

__all__ = ["agreement", "agreement_section"]


def _kappa(a: list[int], b: list[int]) -> float:
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agreement(pairs: list[tuple[dict[str, str], dict[str, str]]]) -> dict[str, Any]:
    """Per-frame F1 and Cohen's kappa between two label sets, and stance agreement.

    ``pairs`` holds (first, second) label mappings frame -> stance for the same passages.

    Examples
    --------
    >>> r = agreement([({"repression": "endorsed"}, {"repression": "reported"}), ({}, {})])
    >>> r["per_frame"]["repression"]["f1"], r["stance_agreement"]
    (1.0, 0.0)
    """
    frames = default_codebook().frame_ids
    per_frame = {}
    tp_all = fp_all = fn_all = 0
    for f in frames:
        a = [int(f in x) for x, _ in pairs]
        b = [int(f in y) for _, y in pairs]
        tp = sum(x & y for x, y in zip(a, b))
        fp = sum((1 - x) & y for x, y in zip(a, b))
        fn = sum(x & (1 - y) for x, y in zip(a, b))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        per_frame[f] = {"f1": round(f1, 3), "kappa": round(_kappa(a, b), 3), "first": sum(a), "second": sum(b)}
    both = [(x[f], y[f]) for x, y in pairs for f in frames if f in x and f in y]
    return {
        "passages": len(pairs),
        "micro_f1": round(2 * tp_all / (2 * tp_all + fp_all + fn_all), 3) if tp_all + fp_all + fn_all else 1.0,
        "per_frame": per_frame,
        "stance_agreement": round(sum(s == t for s, t in both) / len(both), 3) if both else float("nan"),
        "stance_pairs": len(both),
        "exact_match": round(sum(x == y for x, y in pairs) / len(pairs), 3) if pairs else float("nan"),
    }


def _second_pass_path() -> Path:
    from .corpus import corpus_dir

    return corpus_dir() / "second_pass.jsonl"


def agreement_section(path: str | Path | None = None) -> str:
    """Markdown for the data card (empty when there is no second pass yet)."""
    p = Path(path) if path else _second_pass_path()
    if not p.is_file():
        return ""
    rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    res = agreement([(r["first"], r["second"]) for r in rows])
    resolved = sum(1 for r in rows if r["first"] != r["second"])
    lines = [
        f"Independent second-pass annotators (three, each on its own share) labelled {res['passages']} passages "
        "(a fixed 11% sample: sha256(id + ':second-pass') mod 100 < 11) from the codebook alone, without seeing the "
        "first labels. Agreement between the two passes, before adjudication:",
        "",
        f"- Frame presence: micro-F1 {res['micro_f1']}; exact match of the whole label set {res['exact_match']}.",
        f"- Stance, on the {res['stance_pairs']} (passage, frame) pairs both passes found: {res['stance_agreement']} agreement.",
        "",
        "| frame | F1 | Cohen's kappa | first pass | second pass |",
        "|---|---|---|---|---|",
    ]
    for f, m in res["per_frame"].items():
        lines.append(f"| {f} | {m['f1']} | {m['kappa']} | {m['first']} | {m['second']} |")
    lines += [
        "",
        f"The {resolved} passages where the passes differed were adjudicated against the codebook by a third reader "
        "who saw both label sets; the corpus holds the adjudicated labels (`resolution` in "
        "`framing/data/corpus/second_pass.jsonl` gives the decision and reason for each).",
    ]
    return "\n".join(lines)
