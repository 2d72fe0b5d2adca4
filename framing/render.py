"""Results as HTML with their evidence highlighted, and as a table of spans.

``PassageResult._repr_html_`` and ``DocumentResult._repr_html_`` (what Jupyter shows) call
:func:`passage_html` and :func:`document_html`; the CLI writes :func:`page` (``framing analyze
--output-format html``). Each labelled frame has one background colour (:data:`FRAME_COLORS`, by
the frame's place in the codebook); the cues behind a stance are underlined in the stance's
colour (``framing.plots.STANCE_COLORS``). Hovering a highlight shows the frame, the term and its
weight. Without spans (``classify`` without ``spans=True``) a passage renders as a table.
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Sequence

from .errors import NoSpansError

__all__ = ["FRAME_COLORS", "frame_color", "passage_html", "document_html", "page", "spans_table"]

#: Highlight colours of the frames, in codebook order (Okabe-Ito hues, pale enough to read text on);
#: a codebook with more frames cycles through them.
FRAME_COLORS = ("#F5D08A", "#A9D8F4", "#8CCFB9", "#F7F1A1", "#8FB9DC", "#EFAE86", "#E5BDD6", "#D2D2D2")
_STANCE_COLORS = {"endorsed": "#0072B2", "reported": "#E69F00", "disputed": "#CC79A7"}
_OTHER_STANCE = "#009E73"


def frame_color(position: int) -> str:
    """Highlight colour of the frame at ``position`` in the codebook.

    Examples
    --------
    >>> frame_color(0), frame_color(8) == frame_color(0)
    ('#F5D08A', True)
    """
    return FRAME_COLORS[position % len(FRAME_COLORS)]


def _stance_color(stance: str | None) -> str:
    return _STANCE_COLORS.get(stance or "", _OTHER_STANCE)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _highlighted(text: str, offset: int, result: Any) -> str:
    """``text`` (the slice of the classified text starting at ``offset``) as HTML, with the
    evidence spans of ``result``'s labelled frames as coloured backgrounds and its stance cues
    underlined."""
    position = {p.frame: i for i, p in enumerate(result.frames)}
    marks: list[tuple[int, int, str, Any, Any]] = []  # (start, end, kind, prediction, evidence)
    for frame in result.labels:
        pred = result[frame]
        for kind, items in (("evidence", pred.evidence), ("stance", pred.stance_evidence or ())):
            for e in items:
                for a, b in e.spans or ():
                    a, b = max(a - offset, 0), min(b - offset, len(text))
                    if a < b:
                        marks.append((a, b, kind, pred, e))
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = _esc(text[a:b])
        over = [m for m in marks if m[0] <= a and b <= m[1]]
        if not over:
            out.append(piece)
            continue
        frames = [m for m in over if m[2] == "evidence"]
        stance = [m for m in over if m[2] == "stance"]
        style = []
        if frames:
            top = max(frames, key=lambda m: m[3].score)[3]
            style.append(f"background:{frame_color(position[top.frame])};border-radius:2px")
        if stance:
            color = _stance_color(stance[0][3].stance)
            style.append(f"text-decoration:underline;text-decoration-color:{color};text-decoration-thickness:2px")
        title = "; ".join(sorted({f"{m[3].frame}{' stance (' + str(m[3].stance) + ')' if m[2] == 'stance' else ''}: "
                                  f"{m[4].term} ({m[4].weight:+.2f})" for m in over}))
        out.append(f"<span style='{';'.join(style)}' title='{_esc(title)}'>{piece}</span>")
    return "".join(out)


def _frame_rows(result: Any, text: str, offset: int) -> str:
    position = {p.frame: i for i, p in enumerate(result.frames)}
    rows = []
    for frame in result.labels:
        p = result[frame]
        swatch = f"<span style='background:{frame_color(position[frame])};padding:0 0.6em'>&nbsp;</span>"
        scores = ", ".join(f"{s} {v:.2f}" for s, v in (p.stance_scores or {}).items())
        stance = (f"<span style='color:{_stance_color(p.stance)};font-weight:bold'>{_esc(str(p.stance))}</span>"
                  f" <small>({_esc(scores)})</small>") if p.stance else ""
        cues = ", ".join(f"{_esc(e.term)} ({e.weight:+.2f})" for e in (p.stance_evidence or ())[:4])
        sentence = ""
        if p.sentence is not None:
            a, b = max(p.sentence.start - offset, 0), p.sentence.end - offset
            sentence = f"{_esc(_shorten(text[a:b], 160))} <small>({p.sentence.score:.2f})</small>"
        rows.append(f"<tr><td>{swatch} {_esc(frame)}</td><td>{p.score:.2f}</td><td>{stance}</td>"
                    f"<td>{', '.join(_esc(e.term) for e in p.evidence[:4])}</td><td>{cues}</td><td>{sentence}</td></tr>")
    return "".join(rows)


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


_TABLE_HEAD = ("<tr><th>frame</th><th>score</th><th>stance</th><th>evidence</th><th>stance cues</th>"
               "<th>strongest sentence</th></tr>")
_STYLE = "font-family:sans-serif;line-height:1.7;max-width:60em"


def _source(result: Any) -> tuple[str, int]:
    """The text a result's spans point into, cut to the passage, and where the cut starts."""
    if result.article is not None and result.start is not None:
        return result.article[result.start : result.end], result.start
    return result.text, 0


def passage_html(result: Any) -> str:
    """One passage: its text with the evidence highlighted, then one row per labelled frame.

    Examples
    --------
    >>> import framing
    >>> html_ = passage_html(framing.classify("Soldiers opened fire on the rally.", spans=True))
    >>> "<span style='background:" in html_ and "repression" in html_
    True
    """
    if not result.has_spans:
        rows = []
        for p in sorted(result.frames, key=lambda p: -p.score):
            style = "font-weight:bold" if p.frame in result.labels else "color:#888"
            ev = ", ".join(f"{_esc(e.term)} ({e.weight:+.2f})" for e in p.evidence[:4])
            rows.append(f"<tr style='{style}'><td>{_esc(p.frame)}</td><td>{p.score:.2f}</td>"
                        f"<td>{_esc(str(p.stance or ''))}</td><td>{ev}</td></tr>")
        return (f"<div><p>{_esc(result.text[:400])}</p><table><tr><th>frame</th><th>score</th>"
                f"<th>stance</th><th>evidence</th></tr>{''.join(rows)}</table>"
                "<p><small>classify(..., spans=True) highlights the evidence in the text</small></p></div>")
    text, offset = _source(result)
    flags = f" <small>[{_esc(', '.join(result.flags))}]</small>" if result.flags else ""
    table = f"<table>{_TABLE_HEAD}{_frame_rows(result, text, offset)}</table>" if result.labels else \
        "<p><small>no frame</small></p>"
    return f"<div style='{_STYLE}'><p>{_highlighted(text, offset, result)}{flags}</p>{table}</div>"


def document_html(doc: Any) -> str:
    """An analysed article, passage by passage, with each passage's evidence highlighted and its
    frames and stances written beside it."""
    blocks = []
    for i, r in enumerate(doc.passages):
        text, offset = _source(r)
        position = {p.frame: k for k, p in enumerate(r.frames)}
        tags = " ".join(
            f"<span style='background:{frame_color(position[f])};padding:0 0.3em;border-radius:2px'>{_esc(f)}</span>"
            + (f" <span style='color:{_stance_color(r[f].stance)}'>{_esc(str(r[f].stance))}</span>" if r[f].stance else "")
            for f in r.labels) or "<span style='color:#888'>no frame</span>"
        blocks.append(f"<p><small>[{i}] {tags}</small><br>{_highlighted(text, offset, r)}</p>")
    return f"<div style='{_STYLE}'>{''.join(blocks)}</div>"


def page(doc_or_results: Any, title: str = "framing") -> str:
    """A whole HTML page for a ``DocumentResult`` or a list of ``PassageResult`` (with spans)."""
    if hasattr(doc_or_results, "passages"):
        body = document_html(doc_or_results)
    else:
        body = "<hr>".join(passage_html(r) for r in doc_or_results)
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{_esc(title)}</title></head>"
            f"<body>{body}</body></html>\n")


def spans_table(results: Sequence[Any], *, passage_column: bool = False):
    """One row per span of the labelled frames of ``results`` (see ``PassageResult.spans_frame``)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError('spans_frame() needs pandas; install it with: pip install "framing[notebooks]"') from exc
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(results):
        if r.labels and not r.has_spans:
            raise NoSpansError("this result has no spans: classify with spans=True (or analyze with spans=True)")
        source = r.article if r.article is not None else r.text
        for frame in r.labels:
            p = r[frame]
            items: Iterable[tuple[str, Any]] = [("evidence", e) for e in p.evidence] + \
                [("stance", e) for e in p.stance_evidence or ()]
            for kind, e in items:
                for a, b in e.spans or ():
                    rows.append({"passage": i, "frame": frame, "kind": kind, "term": e.term, "weight": e.weight,
                                 "stance": p.stance, "start": a, "end": b, "surface": source[a:b]})
            if p.sentence is not None:
                s = p.sentence
                rows.append({"passage": i, "frame": frame, "kind": "sentence", "term": "", "weight": s.score,
                             "stance": p.stance, "start": s.start, "end": s.end, "surface": source[s.start:s.end]})
    columns = ["passage", "frame", "kind", "term", "weight", "stance", "start", "end", "surface"]
    table = pd.DataFrame(rows, columns=columns)
    return table if passage_column else table.drop(columns="passage")
