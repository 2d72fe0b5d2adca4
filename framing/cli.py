"""The ``framing`` command line.

Commands::

    framing classify [INPUT] [-o OUT]       passages -> one JSONL/CSV record each
    framing analyze [ARTICLE]               one article -> JSON document profile (or --output-format html)
    framing train DATA -o MODEL_DIR         labelled JSONL/CSV/SemEval data -> model directory
    framing evaluate DATA [--model DIR]     labelled data -> per-frame report (or --json)
    framing suggest POOL [--model DIR]      unlabelled passages -> the n most worth labelling (JSONL, or
                                            Label Studio tasks / CSV to label)
    framing info [--model DIR]              what a model is: codebook, versions, training, metrics

``INPUT`` is a file (``.jsonl``, ``.json``, ``.csv``/``.tsv``, also ``.gz``; anything else is read
as JSON records if it holds them, else one passage per line), a directory of ``.txt`` articles, or
``-``/nothing for standard input (told apart the same way; see :mod:`framing.inputs`). Other
fields of a record pass through into the output. Results go to standard output or ``-o``
(``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``; checked before any work); progress and messages go
to standard error.

Exit codes
----------
0
    Success.
1
    The run finished but some input records could not be read; each has an error record
    (``{"id", "line", "error"}``) in the output.
2
    Usage or input error: a bad option, a missing or unreadable file, a folder without ``.txt``
    files, an output path that cannot be written, a partial run that ``--resume`` or ``--force``
    should decide about, a bad model directory, invalid labels. Nothing (or, for ``classify -o``,
    only a resumable ``.partial`` file) was written.
130
    Interrupted (Ctrl-C); ``classify -o OUT --resume`` continues an interrupted run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence, cast

__all__ = ["main"]

EXIT_OK, EXIT_RECORD_ERRORS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_FORMATS = ("auto", "jsonl", "csv", "semeval2023", "semeval2025")


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------

def _load(model_dir: str | None) -> Any:
    if model_dir is None:
        from .api import default_model

        return default_model()
    from .persist import load_model

    return load_model(model_dir)


def _out(text: str, path: str | None = None) -> None:
    """Write text to ``path`` or standard output (lone surrogates escaped, never an exception)."""
    data = text.encode("utf-8", "backslashreplace")
    if path and path != "-":
        Path(path).write_bytes(data)
        return
    if hasattr(sys.stdout, "buffer"):
        sys.stdout.buffer.write(data)
    else:  # a text stream without bytes underneath (e.g. redirected in tests)
        sys.stdout.write(data.decode("utf-8"))
    sys.stdout.flush()


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{path} is a directory; analyze reads one article (a text file). To classify every "
                         f".txt file in it as an article: framing classify {path}")
    if not p.is_file():
        raise FileNotFoundError(f"file not found: {path!r}")
    if p.name.lower().endswith(".gz"):
        import gzip

        return gzip.decompress(p.read_bytes())
    return p.read_bytes()


def _decode_text(data: bytes, path: str, encoding: str) -> str:
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    try:
        return data.decode("utf-8-sig" if utf8 else encoding)
    except UnicodeDecodeError as exc:
        hint = "; give the file's encoding with --encoding, e.g. --encoding cp1252" if utf8 else ""
        raise ValueError(f"{path}: not valid {'UTF-8' if utf8 else encoding} ({exc.reason} at byte {exc.start})"
                         f"{hint}") from None


def _data_format(path: str, requested: str) -> str:
    if requested != "auto":
        return requested
    p = Path(path)
    if p.is_dir():
        if (p / "subtask-2-annotations.txt").is_file():
            return "semeval2025"
        if any(p.glob("*/*-labels-subtask-2.txt")):
            return "semeval2023"
        raise ValueError(f"{path}: a directory, but neither a SemEval-2025 language folder (with "
                         "subtask-2-annotations.txt) nor a SemEval-2023 root (<lang>/train-labels-subtask-2.txt); "
                         "use --format")
    suffix = Path(p.name[:-3] if p.name.lower().endswith(".gz") else p.name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"  # read_jsonl reads JSON Lines and JSON arrays
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise ValueError(f"{path}: cannot tell the format from the extension {suffix!r}; use --format jsonl|csv")


def _read_labelled(args: argparse.Namespace) -> tuple[Any, bool, str]:
    """The labelled data of ``args.data``, whether its records are whole articles, and its format."""
    from . import readers

    fmt = _data_format(args.data, args.format)
    if fmt == "semeval2023":
        return readers.read_semeval2023(args.data, lang=args.lang, split=args.split), True, fmt
    if fmt == "semeval2025":
        return readers.read_semeval2025(args.data, level=args.level), True, fmt
    if fmt == "jsonl":
        data = readers.read_jsonl(args.data, text_field=args.text_field, labels_field=args.labels_field,
                                  id_field=args.id_field, group_field=args.group_field, encoding=args.encoding)
    else:
        tsv = args.data.lower().endswith((".tsv", ".tsv.gz"))
        data = readers.read_csv(args.data, text_field=args.text_field, labels_field=args.labels_field,
                                id_field=args.id_field, group_field=args.group_field, encoding=args.encoding,
                                delimiter=args.delimiter or ("\t" if tsv else ","))
    return data, bool(args.articles), fmt


def _say(message: str, quiet: bool = False) -> None:
    if not quiet:
        print(f"framing: {message}", file=sys.stderr)


# ------------------------------------------------------------------------------------------
# Commands
# ------------------------------------------------------------------------------------------

def _keep_fields(value: str) -> Any:
    """``--keep-fields``: 'all', 'none', or names separated by commas."""
    if value == "all":
        return "all"
    if value == "none":
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _cmd_classify(args: argparse.Namespace) -> int:
    from .batch import classify_corpus

    source: Any = args.input
    if args.input == "-":
        source = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
    summary = classify_corpus(
        source, args.output, model=args.model, threshold=args.threshold,
        n_jobs=args.n_jobs, batch_size=args.batch_size, text_field=args.text_field, id_field=args.id_field,
        input_format=args.input_format, output_format=args.output_format, articles=True if args.articles else None,
        include_text=args.include_text, on_error=args.on_error, resume=args.resume, progress=not args.quiet,
        scheduler=args.scheduler, encoding=args.encoding, delimiter=args.delimiter,
        keep_fields=_keep_fields(args.keep_fields), compact=args.compact, force=args.force,
        spans=args.spans,
    )
    if summary["errors"]:
        _say(f"{summary['errors']} of {summary['records']} records could not be read (see the error records)")
        return EXIT_RECORD_ERRORS
    return EXIT_OK


def _cmd_analyze(args: argparse.Namespace) -> int:
    """One article (plain text) gives one JSON profile; a file of records (JSONL, JSON, CSV) gives one
    JSON line per record, with its id and metadata."""
    import io

    from .inputs import _sniff, detect_format, read_records

    if args.output and Path(args.output).is_dir():
        raise ValueError(f"output {args.output!r} is a directory; give a file name")
    model = _load(args.model)
    if args.input == "-":
        data = _read_bytes("-")
        fmt = args.input_format if args.input_format != "auto" else _sniff(data[:1 << 16].decode(args.encoding, "replace"))
        source: Any = io.BytesIO(data)
    else:
        if not Path(args.input).is_file():
            _read_bytes(args.input)  # raises the error that says what is wrong with the path
        fmt = detect_format(args.input, args.input_format, encoding=args.encoding)
        source = args.input
    html = args.output_format == "html" or (args.output_format == "auto" and str(args.output or "").endswith(".html"))
    settings = {"threshold": args.threshold, "max_words": args.max_words, "window": args.window,
                "spans": args.spans or html}
    if fmt == "txt":
        text = _decode_text(data if args.input == "-" else _read_bytes(args.input), args.input, args.encoding)
        doc = model.analyze(text, **settings)
        if html:
            from .render import page

            _out(page(doc, title=Path(args.input).name if args.input != "-" else "framing"), args.output)
        else:
            _out(json.dumps(doc.to_dict(), ensure_ascii=False, indent=args.indent) + "\n", args.output)
        return EXIT_OK
    if html:
        raise ValueError("HTML output is for one article (plain text); a file of records gives JSON lines")
    lines, errors = [], 0
    for item in read_records(source, fmt, text_field=args.text_field, id_field=args.id_field, encoding=args.encoding,
                             delimiter=args.delimiter):
        if item.error is not None:
            errors += 1
            lines.append({"id": item.id, "line": item.line, "error": item.error})
            continue
        doc = model.analyze(item.text, **settings).to_dict()
        meta = {(f"input_{k}" if k in doc or k in ("id", "line", "error") else k): v for k, v in item.meta.items()}
        lines.append({"id": item.id, **meta, **doc})
    _out("".join(json.dumps(line, ensure_ascii=False, default=str) + "\n" for line in lines), args.output)
    _say(f"{len(lines)} {fmt.upper()} records analysed, one JSON line each", args.quiet)
    if errors:
        _say(f"{errors} of {len(lines)} records could not be read (see the error records)")
        return EXIT_RECORD_ERRORS
    return EXIT_OK


def _cmd_train(args: argparse.Namespace) -> int:
    import time

    from .articles import train_articles
    from .readers import codebook_from_labels
    from .training import train

    started = time.perf_counter()
    data, articles, fmt = _read_labelled(args)
    spec = args.codebook or ("from-labels" if fmt.startswith("semeval") else "default")
    if spec == "from-labels":
        codebook: Any = codebook_from_labels(data, min_count=args.min_examples)
        dropped = sorted(set(data.frame_counts()) - set(codebook.frame_ids))
        if dropped:
            _say(f"left out {len(dropped)} frame(s) with fewer than {args.min_examples} examples: "
                 f"{', '.join(dropped)}")  # said even with --quiet: the data changed
            data = data.restrict(codebook.frame_ids)
    else:
        codebook = None if spec == "default" else spec
    params: dict[str, Any] = {"random_state": args.seed}
    for name in ("threshold", "C", "latent_dims", "n_jobs"):
        if getattr(args, name) is not None:
            params[name] = getattr(args, name)
    fit = train_articles if articles else train
    if articles and args.include_default_corpus:
        raise ValueError("--include-default-corpus adds labelled passages; it cannot be combined with "
                         "article training (SemEval data or --articles)")
    if not articles:
        params["include_default_corpus"] = args.include_default_corpus
    _say(f"training on {len(data)} {'articles' if articles else 'passages'} from {args.data}", args.quiet)
    model = fit(data.texts, data.labels, codebook=codebook, ids=data.ids, groups=data.groups, verbose=not args.quiet,
                **params)
    path = model.save(args.output)
    _say(f"{len(model.classes_)} frames, {time.perf_counter() - started:.1f} s; model saved to {path}", args.quiet)
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .articles import ArticleView
    from .training import evaluate

    model = _load(args.model)
    data, articles, _ = _read_labelled(args)
    scored = cast(Any, ArticleView(model)) if articles else model
    # With a group field (the document of each passage), the report adds 95% intervals.
    report = evaluate(data.texts, data.labels, model=scored, threshold=args.threshold, groups=data.groups)
    if args.json:
        _out(json.dumps(report.to_dict(), indent=2, default=float) + "\n")
    else:
        _out(str(report) + "\n")
    return EXIT_OK


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .active import suggest
    from .inputs import detect_format, read_records

    fmt = detect_format(args.input, args.input_format, encoding=args.encoding)
    items = list(read_records(args.input, fmt, text_field=args.text_field, id_field=args.id_field,
                              encoding=args.encoding, delimiter=args.delimiter))
    bad = next((it for it in items if it.error), None)
    if bad is not None:
        raise ValueError(f"{args.input}, line {bad.line}: {bad.error}")
    texts = [it.text for it in items if it.text is not None]  # all of them: no record has an error
    model = _load(args.model)
    picks = suggest(model, texts, n=args.n, strategy=args.strategy, threshold=args.threshold)
    if args.output_format in ("label-studio", "csv"):
        from .labelling import export_tasks

        if not args.output:
            raise ValueError(f"--output-format {args.output_format} writes a file; give it with -o")
        export_tasks(picks, args.output, format=args.output_format, model=model, ids=[items[s.index].id for s in picks])
        return EXIT_OK
    lines = [json.dumps({"id": items[s.index].id, **s.to_dict()}, ensure_ascii=False) for s in picks]
    _out("".join(line + "\n" for line in lines), args.output)
    return EXIT_OK


def _cmd_info(args: argparse.Namespace) -> int:
    from .api import default_model_path
    from .persist import threshold_text

    model = _load(args.model)  # validates the directory
    directory = Path(args.model or os.environ.get("FRAMING_MODEL") or default_model_path())
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    cb = model.codebook_
    info = {
        "model": str(directory),
        "format": f"{manifest['format']} v{manifest['format_version']}",
        "codebook": {"name": cb.name, "version": cb.version, "sha256": cb.sha256(), "frames": list(cb.frame_ids),
                     "stances": list(model.stances_)},
        "vocabulary_size": manifest.get("vocabulary_size"),
        "n_features": manifest.get("n_features"),
        "decision_threshold": model.decision_threshold_,
        "params": manifest.get("params", {}),
        "library_versions": manifest.get("library_versions", {}),
        "training": manifest.get("training", {}),
        "metrics": manifest.get("metrics", {}),
    }
    if args.json:
        _out(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    lines = [f"model:      {info['model']}", f"format:     {info['format']}",
             f"codebook:   {cb.name} v{cb.version} ({len(cb)} frames; sha256 {cb.sha256()[:12]})"]
    lines += [f"  - {f.id}: {f.name}" for f in cb.frames]
    lines.append(f"stances:    {', '.join(model.stances_) or 'none'}")
    lines.append(f"vocabulary: {info['vocabulary_size']} terms, {info['n_features']} frame features")
    lines.append(f"threshold:  {threshold_text(model.threshold, model.decision_threshold_)}")
    lines.append("versions:   " + ", ".join(f"{k} {v}" for k, v in sorted(info["library_versions"].items())))
    scalars = {k: v for k, v in info["training"].items() if isinstance(v, (str, int, float, bool))}
    if scalars:
        lines.append("training:   " + ", ".join(f"{k} {v}" for k, v in sorted(scalars.items())))
    for name, value in sorted(info["metrics"].items()):
        if isinstance(value, dict) and "micro_f1" in value:
            shown = ", ".join(f"{k} {value[k]}" for k in ("micro_f1", "macro_f1", "stance_accuracy", "n_passages")
                              if value.get(k) is not None)
            lines.append(f"metrics:    {name}: {shown}")
    lines.append("(--json shows everything)")
    _out("\n".join(lines) + "\n")
    return EXIT_OK


# ------------------------------------------------------------------------------------------
# The parser
# ------------------------------------------------------------------------------------------

def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}")
    return number


def _threshold_or_auto(value: str) -> float | str:
    return "auto" if value == "auto" else _threshold(value)


def _estimator_defaults() -> dict[str, Any]:
    """``FrameClassifier``'s own defaults, so the help of ``framing train`` cannot drift from them.

    Examples
    --------
    >>> _estimator_defaults()["threshold"]
    'auto'
    """
    from .model import FrameClassifier

    return FrameClassifier().get_params()


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _jobs(value: str) -> int:
    if value == "-1":
        return -1
    return _positive(value)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``framing`` command (documented in the module docstring).

    Examples
    --------
    >>> build_parser().parse_args(["classify", "in.jsonl", "-o", "out.csv"]).output
    'out.csv'
    """
    parser = argparse.ArgumentParser(
        prog="framing", description="Which narrative frames news passages carry, and their stance toward each.",
        epilog="Exit codes: 0 ok; 1 some input records had errors (the run finished); 2 usage or input error; "
               "130 interrupted.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def model_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model, or $FRAMING_MODEL)")
        p.add_argument("--threshold", type=_threshold, help="decision threshold in [0, 1] (default: the model's)")

    def fields(p: argparse.ArgumentParser, labels: bool = False) -> None:
        p.add_argument("--text-field", default="text", help="JSON field / CSV column of the text (default: text)")
        p.add_argument("--id-field", default="id", help="JSON field / CSV column of the id (default: id)")
        p.add_argument("--encoding", default="utf-8", help="encoding of the input files, e.g. cp1252 (default: utf-8)")
        p.add_argument("--delimiter", help="CSV delimiter, e.g. ';' (default: ',' or a tab for .tsv)")
        if labels:
            p.add_argument("--labels-field", default="frames", help="field / column of the labels (default: frames)")
            p.add_argument("--group-field", help="field / column of each record's group (event, outlet)")

    p = sub.add_parser("classify", help="classify passages: files or stdin in, JSONL, CSV or Parquet out",
                       description="Classify passages. INPUT: .jsonl, .json (an array of records), .csv/.tsv (also "
                                   ".gz), a directory of .txt articles, or any other file / stdin: JSON records if "
                                   "it holds them, else one passage per line. Other fields of a record (outlet, "
                                   "date, url, ...) are copied into the output.")
    p.add_argument("input", nargs="?", default="-", help="input file or directory; '-' or nothing: stdin")
    p.add_argument("-o", "--output", help="output file (.jsonl, .csv, .tsv or .parquet), checked before any work "
                                          "and written atomically; default: stdout")
    model_opt(p)
    fields(p)
    p.add_argument("--n-jobs", type=_jobs, default=1, help="worker processes (-1: one per CPU; default 1)")
    p.add_argument("--batch-size", type=_positive, default=1000, help="records per batch (default 1000)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run into the same -o file")
    p.add_argument("--force", action="store_true", help="start over, discarding the partial file of an interrupted "
                                                        "run into the same -o file (refused without it)")
    p.add_argument("--on-error", choices=("record", "raise"), default="record",
                   help="malformed record: write an error record (default) or stop with exit code 2")
    p.add_argument("--input-format", choices=("auto", "jsonl", "json", "csv", "tsv", "txt"), default="auto",
                   help="default: by the extension, else by the content")
    p.add_argument("--output-format", choices=("auto", "jsonl", "csv", "tsv", "parquet", "summary"), default="auto",
                   help="default: by the extension of -o; summary: one readable line per passage (frame, stance, "
                        "score, evidence)")
    p.add_argument("--compact", action="store_true", help="write only the labels, their stances and the flags")
    p.add_argument("--keep-fields", default="all", metavar="FIELDS",
                   help="input fields copied into the output: 'all' (default), 'none', or names separated by commas")
    p.add_argument("--articles", action="store_true", help="records are whole articles (default for directories)")
    p.add_argument("--include-text", action="store_true", help="copy each text into its output record")
    p.add_argument("--spans", action="store_true",
                   help="give each evidence item its [start, end] offsets in the text, and each labelled frame its "
                        "strongest sentence and stance evidence (JSONL output; slower)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser("analyze", help="profile one article: passages, frames, stances (JSON)",
                       description="Profile an article: a plain-text file (or stdin) gives one JSON document; a "
                                   "file of records (.jsonl, .json, .csv/.tsv, or JSON records on stdin) gives one "
                                   "JSON line per record.")
    p.add_argument("input", nargs="?", default="-", help="article file; '-' or nothing: stdin")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    model_opt(p)
    fields(p)
    p.add_argument("--input-format", choices=("auto", "jsonl", "json", "csv", "tsv", "txt"), default="auto",
                   help="default: by the extension, else by the content")
    p.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr")
    p.add_argument("--max-words", type=_positive, default=150, help="longest passage before a paragraph is cut")
    p.add_argument("--window", type=_positive, default=4, help="sentences per window of a long paragraph")
    p.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2)")
    p.add_argument("--spans", action="store_true",
                   help="give each evidence item its [start, end] offsets in the article, and each labelled frame "
                        "its strongest sentence and stance evidence")
    p.add_argument("--output-format", choices=("auto", "json", "html"), default="auto",
                   help="json, or html: the article with its evidence highlighted (implies --spans); "
                        "auto: html when -o ends in .html")
    p.set_defaults(func=_cmd_analyze)

    def labelled(p: argparse.ArgumentParser) -> None:
        p.add_argument("data", help="labelled .jsonl/.csv file, or a SemEval folder")
        p.add_argument("--format", choices=_FORMATS, default="auto", help="data format (default: by extension/layout)")
        p.add_argument("--lang", default="en", help="SemEval-2023 language folder (default en)")
        p.add_argument("--split", default="train", choices=("train", "dev", "test"), help="SemEval-2023 split")
        p.add_argument("--level", default="narrative", choices=("narrative", "subnarrative"),
                       help="SemEval-2025 label level (default narrative)")
        p.add_argument("--articles", action="store_true",
                       help="records are whole articles (always so for SemEval data)")
        fields(p, labels=True)

    p = sub.add_parser("train", help="train a model on labelled data and save it")
    labelled(p)
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR", help="directory to write the model to")
    p.add_argument("--codebook", metavar="SPEC",
                   help="'default', 'from-labels' (the frames in the data) or a codebook .toml/.json file "
                        "(default: from-labels for SemEval data, else default)")
    p.add_argument("--min-examples", type=_positive, default=2,
                   help="with --codebook from-labels, leave out frames with fewer examples (default 2)")
    p.add_argument("--include-default-corpus", action="store_true", help="add the packaged labelled corpus")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    estimator = _estimator_defaults()
    p.add_argument("--threshold", type=_threshold_or_auto,
                   help="decision threshold stored in the model: a number in [0, 1], or 'auto' to choose it "
                        "during training from out-of-fold predictions of the training data (default: "
                        f"{estimator['threshold']})")
    p.add_argument("--C", type=float, help=f"inverse regularisation of the frame models (default {estimator['C']})")
    p.add_argument("--latent-dims", type=int, help="LSA topics shared between co-occurring words; helps small training "
                   f"sets, e.g. 150 (default {estimator['latent_dims']}: off)")
    p.add_argument("--n-jobs", type=_jobs, help="processes for the fit's independent models (frame models, "
                   "calibration folds, stance model; -1: one per CPU; default 1); the model does not depend on it")
    p.add_argument("-q", "--quiet", action="store_true", help="no messages on stderr (by default each stage of the "
                   "fit is reported with the time taken)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="score a model on labelled data")
    labelled(p)
    model_opt(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("suggest", help="the unlabelled passages most worth labelling next (JSONL)")
    p.add_argument("input", help="unlabelled passages: .jsonl, .csv/.tsv, or one passage per line")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    model_opt(p)
    fields(p)
    p.add_argument("-n", type=_positive, default=20, help="how many (default 20)")
    p.add_argument("--strategy", choices=("uncertainty", "stance", "diversity"), default="uncertainty")
    p.add_argument("--input-format", choices=("auto", "jsonl", "json", "csv", "tsv", "txt"), default="auto")
    p.add_argument("--output-format", choices=("jsonl", "label-studio", "csv"), default="jsonl",
                   help="jsonl: one suggestion per line; label-studio: tasks to import, with the model's frames and "
                        "stances as pre-annotations (see framing.label_studio_config); csv: a sheet to label")
    p.set_defaults(func=_cmd_suggest)

    p = sub.add_parser("info", help="describe a model: codebook, versions, training data, metrics")
    p.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``framing`` command; return its exit code (see the module docstring).

    Examples
    --------
    >>> main(["info", "--model", "no/such/dir"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from .errors import FramingError

    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `framing classify big.txt | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (FramingError, ValueError, TypeError, OSError, ImportError) as exc:
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
