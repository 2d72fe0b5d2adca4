"""Readers for labelled data: JSONL, CSV, pandas DataFrames and two shared-task layouts.

Every reader returns a :class:`LabelledData` (texts, labels, ids, groups) ready for
``framing.train(data.texts, data.labels, ids=data.ids, groups=data.groups)``. A label is a list of
frame ids, or a mapping frame id -> stance (``None`` where no stance is given). A frame listed
twice in one record is kept once.

Nothing is dropped or coerced: a malformed line or record raises ``LabelError`` naming the file
and line (or the record), saying what was expected and what arrived.

File formats
------------
JSONL
    One JSON object per line, e.g. ``{"id": "a1", "text": "...", "frames": {"repression":
    "endorsed"}}`` or ``"frames": ["repression"]``. Blank lines are skipped.
CSV
    A header row with the columns ``id`` (optional), ``text``, ``frames`` and optionally a group
    column. ``frames`` holds ``;``-separated frame ids, each optionally followed by ``:stance``
    (``repression:endorsed;popular_revolt``); an empty cell means no frame. A frame id may itself
    contain colons (``CC: Criticism of institutions``): only a suffix that is a known stance is
    read as the stance.
SemEval-2023 Task 3, subtask 2
    ``<root>/<lang>/<split>-articles-subtask-2/article<ID>.txt`` and
    ``<root>/<lang>/<split>-labels-subtask-2.txt`` with lines ``<ID><TAB>Frame1,Frame2``.
SemEval-2025 Task 10, subtask 2
    ``<root>/raw-documents/<ID>`` (with or without ``.txt`` in the id) and
    ``<root>/subtask-2-annotations.txt`` with lines ``<ID><TAB>narr1;narr2<TAB>sub1;sub2``.

Records without an id get ``"<file name>:<line>"`` (files) or the row index (DataFrames).
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .codebooks import DEFAULT_STANCES, Codebook
from .deprecation import renamed
from .errors import CodebookError, LabelError

__all__ = ["LabelledData", "read_jsonl", "read_csv", "from_dataframe", "read_semeval2023", "read_semeval2025",
           "codebook_from_labels"]


@dataclass
class LabelledData:
    """Labelled passages or articles, aligned by position.

    Attributes
    ----------
    texts : list of str
    labels : list of (list of str or dict of str to str or None)
        Frame ids, or a mapping frame id -> stance.
    ids : list of str
        Record ids (for error messages and output files).
    groups : list or None
        Group of each record (event, outlet...), for grouped cross-validation.

    Examples
    --------
    >>> data = LabelledData(["Police beat students.", "Prices rose."], [["repression"], []], ["a", "b"])
    >>> len(data), data.frame_counts()
    (2, {'repression': 1})
    """

    texts: list[str]
    labels: list[Any]
    ids: list[str]
    groups: list[Any] | None = None

    def __post_init__(self) -> None:
        sizes = {"texts": len(self.texts), "labels": len(self.labels), "ids": len(self.ids)}
        if self.groups is not None:
            sizes["groups"] = len(self.groups)
        if len(set(sizes.values())) > 1:
            raise LabelError(f"LabelledData needs equal lengths; got {sizes}")

    def __len__(self) -> int:
        return len(self.texts)

    def frame_counts(self) -> dict[str, int]:
        """Number of records carrying each frame, by frame id (sorted).

        Examples
        --------
        >>> LabelledData(["a", "b"], [["x", "y"], {"x": None}], ["1", "2"]).frame_counts()
        {'x': 2, 'y': 1}
        """
        counts = Counter(frame for label in self.labels for frame in label)
        return dict(sorted(counts.items()))

    def restrict(self, frames: Iterable[str]) -> "LabelledData":
        """A copy whose labels keep only ``frames`` (records are all kept, possibly with no frame).

        Use it with ``codebook_from_labels(data, min_count=...)`` to leave out rare frames
        explicitly.

        Examples
        --------
        >>> data = LabelledData(["a", "b"], [["x", "y"], {"y": "endorsed"}], ["1", "2"])
        >>> data.restrict(["x"]).labels
        [['x'], {}]
        """
        keep = set(frames)
        labels = [{f: s for f, s in lab.items() if f in keep} if isinstance(lab, dict)
                  else [f for f in lab if f in keep] for lab in self.labels]
        groups = None if self.groups is None else list(self.groups)
        return LabelledData(list(self.texts), labels, list(self.ids), groups)


# ------------------------------------------------------------------------------------------
# Label parsing shared by the readers
# ------------------------------------------------------------------------------------------

def _check_text(value: Any, where: str, field: str) -> str:
    if not isinstance(value, str):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise LabelError(f"{where}: {field!r} must be a string; got {type(value).__name__} ({shown})")
    if not value.strip():
        raise LabelError(f"{where}: empty text in {field!r}")
    return value


def _label(value: Any, where: str, field: str) -> Any:
    """Validate a structured label (list of frame ids or mapping frame -> stance); dedupe frames."""
    if isinstance(value, Mapping):
        out: dict[str, str | None] = {}
        for frame, stance in value.items():
            if not isinstance(frame, str) or not frame.strip():
                raise LabelError(f"{where}: frame ids in {field!r} must be non-empty strings; got {frame!r}")
            if stance is not None and not isinstance(stance, str):
                raise LabelError(f"{where}: the stance of {frame!r} must be a string or null; got {stance!r}")
            out[frame] = stance
        return out
    if isinstance(value, (list, tuple)):
        frames: list[str] = []
        for frame in value:
            if not isinstance(frame, str) or not frame.strip():
                raise LabelError(f"{where}: {field!r} must list frame ids as non-empty strings; got {frame!r}")
            if frame not in frames:
                frames.append(frame)
        return frames
    raise LabelError(f"{where}: {field!r} must be a list of frame ids or a mapping frame -> stance; "
                     f"got {type(value).__name__} ({value!r})")


def _parse_cell(cell: str, where: str, stances: Sequence[str], sep: str = ";") -> Any:
    """Parse ``"frame[:stance];frame[:stance]"`` into a list (no stances) or a dict."""
    return _parse_items(cell.split(sep), where, stances)


def _parse_items(items: Iterable[str], where: str, stances: Sequence[str]) -> Any:
    """Parse ``["frame[:stance]", ...]`` into a list (no stances) or a dict."""
    pairs: list[tuple[str, str | None]] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        head, colon, tail = item.rpartition(":")
        if colon and tail.strip() in stances and head.strip():
            pairs.append((head.strip(), tail.strip()))
        else:
            pairs.append((item, None))
    if not any(s is not None for _, s in pairs):
        return _label([f for f, _ in pairs], where, "frames")
    out: dict[str, str | None] = {}
    for frame, stance in pairs:
        if frame in out and out[frame] != stance:
            raise LabelError(f"{where}: frame {frame!r} is given twice with different stances "
                             f"({out[frame]!r} and {stance!r})")
        out[frame] = stance
    return out


def _check_group(value: Any, where: str, field: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise LabelError(f"{where}: group {field!r} must be a string or an integer; got {value!r}")
    return value


class _Ids:
    """Collects record ids and refuses duplicates, naming both places."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._seen: dict[str, str] = {}

    def add(self, value: Any, where: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise LabelError(f"{where}: id must be a string or an integer; got {value!r}")
        key = str(value)
        if key in self._seen:
            raise LabelError(f"{where}: duplicate id {key!r} (first seen at {self._seen[key]})")
        self._seen[key] = where
        self.ids.append(key)
        return key


def _open_bytes(path: Path) -> Any:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _lines(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """(line number, decoded line without its end) for every line; undecodable bytes name the line."""
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    with _open_bytes(path) as fh:
        for n, raw in enumerate(fh, 1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield n, raw.decode(encoding).rstrip("\r\n")
            except UnicodeDecodeError as exc:
                hint = "; give the file's encoding with encoding= (--encoding), e.g. cp1252" if utf8 else ""
                raise LabelError(f"{path}, line {n}: not valid {'UTF-8' if utf8 else encoding} ({exc.reason} at "
                                 f"byte {exc.start}){hint}") from None


def _json_records(path: Path, encoding: str) -> Iterator[tuple[int, str, Any]]:
    """(line or position, where, parsed record) of a JSON Lines file, or of a JSON array of records."""
    lines = _lines(path, encoding)
    head: list[tuple[int, str]] = []
    for n, line in lines:
        head.append((n, line))
        if line.strip():
            break
    if head and head[-1][1].lstrip().startswith("["):  # a JSON array, read whole
        text = "\n".join(line for _, line in itertools.chain(head, lines))
        try:
            records = json.loads(text)
        except ValueError as exc:
            raise LabelError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(records, list):
            raise LabelError(f"{path}: expected a JSON array of records, got {type(records).__name__}")
        for i, record in enumerate(records, 1):
            yield i, f"{path}, record {i}", record
        return
    for n, line in itertools.chain(head, lines):
        if not line.strip():
            continue
        try:
            yield n, f"{path}, line {n}", json.loads(line)
        except ValueError as exc:
            raise LabelError(f"{path}, line {n}: not valid JSON ({exc})") from None


def _existing_file(path: str | Path, what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{what} not found: {str(p)!r}")
    return p


# ------------------------------------------------------------------------------------------
# JSONL, CSV, DataFrame
# ------------------------------------------------------------------------------------------

def read_jsonl(path: str | Path, *, text_field: str = "text", labels_field: str = "frames", id_field: str = "id",
               group_field: str | None = None, encoding: str = "utf-8") -> LabelledData:
    """Read labelled records from a JSON Lines file (or a JSON array of records).

    Parameters
    ----------
    path : str or path
        One JSON object per line; blank lines are skipped. A file that starts with ``[`` is read
        as one JSON array of such objects. A name ending in ``.gz`` is read compressed.
    text_field, labels_field, id_field : str
        Keys of the text, the labels (a list of frame ids or a mapping frame -> stance) and the
        record id (optional in a record: the id is then ``"<file name>:<line>"``).
    group_field : str, optional
        Key of each record's group (required in every record when given).
    encoding : str, default="utf-8"
        The file's encoding (e.g. ``"cp1252"``).

    Returns
    -------
    LabelledData

    Raises
    ------
    LabelError
        For a line that is not a JSON object, a missing or non-string text, an empty text,
        malformed labels, a missing group or a duplicate id; the message names file and line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels.jsonl"
    >>> _ = p.write_text('{"id": "a", "text": "Police beat students.", "frames": {"repression": "endorsed"}}\\n'
    ...                  '{"id": "b", "text": "Prices rose.", "frames": []}\\n')
    >>> data = read_jsonl(p)
    >>> data.ids, data.labels
    (['a', 'b'], [{'repression': 'endorsed'}, []])
    >>> _ = p.write_text('{"id": "a", "text": "Prices rose.", "frames": "economy"}\\n')
    >>> read_jsonl(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    framing.errors.LabelError: ...labels.jsonl, line 1 (id 'a'): 'frames' must be a list of frame ids or a mapping...
    """
    path = _existing_file(path, "JSONL file")
    texts: list[str] = []
    labels: list[Any] = []
    groups: list[Any] = []
    ids = _Ids()
    for n, where, record in _json_records(path, encoding):
        if not isinstance(record, dict):
            raise LabelError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if id_field in record:
            where += f" (id {record[id_field]!r})"
            ids.add(record[id_field], where)
        else:
            ids.add(f"{path.name}:{n}", where)
        for key in (text_field, labels_field) + ((group_field,) if group_field else ()):
            if key not in record:
                raise LabelError(f"{where}: missing field {key!r}; the record has {sorted(record)}")
        texts.append(_check_text(record[text_field], where, text_field))
        labels.append(_label(record[labels_field], where, labels_field))
        if group_field:
            groups.append(_check_group(record[group_field], where, group_field))
    return LabelledData(texts, labels, ids.ids, groups if group_field else None)


_COLUMN_NAMES = {"text_column": "text_field", "labels_column": "labels_field", "id_column": "id_field",
                 "group_column": "group_field"}
_FIELD_DEFAULTS = {"text_field": "text", "labels_field": "frames", "id_field": "id", "group_field": None}


def read_csv(path: str | Path, *, text_field: str = "text", labels_field: str = "frames", id_field: str = "id",
             group_field: str | None = None, delimiter: str = ",", stances: Sequence[str] | None = None,
             encoding: str = "utf-8", **deprecated: Any) -> LabelledData:
    """Read labelled records from a CSV file with a header row.

    Parameters
    ----------
    path : str or path
        Columns: ``id`` (optional; without it ids are ``"<file name>:<line>"``), ``text``,
        ``frames`` and optionally a group column. ``frames`` holds ``;``-separated frame ids,
        each optionally ``frame:stance``; an empty cell means no frame.
    text_field, labels_field, id_field, group_field : str
        Column names (the same keywords as :func:`read_jsonl`; the old ``text_column``,
        ``labels_column``, ``id_column`` and ``group_column`` still work, with a ``FutureWarning``).
    delimiter : str, default=","
        E.g. ``";"`` for a semicolon-separated file.
    encoding : str, default="utf-8"
        The file's encoding (e.g. ``"cp1252"``). A name ending in ``.gz`` is read compressed.
    stances : list of str, optional
        Stance ids recognised after a colon (default: the default codebook's stances,
        ``endorsed``, ``reported``, ``disputed``).

    Returns
    -------
    LabelledData

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = p.write_text('id,text,frames\\n'
    ...                  'a,"Police beat students, then left.",repression:endorsed;popular_revolt\\n'
    ...                  'b,Prices rose.,\\n')
    >>> read_csv(p).labels
    [{'repression': 'endorsed', 'popular_revolt': None}, []]
    >>> _ = p.write_text('id,text,frames\\na,Prices rose.,economy,extra\\n')
    >>> read_csv(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    framing.errors.LabelError: ...labels.csv, line 2: expected 3 fields (id, text, frames), got 4
    """
    fields = renamed("read_csv", deprecated, _COLUMN_NAMES, {"text_field": text_field, "labels_field": labels_field,
                     "id_field": id_field, "group_field": group_field}, _FIELD_DEFAULTS)
    text_column, labels_column, id_column, group_column = (fields[k] for k in _FIELD_DEFAULTS)
    path = _existing_file(path, "CSV file")
    stances = tuple(DEFAULT_STANCES if stances is None else stances)
    texts: list[str] = []
    labels: list[Any] = []
    groups: list[Any] = []
    ids = _Ids()
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    with _big_csv_fields(), io.TextIOWrapper(_open_bytes(path), encoding="utf-8-sig" if utf8 else encoding,
                                             newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise LabelError(f"{path}: empty file; expected a header row with {text_column!r} and "
                             f"{labels_column!r}") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            hint = "; give the file's encoding with encoding= (--encoding)" if isinstance(exc, UnicodeDecodeError) else ""
            raise LabelError(f"{path}, line 1: unreadable header ({exc}){hint}") from None
        wanted = [text_column, labels_column] + ([group_column] if group_column else [])
        missing = [c for c in wanted if c not in header]
        if missing:
            seps = [c for c in (";", "\t", "|", ",") if c != delimiter and header and c in header[0]]
            hint = f"; the header looks {seps[0]!r}-separated: pass delimiter={seps[0]!r} (--delimiter)" if seps else ""
            raise LabelError(f"{path}: missing column(s) {missing}; the header has {header}{hint}")
        col = {name: header.index(name) for name in header}
        while True:
            start = reader.line_num + 1
            where = f"{path}, line {start}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as exc:
                hint = "; give the file's encoding with encoding= (--encoding)" if isinstance(exc, UnicodeDecodeError) else ""
                raise LabelError(f"{where}: unreadable CSV ({exc}){hint}") from None
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                raise LabelError(f"{where}: expected {len(header)} fields ({', '.join(header)}), got {len(row)}")
            if id_column in col:
                where += f" (id {row[col[id_column]]!r})"
                ids.add(row[col[id_column]], where)
            else:
                ids.add(f"{path.name}:{start}", where)
            texts.append(_check_text(row[col[text_column]], where, text_column))
            labels.append(_parse_cell(row[col[labels_column]], where, stances))
            if group_column:
                groups.append(_check_group(row[col[group_column]], where, group_column))
    return LabelledData(texts, labels, ids.ids, groups if group_column else None)


class _big_csv_fields:
    """Raise the csv module's field size limit (128 KiB) while reading: articles can be longer."""

    def __enter__(self) -> None:
        self._old = csv.field_size_limit()
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

    def __exit__(self, *exc: Any) -> None:
        csv.field_size_limit(self._old)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def from_dataframe(df: Any, *, text_field: str = "text", labels_field: str = "frames", id_field: str = "id",
                   group_field: str | None = None, stances: Sequence[str] | None = None, **deprecated: Any
                   ) -> LabelledData:
    """Read labelled records from a pandas DataFrame.

    A labels cell may be a list/tuple/set of frame ids, a mapping frame -> stance, or a string in
    the CSV form (``"repression:endorsed;popular_revolt"``); an empty or missing cell (``NaN``)
    means no frame. ``text_field``, ``labels_field``, ``id_field`` and ``group_field`` name the
    columns, as for :func:`read_jsonl` and :func:`read_csv` (the old ``text_column`` and so on still
    work, with a ``FutureWarning``). Without an ``id_field`` column, ids are the row index labels.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Police beat students.", "Prices rose."],
    ...                    "frames": [["repression"], None]})
    >>> data = from_dataframe(df)
    >>> data.ids, data.labels
    (['0', '1'], [['repression'], []])
    """
    fields = renamed("from_dataframe", deprecated, _COLUMN_NAMES, {"text_field": text_field,
                     "labels_field": labels_field, "id_field": id_field, "group_field": group_field}, _FIELD_DEFAULTS)
    text_column, labels_column, id_column, group_column = (fields[k] for k in _FIELD_DEFAULTS)
    columns = list(getattr(df, "columns", []))
    if not hasattr(df, "itertuples"):
        raise LabelError(f"from_dataframe expects a pandas DataFrame; got {type(df).__name__}")
    wanted = [text_column, labels_column] + ([group_column] if group_column else [])
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise LabelError(f"DataFrame: missing column(s) {missing}; it has {columns}")
    stances = tuple(DEFAULT_STANCES if stances is None else stances)
    texts: list[str] = []
    labels: list[Any] = []
    groups: list[Any] = []
    ids = _Ids()
    for index, row in zip(df.index, df.to_dict("records")):
        where = f"DataFrame row {index!r}"
        raw_id = row[id_column] if id_column in columns else index
        if hasattr(raw_id, "item"):  # numpy scalar
            raw_id = raw_id.item()
        ids.add(raw_id, where)
        texts.append(_check_text(None if _is_missing(row[text_column]) else row[text_column], where, text_column))
        cell = row[labels_column]
        if _is_missing(cell):
            labels.append([])
        elif isinstance(cell, str):
            labels.append(_parse_cell(cell, where, stances))
        elif isinstance(cell, (set, frozenset)):
            labels.append(_label(sorted(cell), where, labels_column))
        else:
            labels.append(_label(list(cell) if hasattr(cell, "tolist") else cell, where, labels_column))
        if group_column:
            value = row[group_column]
            groups.append(_check_group(value.item() if hasattr(value, "item") else value, where, group_column))
    return LabelledData(texts, labels, ids.ids, groups if group_column else None)


# ------------------------------------------------------------------------------------------
# Shared-task layouts
# ------------------------------------------------------------------------------------------

def _read_article(path: Path, where: str) -> str:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LabelError(f"{where}: {path} is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise LabelError(f"{where}: article file {path} is empty")
    return text


def _check_plain_name(doc_id: str, where: str) -> None:
    if Path(doc_id).name != doc_id or doc_id in (".", ".."):
        raise LabelError(f"{where}: id {doc_id!r} is not a plain file name")


def _tsv_rows(path: Path, n_fields: int, layout: str) -> Iterator[tuple[int, list[str]]]:
    for n, line in _lines(path):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != n_fields or not fields[0].strip():
            raise LabelError(f"{path}, line {n}: expected {layout!r} ({n_fields} tab-separated fields, "
                             f"id first), got {len(fields)} field(s): {line[:80]!r}")
        yield n, [f.strip() for f in fields]


def read_semeval2023(root: str | Path, lang: str = "en", split: str = "train") -> LabelledData:
    """Read SemEval-2023 Task 3 subtask 2 (framing of whole articles) for one language and split.

    Expects ``<root>/<lang>/<split>-articles-subtask-2/article<ID>.txt`` and
    ``<root>/<lang>/<split>-labels-subtask-2.txt`` (lines ``<ID><TAB>Frame1,Frame2``). Every label
    line needs its article file, and every article file needs a label line.

    Parameters
    ----------
    root : str or path
        The folder holding one sub-folder per language.
    lang : str, default="en"
    split : {"train", "dev", "test"}, default="train"

    Returns
    -------
    LabelledData
        Whole articles (title, blank line, body, as in the files); labels are lists of frames.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "en" / "train-articles-subtask-2").mkdir(parents=True)
    >>> _ = (root / "en" / "train-articles-subtask-2" / "article1.txt").write_text("Title\\n\\nBread prices rose.")
    >>> _ = (root / "en" / "train-labels-subtask-2.txt").write_text("1\\tEconomic,Political\\n")
    >>> data = read_semeval2023(root)
    >>> data.ids, data.labels
    (['1'], [['Economic', 'Political']])
    """
    if split not in ("train", "dev", "test"):
        raise ValueError(f"split must be 'train', 'dev' or 'test'; got {split!r}")
    base = Path(root) / lang
    articles = base / f"{split}-articles-subtask-2"
    labels_path = base / f"{split}-labels-subtask-2.txt"
    if not articles.is_dir():
        raise FileNotFoundError(f"SemEval-2023 layout: article folder not found: {str(articles)!r}")
    _existing_file(labels_path, "SemEval-2023 label file")
    texts: list[str] = []
    labels: list[Any] = []
    ids = _Ids()
    for n, (doc_id, frames) in _tsv_rows(labels_path, 2, "ID<TAB>Frame1,Frame2"):
        where = f"{labels_path}, line {n} (id {doc_id!r})"
        ids.add(doc_id, where)
        _check_plain_name(doc_id, where)
        doc = articles / f"article{doc_id}.txt"
        if not doc.is_file():
            raise LabelError(f"{where}: article file not found: {doc.name} in {articles}")
        texts.append(_read_article(doc, where))
        labels.append(_label([f.strip() for f in frames.split(",") if f.strip()], where, "frames"))
    known = {f"article{i}.txt" for i in ids.ids}
    orphans = sorted(p.name for p in articles.glob("article*.txt") if p.name not in known)
    if orphans:
        raise LabelError(f"{articles}: {len(orphans)} article file(s) have no line in {labels_path.name}: "
                         f"{', '.join(orphans[:5])}{' ...' if len(orphans) > 5 else ''}")
    return LabelledData(texts, labels, ids.ids, None)


def read_semeval2025(root: str | Path, level: str = "narrative") -> LabelledData:
    """Read SemEval-2025 Task 10 subtask 2 (narratives of whole articles) for one language folder.

    Expects ``<root>/raw-documents/<ID>`` (the id may or may not end in ``.txt``) and
    ``<root>/subtask-2-annotations.txt`` with lines ``<ID><TAB>narr1;narr2<TAB>sub1;sub2``.
    Documents without an annotation line are not records of this subtask and are not read.

    Parameters
    ----------
    root : str or path
        One language folder of the release (e.g. ``.../EN``).
    level : {"narrative", "subnarrative"}, default="narrative"
        Which column gives the labels. A narrative repeated for several of its subnarratives is
        kept once.

    Returns
    -------
    LabelledData
        Ids exactly as in the annotation file, so predictions can be written back in its format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "raw-documents").mkdir()
    >>> _ = (root / "raw-documents" / "EN_CC_1.txt").write_text("Climate policy is a scam, he wrote.")
    >>> _ = (root / "subtask-2-annotations.txt").write_text(
    ...     "EN_CC_1.txt\\tCC: Criticism of policies;CC: Criticism of policies\\t"
    ...     "CC: Criticism of policies: Cost;CC: Criticism of policies: Other\\n")
    >>> read_semeval2025(root).labels
    [['CC: Criticism of policies']]
    >>> read_semeval2025(root, level="subnarrative").labels
    [['CC: Criticism of policies: Cost', 'CC: Criticism of policies: Other']]
    """
    if level not in ("narrative", "subnarrative"):
        raise ValueError(f"level must be 'narrative' or 'subnarrative'; got {level!r}")
    base = Path(root)
    docs = base / "raw-documents"
    labels_path = base / "subtask-2-annotations.txt"
    if not docs.is_dir():
        raise FileNotFoundError(f"SemEval-2025 layout: document folder not found: {str(docs)!r}")
    _existing_file(labels_path, "SemEval-2025 annotation file")
    column = 1 if level == "narrative" else 2
    texts: list[str] = []
    labels: list[Any] = []
    ids = _Ids()
    for n, fields in _tsv_rows(labels_path, 3, "ID<TAB>narr1;narr2<TAB>sub1;sub2"):
        doc_id = fields[0]
        where = f"{labels_path}, line {n} (id {doc_id!r})"
        ids.add(doc_id, where)
        _check_plain_name(doc_id, where)
        doc = next((p for p in (docs / doc_id, docs / f"{doc_id}.txt") if p.is_file()), None)
        if doc is None:
            raise LabelError(f"{where}: document not found: {doc_id} (or {doc_id}.txt) in {docs}")
        texts.append(_read_article(doc, where))
        labels.append(_label([f.strip() for f in fields[column].split(";") if f.strip()], where, level))
    return LabelledData(texts, labels, ids.ids, None)


# ------------------------------------------------------------------------------------------
# A codebook from the labels themselves
# ------------------------------------------------------------------------------------------

def codebook_from_labels(data: LabelledData | Sequence[Any], *, min_count: int = 1, name: str = "from-labels"
                         ) -> Codebook:
    """A codebook of the frames seen in ``data`` (sorted), so a data set trains with its own frames.

    Parameters
    ----------
    data : LabelledData or list of labels
    min_count : int, default=1
        Leave out frames carried by fewer records (training needs at least 2 per frame). Pair it
        with ``data.restrict(codebook.frame_ids)``.
    name : str
        Name of the codebook.

    Returns
    -------
    Codebook
        Stances: the default three when the labels use only those, else the stances seen (sorted);
        none when no label gives a stance.

    Examples
    --------
    >>> cb = codebook_from_labels([["Political", "Economic"], {"Economic": "endorsed"}, ["Morality"]])
    >>> cb.frame_ids, cb.stance_ids
    (('Economic', 'Morality', 'Political'), ('endorsed', 'reported', 'disputed'))
    >>> codebook_from_labels([["Political", "Economic"], ["Economic"]], min_count=2).frame_ids
    ('Economic',)
    """
    labels = data.labels if isinstance(data, LabelledData) else list(data)
    counts: Counter[str] = Counter()
    seen_stances: set[str] = set()
    for i, label in enumerate(labels):
        label = _label(label, f"record {i}", "labels")
        counts.update(list(label))
        if isinstance(label, dict):
            seen_stances.update(s for s in label.values() if s is not None)
    frames = sorted(f for f, c in counts.items() if c >= min_count)
    if not frames:
        raise CodebookError(f"no frame is carried by at least {min_count} record(s); frames seen: "
                            f"{dict(sorted(counts.items())) or 'none'}")
    stances = DEFAULT_STANCES if seen_stances and seen_stances <= set(DEFAULT_STANCES) else tuple(sorted(seen_stances))
    return Codebook.from_names(frames, stances=stances, name=name)
