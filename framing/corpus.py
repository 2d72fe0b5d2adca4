"""The project's own labelled corpus: loading, fixed splits, validation and the data card.

Two layers: passages **written** for the project (``framing/data/corpus/``) and **real** published
passages copied from openly licensed sources with their provenance (``framing/data/real/``; see
``framing.realtext``).

Command line::

    python -m framing.corpus validate          # schema, provenance, duplicates, repetition, targets
                                               # (and real texts against the pool, when it is found)
    python -m framing.corpus datacard          # writes DATACARD.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from .reliability import agreement
from .codebooks import default_codebook

__all__ = ["load_corpus", "split", "validate_corpus", "REGISTERS", "SIDES", "SPLITS"]

REGISTERS = ("wire", "state_editorial", "opposition_oped", "official_statement", "analyst_interview",
             "social_post", "headline_lead", "machine_translated", "ocr_noisy", "feature", "short_claim")
SIDES = ("state_aligned", "critical", "neutral")

# Event-disjoint split: dev and test events never appear in training. Fixed; do not tune on test.
SPLITS = {
    "test": ("armenia_2018", "iran_2022", "kyrgyzstan_2020", "nagorno_karabakh_2020", "uzbekistan_2022"),
    "dev": ("moldova_2023", "nicaragua_2018", "tajikistan_2022"),
}
RANDOM_TEST_PERCENT = 15  # random split: a record is in test when sha256(id) % 100 < 15

# Limits the validator enforces (documented in DATACARD.md).
NEAR_DUPLICATE_JACCARD = 0.5    # word 5-shingle Jaccard between two passages
MAX_REPEATED_5GRAM_SHARE = 0.03  # share of 5-gram occurrences whose 5-gram recurs in 3+ passages
TARGETS = {"passages": 3000, "frame_positives": 300, "frame_reported": 60, "frame_disputed": 60,
           "no_frame": 600, "multi_frame_share": 0.30, "events": 15, "countries": 10, "registers": 8}
REAL_TARGETS = {"passages": 3000, "frame_positives": 60, "big_frame_positives": 150, "big_frames": 5,
                "no_frame": 800, "test": 600}


@dataclass(frozen=True)
class Record:
    """One labelled passage of the corpus.

    Written passages leave the provenance fields at their defaults; a real passage has its
    ``source`` (``kremlin``, ``ungdc``, ``whitehouse`` or ``wikinews``), the pool's ``doc``,
    ``para``, ``date``, ``title``, ``url``, ``licence`` and ``attribution``, its fixed ``split``,
    and ``cut`` when it was cut at a sentence boundary. ``off_topic`` marks a written passage about
    something else (sport, weather, business...) that shares the crises' vocabulary; it carries
    no frame. ``event`` is the group the splits and the
    calibration folds keep together: an event for written passages, a document or a month of one
    source for real ones (``framing.realtext.split_group``).
    """

    id: str
    text: str
    frames: dict[str, str]
    event: str
    country: str
    register: str
    side: str
    source: str = "written"
    doc: Any = None
    para: int | None = None
    date: str | None = None
    title: str = ""
    url: str = ""
    licence: str = ""
    attribution: str = ""
    split: str = ""
    cut: str | None = None
    note: str = ""
    off_topic: bool = False

    @property
    def layer(self) -> str:
        """``"written"`` or ``"real"``."""
        return "written" if self.source == "written" else "real"


LAYERS = ("written", "real", "all")


def corpus_topic(record: Record) -> bool | None:
    """Whether a corpus passage is off topic (True), on topic (False) or unknown (None).

    Written passages say it (``off_topic``); a real passage with a frame is on topic, and a real
    passage without one is unknown: official speech is full of passages about other things, but
    nobody marked which.

    Examples
    --------
    >>> [corpus_topic(r) for r in load_corpus("written") if r.off_topic][:1]
    [True]
    """
    if record.layer == "written":
        return record.off_topic
    return False if record.frames else None


def corpus_dir() -> Path:
    return Path(str(resources.files("framing.data.corpus")))


def real_dir() -> Path:
    """The folder of the real layer: ``passages.jsonl`` and ``passes.jsonl``.

    Examples
    --------
    >>> sorted(p.name for p in real_dir().glob("*.jsonl"))
    ['passages.jsonl', 'passes.jsonl']
    """
    return Path(str(resources.files("framing.data.real")))


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path.name}:{n}: not valid JSON ({exc})") from None
    return out


def read_passes() -> list[dict[str, Any]]:
    """The rows of the real layer's ``passes.jsonl``: for each pool passage read, the ``stage`` that
    drew it, both passes, the final label and why it was ``excluded`` (``None`` if kept).

    Examples
    --------
    >>> row = read_passes()[0]
    >>> {"id", "stage", "first", "second", "final", "excluded"} <= set(row)
    True
    """
    return _read_jsonl(real_dir() / "passes.jsonl")


_FIELDS = frozenset(Record.__dataclass_fields__)


def _records(path: Path) -> list[Record]:
    out = []
    for r in _read_jsonl(path):
        r = {k: v for k, v in r.items() if k in _FIELDS}
        r["frames"] = dict(r["frames"])
        r.setdefault("country", "")
        out.append(Record(**r))
    return out


def load_corpus(layer: str = "all", *, directory: str | Path | None = None) -> list[Record]:
    """The packaged corpus, in id order: ``layer="written"``, ``"real"`` or ``"all"`` (both).

    ``directory`` reads the JSONL files of another folder instead (every record there is taken,
    whatever its layer).

    Examples
    --------
    >>> written, real = load_corpus("written"), load_corpus("real")
    >>> len(written) >= 3000, len(real) >= 3000, {r.layer for r in real}
    (True, True, {'real'})
    >>> real[0].source in ("kremlin", "ungdc", "whitehouse", "wikinews") and real[0].url.startswith("http")
    True
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {', '.join(LAYERS)}; got {layer!r}")
    if directory is not None:
        files = sorted(Path(directory).glob("*.jsonl"))
    else:
        files = [f for f in sorted(corpus_dir().glob("*.jsonl")) if f.name != "second_pass.jsonl"] \
            if layer != "real" else []
        files += [real_dir() / "passages.jsonl"] if layer != "written" else []
    files = [f for f in files if f.name not in ("second_pass.jsonl", "passes.jsonl")]
    recs = [r for f in files for r in _records(f)]
    if directory is None and layer != "all":
        recs = [r for r in recs if r.layer == layer]
    return sorted(recs, key=lambda r: r.id)


def split(records: Sequence[Record], name: str = "event") -> dict[str, list[Record]]:
    """The fixed splits: ``"event"`` (train/dev/test by event) or ``"random"`` (train/test by id hash).

    With ``"event"``, a real passage goes to the split fixed in its record, which
    ``framing.realtext.real_split`` derives from its document (UN speeches) or its source's month.

    Examples
    --------
    >>> parts = split(load_corpus())
    >>> sorted(parts), {r.event for r in parts["test"] if r.layer == "written"} == set(SPLITS["test"])
    (['dev', 'test', 'train'], True)
    >>> {r.split for r in parts["test"] if r.layer == "real"}
    {'test'}
    """
    if name == "event":
        out: dict[str, list[Record]] = {"train": [], "dev": [], "test": []}
        for r in records:
            if r.layer == "real":
                part = r.split
            else:
                part = "test" if r.event in SPLITS["test"] else "dev" if r.event in SPLITS["dev"] else "train"
            out[part].append(r)
        return out
    if name == "random":
        out = {"train": [], "test": []}
        for r in records:
            h = int(hashlib.sha256(r.id.encode()).hexdigest()[:8], 16) % 100
            out["test" if h < RANDOM_TEST_PERCENT else "train"].append(r)
        return out
    raise ValueError(f"split name must be 'event' or 'random'; got {name!r}")


# ------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _ngrams(words: list[str], n: int = 5) -> list[str]:
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def near_duplicates(texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[int, int, float]]:
    """Pairs of texts whose word 5-shingle sets have Jaccard similarity above ``threshold``.

    Examples
    --------
    >>> near_duplicates(["the cat sat on the mat today", "the cat sat on the mat today!", "a dog"])
    [(0, 1, 1.0)]
    """
    shingles = [set(_ngrams(_words(t))) for t in texts]
    index: dict[str, list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for s in sh:
            index[s].append(i)
    pairs = []
    for i, sh in enumerate(shingles):
        shared: Counter[int] = Counter()
        for s in sh:
            shared.update(j for j in index[s] if j > i)
        for j, k in shared.items():
            jac = k / len(sh | shingles[j])
            if jac > threshold:
                pairs.append((i, j, round(jac, 3)))
    return pairs


def repeated_ngram_share(texts: Sequence[str], n: int = 5, min_docs: int = 3) -> float:
    """Share of word n-gram occurrences whose n-gram occurs in at least ``min_docs`` passages.

    A measure of template-like writing: slot-filled passages share long word sequences.

    Examples
    --------
    >>> repeated_ngram_share(["a b c d e f", "a b c d e g", "a b c d e h"], n=5, min_docs=3)
    0.5
    """
    grams = [_ngrams(_words(t), n) for t in texts]
    df: Counter[str] = Counter()
    for g in grams:
        df.update(set(g))
    total = sum(len(g) for g in grams)
    repeated = sum(1 for g in grams for x in g if df[x] >= min_docs)
    return repeated / total if total else 0.0


def validate_corpus(records: Sequence[Record], *, pool: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Every problem found in ``records``: schema, labels, provenance, duplicates, repetition, targets.

    Both layers share the schema and label checks and the duplicate check (no two passages of the
    whole corpus are near-duplicates). Written passages must also name a known register, side and
    ``country_yyyy`` event and avoid template-like repetition; real passages must carry their
    provenance (``framing.realtext.provenance_problems``) and, when ``pool`` is given, equal
    their pool passage. Targets are checked for each layer present. Returns ``[]`` for a valid
    corpus.
    """
    from .realtext import REAL_REGISTERS, check_against_pool, provenance_problems

    cb = default_codebook()
    frames, stances = set(cb.frame_ids), set(cb.stance_ids)
    problems = []
    seen_ids: set[str] = set()
    for r in records:
        where = f"record {r.id!r}"
        if r.id in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(r.id)
        n = len(r.text.split())
        if not 10 <= n <= 250:
            problems.append(f"{where}: {n} words; passages must have 10-250")
        for f, s in r.frames.items():
            if f not in frames:
                problems.append(f"{where}: unknown frame {f!r}; valid: {', '.join(cb.frame_ids)}")
            if s not in stances:
                problems.append(f"{where}: unknown stance {s!r} for {f!r}; valid: {', '.join(cb.stance_ids)}")
        if r.off_topic and r.frames:
            problems.append(f"{where}: an off-topic passage carries no frame")
        if r.layer == "real":
            problems += provenance_problems(r)
            if r.register not in REAL_REGISTERS:
                problems.append(f"{where}: unknown register {r.register!r}")
            continue
        if r.register not in REGISTERS:
            problems.append(f"{where}: unknown register {r.register!r}")
        if r.side not in SIDES:
            problems.append(f"{where}: unknown side {r.side!r}")
        if not re.fullmatch(r"[a-z_]+_\d{4}", r.event):
            problems.append(f"{where}: event {r.event!r} must look like 'country_yyyy'")
        if not r.country:
            problems.append(f"{where}: missing country")
    for i, j, jac in near_duplicates([r.text for r in records]):
        problems.append(f"records {records[i].id!r} and {records[j].id!r} are near-duplicates (5-gram Jaccard {jac})")
    written = [r for r in records if r.layer == "written"]
    share = repeated_ngram_share([r.text for r in written])
    if share > MAX_REPEATED_5GRAM_SHARE:
        problems.append(f"template-like repetition: {share:.3f} of word 5-gram occurrences recur in 3+ passages "
                        f"(limit {MAX_REPEATED_5GRAM_SHARE})")
    real = [r for r in records if r.layer == "real"]
    if pool is not None:
        problems += check_against_pool(real, pool)
    problems += [f"target not met: {t}" for t in check_targets(written)] if written or not real else []
    problems += [f"target not met (real layer): {t}" for t in check_real_targets(real)] if real else []
    return problems


def stats(records: Sequence[Record]) -> dict[str, Any]:
    """Counts used by the targets and the data card."""
    fs = Counter((f, s) for r in records for f, s in r.frames.items())
    framed = [r for r in records if r.frames]
    return {
        "passages": len(records),
        "frame_stance": fs,
        "no_frame": len(records) - len(framed),
        "multi_frame_share": (sum(len(r.frames) >= 2 for r in framed) / len(framed)) if framed else 0.0,
        "events": Counter(r.event for r in records),
        "countries": Counter(r.country for r in records),
        "registers": Counter(r.register for r in records),
        "sides": Counter(r.side for r in records),
        "lengths": [len(r.text.split()) for r in records],
    }


def check_targets(records: Sequence[Record]) -> list[str]:
    """The written layer's size, balance and diversity targets (issue #3) that ``records`` miss."""
    st = stats(records)
    t = TARGETS
    missing = []
    if st["passages"] < t["passages"]:
        missing.append(f"{st['passages']} passages < {t['passages']}")
    for f in default_codebook().frame_ids:
        pos = sum(st["frame_stance"][(f, s)] for s in ("endorsed", "reported", "disputed"))
        if pos < t["frame_positives"]:
            missing.append(f"{f}: {pos} positives < {t['frame_positives']}")
        for s in ("reported", "disputed"):
            if st["frame_stance"][(f, s)] < t[f"frame_{s}"]:
                missing.append(f"{f}: {st['frame_stance'][(f, s)]} {s} < {t[f'frame_{s}']}")
    if st["no_frame"] < t["no_frame"]:
        missing.append(f"{st['no_frame']} no-frame passages < {t['no_frame']}")
    if st["multi_frame_share"] < t["multi_frame_share"]:
        missing.append(f"multi-frame share {st['multi_frame_share']:.2f} < {t['multi_frame_share']}")
    for key in ("events", "countries", "registers"):
        if len(st[key]) < t[key]:
            missing.append(f"{len(st[key])} {key} < {t[key]}")
    return missing


def check_real_targets(records: Sequence[Record]) -> list[str]:
    """The real layer's targets (issue #12) that ``records`` miss: size, positives per frame,
    frames with many positives, frame-free passages, a test split of real text.

    Examples
    --------
    >>> check_real_targets(load_corpus("real"))
    []
    >>> check_real_targets(load_corpus("real")[:100])[0]
    '100 passages < 3000'
    """
    t = REAL_TARGETS
    st = stats(records)
    missing = []
    if st["passages"] < t["passages"]:
        missing.append(f"{st['passages']} passages < {t['passages']}")
    positives = {f: sum(st["frame_stance"][(f, s)] for s in ("endorsed", "reported", "disputed"))
                 for f in default_codebook().frame_ids}
    missing += [f"{f}: {n} positives < {t['frame_positives']}" for f, n in positives.items()
                if n < t["frame_positives"]]
    big = sum(n >= t["big_frame_positives"] for n in positives.values())
    if big < t["big_frames"]:
        missing.append(f"{big} frames with {t['big_frame_positives']}+ positives < {t['big_frames']}")
    if st["no_frame"] < t["no_frame"]:
        missing.append(f"{st['no_frame']} no-frame passages < {t['no_frame']}")
    n_test = sum(r.split == "test" for r in records)
    if n_test < t["test"]:
        missing.append(f"{n_test} test passages < {t['test']}")
    return missing


# ------------------------------------------------------------------------------------------
# Data card
# ------------------------------------------------------------------------------------------

def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def datacard(records: Sequence[Record], agreement: str = "", real_agreement: str = "",
             passes: Sequence[dict[str, Any]] = ()) -> str:
    """The data card (Markdown) for ``records``: the written layer, then the real layer if present."""
    real = [r for r in records if r.layer == "real"]
    records = [r for r in records if r.layer == "written"]
    st = stats(records)
    cb = default_codebook()
    parts = split(records)
    random_parts = split(records, "random")
    missing = check_targets(records)
    lengths = sorted(st["lengths"])
    q = lambda p: lengths[min(len(lengths) - 1, int(p * len(lengths)))]  # noqa: E731
    bins = [(10, 29), (30, 39), (40, 79), (80, 120), (121, 180), (181, 250)]
    out = [
        "# Data card: the framing training corpus",
        "",
        "Generated by `python -m framing.corpus datacard` from `framing/data/corpus/*.jsonl` and "
        "`framing/data/real/`; do not edit by hand.",
        "",
        "The corpus has two layers: passages **written** for the project (this first part) and **real** published "
        "passages copied from openly licensed sources ([the real layer](#the-real-layer), below).",
        "",
        "# The written layer",
        "",
        "Every passage was written for this project and labelled by hand with the default codebook "
        "(`framing/data/codebook.toml`, the twin of CODEBOOK.md). No text was copied from news sites, data sets "
        "or any other source. Names of places, institutions and public figures are real; all wording and quotes "
        "are invented.",
        "",
        "## Record format",
        "",
        "One JSON object per line: `id`, `text`, `frames` (frame id -> stance; `{}` for no frame), `event` "
        "(`country_year`), `country`, `register`, `side` (`state_aligned`, `critical`, `neutral`).",
        "",
        f"## Size: {st['passages']} passages; {st['no_frame']} with no frame; "
        f"{st['multi_frame_share']:.0%} of framed passages carry two or more frames",
        "",
        _table(["frame", "positives", "endorsed", "reported", "disputed"],
               [(f, sum(st["frame_stance"][(f, s)] for s in cb.stance_ids),
                 *(st["frame_stance"][(f, s)] for s in cb.stance_ids)) for f in cb.frame_ids]),
        "",
        f"## Events ({len(st['events'])}) and countries ({len(st['countries'])})",
        "",
        _table(["event", "country", "passages", "split"],
               [(e, next(r.country for r in records if r.event == e), n,
                 "test" if e in SPLITS["test"] else "dev" if e in SPLITS["dev"] else "train")
                for e, n in sorted(st["events"].items())]),
        "",
        f"## Registers ({len(st['registers'])})",
        "",
        _table(["register", "passages"], sorted(st["registers"].items())),
        "",
        _table(["side", "passages"], sorted(st["sides"].items())),
        "",
        "## Length (words)",
        "",
        f"min {lengths[0]}, 10th percentile {q(0.1)}, median {q(0.5)}, 90th percentile {q(0.9)}, max {lengths[-1]}.",
        "",
        _table(["words", "passages"], [(f"{a}-{b}", sum(a <= n <= b for n in lengths)) for a, b in bins]),
        "",
        "## Splits",
        "",
        f"- Event-disjoint (the default model's evaluation): train {len(parts['train'])}, dev {len(parts['dev'])} "
        f"(events: {', '.join(SPLITS['dev'])}), test {len(parts['test'])} (events: {', '.join(SPLITS['test'])}). "
        "Dev and test events never occur in training. The shipped model is trained on train + dev; test is never "
        "used for training or tuning.",
        f"- Random: a record is in test when the first 8 hex digits of sha256(id), as an integer, mod 100 are "
        f"below {RANDOM_TEST_PERCENT} (train {len(random_parts['train'])}, test {len(random_parts['test'])}).",
        "",
        "## Checks (run in the tests: `python -m framing.corpus validate`)",
        "",
        "- Schema, frame and stance ids, 10-250 words, unique ids.",
        f"- Near-duplicates: no two passages with word 5-shingle Jaccard above {NEAR_DUPLICATE_JACCARD} "
        f"(found: {len(near_duplicates([r.text for r in records]))}).",
        f"- Template-like repetition: share of word 5-gram occurrences whose 5-gram recurs in 3 or more passages: "
        f"{repeated_ngram_share([r.text for r in records]):.4f} (limit {MAX_REPEATED_5GRAM_SHARE}).",
        f"- Targets (issue #3): {'; '.join(missing) or 'all met'}.",
        "",
    ]
    if agreement:
        out += ["## Label consistency", "", agreement, ""]
    if real:
        out += _real_card(real, real_agreement, passes)
    return "\n".join(out)


def _real_card(real: Sequence[Record], agreement: str, passes: Sequence[dict[str, Any]] = ()) -> list[str]:
    """The data card's part on the real layer (``passes``: the rows of ``passes.jsonl``)."""
    from .realtext import QUOTA, RIVALRY_UN, SOURCES, SPLIT_PERCENT

    stages = Counter(p.get("stage") for p in passes if not p.get("excluded"))
    stage_counts = ", ".join(f"stage {k}: {v}" for k, v in sorted(stages.items()) if k)

    st = stats(real)
    cb = default_codebook()
    sources = sorted(SOURCES)
    parts = split(real)
    missing = check_real_targets(real)
    lengths = sorted(st["lengths"])
    years = {s: sorted({(r.date or "")[:4] for r in real if r.source == s and r.date}) for s in sources}
    by = Counter((r.source, f) for r in real for f in r.frames)
    return [
        "# The real layer",
        "",
        "Real, openly licensed published passages, copied exactly from the pool kept beside the project "
        "(`../shared/realtext/pool.jsonl.gz`) and labelled by hand with the default codebook. Every record keeps "
        "its provenance: `source`, `doc`, `para`, `date`, `title`, `url`, `licence`, `attribution`, plus `split` "
        "and `cut` (always null here: no passage was cut). `NOTICE` gives the licences (CC BY 4.0 for "
        "en.kremlin.ru, CC BY 2.5 for Wikinews, public domain for UN records and White House texts).",
        "",
        f"## Size: {st['passages']} passages; {st['no_frame']} with no frame; "
        f"{st['multi_frame_share']:.0%} of framed passages carry two or more frames",
        "",
        _table(["frame", "positives", "endorsed", "reported", "disputed", *sources],
               [(f, sum(st["frame_stance"][(f, s)] for s in cb.stance_ids),
                 *(st["frame_stance"][(f, s)] for s in cb.stance_ids), *(by[(src, f)] for src in sources))
                for f in cb.frame_ids]),
        "",
        _table(["source", "passages", "no frame", "train", "dev", "test", "years"],
               [(s, sum(r.source == s for r in real), sum(r.source == s and not r.frames for r in real),
                 *(sum(r.source == s for r in parts[p]) for p in ("train", "dev", "test")),
                 f"{years[s][0]}-{years[s][-1]} ({len(years[s])} years)" if years[s] else "")
                for s in sources]),
        "",
        f"UN speeches come from {len({r.country for r in real if r.source == 'ungdc'})} countries. Length: min "
        f"{lengths[0]}, median {lengths[len(lengths) // 2]}, max {lengths[-1]} words.",
        "",
        "## How the passages were drawn",
        "",
        "`python -m framing.realtext draw` reproduces the list. First stage: every Wikinews paragraph, and per "
        "other source a quota from each of four nets: passages that name a rare frame's topic (colour revolutions, "
        "coups, regime change, peacekeeping, occupation, spheres of influence...), passages with frame vocabulary, "
        "passages about the crisis countries, and random passages ("
        + "; ".join(f"{src}: " + ", ".join(f"{v}" for v in q.values()) for src, q in QUOTA.items())
        + "), at most three passages of one document. Second stage, after the first 1,250 labels showed colour "
        "revolutions and great-power rivalry to be rare: every further passage of the colour-revolution net, every "
        f"Kremlin and White House passage of the rivalry net and {RIVALRY_UN} UN ones. Passages of 10-250 words; "
        "of two near-duplicates the later was dropped. The nets chose what a person read, never a label: most "
        "passages they found carry no frame. Third and fourth stages, for the train split only (so dev and test "
        "kept the first two stages' design): passages of train groups chosen with a frames-only model trained on "
        "the train split labelled so far: for each frame its highest-scoring unlabelled passages (150-380 per "
        "frame, more for the rarer frames), passages whose best score was uncertain (0.1-0.4), and random ones; "
        "at most five passages per document in all. Fifth stage, again for the train split only: every "
        "unlabelled train passage of 10-250 words, ordered by a model trained on the train splits (each "
        "frame's top candidates, uncertain ones and random ones in turn); the first 4,800 were labelled, most "
        "of the later ones frame-free; of two near-duplicates the one labelled earlier was kept, and the "
        "passages notebook 05 reads as unseen text were left out. Sixth stage, for the train and dev splits "
        "(never test): every passage of 10-250 words of a train or dev group still unlabelled, all of them read, "
        "in no particular order, less the near-duplicates of passages already labelled (skipped before reading) "
        "and notebook 05's passages; the train leftovers of stage 5 and, for dev, the whole of its groups, so "
        "from this stage on the dev split is every passage of its groups rather than a draw (its first-two-stage "
        "part keeps the test split's design). Seventh stage, the same for the test split: every passage of "
        "10-250 words of a test group still unlabelled, read in no particular order, less near-duplicates and "
        "notebook 05's passages, so the test split too is every passage of its groups; its first-two-stage part "
        "(the test set of every figure before this stage) is scored beside it. The `stage` field of "
        f"`framing/data/real/passes.jsonl` says which stage drew each passage ({stage_counts}).",
        "",
        "## Splits (fixed; by document or coarser)",
        "",
        f"A passage's split group is its UN speech, or the month of publication of its source (Kremlin, White "
        f"House, Wikinews), so readouts of one week's events never straddle train and test. A group is in test "
        f"when sha256 of its name mod 100 is below {SPLIT_PERCENT['test']}, in dev below "
        f"{SPLIT_PERCENT['test'] + SPLIT_PERCENT['dev']} (`framing.realtext.real_split`): train {len(parts['train'])}, "
        f"dev {len(parts['dev'])}, test {len(parts['test'])} passages. Every modelling choice is made on dev; test "
        "is only scored.",
        "",
        "## Labels",
        "",
        f"Each passage was read and labelled by one of {len({p['first']['annotator'] for p in passes}) or 'several'} "
        "annotators (each on its own slice) against the "
        "codebook and a written brief with decision rules for official speech (generic boilerplate is no frame; "
        "readouts in the third person are reported; ...), kept in `framing/data/real/LABELLING.md`. A blind "
        "second pass by further annotators, who never "
        "saw the first labels, covered a fixed 22% sample of every stage (sha256(id + ':second-pass') mod 100 < 22). "
        "`framing/data/real/passes.jsonl` keeps both passes, the final label and, for every disagreement, the "
        "adjudicated decision and its reason. White House passages that are mostly a journalist's question (not "
        "a government work) and text that is not English were left out (`excluded` in that file).",
        "",
        agreement,
        "",
        "## Checks (`python -m framing.corpus validate`; `python -m framing.realtext check` against the pool)",
        "",
        "- Schema, frame and stance ids, 10-250 words, unique ids, no near-duplicates within or across layers.",
        "- Provenance: source, licence and attribution that name the source's licence and attributee, url, doc, "
        "the split group as `event`, and the split that the group's hash gives.",
        "- Every text equals its pool passage, with the pool's provenance fields.",
        f"- Targets (issue #12): {'; '.join(missing) or 'all met'}.",
        "",
    ]


def agreement_section(path: str | Path | None = None) -> str:
    """Markdown for the data card: agreement between the corpus labels and an independent second
    pass (empty when there is no second pass yet).

    ``framing/data/corpus/second_pass.jsonl`` holds the labels an independent annotator gave to a
    sample of the corpus without seeing the first labels (``{"id", "first", "second"}`` per line,
    plus ``"resolution"`` for records whose disagreement was adjudicated). Agreement is computed
    against the first-pass labels kept in the same file, so it stays reproducible after the corpus
    was corrected.
    """
    p = Path(path) if path else corpus_dir() / "second_pass.jsonl"
    if not p.is_file():
        return ""
    rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    res = agreement([r["first"] for r in rows], [r["second"] for r in rows], codebook=default_codebook(),
                    names=("first pass", "second pass"))
    resolved = sum(1 for r in rows if r["first"] != r["second"])
    lines = [
        f"Independent second-pass annotators (four, each on its own share) labelled {res.passages} passages "
        "(a fixed 11% sample of every written file: sha256(id + ':second-pass') mod 100 < 11) from the codebook "
        "alone, without seeing the "
        "first labels. Agreement between the two passes, before adjudication:",
        "",
        *res.markdown(),
    ]
    lines += [
        "",
        f"The {resolved} passages where the passes differed were adjudicated against the codebook by a third reader "
        "who saw both label sets; the corpus holds the adjudicated labels (`resolution` in "
        "`framing/data/corpus/second_pass.jsonl` gives the decision and reason for each).",
    ]
    return "\n".join(lines)


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framing.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["validate", "datacard"])
    parser.add_argument("--out", default="DATACARD.md")
    parser.add_argument("--pool", default=None, help="the real-text pool to check real passages against "
                        "(default: ../shared/realtext/pool.jsonl.gz when it exists)")
    args = parser.parse_args(argv)
    records = load_corpus()
    if args.command == "validate":
        from .realtext import find_pool, load_pool

        pool_path = Path(args.pool) if args.pool else find_pool()
        print(f"real texts checked against {pool_path}" if pool_path else
              "real-text pool not found: real texts not checked against it (pass --pool)", file=sys.stderr)
        problems = validate_corpus(records, pool=load_pool(pool_path) if pool_path else None)
        for p in problems:
            print(p)
        print(f"{len(records)} records; {len(problems)} problems", file=sys.stderr)
        return 1 if problems else 0
    from .realtext import agreement_section as real_agreement_section

    passes = read_passes()
    Path(args.out).write_text(datacard(records, agreement_section(), real_agreement_section(passes), passes),
                              encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
