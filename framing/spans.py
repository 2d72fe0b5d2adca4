"""Where things are in the text: character offsets that survive normalisation.

The model reads ``normalize(text)`` (:mod:`framing.text`), which rewrites what a person wrote: NFKC
folding, straight quotes, spaced dashes, markup and entities removed, broken hyphenation rejoined,
runs of white space collapsed. To point at evidence in the *original* text, :func:`text_map`
traces every character of the normalised text back to the characters it came from, by replaying
``normalize`` step by step on (character, source) pairs. The replay must give exactly
``normalize(text)``; ``tests/test_spans.py`` checks that on the packaged corpus and on random and
hostile text, so a change to ``normalize`` that the replay does not follow fails there.

On top of the map:

* :func:`passage_tokens`: the tokens of a passage as the model counts them (the stems, sentence
  and quotation flags of ``TextVectorizer._stems``), each with its offsets in the original text;
* :func:`align_passages`: where each passage of ``split_passages(article)`` lies in the article.

Everything here is plain Python on the standard library; it runs only when spans are asked for.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .text import (_CHARACTER_MAP, _HYPHEN_GAP, _LINEBREAK_HYPHEN, _SPACED_HYPHEN, _SPACES, _SURROGATES, _TAGS,
                   fold_accents, normalize, split_sentences)

__all__ = ["TextMap", "text_map", "PassageTokens", "passage_tokens", "PassageSpan", "align_passages",
           "merge_spans"]

# The character replacements of normalize that keep one character one character (quotes, control
# characters, non-breaking hyphens), for characters NFKC leaves alone: a text whose normalised form
# is its own translation by this table needs no replay.
_ONE_TO_ONE = str.maketrans({
    chr(code): value for code, value in _CHARACTER_MAP.items()
    if isinstance(value, str) and len(value) == 1 and unicodedata.normalize("NFKC", chr(code)) == chr(code)
})
# html.unescape's own pattern (CPython's html._charref): every match is replaced by unescaping it alone.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_NON_SPACE = re.compile(r"\S")


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted spans, overlapping ones merged (touching ones are kept apart).

    Examples
    --------
    >>> merge_spans([(10, 14), (0, 3), (12, 20), (20, 22)])
    ((0, 3), (10, 20), (20, 22))
    """
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


# ------------------------------------------------------------------------------------------
# The normalised text and where each of its characters came from
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextMap:
    """``normalize(original)`` and, for each of its characters, the original characters it came from.

    Attributes
    ----------
    text : str
        The normalised text, exactly ``normalize(original)``.
    shift : int
        When ``starts`` is ``None``: every character of ``text`` is the original character
        ``shift`` places further on (only stripping and one-for-one replacements happened).
    starts, ends : list of int or None
        Otherwise: character ``i`` of ``text`` came from ``original[starts[i]:ends[i]]`` (a
        replaced run, such as an entity or a dash, gives all its characters the whole run).

    Examples
    --------
    >>> m = text_map("  Caf&eacute; \\u201cso\\u2014called\\u201d")
    >>> m.text
    'Café "so - called"'
    >>> m.original(0, 4)  # "Café" in the original: the entity included
    (2, 13)
    """

    text: str
    shift: int = 0
    starts: list[int] | None = None
    ends: list[int] | None = None

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of ``text[start:end]`` (``start < end``)."""
        if self.starts is None:
            return start + self.shift, end + self.shift
        return self.starts[start], self.ends[end - 1]


def text_map(original: str) -> TextMap:
    """The :class:`TextMap` of ``original``: ``normalize(original)`` traced back to ``original``.

    Examples
    --------
    >>> m = text_map("Govern-\\nment forces\\u00a0fired.")
    >>> m.text, m.original(0, 10)
    ('Govern-ment forces fired.', (0, 11))
    """
    norm = normalize(original)
    stripped = original.strip()
    if len(norm) == len(stripped) and (norm == stripped or stripped.translate(_ONE_TO_ONE) == norm):
        return TextMap(norm, shift=len(original) - len(original.lstrip()))
    chars, starts, ends = _replay(original)
    if "".join(chars) != norm:  # cannot happen while the replay follows normalize (tested)
        n = len(original)
        return TextMap(norm, starts=[0] * len(norm), ends=[n] * len(norm))
    return TextMap(norm, starts=starts, ends=ends)


_Chars = tuple[list[str], list[int], list[int]]


def _replay(text: str) -> _Chars:
    """``normalize(text)`` one character at a time, each with the original range it came from."""
    state: _Chars = (list(text), list(range(len(text))), list(range(1, len(text) + 1)))
    if text.isascii():
        state = _map_characters(state)
    else:
        state = _substitute(state, _SURROGATES, lambda m: " ")
        state = _map_characters(_nfkc(state))
    joined = "".join(state[0])
    markup = "<" in joined or "&" in joined
    if markup:
        state = _substitute(state, _TAGS, lambda m: " ")
        state = _map_characters(_substitute(state, _CHARREF, lambda m: html.unescape(m.group(0))))
        joined = "".join(state[0])
    if "-" in joined and _HYPHEN_GAP.search(joined):
        state = _substitute(state, _LINEBREAK_HYPHEN, lambda m: "-")
        state = _substitute(state, _SPACED_HYPHEN, lambda m: "-")
        joined = "".join(state[0])
    if "  " in joined or "\t" in joined or (markup and not joined.isascii()):
        state = _substitute(state, _SPACES, lambda m: " ")
    chars, starts, ends = state
    lo, hi = 0, len(chars)
    while lo < hi and chars[lo].isspace():
        lo += 1
    while hi > lo and chars[hi - 1].isspace():
        hi -= 1
    return chars[lo:hi], starts[lo:hi], ends[lo:hi]


def _emit(out: _Chars, replacement: str, start: int, end: int) -> None:
    for char in replacement:
        out[0].append(char)
        out[1].append(start)
        out[2].append(end)


def _map_characters(state: _Chars) -> _Chars:
    """``framing.text._map_characters``: one character in, its replacement (maybe none) out."""
    chars, starts, ends = state
    if not any(c in _CHARACTER_MAP_KEYS for c in chars):
        return state
    out: _Chars = ([], [], [])
    for char, start, end in zip(chars, starts, ends):
        if char in _CHARACTER_MAP_KEYS:
            _emit(out, _CHARACTER_MAP[ord(char)] or "", start, end)
        else:
            _emit(out, char, start, end)
    return out


_CHARACTER_MAP_KEYS = frozenset(map(chr, _CHARACTER_MAP))


def _substitute(state: _Chars, pattern: re.Pattern, replace: Callable[[re.Match], str]) -> _Chars:
    """``pattern.sub(replace, text)``; a replacement takes the whole original range of its match."""
    chars, starts, ends = state
    joined = "".join(chars)
    out: _Chars = ([], [], [])
    at, matched = 0, False
    for match in pattern.finditer(joined):
        matched = True
        a, b = match.span()
        out[0].extend(chars[at:a])
        out[1].extend(starts[at:a])
        out[2].extend(ends[at:a])
        if b > a:
            new, old = replace(match), joined[a:b]
            # What the replacement keeps at either end keeps its own place ("&ampx" -> "&x").
            p = 0
            while p < min(len(new), len(old)) and new[p] == old[p]:
                p += 1
            q = 0
            while q < min(len(new), len(old)) - p and new[-1 - q] == old[-1 - q]:
                q += 1
            out[0].extend(chars[a : a + p])
            out[1].extend(starts[a : a + p])
            out[2].extend(ends[a : a + p])
            if len(new) - q > p:
                lo, hi = (a + p, b - q) if b - q > a + p else (a, b)
                _emit(out, new[p : len(new) - q], starts[lo], ends[hi - 1])
            out[0].extend(chars[b - q : b])
            out[1].extend(starts[b - q : b])
            out[2].extend(ends[b - q : b])
        at = b
    if not matched:
        return state
    out[0].extend(chars[at:])
    out[1].extend(starts[at:])
    out[2].extend(ends[at:])
    return out


def _nfkc(state: _Chars) -> _Chars:
    """NFKC, segment by segment: a starter and the combining marks after it, merged with the next
    segment where the two compose (Hangul jamo, some Indic vowel signs). Should the pieces not add
    up to NFKC of the whole, the whole text is one segment."""
    chars, starts, ends = state
    joined = "".join(chars)
    if unicodedata.is_normalized("NFKC", joined):
        return state
    nfkc = unicodedata.normalize
    bounds = [i for i, c in enumerate(chars) if i == 0 or not unicodedata.combining(c)] + [len(chars)]
    segments: list[list[int]] = []
    for a, b in zip(bounds, bounds[1:]):
        if segments and not joined[a].isascii():
            pa, pb = segments[-1]
            if nfkc("NFKC", joined[pa:b]) != nfkc("NFKC", joined[pa:pb]) + nfkc("NFKC", joined[a:b]):
                segments[-1][1] = b
                continue
        segments.append([a, b])
    pieces = [joined[a:b] if joined[a:b].isascii() else nfkc("NFKC", joined[a:b]) for a, b in segments]
    if "".join(pieces) != nfkc("NFKC", joined):
        segments, pieces = [[0, len(chars)]], [nfkc("NFKC", joined)]
    out: _Chars = ([], [], [])
    for (a, b), piece in zip(segments, pieces):
        if piece == joined[a:b]:
            out[0].extend(chars[a:b])
            out[1].extend(starts[a:b])
            out[2].extend(ends[a:b])
        else:
            _emit(out, piece, starts[a], ends[b - 1])
    return out


# ------------------------------------------------------------------------------------------
# Tokens with offsets
# ------------------------------------------------------------------------------------------

@dataclass
class PassageTokens:
    """The tokens of one passage as the model counts them, with offsets into the original text.

    Attributes
    ----------
    map : TextMap
    stems : list of str
        One per counted token, in reading order (a hyphenated token may count as two).
    starts, ends : list of int
        Offsets of each token in the original text.
    sentence : list of int
        The sentence of each token (word pairs never cross sentences).
    quoted, scare : list of bool
        Inside a quotation of more than three words; inside scare quotes (one to three words).
    sentences : list of (int, int)
        Each sentence's offsets in the original text, as ``split_sentences`` cut the normalised text.
    quotations : list of (str, int, int)
        ``("quotation" | "scare", start, end)`` of each quotation, its quote marks included.
    marks : dict of str to list of (int, int)
        Offsets of the question and exclamation marks (keys ``"?"`` and ``"!"``).
    """

    map: TextMap
    stems: list[str]
    starts: list[int]
    ends: list[int]
    sentence: list[int]
    quoted: list[bool]
    scare: list[bool]
    sentences: list[tuple[int, int]]
    quotations: list[tuple[str, int, int]]
    marks: dict[str, list[tuple[int, int]]]

    def positions(self) -> tuple[dict[str, list[int]], dict[tuple[str, str], list[int]]]:
        """Where each stem and each pair of stems within a sentence occurs (token numbers),
        built on first use."""
        cached = self.__dict__.get("_positions")
        if cached is None:
            by_stem: dict[str, list[int]] = {}
            by_pair: dict[tuple[str, str], list[int]] = {}
            stems, sentence = self.stems, self.sentence
            for k, stem in enumerate(stems):
                by_stem.setdefault(stem, []).append(k)
                if k + 1 < len(stems) and sentence[k] == sentence[k + 1]:
                    by_pair.setdefault((stem, stems[k + 1]), []).append(k)
            cached = self.__dict__["_positions"] = (by_stem, by_pair)
        return cached


def passage_tokens(vectorizer: Any, text: str) -> PassageTokens:
    """Tokens of ``text`` with the stems and flags ``vectorizer`` gives them, placed in ``text``.

    Follows ``TextVectorizer._stems`` sentence by sentence (the definition the batch path is tested
    against), keeping the offset of every token, sentence and quotation.

    Examples
    --------
    >>> import framing
    >>> vec = framing.default_model().vectorizer_
    >>> text = "Officials said \\u201cforeign-trained\\u201d men came."
    >>> t = passage_tokens(vec, text)
    >>> list(zip(t.stems, t.scare))[1:4]
    [('said', False), ('foreign', True), ('train', True)]
    >>> text[t.starts[2]:t.ends[3]], t.quotations
    ('foreign-trained', [('scare', 15, 32)])
    """
    tmap = text_map(text)
    norm = tmap.text
    out = PassageTokens(tmap, [], [], [], [], [], [], [], [], {"?": [], "!": []})
    expand = vectorizer._expand.__getitem__
    pos = 0
    for k, sentence in enumerate(split_sentences(norm)):
        base = norm.find(sentence, pos)
        pos = base + len(sentence)
        out.sentences.append(tmap.original(base, pos))
        for mark in ("?", "!"):
            at = sentence.find(mark)
            while at >= 0:
                out.marks[mark].append(tmap.original(base + at, base + at + 1))
                at = sentence.find(mark, at + 1)
        low, where = _folded(sentence)
        finditer = _TOKEN_ASCII.finditer if low.isascii() else _TOKEN.finditer
        # Offsets in the original text: one shift for the sentence when only whole characters
        # were kept or replaced one for one; else each position through the fold and the map.
        shift = tmap.shift + base if tmap.starts is None and where is _same else None
        for a, b, kind in _segments(low):
            found = [(m.group(), m.start()) for m in finditer(low, a, b)]
            short = len(found) <= 3
            if kind and found:
                qa, qb = where(a - 1), where(b) + 1  # the quote marks around the quotation
                out.quotations.append(("scare" if short else "quotation", *tmap.original(base + qa, base + qb)))
            n_before = len(out.stems)
            for token, at in found:
                stems, pieces = expand(token)
                if shift is not None and len(stems) == 1 and "-" not in token and "'" not in token:
                    out.stems.append(stems[0])
                    out.starts.append(shift + at)
                    out.ends.append(shift + at + len(token))
                    continue
                for stem, (pa, pb) in zip(stems, _piece_offsets(token, pieces)):
                    start, end = tmap.original(base + where(at + pa), base + where(at + pb - 1) + 1)
                    out.stems.append(stem)
                    out.starts.append(start)
                    out.ends.append(end)
            added = len(out.stems) - n_before
            out.sentence += [k] * added
            out.quoted += [kind == "double" and not short] * added
            out.scare += [bool(kind) and short] * added
    return out


# The vectorizer's token patterns (framing.features), compiled here again to keep this module
# importable without numpy.
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_TOKEN_ASCII = re.compile(_TOKEN.pattern, re.ASCII)
_DOUBLE_QUOTED = re.compile(r'"([^"\n]{0,800})"')
_SINGLE_QUOTED = re.compile(r"'(?<![^\W_]')([^'\n]{1,60}?)'(?![^\W_])")


def _folded(sentence: str) -> tuple[str, Callable[[int], int]]:
    """``fold_accents(sentence)`` and a function from its positions to positions in ``sentence``.

    Folding keeps lengths on ASCII text; otherwise each character is folded alone to find where
    its folded characters go. Folding the whole sentence at once differs from that only where
    lower-casing depends on the context (a final sigma), one character for one.
    """
    low = fold_accents(sentence)
    if sentence.isascii():
        return low, _same
    source: list[int] = []
    pieces = []
    for i, char in enumerate(sentence):
        folded = fold_accents(char)
        pieces.append(folded)
        source.extend([i] * len(folded))
    source.append(len(sentence))
    by_char = "".join(pieces)
    return (low if len(low) == len(by_char) else by_char), source.__getitem__


def _same(i: int) -> int:
    return i


def _segments(low: str) -> list[tuple[int, int, str]]:
    """``TextVectorizer._parts`` with positions: (start, end, kind) of each part of a folded
    sentence, kind ``"double"`` or ``"single"`` for the inside of a quotation, ``""`` otherwise."""
    if '"' not in low and "'" not in low:
        return [(0, len(low), "")]
    parts: list[tuple[int, int, str]] = []
    at = 0
    if '"' in low:
        for m in _DOUBLE_QUOTED.finditer(low):
            parts += [(at, m.start(), ""), (m.start(1), m.end(1), "double")]
            at = m.end()
    parts.append((at, len(low), ""))
    out = []
    for a, b, kind in parts:
        if kind or "'" not in low[a:b]:
            out.append((a, b, kind))
            continue
        at = a
        for m in _SINGLE_QUOTED.finditer(low[a:b]):
            out += [(at, a + m.start(), ""), (a + m.start(1), a + m.end(1), "single")]
            at = a + m.end()
        out.append((at, b, ""))
    return out


def _piece_offsets(token: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    """Where each piece of a token (``TextVectorizer._expand_token``) lies in the token.

    A possessive "'s" is left out, a rejoined hyphenated word spans the whole token, the pieces of
    a split one their own parts; apostrophes inside a piece stay inside its span.
    """
    if not pieces:
        return []
    end = len(token) - 2 if token.endswith("'s") and "'" in token else len(token)
    if len(pieces) == 1:
        return [(0, end)]
    out, at = [], 0
    for part in token[:end].split("-"):
        if part.replace("'", ""):
            out.append((at, at + len(part)))
        at += len(part) + 1
    if [token[a:b].replace("'", "") for a, b in out] != list(pieces):  # defensive: keep the whole token
        return [(0, end)] * len(pieces)
    return out


# ------------------------------------------------------------------------------------------
# Passages of an article
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PassageSpan:
    """Where a passage of ``split_passages(article)`` lies in the article.

    ``article[start:end]`` holds the passage's words with the article's own white space (the passage
    joins them with single spaces). ``words`` lists (offset in the passage, offset in the article)
    of each word, to move offsets from passage to article.
    """

    start: int
    end: int
    words: tuple[tuple[int, int], ...]

    def to_article(self, start: int, end: int) -> tuple[int, int]:
        """Article offsets of ``passage[start:end]`` (``start < end``).

        Examples
        --------
        >>> p = align_passages("One  two\\nthree.", ["One two three."])[0]
        >>> p.to_article(4, 13)
        (5, 14)
        """
        return self._at(start), self._at(end - 1) + 1

    def _at(self, i: int) -> int:
        lo, hi = 0, len(self.words) - 1
        while lo < hi:  # the last word starting at or before i
            mid = (lo + hi + 1) // 2
            if self.words[mid][0] <= i:
                lo = mid
            else:
                hi = mid - 1
        p, a = self.words[lo]
        return a + (i - p)


def align_passages(article: str, passages: Sequence[str], *, words: bool = True) -> list[PassageSpan | None]:
    """Where each passage (from ``split_passages(article)``) lies in ``article``.

    Passages keep the article's words in order, joined by single spaces (a word longer than a
    passage is cut into pieces); the article has white space of any kind between them. ``None``
    for a passage that cannot be placed (never for passages ``split_passages`` made). With
    ``words=False`` only ``start`` and ``end`` are kept (``to_article`` then cannot be used), which
    saves memory on very long articles.

    Examples
    --------
    >>> article = "First paragraph here.\\n\\n  Second one.\\tIt has two sentences."
    >>> from framing.text import split_passages
    >>> [(s.start, s.end) for s in align_passages(article, split_passages(article))]
    [(0, 21), (25, 58)]
    """
    out: list[PassageSpan | None] = []
    pos = 0
    for passage in passages:
        placed: list[tuple[int, int]] = []
        start, at = -1, 0
        for word in passage.split(" ") if passage else ():
            found = _NON_SPACE.search(article, pos)
            if found is None or not article.startswith(word, found.start()):
                start = -1
                break
            if start < 0:
                start = found.start()
            if words:
                placed.append((at, found.start()))
            pos = found.start() + len(word)
            at += len(word) + 1
        out.append(PassageSpan(start, pos, tuple(placed)) if start >= 0 else None)
    return out
