"""Text folding shared by the code searches (private)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
_MIN_STEMMED = 4

# Dropped from queries only: a word like "di" or "the" would otherwise have to match a word of the
# description, and legal wording varies ("rifiuti da" / "rifiuti della" / "rifiuti prodotti da").
STOP_WORDS = frozenset(
    {
        "a", "ad", "al", "alla", "alle", "agli", "ai", "con", "da", "dai", "dal", "dalla", "dalle",
        "dei", "del", "della", "delle", "degli", "di", "e", "ed", "i", "il", "in", "la", "le",
        "lo", "gli", "nel", "nella", "nelle", "o", "per", "su", "un", "una", "uno",
        "an", "and", "for", "from", "of", "on", "or", "the", "to", "with",
    }
)  # fmt: skip


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation; words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare.casefold()).strip()


def blob(text: str) -> str:
    """Folded text padded with spaces, so `" " + word` tests a word prefix with one `in`."""
    return f" {fold(text)} "


def query_words(query: str) -> list[str]:
    """Folded, lightly stemmed query words without stop words (kept if nothing else is left).

    Words are matched as word prefixes, and a final vowel is dropped from words of four letters
    or more so that Italian singular and plural meet: "ceramica" finds "ceramiche", "olio" finds
    "oli minerali".
    """
    words = fold(query).split()
    content = [w for w in words if w not in STOP_WORDS] or words
    return [_stem(w) for w in content]


def _stem(word: str) -> str:
    if len(word) >= _MIN_STEMMED and word[-1] in "aeio" and not word[-2].isdigit():
        return word[:-1]
    return word
