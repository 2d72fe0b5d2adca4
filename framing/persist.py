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
paths); every file's checksum must match; arrays must have numeric dtypes and consistent shapes.
Nothing in a model directory is ever executed. Writing is deterministic: the same model gives
byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .codebook import Codebook
from .errors import ModelFileError
from .features import TextVectorizer

__all__ = ["save_model", "load_model", "FORMAT", "FORMAT_VERSION"]

FORMAT = "framing-model"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = (1,)
_ARRAYS = ("idf", "coef", "intercept", "platt", "stance_coef", "stance_intercept",
           "cue_rows", "cue_cols", "scare_cue_rows", "scare_cue_cols", "lexicon_rows", "lexicon_cols")
_FILES = ("vocabulary.json",) + tuple(f"{a}.npy" for a in _ARRAYS)
_MAX_JSON_BYTES = 200 * 1024 * 1024


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
        "format_version": FORMAT_VERSION,
        "class": "FrameClassifier",
        "params": params,
        "codebook": model.codebook_.to_dict(),
        "codebook_sha256": model.codebook_.sha256(),
        "stances": list(model.stances_),
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
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    for name, blob in blobs.items():
        (tmp / name).write_bytes(blob)
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            _remove_tree(old)
        target.rename(old)
        tmp.rename(target)
        _remove_tree(old)
    else:
        tmp.rename(target)
    return target


def _remove_tree(path: Path) -> None:
    for child in path.iterdir():
        child.unlink()
    path.rmdir()


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

def _read(directory: Path, name: str, expected_sha: str | None, limit: int) -> bytes:
    if name not in _FILES and name != "manifest.json":
        raise ModelFileError(f"refusing to read unexpected file {name!r}")
    path = directory / name
    if path.is_symlink() or not path.is_file():
        raise ModelFileError(f"{directory}: missing or not a regular file: {name}")
    size = path.stat().st_size
    if size > limit:
        raise ModelFileError(f"{directory}: {name} is {size} bytes, more than the {limit} allowed")
    data = path.read_bytes()
    if expected_sha is not None and _sha256(data) != expected_sha:
        raise ModelFileError(f"{directory}: checksum mismatch for {name}: the file was changed or corrupted")
    return data


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
    raw = _read(directory, "manifest.json", None, 10 * 1024 * 1024)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(f"{directory}: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{directory}: not a framing model (manifest format is "
                             f"{manifest.get('format') if isinstance(manifest, dict) else type(manifest).__name__!r})")
    version = manifest.get("format_version")
    if version not in SUPPORTED_VERSIONS:
        raise ModelFileError(f"{directory}: unknown format version {version!r}; this framing reads "
                             f"{', '.join(map(str, SUPPORTED_VERSIONS))}. Upgrade framing to load it.")
    if manifest.get("class") != "FrameClassifier":
        raise ModelFileError(f"{directory}: manifest names class {manifest.get('class')!r}; only "
                             "'FrameClassifier' can be loaded")
    return _READERS[version](directory, manifest)


def _load_v1(directory: Path, manifest: dict[str, Any]) -> Any:
    from .model import FrameClassifier

    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(_FILES):
        extra = sorted(set(files or {}) - set(_FILES)) if isinstance(files, dict) else files
        raise ModelFileError(f"{directory}: manifest lists unexpected files {extra!r}; expected {sorted(_FILES)}")
    arrays: dict[str, np.ndarray] = {}
    for name in _ARRAYS:
        blob = _read(directory, f"{name}.npy", files[f"{name}.npy"], 1024 * 1024 * 1024)
        try:
            arr = np.load(io.BytesIO(blob), allow_pickle=False)
        except ValueError as exc:
            raise ModelFileError(f"{directory}: {name}.npy refused ({exc}); model arrays must be numeric") from None
        except Exception as exc:  # noqa: BLE001 - truncated or garbled npy
            raise ModelFileError(f"{directory}: {name}.npy is not a readable NumPy array ({exc})") from None
        if arr.dtype.kind not in "fiu":
            raise ModelFileError(f"{directory}: {name}.npy has dtype {arr.dtype}; expected a numeric array")
        arrays[name] = arr
    try:
        vocab = json.loads(_read(directory, "vocabulary.json", files["vocabulary.json"], _MAX_JSON_BYTES).decode("utf-8"))
        terms, display, known = vocab["terms"], vocab["display"], vocab["known"]
        codebook = Codebook.from_dict(manifest["codebook"], source=f"{directory}/manifest.json")
        params = dict(manifest["params"])
        stances = tuple(manifest["stances"])
        lexicon_classes = tuple(manifest["lexicon_classes"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{directory}: manifest or vocabulary is incomplete ({exc!r})") from None
    if not all(isinstance(t, str) for t in terms + display + known) or len(display) != len(terms):
        raise ModelFileError(f"{directory}: vocabulary.json must hold equal-length lists of strings")
    if codebook.sha256() != manifest.get("codebook_sha256"):
        raise ModelFileError(f"{directory}: codebook hash does not match the manifest")

    n_vocab, n_frames = len(terms), len(codebook)
    n_features = n_vocab + n_frames + len(lexicon_classes) + 5
    expect = {"idf": (n_vocab,), "coef": (n_frames, n_features), "intercept": (n_frames,), "platt": (n_frames, 2)}
    for name, shape in expect.items():
        if arrays[name].shape != shape:
            raise ModelFileError(f"{directory}: {name}.npy has shape {arrays[name].shape}; expected {shape}")
    if stances and (arrays["stance_coef"].ndim != 2 or arrays["stance_coef"].shape[0] != len(stances)
                    or arrays["stance_intercept"].shape != (len(stances),)):
        raise ModelFileError(f"{directory}: stance arrays do not match the {len(stances)} stances")

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
    if "ngram_range" in params:
        params["ngram_range"] = tuple(params["ngram_range"])
    model = FrameClassifier(codebook=codebook, **params)
    try:
        model._check_params()
    except ValueError as exc:
        raise ModelFileError(f"{directory}: invalid parameters: {exc}") from None
    vec = TextVectorizer(ngram_range=model.ngram_range, min_df=model.min_df, max_features=model.max_features,
                         stemmer=model.stemmer)
    vec.vocabulary_ = {t: i for i, t in enumerate(terms)}
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
    return model


_READERS = {1: _load_v1}
