"""Two questions about the real layer, answered with the build protocol (``framing.build.fit``):

    python bench/real_data.py curve      # real dev micro-F1 as the real train split grows
    python bench/real_data.py overlap    # do real passages about the written test events lift
                                         # the written test figures?

``curve`` trains on the written train split plus 1/8, 1/4, 1/2 and all of the real train split
(whole split groups, drawn at random with a fixed seed) and scores the real and written dev splits.
``overlap`` finds the real train and dev passages that name a written test event's country in its
year or the next (Armenia 2018, Iran 2022, Kyrgyzstan 2020, Nagorno-Karabakh 2020, Uzbekistan
2022), trains the default model without them, and scores both test splits. Each prints one JSON
line per model; each model takes two to four minutes on the benchmark machine.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from framing.build import HEADLINE, fit, score  # noqa: E402
from framing.corpus import load_corpus, split  # noqa: E402

SEED = 7
TEST_EVENTS = [(re.compile(r"Armenia|Yerevan|Pashinyan", re.I), ("2018", "2019")),
               (re.compile(r"Iran|Tehran|Mahsa|Amini", re.I), ("2022", "2023")),
               (re.compile(r"Kyrgyz|Bishkek|Japarov", re.I), ("2020", "2021")),
               (re.compile(r"Karabakh|Azerbaij|Armenia", re.I), ("2020", "2021")),
               (re.compile(r"Uzbek|Karakalpak|Nukus", re.I), ("2022", "2023"))]


def about_a_written_test_event(record) -> bool:
    """Whether a real passage names a written test event's country in that event's year or the next."""
    year = (record.date or "")[:4]
    return any(rx.search(record.text) and year in years for rx, years in TEST_EVENTS)


def _scores(model, parts: dict[str, list]) -> dict[str, dict]:
    return {name: {k: score(model, recs)[k] for k in HEADLINE} for name, recs in parts.items()}


def curve() -> None:
    written, real = split(load_corpus("written")), split(load_corpus("real"))
    groups = sorted({r.event for r in real["train"]})
    random.Random(SEED).shuffle(groups)
    for share in (0.125, 0.25, 0.5, 1.0):
        keep = set(groups[: round(share * len(groups))])
        part = [r for r in real["train"] if r.event in keep]
        model = fit(written["train"] + part)
        print(json.dumps({"real_train_share": share, "real_train_passages": len(part),
                          **_scores(model, {"real_dev": real["dev"], "written_dev": written["dev"]})}), flush=True)


def overlap() -> None:
    written, real = split(load_corpus("written")), split(load_corpus("real"))
    fit_real = real["train"] + real["dev"]
    near = [r for r in fit_real if about_a_written_test_event(r)]
    by_source = {s: sum(r.source == s for r in near) for s in sorted({r.source for r in near})}
    model = fit(written["train"] + written["dev"] + [r for r in fit_real if not about_a_written_test_event(r)])
    print(json.dumps({"left_out": len(near), "left_out_by_source": by_source,
                      **_scores(model, {"real_test": real["test"], "written_test": written["test"]})}), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/real_data.py", description=__doc__.split("\n")[0])
    parser.add_argument("question", choices=["curve", "overlap"])
    args = parser.parse_args(argv)
    {"curve": curve, "overlap": overlap}[args.question]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
