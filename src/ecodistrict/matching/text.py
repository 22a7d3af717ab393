"""Words of flow descriptions, normalised so that Italian and English descriptions meet.

A description is folded (lower case, no accents), split into words, stripped of stop words, and
each word is reduced to a short stem: the final vowels are dropped and the word cut to six
letters (an English plural "s" goes first), so that "ceramica", "ceramiche" and "ceramics" all
give "cerami", and "scarti" and "scarto" give "scart". A small glossary then maps Italian stems
to the English stem of the same material, so that "acciaio" meets "steel" and "siero" meets
"whey"; a specific name also gives its family's ("polipropilene" gives "polyolefin", "dextrose"
gives "sugar"). What a flow is made of ("a base di") and what happens to it now ("otherwise
landfilled") are not words of the flow. The rules are simple on
purpose: every match states the shared words, so a reader can check them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STEM_LENGTH = 6
#: The shortest stem: trailing vowels are dropped down to three letters, no further.
MIN_STEM_LENGTH = 3

#: A word of a folded text: letters and digits (punctuation, hyphens and brackets split words).
WORD = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "alla",
        "alle",
        "agli",
        "ai",
        "allo",
        "con",
        "come",
        "da",
        "dal",
        "dalla",
        "dalle",
        "dai",
        "dagli",
        "degli",
        "dei",
        "del",
        "della",
        "delle",
        "dell",
        "di",
        "e",
        "ed",
        "il",
        "in",
        "la",
        "le",
        "lo",
        "gli",
        "i",
        "nel",
        "nella",
        "nelle",
        "nei",
        "negli",
        "o",
        "per",
        "su",
        "sul",
        "sulla",
        "sullo",
        "sulle",
        "sui",
        "sugli",
        "dallo",
        "dello",
        "nello",
        "col",
        "coi",
        "tra",
        "fra",
        "un",
        "una",
        "uno",
        "non",
        "altro",
        "altri",
        "altre",
        "altra",
        "vari",
        "varie",
        "ecc",
        "anche",
        "sia",
        "the",
        "of",
        "and",
        "or",
        "for",
        "from",
        "to",
        "in",
        "on",
        "with",
        "by",
        "an",
        "as",
        "at",
        "into",
        "other",
        "others",
        "its",
        "their",
        "not",
        "etc",
        "per",
        "yr",
        "year",
        "anno",
        "annui",
        "annua",
        "annuo",
        # English function words, and generic words of any process description in both
        # languages: they say nothing about what a flow is ("recovered from the production").
        "the",
        "and",
        "for",
        "from",
        "with",
        "into",
        "our",
        "its",
        "their",
        "nostro",
        "nostra",
        "nostri",
        "nostre",
        "lavorazione",
        "lavorazioni",
        "lavorare",
        "lavorati",
        "produzione",
        "production",
        "produced",
        "prodotto",
        "prodotti",
        "process",
        "processo",
        "processi",
        "processing",
        "recuperato",
        "recuperata",
        "recovered",
        "materia",
        "materie",
        "prima",
        "prime",
        "raw",
        "material",
        "materials",
        "materiale",
        "materiali",
        "used",
        "utilizzo",
        "impiego",
        "conto",
        "terzi",
    ]
)

#: Italian word stems mapped to the English stem of the same thing (both after stemming).
_GLOSSARY_WORDS: dict[str, str] = {
    "acciaio": "steel",
    "ferro": "iron",
    "ghisa": "iron",
    "alluminio": "aluminium",
    "rame": "copper",
    "ottone": "brass",
    "legno": "wood",
    "legname": "wood",
    "carta": "paper",
    "cartone": "board",
    "plastica": "plastic",
    "plastiche": "plastic",
    "polimeri": "polymer",
    "gomma": "rubber",
    "vetro": "glass",
    "rottame": "scrap",
    "rottami": "scrap",
    "sfridi": "scrap",
    "trucioli": "turnings",
    "fanghi": "sludge",
    "fango": "sludge",
    "polveri": "dust",
    "polvere": "dust",
    "ceneri": "ash",
    "cenere": "ash",
    "gesso": "gypsum",
    "calce": "lime",
    "argilla": "clay",
    "argille": "clay",
    "sabbia": "sand",
    "sabbie": "sand",
    "inerti": "aggregate",
    "aggregati": "aggregate",
    "calcestruzzo": "concrete",
    "cemento": "cement",
    "mattoni": "brick",
    "piastrelle": "tile",
    "mattonelle": "tile",
    "imballaggi": "packaging",
    "imballaggio": "packaging",
    "pallet": "pallet",
    "bancali": "pallet",
    "casse": "crate",
    "olio": "oil",
    "oli": "oil",
    "solventi": "solvent",
    "solvente": "solvent",
    "vernici": "paint",
    "pitture": "paint",
    "smalti": "glaze",
    "smalto": "glaze",
    "siero": "whey",
    "latte": "milk",
    "letame": "manure",
    "liquame": "slurry",
    "digestato": "digestate",
    "mangime": "feed",
    "mangimi": "feed",
    "sale": "salt",
    "carne": "meat",
    "grasso": "fat",
    "grassi": "fat",
    "ossa": "bone",
    "sangue": "blood",
    "mucosa": "mucosa",
    "calore": "heat",
    "vapore": "steam",
    "acqua": "water",
    "acque": "water",
    "reflue": "waste",
    "rifiuti": "waste",
    "rifiuto": "waste",
    "energia": "energy",
    "elettrica": "electric",
    "elettricita": "electric",
    "gas": "gas",
    "fumi": "flue",
    "raffreddamento": "cooling",
    "riscaldamento": "heating",
    "essiccazione": "drying",
    "trasporto": "transport",
    "trasporti": "transport",
    "magazzino": "warehouse",
    "stoccaggio": "storage",
    "depurazione": "treatment",
    "manutenzione": "maintenance",
    "formazione": "training",
    "laboratorio": "laboratory",
    "biomassa": "biomass",
    "compost": "compost",
    "organico": "organic",
    "organici": "organic",
    "tessile": "textile",
    "tessili": "textile",
    "pneumatici": "tyre",
    "batterie": "battery",
    "emulsioni": "emulsion",
    "zolfo": "sulphur",
    "fertilizzante": "fertiliser",
    "fertilizzanti": "fertiliser",
}


#: Phrases that name one thing in several ways, replaced by one word before stemming.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("carbon dioxide", "co2"),
    ("anidride carbonica", "co2"),
    ("biossido di carbonio", "co2"),
    ("calcium carbonate", "limestone"),
    ("carbonato di calcio", "limestone"),
    ("carbonato calcico", "limestone"),
    ("cloruro di sodio", "sale"),
    ("sodium chloride", "salt"),
)
#: Words that name the same material as another word (after folding, before stemming).
_SAME_AS: dict[str, str] = {
    "chalk": "limestone",
    "calcare": "limestone",
    "calcareo": "limestone",
    "calcarei": "limestone",
    "calcareous": "limestone",
}


#: "a base di calce", "a base poliolefinica", "water-based": the words that follow say what the
#: flow is made of, "base" itself says nothing ("basi per gelato", "olio base" keep it).
_COMPOSITION = re.compile(r"\ba base(?: d[i'])?\b|\bbased\b")


#: "Otherwise landfilled", "today raised in oil-fired boilers", "attualmente smaltito in
#: discarica": what happens to the flow now, up to the next punctuation mark, is not what the
#: flow is (its words would match landfills, boilers, composting).
_CURRENT_STATE = re.compile(
    r"\b(?:otherwise|today|now|currently|presently|at present|attualmente|oggi|altrimenti"
    r"|finora|al momento)\b[^.;,()]*"
)


def fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: Words whose cut stem would be that of another material: a carbonate is not carbon
#: ("carbonate" and "carbon" both cut to "carbon"), alumina (the oxide) is not aluminium.
_OWN_STEMS: tuple[tuple[str, str], ...] = (
    ("carbonat", "carbnt"),
    ("polyolefin", "polyolf"),  # not the polyols of polyurethanes
    ("poliolefin", "polyolf"),
    ("alumina", "alumna"),
    ("allumina", "alumna"),
)


def stem(word: str) -> str:
    """Drop final vowels and cut to STEM_LENGTH letters (numbers are kept whole); a stem keeps
    at least the word's first three letters ("soia" was "s", as "sui" was; "uva" was "uv")."""
    if word.isdigit():
        return word
    for prefix, own in _OWN_STEMS:
        if word.startswith(prefix):
            return own
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # English plural: "tiles" meets "tile"
    trimmed = word.rstrip("aeiouy")
    if len(trimmed) < MIN_STEM_LENGTH:
        trimmed = word[:MIN_STEM_LENGTH]
    return trimmed[:STEM_LENGTH]


@lru_cache(maxsize=1)
def _glossary() -> dict[str, str]:
    return {stem(it): stem(en) for it, en in _GLOSSARY_WORDS.items() if stem(it) != stem(en)}


#: Words that name a kind of a wider family, by the start of the folded word: the description
#: also gets the family's term, so that a need for "polyethylene" meets "polyolefin" pellets and
#: a need for "fermentable sugars" meets glucose syrup. Only families a buyer names by their
#: common name (polyolefins are polyethylene and polypropylene; glucose, dextrose, sucrose,
#: fructose and lactose are sugars); "PE" and "PP" are the trade's abbreviations.
_FAMILY_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("polyethylen", ("polyethylene", "polyolefin")),
    ("polietilen", ("polyethylene", "polyolefin")),
    ("hdpe", ("polyethylene", "polyolefin")),
    ("ldpe", ("polyethylene", "polyolefin")),
    ("lldpe", ("polyethylene", "polyolefin")),
    ("polypropylen", ("polypropylene", "polyolefin")),
    ("polipropilen", ("polypropylene", "polyolefin")),
    ("polyolefin", ("polyolefin",)),
    ("poliolefin", ("polyolefin",)),
    ("glucos", ("sugar",)),
    ("dextros", ("glucose", "sugar")),
    ("destros", ("glucose", "sugar")),
    ("fructos", ("sugar",)),
    ("fruttos", ("sugar",)),
    ("sucros", ("sugar",)),
    ("saccaros", ("sugar",)),
    ("lactos", ("sugar",)),
    ("lattos", ("sugar",)),
    ("zuccher", ("sugar",)),
)
#: Two-letter trade abbreviations kept as words (other words under three letters are dropped).
_SHORT_WORDS: dict[str, tuple[str, ...]] = {
    "pe": ("polyethylene", "polyolefin"),
    "pp": ("polypropylene", "polyolefin"),
}


def _family_terms(word: str) -> tuple[str, ...]:
    for prefix, family in _FAMILY_PREFIXES:
        if word.startswith(prefix):
            return tuple(stem(w) for w in family)
    return ()


@lru_cache(maxsize=65536)
def _terms(text: str, families: bool) -> frozenset[str]:
    glossary = _glossary()
    found: set[str] = set()
    folded = _CURRENT_STATE.sub(" ", _COMPOSITION.sub(" ", fold(text)))
    for phrase, word in _PHRASES:
        if phrase in folded:
            folded = folded.replace(phrase, f" {phrase} {word} ")
    for word in WORD.findall(folded):
        if families and word in _SHORT_WORDS:
            found.update(stem(w) for w in _SHORT_WORDS[word])
            continue
        if word in STOP_WORDS or (len(word) < 3 and not word.isdigit()):
            continue
        word = _SAME_AS.get(word, word)
        stemmed = stem(word)
        found.add(stemmed)
        if stemmed in glossary:
            found.add(glossary[stemmed])
        if families:
            found.update(_family_terms(word))
    return frozenset(found)


def terms(text: str) -> frozenset[str]:
    """The normalised terms of a text: stems, with Italian stems also given in English and
    specific names also given their family's ("polipropilene" also gives "polyolefin")."""
    return _terms(text, True)


def phrase_terms(phrase: str) -> frozenset[str]:
    """Terms of a keyword phrase: a description matches it when it contains all of them (a
    keyword asks for its own words, not for their family)."""
    return _terms(phrase, False)
