"""Corpus-scale classification: stream records in, classify them in batches, write results safely.

``classify_corpus`` reads its input lazily and holds at most a few batches in memory, keeps input
order and ids, and writes one output record per input record.

Inputs
------
A JSONL, JSON (an array of records), CSV or TSV file (``.gz`` too), a text file or stream with
one passage per line, a folder of ``.txt`` articles, or an iterable of str or dicts; the format is
told by the extension or, for anything else and for standard input, by the content (see
:mod:`framing.inputs`). Fields other than the text and the id (outlet, date, url, ...) are
metadata and pass through into the output (``keep_fields``).

Outputs
-------
JSONL (``{"id": ..., <metadata>, "labels": [...], "frames": [...], "threshold": ..., "flags":
[...]}``, the text only with ``include_text=True``), CSV or TSV (one score and one stance column
per frame), or Parquet (the same columns; needs pyarrow), chosen by the extension of ``output``
(any other extension is refused: say ``output_format``). ``compact=True`` keeps only the labels and
their stances (``{"id", <metadata>, "labels", "stances", "flags"}``). ``None`` returns the output
records as a list when the source is a Python iterable, and writes JSONL to standard output
otherwise (``"-"`` always does). A metadata field named like an output field (``labels``,
``frames``, ...) is written as ``input_<name>``. A malformed record yields ``{"id": ..., "line": N,
"error": "..."}`` (or stops the run with ``on_error="raise"``).

Safe writing and resuming
-------------------------
Results go to ``<output>.partial``; after every batch the file is flushed to disk and
``<output>.progress.json`` records how many input records and bytes it holds. The finished file
is renamed to ``output`` in one step, so an interrupted run never leaves a truncated ``output``.
``resume=True`` cuts ``<output>.partial`` back to the last recorded batch, skips that many input
records and carries on. The output path is checked before any work (a folder, or a Parquet file
without pyarrow, is refused), and a run without ``resume`` refuses to discard the partial file of
an interrupted run unless ``force=True``. Parquet output is written atomically too but cannot be
resumed.

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
from typing import Any, Callable, Iterator

import numpy as np

from .errors import InputFormatError
from .inputs import Item as _Item
from .inputs import detect_format, meta_columns, read_records
from .results import gc_paused

__all__ = ["classify_corpus"]

_STATE_FORMAT = "framing-batch-progress"
_OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet",
                    ".pq": "parquet"}
_OUTPUT_FORMATS = ("auto", "jsonl", "csv", "tsv", "parquet", "summary")
# Output fields; metadata fields of these names are written as input_<name>.
_RESERVED = frozenset({"id", "line", "error", "text", "labels", "frames", "threshold", "flags", "stances"})


# ------------------------------------------------------------------------------------------
# Reading: framing.inputs
# ------------------------------------------------------------------------------------------

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
                    include_text: bool, compact: bool = False, spans: bool = False) -> list[dict[str, Any]]:
    if not texts:
        return []
    if articles:
        from .articles import classify_articles

        results = classify_articles(texts, model=model, threshold=threshold)
    else:
        results = model.classify(texts, threshold=threshold, spans=spans)
    assert isinstance(results, list)
    out = []
    with gc_paused(len(results)):
        for r in results:
            if compact:
                d = {"text": r.text, "labels": r.labels, "stances": r.stances, "flags": list(r.flags)}
            else:
                d = r.to_dict()
            if not include_text:
                del d["text"]
            out.append(d)
    return out


def _encode_batch(batch: list[_Item], dicts: list[dict[str, Any]], writer: "_Writer") -> tuple[bytes, int, int]:
    """The output bytes of one batch, error records in place; with the record and error counts."""
    results = iter(dicts)
    records = [{"id": it.id, **writer.meta(it.meta), **next(results)} if it.error is None
               else {"id": it.id, "line": it.line, "error": it.error} for it in batch]
    n_errors = sum(1 for it in batch if it.error is not None)
    return writer.encode(records), len(records), n_errors


def _classify_batch(model: Any, batch: list[_Item], threshold: float | None, articles: bool,
                    include_text: bool, writer: "_Writer", spans: bool = False) -> tuple[bytes, int, int]:
    """Classify the readable records of a batch and encode the whole batch's output."""
    texts = [it.text for it in batch if it.error is None]
    dicts = _classify_dicts(model, texts, threshold, articles, include_text, writer.compact, spans)
    return _encode_batch(batch, dicts, writer)


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
    """Turns output records into bytes: JSONL, CSV/TSV (one score and stance column per frame, or the
    compact columns), Parquet rows (as JSON lines the sink turns into a table), or summary lines."""

    def __init__(self, fmt: str, frames: list[str], include_text: bool, meta_columns: list[str] = (),  # type: ignore[assignment]
                 compact: bool = False) -> None:
        self.fmt, self.frames, self.include_text, self.compact = fmt, frames, include_text, compact
        self.meta_columns = [self._rename(k) for k in meta_columns]
        # json.dumps with options builds an encoder per call (~15% of encoding a record)
        self._json = json.JSONEncoder(ensure_ascii=False, default=str).encode

    @staticmethod
    def _rename(key: str) -> str:
        return f"input_{key}" if key in _RESERVED else key

    def meta(self, meta: dict[str, Any]) -> dict[str, Any]:
        """A record's metadata under its output names."""
        return {self._rename(k): v for k, v in meta.items()} if meta else meta

    def columns(self) -> list[str]:
        """The columns of CSV, TSV and Parquet output."""
        cols = ["id"] + (["text"] if self.include_text else []) + self.meta_columns
        if self.compact:
            return cols + ["labels", "stances", "flags", "error"]
        return cols + ["labels", "flags", "error"] + [c for f in self.frames for c in (f, f"{f}:stance")]

    def header(self) -> bytes:
        return self._csv([self.columns()]) if self.fmt in ("csv", "tsv") else b""

    def encode(self, records: list[dict[str, Any]]) -> bytes:
        if self.fmt == "summary":
            return "".join(self._summary(r) + "\n" for r in records).encode("utf-8", "backslashreplace")
        if self.fmt == "jsonl":
            # backslashreplace turns a lone surrogate into its JSON escape (valid JSON, valid UTF-8)
            return "".join(self._json(r) + "\n" for r in records).encode("utf-8", "backslashreplace")
        if self.fmt == "parquet":
            return "".join(self._json(self._row(r, lists=True)) + "\n" for r in records).encode("utf-8", "backslashreplace")
        cols = self.columns()
        return self._csv([[row.get(c, "") for c in cols] for row in (self._row(r, lists=False) for r in records)])

    def _row(self, r: dict[str, Any], *, lists: bool) -> dict[str, Any]:
        """One flat row (CSV, TSV, Parquet): metadata as text, labels and flags joined by ``;`` (or
        lists for Parquet), scores and stances per frame (or the compact stances)."""
        row: dict[str, Any] = {"id": str(r["id"])}
        if self.include_text:
            row["text"] = r.get("text")
        for c in self.meta_columns:
            value = r.get(c)
            row[c] = value if value is None or isinstance(value, str) else self._json(value)
        if "error" in r:
            row["error"] = r["error"]
            return row if lists else {k: ("" if v is None else v) for k, v in row.items()}
        join = (lambda xs: list(xs)) if lists else ";".join
        row["labels"], row["flags"], row["error"] = join(r["labels"]), join(r["flags"]), None if lists else ""
        if self.compact:
            row["stances"] = (join(f"{f}:{s}" if s else f for f, s in r["stances"].items()))
        else:
            by_frame = {p["frame"]: p for p in r["frames"]}
            for f in self.frames:
                score, stance = by_frame[f]["score"], by_frame[f]["stance"]
                row[f] = score if lists else f"{score:.6f}"
                row[f"{f}:stance"] = stance if lists else (stance or "")
        if not lists:
            row = {k: ("" if v is None else v) for k, v in row.items()}
        return row

    def arrow_schema(self) -> Any:
        """The Parquet schema (pyarrow)."""
        import pyarrow as pa

        fields = []
        for c in self.columns():
            if c in ("labels", "flags", "stances"):
                fields.append(pa.field(c, pa.list_(pa.string())))
            elif c in self.frames:
                fields.append(pa.field(c, pa.float64()))
            else:
                fields.append(pa.field(c, pa.string()))
        return pa.schema(fields)

    @staticmethod
    def _summary(r: dict[str, Any]) -> str:
        """One readable line: id, then each labelled frame with stance, score and top evidence."""
        if "error" in r:
            return f"{r['id']}\tERROR: {r['error']}"
        if "frames" not in r:  # compact records
            shown = " | ".join(f"{f} ({s or '-'})" for f, s in r["stances"].items()) or "no frame"
            return f"{r['id']}\t{shown}" + (f"  [{', '.join(r['flags'])}]" if r["flags"] else "")
        by_frame = {p["frame"]: p for p in r["frames"]}
        parts = []
        for f in r["labels"]:
            p = by_frame[f]
            ev = ", ".join(e["term"] for e in p["evidence"][:3])
            parts.append(f"{f} ({p['stance'] or '-'}, {p['score']:.2f}: {ev})")
        flags = f"  [{', '.join(r['flags'])}]" if r["flags"] else ""
        return f"{r['id']}\t" + (" | ".join(parts) or "no frame") + flags

    def _csv(self, rows: list[list[Any]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n", delimiter="\t" if self.fmt == "tsv" else ",").writerows(rows)
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
    """Where bytes go: a stream, a list (``collect``), or ``<output>.partial`` with a progress file,
    renamed at the end (Parquet: a table written batch by batch, without a progress file)."""

    def __init__(self, output: Any, settings: dict[str, Any], resume: bool, writer: _Writer,
                 progress: _Progress, *, collect: bool = False, force: bool = False) -> None:
        self.records = self.errors = self.skip = 0
        self.stream: Any = None
        self.path: Path | None = None
        self.fh: Any = None
        self.parquet: Any = None
        self.collected: list[bytes] | None = [] if collect else None
        self.writer = writer
        if collect:
            return
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
        if not resume and not force and self.partial.is_file():
            held = self._held()
            raise ValueError(f"{self.partial} holds {held}an interrupted run; continue it with resume=True "
                             f"(--resume){' (JSONL or CSV output only)' if writer.fmt == 'parquet' else ''}, or "
                             "start over with force=True (--force), which discards it")
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
            return
        if resume and progress.enabled:
            sys.stderr.write(f"framing: no partial run to resume for {self.path}; starting from the start\n")
        if force and self.partial.is_file() and progress.enabled:
            sys.stderr.write(f"framing: discarding {self.partial} ({self._held()}an interrupted run)\n")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if writer.fmt == "parquet":
            import pyarrow.parquet as pq

            self.state_path.unlink(missing_ok=True)
            self.parquet = pq.ParquetWriter(str(self.partial), writer.arrow_schema())
            return
        self.fh = self.partial.open("wb")
        self.fh.write(writer.header())
        self.checkpoint()

    def _held(self) -> str:
        """'N records of ' when the progress file says how many, else ''."""
        try:
            return f"{int(json.loads(self.state_path.read_text(encoding='utf-8'))['records']):,} records of "
        except (OSError, ValueError, KeyError, TypeError):
            return ""

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
        if self.collected is not None:
            self.collected.append(data)
            return
        if self.stream is not None:
            self._emit(data)
            return
        if self.parquet is not None:
            import pyarrow as pa

            rows = [json.loads(line) for line in data.decode("utf-8").splitlines()]
            self.parquet.write_table(pa.Table.from_pylist(rows, schema=self.parquet.schema))
            return
        self.fh.write(data)
        self.checkpoint()

    def results(self) -> list[dict[str, Any]]:
        """The output records of a collecting sink."""
        return [json.loads(line) for data in self.collected or [] for line in data.decode("utf-8").splitlines()]

    def checkpoint(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        state = {"format": _STATE_FORMAT, "version": 1, "records": self.records, "errors": self.errors,
                 "bytes": self.fh.tell(), "settings": self.settings}
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def finish(self) -> None:
        if self.stream is not None or self.collected is not None:
            return
        assert self.path is not None  # a path whenever there is no stream
        if self.parquet is not None:
            self.parquet.close()
        else:
            self.fh.close()
        os.replace(self.partial, self.path)
        self.state_path.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Leave the partial file and progress file for ``resume=True``; just close."""
        if self.parquet is not None:
            self.parquet.close()
        elif self.fh is not None and not self.fh.closed:
            self.fh.close()


# ------------------------------------------------------------------------------------------
# The entry point
# ------------------------------------------------------------------------------------------

def classify_corpus(source: Any, output: Any = None, *, model: Any = None, threshold: float | None = None,
                    n_jobs: int = 1, batch_size: int = 1000, text_field: str = "text", id_field: str = "id",
                    input_format: str = "auto", output_format: str = "auto", articles: bool | None = None,
                    include_text: bool = False, on_error: str = "record", resume: bool = False,
                    progress: bool = True, scheduler: Any = None, encoding: str = "utf-8",
                    delimiter: str | None = None, keep_fields: Any = "all", compact: bool = False,
                    force: bool = False, spans: bool = False) -> dict[str, Any] | list[dict[str, Any]]:
    """Classify a large corpus with bounded memory, writing one result per input record.

    Parameters
    ----------
    source : path, text stream or iterable
        A JSONL, JSON, CSV or TSV file (``.gz`` too), a text file or stream (one passage per line;
        a stream of JSON records is recognised), a directory of ``.txt`` articles, or an iterable
        of str or dicts (see :mod:`framing.inputs`).
    output : path, writable stream or None
        ``.jsonl``, ``.csv``, ``.tsv`` or ``.parquet`` (needs pyarrow); another extension needs
        ``output_format``. ``"-"`` writes JSONL to standard output; ``None`` returns the output
        records for an iterable ``source`` and writes to standard output otherwise. A path is
        checked before any work and written atomically (see *Safe writing and resuming*).
    model : FrameClassifier, path or None
        A model, a model directory, or ``None`` for the default model.
    threshold : float, optional
        Overrides the model's threshold.
    n_jobs : int, default=1
        Worker processes (``-1``: one per CPU); not used with ``scheduler``.
    batch_size : int, default=1000
        Records per batch: the unit of work, of progress and of resuming.
    text_field, id_field : str
        Field (JSON, dicts) or column (CSV) names.
    input_format : {"auto", "jsonl", "json", "csv", "tsv", "txt"}
        ``"auto"`` goes by the extension, or by the content (see :mod:`framing.inputs`).
    output_format : {"auto", "jsonl", "csv", "tsv", "parquet", "summary"}
        ``"auto"`` goes by the extension of ``output`` (streams: JSONL).
    articles : bool, optional
        Classify records as whole articles with ``framing.classify_articles``; default: true for a
        directory source, false otherwise.
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
    encoding : str, default="utf-8"
        Encoding of the input files (e.g. ``"cp1252"``).
    delimiter : str, optional
        CSV delimiter (default ``,``, tab for ``.tsv``), e.g. ``";"``.
    keep_fields : "all", list of str or None, default="all"
        Metadata (fields or columns other than the text and the id) copied into each output
        record: all of them, the named ones, or none.
    compact : bool, default=False
        Write only the labels, their stances and the flags (no scores or evidence).
    force : bool, default=False
        Start over even when ``output`` has the partial file of an interrupted run (which is
        otherwise refused, so a rerun without ``resume`` cannot silently discard it).
    spans : bool, default=False
        Give every evidence item its ``spans`` (offsets into the record's text), and each
        labelled frame its strongest ``sentence`` and ``stance_evidence`` (see
        ``framing.classify``). JSONL output only; not for whole articles (use ``framing.analyze``).

    Returns
    -------
    dict or list of dict
        ``records`` (output records, error records included), ``errors``, ``resumed_from``
        (records kept from an interrupted run), ``seconds`` and ``output``; or, with
        ``output=None`` and an iterable ``source``, the output records themselves.

    Examples
    --------
    >>> source = ["Bandits looted the shops.", {"id": "b", "text": "Flights resumed.", "outlet": "X"}, {"id": "c"}]
    >>> records = classify_corpus(source, progress=False, compact=True)
    >>> [(r["id"], r.get("outlet"), r.get("labels"), r.get("error", "ok")) for r in records]
    [(0, None, ['law_and_order'], 'ok'), ('b', 'X', [], 'ok'), ('c', None, None, "missing field 'text'; the record has ['id']")]
    >>> import io
    >>> summary = classify_corpus(source, io.StringIO(), progress=False)
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
    if not (keep_fields in ("all", None) or (isinstance(keep_fields, (list, tuple))
                                              and all(isinstance(k, str) for k in keep_fields))):
        raise TypeError(f"keep_fields must be 'all', a list of field names or None; got {keep_fields!r}")
    fmt = detect_format(source, input_format, encoding=encoding)
    collect = output is None and fmt == "iterable"
    out_fmt = _check_output(output, output_format, resume)  # before any work
    if articles is None:
        articles = fmt == "dir"
    model, model_dir = _resolve_model(model)
    model.classify([], threshold=threshold)  # validates the threshold
    if spans and not collect and out_fmt != "jsonl":
        raise ValueError(f"spans are written to JSONL output only (one list of offsets per evidence item); "
                         f"got output format {out_fmt!r}")
    if spans and articles:
        raise ValueError("spans are not available for whole articles here; analyze each article with "
                         "framing.analyze(text, spans=True) (or: framing analyze FILE --spans)")
    where = str(Path(source).resolve()) if isinstance(source, (str, os.PathLike)) else type(source).__name__
    # Read up to the first readable record before writing anything: a missing file or a bad
    # header fails here, and that record names the metadata columns of CSV and Parquet output.
    items = read_records(source, fmt, text_field=text_field, id_field=id_field, encoding=encoding,
                         delimiter=delimiter, keep_fields=keep_fields)
    head: list[_Item] = []
    for item in items:
        head.append(item)
        if item.error is None or len(head) >= batch_size:
            break
    items = itertools.chain(head, items)
    columns = meta_columns(head) if keep_fields == "all" else list(keep_fields or [])
    settings = {"source": where, "input_format": fmt, "output_format": out_fmt, "threshold": threshold,
                "text_field": text_field, "id_field": id_field, "articles": articles, "include_text": include_text,
                "model": _model_key(model), "encoding": encoding, "delimiter": delimiter, "compact": compact,
                "metadata": columns}  # a resumed run must match these (the batch size may change)
    if spans:
        settings["spans"] = True
    report = _Progress(progress)
    writer = _Writer("jsonl" if collect else out_fmt, [str(f) for f in model.classes_], include_text, columns, compact)
    sink = _Sink(output, settings, resume, writer, report, collect=collect, force=force)
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
    if collect:
        return sink.results()
    return {"records": sink.records, "errors": sink.errors, "resumed_from": sink.skip,
            "seconds": round(time.perf_counter() - started, 3),
            "output": str(sink.path) if sink.path is not None else None}


def _check_output(output: Any, requested: str, resume: bool) -> str:
    """The output format, after checking that ``output`` can be written (before any work is done)."""
    if requested not in _OUTPUT_FORMATS:
        raise ValueError(f"output_format must be one of {_OUTPUT_FORMATS}; got {requested!r}")
    if output is None or output == "-" or (hasattr(output, "write") and not isinstance(output, (str, os.PathLike))):
        fmt = "jsonl" if requested == "auto" else requested
        if fmt == "parquet":
            raise ValueError("Parquet output needs a file path")
        return fmt
    if not isinstance(output, (str, os.PathLike)):
        raise TypeError(f"output must be a file path, '-', a writable stream or None; got {type(output).__name__}")
    path = Path(output)
    if path.is_dir():
        raise ValueError(f"output {str(path)!r} is a directory; give a file name, e.g. "
                         f"{str(path / 'frames.jsonl')!r}")
    if path.parent.exists() and not path.parent.is_dir():
        raise ValueError(f"output {str(path)!r}: {str(path.parent)!r} is a file, not a directory")
    fmt = requested
    if fmt == "auto":
        fmt = _OUTPUT_SUFFIXES.get(path.suffix.lower(), "")
        if not fmt:
            raise ValueError(f"output {str(path)!r}: cannot tell the format from the extension "
                             f"{path.suffix or '(none)'!r}; use .jsonl, .csv, .tsv or .parquet, or give "
                             "output_format (--output-format)")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise ImportError('writing Parquet needs pyarrow, which framing does not install by default; install it '
                              'with: pip install "framing[parquet]" (or write .jsonl or .csv)') from None
        if resume:
            raise ValueError("resume=True works with JSONL, CSV and TSV output, not Parquet")
    return fmt


def _drain_one(pending: deque, sink: _Sink, writer: _Writer, report: _Progress) -> None:
    _, future = pending.popleft()
    data, n_records, n_errors = future.result()
    sink.write(data, n_records, n_errors)
    report.update(sink.records, sink.errors)


def _describe(source: Any) -> str:
    return str(source) if isinstance(source, (str, os.PathLike)) else "input"


def _resolve_model(model: Any) -> tuple[Any, Path | None]:
    """The model object (``framing.api.resolve_model``), and its directory when it was loaded from one."""
    from .api import default_model_path, resolve_model

    resolved = resolve_model(model)
    if model is None:
        return resolved, Path(os.environ.get("FRAMING_MODEL") or default_model_path())
    return resolved, Path(model) if isinstance(model, (str, os.PathLike)) else None


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
        # joblib's executor, not loky's own: both are one reusable pool per process, and a plain
        # loky pool left behind made every later joblib.Parallel (scikit-learn's n_jobs, framing's
        # fit) fail with "'_ReusablePoolExecutor' object has no attribute '_temp_folder_manager'".
        from joblib.executor import get_memmapping_executor

        ref = self._ref(with_files=False)
        pool = get_memmapping_executor(_width(self.n_jobs, None))
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
