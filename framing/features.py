"""Feature extraction built for framing: words, codebook cues and stance signals.

``TextVectorizer.transform`` splits passages into sentences in Python, tokenises them and looks
each token's stem number up in numpy (a dict per token for text that is not ASCII), and builds
everything else with numpy over the whole batch: count matrices for sentences and passages over
one vocabulary (word unigrams and bigrams, single words in scare quotes) and for the words inside
long quotations.
The features derived from them are sparse and dense matrix products:

* word unigrams and bigrams (stemmed), TF-IDF weighted, sublinear, l2-normalised;
* ``cue`` features: how often the codebook's cue phrases of each frame occur;
* ``signal`` features: counts of the stance lexicon's classes (attribution, distance, mockery,
  negation, certainty, hedges, first person, contrast);
* ``extras``: sentence length, share of quoted words, scare quotes, question and exclamation marks.

Passage counts are sums of their sentence counts, so the stance model can also look at the
sentences that carry a frame (see :mod:`framing.model`).
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from itertools import repeat
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .text import FUNCTION_WORDS, fold_accents, get_stemmer, normalize, split_sentences

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_TOKEN_ASCII = re.compile(_TOKEN.pattern, re.ASCII)  # the same tokens on ASCII text, ~40% faster
# transform joins the sentences of a passage with NUL, which comes out as a (break) token
_TOKEN_OR_BREAK = re.compile(_TOKEN.pattern + "|\0")
# Codes of the tokens transform inserts: a sentence break (NUL); a marker before each part of a
# sentence with quotations (the inside of a double or single quotation, or the text between);
# and, in the batch's ASCII text, a hole that holds the place of a passage that is not ASCII.
_BREAK = 2**62
_MARKERS = {"double": "\1", "single": "\2", "": "\3"}
_HOLE = "\4"
_SPECIAL_CODES = {chr(i): _BREAK + i for i in range(5)}  # "\0" to "\4"
_NUMPY_FROM = 4000  # characters of ASCII text from which _ascii_codes beats a dict lookup per token
_NO_KEY = 2**62  # a key no _IntMap holds
_UNSEEN = -(2**62)  # "not in the map" for maps whose values can be any code
_IN_CHUNK = np.zeros(256, dtype=bool)  # the bytes of chunks of folded ASCII text: [a-z0-9'-]
_IN_CHUNK[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789-'", dtype=np.uint8)] = True
# For a chunk of k <= 16 bytes: masks of its bytes in the 8-byte numbers at its start and 8 bytes on.
_FIRST_BYTES = np.array([(1 << (8 * min(k, 8))) - 1 for k in range(17)], dtype=np.uint64)
_NEXT_BYTES = np.array([(1 << (8 * max(k - 8, 0))) - 1 for k in range(17)], dtype=np.uint64)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))  # multiplicative hashing
# On ASCII text: every character that cannot be in a token becomes a space (str.translate has a
# fast path for ASCII-to-ASCII tables); str.split then gives chunks of [a-z0-9'-] and the breaks.
_CHUNKS = str.maketrans({c: c if chr(c).isalnum() or chr(c) in "-'\0" else " " for c in range(128)})


def _chunks(low: str) -> list[str]:
    """Raw tokens of folded text for the token-code table: on ASCII text chunks of [a-z0-9'-]
    (str.translate + str.split, ~3x faster than the regex), else regex tokens; NUL breaks kept."""
    return low.translate(_CHUNKS).split() if low.isascii() else _TOKEN_OR_BREAK.findall(low)
_DOUBLE_QUOTED = re.compile(r'"([^"\n]{0,800})"')
# Starts with the quote itself (the lookbehind follows it), so the engine jumps between quotes.
_SINGLE_QUOTED = re.compile(r"'(?<![^\W_]')([^'\n]{1,60}?)'(?![^\W_])")
_MAX_TOKEN = 40  # longer "words" (URLs, base64, one 100,000-character token) are skipped
SCARE_PREFIX = "sq:"
EXTRAS = ("log_words", "quoted_share", "scare_quotes", "questions", "exclamations")


def load_lexicon(source: str | None = None) -> dict[str, list[str]]:
    """Read a stance lexicon TOML file (the packaged one by default) into {class: [terms]}.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> sorted(lex)[:3]
    ['attribution', 'certainty', 'contrast']
    >>> "so called" in lex["distance"]
    True
    """
    if source is None:
        raw = resources.files("framing.data").joinpath("stance_lexicon.toml").read_text("utf-8")
    else:
        with open(source, encoding="utf-8") as fh:
            raw = fh.read()
    data = tomllib.loads(raw)
    return {name: list(table["terms"]) for name, table in data["classes"].items()}


@dataclass
class SentenceBatch:
    """Count matrices for the sentences and passages of a batch.

    ``counts`` has a row per sentence, ``counts_p`` and ``quoted_p`` (words inside long
    quotations) a row per passage. ``owner[i]`` is the passage of sentence ``i``; sentences of
    one passage are contiguous and ``starts`` holds the first sentence of each passage (every
    passage has at least one sentence row, possibly empty).
    """

    counts: sp.csr_matrix
    counts_p: sp.csr_matrix
    quoted_p: sp.csr_matrix
    extras: np.ndarray
    owner: np.ndarray
    starts: np.ndarray
    n_passages: int
    n_tokens: np.ndarray
    n_known: np.ndarray

    def to_passages(self, matrix: np.ndarray) -> np.ndarray:
        """Sum the sentence rows of a dense matrix into passage rows."""
        if not self.n_passages:
            return np.zeros((0, *matrix.shape[1:]))
        return np.add.reduceat(matrix, self.starts, axis=0)


class TextVectorizer:
    """Turn passages into sentence-level count matrices over a learned vocabulary.

    Parameters
    ----------
    ngram_range : (int, int)
        Word n-gram sizes, (1, 1) or (1, 2).
    min_df : int
        Keep terms seen in at least this many training passages (cue and lexicon terms are always
        kept).
    max_features : int or None
        Keep at most this many terms, the most frequent first.
    stemmer : str
        ``"light"``, ``"porter"``, ``"snowball"`` or ``"none"``.
    forced_terms : iterable of str
        Phrases (one or two words, unstemmed) that must be in the vocabulary.
    spelling : {"unify", "keep"}
        ``"unify"`` reads spelling variants as one word (colour/color, Kiev/Kyiv; see
        ``framing.text.unify_spelling``) before stemming.

    Examples
    --------
    >>> vec = TextVectorizer(min_df=1).fit(["Troops guard the airport.", "The troops left."])
    >>> batch = vec.transform(["The troops stayed."])
    >>> batch.counts.shape[0], vec.display_name(vec.vocabulary_["troop"])
    (1, 'troops')
    """

    def __init__(self, *, ngram_range=(1, 2), min_df=2, max_features=None, stemmer="light",
                 forced_terms: Iterable[str] = (), spelling="keep"):
        self.ngram_range = tuple(ngram_range)
        self.min_df = min_df
        self.max_features = max_features
        self.stemmer = stemmer
        self.spelling = spelling
        self.forced_terms = list(forced_terms)
        self._stem = get_stemmer(stemmer, spelling=spelling)
        self._cache = _Memo(self._stem)
        self.known_ = set()
        self.vocabulary_: dict[str, int] = {}
        self.display_: list[str] = []

    def __getstate__(self) -> dict:
        """Pickled without the stemmer and the caches (rebuilt on unpickling)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_stem", "_cache", "_expand", "_lookup_cache")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("spelling", "keep")
        self._stem = get_stemmer(self.stemmer, spelling=self.spelling)
        self._cache = _Memo(self._stem)
        self.known_ = state["_known"]

    # -- tokenisation ---------------------------------------------------------------------
    @staticmethod
    def _parts(low: str) -> list[tuple[str, str]]:
        """A lower-cased sentence cut at its quotations: (text, kind) in order, kind being
        ``"double"`` or ``"single"`` for the inside of a quotation, ``""`` for the rest."""
        out = []
        parts = _DOUBLE_QUOTED.split(low) if '"' in low else [low]
        for i, part in enumerate(parts):
            if i % 2:
                out.append((part, "double"))
                continue
            subparts = _SINGLE_QUOTED.split(part) if "'" in part else [part]
            out.extend((sub, "single" if j % 2 else "") for j, sub in enumerate(subparts))
        return out

    @staticmethod
    def _segments(low: str) -> list[tuple[list[str], bool, bool]]:
        """Tokens of a lower-cased sentence in runs: (tokens, inside a long quotation, inside
        scare quotes). A quotation of up to three words counts as scare quotes."""
        findall = _TOKEN_ASCII.findall if low.isascii() else _TOKEN.findall
        if '"' not in low and "'" not in low:
            return [(findall(low), False, False)]
        out = []
        for part, kind in TextVectorizer._parts(low):
            found = findall(part)
            short = len(found) <= 3
            out.append((found, kind == "double" and not short, bool(kind) and short))
        return out

    @property
    def known_(self) -> set[str]:
        """Stems known from training: a hyphenated token whose joined form is known is rejoined."""
        return self._known

    @known_.setter
    def known_(self, value: set[str]) -> None:
        self._known = value
        self._expand = _Memo(self._expand_token)

    def _expand_token(self, tok: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(stems, surface forms) of one raw token: apostrophes dropped, broken hyphens rejoined."""
        if len(tok) > _MAX_TOKEN:
            return (), ()
        if "'" in tok:
            if tok.endswith("'s"):
                tok = tok[:-2]
            tok = tok.replace("'", "")
        stem = self._cache.__getitem__
        if "-" in tok:
            joined = tok.replace("-", "")
            pieces = [joined] if stem(joined) in self._known else [p for p in tok.split("-") if p]
        else:
            pieces = [tok] if tok else []
        return tuple(map(stem, pieces)), tuple(pieces)

    def _stems(self, sentence: str):
        """Stems of a sentence, their flags (``None``: no quotation marks) and surface forms."""
        low = fold_accents(sentence)
        segments = self._segments(low)
        if len(segments) == 1 and not segments[0][1] and not segments[0][2]:
            tokens = segments[0][0]
            if "-" not in low and "'" not in low and (not tokens or max(map(len, tokens)) <= _MAX_TOKEN):
                return list(map(self._cache.__getitem__, tokens)), None, None, tokens
            expanded = list(map(self._expand.__getitem__, tokens))
            return [s for st, _ in expanded for s in st], None, None, [f for _, sf in expanded for f in sf]
        out_stems: list[str] = []
        out_quoted: list[bool] = []
        out_scare: list[bool] = []
        surface: list[str] = []
        expand = self._expand.__getitem__
        for tokens, q, s in segments:
            expanded = list(map(expand, tokens))
            stems = [x for st, _ in expanded for x in st]
            out_stems.extend(stems)
            surface.extend(f for _, sf in expanded for f in sf)
            out_quoted.extend([q] * len(stems))
            out_scare.extend([s] * len(stems))
        return out_stems, out_quoted, out_scare, surface

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, texts: Sequence[str]) -> "TextVectorizer":
        """Learn the vocabulary from training passages."""
        sentences = [[s for s in split_sentences(normalize(t))] for t in texts]
        # Pass 1: plain words, to decide which hyphenated pieces are broken words.
        plain: Counter[str] = Counter()
        for sents in sentences:
            seen: set[str] = set()
            for sentence in sents:
                for tok in _TOKEN.findall(fold_accents(sentence)):
                    if "-" not in tok and "'" not in tok and len(tok) <= _MAX_TOKEN:
                        seen.add(self._stem(tok))
            plain.update(seen)
        self.known_ = {w for w, c in plain.items() if c >= self.min_df}
        # Pass 2: n-gram document frequencies and surface forms.
        df: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = {}
        for sents in sentences:
            seen = set()
            for sentence in sents:
                stems, _, scare, surface = self._stems(sentence)
                for st, sf, sc in zip(stems, surface, scare or [False] * len(stems)):
                    forms.setdefault(st, Counter())[sf] += 1
                    seen.add(st)
                    if sc:
                        seen.add(SCARE_PREFIX + st)
                if self.ngram_range[1] >= 2:
                    seen.update(a + " " + b for a, b in zip(stems, stems[1:]))
            df.update(seen)
        terms = [t for t, c in df.items() if c >= self.min_df]
        terms.sort(key=lambda t: (-df[t], t))
        if self.max_features is not None:
            terms = terms[: self.max_features]
        present = set(terms)
        for phrase in self.forced_terms:
            for key in self.phrase_keys(phrase):
                if key not in present:
                    terms.append(key)
                    present.add(key)
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.display_ = [self._display(t, forms) for t in terms]
        return self

    def phrase_keys(self, phrase: str) -> list[str]:
        """The vocabulary keys that stand for a phrase.

        A phrase of up to ``ngram_range[1]`` words is one key ("so-called" -> "so called"); a
        longer one is matched by its word pairs, leaving out pairs of function words only.

        Examples
        --------
        >>> vec = TextVectorizer()
        >>> vec.phrase_keys("so-called"), vec.phrase_keys("at the request of")
        (['so call'], ['the request', 'request of'])
        """
        stems = [self._stem(p) for t in _TOKEN.findall(fold_accents(normalize(phrase)))
                 for p in t.replace("'", "").split("-") if p]
        n = max(1, self.ngram_range[1])
        if len(stems) <= n:
            return [" ".join(stems)] if stems else []
        if n == 1:
            return stems
        function = {self._stem(w) for w in FUNCTION_WORDS}
        return [f"{a} {b}" for a, b in zip(stems, stems[1:]) if not (a in function and b in function)]

    @staticmethod
    def _display(term: str, forms: dict[str, Counter[str]]) -> str:
        def one(stem: str) -> str:
            c = forms.get(stem)
            return c.most_common(1)[0][0] if c else stem

        if term.startswith(SCARE_PREFIX):
            return '"' + one(term[len(SCARE_PREFIX):]) + '"'
        return " ".join(one(part) for part in term.split(" "))

    def display_name(self, index: int) -> str:
        """Readable form of vocabulary entry ``index`` (its most frequent surface form)."""
        return self.display_[index]

    # -- transforming -------------------------------------------------------------------------
    def _lookup(self) -> "_Lookup":
        """Integer tables for ``transform``, built once per vocabulary (fit or load)."""
        cached = self.__dict__.get("_lookup_cache")
        if cached is None or cached.vocabulary is not self.vocabulary_ or cached.known is not self._known:
            cached = self.__dict__["_lookup_cache"] = _Lookup(self)
        return cached

    def transform(self, texts: Sequence[str]) -> SentenceBatch:
        """Count matrices for every sentence of every passage (passages already validated).

        Python normalises each passage, splits it into sentences and folds it; the sentences are
        joined by a break (NUL), and a sentence with quotations is cut into its parts, each after
        a marker of its kind. Folded ASCII passages (nearly all) are tokenised and looked up in
        numpy, the whole batch at once (``_ascii_codes``): a token is a chunk of [a-z0-9'-], and
        a chunk such as "so-called" or "'terrorists" is resolved by the token regex once per
        distinct chunk. Other passages are tokenised by the regex and looked up token by token.
        Everything after that (word pairs, vocabulary columns, quotation flags, counts) is numpy
        over the whole batch. The result equals counting the output of ``_stems`` sentence by
        sentence, which ``fit`` uses (``tests/test_features.py`` checks this on the corpus and on
        random text).
        """
        lookup = self._lookup()
        table = lookup.table()  # this batch's token codes, whatever other threads do meanwhile
        pieces: list[str] = []  # the batch's folded ASCII text, with breaks, markers and holes
        apart: list[list[str]] = []  # the tokens of each passage that is not ASCII (one hole each)
        per_passage: list[int] = []
        marks: list[tuple[int, int, int]] = []  # (sentence, question marks, exclamation marks)
        n_sent = 0
        for text in texts:
            found = split_sentences(normalize(text)) or [""]  # normalize removed every NUL
            joined = fold_accents(" \0 ".join(found))
            mine: list[str] = []
            if '"' in joined or ("'" in joined and _SINGLE_QUOTED.search(joined)):
                # Quotations: each part of a quoting sentence follows a marker of its kind, so
                # numpy can size the parts (a sentence match is also a match in the passage).
                for low in joined.split(" \0 "):
                    parts = self._parts(low) if '"' in low or "'" in low else ()
                    if len(parts) <= 1:
                        mine.append(low)
                    else:
                        for part, kind in parts:
                            mine += (_MARKERS[kind], part)
                    mine.append("\0")
            else:
                mine += (joined, "\0")
            if joined.isascii():
                pieces += mine
            else:
                pieces.append(_HOLE)
                apart.append(mine)
            if "?" in joined or "!" in joined:
                marks += [(n_sent + i, s.count("?"), s.count("!")) for i, s in enumerate(found) if "?" in s or "!" in s]
            per_passage.append(len(found))
            n_sent += len(found)
        n = len(texts)
        text = "".join(pieces)
        if len(text) >= _NUMPY_FROM:
            codes = _ascii_codes(text, table)
        else:  # a short batch (a single call): numpy's cost per call exceeds its gain
            codes = _token_codes(pieces, table)
        if apart:  # fill each hole with its passage's codes
            holes = np.flatnonzero(codes == _SPECIAL_CODES[_HOLE])
            filled = [codes[: holes[0]]]
            for k, mine in enumerate(apart):
                filled.append(_token_codes(mine, table))
                filled.append(codes[holes[k] + 1 : holes[k + 1] if k + 1 < len(holes) else len(codes)])
            codes = np.concatenate(filled)
        special = codes >= _BREAK
        word = np.flatnonzero(~special)
        sent = np.cumsum(codes == _BREAK)[word]  # a token's sentence: the breaks before it
        if len(special) - len(word) > n_sent:  # markers: quotations
            # Segments start at each break or marker; a token takes its segment's kind, and the
            # segment's size in regex tokens decides quotation (over 3) or scare quotes (1-3).
            seg = np.cumsum(special)[word]
            kind = np.concatenate(([_BREAK], codes[special]))
            in_double = kind == _SPECIAL_CODES["\1"]
            size = np.bincount(seg, weights=lookup.token_counts(codes[word], table), minlength=len(kind))
            quoted = (in_double & (size > 3))[seg]
            scare = ((in_double | (kind == _SPECIAL_CODES["\2"])) & (size <= 3))[seg]
        else:
            quoted = scare = np.zeros(len(word), dtype=bool)
        codes = codes[word]
        if len(codes) and codes.min() <= -2:  # hyphenated, apostrophised or over-long tokens
            codes, reps = lookup.expand(codes, table)
            sent, quoted, scare = np.repeat(sent, reps), np.repeat(quoted, reps), np.repeat(scare, reps)
        starts = np.zeros(n, dtype=np.int64)  # first sentence of each passage
        np.cumsum(per_passage[:-1], out=starts[1:])
        marks_m = np.zeros((n_sent, 2))  # question and exclamation marks per sentence
        if marks:
            at, q, e = np.array(marks).T
            marks_m[at] = np.column_stack([q, e])
        n_tokens = np.bincount(sent, minlength=n_sent)
        words = lookup.unigram[codes]  # code -1 (not a stem of the vocabulary) maps to -1
        same = sent[:-1] == sent[1:]
        pairs = lookup.pairs(codes) if self.ngram_range[1] >= 2 else np.full(max(len(codes) - 1, 0), -1)
        pairs[~same] = -1
        scared = lookup.scare[codes[scare]]
        owner = np.repeat(np.arange(n, dtype=np.int64), per_passage)
        psg = owner[sent]
        both = quoted[:-1] & quoted[1:]
        counts, counts_p, quoted_p = _count_matrices(
            [((sent, words), (sent[:-1], pairs), (sent[scare], scared)),
             ((psg, words), (psg[:-1], pairs), (psg[scare], scared)),
             ((psg[quoted], words[quoted]), (psg[:-1][both], pairs[both]))],
            rows=(n_sent, n, n), width=len(self.vocabulary_))
        n_quoted = np.bincount(sent[quoted], minlength=n_sent)
        n_scare = np.bincount(sent[scare], minlength=n_sent)
        safe = np.maximum(n_tokens, 1)
        extras = np.column_stack([np.log1p(n_tokens), np.where(n_tokens > 0, n_quoted / safe, 0.0),
                                  np.log1p(n_scare), np.log1p(marks_m)]).reshape(n_sent, len(EXTRAS))
        return SentenceBatch(
            counts=counts,
            counts_p=counts_p,
            quoted_p=quoted_p,
            extras=extras,
            owner=owner,
            starts=starts,
            n_passages=n,
            n_tokens=n_tokens.astype(np.int64),
            n_known=np.bincount(sent[words >= 0], minlength=n_sent).astype(np.int64),
        )

    def term_matrix(self, groups: Sequence[Sequence[str]], *, scare_only: bool = False) -> sp.csr_matrix:
        """A (vocabulary x groups) 0/1 matrix marking which terms belong to each phrase group.

        Scare-quoted variants of a term count as the term; with ``scare_only`` only they count.
        """
        rows, cols = [], []
        for g, phrases in enumerate(groups):
            for phrase in phrases:
                for key in self.phrase_keys(phrase):
                    for k in ((SCARE_PREFIX + key,) if scare_only else (key, SCARE_PREFIX + key)):
                        idx = self.vocabulary_.get(k)
                        if idx is not None:
                            rows.append(idx)
                            cols.append(g)
        data = np.ones(len(rows))
        m = sp.csr_matrix((data, (rows, cols)), shape=(len(self.vocabulary_), len(groups)))
        m.data[:] = 1.0  # duplicates collapse to membership
        return m


_CACHE_LIMIT = 200_000  # distinct tokens kept per cache; cleared when full, so memory stays bounded


class _Memo(dict):
    """key -> fn(key), computed once per distinct key; emptied when it holds ``_CACHE_LIMIT`` keys.

    Streaming millions of real passages (names, numbers, OCR noise) would otherwise grow it
    without bound.
    """

    def __init__(self, fn):
        super().__init__()
        self._fn = fn

    def __missing__(self, key: str):
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        value = self[key] = self._fn(key)
        return value


def split_terms(terms: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The space-separated parts of every term, in order, with where each term's parts start and
    how many it has (one ``str.split`` of all terms joined, not one per term).

    Examples
    --------
    >>> parts, first, n = split_terms(["nato", "color revolut", "kiev"])
    >>> parts, first.tolist(), n.tolist()
    (['nato', 'color', 'revolut', 'kiev'], [0, 1, 3], [1, 2, 1])
    """
    n_parts = np.fromiter(map(str.count, terms, repeat(" ")), dtype=np.int64, count=len(terms)) + 1
    parts = " ".join(terms).split(" ") if len(terms) else []
    return parts, np.cumsum(n_parts) - n_parts, n_parts


class _Lookup:
    """Integer tables behind ``TextVectorizer.transform`` for one vocabulary.

    Every stem that occurs in a vocabulary term gets a number (its *code*); a raw token maps to
    the code of its stem, or -1 when the stem is in no term. A ``_TokenCodes`` table caches that
    per raw token. A token that is not one plain word (hyphenated, with an apostrophe, or longer
    than the longest word kept) maps to ``-2 - k``, where the table's ``expansions[k]`` holds the
    codes it stands for: none, one or several.
    """

    def __init__(self, vec: "TextVectorizer"):
        self.vocabulary, self.known = vec.vocabulary_, vec._known
        self._vec = vec
        # Built with whole-vocabulary operations (one str.split of all terms joined), not a loop
        # per term: a model of 165,000 terms loads in a third of the time.
        scare = [t.startswith(SCARE_PREFIX) for t in vec.vocabulary_]
        terms = [t[len(SCARE_PREFIX):] if s else t for t, s in zip(vec.vocabulary_, scare)]
        scare = np.array(scare, dtype=bool)
        column = np.fromiter(vec.vocabulary_.values(), dtype=np.int64, count=len(terms))
        parts, first, n_parts = split_terms(terms)
        # A stem's code is its rank of first appearance.
        codes = dict(zip(dict.fromkeys(parts), range(len(parts))))
        part_code = np.fromiter(map(codes.__getitem__, parts), dtype=np.int64, count=len(parts))
        head = part_code[first]
        pair = n_parts == 2
        # One spare slot at the end, so that code -1 indexes a -1.
        self.unigram = np.full(len(codes) + 1, -1, dtype=np.int64)
        self.scare = np.full(len(codes) + 1, -1, dtype=np.int64)
        self.scare[head[~pair & scare]] = column[~pair & scare]
        self.unigram[head[~pair & ~scare]] = column[~pair & ~scare]
        keys = head[pair] * len(codes) + part_code[first[pair] + 1]
        self.pair_columns = _IntMap((keys,), column[pair])
        self.stem_codes = codes
        self._table = _TokenCodes(self)

    def table(self) -> "_TokenCodes":
        """The token-code table for the next batch: a fresh one once it holds ``_CACHE_LIMIT``
        tokens. A batch keeps the table it started with, so its codes never point at
        expansions that were dropped, in this thread or another."""
        if len(self._table) >= _CACHE_LIMIT:
            self._table = _TokenCodes(self)
        return self._table

    def code(self, token: str, table: "_TokenCodes") -> int:
        """Code of a raw token: a regex token, or a chunk of [a-z0-9'-] (see transform)."""
        if len(token) <= _MAX_TOKEN and "-" not in token and "'" not in token:
            return self.stem_codes.get(self._vec._cache[token], -1)
        expand = self._vec._expand.__getitem__
        found = _TOKEN.findall(token)
        stems = [s for tok in found for s in expand(tok)[0]]
        return table.add_expansion(tuple(self.stem_codes.get(s, -1) for s in stems), len(found))

    @staticmethod
    def token_counts(codes: np.ndarray, table: "_TokenCodes") -> np.ndarray:
        """How many regex tokens each raw token's code stands for (a chunk such as "--" none)."""
        out = np.ones(len(codes))
        special = np.flatnonzero(codes <= -2)
        out[special] = [table.n_found[-2 - c] for c in codes[special].tolist()]
        return out

    @staticmethod
    def expand(codes: np.ndarray, table: "_TokenCodes") -> tuple[np.ndarray, np.ndarray]:
        """Replace each expansion code by the codes it stands for; also returns how many codes
        each input code became (for np.repeat of arrays alongside)."""
        special = np.flatnonzero(codes <= -2)
        parts = [table.expansions[-2 - c] for c in codes[special].tolist()]
        reps = np.ones(len(codes), dtype=np.int64)
        reps[special] = [len(p) for p in parts]
        out = np.repeat(codes, reps)
        first = np.cumsum(reps) - reps
        out[concat_ranges(first[special], reps[special])] = [c for p in parts for c in p]
        return out, reps

    def pairs(self, codes: np.ndarray) -> np.ndarray:
        """Vocabulary column of each adjacent pair of codes (-1 where the pair is no term)."""
        a, b = codes[:-1], codes[1:]
        key = a * (len(self.unigram) - 1) + b
        key[(a < 0) | (b < 0)] = _NO_KEY
        return self.pair_columns.get((key,))


class _IntMap:
    """A hash table from keys of one or two int64 numbers (>= 0) to int64 values, looked up
    with numpy.

    Open addressing with linear probing in a table of at least ``room`` times as many slots as
    keys, the first slot from multiplicative hashing. ``np.searchsorted`` on sorted keys did the
    word-pair lookups ~7x slower (a binary search with a cache miss at every step). A map is never
    changed once built: ``with_items`` returns a new one, so threads can share a map without locks.

    Examples
    --------
    >>> m = _IntMap((np.array([3, 19, 35]),), np.array([30, 190, 350]))
    >>> m.get((np.array([19, 4, 35, 3]),)).tolist()
    [190, -1, 350, 30]
    >>> m.with_items((np.array([4]),), np.array([-40])).get((np.array([4, 19]),), default=0).tolist()
    [-40, 190]
    >>> _IntMap((np.array([1, 1]), np.array([2, 3])), np.array([12, 13])).get((np.array([1]), np.array([3]))).tolist()
    [13]
    """

    def __init__(self, keys: tuple[np.ndarray, ...], values: np.ndarray, *, room: int = 8):
        self.room, self.count = room, len(values)
        bits = max(int(len(values) * room).bit_length(), 4)
        self.mask, self.shift = (1 << bits) - 1, np.uint64(64 - bits)
        self.keys = tuple(np.full(self.mask + 1, -1, dtype=np.int64) for _ in keys)  # -1: empty slot
        self.values = np.zeros(self.mask + 1, dtype=np.int64)
        self._insert(tuple(np.asarray(k, dtype=np.int64) for k in keys), np.asarray(values, dtype=np.int64))

    def _slot(self, keys: tuple[np.ndarray, ...]) -> np.ndarray:
        mixed = keys[0].view(np.uint64) * _MIX[0]
        for k, mix in zip(keys[1:], _MIX[1:]):
            mixed ^= k.view(np.uint64) * mix
        return (mixed >> self.shift).astype(np.int64)

    def _insert(self, keys: tuple[np.ndarray, ...], values: np.ndarray) -> None:
        pending, slot = np.arange(len(values)), self._slot(keys)
        while len(pending):  # each round fills every free slot some pending key wants
            free = self.keys[0][slot] == -1
            taken, first = np.unique(slot[free], return_index=True)
            placed = pending[free][first]
            for mine, k in zip(self.keys, keys):
                mine[taken] = k[placed]
            self.values[taken] = values[placed]
            left = np.ones(len(pending), dtype=bool)
            left[np.flatnonzero(free)[first]] = False
            pending, slot = pending[left], (slot[left] + 1) & self.mask

    def with_items(self, keys: tuple[np.ndarray, ...], values: np.ndarray) -> "_IntMap":
        """A new map holding this one's items and the given ones (keys not in this map, distinct)."""
        if (self.count + len(values)) * self.room // 2 > self.mask:  # over twice the load built for
            old = self.keys[0] >= 0
            return _IntMap(tuple(np.concatenate([mine[old], k]) for mine, k in zip(self.keys, keys)),
                           np.concatenate([self.values[old], values]), room=self.room)
        new = object.__new__(_IntMap)
        new.room, new.count, new.mask, new.shift = self.room, self.count + len(values), self.mask, self.shift
        new.keys, new.values = tuple(k.copy() for k in self.keys), self.values.copy()
        new._insert(tuple(np.asarray(k, dtype=np.int64) for k in keys), np.asarray(values, dtype=np.int64))
        return new

    def get(self, keys: tuple[np.ndarray, ...], default: int = -1) -> np.ndarray:
        """The value of each key (numbers >= 0), ``default`` for keys not in the map."""
        slot = self._slot(keys)
        found = self.keys[0][slot]
        hit = found == keys[0]
        for mine, k in zip(self.keys[1:], keys[1:]):
            hit &= mine[slot] == k
        out = np.where(hit, self.values[slot], default)
        probe = np.flatnonzero(~hit & (found != -1))
        while len(probe):
            slot[probe] = (slot[probe] + 1) & self.mask
            at = slot[probe]
            found = self.keys[0][at]
            hit = found == keys[0][probe]
            for mine, k in zip(self.keys[1:], keys[1:]):
                hit &= mine[at] == k[probe]
            out[probe[hit]] = self.values[at[hit]]
            probe = probe[~hit & (found != -1)]
        return out


def _token_codes(pieces: list[str], table: "_TokenCodes") -> np.ndarray:
    """The codes of the tokens of folded text pieces, a dict lookup per token: each of the
    characters "\\0" to "\\4" is a piece and a token of its own; other pieces are tokenised by
    ``_chunks``."""
    tokens = [t for piece in pieces for t in ([piece] if piece in _SPECIAL_CODES else _chunks(piece))]
    return np.fromiter(map(table.__getitem__, tokens), dtype=np.int64, count=len(tokens))


def _ascii_codes(text: str, table: "_TokenCodes") -> np.ndarray:
    """``[table[t] for t in tokens]`` for folded ASCII text, in numpy: the tokens are the chunks
    of ``_chunks`` (runs of [a-z0-9'-]) and each of the characters "\\0" to "\\4" on its own.

    A chunk of up to 16 characters is looked up by its bytes, read as two 8-byte numbers, in
    the table's ``packed`` map, which learns the code of each new chunk from the table, once;
    longer chunks are looked up as strings. About 5x faster than str.split and a dict lookup
    per token.
    """
    raw = text.encode("ascii")
    n = len(raw)
    b = np.frombuffer(raw, dtype=np.uint8)
    # The 8 bytes from each position as a little-endian number (16 zero bytes of padding).
    words = np.ndarray((n + 8,), dtype="<u8", buffer=raw + bytes(16), strides=(1,))
    chunk = _IN_CHUNK[b]
    begin = chunk.copy()
    begin[1:] &= ~chunk[:-1]
    last = chunk.copy()
    last[:-1] &= ~chunk[1:]
    first = np.flatnonzero(begin | (b <= 4))  # where each token starts, in order
    codes = b[first].astype(np.int64) + _BREAK  # the special characters' codes; chunks' below
    at = np.flatnonzero(begin)
    size = np.flatnonzero(last) + 1 - at
    upto = np.minimum(size, 16)
    keys = ((words[at] & _FIRST_BYTES[upto]).view(np.int64), (words[at + 8] & _NEXT_BYTES[upto]).view(np.int64))
    found = table.packed.get(keys, _UNSEEN)
    long = np.flatnonzero(size > 16)
    found[long] = [table[text[a : a + k]] for a, k in zip(at[long].tolist(), size[long].tolist())]
    new = np.flatnonzero(found == _UNSEEN)
    if len(new):
        distinct, one, back = np.unique(np.column_stack([keys[0][new], keys[1][new]]), axis=0,
                                        return_index=True, return_inverse=True)
        learned = np.array([table[text[a : a + k]] for a, k in zip(at[new[one]].tolist(), size[new[one]].tolist())],
                           dtype=np.int64)
        table.learn_packed((distinct[:, 0].copy(), distinct[:, 1].copy()), learned)
        found[new] = learned[back.ravel()]
    codes[chunk[first]] = found
    return codes


def concat_ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(a, a + n) for a, n in zip(starts, sizes)])``, without the loop.

    Examples
    --------
    >>> concat_ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(np.sum(sizes)))


def group_starts(group: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted (or grouped) array.

    Examples
    --------
    >>> group_starts(np.array([0, 0, 3, 5, 5, 5])).tolist()
    [0, 2, 3]
    """
    new = np.empty(len(group), dtype=bool)
    new[:1] = True
    np.not_equal(group[1:], group[:-1], out=new[1:])
    return np.flatnonzero(new)


class _TokenCodes(dict):
    """raw token -> code, filled on first sight of a token (``_Lookup.code``), and the
    expansions its negative codes point at (with the number of regex tokens each stands for).
    New expansions are numbered under a lock, so threads sharing a model never get each other's
    numbers."""

    def __init__(self, lookup: _Lookup):
        super().__init__(_SPECIAL_CODES)
        self._lookup = lookup
        self.expansions: list[tuple[int, ...]] = []
        self.n_found: list[int] = []
        none = np.zeros(0, dtype=np.int64)
        self.packed = _IntMap((none, none), none, room=4)  # chunk bytes -> code (_ascii_codes)
        self._lock = threading.Lock()

    def __missing__(self, token: str) -> int:
        value = self[token] = self._lookup.code(token, self)
        return value

    def learn_packed(self, keys: tuple[np.ndarray, np.ndarray], codes: np.ndarray) -> None:
        """Add the codes of new chunks (``_ascii_codes``) to ``packed``: a new map, swapped in."""
        with self._lock:
            fresh = self.packed.get(keys, _UNSEEN) == _UNSEEN  # another thread may have added some
            self.packed = self.packed.with_items(tuple(k[fresh] for k in keys), codes[fresh])

    def add_expansion(self, codes: tuple[int, ...], n_found: int) -> int:
        with self._lock:
            self.expansions.append(codes)
            self.n_found.append(n_found)
            return -1 - len(self.expansions)


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix from arrays that are canonical by construction (rows sorted, no duplicates).

    scipy's constructor checks and converts its input, about 35 us a matrix: with six matrices
    per batch, a sixth of a single ``classify(str)`` call. Here the matrix is assembled from the
    attributes a checked matrix has; ``_FAST_CSR`` says whether that gives the same matrix as
    scipy's constructor in the installed scipy (tested once, at import), else the constructor
    is used.
    """
    dtype = np.int32 if max(len(data), shape[1], 1) < 2**31 else np.int64
    indices, indptr = indices.astype(dtype, copy=False), indptr.astype(dtype, copy=False)
    if not _FAST_CSR:
        return sp.csr_matrix((data, indices, indptr), shape=shape)
    m = object.__new__(sp.csr_matrix)
    m.__dict__.update(_CSR_ATTRIBUTES, data=data, indices=indices, indptr=indptr, _shape=shape)
    return m


def _check_fast_csr() -> tuple[bool, dict]:
    data, indices, indptr = np.array([1.0, 2.0, 3.0]), np.array([0, 2, 1], dtype=np.int32), np.array([0, 2, 2, 3], dtype=np.int32)
    try:
        checked = sp.csr_matrix((data, indices, indptr), shape=(3, 4))
        attributes = dict(checked.__dict__)
        fast = object.__new__(sp.csr_matrix)
        fast.__dict__.update(attributes, data=data * 2, indices=indices, indptr=indptr, _shape=(3, 4))
        want = sp.csr_matrix((data * 2, indices, indptr), shape=(3, 4))
        same = (fast.shape == want.shape and fast.nnz == want.nnz and fast.has_canonical_format
                and np.array_equal(fast.toarray(), want.toarray())
                and np.array_equal(fast @ np.arange(8.0).reshape(4, 2), want @ np.arange(8.0).reshape(4, 2))
                and np.array_equal((fast[[2, 0]] @ sp.eye(4, format="csr")).toarray(), want[[2, 0]].toarray()))
        return bool(same), attributes
    except Exception:  # noqa: BLE001 - any difference in scipy's internals: use the constructor
        return False, {}


_FAST_CSR, _CSR_ATTRIBUTES = _check_fast_csr()


def _count_matrices(specs, rows: tuple[int, ...], width: int) -> list[sp.csr_matrix]:
    """CSR count matrices, one per spec: a spec lists (row, column) arrays whose pairs are
    counted, columns < 0 skipped. All are counted in one sort (np.unique without its overhead,
    which dominates on small batches); the results are canonical (sorted, duplicates summed)."""
    offsets = np.cumsum((0, *rows)) * width
    keys = np.concatenate([off + r * width + c for spec, off in zip(specs, offsets) for r, c in spec])
    cols = np.concatenate([c for spec in specs for _, c in spec])
    keys = keys[cols >= 0]
    if offsets[-1] < 2**31:  # numpy sorts int32 about twice as fast as int64
        keys = keys.astype(np.int32)
    keys.sort()
    first = group_starts(keys)
    counts = np.diff(first, append=len(keys)).astype(np.float64)
    keys = keys[first]
    out = []
    for off, n in zip(offsets, rows):
        indptr = np.searchsorted(keys, (off + np.arange(n + 1) * width).astype(keys.dtype))
        part = slice(indptr[0], indptr[-1])
        out.append(_csr(counts[part], keys[part] % width, indptr - indptr[0], (n, width)))
    return out


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF-IDF (log(1 + tf) * idf) with l2-normalised rows, computed on the CSR data.

    Examples
    --------
    >>> m = tfidf(sp.csr_matrix(np.array([[1.0, 3.0], [0.0, 0.0]])), np.array([1.0, 2.0]))
    >>> np.round(m.toarray(), 3).tolist()
    [[0.243, 0.97], [0.0, 0.0]]
    """
    counts = counts.tocsr()
    if not counts.has_canonical_format:
        counts = counts.copy()
        counts.sum_duplicates()
    data = np.log1p(counts.data) * idf[counts.indices]
    lens = np.diff(counts.indptr)
    sums = np.bincount(np.repeat(np.arange(counts.shape[0]), lens), weights=data**2, minlength=counts.shape[0])
    norms = np.sqrt(sums)
    norms[norms == 0] = 1.0
    data /= np.repeat(norms, lens)
    return _csr(data, counts.indices, counts.indptr, counts.shape)  # the index arrays are shared


def hstack_dense(sparse: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
    """``[sparse | dense]`` as one CSR matrix, built directly (``sp.hstack`` costs ~1 ms a call).

    Every entry of ``dense`` is stored, zeros included.

    Examples
    --------
    >>> m = hstack_dense(sp.csr_matrix(np.array([[0.0, 2.0], [0.0, 0.0]])), np.array([[1.0], [3.0]]))
    >>> m.toarray().tolist()
    [[0.0, 2.0, 1.0], [0.0, 0.0, 3.0]]
    """
    n, d = dense.shape
    lens = np.diff(sparse.indptr)
    indptr = sparse.indptr + np.arange(n + 1) * d
    indices = np.empty(sparse.nnz + n * d, dtype=np.int32)
    data = np.empty(sparse.nnz + n * d)
    pos = np.arange(sparse.nnz) + np.repeat(np.arange(n) * d, lens)
    indices[pos] = sparse.indices
    data[pos] = sparse.data
    pos_dense = ((indptr[:-1] + lens)[:, None] + np.arange(d)).ravel()
    indices[pos_dense] = np.tile(np.arange(sparse.shape[1], sparse.shape[1] + d), n)
    data[pos_dense] = dense.ravel()
    return _csr(data, indices, indptr, (n, sparse.shape[1] + d))
