"""Draw notebooks/data/realtext_crises.jsonl (notebook 05) from the real-text pool.

The pool (``pool.jsonl.gz``, about 27,000 openly licensed passages of the Kremlin, the UN General
Debate, the White House and Wikinews) is the project's real-text source; see its README for the
licences. This script keeps Kremlin, UN and White House passages about five crises (Belarus,
Ukraine, Kazakhstan, Georgia, Syria), and copies every field of each record unchanged, adding one:
``crisis``, the country its crisis keywords name most often.

Usage (needs the pool; the notebook only needs the output)::

    python notebooks/data/select_realtext.py /path/to/pool.jsonl.gz notebooks/data/realtext_crises.jsonl

Rules, in order:

* corpus ``kremlin``, ``ungdc`` or ``whitehouse``; a date; 25 to 260 words;
* no White House press briefings, gaggles, background calls, press conferences, interviews or
  "what they are saying" pages: they hold journalists' questions or third parties' words, which
  are not works of the US government;
* a crisis keyword (names of the country, its capital, its leaders, its contested regions; the
  bare word "Georgia" counts except at the White House, where it is mostly the US state);
* per (corpus, crisis), at most 24 passages: half from the passages with the most words of
  unrest and conflict (protest, coup, revolution, terrorist, troops, sovereignty, NATO, ...), half
  at random from the rest, spread over decades in turn; seed 14.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

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


def select(records: list[dict]) -> list[dict]:
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        if r["corpus"] not in CORPORA or not r.get("date") or not 25 <= len(r["text"].split()) <= 260:
            continue
        if r["corpus"] == "whitehouse" and NOT_GOVERNMENT_WORDS.search(str(r["doc"])):
            continue
        crisis = crisis_of(r)
        if crisis is not None:
            cells[(r["corpus"], crisis)].append({**r, "crisis": crisis})
    rng = random.Random(SEED)
    chosen = []
    for key in sorted(cells):
        pool = sorted(cells[key], key=lambda r: r["id"])
        rng.shuffle(pool)
        pool.sort(key=lambda r: -len(UNREST.findall(r["text"])))  # stable: shuffled within equal counts
        half = PER_CELL // 2
        picked = pool[:half] + _by_decade(pool[half:], PER_CELL - half, rng)
        chosen += picked[:PER_CELL]
    return sorted(chosen, key=lambda r: (r["corpus"], r["crisis"], str(r["date"]), r["id"]))


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


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    chosen = select(records)
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    print(f"{len(chosen)} passages -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
