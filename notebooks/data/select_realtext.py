"""Draw notebooks/data/realtext_crises.jsonl (notebook 05) from the real-text pool.

The pool (``pool.jsonl.gz``, about 27,000 openly licensed passages of the Kremlin, the UN General
Debate, the White House and Wikinews) is the project's real-text source; see its README for the
licences. This script keeps Kremlin, UN and White House passages about five crises (Belarus,
Ukraine, Kazakhstan, Georgia, Syria), and copies every field of each record unchanged, adding one:
``crisis``, the country its crisis keywords name most often.

Part of the pool is labelled: the real layer of the project's corpus
(``framing.corpus.load_corpus("real")``), split by document or month into train, dev and test.
The default model is trained on the train and dev splits, so **no passage of those splits is ever
drawn**. Passages of the test split are drawn first and carry their gold labels in two more fields:
``split`` (``"test"``) and ``gold`` (frame id -> stance, ``{}`` for a passage with no frame).
Passages no one labelled are copied as they are, without those two fields.

Usage (needs the pool and the framing package; the notebook only needs the output)::

    PYTHONPATH=. python notebooks/data/select_realtext.py /path/to/pool.jsonl.gz notebooks/data/realtext_crises.jsonl

Rules, in order:

* corpus ``kremlin``, ``ungdc`` or ``whitehouse``; a date; 25 to 260 words;
* not in the train or dev split of the real corpus;
* no White House press briefings, gaggles, background calls, press conferences, interviews or
  "what they are saying" pages: they hold journalists' questions or third parties' words, which
  are not works of the US government;
* a crisis keyword (names of the country, its capital, its leaders, its contested regions; the
  bare word "Georgia" counts except at the White House, where it is mostly the US state);
* per (corpus, crisis), at most 24 passages: first the passages of the real test split, then, to
  fill the cell, unlabelled passages. Each of the two is picked the same way when there are more
  than the cell can take: about half from the passages with the most words of unrest and conflict
  (protest, coup, revolution, terrorist, troops, sovereignty, NATO, ...), the rest at random,
  spread over decades in turn; seed 14.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

try:
    from framing.corpus import load_corpus
except ImportError:  # run from a checkout without PYTHONPATH
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from framing.corpus import load_corpus

SEED = 14
PER_CELL = 24
CORPORA = ("kremlin", "ungdc", "whitehouse")
NOT_GOVERNMENT_WORDS = re.compile(r"press-briefing|press-gaggle|background-press|press-conference|what-they|"
                                  r"marine-one|departure|exchange-with|q-and-a|interview", re.I)
CRISES = {
    "belarus": re.compile(r"\bbelarus|\blukashenk|\btsikhanousk", re.I),
    "ukraine": re.compile(r"\bukrain|\bmaidan|\bdonbas|\bkiev\b|\bkyiv\b|\bcrimea|\bluhansk|\blugansk|\bdonetsk|"
                          r"\bzelensk|\byanukovych|\bporoshenko", re.I),
    "kazakhstan": re.compile(r"\bkazakh|\balmaty\b|\btokayev|\bnazarbayev|\bastana\b|\bnur-sultan", re.I),
    "georgia": re.compile(r"\btbilisi|\bossetia|\babkhaz|\bsaakashvili|\bgeorgian\b", re.I),
    "syria": re.compile(r"\bsyria|\bassad\b|\baleppo|\bdamascus|\bidlib|\bdaesh\b", re.I),
}
GEORGIA = re.compile(r"\bGeorgia\b")
UNREST = re.compile(r"\bprotest|\bunrest|\briot|\bcoup\b|\brevolution|\bterror|\bextremis|\binterfer|\btroops\b|"
                    r"\bpeacekeep|\bsovereign|\bnato\b|\bwar\b|\bviolen|\bopposition\b|\bsanction|\boccup|\bcrackdown|"
                    r"\barrest|\bregime\b|\bcolou?r revolution|\bmaidan\b|\bdestabili|\binvasion|\baggression", re.I)


def crisis_of(record: dict) -> str | None:
    text = record["text"]
    counts = {c: len(p.findall(text)) for c, p in CRISES.items()}
    if record["corpus"] != "whitehouse":
        counts["georgia"] += len(GEORGIA.findall(text))
    best = max(counts, key=counts.__getitem__)  # ties: the first crisis in CRISES
    return best if counts[best] else None


def select(records: list[dict], labelled: dict[str, tuple[str, dict[str, str]]] | None = None) -> list[dict]:
    """The sample: ``labelled`` maps the id of a labelled pool passage to its split and gold labels."""
    labelled = labelled or {}
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        if r["corpus"] not in CORPORA or not r.get("date") or not 25 <= len(r["text"].split()) <= 260:
            continue
        split, gold = labelled.get(r["id"], (None, None))
        if split in ("train", "dev"):  # the default model was trained on these
            continue
        if r["corpus"] == "whitehouse" and NOT_GOVERNMENT_WORDS.search(str(r["doc"])):
            continue
        crisis = crisis_of(r)
        if crisis is not None:
            extra = {"split": split, "gold": dict(gold)} if split is not None else {}
            cells[(r["corpus"], crisis)].append({**r, "crisis": crisis, **extra})
    rng = random.Random(SEED)
    chosen = []
    for key in sorted(cells):
        pool = sorted(cells[key], key=lambda r: r["id"])
        rng.shuffle(pool)
        pool.sort(key=lambda r: -len(UNREST.findall(r["text"])))  # stable: shuffled within equal counts
        test = _pick([r for r in pool if "gold" in r], PER_CELL, rng)
        chosen += test + _pick([r for r in pool if "gold" not in r], PER_CELL - len(test), rng)
    return sorted(chosen, key=lambda r: (r["corpus"], r["crisis"], str(r["date"]), r["id"]))


def _pick(pool: list[dict], n: int, rng: random.Random) -> list[dict]:
    """``n`` passages of ``pool`` (sorted by words of unrest): the first half, then a spread over decades."""
    if len(pool) <= n:
        return pool
    half = (n + 1) // 2
    return pool[:half] + _by_decade(pool[half:], n - half, rng)


def _by_decade(pool: list[dict], n: int, rng: random.Random) -> list[dict]:
    decades: dict[str, list[dict]] = defaultdict(list)
    for r in pool:
        decades[str(r["date"])[:3]].append(r)
    for rows in decades.values():
        rng.shuffle(rows)
    out, order = [], sorted(decades)
    while len(out) < n and any(decades.values()):
        for d in order:
            if decades[d] and len(out) < n:
                out.append(decades[d].pop())
    return out


def labelled_passages() -> dict[str, tuple[str, dict[str, str]]]:
    """Split and gold labels of every labelled pool passage (the real layer of the corpus)."""
    return {r.id: (r.split, dict(r.frames)) for r in load_corpus("real")}


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    labelled = labelled_passages()
    texts = {r.id: r.text for r in load_corpus("real")}
    chosen = select(records, labelled)
    for r in chosen:  # gold labels belong to exactly this text
        assert "gold" not in r or texts[r["id"]] == r["text"], r["id"]
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    n_gold = sum("gold" in r for r in chosen)
    print(f"{len(chosen)} passages -> {target} ({n_gold} of the real test split, with gold labels)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
