"""Shared fixtures: a tiny labelled corpus written for the tests, and a model fitted on it."""

from __future__ import annotations

import contextlib

import pytest

import framing

# Twenty-four short passages, two frames and three stances, written for these tests.
TINY = [
    ("Riot police beat students with batons and dragged them into vans outside the university.", {"repression": "endorsed"}),
    ("Soldiers fired live rounds at the crowd; at least nine people died in the square.", {"repression": "endorsed"}),
    ("Hundreds were detained overnight and lawyers say several were tortured in custody.", {"repression": "endorsed"}),
    ("The internet was cut for five days while security forces hunted down organisers.", {"repression": "endorsed"}),
    ("Human rights groups said police had fired on demonstrators, a claim the ministry rejected.", {"repression": "reported"}),
    ("Opposition leaders told reporters that the crackdown had left dozens in hospital.", {"repression": "reported"}),
    ("According to the monitors, the arrests amounted to a campaign of intimidation.", {"repression": "reported"}),
    ("The so-called 'crackdown' the exiles describe consisted of officers asking people to go home.", {"repression": "disputed"}),
    ("Talk of 'torture' is propaganda; no evidence has been shown by those who spread it.", {"repression": "disputed"}),
    ("Western channels invent 'mass arrests' that nobody in the city has seen.", {"repression": "disputed"}),
    ("Fuel prices doubled in January and the oil towns walked out in protest.", {"popular_revolt": "endorsed"}),
    ("People were fed up with corruption and the ruling clan; the strikes spread to every mine.", {"popular_revolt": "endorsed"}),
    ("Pensioners and teachers marched peacefully, demanding lower prices and the minister's resignation.", {"popular_revolt": "endorsed"}),
    ("Workers said they struck because wages had not been paid for four months.", {"popular_revolt": "reported"}),
    ("Protest organisers told the agency the rallies were about inflation, not politics.", {"popular_revolt": "reported"}),
    ("The strike committee said the movement grew out of anger at the price hike.", {"popular_revolt": "reported"}),
    ("The 'spontaneous' protest arrived by bus, with printed banners and paid coordinators.", {"popular_revolt": "disputed"}),
    ("Calling these rioters 'ordinary people angry about prices' is a fairy tale.", {"popular_revolt": "disputed"}),
    ("There was nothing popular about it: the 'grievances' were a pretext prepared in advance.", {"popular_revolt": "disputed"}),
    ("The striking miners were beaten by riot police when they marched against the price rise.", {"popular_revolt": "endorsed", "repression": "endorsed"}),
    ("The football season opened on Saturday with a draw in the capital.", {}),
    ("Snow closed the northern highway for six hours, the road agency said.", {}),
    ("The central bank left interest rates unchanged at its March meeting.", {}),
    ("Flights resumed from the main airport on Monday after repairs to the runway.", {}),
]
TINY_TEXTS = [t for t, _ in TINY]
TINY_LABELS = [l for _, l in TINY]
TINY_CODEBOOK = {
    "name": "tiny",
    "frames": [
        {"id": "repression", "name": "Repression", "cues": ["riot police", "crackdown", "detained"]},
        {"id": "popular_revolt", "name": "Popular revolt", "cues": ["prices", "strike", "wages"]},
    ],
    "stances": [{"id": "endorsed"}, {"id": "reported"}, {"id": "disputed"}],
}


@pytest.fixture(scope="session")
def tiny_model():
    return framing.FrameClassifier(codebook=TINY_CODEBOOK, min_df=1, cv=2).fit(TINY_TEXTS, TINY_LABELS)


@pytest.fixture(scope="session")
def default_model():
    return framing.default_model()


@contextlib.contextmanager
def interrupt_batch(monkeypatch, at: int = 3):
    """Within the block, ``framing.batch`` raises KeyboardInterrupt when it classifies its
    ``at``-th batch, as a user's Ctrl-C would."""
    import framing.batch as batch

    real, calls = batch._classify_dicts, {"n": 0}

    def interrupt(*args):
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt
        return real(*args)

    with monkeypatch.context() as m:
        m.setattr(batch, "_classify_dicts", interrupt)
        yield
