"""Records to classify, read from files, folders, streams or Python iterables (for ``classify_corpus``,
``framing classify``, ``framing analyze`` and ``framing suggest``).

Formats
-------
``jsonl``
    One JSON object per line with a text field (and an id field); blank lines are not records.
``json``
    A JSON array of records (objects with a text field, or strings), or one such object; read
    whole, so prefer JSON Lines for large corpora. A record's "line" is its position in the array.
``csv`` / ``tsv``
    A header row naming the text column (and an id column); ``delimiter`` overrides ``,`` / tab.
``txt``
    One passage per line: every line is a record, an empty line gives an empty result.
``dir``
    Every file ending in ``.txt`` (in any case: ``.TXT`` too) below a folder, sorted by relative
    path, is one article; its id is the relative path. A folder without one is an error that
    names the kinds of files it holds.

``"auto"`` goes by the extension for ``.jsonl``/``.ndjson``, ``.csv`` and ``.tsv`` (after a
``.gz``, which is read compressed), and otherwise by the content: text that starts with a JSON
array of records is ``json``, a first line that is a JSON object means ``jsonl``, anything else is
``txt``. The same goes for a stream such as standard input, so ``cat news.jsonl | framing classify``
reads records, not JSON text.

A record without an id gets its line number (files and streams) or its index (iterables). The
fields of a JSON record or the columns of a CSV row other than the text and the id are its
metadata (``keep_fields="all"``), copied into the output. When the first JSON record has no text
field, reading stops at once, as it does for a CSV header without the text column.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .errors import InputFormatError

__all__ = ["Item", "FORMATS", "detect_format", "read_records", "meta_columns"]

FORMATS = ("auto", "jsonl", "json", "csv", "tsv", "txt")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_ARRAY_START = re.compile(r"\[\s*(\{|\"|\]|$)")  # an array of objects or strings, not "[Reuters] ..."
_HEAD_BYTES = 1 << 16


@dataclass
class Item:
    """One input record: its position, id, and text or the reason it cannot be read; its metadata."""

    line: int
    id: Any
    text: str | None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _suffix(path: Path) -> str:
    """The suffix that names the format, under a ``.gz``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return Path(name).suffix


def _open(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")  # type: ignore[return-value]


def _sniff(head: str) -> str:
    """``json``, ``jsonl`` or ``txt`` from the start of a text."""
    text = head.lstrip("\ufeff \t\r\n")
    if _ARRAY_START.match(text):
        return "json"
    if text.startswith("{"):
        first = text.split("\n", 1)[0]
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "txt"
        except ValueError:
            return "json"  # a pretty-printed object
    return "txt"


def detect_format(source: Any, requested: str = "auto", *, encoding: str = "utf-8") -> str:
    """The format to read ``source`` in: ``requested``, or what the extension or the content says.

    Returns one of ``jsonl``, ``json``, ``csv``, ``tsv``, ``txt``, ``dir``, ``iterable``, or
    ``stream`` (a stream in ``"auto"``: sniffed while it is read).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "news.txt"
    >>> _ = p.write_text('{"id": 1, "text": "Police fired."}\\n')
    >>> detect_format(p), detect_format(["a passage"])
    ('jsonl', 'iterable')
    >>> _ = p.write_text("[Reuters] Police fired on the crowd.\\n")
    >>> detect_format(p)
    'txt'
    """
    if requested not in FORMATS:
        raise ValueError(f"input_format must be one of {FORMATS}; got {requested!r}")
    if not isinstance(source, (str, os.PathLike)):
        if hasattr(source, "readline"):
            return "stream" if requested == "auto" else requested
        return "iterable"
    path = Path(source)
    if path.is_dir():
        return "dir"
    if requested != "auto":
        return requested
    suffix = _suffix(path)
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    if not path.is_file():
        return "txt"  # reading says the file is missing
    with _open(path) as fh:
        head = fh.read(_HEAD_BYTES)
    return _sniff(head.decode(encoding, errors="replace"))


def read_records(source: Any, fmt: str, *, text_field: str = "text", id_field: str = "id", encoding: str = "utf-8",
                 delimiter: str | None = None, keep_fields: Any = "all") -> Iterator[Item]:
    """The records of ``source`` in format ``fmt`` (from :func:`detect_format`), lazily.

    Parameters
    ----------
    source : path, stream or iterable
    fmt : str
    text_field, id_field : str
        JSON field or CSV column of the text and of the id.
    encoding : str, default="utf-8"
        Of files and byte streams (a UTF-8 byte-order mark is skipped).
    delimiter : str, optional
        CSV delimiter (default ``,``; tab for ``tsv``).
    keep_fields : "all", list of str or None
        Metadata to keep: every other field, the named ones, or none.

    Examples
    --------
    >>> [(it.id, it.text, it.meta) for it in read_records(
    ...     [{"id": "a", "text": "Police fired.", "outlet": "X"}, "Prices rose."], "iterable")]
    [('a', 'Police fired.', {'outlet': 'X'}), (1, 'Prices rose.', {})]
    """
    opts = _Options(text_field, id_field, encoding, keep_fields)
    if fmt == "iterable":
        if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
            raise TypeError(f"source must be a path, a text stream or an iterable of str/dict; "
                            f"got {type(source).__name__}")
        yield from _read_iterable(source, opts)
        return
    if not isinstance(source, (str, os.PathLike)):  # a stream
        if fmt in ("csv", "tsv", "dir"):
            raise ValueError(f"a stream can be read as 'txt', 'jsonl' or 'json', not {fmt!r}; give a file path for CSV")
        yield from _read_stream(source, fmt, opts)
        return
    path = Path(source)
    if fmt == "dir":
        yield from _read_dir(path, opts)
        return
    if not path.is_file():
        what = "a directory" if path.is_dir() else "not found"
        raise FileNotFoundError(f"input file {what}: {str(path)!r}")
    if fmt in ("csv", "tsv"):
        yield from _read_csv(path, delimiter or ("," if fmt == "csv" else "\t"), opts)
        return
    with _open(path) as fh:
        if fmt == "json":
            yield from _read_json(fh.read(), str(path), opts)
        else:
            yield from _read_lines(fh, fmt, opts, str(path))


@dataclass
class _Options:
    text_field: str
    id_field: str
    encoding: str
    keep_fields: Any
    checked: bool = False  # whether the first JSON record's text field was checked

    def decode(self, raw: bytes) -> tuple[str | None, str | None]:
        codec = "utf-8-sig" if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else self.encoding
        try:
            return raw.decode(codec), None
        except UnicodeDecodeError as exc:
            hint = "; give the file's encoding with encoding= (--encoding), e.g. cp1252" if codec == "utf-8-sig" else ""
            name = "UTF-8" if codec == "utf-8-sig" else self.encoding
            return None, f"not valid {name} ({exc.reason} at byte {exc.start}){hint}"

    def meta(self, record: dict[str, Any]) -> dict[str, Any]:
        keep = self.keep_fields
        if not keep:
            return {}
        if keep == "all":
            return {k: v for k, v in record.items() if k != self.text_field and k != self.id_field}
        return {k: record.get(k) for k in keep if k != self.text_field and k != self.id_field}

    def item(self, record: Any, n: int, default_id: Any, where: str) -> Item:
        if not isinstance(record, dict):
            return Item(n, default_id, None, f"expected a JSON object with a {self.text_field!r} field, "
                                             f"got {type(record).__name__}")
        if not self.checked:
            self.checked = True
            if self.text_field not in record:
                raise InputFormatError(f"{where}: the first record has no {self.text_field!r} field (it has "
                                       f"{sorted(record)[:10]}); name the field that holds the text with "
                                       "text_field= (--text-field)")
        rid = record.get(self.id_field, default_id)
        if self.text_field not in record:
            return Item(n, rid, None, f"missing field {self.text_field!r}; the record has {sorted(record)[:10]}")
        text = record[self.text_field]
        if not isinstance(text, str):
            shown = repr(text) if len(repr(text)) <= 40 else repr(text)[:37] + "..."
            return Item(n, rid, None, f"{self.text_field!r} must be a string, got {type(text).__name__} ({shown})")
        return Item(n, rid, text, meta=self.meta(record))


def _read_lines(lines: Iterable[bytes | str], fmt: str, opts: _Options, where: str) -> Iterator[Item]:
    for n, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            decoded, error = opts.decode(raw)
            if decoded is None:
                yield Item(n, n, None, error)
                continue
            raw = decoded
        line = raw.rstrip("\r\n")
        if n == 1:
            line = line.lstrip("\ufeff")
        if fmt == "txt":
            yield Item(n, n, line)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield Item(n, n, None, f"not valid JSON ({exc})")
            continue
        yield opts.item(record, n, n, f"{where}, line {n}")


def _read_json(data: bytes | str, where: str, opts: _Options) -> Iterator[Item]:
    if isinstance(data, bytes):
        text, error = opts.decode(data)
        if text is None:
            raise InputFormatError(f"{where}: {error}")
    else:
        text = data.lstrip("\ufeff")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InputFormatError(f"{where}: not valid JSON ({exc}); expected an array of records, or one record "
                               "per line (JSON Lines)") from None
    if isinstance(value, dict):
        if opts.text_field not in value:
            raise InputFormatError(f"{where}: a JSON object without a {opts.text_field!r} field (it has "
                                   f"{sorted(value)[:10]}); expected an array of records, or one record")
        value = [value]
    if not isinstance(value, list):
        raise InputFormatError(f"{where}: expected a JSON array of records; got {type(value).__name__}")
    for i, record in enumerate(value):
        if isinstance(record, str):
            yield Item(i + 1, i + 1, record)
        else:
            yield opts.item(record, i + 1, i + 1, f"{where}, record {i + 1}")


def _read_stream(stream: Any, fmt: str, opts: _Options) -> Iterator[Item]:
    lines: Iterator[Any] = iter(stream.readline, b"" if _is_binary(stream) else "")
    if fmt == "stream":
        head: list[Any] = []
        for line in lines:  # up to the first line with text
            head.append(line)
            if line.strip():
                break
        first = head[-1] if head else ""
        fmt = _sniff(first.decode(opts.encoding, errors="replace") if isinstance(first, bytes) else first)
        lines = itertools.chain(head, lines)
    if fmt == "json":
        data = b"".join(lines) if _is_binary(stream) else "".join(lines)
        yield from _read_json(data, "input", opts)
        return
    yield from _read_lines(lines, fmt, opts, "input")


def _is_binary(stream: Any) -> bool:
    return isinstance(stream, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(stream, "mode", "")


def _read_csv(path: Path, delimiter: str, opts: _Options) -> Iterator[Item]:
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # articles can exceed the default 128 KiB per field
    codec = "utf-8-sig" if opts.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else opts.encoding
    binary = _open(path)
    try:
        with io.TextIOWrapper(binary, encoding=codec, errors="surrogateescape", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            if header is None or opts.text_field not in header:
                hint = ""
                if header:
                    seps = [s for s in (";", "\t", "|", ",") if s != delimiter and s in header[0]]
                    if seps:
                        hint = f"; the header looks {seps[0]!r}-separated: pass delimiter={seps[0]!r} (--delimiter)"
                raise ValueError(f"{path}: expected a header row with a {opts.text_field!r} column; "
                                 f"got {header if header is not None else 'an empty file'}{hint}")
            col_text = header.index(opts.text_field)
            col_id = header.index(opts.id_field) if opts.id_field in header else None
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    if reader.line_num < start:  # the reader cannot move on
                        raise InputFormatError(f"{path}, line {start}: unreadable CSV ({exc})") from None
                    yield Item(start, start, None, f"unreadable CSV ({exc})")
                    continue
                if not row:
                    continue
                rid = row[col_id] if col_id is not None and col_id < len(row) else start
                if len(row) != len(header):
                    yield Item(start, rid, None, f"expected {len(header)} fields, got {len(row)}")
                elif any("\udc80" <= ch <= "\udcff" for cell in row for ch in cell if ch >= "\udc80"):
                    name = "UTF-8" if codec == "utf-8-sig" else opts.encoding
                    yield Item(start, rid, None, f"not valid {name}" + (
                        "; give the file's encoding with encoding= (--encoding), e.g. cp1252" if name == "UTF-8" else ""))
                else:
                    yield Item(start, rid, row[col_text], meta=opts.meta(dict(zip(header, row))))
    finally:
        csv.field_size_limit(old_limit)
        binary.close()


def _read_dir(root: Path, opts: _Options) -> Iterator[Item]:
    files = sorted((p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".txt"),
                   key=lambda p: p.relative_to(root).as_posix())
    if not files:
        found = Counter(p.suffix.lower() or "(no extension)" for p in root.rglob("*") if p.is_file())
        shown = ", ".join(f"{n} {s}" for s, n in found.most_common(6)) or "no files"
        raise InputFormatError(f"{root}: no .txt files in this folder (found: {shown}); framing reads every .txt "
                               "file below a folder as one article. Convert or rename the articles to .txt, or "
                               "give one file")
    for n, path in enumerate(files, 1):
        rid = path.relative_to(root).as_posix()
        text, error = opts.decode(path.read_bytes())
        yield Item(n, rid, text, error)


def _read_iterable(items: Iterable[Any], opts: _Options) -> Iterator[Item]:
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield Item(i + 1, i, item)
        elif isinstance(item, dict):
            yield opts.item(item, i + 1, i, f"item {i}")
        else:
            yield Item(i + 1, i, None, f"expected a str or a dict with a {opts.text_field!r} field, "
                                       f"got {type(item).__name__}")


def meta_columns(items: Sequence[Item]) -> list[str]:
    """Metadata names of the given records, in order of appearance (``classify_corpus`` gives the
    records up to the first readable one: its fields are the metadata columns of CSV and Parquet).

    Examples
    --------
    >>> meta_columns([Item(1, 1, "a", meta={"outlet": "X"}), Item(2, 2, "b", meta={"date": "2022", "outlet": "Y"})])
    ['outlet', 'date']
    """
    return list(dict.fromkeys(k for it in items for k in it.meta))
