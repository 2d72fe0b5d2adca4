"""Corpus-scale classification: stream records in, classify them in batches, write results safely.

``classify_corpus`` reads its input lazily and holds at most a few batches in memory, keeps input
order and ids, and writes one output record per input record.

Inputs
------
* ``.jsonl`` / ``.ndjson``: one JSON object per line with a text field (and an id field); blank
  lines are not records.
* ``.csv`` / ``.tsv``: a header row naming the text column (and an id column).
* any other file, or a text stream such as ``sys.stdin``: one passage per line (every line is a
  record, an empty line gives an empty result).
* a directory: every ``*.txt`` file below it (sorted by relative path) is one article; its id is
  the relative path.
* any iterable of ``str`` or of dicts with a text field.

A record without an id gets its line number (files and streams) or its index (iterables).

Outputs
-------
JSONL (``{"id": ..., "labels": [...], "frames": [...], "threshold": ..., "flags": [...]}``, the
text only with ``include_text=True``) or CSV (one score and one stance column per frame) chosen
by the extension of ``output``; ``None`` writes JSONL to standard output. A malformed record
yields ``{"id": ..., "line": N, "error": "..."}`` (or stops the run with ``on_error="raise"``).

Safe writing and resuming
-------------------------
Results go to ``<output>.partial``; after every batch the file is flushed to disk and
``<output>.progress.json`` records how many input records and bytes it holds. The finished file
is renamed to ``output`` in one step, so an interrupted run never leaves a truncated ``output``.
``resume=True`` cuts ``<output>.partial`` back to the last recorded batch, skips that many input
records and carries on.

Parallelism
-----------
``n_jobs > 1`` runs batches in joblib's process pool (loky); ``scheduler="tcp://host:port"`` or a
``dask.distributed.Client`` runs them on Dask workers (``pip install 'framing[dask]'``). Workers
receive the model once (a path for local workers, the model files for Dask) and then only batches
of texts; results come back in input order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from .errors import InputFormatError
from .results import gc_paused

__all__ = ["classify_corpus"]

_STATE_FORMAT = "framing-batch-progress"
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CSV_SUFFIXES = (".csv", ".tsv")


@dataclass
class _Item:
    """One input record: its position, id, and text or the reason it cannot be read."""

    line: int
    id: Any
    text: str | None
    error: str | None = None


# ------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------

def _input_format(source: Any, requested: str) -> str:
    if requested != "auto":
        if requested not in ("jsonl", "csv", "tsv", "txt"):
            raise ValueError(f"input_format must be 'auto', 'jsonl', 'csv', 'tsv' or 'txt'; got {requested!r}")
        return requested
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            return "dir"
        suffix = path.suffix.lower()
        return "jsonl" if suffix in _JSONL_SUFFIXES else suffix[1:] if suffix in _CSV_SUFFIXES else "txt"
    return "txt" if hasattr(source, "readline") else "iterable"


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})"


def _read_lines(lines: Iterable[bytes | str], fmt: str, text_field: str, id_field: str) -> Iterator[_Item]:
    for n, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            decoded, error = _decode(raw[3:] if n == 1 and raw.startswith(b"\xef\xbb\xbf") else raw)
            if decoded is None:
                yield _Item(n, n, None, error)
                continue
            raw = decoded
        line = raw.rstrip("\r\n")
        if fmt == "txt":
            yield _Item(n, n, line)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield _Item(n, n, None, f"not valid JSON ({exc})")
            continue
        yield _from_mapping(record, n, n, text_field, id_field)


def _from_mapping(record: Any, n: int, default_id: Any, text_field: str, id_field: str) -> _Item:
    if not isinstance(record, dict):
        return _Item(n, default_id, None, f"expected a JSON object with a {text_field!r} field, "
                                          f"got {type(record).__name__}")
    rid = record.get(id_field, default_id)
    if text_field not in record:
        return _Item(n, rid, None, f"missing field {text_field!r}; the record has {sorted(record)[:10]}")
    text = record[text_field]
    if not isinstance(text, str):
        shown = repr(text) if len(repr(text)) <= 40 else repr(text)[:37] + "..."
        return _Item(n, rid, None, f"{text_field!r} must be a string, got {type(text).__name__} ({shown})")
    return _Item(n, rid, text)


def _read_csv(path: Path, delimiter: str, text_field: str, id_field: str) -> Iterator[_Item]:
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # articles can exceed the default 128 KiB per field
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            if header is None or text_field not in header:
                raise ValueError(f"{path}: expected a header row with a {text_field!r} column; "
                                 f"got {header if header is not None else 'an empty file'}")
            col_text = header.index(text_field)
            col_id = header.index(id_field) if id_field in header else None
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    if reader.line_num < start:  # the reader cannot move on
                        raise InputFormatError(f"{path}, line {start}: unreadable CSV ({exc})") from None
                    yield _Item(start, start, None, f"unreadable CSV ({exc})")
                    continue
                if not row:
                    continue
                rid = row[col_id] if col_id is not None and col_id < len(row) else start
                if len(row) != len(header):
                    yield _Item(start, rid, None, f"expected {len(header)} fields, got {len(row)}")
                elif any("\udc80" <= ch <= "\udcff" for field in row for ch in field if ch >= "\udc80"):
                    yield _Item(start, rid, None, "not valid UTF-8")
                else:
                    yield _Item(start, rid, row[col_text])
    finally:
        csv.field_size_limit(old_limit)


def _read_dir(root: Path) -> Iterator[_Item]:
    files = sorted((p for p in root.rglob("*.txt") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())
    for n, path in enumerate(files, 1):
        rid = path.relative_to(root).as_posix()
        text, error = _decode(path.read_bytes())
        yield _Item(n, rid, text.lstrip("\ufeff") if text else text, error)


def _read_iterable(items: Iterable[Any], text_field: str, id_field: str) -> Iterator[_Item]:
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield _Item(i + 1, i, item)
        elif isinstance(item, dict):
            yield _from_mapping(item, i + 1, i, text_field, id_field)
        else:
            yield _Item(i + 1, i, None, f"expected a str or a dict with a {text_field!r} field, "
                                        f"got {type(item).__name__}")


def _records(source: Any, fmt: str, text_field: str, id_field: str) -> Iterator[_Item]:
    if fmt == "iterable":
        if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
            raise TypeError(f"source must be a path, a text stream or an iterable of str/dict; "
                            f"got {type(source).__name__}")
        yield from _read_iterable(source, text_field, id_field)
        return
    if not isinstance(source, (str, os.PathLike)):  # a stream
        if fmt not in ("txt", "jsonl"):
            raise ValueError(f"a stream can be read as 'txt' or 'jsonl', not {fmt!r}; give a file path for CSV")
        yield from _read_lines(source, fmt, text_field, id_field)
        return
    path = Path(source)
    if fmt == "dir":
        yield from _read_dir(path)
        return
    if not path.is_file():
        raise FileNotFoundError(f"input file not found: {str(path)!r}")
    if fmt in ("csv", "tsv"):
        yield from _read_csv(path, "," if fmt == "csv" else "\t", text_field, id_field)
        return
    with path.open("rb") as fh:
        yield from _read_lines(fh, fmt, text_field, id_field)


def _batches(items: Iterator[_Item], size: int) -> Iterator[list[_Item]]:
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------------------------------
# Classifying (in this process or in workers)
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ModelRef:
    """What a worker needs to load the model once: a directory path, or the model files."""

    key: str
    path: str | None = None
    files: dict[str, bytes] | None = None


_WORKER_MODELS: dict[str, Any] = {}


def _worker_model(ref: _ModelRef) -> Any:
    from .persist import load_model

    model = _WORKER_MODELS.get(ref.key)
    if model is None:
        if ref.path is not None:
            model = load_model(ref.path)
        else:
            with tempfile.TemporaryDirectory(prefix="framing-model-") as tmp:
                for name, blob in (ref.files or {}).items():
                    (Path(tmp) / Path(name).name).write_bytes(blob)
                model = load_model(tmp)
        if len(_WORKER_MODELS) >= 2:
            _WORKER_MODELS.pop(next(iter(_WORKER_MODELS)))
        _WORKER_MODELS[ref.key] = model
    return model


def _classify_dicts(model: Any, texts: list[str], threshold: float | None, articles: bool,
                    include_text: bool, spans: bool = False) -> list[dict[str, Any]]:
    if not texts:
        return []
    if articles:
        from .articles import classify_articles

        results = classify_articles(model, texts, threshold=threshold)
    else:
        results = model.classify(texts, threshold=threshold, spans=spans)
    assert isinstance(results, list)
    out = []
    with gc_paused(len(results)):
        for r in results:
            d = r.to_dict()
            if not include_text:
                del d["text"]
            out.append(d)
    return out


def _encode_batch(batch: list[_Item], dicts: list[dict[str, Any]], writer: "_Writer") -> tuple[bytes, int, int]:
    """The output bytes of one batch, error records in place; with the record and error counts."""
    results = iter(dicts)
    records = [{"id": it.id, **next(results)} if it.error is None
               else {"id": it.id, "line": it.line, "error": it.error} for it in batch]
    n_errors = sum(1 for it in batch if it.error is not None)
    return writer.encode(records), len(records), n_errors


def _classify_batch(model: Any, batch: list[_Item], threshold: float | None, articles: bool,
                    include_text: bool, writer: "_Writer", spans: bool = False) -> tuple[bytes, int, int]:
    """Classify the readable records of a batch and encode the whole batch's output."""
    texts = [it.text for it in batch if it.error is None]
    return _encode_batch(batch, _classify_dicts(model, texts, threshold, articles, include_text, spans), writer)


def _run_batch(ref: _ModelRef, *args: Any) -> tuple[bytes, int, int]:
    """The task a worker runs, with its cached model. Encoding happens in the worker too, so the
    main process (reading, writing) does not become the serial bottleneck of a parallel run."""
    return _classify_batch(_worker_model(ref), *args)


class _Done:
    """A finished result with the ``Future.result()`` interface (the sequential path)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _model_key(model: Any) -> str:
    """A short fingerprint of a model's weights (a resumed run must use the same model)."""
    h = hashlib.sha256(model.codebook_.sha256().encode())
    for name in ("coef_", "intercept_", "platt_", "stance_coef_"):
        value = getattr(model, name, None)
        if value is not None:
            h.update(np.ascontiguousarray(value).tobytes())
    return h.hexdigest()[:16]


def _model_dir_key(directory: Path) -> str:
    return hashlib.sha256((directory / "manifest.json").read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------

class _Writer:
    """Turns output records into bytes: JSONL, or CSV with one score and stance column per frame."""

    def __init__(self, fmt: str, frames: list[str], include_text: bool) -> None:
        self.fmt, self.frames, self.include_text = fmt, frames, include_text
        # json.dumps with options builds an encoder per call (~15% of encoding a record)
        self._json = json.JSONEncoder(ensure_ascii=False, default=str).encode

    def header(self) -> bytes:
        if self.fmt != "csv":
            return b""
        cols = ["id"] + (["text"] if self.include_text else []) + ["labels", "flags", "error"]
        cols += [c for f in self.frames for c in (f, f"{f}:stance")]
        return self._csv([cols])

    def encode(self, records: list[dict[str, Any]]) -> bytes:
        if self.fmt == "summary":
            return "".join(self._summary(r) + "\n" for r in records).encode("utf-8", "backslashreplace")
        if self.fmt != "csv":
            # backslashreplace turns a lone surrogate into its JSON escape (valid JSON, valid UTF-8)
            return "".join(self._json(r) + "\n" for r in records).encode("utf-8", "backslashreplace")
        rows = []
        for r in records:
            row = [r["id"]] + ([r.get("text", "")] if self.include_text else [])
            if "error" in r:
                rows.append(row + ["", "", r["error"]] + [""] * (2 * len(self.frames)))
                continue
            row += [";".join(r["labels"]), ";".join(r["flags"]), ""]
            by_frame = {p["frame"]: p for p in r["frames"]}
            for f in self.frames:
                row += [f"{by_frame[f]['score']:.6f}", by_frame[f]["stance"] or ""]
            rows.append(row)
        return self._csv(rows)

    @staticmethod
    def _summary(r: dict[str, Any]) -> str:
        """One readable line: id, then each labelled frame with stance, score and top evidence."""
        if "error" in r:
            return f"{r['id']}\tERROR: {r['error']}"
        by_frame = {p["frame"]: p for p in r["frames"]}
        parts = []
        for f in r["labels"]:
            p = by_frame[f]
            ev = ", ".join(e["term"] for e in p["evidence"][:3])
            parts.append(f"{f} ({p['stance'] or '-'}, {p['score']:.2f}: {ev})")
        flags = f"  [{', '.join(r['flags'])}]" if r["flags"] else ""
        return f"{r['id']}\t" + (" | ".join(parts) or "no frame") + flags

    @staticmethod
    def _csv(rows: list[list[Any]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("utf-8", "backslashreplace")


class _Progress:
    """Counts on standard error, at most once a second (``\\r`` on a terminal, lines otherwise)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = self.last = time.perf_counter()
        self.tty = enabled and sys.stderr.isatty()

    def update(self, records: int, errors: int, *, final: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not final and now - self.last < 1.0):
            return
        self.last = now
        rate = records / max(now - self.start, 1e-9)
        msg = f"framing: {records:,} records, {errors:,} errors, {rate:,.0f} records/s"
        if self.tty:
            sys.stderr.write("\r" + msg + ("\n" if final else ""))
        else:
            sys.stderr.write(msg + "\n")
        sys.stderr.flush()


class _Sink:
    """Where bytes go: a stream, or ``<output>.partial`` with a progress file, renamed at the end."""

    def __init__(self, output: Any, settings: dict[str, Any], resume: bool, writer: _Writer,
                 progress: _Progress) -> None:
        self.records = self.errors = self.skip = 0
        self.stream: Any = None
        self.path: Path | None = None
        self.fh: Any = None
        if output is None or output == "-":
            self.stream = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout
        elif hasattr(output, "write"):
            self.stream = output
        if self.stream is not None:
            if resume:
                raise ValueError("resume=True needs an output file path; got a stream")
            self._emit(writer.header())
            return
        self.path = Path(output)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.state_path = self.path.with_name(self.path.name + ".progress.json")
        self.settings = settings
        state = self._load_state() if resume else None
        if state is not None:
            size = self.partial.stat().st_size
            if size < state["bytes"]:
                raise ValueError(f"{self.partial} is shorter ({size} bytes) than its progress file records "
                                 f"({state['bytes']}); it was changed. Rerun without resume.")
            self.fh = self.partial.open("r+b")
            self.fh.truncate(state["bytes"])  # drop any half-written batch
            self.fh.seek(state["bytes"])
            self.records = self.skip = state["records"]
            self.errors = state["errors"]
            if progress.enabled:
                sys.stderr.write(f"framing: resuming after {self.records:,} records\n")
        else:
            if resume and progress.enabled:
                sys.stderr.write(f"framing: no partial run to resume for {self.path}; starting from the start\n")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = self.partial.open("wb")
            self.fh.write(writer.header())
            self.checkpoint()

    def _load_state(self) -> dict[str, Any] | None:
        if not (self.state_path.is_file() and self.partial.is_file()):
            return None
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{self.state_path}: unreadable progress file ({exc}); rerun without resume") from None
        if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT or \
                not all(isinstance(state.get(k), int) for k in ("records", "errors", "bytes")):
            raise ValueError(f"{self.state_path}: not a framing progress file; rerun without resume")
        if state.get("settings") != self.settings:
            changed = sorted(k for k in set(self.settings) | set(state.get("settings") or {})
                             if (state.get("settings") or {}).get(k) != self.settings.get(k))
            raise ValueError(f"cannot resume {self.path}: the interrupted run used different settings "
                             f"({', '.join(changed)}); rerun without resume")
        return state

    def _emit(self, data: bytes) -> None:
        if not data:
            return
        try:
            self.stream.write(data)
        except TypeError:  # a text stream
            self.stream.write(data.decode("utf-8"))
        self.stream.flush()

    def write(self, data: bytes, n_records: int, n_errors: int) -> None:
        self.records += n_records
        self.errors += n_errors
        if self.stream is not None:
            self._emit(data)
            return
        self.fh.write(data)
        self.checkpoint()

    def checkpoint(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        state = {"format": _STATE_FORMAT, "version": 1, "records": self.records, "errors": self.errors,
                 "bytes": self.fh.tell(), "settings": self.settings}
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def finish(self) -> None:
        if self.stream is not None:
            return
        assert self.path is not None  # a path whenever there is no stream
        self.fh.close()
        os.replace(self.partial, self.path)
        self.state_path.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Leave the partial file and progress file for ``resume=True``; just close."""
        if self.stream is None and not self.fh.closed:
            self.fh.close()


# ------------------------------------------------------------------------------------------
# The entry point
# ------------------------------------------------------------------------------------------

def classify_corpus(source: Any, output: Any = None, *, model: Any = None, threshold: float | None = None,
                    n_jobs: int = 1, batch_size: int = 1000, text_field: str = "text", id_field: str = "id",
                    input_format: str = "auto", output_format: str = "auto", articles: bool | None = None,
                    include_text: bool = False, on_error: str = "record", resume: bool = False,
                    progress: bool = True, scheduler: Any = None, spans: bool = False) -> dict[str, Any]:
    """Classify a large corpus with bounded memory, writing one result per input record.

    Parameters
    ----------
    source : path, text stream or iterable
        A JSONL/CSV/TSV file, a text file or stream (one passage per line), a directory of
        ``.txt`` articles, or an iterable of str or dicts (see the module documentation).
    output : path, writable stream or None
        ``.csv`` gives CSV, anything else JSONL; ``None`` or ``"-"`` writes JSONL to standard
        output. A path is written atomically (see *Safe writing and resuming*).
    model : FrameClassifier, path or None
        A model, a model directory, or ``None`` for the default model.
    threshold : float, optional
        Overrides the model's threshold.
    n_jobs : int, default=1
        Worker processes (``-1``: one per CPU); not used with ``scheduler``.
    batch_size : int, default=1000
        Records per batch: the unit of work, of progress and of resuming.
    text_field, id_field : str
        Field (JSONL, dicts) or column (CSV) names.
    input_format : {"auto", "jsonl", "csv", "tsv", "txt"}
        ``"auto"`` goes by the file extension (streams: ``"txt"``).
    output_format : {"auto", "jsonl", "csv", "summary"}
        ``"auto"`` goes by the extension of ``output`` (streams: JSONL).
    articles : bool, optional
        Classify records as whole articles with ``framing.articles.classify_articles``; default:
        true for a directory source, false otherwise.
    include_text : bool, default=False
        Copy each text into its output record.
    on_error : {"record", "raise"}
        A malformed record gives an error record, or raises ``ValueError`` naming its line.
    resume : bool, default=False
        Continue an interrupted run into the same ``output``.
    progress : bool, default=True
        Report progress on standard error.
    scheduler : str or dask.distributed.Client, optional
        Run the batches on a Dask cluster (``"tcp://host:port"``).
    spans : bool, default=False
        Give every evidence item its ``spans`` (offsets into the record's text), and each
        labelled frame its strongest ``sentence`` and ``stance_evidence`` (see
        ``framing.classify``). JSONL output only; not for whole articles (use ``framing.analyze``).

    Returns
    -------
    dict
        ``records`` (output records, error records included), ``errors``, ``resumed_from``
        (records kept from an interrupted run), ``seconds`` and ``output``.

    Examples
    --------
    >>> import io, json
    >>> out = io.StringIO()
    >>> source = ["Bandits looted the shops.", {"id": "b", "text": "Flights resumed."}, {"id": "c"}]
    >>> summary = classify_corpus(source, out, progress=False)
    >>> [(r["id"], r.get("error", "ok")) for r in map(json.loads, out.getvalue().splitlines())]
    [(0, 'ok'), ('b', 'ok'), ('c', "missing field 'text'; the record has ['id']")]
    >>> summary["records"], summary["errors"]
    (3, 1)
    """
    started = time.perf_counter()
    if on_error not in ("record", "raise"):
        raise ValueError(f"on_error must be 'record' or 'raise'; got {on_error!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive int or -1; got {n_jobs!r}")
    fmt = _input_format(source, input_format)
    if articles is None:
        articles = fmt == "dir"
    model, model_dir = _resolve_model(model)
    model.classify([], threshold=threshold)  # validates the threshold
    out_fmt = _output_format(output, output_format)
    if spans and out_fmt != "jsonl":
        raise ValueError(f"spans are written to JSONL output only (one list of offsets per evidence item); "
                         f"got output format {out_fmt!r}")
    if spans and articles:
        raise ValueError("spans are not available for whole articles here; analyze each article with "
                         "framing.analyze(text, spans=True) (or: framing analyze FILE --spans)")
    where = str(Path(source).resolve()) if isinstance(source, (str, os.PathLike)) else type(source).__name__
    settings = {"source": where, "input_format": fmt, "output_format": out_fmt, "threshold": threshold,
                "text_field": text_field, "id_field": id_field, "articles": articles, "include_text": include_text,
                "model": _model_key(model)}  # a resumed run must match these (the batch size may change)
    if spans:
        settings["spans"] = True
    # Read the first record before writing anything: a missing file or a bad header fails here.
    items = _records(source, fmt, text_field, id_field)
    first = next(items, None)
    items = itertools.chain([first] if first is not None else [], items)
    report = _Progress(progress)
    writer = _Writer(out_fmt, [str(f) for f in model.classes_], include_text)
    sink = _Sink(output, settings, resume, writer, report)
    try:
        with _executor(model, model_dir, n_jobs, scheduler) as submit:
            skipped = 0
            while skipped < sink.skip and next(items, None) is not None:
                skipped += 1
            if skipped < sink.skip:
                raise ValueError(f"cannot resume: the input has {skipped} records but the interrupted run "
                                 f"wrote {sink.skip}; the input changed. Rerun without resume.")
            # Batches in flight: none ahead when sequential, else two per worker.
            window = 1 if n_jobs == 1 and scheduler is None else 2 * _width(n_jobs, scheduler)
            pending: deque[tuple[list[_Item], Any]] = deque()
            for batch in _batches(items, batch_size):
                if on_error == "raise":
                    bad = next((it for it in batch if it.error), None)
                    if bad is not None:
                        while pending:  # keep everything before the bad record
                            _drain_one(pending, sink, writer, report)
                        raise InputFormatError(f"{_describe(source)}, line {bad.line} (id {bad.id!r}): {bad.error}")
                pending.append((batch, submit(batch, threshold, articles, include_text, writer, spans)))
                if len(pending) >= window:
                    _drain_one(pending, sink, writer, report)
            while pending:
                _drain_one(pending, sink, writer, report)
        sink.finish()
    except BaseException:
        sink.abandon()
        raise
    report.update(sink.records, sink.errors, final=True)
    return {"records": sink.records, "errors": sink.errors, "resumed_from": sink.skip,
            "seconds": round(time.perf_counter() - started, 3),
            "output": str(sink.path) if sink.path is not None else None}


def _drain_one(pending: deque, sink: _Sink, writer: _Writer, report: _Progress) -> None:
    _, future = pending.popleft()
    data, n_records, n_errors = future.result()
    sink.write(data, n_records, n_errors)
    report.update(sink.records, sink.errors)


def _describe(source: Any) -> str:
    return str(source) if isinstance(source, (str, os.PathLike)) else "input"


def _output_format(output: Any, requested: str) -> str:
    if requested not in ("auto", "jsonl", "csv", "summary"):
        raise ValueError(f"output_format must be 'auto', 'jsonl', 'csv' or 'summary'; got {requested!r}")
    if requested != "auto":
        return requested
    if isinstance(output, (str, os.PathLike)) and Path(output).suffix.lower() == ".csv":
        return "csv"
    return "jsonl"


def _resolve_model(model: Any) -> tuple[Any, Path | None]:
    """The model object, and its directory when it was loaded from one."""
    if model is None:
        from .api import default_model, default_model_path

        return default_model(), Path(os.environ.get("FRAMING_MODEL") or default_model_path())
    if isinstance(model, (str, os.PathLike)):
        from .persist import load_model

        return load_model(model), Path(model)
    if not hasattr(model, "classify") or not hasattr(model, "codebook_"):
        raise TypeError(f"model must be a fitted FrameClassifier, a model directory or None; "
                        f"got {type(model).__name__}")
    return model, None


def _width(n_jobs: int, scheduler: Any) -> int:
    if scheduler is not None:
        return 4
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


class _executor:
    """Context manager yielding ``submit(batch, threshold, articles, include_text, writer, spans) -> future``.

    The future's result is ``(bytes, n_records, n_errors)`` for the batch.
    """

    def __init__(self, model: Any, model_dir: Path | None, n_jobs: int, scheduler: Any) -> None:
        self.model, self.model_dir, self.n_jobs, self.scheduler = model, model_dir, n_jobs, scheduler
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._client: Any = None
        self._own_client: Any = None
        self._futures: list[Any] = []

    def _ref(self, with_files: bool) -> _ModelRef:
        directory = self.model_dir
        if directory is None:  # an in-memory model: write it once, as plain data
            self._tmp = tempfile.TemporaryDirectory(prefix="framing-batch-")
            directory = self.model.save(Path(self._tmp.name) / "model")
        key = _model_dir_key(directory)
        if with_files:
            files = {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}
            return _ModelRef(key=key, files=files)
        return _ModelRef(key=key, path=str(directory))

    def __enter__(self) -> Callable[..., Any]:
        if self.scheduler is not None:
            return self._dask()
        if self.n_jobs == 1:
            model = self.model
            return lambda *args: _Done(_classify_batch(model, *args))
        from joblib.externals.loky import get_reusable_executor

        ref = self._ref(with_files=False)
        pool = get_reusable_executor(max_workers=_width(self.n_jobs, None))
        return lambda batch, *args: pool.submit(_run_batch, ref, batch, *args)

    def _dask(self) -> Callable[..., Any]:
        try:
            from distributed import Client
        except ImportError:
            raise ImportError("scheduler= needs Dask: pip install 'framing[dask]' (dask[distributed])") from None
        if isinstance(self.scheduler, str):
            self._client = self._own_client = Client(self.scheduler)
        elif isinstance(self.scheduler, Client):
            self._client = self.scheduler
        else:
            raise TypeError(f"scheduler must be an address such as 'tcp://127.0.0.1:8786' or a "
                            f"dask.distributed.Client; got {type(self.scheduler).__name__}")
        client = self._client
        ref = client.scatter(self._ref(with_files=True), broadcast=True)

        def submit(batch: list[_Item], *args: Any) -> Any:
            future = client.submit(_run_batch, ref, batch, *args, pure=False)
            self._futures.append(future)
            if len(self._futures) > 64:
                self._futures = [f for f in self._futures if not f.done()]
            return future

        self._futures.append(ref)
        return submit

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            if exc[0] is not None:
                self._client.cancel([f for f in self._futures if not f.done()])
            if self._own_client is not None:
                self._own_client.close()
        if self._tmp is not None:
            self._tmp.cleanup()
