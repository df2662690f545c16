"""The portal's search: the Whoosh schema, Dutch analysis, building the index and queries.

All search code lives here, and nothing else imports Whoosh, so the engine can be swapped.

Analysis: words are lowercased, accents folded (ë → e), common Dutch words dropped and the rest
stemmed with Snowball `nl`, plus a few fixes for Dutch plurals Snowball misses (`dutch_stem`).
Dutch glues words together ("mantelzorgondersteuning"); a query for "mantelzorg" should find
it. Splitting on every letter (n-grams) makes the index many times larger and matches
nonsense, so `CompoundFilter` splits only on the corpus's own words: a long word also yields
each word of the corpus it starts with, and the word it ends with. "mantelzorgers" yields
"mantelzorg", "logeeropvang" yields "opvang".

Queries are plain words, never Whoosh query syntax: quotes, `*`, AND/OR/NOT and the like are
ordinary characters, so nothing a visitor types can make a query fail. Each word (or a run of
words that is a synonym, like "even vrij" or "ik kan niet meer") is one *concept*: the word
itself, its compound parts found apart, and its synonyms (content/zoeken/synoniemen.yml, looked
up by stem) are scored together as if they were one word, the alternatives counting less than
the word typed. Documents that match more of the concepts (each weighted by how rare it is)
rank higher: "respijtzorg dronten" puts respite care in Dronten above either alone. A word no
index knows is replaced by the nearest known word, and the visitor is told so.

Scoring is BM25F, computed here from Whoosh's postings rather than by Whoosh's matcher tree:
Whoosh scores document by document in Python, which took over a second for "mantelzorg" at
11,000 documents. Per term the weighted frequencies (all fields at once) and per concept the
scores are computed once and kept in bounded caches, and facets are counted with bit sets, so
a query on a warm index costs a few milliseconds.

The index is built into a new folder and then made current by rewriting one small pointer
file (an atomic rename), so a reader never sees a half-built index.
"""

from __future__ import annotations

import functools
import heapq
import html
import json
import math
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import analysis, fields, highlight, index, query
from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.support.charset import accent_map

POINTER = "HUIDIG"
PAGE_SIZE = 10
MAX_QUERY_CHARS = 200  # more is not a question; the rest is ignored
MAX_WORDS = 12
# Snippets come from the start of a text: fast, and usually right.
SNIPPET_SOURCE_CHARS = 1500
MIN_SUGGEST = 5  # letters a word needs before "Bedoelde u …?" offers another

# Kinds of results, in the order the facet shows them.
KINDS = {
    "artikel": "Artikel",
    "ziektebeeld": "Ziektebeeld",
    "les": "Les uit een cursus",
    "organisatie": "Hulp in de buurt",
    "bijeenkomst": "Bijeenkomst",
}
FACETS = ("soort", "gemeente", "doelgroep", "ziektebeeld")

_WORD = re.compile(r"\w+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STOPWORDS = frozenset(stopwords_for_language("nl"))


# --- Analysis ---

_SNOWBALL = DutchStemmer()
_DOUBLE_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[^aeiou]*$)")


def dutch_stem(word: str) -> str:
    """Snowball's Dutch stem, with three fixes for pairs it leaves apart.

    - Plurals in -es of words ending in -e ("ziektes", "organisaties"): Snowball only strips an
      -s after a consonant, so "ziektes" and "ziekte" got different stems.
    - A double vowel before the last consonants ("financieel"/"financiele"): Snowball undoubles
      only after a consonant, so adjectives in -ieel kept two forms.
    - A final z or v ("huizen" → "huiz", "brieven" → "briev"): Dutch writes the singular with s
      and f ("huis", "brief"), so both now end in s and f.
    """
    if len(word) >= 6 and word.endswith("es"):
        word = word[:-1]
    stem = _SNOWBALL.stem(word)
    stem = _DOUBLE_VOWEL.sub(lambda m: m.group(1)[0], stem)
    if len(stem) > 3 and stem[-1] in "zv":
        stem = stem[:-1] + ("s" if stem[-1] == "z" else "f")
    return stem


@functools.lru_cache(maxsize=20_000)
def _cached_stem(word: str) -> str:
    # For looking up synonyms by stem; the analyzer has its own cache.
    return dutch_stem(word)


class CompoundFilter(analysis.Filter):
    """Also yields the known words a long word starts or ends with (see the module text).

    `words` are folded, lowercase words of the corpus of at least MIN_PART letters. The parts
    share the word's position, so a phrase still matches the whole word.
    """

    MIN_PART = 5
    MIN_WORD = 8

    def __init__(self, words: Iterable[str] = ()):
        self.words = frozenset(words)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompoundFilter) and other.words == self.words

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            yield token
            if len(text) < self.MIN_WORD or not self.words:
                continue
            parts = [
                text[:end]
                for end in range(self.MIN_PART, len(text) - 1)
                if text[:end] in self.words
            ]
            parts += [
                text[start:]
                for start in range(2, len(text) - self.MIN_PART + 1)
                if text[start:] in self.words
            ][:1]
            for part in parts:
                token.text = part
                yield token
            token.text = text


def make_analyzer(words: Iterable[str] = ()) -> analysis.Analyzer:
    return (
        analysis.RegexTokenizer(r"\w+")
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter(stoplist=STOPWORDS, minsize=2)
        | CompoundFilter(words)
        | analysis.StemFilter(stemfn=dutch_stem, cachesize=100_000)
    )


_FOLDER = analysis.RegexTokenizer(r"\w+") | analysis.LowercaseFilter()
_FOLDER = _FOLDER | analysis.CharsetFilter(accent_map)


def fold(text: str) -> list[str]:
    """Lowercase, accent-folded words of `text`, as the analyzer sees them before stemming."""
    return [token.text for token in _FOLDER(text)]


def vocabulary(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in fold(text) if len(word) >= CompoundFilter.MIN_PART}


def make_schema(words: Iterable[str] = ()) -> fields.Schema:
    # No index-time field boosts: BM25 saturates term frequency, which flattened a boost baked
    # into it (a title word counted barely more than a body word). `_FIELDS` weighs the fields
    # at query time instead.
    words = frozenset(words)
    text = make_analyzer(words)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        soort=fields.ID(stored=True),
        title=fields.TEXT(analyzer=text, stored=True, spelling=True),
        description=fields.TEXT(analyzer=text, stored=True),
        body=fields.TEXT(analyzer=text, spelling=True),
        plaats=fields.TEXT(analyzer=text),
        kort=fields.STORED(),
        url=fields.STORED(),
        datum=fields.STORED(),
        gemeente=fields.KEYWORD(stored=True, commas=True),
        doelgroep=fields.KEYWORD(stored=True, commas=True),
        ziektebeeld=fields.KEYWORD(stored=True, commas=True),
        categorie=fields.KEYWORD(stored=True, commas=True),
    )


# --- Documents ---


@dataclass
class Doc:
    """One search result as it is indexed."""

    id: str
    soort: str
    title: str
    url: str
    description: str = ""
    body: str = ""
    plaats: str = ""  # place names: "dronten" finds what is in Dronten
    datum: str = ""  # shown under the title, e.g. the date of a meeting
    gemeente: list[str] = field(default_factory=list)
    doelgroep: list[str] = field(default_factory=list)
    ziektebeeld: list[str] = field(default_factory=list)
    categorie: list[str] = field(default_factory=list)

    def fields(self) -> dict:
        return {
            "id": self.id,
            "soort": self.soort,
            "title": self.title,
            "description": self.description,
            "body": self.body,
            "plaats": self.plaats,
            "kort": (self.body or self.description)[:SNIPPET_SOURCE_CHARS],
            "url": self.url,
            "datum": self.datum,
            "gemeente": ",".join(self.gemeente),
            "doelgroep": ",".join(self.doelgroep),
            "ziektebeeld": ",".join(self.ziektebeeld),
            "categorie": ",".join(self.categorie),
        }


# --- Synonyms ---


def parse_synonyms(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """Each word or phrase → the other members of its group(s), folded."""
    found: dict[str, list[str]] = {}
    for group in groups:
        members = [" ".join(fold(member)) for member in group if fold(member)]
        for member in members:
            found.setdefault(member, [])
            found[member] += [m for m in members if m != member and m not in found[member]]
    return found


# --- Building ---


def build(directory: Path, docs: Sequence[Doc], synonyms: dict[str, list[str]]) -> Path:
    """A new index of `docs` in a fresh folder under `directory`, then made current at once.

    Returns the new folder. The previous index stays until the next build, for readers that
    still have it open.
    """
    directory.mkdir(parents=True, exist_ok=True)
    words = vocabulary(text for doc in docs for text in (doc.title, doc.description, doc.body))
    target = directory / f"index-{time.time_ns()}"
    target.mkdir()
    ix = index.create_in(target, make_schema(words))
    writer = ix.writer(limitmb=256, procs=1)
    for doc in docs:
        writer.add_document(**doc.fields())
    writer.commit()
    (target / "synoniemen.json").write_text(json.dumps(synonyms, ensure_ascii=False), "utf-8")
    partial = directory / f"{POINTER}.tmp"
    partial.write_text(target.name, "utf-8")
    os.replace(partial, directory / POINTER)
    _remove_old(directory, keep={target.name, _previous(directory, target.name)})
    return target


def _previous(directory: Path, current: str) -> str:
    older = sorted(p.name for p in directory.glob("index-*") if p.name < current)
    return older[-1] if older else ""


def _remove_old(directory: Path, keep: set[str]) -> None:
    for path in directory.glob("index-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def current(directory: Path) -> Path | None:
    try:
        name = (directory / POINTER).read_text("utf-8").strip()
    except OSError:
        return None
    path = directory / name
    return path if path.is_dir() else None


def age(directory: Path) -> float:
    """Seconds since the current index in `directory` was built; infinite if there is none."""
    path = current(directory)
    if path is None:
        return math.inf
    try:
        built = int(path.name.removeprefix("index-")) / 1e9
    except ValueError:
        built = path.stat().st_mtime
    return max(0.0, time.time() - built)


def replace_all(directory: Path, docs: Sequence[Doc]) -> None:
    """A small index that changes whole (the meetings): rebuilt and swapped in each time."""
    build(directory, docs, {})


# --- Searching ---


@dataclass(frozen=True)
class Hit:
    id: str
    soort: str
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around the matching words
    datum: str
    gemeente: tuple[str, ...]


@dataclass
class Results:
    query: str  # the words searched for, cleaned
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, dict[str, int]]  # facet → value → count
    corrected: str | None = None  # searched for this instead, because a word was unknown
    suggestion: str | None = None  # "Bedoelde u …?"


def clean(text: str) -> str:
    """The visitor's words: control characters out, at most MAX_QUERY_CHARS and MAX_WORDS."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUERY_CHARS]
    return " ".join(_WORD.findall(text)[:MAX_WORDS])


# Text fields with their weight and BM25 length normalisation (b). A word in the title says
# most about a page; a place name is what a kaart query like "dagbesteding almere" asks for.
# Titles and place lists are short and of similar length, so their length matters less.
_FIELDS = (
    ("title", 3.0, 0.3),
    ("description", 1.5, 0.5),
    ("body", 1.0, 0.75),
    ("plaats", 2.0, 0.3),
)
_TEXT_FIELDS = tuple(name for name, _weight, _b in _FIELDS)
K1 = 1.2
# How much an alternative of a word counts against the word itself: its compound parts found
# apart ("mantelzorg … ondersteuning" for "mantelzorgondersteuning"), or a synonym. Less than
# the word, so a page with the visitor's own word comes first.
PARTS_WEIGHT = 0.6
# Only one part known ("opvang" of "dagopvang") is a broader word, not the same thing.
PART_WEIGHT = 0.3
# A word of a synonym phrase on its own (see concepts_of).
LOOSE_WORD_WEIGHT = 0.3
SYNONYM_WEIGHT = 0.7
# Longest synonym phrase looked up in a query ("ik kan het niet meer aan").
MAX_PHRASE = 6
# Bounded caches: scores of one term (all fields) and of one concept, counted in postings.
TERM_CACHE_POSTINGS = 400_000
CONCEPT_CACHE_POSTINGS = 400_000
_ENTRY = 50  # what an entry costs besides its postings, so empty ones (typos) are bounded too


class _Cache:
    """A least-recently-used cache bounded by the total size of its values (postings)."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.items: OrderedDict = OrderedDict()  # key → (value, size)
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            self.items.move_to_end(key)
            return found[0]

    def put(self, key, value, size: int) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, size)
            self.size += size
            while self.size > self.limit and len(self.items) > 1:
                _key, (_value, old) = self.items.popitem(last=False)
                self.size -= old


@dataclass(frozen=True)
class _Matches:
    """Documents that match something, with a number each, and the same set as a bit mask.

    For a term or alternative the number is its weighted term frequency (before BM25's
    saturation); for a concept it is the score.
    """

    values: dict[int, float]
    mask: int
    weight: float = 0.0  # a concept's idf: how rare it is, for coverage


_NOTHING = _Matches({}, 0)


def _mask(docnums: Iterable[int], count: int) -> int:
    bits = bytearray(count // 8 + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _postings(matcher) -> tuple[Sequence[int], Sequence[float]]:
    """All (docnum, weight) pairs of a term, read a block at a time where Whoosh allows it.

    Stepping posting by posting through Whoosh's matcher costs about 2 µs each; a term in
    every document of a big index then takes tens of milliseconds.
    """
    ids: list[int] = []
    weights: list[float] = []
    block_reader = all(
        hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block")
    )
    while matcher.is_active():
        if block_reader:
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids[matcher._i :])
            weights.extend(matcher._weights[matcher._i :])
            matcher._next_block()
        else:
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return ids, weights


class _Engine:
    """One opened index: its searcher, the synonyms, and caches of what queries need."""

    def __init__(self, searcher, synonyms: dict[str, list[str]]):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.analyzer = searcher.schema["body"].analyzer
        self.count = self.reader.doc_count_all()
        # Whoosh's readers are not made for threads; every read of the index goes through this.
        self.lock = threading.RLock()
        self.terms = _Cache(TERM_CACHE_POSTINGS)
        self.concepts = _Cache(CONCEPT_CACHE_POSTINGS)
        self._lengths: dict[str, list[int]] = {}
        self._facets: dict[str, dict[str, tuple[int, frozenset[int]]]] = {}
        self.deleted = (
            frozenset(self.reader.deleted_docs()) if self.reader.has_deletions() else frozenset()
        )
        # Synonyms by the stems of their words, so "mantelzorgers" finds the group of
        # "mantelzorger" and "vergeet" that of "vergeten".
        self.synonyms: dict[tuple[str, ...], list[str]] = {}
        for phrase, others in synonyms.items():
            key = self.key(phrase.split())
            self.synonyms.setdefault(key, [])
            self.synonyms[key] += [o for o in others if o not in self.synonyms[key]]

    def close(self) -> None:
        self.searcher.close()

    @staticmethod
    def key(words: Sequence[str]) -> tuple[str, ...]:
        return tuple(_cached_stem(word) for word in words)

    # - Analysis of the query -

    def positions(self, text: str) -> list[list[str]]:
        """The analysed terms of `text` by position: the whole word first, then its parts."""
        groups: list[list[str]] = []
        last = None
        for token in self.analyzer(text, mode="query", positions=True):
            if token.pos != last or not groups:
                groups.append([token.text])
                last = token.pos
            elif token.text not in groups[-1]:
                groups[-1].append(token.text)
        return groups

    def alternatives(self, text: str, weight: float) -> list[tuple]:
        """What a word or phrase can match: ("t", term), ("and", parts) or ("phrase", terms)."""
        groups = self.positions(text)
        if not groups:
            return []
        if len(groups) > 1:
            return [("phrase", tuple(group[0] for group in groups), weight)]
        whole, *parts = groups[0]
        found = [("t", whole, weight)]
        if len(parts) > 1:
            found.append(("and", tuple(parts), weight * PARTS_WEIGHT))
        elif parts and not self.has(whole):
            # One known part only, of a word the index does not have: better than nothing.
            found.append(("and", tuple(parts), weight * PART_WEIGHT))
        return found

    def concepts_of(self, words: list[str]) -> list[tuple]:
        """The query as concepts, each a tuple of alternatives (see the module text).

        The longest run of words that is a synonym phrase ("ik kan niet meer") becomes one
        concept; every other word that is not a stop word is one.
        """
        stems = self.key(words)
        concepts = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_PHRASE, len(words) - i), 1, -1):
                others = self.synonyms.get(stems[i : i + size])
                if others:
                    found = self.alternatives(" ".join(words[i : i + size]), 1.0)
                    for other in others:
                        found += self.alternatives(other, SYNONYM_WEIGHT)
                    # The phrase's own words, loose, count a little: "hulp bij het huishouden"
                    # must still find pages on "hulp" when no page has the whole phrase.
                    for word in words[i : i + size]:
                        if word not in STOPWORDS:
                            found += self.alternatives(word, LOOSE_WORD_WEIGHT)
                    if found:
                        concepts.append(tuple(found))
                    i += size
                    break
            else:
                word = words[i]
                if word not in STOPWORDS:
                    found = self.alternatives(word, 1.0)
                    for other in self.synonyms.get(stems[i : i + 1], []):
                        found += self.alternatives(other, SYNONYM_WEIGHT)
                    if found:
                        concepts.append(tuple(found))
                i += 1
        return list(dict.fromkeys(concepts))

    def known(self, word: str) -> bool:
        """Whether the index has the word, one of its parts, or a synonym of it."""
        if self.synonyms.get(self.key([word])):
            return True
        return any(self.has(term) for group in self.positions(word) for term in group)

    def has(self, term: str) -> bool:
        with self.lock:
            return any((name, term) in self.reader for name in _TEXT_FIELDS)

    def correction(self, word: str) -> str | None:
        """The known word nearest to `word`: a swap of two letters, then one edit, then two.

        The first letter is taken as typed: typos there are rare, and it makes the search of
        the word list many times faster. Among equals the most frequent word wins.
        """
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        swaps.discard(word)
        with self.lock:
            for name in ("body", "title"):
                spell = self.searcher.schema[name].spelling_fieldname(name)
                for distance in (0, 1, 2):
                    if distance:
                        found = set(self.reader.terms_within(name, word, distance, prefix=1))
                    else:
                        found = {w for w in swaps if (spell, w) in self.reader}
                    found.discard(word)
                    if found:
                        frequency = self.reader.doc_frequency
                        return max(found, key=lambda w: (frequency(spell, w), w))
        return None

    # - Scores -

    def lengths(self, name: str) -> list[int]:
        found = self._lengths.get(name)
        if found is None:
            length = self.reader.doc_field_length
            found = [length(docnum, name, 0) or 0 for docnum in range(self.count)]
            self._lengths[name] = found
        return found

    def term(self, term: str) -> _Matches:
        """BM25F's weighted frequency of one term over all text fields, per document.

        Each field's frequency is weighed (`_FIELDS`) and normalised by the field's length, and
        the fields are added up before BM25 saturates the sum, so a word in title and body
        counts more than in one of them, but never without bound. Cached.
        """
        found = self.terms.get(term)
        if found is not None:
            return found
        with self.lock:
            weighted: dict[int, float] = {}
            for name, weight, b in _FIELDS:
                if (name, term) not in self.reader:
                    continue
                average = (self.reader.field_length(name) / max(self.count, 1)) or 1.0
                lengths = self.lengths(name)
                ids, tfs = _postings(self.reader.postings(name, term))
                for docnum, tf in zip(ids, tfs, strict=True):
                    norm = 1.0 - b + b * lengths[docnum] / average
                    weighted[docnum] = weighted.get(docnum, 0.0) + weight * tf / norm
        for docnum in self.deleted & weighted.keys():
            del weighted[docnum]
        found = _Matches(weighted, _mask(weighted, self.count))
        self.terms.put(term, found, len(weighted) + _ENTRY)
        return found

    def together(self, terms: tuple[str, ...], mask: int) -> _Matches:
        """The documents in `mask`, each with the lowest frequency of the terms in it.

        The lowest, because a phrase or a compound cannot occur more often than its rarest
        word.
        """
        parts = [self.term(term) for term in terms]
        smallest = min(parts, key=lambda part: len(part.values)).values
        values = {d: min(part.values[d] for part in parts) for d in smallest if mask >> d & 1}
        return _Matches(values, _mask(values, self.count))

    def alternative(self, kind: str, terms) -> _Matches:
        if kind == "t":
            return self.term(terms)
        parts = [self.term(term) for term in terms]
        common = parts[0].mask
        for part in parts[1:]:
            common &= part.mask
        if not common:
            return _NOTHING
        if kind == "and":  # every part of a compound, anywhere in the document
            return self.together(terms, common)
        # A phrase: Whoosh checks the positions, only in documents that have every word.
        with self.lock:
            docnums: set[int] = set()
            for name in _TEXT_FIELDS:
                if all((name, term) in self.reader for term in terms):
                    matcher = query.Phrase(name, list(terms)).matcher(self.searcher)
                    docnums.update(matcher.all_ids())
        return self.together(terms, _mask(docnums - self.deleted, self.count))

    def concept(self, alternatives: tuple) -> _Matches:
        """BM25 scores of a concept, its alternatives taken together as one word.

        Like Lucene's SynonymQuery: the frequencies of the alternatives are added (each
        times its weight) and the concept's rarity is that of all its documents together.
        Scoring each synonym as a word of its own gave a rare synonym far more weight than a
        common one with the same meaning: "alzheimer" put every page with "Alzheimer Café"
        in its title above the page about dementia. Cached.
        """
        found = self.concepts.get(alternatives)
        if found is not None:
            return found
        weighted: dict[int, float] = {}
        mask = 0
        for kind, terms, weight in alternatives:
            matches = self.alternative(kind, terms)
            mask |= matches.mask
            for docnum, tf in matches.values.items():
                weighted[docnum] = weighted.get(docnum, 0.0) + weight * tf
        df = len(weighted)
        idf = math.log(1.0 + (self.count - df + 0.5) / (df + 0.5))
        scores = {d: idf * tf * (K1 + 1.0) / (tf + K1) for d, tf in weighted.items()}
        found = _Matches(scores, mask, idf) if scores else _NOTHING
        self.concepts.put(alternatives, found, len(scores) + _ENTRY)
        return found

    # - Facets and filters -

    def facet(self, name: str) -> dict[str, tuple[int, frozenset[int]]]:
        """Each value of a facet field → (bit mask, set) of the documents that have it."""
        found = self._facets.get(name)
        if found is None:
            found = {}
            with self.lock:
                for value in self.reader.field_terms(name):
                    ids, _weights = _postings(self.reader.postings(name, value))
                    docnums = frozenset(ids) - self.deleted
                    found[value] = (_mask(docnums, self.count), docnums)
            self._facets[name] = found
        return found

    def run(self, concepts: list[tuple], filters: dict[str, str], wanted: int):
        """(top `wanted` as (score, docnum), total, facet counts) for the concepts."""
        scored = [self.concept(c) for c in concepts]
        scored = [s for s in scored if s.values]
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        if not scored:
            return [], 0, counts
        allowed: frozenset[int] | None = None
        limit = -1
        for name, value in filters.items():
            mask, docnums = self.facet(name).get(value, (0, frozenset()))
            limit &= mask
            allowed = docnums if allowed is None else allowed & docnums
        matched = 0
        for s in scored:
            matched |= s.mask
        matched &= limit
        if not matched:
            return [], 0, counts
        for name in FACETS:
            for value, (mask, _docnums) in self.facet(name).items():
                number = (matched & mask).bit_count()
                if number and value:
                    counts[name][value] = number
        if len(scored) == 1:
            scores = scored[0].values
        else:
            # Coverage: the share of the query's concepts a document matches, each counted by
            # how rare it is, squared, so a document with every concept comes before one with
            # only the commonest.
            sums: dict[int, float] = {}
            covered: dict[int, float] = {}
            whole = sum(s.weight for s in scored) or 1.0
            for s in scored:
                for docnum, score in s.values.items():
                    sums[docnum] = sums.get(docnum, 0.0) + score
                    covered[docnum] = covered.get(docnum, 0.0) + s.weight
            scores = {d: score * (covered[d] / whole) ** 2 for d, score in sums.items()}
        items = scores.items()
        if allowed is not None:
            items = ((d, s) for d, s in items if d in allowed)
        top = heapq.nlargest(wanted, items, key=lambda item: (item[1], -item[0]))
        return [(score, docnum) for docnum, score in top], matched.bit_count(), counts

    def hit(self, docnum: int, terms: frozenset[str]) -> Hit:
        with self.lock:
            stored = self.searcher.stored_fields(docnum)
        snippet = ""
        for text, top in ((stored.get("kort", ""), 2), (stored.get("description", ""), 1)):
            if text and not snippet:
                snippet = _snippet(text, terms, top)
        if not snippet:
            snippet = html.escape(stored.get("description") or stored.get("kort", "")[:220])
        return Hit(
            id=stored["id"],
            soort=stored["soort"],
            title=stored["title"],
            url=stored["url"],
            snippet=snippet,
            datum=stored.get("datum", ""),
            gemeente=tuple(filter(None, stored.get("gemeente", "").split(","))),
        )


_ACCENTS = str.maketrans({chr(code): value for code, value in accent_map.items() if value})


def _marked(text: str, terms: frozenset[str]) -> Iterator[analysis.Token]:
    """The words of `text` with `matched` set when they match one of the query's terms.

    Running the index's analyzer over every snippet (compound splitting included) was most of
    the time a query took. A word matches when its stem is a term, or, for a long word, when
    a long term is inside it ("mantelzorg" in "mantelzorgondersteuning").
    """
    inside = [term for term in terms if len(term) >= CompoundFilter.MIN_PART]
    for match in _WORD.finditer(text):
        word = match.group().lower().translate(_ACCENTS)
        matched = word not in STOPWORDS and (
            _cached_stem(word) in terms
            or (len(word) >= CompoundFilter.MIN_WORD and any(t in word for t in inside))
        )
        token = analysis.Token(text=word, startchar=match.start(), endchar=match.end())
        token.matched = matched
        yield token


def _snippet(text: str, terms: frozenset[str], top: int) -> str:
    """HTML: the best `top` fragments of `text` with <mark> around the words found, or ""."""
    fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    fragments = fragmenter.fragment_tokens(text, _marked(text, terms))
    best = highlight.top_fragments(
        fragments, top, highlight.BasicFragmentScorer(), highlight.SCORE, minscore=1
    )
    return highlight.HtmlFormatter(tagname="mark", between=" … ")(text, best)


class _Index:
    """One opened index with its engine, reopened when the pointer file changes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.path: Path | None = None
        self.engine: _Engine | None = None
        self.lock = threading.Lock()

    def get(self) -> _Engine | None:
        path = current(self.directory)
        if path != self.path:
            with self.lock:
                if path != self.path:
                    old = self.engine
                    if path is None:
                        self.engine = None
                    else:
                        synonyms = path / "synoniemen.json"
                        self.engine = _Engine(
                            index.open_dir(path).searcher(),
                            json.loads(synonyms.read_text("utf-8")) if synonyms.exists() else {},
                        )
                    self.path = path
                    if old is not None:
                        old.close()
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine, self.path = None, None


class Search:
    """Searches the portal's index and the meetings' index together."""

    def __init__(self, portal_dir: Path, meetings_dir: Path | None = None):
        self.indexes = [_Index(portal_dir)] + ([_Index(meetings_dir)] if meetings_dir else [])

    def close(self) -> None:
        for ix in self.indexes:
            ix.close()

    def search(self, text: str, filters: dict[str, str] | None = None, page: int = 1) -> Results:
        cleaned = clean(text)
        words = fold(cleaned)
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        page = max(1, min(page, 1000))
        engines = [engine for engine in (ix.get() for ix in self.indexes) if engine is not None]
        better = self._corrected(engines, cleaned, words)
        if better is not None:
            # The unknown words match nothing, so searching for their corrections loses
            # nothing and usually finds what was meant ("respijtzrog dronten").
            results = self._run(engines, fold(better), filters, page)
            if results.total:
                results.query, results.corrected = cleaned, better
                return results
        results = self._run(engines, words, filters, page)
        results.query, results.suggestion = cleaned, better
        return results

    @staticmethod
    def _corrected(engines: list[_Engine], cleaned: str, words: list[str]) -> str | None:
        """The query with each word no index knows replaced by the nearest known one."""
        if not engines:
            return None
        typed = cleaned.split()
        if len(typed) != len(words):
            typed = list(words)
        changed = False
        for i, word in enumerate(words):
            # Short words are too often right as they are ("or", "wmo") to correct.
            if len(word) < MIN_SUGGEST or word in STOPWORDS:
                continue
            if any(engine.known(word) for engine in engines):
                continue
            found = engines[0].correction(word)
            if found:
                typed[i], changed = found, True
        return " ".join(typed) if changed else None

    def _run(self, engines: list[_Engine], words: list[str], filters: dict, page: int) -> Results:
        """Both indexes, merged by score; snippets only for the page that is shown."""
        wanted = page * PAGE_SIZE
        merged = []
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        total = 0
        for order, engine in enumerate(engines):
            concepts = engine.concepts_of(words) if words else []
            top, found, counts = engine.run(concepts, filters, wanted)
            total += found
            # Words of phrases are left unmarked: "zorg" of "vervangende zorg" is everywhere.
            terms = frozenset(
                term
                for concept in concepts
                for kind, what, _weight in concept
                if kind != "phrase"
                for term in ((what,) if kind == "t" else what)
            )
            merged += [(score, order, docnum, engine, terms) for score, docnum in top]
            for name, values in counts.items():
                for value, number in values.items():
                    facets[name][value] = facets[name].get(value, 0) + number
        # Equal scores: portal before meetings, then index order, so pages never reshuffle.
        merged.sort(key=lambda item: (-item[0], item[1], item[2]))
        shown = merged[(page - 1) * PAGE_SIZE : wanted]
        return Results(
            query="",
            hits=[engine.hit(docnum, terms) for _s, _o, docnum, engine, terms in shown],
            total=total,
            page=page,
            pages=max(1, -(-total // PAGE_SIZE)),
            facets={
                name: dict(sorted(values.items(), key=lambda item: -item[1]))
                for name, values in facets.items()
            },
        )


def iter_ids(directory: Path) -> Iterator[str]:
    """The ids in the current index (for tests and checks)."""
    path = current(directory)
    if path is None:
        return
    with index.open_dir(path).searcher() as searcher:
        for stored in searcher.all_stored_fields():
            yield stored["id"]
