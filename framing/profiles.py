"""Corpus profiles: who frames what, and when.

:func:`profile` counts, per group (an outlet, a speaker, a country) and period (a week, a month, a
year), the passages or documents carrying each frame, split by stance, and their shares. It reads
results straight from ``framing.classify`` / ``framing.analyze``, or a table: the JSONL or CSV
that ``classify_corpus`` and ``framing classify`` write (read with pandas), or any DataFrame with a
column of results. ``framing.plots.plot_shares`` and ``framing.plots.plot_groups`` draw it.

pandas is needed (``pip install "framing[notebooks]"``); it is imported on the first call.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence

from .errors import ProfileError

__all__ = ["profile", "UNITS"]

UNITS = ("passage", "document")
_INSTALL_HINT = 'framing.profile needs pandas; install it with: pip install "framing[notebooks]"'
_DEFAULT_STANCES = ("endorsed", "reported", "disputed")


def _pandas():
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return pd


def profile(results_or_table: Any, by: str | Sequence[Any] | None = "outlet", over: str | Sequence[Any] | None = "date",
            freq: str = "W", *, unit: str = "passage", document: str | Sequence[Any] | None = None,
            frames: Sequence[str] | None = None):
    """Per group and period, the share of passages (or documents) carrying each frame, by stance.

    Parameters
    ----------
    results_or_table : list of results, or pandas DataFrame
        ``PassageResult`` and/or ``DocumentResult`` objects (a document counts as its passages,
        or as one unit with ``unit="document"``); or a table with one row per passage, in which
        the classification is a column ``result`` of such objects, or the columns ``labels`` and
        ``frames`` that ``classify_corpus`` writes to JSONL (``pd.read_json(path, lines=True)``),
        or the columns ``labels`` and ``<frame>:stance`` of its CSV output.
    by : str, sequence or None, default="outlet"
        The group of each row: a column name for a table, a sequence (one value per result) for
        results; ``None`` puts everything in one group.
    over : str, sequence or None, default="date"
        The date of each row (anything ``pandas.to_datetime`` reads), the same way; ``None`` for
        no time axis.
    freq : str, default="W"
        Length of a period, a pandas period alias: ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``
        (``"ME"``, ``"QE"``, ``"YE"`` are read as ``"M"``, ``"Q"``, ``"Y"``).
    unit : {"passage", "document"}, default="passage"
        What is counted. A document carries a frame when one of its passages does, with the
        stance most of those passages give it (ties: in the order of the stances).
    document : str or sequence, optional
        With a table (or passage results) and ``unit="document"``: the document of each row.
    frames : list of str, optional
        Frames to report, in this order (default: every frame of the results, in codebook order).

    Returns
    -------
    pandas.DataFrame
        One row per group, period and frame: the group (column named as ``by``, or ``"group"``),
        the start of the period (named as ``over``, or ``"period"``), ``frame``, ``units``
        (passages or documents in the group and period), ``count`` (those carrying the frame),
        ``share`` (``count / units``), and per stance its count (``endorsed``, ...) and share
        (``share_endorsed``, ...). Groups and periods with no rows are absent.

    Raises
    ------
    ProfileError
        A missing column, a date that cannot be read, an unknown frame, mismatched lengths.

    Examples
    --------
    >>> import framing
    >>> texts = ["Soldiers opened fire on the peaceful rally.", "Fuel prices doubled and the oil towns struck.",
    ...          "Officials said foreign agents trained the rioters.", "Snow fell."]
    >>> table = framing.profile(framing.classify(texts), by=["a", "a", "b", "b"],
    ...                         over=["2022-01-03", "2022-01-04", "2022-01-05", "2022-01-12"], freq="M")
    >>> carried = table[table["count"] > 0]
    >>> print(carried[["group", "period", "frame", "units", "count", "share", "endorsed", "reported"]].to_string(index=False))
    group     period                frame  units  count  share  endorsed  reported
        a 2022-01-01       popular_revolt      2      1    0.5         1         0
        a 2022-01-01           repression      2      1    0.5         1         0
        b 2022-01-01 foreign_interference      2      1    0.5         0         1
        b 2022-01-01        law_and_order      2      1    0.5         0         1
    """
    pd = _pandas()
    if unit not in UNITS:
        raise ProfileError(f"unit must be one of {UNITS}; got {unit!r}")
    if isinstance(results_or_table, pd.DataFrame):
        units, frame_ids, stance_ids = _from_table(results_or_table, by, over, unit, document)
    else:
        units, frame_ids, stance_ids = _from_results(results_or_table, by, over, unit, document)
    if frames is not None:
        unknown = [f for f in frames if f not in frame_ids]
        if unknown:
            raise ProfileError(f"unknown frame {unknown[0]!r}; frames: {', '.join(frame_ids)}")
        frame_ids = list(frames)
    group_name = by if isinstance(by, str) else "group"
    time_name = over if isinstance(over, str) else "period"
    periods = _periods([u[1] for u in units], freq) if over is not None else [None] * len(units)
    tally: dict[tuple[Any, Any], list[dict[str, str | None]]] = {}
    for (group, _, carried), period in zip(units, periods):
        tally.setdefault((group, period), []).append(carried)
    stance_cols = list(stance_ids) + (["no_stance"] if any(s is None for _, _, c in units for s in c.values()) else [])
    rows = []
    for (group, period), members in sorted(tally.items(), key=lambda kv: (_sort_key(kv[0][0]), _sort_key(kv[0][1]))):
        n = len(members)
        for f in frame_ids:
            stances = Counter("no_stance" if m[f] is None else m[f] for m in members if f in m)
            count = sum(stances.values())
            row: dict[str, Any] = {group_name: group, time_name: period, "frame": f, "units": n, "count": count,
                                   "share": count / n}
            row.update({s: stances.get(s, 0) for s in stance_cols})
            row.update({f"share_{s}": stances.get(s, 0) / n for s in stance_cols})
            rows.append(row)
    columns = [group_name, time_name, "frame", "units", "count", "share", *stance_cols,
               *(f"share_{s}" for s in stance_cols)]
    table = pd.DataFrame(rows, columns=columns)
    if by is None:
        table = table.drop(columns=group_name)
    if over is None:
        table = table.drop(columns=time_name)
    table.attrs.update(unit=unit, by=group_name if by is not None else None,
                       over=time_name if over is not None else None, freq=freq if over is not None else None,
                       frames=list(frame_ids), stances=list(stance_cols))
    return table


def _sort_key(value: Any) -> tuple[int, Any]:
    """Groups and periods in order: missing first, then numbers and dates by value, then the rest as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (0, 0)
    if isinstance(value, (int, float)) or hasattr(value, "timestamp"):
        return (1, value)
    return (2, str(value))


def _periods(dates: Sequence[Any], freq: str) -> list[Any]:
    pd = _pandas()
    alias = {"ME": "M", "QE": "Q", "YE": "Y"}.get(freq, freq)
    parsed = pd.to_datetime(pd.Series(list(dates), dtype=object), errors="coerce", format="mixed")
    bad = [i for i, (d, p) in enumerate(zip(dates, parsed)) if pd.isna(p)]
    if bad:
        raise ProfileError(f"row {bad[0]}: cannot read {dates[bad[0]]!r} as a date ({len(bad)} such row(s)); "
                           "give dates pandas can read, such as '2022-01-05'")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    try:
        return parsed.dt.to_period(alias).dt.start_time.tolist()
    except ValueError:
        raise ProfileError(f"freq must be a pandas period alias such as 'D', 'W', 'M', 'Q' or 'Y'; got {freq!r}") from None


# ------------------------------------------------------------------------------------------
# Reading what was classified
# ------------------------------------------------------------------------------------------

def _is_document(r: Any) -> bool:
    return hasattr(r, "passages") and hasattr(r, "profile")


def _is_passage(r: Any) -> bool:
    return hasattr(r, "labels") and hasattr(r, "frames") and not _is_document(r)


def _carried(r: Any) -> dict[str, str | None]:
    """Frame -> stance of one passage result."""
    return {f: r[f].stance for f in r.labels}


def _document_carried(passages: Iterable[dict[str, str | None]], stance_ids: Sequence[str]) -> dict[str, str | None]:
    """A document carries each frame one of its passages carries, with the most common stance."""
    counts: dict[str, Counter] = {}
    for carried in passages:
        for f, s in carried.items():
            counts.setdefault(f, Counter())[s] += 1
    order = {s: i for i, s in enumerate(stance_ids)}
    return {f: min(c, key=lambda s: (-c[s], order.get(s, len(order)), str(s))) for f, c in counts.items()}


def _aligned(values: Any, n: int, name: str) -> list[Any]:
    if values is None:
        return [None] * n
    if isinstance(values, str):
        raise ProfileError(f"with results, {name}= must be a sequence with one value per result (or None); "
                           f"got the string {values!r} (a column name is for tables)")
    values = list(values)
    if len(values) != n:
        raise ProfileError(f"{name}= has {len(values)} values for {n} results")
    return values


def _from_results(results: Any, by: Any, over: Any, unit: str, document: Any):
    if _is_passage(results) or _is_document(results):
        results = [results]
    if isinstance(results, (str, bytes, Mapping)) or not isinstance(results, Iterable):
        raise ProfileError("profile expects a list of PassageResult/DocumentResult or a pandas DataFrame; got "
                           f"{type(results).__name__}")
    results = list(results)
    for i, r in enumerate(results):
        if not (_is_passage(r) or _is_document(r)):
            raise ProfileError(f"result {i} is a {type(r).__name__}, not a PassageResult or DocumentResult")
    groups, dates = _aligned(by, len(results), "by"), _aligned(over, len(results), "over")
    first = next((p for r in results for p in (r.passages if _is_document(r) else [r])), None)
    frame_ids = [p.frame for p in first.frames] if first is not None else []
    stance_ids = _stances_of(first)
    units = []
    if unit == "document" and document is None:
        for r, g, d in zip(results, groups, dates):
            carried = [_carried(p) for p in r.passages] if _is_document(r) else [_carried(r)]
            units.append((g, d, _document_carried(carried, stance_ids)))
        return units, frame_ids, stance_ids
    docs = _aligned(document, len(results), "document") if unit == "document" else None
    rows = []
    for i, (r, g, d) in enumerate(zip(results, groups, dates)):
        for p in (r.passages if _is_document(r) else [r]):
            rows.append((g, d, _carried(p), None if docs is None else docs[i]))
    if docs is None:
        return [(g, d, c) for g, d, c, _ in rows], frame_ids, stance_ids
    return _by_document(rows, stance_ids), frame_ids, stance_ids


def _stances_of(result: Any) -> list[str]:
    if result is None:
        return []
    for p in result.frames:
        if p.stance_scores:
            return list(p.stance_scores)
    return []


def _by_document(rows: list[tuple[Any, Any, dict, Any]], stance_ids: Sequence[str]) -> list[tuple[Any, Any, dict]]:
    """One unit per document of passage rows (group, date, carried, document)."""
    docs: dict[Any, list[tuple[Any, Any, dict]]] = {}
    for g, d, c, doc in rows:
        docs.setdefault(doc, []).append((g, d, c))
    units = []
    for doc, members in docs.items():
        groups = {str(g) for g, _, _ in members}
        dates = {str(d) for _, d, _ in members}
        if len(groups) > 1 or len(dates) > 1:
            raise ProfileError(f"document {doc!r} has rows in more than one group or date "
                               f"({sorted(groups)[:3]}, {sorted(dates)[:3]}); a document has one group and one date")
        g, d, _ = members[0]
        units.append((g, d, _document_carried([c for _, _, c in members], stance_ids)))
    return units


def _from_table(table: Any, by: Any, over: Any, unit: str, document: Any):
    pd = _pandas()
    columns = list(table.columns)
    for name, value in (("by", by), ("over", over), ("document", document)):
        if value is not None and not isinstance(value, str):
            raise ProfileError(f"with a table, {name}= names a column; got {type(value).__name__}")
        if value is not None and value not in columns:
            raise ProfileError(f"the table has no column {value!r} ({name}=); its columns: {columns}")
    if unit == "document" and document is None:
        raise ProfileError("unit='document' on a table needs document= naming the column of each row's document")
    n = len(table)
    groups = table[by].tolist() if by is not None else [None] * n
    dates = table[over].tolist() if over is not None else [None] * n
    carried, frame_ids, stance_ids = _table_labels(table, pd)
    if unit == "document":
        rows = list(zip(groups, dates, carried, table[document].tolist()))
        return _by_document(rows, stance_ids), frame_ids, stance_ids
    return list(zip(groups, dates, carried)), frame_ids, stance_ids


def _table_labels(table: Any, pd: Any) -> tuple[list[dict[str, str | None]], list[str], list[str]]:
    """Frame -> stance of each row, the frames and the stances, from whichever columns hold them."""
    columns = list(table.columns)
    if "result" in columns:
        results = table["result"].tolist()
        bad = next((i for i, r in enumerate(results) if not _is_passage(r)), None)
        if bad is not None:
            raise ProfileError(f"row {bad}: the 'result' column must hold PassageResult objects; got "
                               f"{type(results[bad]).__name__}")
        first = results[0] if results else None
        return [_carried(r) for r in results], [p.frame for p in first.frames] if first else [], _stances_of(first)
    if "labels" not in columns:
        raise ProfileError("the table needs the classification: a column 'result' (PassageResult objects), or "
                           "'labels' and 'frames' (classify_corpus JSONL), or 'labels' and '<frame>:stance' columns "
                           f"(classify_corpus CSV); its columns: {columns}")
    labels = [_label_list(v, i) for i, v in enumerate(table["labels"].tolist())]
    if "frames" in columns:  # JSONL: a list of {"frame", "stance", ...} per row
        frames_cells = [_json_cell(v, i, "frames") for i, v in enumerate(table["frames"].tolist())]
        frame_ids = [p["frame"] for p in frames_cells[0]] if frames_cells else []
        stance_ids = list(next((p["stance_scores"] for cell in frames_cells for p in cell if p.get("stance_scores")),
                               {}) or [])
        carried = []
        for i, (labs, cell) in enumerate(zip(labels, frames_cells)):
            stance = {p["frame"]: p.get("stance") for p in cell}
            carried.append({f: stance.get(f) for f in labs})
        return carried, frame_ids, stance_ids
    stance_cols = [c for c in columns if isinstance(c, str) and c.endswith(":stance")]
    frame_ids = [c[: -len(":stance")] for c in stance_cols]
    seen = {s for c in stance_cols for s in table[c].dropna().tolist() if s}
    # A CSV shows only the stances it uses: with none but the default ones, all three default
    # stances are columns (as from results or JSONL, which carry every stance's score).
    stance_ids = list(_DEFAULT_STANCES) if seen <= set(_DEFAULT_STANCES) else \
        [s for s in _DEFAULT_STANCES if s in seen] + sorted(seen - set(_DEFAULT_STANCES))
    stance_of = {f: table[f"{f}:stance"].tolist() for f in frame_ids}
    carried = []
    for i, labs in enumerate(labels):
        unknown = [f for f in labs if f not in stance_of]
        if unknown:
            raise ProfileError(f"row {i}: frame {unknown[0]!r} in 'labels' has no '{unknown[0]}:stance' column; "
                               f"frames with a stance column: {', '.join(frame_ids)}")
        carried.append({f: s if isinstance(s, str) and s else None for f in labs for s in [stance_of[f][i]]})
    return carried, frame_ids, stance_ids


def _label_list(value: Any, i: int) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return [str(v) for v in _json_cell(text, i, "labels")]
        return [v for v in text.split(";") if v]
    raise ProfileError(f"row {i}: 'labels' must be a list of frames or a ';'-separated string; got {value!r}")


def _json_cell(value: Any, i: int, name: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ProfileError(f"row {i}: the {name!r} cell is not valid JSON: {value[:60]!r}") from None
    if isinstance(value, list):
        return value
    raise ProfileError(f"row {i}: the {name!r} cell must be a list; got {type(value).__name__}")
