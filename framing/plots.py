"""Plots of results and evaluation reports (matplotlib, optional).

Install the plotting extra with ``pip install "framing[notebooks]"``. matplotlib is imported on
the first call of a helper, never at ``import framing``. Every helper draws on ``ax`` when one is
given (otherwise on a new figure sized to its content) and returns the ``Axes``, so the plot can
be styled further or saved with ``ax.figure.savefig(...)``.

- :func:`plot_passage`: the per-frame scores of one passage, coloured by stance.
- :func:`plot_profile`: the frame profile of one article or a set of articles (heatmap, or stacked
  stance bars).
- :func:`plot_report`: per-frame precision, recall and F1 of an evaluation (or of CV folds).
- :func:`plot_confusion`: the stance confusion matrix of an evaluation (or per-frame hits, misses
  and false alarms when the report has no stances).
- :func:`plot_calibration`: the reliability diagram of an evaluation (or of CV folds): how often
  a frame scored in each band is gold.
- :func:`plot_shares`: from a ``framing.profile`` table, each group's frame shares over time (lines
  or stacked areas), one panel per group.
- :func:`plot_groups`: from a ``framing.profile`` table, a group x frame heatmap of shares (or net
  endorsement), each cell annotated with its stance counts.

Colours are the Okabe-Ito palette (readable with colour-blindness); stances always take the same
colour, given by :data:`STANCE_COLORS`, and frames the colour of their place in the codebook,
:data:`FRAME_COLORS` (the hues of the highlights in the HTML view of results).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .results import DocumentResult, PassageResult
    from .training import EvaluationReport

__all__ = ["plot_passage", "plot_profile", "plot_report", "plot_confusion", "plot_calibration", "plot_shares",
           "plot_groups", "STANCE_COLORS", "FRAME_COLORS"]

#: Colour of each default stance; other stance ids take the next colours of the palette.
STANCE_COLORS = {"endorsed": "#0072B2", "reported": "#E69F00", "disputed": "#CC79A7"}
_EXTRA_COLORS = ("#009E73", "#D55E00", "#56B4E9", "#F0E442", "#000000")
#: Colour of each frame, by its place in the codebook (a longer codebook cycles through them).
FRAME_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#C9B800", "#0072B2", "#D55E00", "#CC79A7", "#666666")
_NO_STANCE = "#7F7F7F"
_UNLABELLED = "#D9D9D9"
_METRIC_COLORS = {"precision": "#56B4E9", "recall": "#E69F00", "f1": "#0072B2"}
_PROFILE_VALUES = ("share", "mean_score", "max_score", "net")
_INSTALL_HINT = 'framing.plots needs matplotlib; install it with: pip install "framing[notebooks]"'


def _pyplot():
    """Import matplotlib's pyplot, or raise an ImportError that says how to install it."""
    try:
        import matplotlib  # noqa: F401
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def _new_axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        if not hasattr(ax, "figure") or not hasattr(ax, "barh"):
            raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")
        return ax
    plt = _pyplot()
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _stance_color(stance: str | None, order: Sequence[str] = ()) -> str:
    if stance is None:
        return _NO_STANCE
    if stance in STANCE_COLORS:
        return STANCE_COLORS[stance]
    others = list(dict.fromkeys(s for s in order if s not in STANCE_COLORS)) or [stance]
    return _EXTRA_COLORS[others.index(stance) % len(_EXTRA_COLORS)] if stance in others else _NO_STANCE


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _check_frames(frames: Sequence[str] | None, available: Sequence[str]) -> list[str]:
    if frames is None:
        return list(available)
    if isinstance(frames, str):
        frames = [frames]
    unknown = [f for f in frames if f not in available]
    if unknown:
        raise ValueError(f"unknown frame {unknown[0]!r}; frames: {', '.join(available)}")
    return list(frames)


# ------------------------------------------------------------------------------------------
# One passage
# ------------------------------------------------------------------------------------------

def plot_passage(result: "PassageResult", *, ax: "Axes | None" = None, frames: Sequence[str] | None = None,
                 sort: bool = True, evidence: int = 3, title: str | None = None) -> "Axes":
    """Per-frame scores of one passage as horizontal bars, coloured by stance.

    Frames the passage is labelled with are coloured by their stance and annotated with it and
    with their strongest evidence; the other frames are grey. The dashed line is the threshold
    that chose the labels: move it with ``framing.classify(text, threshold=...)``.

    Parameters
    ----------
    result : PassageResult
        One element of what ``framing.classify`` returns.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    frames : list of str, optional
        Frames to show (default: all, best score first when ``sort``).
    sort : bool, default=True
        Order bars by score (best at the top) instead of codebook order.
    evidence : int, default=3
        Evidence terms written beside each labelled frame (0 for none).
    title : str, optional
        Default: the start of the passage.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_passage
    >>> r = framing.classify("Soldiers opened fire on the peaceful rally and dozens were arrested.")
    >>> ax = plot_passage(r)
    >>> [t.get_text() for t in ax.get_yticklabels()][0]
    'repression'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    if not hasattr(result, "frames") or not hasattr(result, "labels") or not hasattr(result, "threshold"):
        raise TypeError(f"plot_passage expects a PassageResult (from framing.classify); got {type(result).__name__}"
                        + ("; pass one element of the list" if isinstance(result, (list, tuple)) else ""))
    preds = {p.frame: p for p in result.frames}
    shown = _check_frames(frames, list(preds))
    if sort:
        shown.sort(key=lambda f: -preds[f].score)
    stance_order = [s for p in result.frames for s in (p.stance_scores or {})]
    ax = _new_axes(ax, (8.0, 0.42 * len(shown) + 1.4))
    y = list(range(len(shown)))
    for i, f in enumerate(shown):
        p = preds[f]
        labelled = f in result.labels
        color = _stance_color(p.stance, stance_order) if labelled else _UNLABELLED
        ax.barh(i, p.score, color=color, height=0.7, zorder=2)
        if labelled:
            note = f"{p.score:.2f}" + (f"  {p.stance}" if p.stance else "")
            terms = [e.term for e in p.evidence[:evidence]] if evidence else []
            if terms:
                note += "   evidence: " + ", ".join(_shorten(t, 28) for t in terms)
            # Written over the bar on a pale box, so it reads whatever the bar's length and colour.
            ax.text(0.012, i, note, va="center", fontsize=8, zorder=3, clip_on=True,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5})
        else:
            ax.text(p.score + 0.015, i, f"{p.score:.2f}", va="center", fontsize=7, color="#555555", zorder=3)
    ax.axvline(result.threshold, color="black", linestyle="--", linewidth=1, zorder=1)
    ax.set_yticks(y, shown)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, 1.0)
    ax.set_xlabel(f"score (calibrated probability); dashed line: threshold {result.threshold:g}")
    from matplotlib.patches import Patch

    stances = list(dict.fromkeys(preds[f].stance for f in result.labels))
    handles = [Patch(color=_stance_color(s, stance_order), label=s or "(no stance model)") for s in stances]
    handles.append(Patch(color=_UNLABELLED, label="not labelled"))
    ax.legend(handles=handles, title="stance", loc="lower right", fontsize=8, title_fontsize=8)
    flags = f" [{', '.join(result.flags)}]" if result.flags else ""
    ax.set_title(title if title is not None else _shorten(result.text, 90) + flags, fontsize=9, loc="left")
    return ax


# ------------------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------------------

def _documents(docs: Any) -> dict[str, Any]:
    if hasattr(docs, "profile") and hasattr(docs, "passages"):
        return {"document": docs}
    if isinstance(docs, Mapping):
        items = list(docs.items())
    elif isinstance(docs, (list, tuple)):
        items = [(f"document {i}", d) for i, d in enumerate(docs)]
    else:
        raise TypeError("plot_profile expects a DocumentResult (from framing.analyze), a dict of name -> "
                        f"DocumentResult or a list of them; got {type(docs).__name__}")
    if not items:
        raise ValueError("plot_profile needs at least one document; got none")
    for name, d in items:
        if not (hasattr(d, "profile") and hasattr(d, "passages")):
            raise TypeError(f"document {name!r} is a {type(d).__name__}, not a DocumentResult")
    return {str(k): v for k, v in items}


def plot_profile(docs: "DocumentResult | Mapping[str, DocumentResult] | Sequence[DocumentResult]",
                 kind: str = "heatmap", *, value: str = "share", frames: Sequence[str] | None = None,
                 normalize: bool = False, ax: "Axes | None" = None, cmap: str | None = None) -> "Axes":
    """Frame profile of one article or of several articles side by side.

    Parameters
    ----------
    docs : DocumentResult, dict of str to DocumentResult, or list of DocumentResult
        What ``framing.analyze`` returns; a dict labels the rows with its keys.
    kind : {"heatmap", "stacked"}, default="heatmap"
        ``"heatmap"``: one row per document, one column per frame, coloured and annotated with
        ``value``. ``"stacked"``: how many passages carry each frame, split by stance. For one
        document, one stacked bar per frame; for several, a grid (documents x frames) whose cells
        hold a horizontal stacked bar, all on the same scale.
    value : str, default="share"
        Heatmap cell value: ``"share"`` (of passages labelled with the frame), ``"mean_score"``,
        ``"max_score"``, a stance id such as ``"endorsed"`` (share of passages carrying the frame
        with that stance) or ``"net"`` (endorsed minus disputed share, from -1 to 1).
    frames : list of str, optional
        Frames to show, in this order (default: all, in codebook order).
    normalize : bool, default=False
        ``"stacked"`` only: shares of the document's passages instead of passage counts (compares
        articles of different lengths).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    cmap : str, optional
        Heatmap colour map (default ``"Blues"``, or ``"RdBu"`` for ``"net"``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_profile
    >>> a = framing.analyze("Bandits and terrorists stormed the police stations.\\n\\nThe airport is closed.")
    >>> b = framing.analyze("Fuel prices doubled and the oil towns rose against the ruling clan.")
    >>> ax = plot_profile({"state": a, "critical": b})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['state', 'critical']
    >>> ax = plot_profile({"state": a, "critical": b}, kind="stacked")
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    documents = _documents(docs)
    names = list(documents)
    first = next(iter(documents.values()))
    shown = _check_frames(frames, list(first.profile))
    stance_ids = list(next(iter(first.profile.values())).stance_counts) if first.profile else []
    for name, d in documents.items():
        if list(d.profile) != list(first.profile):
            raise ValueError(f"document {name!r} was analysed with other frames than {names[0]!r}; "
                             "profiles can only be compared under one codebook")
    if kind == "heatmap":
        return _profile_heatmap(documents, shown, stance_ids, value, ax, cmap)
    if kind == "stacked":
        if len(documents) == 1:
            return _profile_bars(names[0], first, shown, stance_ids, normalize, ax)
        return _profile_grid(documents, shown, stance_ids, normalize, ax)
    raise ValueError(f"kind must be 'heatmap' or 'stacked'; got {kind!r}")


def _cell_value(doc: Any, frame: str, value: str) -> float:
    prof = doc.profile[frame]
    n = len(doc.passages)
    if value in ("share", "mean_score", "max_score"):
        return float(getattr(prof, value))
    if value == "net":
        return (prof.stance_counts.get("endorsed", 0) - prof.stance_counts.get("disputed", 0)) / n if n else 0.0
    return prof.stance_counts.get(value, 0) / n if n else 0.0


def _profile_heatmap(documents: dict[str, Any], frames: list[str], stance_ids: list[str], value: str,
                     ax: Any, cmap: str | None) -> Any:
    valid = list(_PROFILE_VALUES) + list(stance_ids)
    if value not in valid:
        raise ValueError(f"value must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")
    if value == "net" and not {"endorsed", "disputed"} <= set(stance_ids):
        raise ValueError(f"value='net' needs the stances 'endorsed' and 'disputed'; this model's stances: "
                         f"{', '.join(stance_ids) or 'none'}")
    import numpy as np

    data = np.array([[_cell_value(d, f, value) for f in frames] for d in documents.values()])
    ax = _new_axes(ax, (0.95 * len(frames) + 3.0, 0.5 * len(documents) + 2.2))
    if value == "net":
        top = max(float(np.abs(data).max()), 1e-9)
        vmin, vmax, cmap = -top, top, cmap or "RdBu"
    else:
        vmin, vmax, cmap = 0.0, max(float(data.max()), 1e-9), cmap or "Blues"
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            dark = (abs(v) if value == "net" else v) > 0.6 * vmax
            text = f"{v:.2f}" if value in ("mean_score", "max_score") else f"{v:+.0%}" if value == "net" else f"{v:.0%}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(frames)), frames, rotation=35, ha="right")
    ax.set_yticks(range(len(documents)), list(documents))
    described = {
        "share": "share of passages labelled with the frame",
        "mean_score": "mean score over passages",
        "max_score": "highest passage score",
        "net": "net endorsement: (endorsed - disputed) / passages",
    }.get(value, f"share of passages carrying the frame, {value}")
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    if value not in ("mean_score", "max_score"):
        bar.ax.yaxis.set_major_formatter(_percent_formatter())
    ax.set_title(f"Frame profile: {described}", fontsize=10, loc="left")
    return ax


def _stance_legend(ax: Any, stance_ids: Sequence[str], **kwargs: Any) -> None:
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=_stance_color(s, stance_ids), label=s) for s in stance_ids],
              title="stance", fontsize=8, title_fontsize=8, **kwargs)


def _stance_matrix(doc: Any, frames: list[str], stance_ids: list[str], normalize: bool) -> list[list[float]]:
    """Per frame, the passages carrying it in each stance (one column of totals for a model without stances)."""
    n = len(doc.passages)
    scale = (1.0 / n if n else 0.0) if normalize else 1.0
    if not stance_ids:
        return [[round(doc.profile[f].share * n) * scale] for f in frames]
    return [[doc.profile[f].stance_counts.get(s, 0) * scale for s in stance_ids] for f in frames]


def _profile_bars(name: str, doc: Any, frames: list[str], stance_ids: list[str], normalize: bool, ax: Any) -> Any:
    counts = _stance_matrix(doc, frames, stance_ids, normalize)
    ax = _new_axes(ax, (0.8 * len(frames) + 2.5, 4.0))
    bottom = [0.0] * len(frames)
    for k, s in enumerate(stance_ids or [None]):
        heights = [row[k] for row in counts]
        ax.bar(range(len(frames)), heights, bottom=bottom, color=_stance_color(s, stance_ids), label=s, width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights)]
    ax.set_xticks(range(len(frames)), frames, rotation=35, ha="right")
    if normalize:
        ax.yaxis.set_major_formatter(_percent_formatter())
        ax.set_ylabel("share of the article's passages")
    else:
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("passages")
    if stance_ids:
        _stance_legend(ax, stance_ids, loc="upper right")
    ax.set_title(f"{name}: passages carrying each frame, by stance ({len(doc.passages)} passages)",
                 fontsize=10, loc="left")
    return ax


def _percent_formatter() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


def _profile_grid(documents: dict[str, Any], frames: list[str], stance_ids: list[str], normalize: bool,
                  ax: Any) -> Any:
    mats = {name: _stance_matrix(d, frames, stance_ids, normalize) for name, d in documents.items()}
    top = max((sum(row) for m in mats.values() for row in m), default=0.0) or 1.0
    ax = _new_axes(ax, (1.15 * len(frames) + 3.0, 0.55 * len(documents) + 2.4))
    pad, span = 0.06, 0.88
    for i, (name, m) in enumerate(mats.items()):
        for j, row in enumerate(m):
            left = j + pad
            for k, s in enumerate(stance_ids or [None]):
                if row[k] > 0:
                    width = span * row[k] / top
                    ax.barh(i, width, left=left, height=0.62, color=_stance_color(s, stance_ids))
                    left += width
            total = sum(row)
            if total > 0:
                label = f"{total:.0%}" if normalize else f"{total:g}"
                ax.text(left + 0.02, i, label, va="center", fontsize=7)
    for x in range(len(frames) + 1):
        ax.axvline(x, color="#DDDDDD", linewidth=0.8, zorder=0)
    ax.set_xlim(0, len(frames))
    ax.set_ylim(len(documents) - 0.5, -0.5)
    ax.set_xticks([j + 0.5 for j in range(len(frames))], frames, rotation=35, ha="right")
    ax.set_yticks(range(len(documents)), list(documents))
    ax.tick_params(axis="x", length=0)
    unit = f"{top:.0%} of passages" if normalize else f"{top:g} passages"
    ax.set_xlabel(f"each cell: passages carrying the frame, split by stance (full cell width = {unit})", fontsize=8)
    if stance_ids:
        _stance_legend(ax, stance_ids, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Frames and stances per document", fontsize=10, loc="left")
    return ax


# ------------------------------------------------------------------------------------------
# Evaluation reports
# ------------------------------------------------------------------------------------------

def _reports(report: Any, who: str) -> list[Any]:
    if isinstance(report, Mapping) and "folds" in report:
        report = report["folds"]
    reports = list(report) if isinstance(report, (list, tuple)) else [report]
    if not reports:
        raise ValueError(f"{who} needs at least one EvaluationReport; got none")
    for r in reports:
        if not hasattr(r, "per_frame"):
            raise TypeError(f"{who} expects an EvaluationReport (from framing.evaluate), a list of them, or the "
                            f"dict returned by framing.cross_validate; got {type(r).__name__}")
    return reports


def plot_report(report: "EvaluationReport | Sequence[EvaluationReport] | Mapping[str, Any]", *,
                ax: "Axes | None" = None, metrics: Sequence[str] = ("precision", "recall", "f1"),
                sort: bool = False) -> "Axes":
    """Per-frame precision, recall and F1 as grouped horizontal bars.

    Given several reports (the folds of ``framing.cross_validate``, or its whole result), bars are
    fold means and the whiskers one standard deviation across folds. The dotted line is the macro
    F1 (the mean of the per-frame F1s).

    Parameters
    ----------
    report : EvaluationReport, list of EvaluationReport, or the dict from ``cross_validate``
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    metrics : list of str, default=("precision", "recall", "f1")
        Keys of ``report.per_frame[frame]`` to draw.
    sort : bool, default=False
        Order frames by F1 (best at the top) instead of codebook order.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_report
    >>> rep = framing.evaluate(
    ...     ["Looters and bandits attacked police.", "Fuel prices doubled and workers went on strike."],
    ...     [{"law_and_order": "endorsed"}, {"popular_revolt": "endorsed"}])
    >>> ax = plot_report(rep)
    >>> len(ax.get_yticklabels())
    8
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    import numpy as np

    reports = _reports(report, "plot_report")
    frames = list(reports[0].per_frame)
    for m in metrics:
        if m not in reports[0].per_frame[frames[0]]:
            raise ValueError(f"unknown metric {m!r}; available: {', '.join(reports[0].per_frame[frames[0]])}")
    vals = {m: np.array([[r.per_frame[f][m] if f in r.per_frame else np.nan for f in frames] for r in reports])
            for m in metrics}
    mean = {m: np.nanmean(v, axis=0) for m, v in vals.items()}
    std = {m: np.nanstd(v, axis=0) for m, v in vals.items()}
    support = np.array([sum(r.per_frame[f]["support"] for r in reports if f in r.per_frame) for f in frames])
    order = list(range(len(frames)))
    if sort and "f1" in mean:
        order.sort(key=lambda j: -mean["f1"][j])
    ax = _new_axes(ax, (8.0, 0.62 * len(frames) + 1.6))
    height = 0.8 / max(len(metrics), 1)
    for k, m in enumerate(metrics):
        ys = [i - 0.4 + height * (k + 0.5) for i in range(len(order))]
        xs = [mean[m][j] for j in order]
        err = [std[m][j] for j in order] if len(reports) > 1 else None
        ax.barh(ys, xs, height=height, xerr=err, color=_METRIC_COLORS.get(m, _EXTRA_COLORS[k % len(_EXTRA_COLORS)]),
                label=m, error_kw={"elinewidth": 0.8, "capsize": 2})
    macro = float(np.mean([r.macro_f1 for r in reports]))
    micro = float(np.mean([r.micro_f1 for r in reports]))
    ax.axvline(macro, color="black", linestyle=":", linewidth=1)
    ax.set_yticks(range(len(order)), [f"{frames[j]} (n={support[j]:g})" for j in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(0, 1.05)
    n = sum(r.n_passages for r in reports)
    where = f"mean of {len(reports)} folds, {n} held-out passages" if len(reports) > 1 else f"{n} passages"
    ax.set_xlabel(f"dotted line: macro F1 {macro:.2f}; micro F1 {micro:.2f} ({where})", fontsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title("Per-frame quality" + (" (whiskers: 1 s.d. across folds)" if len(reports) > 1 else ""),
                 fontsize=10, loc="left")
    return ax


def _frame_outcomes(reports: list[Any], frames: list[str]) -> tuple[list[list[float]], list[str]]:
    """Per frame: hits, misses and false alarms, from stored counts or from P/R/support."""
    cols = ["hit (TP)", "miss (FN)", "false alarm (FP)"]
    rows = []
    for f in frames:
        tp = fn = fp = 0.0
        for r in reports:
            m = r.per_frame[f]
            if {"tp", "fn", "fp"} <= set(m):
                tp, fn, fp = tp + m["tp"], fn + m["fn"], fp + m["fp"]
                continue
            t = round(m["recall"] * m["support"])
            tp, fn = tp + t, fn + m["support"] - t
            # precision = tp / (tp + fp); with no hit (precision 0) the false alarms cannot be recovered.
            fp = fp + (round(t / m["precision"] - t) if m["precision"] > 0 else math.nan)
        rows.append([tp, fn, fp])
    return rows, cols


def plot_confusion(report: "EvaluationReport | Sequence[EvaluationReport] | Mapping[str, Any]", *,
                   ax: "Axes | None" = None, kind: str = "auto", normalize: bool = False,
                   cmap: str = "Blues") -> "Axes":
    """Confusion matrix of an evaluation: stances (gold x predicted), or frame outcomes.

    ``kind="stance"`` draws ``report.stance_confusion``: for every gold (passage, frame) pair that
    has a stance, the stance the model gave that frame (rows: gold, columns: predicted). Read the
    diagonal as agreement, and the off-diagonal cells as which stances the model mixes up.
    ``kind="frame"`` draws a frame confusion matrix when the report carries one
    (``report.extra["frame_confusion"]``, gold frame -> predicted frame -> passages), and otherwise
    one row per frame with its hits, misses and false alarms. ``"auto"`` picks the stance matrix
    when the report has one.

    Parameters
    ----------
    report : EvaluationReport, list of EvaluationReport, or the dict from ``cross_validate``
        Several reports are summed.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    kind : {"auto", "stance", "frame"}, default="auto"
    normalize : bool, default=False
        Divide each row by its total (rows then read as recall per gold stance or frame).
    cmap : str, default="Blues"

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_confusion
    >>> rep = framing.evaluate(
    ...     ["Looters and bandits attacked police.", "Officials blame 'foreign terrorists' but show no proof."],
    ...     [{"law_and_order": "endorsed"}, {"foreign_interference": "disputed"}])
    >>> ax = plot_confusion(rep)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['endorsed', 'reported', 'disputed']
    >>> ax = plot_confusion(rep, kind="frame")
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import numpy as np

    reports = _reports(report, "plot_confusion")
    if kind not in ("auto", "stance", "frame"):
        raise ValueError(f"kind must be 'auto', 'stance' or 'frame'; got {kind!r}")
    has_stance = all(getattr(r, "stance_confusion", None) for r in reports)
    if kind == "stance" and not has_stance:
        raise ValueError("this report has no stance confusion (the model predicts no stances, or the labels "
                         "give none); use kind='frame'")
    frames = list(reports[0].per_frame)
    if kind == "stance" or (kind == "auto" and has_stance):
        gold = list(reports[0].stance_confusion)
        pred = list(next(iter(reports[0].stance_confusion.values())))
        mat = np.array([[sum(r.stance_confusion[g][p] for r in reports) for p in pred] for g in gold], dtype=float)
        ylabel, xlabel, title = "gold stance", "predicted stance", "Stance confusion (gold frames only)"
        row_names, col_names = gold, pred
    else:
        confusion = [getattr(r, "frame_confusion", None) or r.extra.get("frame_confusion") for r in reports]
        if all(confusion):
            gold = list(confusion[0])
            pred = list(next(iter(confusion[0].values())))
            mat = np.array([[sum(c[g].get(p, 0) for c in confusion) for p in pred] for g in gold], dtype=float)
            ylabel, xlabel, title = "gold frame", "predicted frame", "Frame confusion"
            row_names, col_names = gold, pred
        else:
            rows, col_names = _frame_outcomes(reports, frames)
            mat = np.array(rows, dtype=float)
            ylabel, xlabel, title = "frame", "", "Frame outcomes: hits, misses, false alarms"
            row_names = frames
    shown = mat.copy()
    if normalize:
        totals = np.nansum(mat, axis=1, keepdims=True)
        shown = np.divide(mat, totals, out=np.zeros_like(mat), where=totals > 0)
    ax = _new_axes(ax, (0.9 * len(col_names) + 3.2, 0.45 * len(row_names) + 2.0))
    finite = shown[np.isfinite(shown)]
    vmax = max(float(finite.max()) if finite.size else 0.0, 1e-9)
    ax.imshow(np.nan_to_num(shown), cmap=cmap, vmin=0.0, vmax=vmax, aspect="auto")
    for i in range(shown.shape[0]):
        for j in range(shown.shape[1]):
            v, count = shown[i, j], mat[i, j]
            if not np.isfinite(v):
                text = "?"
            elif normalize:
                text = f"{v:.0%}\n({count:g})"
            else:
                text = f"{count:g}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if np.isfinite(v) and v > 0.6 * vmax else "black")
    ax.set_xticks(range(len(col_names)), col_names, rotation=30 if len(col_names) > 3 else 0,
                  ha="right" if len(col_names) > 3 else "center")
    ax.set_yticks(range(len(row_names)), row_names)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    n = sum(r.n_passages for r in reports)
    ax.set_title(f"{title}; {n} passages" + (", rows normalised" if normalize else ""), fontsize=10, loc="left")
    return ax


def plot_calibration(report: "EvaluationReport | Sequence[EvaluationReport] | Mapping[str, Any]", *,
                     ax: "Axes | None" = None, threshold: float | None = None) -> "Axes":
    """Reliability diagram: for each score band, the share of its (passage, frame) pairs that are gold.

    A calibrated model's points lie on the diagonal; points below it are bands where the scores
    promise more than they hold. Each point is labelled with its number of pairs (a band of a
    dozen pairs says little). Several reports (the folds of ``cross_validate``) are pooled.

    Parameters
    ----------
    report : EvaluationReport, list of EvaluationReport, or the dict from ``cross_validate``
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    threshold : float, optional
        Draw the decision threshold as a vertical line (default: the reports' own, when they share
        one).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_calibration
    >>> rep = framing.evaluate(
    ...     ["Looters and bandits attacked police.", "Fuel prices doubled and workers went on strike."],
    ...     [{"law_and_order": "endorsed"}, {"popular_revolt": "endorsed"}])
    >>> ax = plot_calibration(rep)
    >>> ax.get_xlabel()
    'mean score of the band (2 passages, 16 pairs; Brier 0.025)'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    import numpy as np

    reports = _reports(report, "plot_calibration")
    if any(r.calibration is None for r in reports):
        raise ValueError("plot_calibration needs reports from framing.evaluate of this version (with calibration); "
                         "evaluate the model again")
    bands = [r.calibration["bins"] for r in reports]
    pairs = np.array([[b["pairs"] for b in bins] for bins in bands], dtype=float).sum(axis=0)
    scored = np.array([[(b["mean_score"] or 0.0) * b["pairs"] for b in bins] for bins in bands]).sum(axis=0)
    gold = np.array([[(b["gold_rate"] or 0.0) * b["pairs"] for b in bins] for bins in bands]).sum(axis=0)
    seen = pairs > 0
    x, y = scored[seen] / pairs[seen], gold[seen] / pairs[seen]
    n_pairs = float(pairs.sum())
    brier = sum(r.calibration["brier"] * sum(b["pairs"] for b in r.calibration["bins"]) for r in reports) / n_pairs
    ax = _new_axes(ax, (5.0, 5.0))
    ax.plot([0, 1], [0, 1], color=_NO_STANCE, linestyle=":", linewidth=1)
    ax.plot(x, y, marker="o", color=STANCE_COLORS["endorsed"])
    for xi, yi, n in zip(x, y, pairs[seen]):
        ax.annotate(f"{n:g}", (xi, yi), textcoords="offset points", xytext=(4, -10), fontsize=7)
    own = {r.threshold for r in reports}
    thr = own.pop() if threshold is None and len(own) == 1 else threshold
    if thr is not None:
        ax.axvline(thr, color=_EXTRA_COLORS[1], linewidth=1, label=f"threshold {thr:g}")
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_aspect("equal")
    n = sum(r.n_passages for r in reports)
    ax.set_xlabel(f"mean score of the band ({n} passages, {n_pairs:g} pairs; Brier {brier:.3f})")
    ax.set_ylabel("share of the band's pairs whose frame is gold")
    ax.set_title("Calibration of the frame scores (numbers: pairs per band)", fontsize=10, loc="left")
    return ax


# ------------------------------------------------------------------------------------------
# Corpus profiles (framing.profile)
# ------------------------------------------------------------------------------------------

def _profile_table(table: Any, who: str) -> tuple[Any, str | None, str | None, list[str], list[str]]:
    """The table, its group and period columns, frames and stances (from ``framing.profile``)."""
    attrs = getattr(table, "attrs", {}) or {}
    if not hasattr(table, "columns") or "frame" not in getattr(table, "columns", ()) or "frames" not in attrs:
        raise TypeError(f"{who} expects the table framing.profile returns; got {type(table).__name__}")
    return table, attrs.get("by"), attrs.get("over"), list(attrs["frames"]), list(attrs.get("stances", []))


def plot_shares(table: Any, *, frames: Sequence[str] | None = None, groups: Sequence[Any] | None = None,
                kind: str = "lines", stance: str | None = None, ax: "Axes | None" = None) -> list["Axes"]:
    """Each group's frame shares over time, from a ``framing.profile`` table: one panel per group.

    Parameters
    ----------
    table : pandas.DataFrame
        What ``framing.profile(..., over=...)`` returns.
    frames : list of str, optional
        Frames to draw (default: every frame carried at least once).
    groups : list, optional
        Groups to draw, in this order (default: all).
    kind : {"lines", "area"}, default="lines"
        ``"lines"``: one line per frame. ``"area"``: the shares stacked (a passage carrying two frames
        counts in both, so a stack can pass 100%).
    stance : str, optional
        Draw the share of units carrying the frame *with this stance* (e.g. ``"endorsed"``) instead
        of in any stance.
    ax : matplotlib Axes, optional
        Where to draw when there is one group; default: a new figure.

    Returns
    -------
    list of matplotlib.axes.Axes
        One per group, sharing both axes (so the same date is at the same place in every panel).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_shares
    >>> texts = ["Soldiers opened fire on the rally.", "Fuel prices doubled and the oil towns struck.",
    ...          "Police detained hundreds of strikers.", "Prices rose again and workers marched."]
    >>> table = framing.profile(framing.classify(texts), by=["a", "a", "b", "b"],
    ...                         over=["2022-01-03", "2022-02-04", "2022-01-05", "2022-02-12"], freq="M")
    >>> axes = plot_shares(table)
    >>> [a.get_title(loc="left") for a in axes]
    ['a', 'b']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    table, by, over, all_frames, stances = _profile_table(table, "plot_shares")
    if over is None:
        raise ValueError("plot_shares needs a time axis: make the table with framing.profile(..., over=<date column>)")
    if kind not in ("lines", "area"):
        raise ValueError(f"kind must be 'lines' or 'area'; got {kind!r}")
    column = "share" if stance is None else f"share_{stance}"
    if column not in table.columns:
        raise ValueError(f"unknown stance {stance!r}; stances: {', '.join(stances) or 'none'}")
    carried = [f for f in all_frames if table.loc[table["frame"] == f, "count"].sum() > 0]
    shown = _check_frames(frames, all_frames) if frames is not None else carried
    present = list(dict.fromkeys(table[by].tolist())) if by is not None else [None]
    if groups is not None:
        missing = [g for g in groups if g not in present]
        if missing:
            raise ValueError(f"unknown group {missing[0]!r}; groups: {', '.join(map(str, present))}")
        present = list(groups)
    plt = _pyplot()
    if ax is not None and len(present) == 1:
        axes = [_new_axes(ax, (8.0, 3.5))]
    else:
        ncols = min(3, len(present))
        nrows = math.ceil(len(present) / ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(4.6 * ncols + 1.8, 3.0 * nrows + 0.8), sharex=True,
                                 sharey=True, squeeze=False, layout="constrained")
        axes = list(grid.ravel())
        for extra in axes[len(present):]:
            extra.set_visible(False)
        axes = axes[: len(present)]
    colors = {f: FRAME_COLORS[all_frames.index(f) % len(FRAME_COLORS)] for f in all_frames}
    for a, group in zip(axes, present):
        rows = table if group is None else table[table[by] == group]
        wide = rows.pivot_table(index=over, columns="frame", values=column, aggfunc="sum", observed=False)
        wide = wide.reindex(columns=shown).fillna(0.0).sort_index()
        if kind == "lines":
            for f in shown:
                a.plot(wide.index, wide[f], marker="o", markersize=3, linewidth=1.5, color=colors[f], label=f)
        elif len(wide):
            a.stackplot(wide.index, [wide[f].to_numpy() for f in shown], colors=[colors[f] for f in shown],
                        labels=shown, alpha=0.85)
        a.yaxis.set_major_formatter(_percent_formatter())
        a.set_title("all" if group is None else str(group), fontsize=10, loc="left")
        a.tick_params(axis="x", labelsize=8, rotation=30, labelbottom=True)
        a.grid(axis="y", color="#EEEEEE")
    unit = table.attrs.get("unit", "passage")
    what = f"share of {unit}s carrying the frame" + (f", {stance}" if stance else "")
    axes[0].set_ylabel(what, fontsize=8)
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="frame", title_fontsize=8)
    return axes


def plot_groups(table: Any, *, value: str = "share", frames: Sequence[str] | None = None,
                ax: "Axes | None" = None, cmap: str | None = None) -> "Axes":
    """A group x frame heatmap of a ``framing.profile`` table, all periods together, with stance.

    Each cell is coloured by ``value`` and annotated with the share and the counts of the units
    carrying the frame in each stance (``endorsed/reported/disputed``).

    Parameters
    ----------
    table : pandas.DataFrame
        What ``framing.profile`` returns (with or without a time axis).
    value : str, default="share"
        ``"share"`` (of the group's units carrying the frame), a stance id (share carrying it with
        that stance) or ``"net"`` ((endorsed - disputed) / units, from -1 to 1).
    frames : list of str, optional
        Frames to show, in this order (default: all, in codebook order).
    ax : matplotlib Axes, optional
    cmap : str, optional
        Default ``"Blues"``, or ``"RdBu"`` for ``"net"``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import framing
    >>> from framing.plots import plot_groups
    >>> texts = ["Soldiers opened fire on the rally.", "Fuel prices doubled and the oil towns struck.",
    ...          "Police detained hundreds of strikers.", "Prices rose again and workers marched."]
    >>> table = framing.profile(framing.classify(texts), by=["a", "a", "b", "b"], over=None)
    >>> ax = plot_groups(table, value="net")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import numpy as np

    table, by, _, all_frames, stances = _profile_table(table, "plot_groups")
    shown = _check_frames(frames, all_frames)
    valid = ["share", "net", *stances]
    if value not in valid:
        raise ValueError(f"value must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")
    if value == "net" and not {"endorsed", "disputed"} <= set(stances):
        raise ValueError(f"value='net' needs the stances 'endorsed' and 'disputed'; stances here: "
                         f"{', '.join(stances) or 'none'}")
    keys = [by] if by is not None else []
    summed = table.groupby(keys + ["frame"], sort=False, observed=True)[["units", "count", *stances]].sum() \
        if keys else table.groupby(["frame"], sort=False, observed=True)[["units", "count", *stances]].sum()
    groups = list(dict.fromkeys(table[by].tolist())) if by is not None else ["all"]

    def cell(group: Any, frame: str) -> Any:
        return summed.loc[(group, frame)] if by is not None else summed.loc[frame]

    data = np.zeros((len(groups), len(shown)))
    notes = [["" for _ in shown] for _ in groups]
    for i, g in enumerate(groups):
        for j, f in enumerate(shown):
            c = cell(g, f)
            units = max(float(c["units"]), 1.0)
            if value == "share":
                data[i, j] = c["count"] / units
            elif value == "net":
                data[i, j] = (c["endorsed"] - c["disputed"]) / units
            else:
                data[i, j] = c[value] / units
            split = "/".join(f"{int(c[s])}" for s in stances)
            notes[i][j] = f"{c['count'] / units:.0%}" + (f"\n{split}" if stances and c["count"] else "")
    ax = _new_axes(ax, (1.0 * len(shown) + 3.2, 0.55 * len(groups) + 2.4))
    if value == "net":
        top = max(float(np.abs(data).max()), 1e-9)
        vmin, vmax, cmap = -top, top, cmap or "RdBu"
    else:
        vmin, vmax, cmap = 0.0, max(float(data.max()), 1e-9), cmap or "Blues"
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            dark = abs(data[i, j]) > 0.6 * max(abs(vmin), vmax)
            ax.text(j, i, notes[i][j], ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_xticks(range(len(shown)), shown, rotation=35, ha="right")
    ax.set_yticks(range(len(groups)), [str(g) for g in groups])
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.ax.yaxis.set_major_formatter(_percent_formatter())
    unit = table.attrs.get("unit", "passage")
    described = {"share": f"share of {unit}s carrying the frame",
                 "net": f"net endorsement: (endorsed - disputed) / {unit}s"}.get(value, f"share of {unit}s, {value}")
    counts = f"; cell text: share, then {'/'.join(stances)} counts" if stances else ""
    ax.set_title(f"{described}{counts}", fontsize=9, loc="left")
    return ax
