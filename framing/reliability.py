"""Inter-coder agreement between two sets of labels, for any codebook.

``agreement(labels_a, labels_b)`` compares two coders (two annotators, a coder and the model, two
passes of one team) on the same passages: per frame, Cohen's kappa and F1 of frame presence;
stance agreement on the (passage, frame) pairs both coders found; the rate of passages labelled
exactly alike; and the disagreeing records, to discuss or adjudicate. The corpus data card
(``python -m framing.corpus datacard``) reports its second pass with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from .codebooks import load_codebook
from .errors import LabelError
from .readers import LabelledData, _label

__all__ = ["agreement", "AgreementReport", "cohen_kappa"]


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's kappa of two 0/1 codings of the same items (1.0 when both never vary and agree).

    Examples
    --------
    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    >>> cohen_kappa([0, 0], [0, 0]), math.isnan(cohen_kappa([], []))
    (1.0, True)
    """
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


@dataclass(frozen=True)
class AgreementReport:
    """How far two coders agree (see :func:`agreement`).

    Attributes
    ----------
    names : (str, str)
        What the two coders are called in tables.
    passages : int
        Passages compared (those both coders labelled).
    frames : tuple of str
    per_frame : dict of str to dict
        Per frame: ``kappa`` (Cohen's), ``f1`` of frame presence (one coder's labels against the
        other's), ``n_a`` and ``n_b`` (passages each coder gave the frame) and ``both``.
    micro_f1 : float
        F1 of frame presence over all frames.
    stance_agreement : float
        Share of the (passage, frame) pairs both coders found, and both gave a stance, with the
        same stance (NaN without such pairs); ``stance_pairs`` is how many there were.
    exact_match : float
        Share of passages with the same frames and the same stances; ``frame_exact_match`` the
        same for frames only.
    disagreements : list of dict
        One per passage the coders labelled differently: ``id``, ``text`` (when known), ``a`` and
        ``b`` (frame -> stance), ``only_a`` and ``only_b`` (frames one coder gave and the other
        did not) and ``stances`` (frame -> [stance of a, stance of b] where they differ).
    only_in_a, only_in_b : list of str
        Ids labelled by one coder only (left out of every figure).
    """

    names: tuple[str, str]
    passages: int
    frames: tuple[str, ...]
    per_frame: dict[str, dict[str, float]]
    micro_f1: float
    stance_agreement: float
    stance_pairs: int
    exact_match: float
    frame_exact_match: float
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    only_in_a: list[str] = field(default_factory=list)
    only_in_b: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form (NaN becomes ``None``)."""
        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and math.isnan(v) else v

        return {"names": list(self.names), "passages": self.passages, "frames": list(self.frames),
                "per_frame": {f: {k: clean(v) for k, v in m.items()} for f, m in self.per_frame.items()},
                "micro_f1": clean(self.micro_f1), "stance_agreement": clean(self.stance_agreement),
                "stance_pairs": self.stance_pairs, "exact_match": clean(self.exact_match),
                "frame_exact_match": clean(self.frame_exact_match), "disagreements": self.disagreements,
                "only_in_a": self.only_in_a, "only_in_b": self.only_in_b}

    def to_frame(self):
        """One row per frame: kappa, F1 and how often each coder used the frame (pandas DataFrame)."""
        pd = _pandas("to_frame()")
        a, b = self.names
        rows = [{"frame": f, "kappa": m["kappa"], "f1": m["f1"], a: m["n_a"], b: m["n_b"], "both": m["both"]}
                for f, m in self.per_frame.items()]
        return pd.DataFrame(rows, columns=["frame", "kappa", "f1", a, b, "both"]).set_index("frame")

    def disagreements_frame(self):
        """The disagreeing passages, one row each (pandas DataFrame)."""
        pd = _pandas("disagreements_frame()")

        a, b = self.names
        rows = [{"id": d["id"], "text": d.get("text"), a: _show(d["a"]), b: _show(d["b"]),
                 f"only {a}": ", ".join(d["only_a"]), f"only {b}": ", ".join(d["only_b"]),
                 "stances": "; ".join(f"{f}: {x} / {y}" for f, (x, y) in d["stances"].items())} for d in self.disagreements]
        return pd.DataFrame(rows, columns=["id", "text", a, b, f"only {a}", f"only {b}", "stances"]).set_index("id")

    def markdown(self) -> list[str]:
        """Markdown lines for a data card: frame presence and stance agreement, then a per-frame
        table of F1, Cohen's kappa and how often each coder gave the frame."""
        return [
            f"- Frame presence: micro-F1 {round(self.micro_f1, 3)}; exact match of the whole label set "
            f"{round(self.exact_match, 3)}.",
            f"- Stance, on the {self.stance_pairs} (passage, frame) pairs both found: "
            f"{round(self.stance_agreement, 3)} agreement.",
            "",
            f"| frame | F1 | Cohen's kappa | {self.names[0]} | {self.names[1]} |",
            "|---|---|---|---|---|",
            *(f"| {f} | {round(m['f1'], 3)} | {round(m['kappa'], 3)} | {m['n_a']} | {m['n_b']} |"
              for f, m in self.per_frame.items()),
        ]

    def __str__(self) -> str:
        a, b = self.names
        lines = [f"Agreement of {a} and {b} on {self.passages} passages: frame micro-F1 {self.micro_f1:.3f}; "
                 f"exact match {self.exact_match:.3f} (frames only {self.frame_exact_match:.3f}); stance agreement "
                 f"{self.stance_agreement:.3f} on {self.stance_pairs} shared (passage, frame) pairs; "
                 f"{len(self.disagreements)} passages disagree.",
                 f"{'frame':<24} {'kappa':>6} {'F1':>6} {a:>8} {b:>8}"]
        for f, m in self.per_frame.items():
            lines.append(f"{f:<24} {m['kappa']:>6.3f} {m['f1']:>6.3f} {m['n_a']:>8} {m['n_b']:>8}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"AgreementReport({self.passages} passages; micro_f1={self.micro_f1:.3f}, "
                f"stance_agreement={self.stance_agreement:.3f}, exact_match={self.exact_match:.3f}, "
                f"{len(self.disagreements)} disagreements)")


def _pandas(what: str) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(f'{what} needs pandas; install it with: pip install "framing[notebooks]"') from exc
    return pd


def _show(label: dict[str, str | None]) -> str:
    return "; ".join(f"{f}:{s}" if s else f for f, s in label.items()) or "(no frame)"


def _records(labels: Any, side: str) -> tuple[list[str] | None, list[Any], list[str] | None]:
    """(ids, labels, texts) of one coder's labels."""
    if isinstance(labels, LabelledData):
        return list(labels.ids), list(labels.labels), list(labels.texts)
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__iter__") or isinstance(labels, dict):
        raise LabelError(f"labels_{side} must be a LabelledData or a list of labels (one per passage); "
                         f"got {type(labels).__name__}")
    return None, list(labels), None


def agreement(labels_a: Any, labels_b: Any, *, codebook: Any = None, names: tuple[str, str] = ("a", "b")
              ) -> AgreementReport:
    """Inter-coder agreement of two sets of labels on the same passages.

    Parameters
    ----------
    labels_a, labels_b : LabelledData or list of labels
        Per passage, a list of frame ids or a mapping frame id -> stance (``None`` for no
        stance), as everywhere in framing. Two ``LabelledData`` (from ``read_jsonl``,
        ``read_label_studio``, ``read_doccano``...) are matched by record id, and ids only one
        side has are left out (listed in ``only_in_a`` / ``only_in_b``); two lists are matched by
        position and must be as long as each other.
    codebook : codebook spec, optional
        The frames (and stances) the labels may use; a frame or stance outside it is an error.
        Default: every frame either coder used, sorted.
    names : (str, str), default=("a", "b")
        The coders' names in tables and messages.

    Returns
    -------
    AgreementReport

    Raises
    ------
    LabelError
        Labels of different lengths, no shared record id, a malformed label, or a frame or stance
        not in ``codebook``, naming the record.

    Examples
    --------
    >>> a = [{"repression": "endorsed"}, {"economy": "reported"}, {}, ["repression"]]
    >>> b = [{"repression": "disputed"}, {"economy": "reported"}, {"economy": "endorsed"}, ["repression"]]
    >>> r = agreement(a, b)
    >>> r.passages, round(r.per_frame["economy"]["kappa"], 3), r.stance_agreement, r.exact_match
    (4, 0.5, 0.5, 0.5)
    >>> [d["id"] for d in r.disagreements], r.disagreements[0]["stances"]
    (['0', '2'], {'repression': ['endorsed', 'disputed']})
    """
    ids_a, raw_a, texts_a = _records(labels_a, "a")
    ids_b, raw_b, texts_b = _records(labels_b, "b")
    only_a: list[str] = []
    only_b: list[str] = []
    if ids_a is not None and ids_b is not None:
        position_b = {i: k for k, i in enumerate(ids_b)}
        shared = [i for i in ids_a if i in position_b]
        if not shared:
            raise LabelError(f"no record id is in both label sets ({names[0]}: {ids_a[:3]}..., {names[1]}: "
                             f"{ids_b[:3]}...); agreement needs the same passages labelled twice")
        position_a = {i: k for k, i in enumerate(ids_a)}
        only_a = [i for i in ids_a if i not in position_b]
        only_b = [i for i in ids_b if i not in position_a]
        raw_a = [raw_a[position_a[i]] for i in shared]
        raw_b = [raw_b[position_b[i]] for i in shared]
        texts = [texts_a[position_a[i]] for i in shared] if texts_a else None
        ids = shared
    else:
        if len(raw_a) != len(raw_b):
            raise LabelError(f"{names[0]} has {len(raw_a)} labels and {names[1]} has {len(raw_b)}; give one label per "
                             "passage in both, in the same order (or two LabelledData, matched by id)")
        ids = ids_a or ids_b or [str(i) for i in range(len(raw_a))]
        texts = texts_a or texts_b
    a = [_as_mapping(label, f"{names[0]}, record {i!r}") for i, label in zip(ids, raw_a)]
    b = [_as_mapping(label, f"{names[1]}, record {i!r}") for i, label in zip(ids, raw_b)]
    if codebook is not None:
        cb = load_codebook(codebook)
        frames = tuple(cb.frame_ids)
        for side, labels in ((names[0], a), (names[1], b)):
            for i, label in zip(ids, labels):
                for f, s in label.items():
                    if f not in frames:
                        raise LabelError(f"{side}, record {i!r}: unknown frame {f!r}; valid frames: {', '.join(frames)}")
                    if s is not None and cb.stance_ids and s not in cb.stance_ids:
                        raise LabelError(f"{side}, record {i!r}: unknown stance {s!r} for frame {f!r}; valid stances: "
                                         f"{', '.join(cb.stance_ids)}")
    else:
        frames = tuple(sorted({f for label in a + b for f in label}))
    return _report(names, ids, texts, a, b, frames, only_a, only_b)


def _as_mapping(label: Any, where: str) -> dict[str, str | None]:
    label = _label(label, where, "labels")
    return dict(label) if isinstance(label, dict) else {f: None for f in label}


def _report(names: tuple[str, str], ids: list[str], texts: list[str] | None, a: list[dict], b: list[dict],
            frames: tuple[str, ...], only_a: list[str], only_b: list[str]) -> AgreementReport:
    n = len(a)
    per_frame = {}
    tp_all = fp_all = fn_all = 0
    for f in frames:
        xa = [int(f in x) for x in a]
        xb = [int(f in y) for y in b]
        tp = sum(x & y for x, y in zip(xa, xb))
        fp = sum((1 - x) & y for x, y in zip(xa, xb))
        fn = sum(x & (1 - y) for x, y in zip(xa, xb))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        per_frame[f] = {"kappa": cohen_kappa(xa, xb), "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
                        "n_a": sum(xa), "n_b": sum(xb), "both": tp}
    pairs = [(x[f], y[f]) for x, y in zip(a, b) for f in frames if f in x and f in y
             and x[f] is not None and y[f] is not None]
    disagreements = []
    for k, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        record: dict[str, Any] = {"id": ids[k]}
        if texts:
            record["text"] = texts[k]
        record.update(a=x, b=y, only_a=[f for f in x if f not in y], only_b=[f for f in y if f not in x],
                      stances={f: [x[f], y[f]] for f in x if f in y and x[f] != y[f]})
        disagreements.append(record)
    total = 2 * tp_all + fp_all + fn_all
    return AgreementReport(
        names=tuple(names), passages=n, frames=frames, per_frame=per_frame,
        micro_f1=2 * tp_all / total if total else 1.0,
        stance_agreement=sum(s == t for s, t in pairs) / len(pairs) if pairs else float("nan"),
        stance_pairs=len(pairs),
        exact_match=sum(x == y for x, y in zip(a, b)) / n if n else float("nan"),
        frame_exact_match=sum(set(x) == set(y) for x, y in zip(a, b)) / n if n else float("nan"),
        disagreements=disagreements, only_in_a=only_a, only_in_b=only_b)
