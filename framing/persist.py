"""Saving and loading models as plain data: JSON plus NumPy arrays, never pickle.

A model is a directory::

    manifest.json      format name and version, class, parameters, codebook (and its hash),
                       library versions, training-data fingerprint, metrics, seed, and the
                       SHA-256 of every other file
    vocabulary.json    terms, their display forms, and the words known for hyphen repair
    <name>.npy         one array per file, loaded with ``allow_pickle=False``
    MODEL_CARD.md      a short generated description (not read back)

Loading audits the directory before building anything: the manifest must name this format, a
known version and the ``FrameClassifier`` class; only the expected file names are opened (no
paths, no symbolic links, regular files only); every file's SHA-256 must be listed and match;
array headers are checked before any data is read (numeric dtypes only, never ``object``; the
size in the header must match the file); values must be finite and shapes consistent with the
vocabulary, codebook and stance layout. Nothing in a model directory is ever executed. Writing is
deterministic: the same model gives byte-identical files. Saving replaces an existing directory
only when it is a framing model (or empty), so a mistyped path never deletes other files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import re
import secrets
import stat
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .codebooks import Codebook
from .errors import ModelFileError
from .features import EXTRAS, TextVectorizer

__all__ = ["save_model", "load_model", "threshold_text", "FORMAT", "FORMAT_VERSION"]

FORMAT = "framing-model"
FORMAT_VERSION = 4
SUPPORTED_VERSIONS = (1, 2, 3, 4)
# What changed between versions (the files are alike; the meaning of the stance weights differs):
#   1: stance features include sentence length (written before 2026-11-22 17:35).
#   2: stance features leave length out.
#   3: the stance model also has frame-specific word weights (stance_frame_weight).
#   4: version 3 plus topic.npy, the off-topic model (its weights, then its intercept; empty when
#      the model has none).
_ARRAYS = ("idf", "coef", "intercept", "platt", "stance_coef", "stance_intercept",
           "cue_rows", "cue_cols", "scare_cue_rows", "scare_cue_cols", "lexicon_rows", "lexicon_cols")
_INDEX_ARRAYS = tuple(a for a in _ARRAYS if a.endswith(("_rows", "_cols")))
_FILES = ("vocabulary.json",) + tuple(f"{a}.npy" for a in _ARRAYS)
_FILES_V4 = _FILES + ("topic.npy",)
_WRITTEN = frozenset(_FILES_V4 + ("manifest.json", "MODEL_CARD.md"))
_MAX_JSON_BYTES = 200 * 1024 * 1024
_MAX_MANIFEST_BYTES = 10 * 1024 * 1024
_MAX_ARRAY_BYTES = 1024 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("framing", "numpy", "scipy", "scikit-learn"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


def save_model(model: Any, path: str | os.PathLike, *, metrics: dict[str, Any] | None = None,
               training: dict[str, Any] | None = None) -> Path:
    """Write a fitted ``FrameClassifier`` to the directory ``path`` (created or replaced).

    Parameters
    ----------
    model : FrameClassifier
        A fitted model.
    path : str or path
        Target directory.
    metrics, training : dict, optional
        Extra facts for the manifest and model card (held-out figures, data fingerprint).

    Returns
    -------
    Path
        The directory written.

    Examples
    --------
    >>> import framing, tempfile
    >>> d = tempfile.mkdtemp()
    >>> framing.default_model().save(d).name == d.rsplit("/", 1)[-1]
    True
    """
    model._check_fitted()
    target = Path(path)
    vec = model.vectorizer_
    arrays = {
        "idf": model.idf_, "coef": model.coef_, "intercept": model.intercept_, "platt": model.platt_,
        "stance_coef": model.stance_coef_, "stance_intercept": model.stance_intercept_,
    }
    if _VERSION_OF_LAYOUT[getattr(model, "stance_layout_", 3)] >= 4:
        topic = getattr(model, "topic_coef_", None)
        arrays["topic"] = np.zeros(0) if topic is None else topic
    for name, m in (("cue", model.cue_matrix_), ("scare_cue", model.scare_cue_matrix_),
                    ("lexicon", model.lexicon_matrix_)):
        coo = sp.coo_matrix(m)
        order = np.lexsort((coo.col, coo.row))
        arrays[f"{name}_rows"] = coo.row[order].astype(np.int64)
        arrays[f"{name}_cols"] = coo.col[order].astype(np.int64)
    blobs = {f"{k}.npy": _npy_bytes(np.asarray(v, dtype=np.int64 if k.endswith(("_rows", "_cols")) else np.float64))
             for k, v in arrays.items()}
    terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    blobs["vocabulary.json"] = json.dumps(
        {"terms": terms, "display": vec.display_, "known": sorted(vec.known_)}, ensure_ascii=False
    ).encode("utf-8")
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items() if k != "codebook"}
    manifest = {
        "format": FORMAT,
        # A model read from an older file keeps that file's layout, so it is written back as that version.
        "format_version": _VERSION_OF_LAYOUT[getattr(model, "stance_layout_", FORMAT_VERSION)],
        "class": "FrameClassifier",
        "params": params,
        "codebook": model.codebook_.to_dict(),
        "codebook_sha256": model.codebook_.sha256(),
        "stances": list(model.stances_),
        "auto_threshold": float(getattr(model, "auto_threshold_", 0.5)),
        "lexicon_classes": list(model.lexicon_classes_),
        "n_features": int(model.n_features_),
        "vocabulary_size": len(terms),
        "library_versions": _library_versions(),
        "training": training or getattr(model, "training_info_", {}) or {},
        "metrics": metrics or getattr(model, "metrics_", {}) or {},
        "files": {name: _sha256(blob) for name, blob in sorted(blobs.items())},
    }
    blobs["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    blobs["MODEL_CARD.md"] = _model_card(manifest).encode("utf-8")
    # Write into a temporary sibling, then swap it in: an interrupted save leaves no half model.
    # Only a framing model directory (or an empty one) is ever replaced: saving to a mistyped
    # path such as a home folder must not move or delete the user's files.
    if target.is_symlink() or (target.exists() and not _replaceable(target)):
        what = "a symbolic link" if target.is_symlink() else "not a framing model directory"
        raise ModelFileError(f"refusing to save over {str(target)!r}: it exists and is {what}; "
                             "choose a new or empty directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_sibling(target, "tmp")
    try:
        for name, blob in blobs.items():
            (tmp / name).write_bytes(blob)
        if target.exists():
            old = _new_sibling(target, "old", create=False)
            target.rename(old)
            try:
                tmp.rename(target)
            except BaseException:
                old.rename(target)  # put the previous model back
                raise
            _remove_tree(old)
        else:
            tmp.rename(target)
    except BaseException:
        if tmp.exists():
            _remove_tree(tmp)
        raise
    return target


def _new_sibling(target: Path, tag: str, *, create: bool = True) -> Path:
    """A fresh hidden name beside ``target``; created (mode 0o777 minus the umask) if ``create``."""
    while True:
        path = target.with_name(f".{target.name}.{tag}-{secrets.token_hex(6)}")
        if not create:
            if not path.exists():
                return path
            continue
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _replaceable(path: Path) -> bool:
    """True for an empty directory or one holding only the files of a framing model."""
    if not path.is_dir():
        return False
    names = {child.name for child in path.iterdir()}
    if not names:
        return True
    if "manifest.json" not in names or not names <= _WRITTEN:
        return False
    try:
        manifest = json.loads(_read(path, "manifest.json", None, _MAX_MANIFEST_BYTES))
    except (ValueError, RecursionError):  # ModelFileError and bad JSON are ValueErrors
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def _remove_tree(path: Path) -> None:
    """Delete a directory written by ``save_model``: only the file names it writes, never subfolders."""
    for child in path.iterdir():
        if child.name in _WRITTEN and not child.is_dir():
            child.unlink()
    path.rmdir()


def threshold_text(param: Any, auto: float) -> str:
    """The decision threshold a model uses, and where it came from (for ``framing info`` and model cards).

    Examples
    --------
    >>> threshold_text("auto", 0.3)
    '0.3 (threshold="auto": the value with the best micro-F1 on out-of-fold predictions of the training data)'
    >>> threshold_text(0.5, 0.3)
    '0.5 (set by the threshold parameter)'
    """
    if param == "auto":
        return (f'{auto:g} (threshold="auto": the value with the best micro-F1 on out-of-fold predictions of the '
                "training data)")
    return f"{param:g} (set by the threshold parameter)"


def _model_card(m: dict[str, Any]) -> str:
    cb = m["codebook"]
    lines = [
        f"# Model card: {cb['name']} frame model",
        "",
        f"- Format: {m['format']} v{m['format_version']} (JSON + NumPy arrays; loads without pickle)",
        f"- Codebook: {cb['name']} v{cb['version']}, {len(cb['frames'])} frames "
        f"({', '.join(f['id'] for f in cb['frames'])}); stances: {', '.join(m['stances']) or 'none'}",
        f"- Codebook SHA-256: {m['codebook_sha256']}",
        f"- Vocabulary: {m['vocabulary_size']} terms; {m['n_features']} frame features",
        f"- Decision threshold: {threshold_text(m['params'].get('threshold'), m['auto_threshold'])}",
        f"- Parameters: {json.dumps(m['params'], sort_keys=True)}",
        f"- Library versions: {json.dumps(m['library_versions'], sort_keys=True)}",
    ]
    if m["training"]:
        lines.append(f"- Training data: {json.dumps(m['training'], sort_keys=True)}")
    if m["metrics"]:
        lines += ["", "## Metrics", "", "```", json.dumps(m["metrics"], indent=2, sort_keys=True), "```"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------

def _read(directory: Path, name: str, expected_sha: Any, limit: int) -> bytes:
    """Bytes of the regular file ``directory/name`` after checking its name, size and checksum.

    The file is opened without following symbolic links and checked with ``fstat`` on the open
    descriptor, so it cannot be swapped for a link, a FIFO or a device between check and read.
    """
    if name not in _FILES_V4 and name != "manifest.json":
        raise ModelFileError(f"refusing to read unexpected file {name!r}")
    if name != "manifest.json" and not (isinstance(expected_sha, str) and _SHA256.fullmatch(expected_sha)):
        raise ModelFileError(f"{directory}: manifest has no valid SHA-256 for {name} (got {expected_sha!r})")
    path = directory / name
    if path.is_symlink():
        raise ModelFileError(f"{directory}: {name} is a symbolic link; model files must be regular files")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ModelFileError(f"{directory}: missing or unreadable file {name} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ModelFileError(f"{directory}: {name} is not a regular file")
        if info.st_size > limit:
            raise ModelFileError(f"{directory}: {name} is {info.st_size} bytes, more than the {limit} allowed")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 24, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ModelFileError(f"{directory}: {name} is more than the {limit} bytes allowed")
    if expected_sha is not None and _sha256(data) != expected_sha:
        raise ModelFileError(f"{directory}: checksum mismatch for {name}: the file was changed or corrupted")
    return data


def _load_npy(directory: Path, name: str, blob: bytes) -> np.ndarray:
    """Parse a ``.npy`` blob, auditing its header before any data is read; never unpickles."""
    fp = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version == (2, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    except Exception as exc:  # noqa: BLE001 - truncated or garbled header, or a pickle file
        raise ModelFileError(f"{directory}: {name} is not a readable NumPy array ({exc})") from None
    if dtype.hasobject or dtype.kind not in "fiu" or dtype.fields is not None:
        raise ModelFileError(f"{directory}: {name} has dtype {dtype}; refusing: model arrays must be plain numbers"
                             + (" (object arrays need pickle, which can run code)" if dtype.hasobject else ""))
    expected = dtype.itemsize * int(np.prod(shape, dtype=object))
    if len(blob) - fp.tell() != expected:
        raise ModelFileError(f"{directory}: {name} is truncated or padded: its header announces shape {shape} "
                             f"({expected} bytes) but {len(blob) - fp.tell()} bytes follow")
    try:
        arr = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001
        raise ModelFileError(f"{directory}: {name} is not a readable NumPy array ({exc})") from None
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ModelFileError(f"{directory}: {name} holds NaN or infinite values")
    return arr


def load_model(path: str | os.PathLike) -> Any:
    """Load a model directory written by ``save_model`` (any supported format version).

    Raises ``ModelFileError`` for anything that is not exactly a framing model: a missing or
    changed file, a foreign class, an unknown format version, object arrays, bad shapes.

    Examples
    --------
    >>> import framing, tempfile
    >>> d = framing.default_model().save(tempfile.mkdtemp() + "/m")
    >>> framing.load_model(d).classify("Bandits looted the shops.").labels == \\
    ...     framing.classify("Bandits looted the shops.").labels
    True
    """
    directory = Path(path)
    if not directory.is_dir():
        raise ModelFileError(f"not a model directory: {str(directory)!r} (expected a folder written by model.save())")
    raw = _read(directory, "manifest.json", None, _MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ModelFileError(f"{directory}: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{directory}: not a framing model (manifest format is "
                             f"{manifest.get('format') if isinstance(manifest, dict) else type(manifest).__name__!r})")
    version = manifest.get("format_version")
    if type(version) is not int or version not in SUPPORTED_VERSIONS:  # 1.0 and True are not versions
        raise ModelFileError(f"{directory}: unknown format version {version!r}; this framing reads "
                             f"{', '.join(map(str, SUPPORTED_VERSIONS))}. Upgrade framing to load it.")
    if manifest.get("class") != "FrameClassifier":
        raise ModelFileError(f"{directory}: manifest names class {manifest.get('class')!r}; only "
                             "'FrameClassifier' can be loaded")
    return _READERS[version](directory, manifest)


def _string_list(value: Any, what: str, directory: Path) -> list[str]:
    if not isinstance(value, list) or not set(map(type, value)) <= {str}:  # set(map(type)): fast on 165,000 terms
        raise ModelFileError(f"{directory}: {what} must be a list of strings; got {type(value).__name__}")
    return value


def _load_v1(directory: Path, manifest: dict[str, Any]) -> Any:
    """Format 1: the stance model was trained with sentence length among its features."""
    return _load_arrays(directory, manifest, stance_layout=1)


def _load_v2(directory: Path, manifest: dict[str, Any]) -> Any:
    """Format 2: same files as version 1; stance features without length."""
    return _load_arrays(directory, manifest, stance_layout=2)


def _load_v3(directory: Path, manifest: dict[str, Any]) -> Any:
    """Format 3: format 2 plus the stance model's frame-specific word weights."""
    return _load_arrays(directory, manifest, stance_layout=3)


def _load_v4(directory: Path, manifest: dict[str, Any]) -> Any:
    """Format 4 (current): format 3 plus the off-topic model (``topic.npy``)."""
    return _load_arrays(directory, manifest, stance_layout=3, topic=True)


def _load_arrays(directory: Path, manifest: dict[str, Any], *, stance_layout: int, topic: bool = False) -> Any:
    from .model import FrameClassifier

    expected = _FILES_V4 if topic else _FILES
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(expected):
        extra = sorted(set(files or {}) - set(expected)) if isinstance(files, dict) else files
        missing = sorted(set(expected) - set(files)) if isinstance(files, dict) else []
        raise ModelFileError(f"{directory}: manifest lists unexpected files {extra!r}"
                             + (f" and lacks {missing!r}" if missing else "") + f"; expected {sorted(expected)}")
    arrays: dict[str, np.ndarray] = {}
    for name in _ARRAYS + (("topic",) if topic else ()):
        blob = _read(directory, f"{name}.npy", files[f"{name}.npy"], _MAX_ARRAY_BYTES)
        arr = _load_npy(directory, f"{name}.npy", blob)
        if name in _INDEX_ARRAYS and (arr.dtype.kind not in "iu" or arr.ndim != 1):
            raise ModelFileError(f"{directory}: {name}.npy must be a 1-D integer array; got {arr.dtype} "
                                 f"of shape {arr.shape}")
        arrays[name] = arr
    vocab_raw = _read(directory, "vocabulary.json", files["vocabulary.json"], _MAX_JSON_BYTES)
    try:
        vocab = json.loads(vocab_raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(f"{directory}: vocabulary.json is not valid JSON ({exc})") from None
    if not isinstance(vocab, dict) or not {"terms", "display", "known"} <= set(vocab):
        raise ModelFileError(f"{directory}: vocabulary.json must be an object with 'terms', 'display' and 'known'")
    terms = _string_list(vocab["terms"], "vocabulary terms", directory)
    display = _string_list(vocab["display"], "vocabulary display forms", directory)
    known = _string_list(vocab["known"], "vocabulary known words", directory)
    if len(display) != len(terms):
        raise ModelFileError(f"{directory}: vocabulary.json has {len(terms)} terms but {len(display)} display forms")
    for key in ("codebook", "params", "stances", "lexicon_classes"):
        if key not in manifest:
            raise ModelFileError(f"{directory}: manifest is incomplete: no {key!r}")
    if not isinstance(manifest["params"], dict):
        raise ModelFileError(f"{directory}: manifest 'params' must be an object")
    try:
        codebook = Codebook.from_dict(manifest["codebook"], source=f"{directory}/manifest.json")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{directory}: manifest codebook is invalid ({exc})") from None
    params = dict(manifest["params"])
    stances = tuple(_string_list(manifest["stances"], "manifest 'stances'", directory))
    lexicon_classes = tuple(_string_list(manifest["lexicon_classes"], "manifest 'lexicon_classes'", directory))
    if codebook.sha256() != manifest.get("codebook_sha256"):
        raise ModelFileError(f"{directory}: codebook hash does not match the manifest")
    if stances not in ((), codebook.stance_ids):
        raise ModelFileError(f"{directory}: manifest stances {list(stances)} differ from the codebook's "
                             f"{list(codebook.stance_ids)}")
    if len(set(lexicon_classes)) != len(lexicon_classes):
        raise ModelFileError(f"{directory}: manifest 'lexicon_classes' has duplicates")

    n_vocab, n_frames, n_lexicon = len(terms), len(codebook), len(lexicon_classes)
    n_features = n_vocab + n_frames + n_lexicon + len(EXTRAS)
    if "n_features" in manifest and manifest["n_features"] != n_features:
        raise ModelFileError(f"{directory}: manifest says {manifest['n_features']!r} features; the vocabulary, "
                             f"codebook and lexicon give {n_features}")
    expect = {"idf": (n_vocab,), "coef": (n_frames, n_features), "intercept": (n_frames,), "platt": (n_frames, 2)}
    if stances:
        # The column count is checked against the model's own stance features once it is built.
        expect["stance_intercept"] = (len(stances),)
        if arrays["stance_coef"].ndim != 2 or arrays["stance_coef"].shape[0] != len(stances):
            raise ModelFileError(f"{directory}: stance_coef.npy has shape {arrays['stance_coef'].shape}; "
                                 f"expected {len(stances)} rows, one per stance")
    for name, shape in expect.items():
        if arrays[name].shape != shape:
            raise ModelFileError(f"{directory}: {name}.npy has shape {arrays[name].shape}; expected {shape}")
    if not stances and (arrays["stance_coef"].size or arrays["stance_intercept"].size):
        raise ModelFileError(f"{directory}: stance arrays are not empty but the manifest declares no stances")
    if topic and arrays["topic"].shape not in ((0,), (n_features + 1,)):
        raise ModelFileError(f"{directory}: topic.npy has shape {arrays['topic'].shape}; expected (0,) or "
                             f"({n_features + 1},)")

    def sparse(prefix: str, n_cols: int) -> sp.csr_matrix:
        rows, cols = arrays[f"{prefix}_rows"], arrays[f"{prefix}_cols"]
        if rows.shape != cols.shape or (rows.size and (rows.min() < 0 or rows.max() >= n_vocab
                                                      or cols.min() < 0 or cols.max() >= n_cols)):
            raise ModelFileError(f"{directory}: {prefix} index arrays are out of range")
        return sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_vocab, n_cols))

    allowed = set(FrameClassifier._param_names()) - {"codebook"}
    unknown = set(params) - allowed
    if unknown:
        raise ModelFileError(f"{directory}: unknown parameters {sorted(unknown)}")
    if isinstance(params.get("ngram_range"), list):
        params["ngram_range"] = tuple(params["ngram_range"])
    params.setdefault("spelling", "keep")  # models saved before spelling variants were unified
    model = FrameClassifier(codebook=codebook, **params)
    try:
        model._check_params()
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{directory}: invalid parameters: {exc}") from None
    vec = TextVectorizer(ngram_range=model.ngram_range, min_df=model.min_df, max_features=model.max_features,
                         stemmer=model.stemmer, spelling=model.spelling)
    vec.vocabulary_ = dict(zip(terms, range(len(terms))))
    if len(vec.vocabulary_) != n_vocab:
        raise ModelFileError(f"{directory}: vocabulary.json has duplicate terms")
    vec.display_ = list(display)
    vec.known_ = set(known)
    model.codebook_ = codebook
    model.classes_ = np.array(codebook.frame_ids, dtype=object)
    model.vectorizer_ = vec
    model.lexicon_classes_ = lexicon_classes
    model.cue_matrix_ = sparse("cue", n_frames)
    model.scare_cue_matrix_ = sparse("scare_cue", n_frames)
    model.lexicon_matrix_ = sparse("lexicon", len(lexicon_classes))
    model.idf_ = arrays["idf"].astype(np.float64)
    model.coef_ = arrays["coef"].astype(np.float64)
    model.intercept_ = arrays["intercept"].astype(np.float64)
    model.platt_ = arrays["platt"].astype(np.float64)
    model.stances_ = stances
    model.stance_coef_ = arrays["stance_coef"].astype(np.float64)
    model.stance_intercept_ = arrays["stance_intercept"].astype(np.float64)
    model.n_features_ = n_features
    model.training_info_ = manifest.get("training", {})
    model.metrics_ = manifest.get("metrics", {})
    model.stance_layout_ = stance_layout
    model.topic_coef_ = arrays["topic"].astype(np.float64) if topic and arrays["topic"].size else None
    auto = manifest.get("auto_threshold", 0.5)
    if isinstance(auto, bool) or not isinstance(auto, (int, float)) or not 0.0 <= auto <= 1.0:
        raise ModelFileError(f"{directory}: auto_threshold must be a number between 0 and 1; got {auto!r}")
    model.auto_threshold_ = float(auto)
    if stances:
        _check_stance_width(directory, model)
    return model


def _check_stance_width(directory: Path, model: Any) -> None:
    """Refuse stance weights whose column count differs from the stance features this framing builds.

    The width is taken from ``FrameClassifier._stance_matrix`` itself (run on one empty passage), so
    the check follows the feature layout of the installed framing instead of repeating it here. A
    file written under another layout is refused on load instead of failing deep inside a matrix
    product at the first ``classify``.
    """
    try:
        feats = model._features(model.vectorizer_.transform([""]))
        width = model._stance_matrix(feats, np.array([0]), np.array([0])).shape[1]
    except Exception as exc:  # noqa: BLE001 - inconsistent arrays that slipped past the shape checks
        raise ModelFileError(f"{directory}: the model's arrays are inconsistent ({exc})") from None
    got = model.stance_coef_.shape[1]
    if got != width:
        raise ModelFileError(f"{directory}: stance_coef.npy has {got} columns but this framing builds {width} stance "
                             "features: the file was written with a different feature layout; load it with the "
                             "framing version that wrote it, or retrain")


_READERS = {1: _load_v1, 2: _load_v2, 3: _load_v3, 4: _load_v4}
_VERSION_OF_LAYOUT = {1: 1, 2: 2, 3: 4}  # a model of stance layout 3 is saved as version 4
