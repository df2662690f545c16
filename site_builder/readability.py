"""How easy a page or a quiz is to read: Flesch-Douma and the average sentence length.

The portal is written at B1 level. A formula cannot judge that alone, so `site-builder check`
reports a page below the bar as a warning for the editor, not as an error. The bar: Flesch-Douma
(textstat's Dutch Flesch reading ease) of at least 60, or on average at most 15 words per
sentence — a page full of long everyday words can still be plain if its sentences are short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from html.parser import HTMLParser

import textstat

MIN_FLESCH_DOUMA = 60.0
MAX_WORDS_PER_SENTENCE = 15.0

# Text in these elements is a unit of its own: a heading, a list item or a table cell without a
# full stop still ends there, as a reader sees it.
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote"}
_SKIP = {"pre", "code"}
_END = re.compile(r"[.!?:;]\s*$")


@dataclass(frozen=True)
class Readability:
    flesch_douma: float
    words_per_sentence: float
    words: int

    @property
    def plain(self) -> bool:
        """Reaches the B1 bar on at least one of the two measures."""
        return (
            self.flesch_douma >= MIN_FLESCH_DOUMA
            or self.words_per_sentence <= MAX_WORDS_PER_SENTENCE
        )

    def describe(self) -> str:
        return (
            f"Flesch-Douma {self.flesch_douma:.0f}, "
            f"gemiddeld {self.words_per_sentence:.1f} woorden per zin"
        )


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _close(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _SKIP:
            self._skipping += 1
        if tag in _BLOCKS:
            self._close()

    def handle_endtag(self, tag) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        if tag in _BLOCKS:
            self._close()

    def handle_data(self, data) -> None:
        if not self._skipping:
            self._current.append(data)


def _sentences(blocks: list[str]) -> str:
    return "\n".join(block if _END.search(block) else block + "." for block in blocks)


def html_text(html: str) -> str:
    """The running text of a rendered page, one unit per line, each ending as a sentence."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._close()
    return _sentences(parser.blocks)


def quiz_text(data: dict) -> str:
    """What a learner reads in a quiz: each question, each option and each explanation."""
    blocks: list[str] = []
    for question in data.get("vragen") or []:
        if not isinstance(question, dict):
            continue
        blocks.append(str(question.get("vraag", "")))
        for option in question.get("opties") or []:
            if isinstance(option, dict):
                blocks += [str(option.get("tekst", "")), str(option.get("uitleg", ""))]
    return _sentences([" ".join(b.split()) for b in blocks if b.strip()])


@cache
def _dutch() -> None:
    textstat.set_lang("nl")


@lru_cache(maxsize=1 << 16)
def _token_syllables(token: str) -> int:
    _dutch()
    return textstat.syllable_count(token)


def syllables_in(text: str) -> int:
    """textstat.syllable_count(text), counted per word and remembered.

    textstat splits the text on white space after taking out punctuation, and counts each word
    on its own; the pages of a site use the same few thousand words over and over.
    """
    return sum(_token_syllables(token) for token in text.split())


_SENTENCE = re.compile(r"[^.!?\n]*[^\W_][^.!?\n]*")


def measure(text: str) -> Readability:
    """Flesch-Douma = 206.84 - 0.77 x syllables per 100 words - 0.93 x words per sentence.

    textstat counts the words and the Dutch syllables; the sentences are counted here, because
    textstat skips sentences of one or two words ("Vraag hulp.") and so makes lists look harder.
    """
    _dutch()
    words = textstat.lexicon_count(text)
    if not words:
        return Readability(100.0, 0.0, 0)
    sentences = max(1, len(_SENTENCE.findall(text)))
    per_sentence = words / sentences
    syllables = syllables_in(text)
    score = 206.84 - 0.77 * (100 * syllables / words) - 0.93 * per_sentence
    return Readability(flesch_douma=score, words_per_sentence=per_sentence, words=words)
