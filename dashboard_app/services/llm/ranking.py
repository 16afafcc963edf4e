"""Ranks short texts (tables, knowledge passages) by relevance to a question: BM25 over
words, folded (case, accents, plurals) so "Viagens" finds "viagem" and "orders" finds
"order". Small by design: the corpora are a workspace's table list and a few files.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence, TypeVar

T = TypeVar("T")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that carry no meaning for a search, in the languages analysts ask in most here.
_STOP = frozenset(
    """a an and are as at be by de do does for from has have how i in is it its me my of on or per
    show tell that the their them there these this to was what when where which who why with you your
    all list give find get many much
    o os as um uma e em no na nos nas do da dos das que quais qual com por para pelo pela sao tem
    el la los las un una y en del al con por para que cual cuales cuantos cuantas es son hay""".split()
)


def fold(word: str) -> str:
    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    # Plurals: English and the Romance languages (customers, viagens, pedidos, países).
    for suffix, repl in (("ies", "y"), ("ens", "em"), ("oes", "ao"), ("aes", "ao"), ("ses", "s"), ("es", "e"), ("s", "")):
        if len(w) > 3 + len(suffix) - len(repl) and w.endswith(suffix):
            return w[: -len(suffix)] + repl
    return w


def words(text: str) -> list[str]:
    """The folded words of `text`, without stop words; snake_case and camelCase split."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [fold(w) for w in _WORD.findall(text) if w.lower() not in _STOP and not w.isdigit()]


def rank(query: str, items: Sequence[T], text_of, *, limit: int | None = None, weights=None) -> list[tuple[float, T]]:
    """Items scored by BM25 against `query`, best first, zero scores dropped.

    `text_of(item)` gives the item's searchable text, or a list of (text, weight) fields
    (a table's name weighs more than its comment)."""
    q = list(dict.fromkeys(words(query)))
    if not q or not items:
        return []
    docs: list[Counter] = []
    for item in items:
        fields = text_of(item)
        if isinstance(fields, str):
            fields = [(fields, 1.0)]
        bag: Counter = Counter()
        for text, weight in fields:
            for w in words(text):
                bag[w] += weight
        docs.append(bag)
    n = len(docs)
    avg = sum(sum(d.values()) for d in docs) / n or 1.0
    df = Counter(w for d in docs for w in set(d) if w in q)
    k1, b = 1.2, 0.75
    scored: list[tuple[float, T]] = []
    for item, bag in zip(items, docs):
        length = sum(bag.values()) or 1.0
        score = 0.0
        for w in q:
            tf = bag.get(w, 0.0)
            if not tf:
                continue
            idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
        if score > 0:
            scored.append((score, item))
    scored.sort(key=lambda p: -p[0])
    return scored[:limit] if limit is not None else scored


def expand(query: str, synonyms: Iterable[tuple[str, Sequence[str]]]) -> str:
    """The query with each known synonym's canonical name added ("viagens" -> trips)."""
    have = set(words(query))
    extra = [name for name, alts in synonyms if have & {fold(a) for alt in alts for a in _WORD.findall(alt)}]
    return " ".join([query, *extra])
