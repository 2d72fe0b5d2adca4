"""Text normalisation, tokenisation and splitting.

Everything here is pure Python on the standard library, so the inference path never imports nltk
or scikit-learn (``import nltk`` alone costs about 1.6 s). The optional nltk stemmers are loaded
only when a model asks for them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterator

__all__ = ["normalize", "split_sentences", "split_passages", "get_stemmer", "light_stem", "unify_spelling",
           "FUNCTION_WORDS", "SPELLINGS"]

# English function words (written for framing). Evidence made only of these is not shown to users;
# the words still count in the model.
FUNCTION_WORDS = frozenset("""a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves also its it's said
says one two three upon via per among across along around within without whether however yet""".split())

# Quotes to straight quotes, dashes to a spaced hyphen, invisible characters removed, control
# characters to spaces: one str.translate pass.
_CHARACTER_MAP = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u300c": '"', "\u300d": '"', "\uff02": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
        "\u2039": "'", "\u203a": "'", "`": "'", "\u00b4": "'",
        "\u2013": " - ", "\u2014": " - ", "\u2015": " - ", "\u2012": " - ", "\u2212": " - ",
        "\u2010": "-", "\u2011": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    }
    # Control characters (but tab, newline and carriage return) become spaces.
    | {c: " " for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]}
)
_SURROGATES = re.compile("[\ud800-\udfff]")
_MAPPED = re.compile("[" + "".join(map(re.escape, map(chr, _CHARACTER_MAP))) + "]")


def _map_characters(text: str) -> str:
    """``text.translate(_CHARACTER_MAP)``, done as one str.replace per mapped character present:
    translate looks every character up in the dict (~25 us for a paragraph), this scans once."""
    for char in set(_MAPPED.findall(text)):
        text = text.replace(char, _CHARACTER_MAP[ord(char)] or "")
    return text

_TAGS = re.compile(r"<(?:script|style)\b[^>]*>.*?</(?:script|style)>|<[^>]{0,500}>", re.I | re.S)
# "govern-\nment", "collea- gues": a hyphen followed by a line break, or by spaces between
# lower-case letters, inside a word. The pieces are rejoined with a plain hyphen; the vectorizer
# then keeps the joined word if it knows it.
# Both patterns start with the hyphen itself (the letter before it is a lookbehind after it):
# the regex engine then jumps from hyphen to hyphen instead of trying every position (~20x faster).
_SPACED_HYPHEN = re.compile(r"-(?<=[a-z]-) +(?=[a-z])")
_LINEBREAK_HYPHEN = re.compile(r"-(?<=[^\W\d_]-)[ \t]*\r?\n[ \t]*(?=[^\W\d_])")

_HYPHEN_GAP = re.compile(r"-[ \t\r\n]")  # where either pattern above can match
_PRINTABLE_BUT_BACKQUOTE = bytes(c for c in range(32, 127) if c != ord("`"))

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize(text: str) -> str:
    """Return ``text`` cleaned for feature extraction, keeping its wording and case.

    Removes HTML markup, control characters and lone surrogates; folds compatibility characters
    (NFKC); turns curly quotes into straight ones and dashes into a spaced hyphen; rejoins words
    broken by a line-end or OCR hyphen ("collea- gues" -> "collea-gues", which the vectorizer
    resolves against its vocabulary).

    ``framing.spans.text_map`` replays these steps to trace each character back to the text as
    given (for evidence offsets): a change here must be made there too (``tests/test_spans.py``
    fails until it is).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize("“Foreign-trained” collea- gues\u2014 he said")
    '"Foreign-trained" collea-gues - he said'
    """
    if text.isascii():
        # control characters (or just line breaks) or backquotes: the bytes left when every
        # printable character but "`" is deleted (~3x faster than str.isprintable)
        if text.encode("ascii").translate(None, _PRINTABLE_BUT_BACKQUOTE):
            text = _map_characters(text)
    else:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            text = _SURROGATES.sub(" ", text)
        text = _map_characters(unicodedata.normalize("NFKC", text))  # NFKC makes exotic spaces " "
    markup = "<" in text or "&" in text
    if markup:  # entities may decode to exotic spaces (&nbsp;, &thinsp;): _SPACES below
        text = _map_characters(html.unescape(_TAGS.sub(" ", text)))
    if "-" in text and _HYPHEN_GAP.search(text):
        text = _LINEBREAK_HYPHEN.sub("-", text)
        text = _SPACED_HYPHEN.sub("-", text)
    if "  " in text or "\t" in text or (markup and not text.isascii()):
        text = _SPACES.sub(" ", text)
    return text.strip()


def fold_accents(text: str) -> str:
    """Lower-case ``text`` and strip diacritics ("Guaidó" -> "guaido").

    Examples
    --------
    >>> fold_accents("Guaidó and Ñuñoa")
    'guaido and nunoa'
    """
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


# --------------------------------------------------------------------------------------------
# Stemming
# --------------------------------------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
# Words the suffix rules would turn into another word: "noted" -> "not" would count every note as a
# negation, "willing" -> "will" and "granted" -> "grant" (the colour-revolution cue "grants").
_STEM_EXCEPTIONS = {"noted": "note", "noting": "note", "willing": "willing", "willingly": "willing",
                    "granted": "granted", "owned": "owned", "owning": "owned"}


def light_stem(word: str) -> str:
    """Strip common English inflections: plurals, -ed, -ing, -ly.

    A small, deterministic stemmer with no dependencies, used by default so the inference path
    stays fast to import. ``stemmer="porter"`` or ``"snowball"`` use nltk instead.

    Examples
    --------
    >>> [light_stem(w) for w in ["terrorists", "protested", "protesting", "countries", "stopped"]]
    ['terrorist', 'protest', 'protest', 'country', 'stop']
    >>> [light_stem(w) for w in ["noted", "notes", "granted", "grants", "willing"]]
    ['note', 'note', 'granted', 'grant', 'willing']
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses") or word.endswith(("ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        word = word[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if len(stem) >= 3 and _VOWELS.intersection(stem):
                if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                    stem = stem[:-1]
                return stem
            break
    return word


SPELLINGS = ("unify", "keep")


class _Spelling:
    """The rules of ``framing/data/spelling.toml``, compiled once."""

    def __init__(self) -> None:
        import tomllib
        from importlib import resources

        data = tomllib.loads(resources.files("framing.data").joinpath("spelling.toml").read_text("utf-8"))
        self.words: dict[str, str] = dict(data["words"])
        endings = "s|ed|ing|ings|er|ers|ful|fully|less|able|ably|ite|ites|ism|ist|ists|ly|hood|hoods"
        self.our = re.compile(rf"({'|'.join(data['our']['stems'])})ur({endings})?")
        self.ise = re.compile(r"(.*[^aeiou])is(e|es|ed|ing|er|ers|ation|ations|ational|ationally)")
        self.ise_exact = frozenset(data["ise"]["exact"])
        self.ise_suffixes = tuple(data["ise"]["suffixes"])
        self.yse = re.compile(rf"({'|'.join(data['yse']['stems'])})s(e|es|ed|ing|er|ers)")
        self.lled = re.compile(rf"({'|'.join(data['lled']['stems'])})l(ed|ing|er|ers)")

    def __call__(self, word: str) -> str:
        found = self.words.get(word)
        if found is not None:
            return found
        if len(word) < 5 or not word.isascii():
            return word
        m = self.our.fullmatch(word)
        if m:
            return m[1] + "r" + (m[2] or "")
        m = self.ise.fullmatch(word)
        if m:
            base = m[1] + "ise"
            if base in self.ise_exact or base.endswith(self.ise_suffixes):
                return word
            return m[1] + "iz" + m[2]
        m = self.yse.fullmatch(word) or self.lled.fullmatch(word)
        if m:
            return m[1] + ("z" if m.re is self.yse else "") + m[2]
        return word


_SPELLING: _Spelling | None = None


def unify_spelling(word: str) -> str:
    """One spelling for words spelled or transliterated in more than one way (a folded word in,
    the canonical word out): British to American spelling, old to current transliterations.

    The rules are data (``framing/data/spelling.toml``): whole words, and -our, -ise, -yse and
    doubled-l endings, with the words that only look like them left alone.

    Examples
    --------
    >>> [unify_spelling(w) for w in ["colour", "organised", "destabilisation", "kiev", "defence", "travelled"]]
    ['color', 'organized', 'destabilization', 'kyiv', 'defense', 'traveled']
    >>> [unify_spelling(w) for w in ["promised", "crises", "raised", "uprising", "otherwise", "tour"]]
    ['promised', 'crises', 'raised', 'uprising', 'otherwise', 'tour']
    """
    global _SPELLING
    if _SPELLING is None:
        _SPELLING = _Spelling()
    return _SPELLING(word)


def get_stemmer(name: str, *, spelling: str = "keep") -> Callable[[str], str]:
    """Return a cached stemming function by name: ``"light"``, ``"porter"``, ``"snowball"`` or ``"none"``.

    With ``spelling="unify"``, every word is first rewritten to its canonical spelling
    (``unify_spelling``), so spelling variants share one stem.

    Examples
    --------
    >>> get_stemmer("light")("arrests")
    'arrest'
    >>> get_stemmer("none")("arrests")
    'arrests'
    >>> get_stemmer("light", spelling="unify")("organised") == get_stemmer("light")("organized")
    True
    """
    if name == "light":
        func: Callable[[str], str] = light_stem
    elif name == "none":
        func = str
    elif name == "porter":
        from nltk.stem.porter import PorterStemmer

        func = PorterStemmer().stem
    elif name == "snowball":
        from nltk.stem.snowball import SnowballStemmer

        func = SnowballStemmer("english").stem
    else:  # validated by the estimator; this guards direct calls
        raise ValueError(f"stemmer must be one of 'light', 'porter', 'snowball', 'none'; got {name!r}")
    if spelling == "unify":
        stem = func
        func = lambda word: stem(unify_spelling(word))  # noqa: E731
    elif spelling != "keep":
        raise ValueError(f"spelling must be one of {SPELLINGS}; got {spelling!r}")
    elif name == "none":
        return str
    return lru_cache(maxsize=200_000)(func)


# --------------------------------------------------------------------------------------------
# Sentences and passages
# --------------------------------------------------------------------------------------------

# Tokens that end with a period without ending a sentence. Lower-case, without the final period.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt maj capt sgt adm gov sen rep st jr sr no nos vol pp fig
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    inc ltd co corp dept univ est approx vs etc al e.g i.e u.s u.k u.n e.u a.m p.m ca cf""".split()
)
# A sentence ends at .!? (and closing quotes or brackets) before white space and a capital,
# digit or opening quote, or before a line break; or at a blank line. Written to start with one
# character class, so the regex engine skips quickly to the next candidate.
_SENT_END = re.compile(r"""[.!?\n](?:(?<=[.!?])[.!?]*["')\]]*(?:(?=\s+["'(\[]?[^\W_a-z])|\s*\n)|(?<=\n)\s*\n)""")


_END_BYTES = bytes.maketrans(b".!?\n", b"\0\0\0\0")


def _sentence_ends(text: str) -> list[re.Match]:
    """``list(_SENT_END.finditer(text))`` for ASCII text, ~2x faster: a pattern that starts with a
    character class makes the regex engine test every position (~6 ns a character), so the
    candidates (the characters . ! ? and line breaks) are found by a byte search instead."""
    marked = text.encode("ascii").translate(_END_BYTES)
    found = []
    at = marked.find(0)
    while at >= 0:
        match = _SENT_END.match(text, at)  # a NUL of the text itself never matches
        if match:
            found.append(match)
            at = match.end()
        else:
            at += 1
        at = marked.find(0, at)
    return found


def split_sentences(text: str) -> list[str]:
    """Split normalised text into sentences.

    A rule-based splitter: a sentence ends at ``.``, ``!`` or ``?`` (and any closing quotes)
    before a capital letter, digit or opening quote, unless the word before the period is a known
    abbreviation or a single initial. Fast enough for the batch path.

    Examples
    --------
    >>> split_sentences('Gen. Petrov spoke. "We will stay," he said! Troops left on Jan. 9.')
    ['Gen. Petrov spoke.', '"We will stay," he said!', 'Troops left on Jan. 9.']
    """
    sentences: list[str] = []
    start = 0
    for match in _sentence_ends(text) if text.isascii() else _SENT_END.finditer(text):
        end = match.end()
        if text[match.start()] == ".":
            word_start = text.rfind(" ", start, match.start()) + 1
            word = text[word_start : match.start()].lower().lstrip("\"'(")
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_passages(text: str, *, max_words: int = 150, window: int = 4, max_chars: int = 5000) -> list[str]:
    """Split an article into passages: paragraphs, with long paragraphs cut into sentence windows.

    Paragraphs are separated by blank lines (or by single line breaks when the text has no blank
    lines). A paragraph of more than ``max_words`` words is cut into windows of ``window``
    sentences, each window kept under ``max_words`` where sentences allow.

    Parameters
    ----------
    text : str
        An article or any long text.
    max_words : int, default=150
        Longest passage, in words, before a paragraph is cut.
    window : int, default=4
        Most sentences in one window.
    max_chars : int, default=5000
        Longest passage in characters: longer pieces (one enormous "word", a run of symbols)
        are cut, at white space where there is some, so no passage is unbounded.

    Returns
    -------
    list of str
        The passages in reading order; empty for blank text.

    Examples
    --------
    >>> split_passages("First paragraph here.\\n\\nSecond one. It has two sentences.")
    ['First paragraph here.', 'Second one. It has two sentences.']
    """
    text = text.replace("\r\n", "\n")
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    passages: list[str] = []
    for block in blocks:
        words = block.split()
        if not words:
            continue
        block = " ".join(words)
        if len(words) <= max_words:
            passages.append(block)
            continue
        passages.extend(_windows(split_sentences(block), max_words=max_words, window=window))
    return [piece for p in passages for piece in _cut_chars(p, max_chars)]


def _cut_chars(passage: str, max_chars: int) -> Iterator[str]:
    while len(passage) > max_chars:
        cut = passage.rfind(" ", 0, max_chars)
        cut = cut if cut > 0 else max_chars
        yield passage[:cut].strip()
        passage = passage[cut:].strip()
    if passage:
        yield passage


def _windows(sentences: list[str], *, max_words: int, window: int) -> Iterator[str]:
    current: list[str] = []
    words = 0
    for sentence in sentences:
        n = len(sentence.split())
        if n > max_words:  # a run-on "sentence" (or one huge token): cut it by words
            if current:
                yield " ".join(current)
                current, words = [], 0
            tokens = sentence.split()
            for i in range(0, len(tokens), max_words):
                yield " ".join(tokens[i : i + max_words])
            continue
        if current and (len(current) >= window or words + n > max_words):
            yield " ".join(current)
            current, words = [], 0
        current.append(sentence)
        words += n
    if current:
        yield " ".join(current)
