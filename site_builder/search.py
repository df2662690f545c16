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
a query on a warm index costs a few milliseconds. The top of the results is found by reading
each concept's documents best first and stopping once no other document can get in (`_top`).
An index opened with `Search(warm=True)` (the service does) reads ahead what first queries
would read: field lengths, facets and the concepts of the most frequent words, so the first
query of a common word no longer reads its postings (from 50 ms to about 10 ms at 11,000
documents).

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

from whoosh import analysis, fields, highlight, index, query, reading
from whoosh.automata import lev
from whoosh.codec.base import Automata
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
# Warming (Search(warm=True)) fills the caches with the concepts of the most frequent words, until
# they are this full or the words get this rare (in a small index: in fewer than 1 in 20
# documents). A word in most documents cost tens of milliseconds the first time; a rare one is
# cheap anyway (few postings). The rest of the caches is left for what visitors ask.
WARM_SHARE = 0.75
WARM_MIN_DOCS = 100


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
    # A concept's documents best first (equal scores: lowest docnum first), for `_top`.
    order: Sequence[int] = ()


_NOTHING = _Matches({}, 0)


def _ranked(scores: dict[int, float]) -> list[int]:
    # Two sorts in C: by docnum, then stable by score, highest first.
    return sorted(sorted(scores), key=scores.__getitem__, reverse=True)


# Words whose correction ("Bedoelde u …?") is remembered per index.
CORRECTIONS_CACHED = 10_000
# Pages deeper than this are ranked by scoring every document (see `_top`).
TOP_MAX_WANTED = 200


def _score(scored: Sequence[_Matches], docnum: int, whole: float) -> float:
    """A document's score for several concepts: their sum, times the share of the query's
    weight it covers, squared (see `_Engine.run`). The same additions in the same order as
    `_rank_all`, so both give the same number to the last bit."""
    total = covered = 0.0
    for s in scored:
        value = s.values.get(docnum)
        if value is not None:
            total += value
            covered += s.weight
    return total * (covered / whole) ** 2


def _rank_all(scored: Sequence[_Matches], wanted: int, allowed) -> list[tuple[float, int]]:
    """The top `wanted` (score, docnum), every matching document scored."""
    if len(scored) == 1:
        scores = scored[0].values
    else:
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
    return [(score, docnum) for docnum, score in top]


# Queries of up to this many concepts also get the sharper bound of `_Subsets`; more concepts
# would mean too many subsets to go through.
SUBSET_BOUND_MAX = 8


class _Subsets:
    """Per non-empty subset of a query's concepts (a bit set): their summed weight, and the
    documents that have all of them (a mask)."""

    def __init__(self, scored: Sequence[_Matches]):
        self.size = 1 << len(scored)
        self.weights = [0.0] * self.size
        self.common = [-1] * self.size
        for subset in range(1, self.size):
            last = subset.bit_length() - 1
            rest = subset & ~(1 << last)
            # Added in the concepts' order, as `_score` does, so the bound is exact.
            self.weights[subset] = self.weights[rest] + scored[last].weight
            self.common[subset] = self.common[rest] & scored[last].mask

    def can_stop(self, frontier: list[float], kth: float, seen: int, whole: float) -> bool:
        """Whether no unseen document can reach `kth`: one that has exactly the concepts S
        scores at most the sum of S's frontiers times S's coverage, and there must be an
        unseen document with all of S for that to matter."""
        sums = [0.0] * self.size
        for subset in range(1, self.size):
            last = subset.bit_length() - 1
            sums[subset] = sums[subset & ~(1 << last)] + frontier[last]
            bound = sums[subset] * (self.weights[subset] / whole) ** 2
            if bound >= kth and self.common[subset] & ~seen:
                return False
        return True


def _top(scored: Sequence[_Matches], wanted: int, allowed) -> list[tuple[float, int]]:
    """The same as `_rank_all`, reading each concept's documents best first and stopping as
    soon as no document not yet seen can enter the top (Fagin's threshold algorithm).

    Scoring every document of a query like "steunpunt mantelzorg urk" (one word in nearly
    every document) took 10 to 15 ms; the top is usually certain after a few hundred. A
    document not yet seen scores at most the sum of the scores where each list has got to,
    because the coverage factor is at most 1. Long questions ("mijn vader heeft dementie en
    ik zoek hulp in almere") often have no document with every concept; at depths 16, 32, 64 …
    `_Subsets` then checks the bound per combination of concepts that still has unseen
    documents.
    """
    if wanted > TOP_MAX_WANTED or (allowed is not None and len(allowed) < TOP_MAX_WANTED):
        return _rank_all(scored, wanted, allowed)
    whole = sum(s.weight for s in scored) or 1.0
    single = len(scored) == 1
    best: list[tuple[float, int]] = []  # min-heap of (score, -docnum): the top so far
    seen: set[int] = set()
    longest = max(len(s.order) for s in scored)
    subsets = _Subsets(scored) if 1 < len(scored) <= SUBSET_BOUND_MAX else None
    bits = max(s.mask.bit_length() for s in scored)
    for depth in range(longest):
        threshold = 0.0
        for s in scored:
            if depth >= len(s.order):
                continue
            docnum = s.order[depth]
            threshold += s.values[docnum]
            if docnum in seen:
                continue
            seen.add(docnum)
            if allowed is not None and docnum not in allowed:
                continue
            score = s.values[docnum] if single else _score(scored, docnum, whole)
            entry = (score, -docnum)
            if len(best) < wanted:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        if len(best) == wanted:
            if best[0][0] > threshold:
                break
            if subsets is not None and depth >= 15 and not (depth + 1) & depth:
                frontier = [
                    s.values[s.order[depth]] if depth < len(s.order) else 0.0 for s in scored
                ]
                if subsets.can_stop(frontier, best[0][0], _mask(seen, bits), whole):
                    break
    return [(score, -negative) for score, negative in sorted(best, reverse=True)]


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
        self.corrections = _Cache(CORRECTIONS_CACHED)  # word → (correction or None,)
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
        cached = self.corrections.get(word)
        if cached is None:
            cached = (self._nearest(word),)
            self.corrections.put(word, cached, 1)
        return cached[0]

    def _nearest(self, word: str) -> str | None:
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        swaps.discard(word)
        # Whoosh's terms_within builds the edit automaton anew for every field; for a long
        # word at distance 2 that took most of the time, so each is built once here.
        automata: dict[int, object] = {}
        with self.lock:
            for name in ("body", "title"):
                spell = self.searcher.schema[name].spelling_fieldname(name)
                for distance in (0, 1, 2):
                    if not distance:
                        found = {w for w in swaps if (spell, w) in self.reader}
                    elif isinstance(self.reader, reading.SegmentReader):
                        if distance not in automata:
                            automata[distance] = lev.levenshtein_automaton(
                                word, distance, 1
                            ).to_dfa()
                        found = set(
                            Automata.find_matches(automata[distance], self.reader.cursor(spell))
                        )
                    else:
                        found = set(self.reader.terms_within(name, word, distance, prefix=1))
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

    def together(self, terms: tuple[str, ...], only: set[int] | None = None) -> _Matches:
        """The documents with every term (and in `only`, if given), each with the lowest
        frequency of the terms in it.

        The lowest, because a phrase or a compound cannot occur more often than its rarest
        word. Membership is tested in the terms' dicts: testing a bit of a mask as large as
        the index (`mask >> d & 1`) copied the mask for every document.
        """
        if len(terms) == 1 and only is None:
            return self.term(terms[0])
        parts = [self.term(term).values for term in terms]
        smallest = min(parts, key=len)
        rest = [part for part in parts if part is not smallest]
        values: dict[int, float] = {}
        # Plain loops: generators per document (min(...), all(...)) cost twice as much.
        for docnum, lowest in smallest.items():
            if only is not None and docnum not in only:
                continue
            for part in rest:
                value = part.get(docnum)
                if value is None:
                    break
                if value < lowest:
                    lowest = value
            else:
                values[docnum] = lowest
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
            return self.together(terms)
        # A phrase: Whoosh checks the positions, only in documents that have every word.
        with self.lock:
            docnums: set[int] = set()
            for name in _TEXT_FIELDS:
                if all((name, term) in self.reader for term in terms):
                    matcher = query.Phrase(name, list(terms)).matcher(self.searcher)
                    docnums.update(matcher.all_ids())
        return self.together(terms, docnums - self.deleted)

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
            if not weighted:  # the same numbers as below (0.0 + x is x), made in C
                weighted = {docnum: weight * tf for docnum, tf in matches.values.items()}
                continue
            for docnum, tf in matches.values.items():
                weighted[docnum] = weighted.get(docnum, 0.0) + weight * tf
        df = len(weighted)
        idf = math.log(1.0 + (self.count - df + 0.5) / (df + 0.5))
        scores = {d: idf * tf * (K1 + 1.0) / (tf + K1) for d, tf in weighted.items()}
        found = _Matches(scores, mask, idf, _ranked(scores)) if scores else _NOTHING
        self.concepts.put(alternatives, found, len(scores) + _ENTRY)
        return found

    def warm(self) -> int:
        """Reads now what the first queries would otherwise read: the field lengths, the facets,
        the concepts of the most frequent words, then the most frequent terms of every text
        field (place names are only in `plaats`). Returns how many words and terms it warmed."""
        words: dict[str, int] = {}
        terms: dict[str, int] = {}
        least = max(2, min(WARM_MIN_DOCS, self.count // 20))
        with self.lock:
            for name in _TEXT_FIELDS:
                self.lengths(name)
            if self.count:  # opens the stored fields' file, which the first hit would do
                self.searcher.stored_fields(0)
            for name in _TEXT_FIELDS:
                # The unstemmed words are in the spelling field, where a field has one.
                spell = self.searcher.schema[name].spelling_fieldname(name)
                sources = [(name, terms)] + ([(spell, words)] if spell != name else [])
                for field, found in sources:
                    for btext, info in self.reader.iter_field(field):
                        if info.doc_frequency() >= least:
                            text = btext.decode("utf-8")
                            found[text] = max(found.get(text, 0), info.doc_frequency())
        for name in FACETS:
            self.facet(name)

        def full() -> bool:
            return any(
                cache.size > WARM_SHARE * cache.limit for cache in (self.terms, self.concepts)
            )

        warmed = 0
        for word in sorted(words, key=lambda w: (-words[w], w)):
            if full():
                return warmed
            for concept in self.concepts_of([word]):
                self.concept(concept)
            warmed += 1
        for term in sorted(terms, key=lambda t: (-terms[t], t)):
            if full():
                break
            self.term(term)
            warmed += 1
        return warmed

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
        # More than one concept: a document's scores are added, times the share of the query's
        # concepts it matches, each counted by how rare it is, squared, so a document with
        # every concept comes before one with only the commonest (`_score`).
        return _top(scored, wanted, allowed), matched.bit_count(), counts

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
    # Each word is judged once per text, and one token is reused (the fragmenter copies the
    # ones it keeps): this halved the time a snippet takes.
    seen: dict[str, tuple[str, bool]] = {}
    token = analysis.Token()
    for match in _WORD.finditer(text):
        raw = match.group()
        found = seen.get(raw)
        if found is None:
            word = raw.lower().translate(_ACCENTS)
            matched = word not in STOPWORDS and (
                _cached_stem(word) in terms
                or (len(word) >= CompoundFilter.MIN_WORD and any(t in word for t in inside))
            )
            found = seen[raw] = (word, matched)
        token.text, token.matched = found
        token.startchar, token.endchar = match.span()
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

    def __init__(self, directory: Path, warm: bool = False):
        self.directory = directory
        self.warm = warm
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
                        engine = _Engine(
                            index.open_dir(path).searcher(),
                            json.loads(synonyms.read_text("utf-8")) if synonyms.exists() else {},
                        )
                        if self.warm:
                            # Before it is swapped in: queries wait for it once, and none of
                            # them pays for a cold index.
                            engine.warm()
                        self.engine = engine
                    self.path = path
                    if old is not None:
                        old.close()
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine, self.path = None, None


class Search:
    """Searches the portal's index and the meetings' index together.

    With `warm`, each index is warmed (see `_Engine.warm`) when it is opened: at the first query
    or `open()`, and again after every rebuild.
    """

    def __init__(self, portal_dir: Path, meetings_dir: Path | None = None, *, warm: bool = False):
        self.indexes = [_Index(portal_dir, warm)] + (
            [_Index(meetings_dir, warm)] if meetings_dir else []
        )

    def open(self) -> None:
        """Opens (and warms) the indexes now, rather than at the first query."""
        for ix in self.indexes:
            ix.get()

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
