"""The real layer of the corpus: provenance, fixed splits by document, and checks against the pool.

Real passages are copied exactly from the pool of openly licensed published text kept beside the
project (``../shared/realtext/pool.jsonl.gz``: en.kremlin.ru, the UN General Debate Corpus, the
White House briefing room, English Wikinews) and labelled by hand with the default codebook. Each
record keeps the pool's provenance (``source``, ``doc``, ``para``, ``date``, ``title``, ``url``,
``licence``, ``attribution``) next to the fields of the written layer; ``NOTICE`` at the top of
the repository gives the licences.

The labels live in ``framing/data/real/passes.jsonl``, one line per passage: the first pass,
the blind second pass where there was one, the final (adjudicated) label and the reason for it,
and why a passage was left out (``excluded``). ``passages.jsonl`` is built from that file and the
pool, so every text is the pool's own.

Command line::

    python -m framing.realtext draw --pool POOL      # the ids drawn for labelling (reproducible)
    python -m framing.realtext assemble --pool POOL  # passes.jsonl + pool -> passages.jsonl
    python -m framing.realtext check --pool POOL     # every text equals its pool passage
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Sequence

__all__ = ["SOURCES", "split_group", "real_split", "find_pool", "load_pool", "check_against_pool", "draw_sample"]

# What each source is, and what every record of it must say about its licence and attribution.
SOURCES: dict[str, dict[str, str]] = {
    "kremlin": {"licence": "CC BY 4.0", "attribution": "en.kremlin.ru", "register": "official_statement",
                "side": "state_aligned", "country": "RUS"},
    "whitehouse": {"licence": "public domain", "attribution": "White House", "register": "official_statement",
                   "side": "critical", "country": "USA"},
    "ungdc": {"licence": "public domain", "attribution": "United Nations General Debate Corpus",
              "register": "un_speech", "side": "neutral", "country": ""},
    "wikinews": {"licence": "CC BY 2.5", "attribution": "Wikinews", "register": "wire", "side": "neutral",
                 "country": ""},
}
REAL_REGISTERS = tuple(sorted({s["register"] for s in SOURCES.values()}))
SPLIT_PERCENT = {"test": 20, "dev": 20}  # of split groups, by hash; the rest is train
PROVENANCE = ("source", "doc", "para", "date", "title", "url", "licence", "attribution")
# A pool record of the documented format, for the examples (its text is made up).
_EXAMPLE = {"id": "kremlin:1:0", "corpus": "kremlin", "doc": 1, "para": 0, "date": "2022-01-10", "country": None,
            "title": "An example", "url": "http://en.kremlin.ru/events/president/news/1",
            "licence": "CC BY 4.0 (en.kremlin.ru)", "attribution": "en.kremlin.ru, CC BY 4.0",
            "text": "This example passage has just enough words to pass the corpus length check."}


def split_group(source: str, doc: Any, date: str | None) -> str:
    """The unit the real splits are cut by: a UN speech, or a source's month of publication.

    A month of Kremlin, White House or Wikinews text goes to one split as a whole, so readouts of
    the same week's events never straddle train and test; a UN speech is its own group.

    Examples
    --------
    >>> split_group("kremlin", 67568, "2022-01-10"), split_group("ungdc", "BLR_75_2020", "2020")
    ('real:kremlin:2022-01', 'real:ungdc:BLR_75_2020')
    """
    if source == "ungdc" or not date:
        return f"real:{source}:{doc}"
    return f"real:{source}:{date[:7]}"


def real_split(group: str) -> str:
    """The fixed split of a group: ``"test"``, ``"dev"`` or ``"train"``, from sha256 of its name.

    Examples
    --------
    >>> real_split("real:ungdc:BLR_75_2020") in ("train", "dev", "test")
    True
    """
    x = int(hashlib.sha256(("real-split:" + group.removeprefix("real:")).encode()).hexdigest()[:8], 16) % 100
    return "test" if x < SPLIT_PERCENT["test"] else "dev" if x < SPLIT_PERCENT["test"] + SPLIT_PERCENT["dev"] else "train"


def find_pool() -> Path | None:
    """The pool file, if this checkout sits beside it (or ``FRAMING_REALTEXT_POOL`` names it).

    Examples
    --------
    >>> path = find_pool()
    >>> path is None or path.name == "pool.jsonl.gz"
    True
    """
    env = os.environ.get("FRAMING_REALTEXT_POOL")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent.parent
    candidates += [here.parent / "shared" / "realtext" / "pool.jsonl.gz",
                   here.parent.parent / "shared" / "realtext" / "pool.jsonl.gz"]
    return next((p for p in candidates if p.is_file()), None)


def load_pool(path: str | Path) -> dict[str, dict[str, Any]]:
    """Pool records by id (see ``../shared/realtext/README.md`` for the record format).

    Examples
    --------
    >>> pool = load_pool(find_pool()) if find_pool() else {"kremlin:1:0": {"corpus": "kremlin"}}
    >>> all(r["corpus"] in SOURCES for r in pool.values())
    True
    """
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def provenance_problems(rec: Any) -> list[str]:
    """What a real record's provenance fields get wrong (source, licence, attribution, url, split).

    Examples
    --------
    >>> from framing.corpus import Record
    >>> rec = Record(**real_record(_EXAMPLE, {}))
    >>> provenance_problems(rec)
    []
    >>> provenance_problems(Record(**{**rec.__dict__, "licence": "all rights reserved"}))
    ["record 'kremlin:1:0': licence 'all rights reserved' does not name 'CC BY 4.0'"]
    """
    where = f"record {rec.id!r}"
    spec = SOURCES.get(rec.source)
    if spec is None:
        return [f"{where}: unknown source {rec.source!r}; valid: {', '.join(SOURCES)}"]
    out = []
    for name in ("doc", "url", "licence", "attribution"):
        if not str(getattr(rec, name) or "").strip():
            out.append(f"{where}: missing {name}")
    if spec["licence"].lower() not in (rec.licence or "").lower():
        out.append(f"{where}: licence {rec.licence!r} does not name {spec['licence']!r}")
    if spec["attribution"].lower() not in (rec.attribution or "").lower():
        out.append(f"{where}: attribution {rec.attribution!r} does not name {spec['attribution']!r}")
    if not rec.id.startswith(f"{rec.source}:"):
        out.append(f"{where}: id must start with its source {rec.source!r}")
    group = split_group(rec.source, rec.doc, rec.date)
    if rec.event != group:
        out.append(f"{where}: event {rec.event!r} must be its split group {group!r}")
    if rec.split != real_split(group):
        out.append(f"{where}: split {rec.split!r} but its group {group!r} belongs to {real_split(group)!r}")
    if rec.register != spec["register"] or rec.side != spec["side"]:
        out.append(f"{where}: register/side must be {spec['register']!r}/{spec['side']!r} for {rec.source}")
    return out


def check_against_pool(records: Iterable[Any], pool: dict[str, dict[str, Any]]) -> list[str]:
    """Every real record's text and provenance equal its pool passage (cut passages: a prefix
    that ends at a sentence end, as their ``cut`` field says).

    Examples
    --------
    >>> from framing.corpus import Record
    >>> rec = Record(**real_record(_EXAMPLE, {}))
    >>> check_against_pool([rec], {rec.id: _EXAMPLE})
    []
    >>> check_against_pool([Record(**{**rec.__dict__, "text": rec.text + "!"})], {rec.id: _EXAMPLE})
    ["record 'kremlin:1:0': text differs from its pool passage"]
    """
    out = []
    for rec in records:
        src = pool.get(rec.id)
        if src is None:
            out.append(f"record {rec.id!r}: not in the pool")
            continue
        if rec.cut:
            if not (src["text"].startswith(rec.text) and rec.text.rstrip()[-1:] in ".!?\"'”’)"):
                out.append(f"record {rec.id!r}: cut text is not a sentence-final prefix of its pool passage")
        elif rec.text != src["text"]:
            out.append(f"record {rec.id!r}: text differs from its pool passage")
        for name in PROVENANCE:
            want = src["corpus"] if name == "source" else src[name]
            if getattr(rec, name) != want:
                out.append(f"record {rec.id!r}: {name} {getattr(rec, name)!r} differs from the pool's {want!r}")
    return out


# ------------------------------------------------------------------------------------------
# How the passages to label were drawn (kept so the sample can be reproduced and audited)
# ------------------------------------------------------------------------------------------

# Sampling nets only: they decide which passages a person reads, never a label.
_RARE = re.compile(r"colou?r(ed)? revolution|orange revolution|rose revolution|tulip revolution|velvet revolution|"
                   r"maidan|arab spring|regime change|coup|export\w* (of )?democracy|democracy export|spheres? of "
                   r"influence|near abroad|occupation|occupied|annex|puppet|peace-?keep|CSTO|collective security "
                   r"treaty|NATO (expansion|enlargement)|eastward|multipolar|unipolar|Soros|\bNGOs?\b|overthrow", re.I)
_FRAME = re.compile(r"interfer|foreign hand|from abroad|outside forces|external forces|financ\w+ (by|from)|terroris|"
                    r"bandit|extremis|\briot|unrest|protest|demonstrat|crackdown|repress|arrest|tortur|detain|"
                    r"opposition|uprising|revolt|insurrection|rebellion|dictator|martial law|state of emergency|"
                    r"curfew|security forces|opened fire|sovereignt|hegemon|great power|geopolit|cold war|\bNATO\b|"
                    r"the West\b|Western", re.I)
_COUNTRY = re.compile(r"Belarus|Minsk|Lukashenko|Ukrain|Kiev|Kyiv|Crimea|Donbas|Georgia|Tbilisi|Abkhaz|Ossetia|"
                      r"Armenia|Yerevan|Karabakh|Kyrgyz|Bishkek|Kazakh|Almaty|Tokayev|Hong Kong|Iran|Tehran|"
                      r"Venezuela|Caracas|Maduro|Syria|Damascus|Assad|Libya|Egypt|Moldova|Nicaragua|Cuba|Myanmar|"
                      r"Tajik|Uzbek|Serbia|Bolivia|Sudan|Bahrain|Chechn|Afghanistan|Iraq|Lebanon|Yemen|Hungary|"
                      r"Czechoslovakia|Poland|Grenada|Panama")
# Passages drawn per source and net: R rare-frame net, F frame net, C crisis countries, X random.
QUOTA = {"kremlin": {"R": 350, "F": 350, "C": 250, "X": 300},
         "whitehouse": {"R": 250, "F": 300, "C": 200, "X": 250},
         "ungdc": {"R": 400, "F": 400, "C": 250, "X": 350}}
PER_DOC = 3  # at most this many passages of one document, so the sample spreads over documents
SEED = 20261206
# Second stage, after the first 1,250 labels showed colour revolutions and great-power rivalry to
# be rare (about 1 and 7 in 418): every further passage the colour-revolution net finds, every
# Kremlin and White House passage the rivalry net finds, and RIVALRY_UN of the UN ones.
_COLOR = re.compile(r"colou?r(ed)? revolution|orange revolution|rose revolution|tulip revolution|velvet revolution|"
                    r"maidan|regime change|Soros|street revolution|revolutions? (imposed|exported|staged)|"
                    r"export(ing|ed)? (of )?revolution|coup d|anti-constitutional coup|unconstitutional seizure|"
                    r"puppet", re.I)
_RIVALRY = re.compile(r"NATO('s)? (expansion|enlargement|eastward|infrastructure)|eastward|anti-Russia|Russia's "
                      r"orbit|chessboard|containment of Russia|contain Russia|encircle|new cold war|spheres? of "
                      r"influence|great[- ]power (rivalry|competition)|geopolitical (game|rivalry|confrontation)|"
                      r"security guarantees|buffer|bloc confrontation", re.I)
RIVALRY_UN = 220


def draw_sample(pool: dict[str, dict[str, Any]] | Sequence[dict[str, Any]], *, second_stage: bool = True
                ) -> list[str]:
    """The ids drawn for labelling, in drawing order.

    First stage: every Wikinews paragraph, and per other source a quota from each sampling net
    (rare frames, frame words, crisis countries, random), at most ``PER_DOC`` per document.
    Second stage: the colour-revolution and rivalry nets (see ``_COLOR``). Only passages of
    10-250 words; of two near-duplicates the later is dropped.

    Examples
    --------
    >>> draw_sample([dict(_EXAMPLE, id=f"wikinews:{i}:0", corpus="wikinews", text=_EXAMPLE["text"] + f" {i} times.")
    ...              for i in range(2)])    # every Wikinews paragraph, the near-duplicate left out
    ['wikinews:0:0']
    """
    from .corpus import near_duplicates

    records = list(pool.values()) if isinstance(pool, dict) else list(pool)
    ok = [r for r in records if 10 <= len(r["text"].split()) <= 250]
    rng = random.Random(SEED)
    chosen: list[dict[str, Any]] = []
    taken: set[str] = set()
    per_doc: Counter[tuple[str, str]] = Counter()
    for corpus, quota in QUOTA.items():
        recs = [r for r in ok if r["corpus"] == corpus]
        net = {r["id"]: "R" if _RARE.search(r["text"]) else "F" if _FRAME.search(r["text"])
               else "C" if _COUNTRY.search(r["text"]) else "O" for r in recs}
        for c in ("R", "F", "C", "X"):
            cands = [r for r in recs if c == "X" or net[r["id"]] == c]
            rng.shuffle(cands)
            n = 0
            for r in cands:
                if n >= quota[c]:
                    break
                key = (corpus, str(r["doc"]))
                if per_doc[key] >= PER_DOC or r["id"] in taken:
                    continue
                taken.add(r["id"])
                per_doc[key] += 1
                chosen.append(r)
                n += 1
    chosen += [r for r in ok if r["corpus"] == "wikinews"]
    first = _without_near_duplicates(chosen, near_duplicates)
    if not second_stage:
        return [r["id"] for r in first]
    taken = {r["id"] for r in first}
    rest = [r for r in ok if r["id"] not in taken]
    color = [r for r in rest if _COLOR.search(r["text"])]
    rivalry = [r for r in rest if not _COLOR.search(r["text"]) and _RIVALRY.search(r["text"])]
    un = [r for r in rivalry if r["corpus"] == "ungdc"]
    random.Random(SEED + 1).shuffle(un)
    extra = color + [r for r in rivalry if r["corpus"] != "ungdc"] + un[:RIVALRY_UN]
    return [r["id"] for r in _without_near_duplicates(first + extra, near_duplicates)]


def _without_near_duplicates(records: list[dict[str, Any]], near_duplicates: Any) -> list[dict[str, Any]]:
    """``records`` without the later passage of each near-duplicate pair."""
    drop: set[int] = set()
    for i, j, _ in near_duplicates([r["text"] for r in records]):
        if i not in drop:
            drop.add(j)
    return [r for k, r in enumerate(records) if k not in drop]


def real_record(src: dict[str, Any], frames: dict[str, str], note: str = "") -> dict[str, Any]:
    """The corpus record of pool passage ``src`` labelled ``frames``: the written layer's fields,
    the pool's provenance, and the fixed split of its group.

    Examples
    --------
    >>> r = real_record(_EXAMPLE, {"law_and_order": "endorsed"})
    >>> r["source"], r["event"], r["split"] in ("train", "dev", "test"), r["url"] == _EXAMPLE["url"]
    ('kremlin', 'real:kremlin:2022-01', True, True)
    """
    spec = SOURCES[src["corpus"]]
    group = split_group(src["corpus"], src["doc"], src["date"])
    return {"id": src["id"], "text": src["text"], "frames": dict(frames), "event": group,
            "country": src.get("country") or spec["country"], "register": spec["register"], "side": spec["side"],
            "source": src["corpus"], "doc": src["doc"], "para": src["para"], "date": src["date"],
            "title": src["title"], "url": src["url"], "licence": src["licence"], "attribution": src["attribution"],
            "split": real_split(group), "cut": None, "note": note}


def assemble(passes: Iterable[dict[str, Any]], pool: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of ``passages.jsonl``: every passage of ``passes`` that was not excluded, with
    its final label, in id order.

    Examples
    --------
    >>> passes = [{"id": "kremlin:1:0", "final": {}}, {"id": "kremlin:2:0", "final": {}, "excluded": "garbled"}]
    >>> [r["id"] for r in assemble(passes, {"kremlin:1:0": _EXAMPLE})]
    ['kremlin:1:0']
    """
    out = [real_record(pool[p["id"]], p["final"], p.get("note") or "") for p in passes if not p.get("excluded")]
    return sorted(out, key=lambda r: r["id"])


def agreement_section(passes: Sequence[dict[str, Any]]) -> str:
    """Markdown for the data card: agreement of the blind second pass with the first, per frame."""
    from .codebooks import default_codebook
    from .reliability import agreement

    both = [p for p in passes if p.get("second") and not p.get("excluded")]
    if not both:
        return ""
    res = agreement([p["first"]["frames"] for p in both], [p["second"]["frames"] for p in both],
                    codebook=default_codebook(), names=("first pass", "second pass"))
    changed = sum(p["final"] != p["first"]["frames"] for p in both)
    lines = [
        f"Agreement of the blind second pass with the first, on the {res.passages} passages both labelled, "
        "before adjudication:",
        "",
        *res.markdown(),
        "",
        f"The {len(res.disagreements)} passages where the passes differed were adjudicated against the codebook "
        "by a reader who saw both label sets and both notes (in random order, not knowing which pass was which); "
        f"the adjudication changed the first pass's label on {changed}.",
    ]
    return "\n".join(lines)


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framing.realtext", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["draw", "assemble", "check"])
    parser.add_argument("--pool", default=None, help="path of pool.jsonl.gz (default: found beside the checkout)")
    args = parser.parse_args(argv)
    path = Path(args.pool) if args.pool else find_pool()
    if path is None or not path.is_file():
        print("pool.jsonl.gz not found: pass --pool or set FRAMING_REALTEXT_POOL", file=sys.stderr)
        return 2
    pool = load_pool(path)
    if args.command == "draw":
        print(json.dumps(draw_sample(pool)))
        return 0
    from .corpus import load_corpus, read_passes, real_dir

    if args.command == "assemble":
        records = assemble(read_passes(), pool)
        with open(real_dir() / "passages.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        print(f"wrote {len(records)} records to {real_dir() / 'passages.jsonl'}", file=sys.stderr)
        return 0
    problems = check_against_pool(load_corpus(layer="real"), pool)
    for p in problems:
        print(p)
    print(f"{len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(_main())
