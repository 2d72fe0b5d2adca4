"""Frame codebooks: the label space of a model, declared as data.

The packaged default lives in ``framing/data/codebook.toml``; a user's own codebook uses the same
format (TOML or JSON with a ``frames`` list), or is given inline as a list of frame names.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .errors import CodebookError

__all__ = ["Frame", "Stance", "Codebook", "load_codebook", "default_codebook"]

DEFAULT_STANCES = ("endorsed", "reported", "disputed")


@dataclass(frozen=True)
class Frame:
    """One frame of a codebook."""

    id: str
    name: str
    definition: str = ""
    cues: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stance:
    """One stance a passage can take towards a frame."""

    id: str
    definition: str = ""
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """An ordered set of frames and (optionally) stances.

    Examples
    --------
    >>> cb = Codebook.from_names(["Economic", "Political"])
    >>> cb.frame_ids, cb.stance_ids
    (('Economic', 'Political'), ())
    >>> cb.index("Political")
    1
    """

    name: str
    frames: tuple[Frame, ...]
    stances: tuple[Stance, ...] = ()
    version: str = "1.0"
    description: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.frames:
            raise CodebookError("a codebook needs at least one frame; got none")
        for kind, items in (("frame", self.frames), ("stance", self.stances)):
            seen: set[str] = set()
            for item in items:
                if not isinstance(item.id, str) or not item.id.strip() or not item.id.isprintable():
                    raise CodebookError(f"{kind} ids must be non-empty printable strings; got {item.id!r}")
                if item.id in seen:
                    raise CodebookError(f"duplicate {kind} id {item.id!r}")
                seen.add(item.id)
        self._index.update({f.id: i for i, f in enumerate(self.frames)})

    @property
    def frame_ids(self) -> tuple[str, ...]:
        """Frame ids in codebook order."""
        return tuple(f.id for f in self.frames)

    @property
    def stance_ids(self) -> tuple[str, ...]:
        """Stance ids in codebook order (empty when the codebook has no stances)."""
        return tuple(s.id for s in self.stances)

    def index(self, frame_id: str) -> int:
        """Position of ``frame_id``; raises ``CodebookError`` listing the valid ids."""
        try:
            return self._index[frame_id]
        except (KeyError, TypeError):
            raise CodebookError(f"unknown frame {frame_id!r}; valid frames: {', '.join(self.frame_ids)}") from None

    def __getitem__(self, frame_id: str) -> Frame:
        return self.frames[self.index(frame_id)]

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self):
        return iter(self.frames)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the JSON/TOML layout)."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "stances": [asdict(s) for s in self.stances],
            "frames": [asdict(f) for f in self.frames],
        }

    def sha256(self) -> str:
        """Hash of the codebook's content, stored in every model manifest."""
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def __repr__(self) -> str:
        """Short: the name and the ids (``to_dict()`` or ``_repr_html_`` show everything).

        Examples
        --------
        >>> Codebook.from_names(["Economic", "Political"], stances=["pro", "anti"], name="mine")
        Codebook('mine': 2 frames [Economic, Political]; stances [pro, anti])
        """
        ids = list(self.frame_ids)
        shown = ", ".join(ids[:4]) + (f", ... ({len(ids) - 4} more)" if len(ids) > 4 else "")
        stances = f"; stances [{', '.join(self.stance_ids)}]" if self.stances else "; no stances"
        return f"Codebook({self.name!r}: {len(ids)} frames [{shown}]{stances})"

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td><code>{html.escape(f.id)}</code></td><td>{html.escape(f.name)}</td>"
            f"<td>{html.escape(f.definition)}</td></tr>"
            for f in self.frames
        )
        return (f"<b>{html.escape(self.name)}</b> ({len(self.frames)} frames; stances: "
                f"{html.escape(', '.join(self.stance_ids) or 'none')})<table><tr><th>id</th><th>name</th>"
                f"<th>definition</th></tr>{rows}</table>")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "codebook") -> "Codebook":
        """Build a codebook from its plain-data form, checking every field."""
        if not isinstance(data, Mapping):
            raise CodebookError(f"{source}: expected a table with a 'frames' list, got {type(data).__name__}")
        frames_raw = data.get("frames")
        if not isinstance(frames_raw, list) or not frames_raw:
            raise CodebookError(f"{source}: expected a non-empty 'frames' list")
        frames = []
        for i, raw in enumerate(frames_raw):
            if not isinstance(raw, Mapping) or "id" not in raw:
                raise CodebookError(f"{source}: frame #{i + 1} needs at least an 'id'; got {raw!r}")
            unknown = set(raw) - {"id", "name", "definition", "cues", "examples"}
            if unknown:
                raise CodebookError(f"{source}: frame {raw['id']!r} has unknown keys {sorted(unknown)}; "
                                    "allowed: id, name, definition, cues, examples")
            frames.append(Frame(
                id=raw["id"], name=str(raw.get("name", raw["id"])), definition=str(raw.get("definition", "")),
                cues=_strings(raw.get("cues", ()), f"{source}: frame {raw['id']!r} cues"),
                examples=_strings(raw.get("examples", ()), f"{source}: frame {raw['id']!r} examples"),
            ))
        stances = []
        for i, raw in enumerate(data.get("stances", []) or []):
            if not isinstance(raw, Mapping) or "id" not in raw:
                raise CodebookError(f"{source}: stance #{i + 1} needs an 'id'; got {raw!r}")
            stances.append(Stance(id=raw["id"], definition=str(raw.get("definition", "")),
                                  signals=_strings(raw.get("signals", ()), f"{source}: stance signals")))
        return cls(name=str(data.get("name", "custom")), frames=tuple(frames), stances=tuple(stances),
                   version=str(data.get("version", "1.0")), description=str(data.get("description", "")))

    @classmethod
    def from_names(cls, names: Sequence[str], *, stances: Sequence[str] = (), name: str = "custom") -> "Codebook":
        """A codebook from frame names alone (ids are the names as given)."""
        bad = [n for n in names if not isinstance(n, str)]
        if bad:
            raise CodebookError(f"frame names must be strings; got {bad[0]!r}")
        return cls(name=name, frames=tuple(Frame(id=n, name=n) for n in names),
                   stances=tuple(Stance(id=s) for s in stances))


def _strings(value: Iterable[Any], what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise CodebookError(f"{what} must be a list of strings; got {value!r}")
    return tuple(value)


def load_codebook(source: "str | Path | Codebook | Sequence[str] | Mapping[str, Any] | None" = None) -> Codebook:
    """Load a codebook from a TOML/JSON file, a mapping, a list of frame names, or the default.

    Parameters
    ----------
    source : path, Codebook, list of str, mapping or None
        ``None`` gives the packaged default codebook.

    Examples
    --------
    >>> load_codebook().frame_ids[:2]
    ('foreign_interference', 'color_revolution')
    >>> load_codebook(["Economic", "Morality"]).frame_ids
    ('Economic', 'Morality')
    """
    if source is None:
        return default_codebook()
    if isinstance(source, Codebook):
        return source
    if isinstance(source, Mapping):
        return Codebook.from_dict(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise CodebookError(f"codebook file not found: {str(path)!r} (expected a .toml or .json file)")
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise CodebookError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from None
        return Codebook.from_dict(data, source=str(path))
    if isinstance(source, Sequence):
        return Codebook.from_names(list(source))
    raise CodebookError(f"codebook must be None, a path, a Codebook, a mapping or a list of frame names; "
                        f"got {type(source).__name__}")


_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The packaged default codebook (eight frames, three stances).

    Examples
    --------
    >>> cb = default_codebook()
    >>> len(cb), cb.stance_ids
    (8, ('endorsed', 'reported', 'disputed'))
    """
    global _DEFAULT
    if _DEFAULT is None:
        raw = resources.files("framing.data").joinpath("codebook.toml").read_text("utf-8")
        _DEFAULT = Codebook.from_dict(tomllib.loads(raw), source="framing/data/codebook.toml")
    return _DEFAULT
