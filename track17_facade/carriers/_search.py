"""Carrier names as they are compared, and the index that searches 2,600 carriers' names in
well under a millisecond."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from track17_facade.carriers._directory import CarrierInfo


def folded(text: str) -> str:
    """``text`` as names are compared: accents dropped, case folded, and only letters and digits
    kept (Chinese characters are letters), so "Correios do Brasil" is "correiosdobrasil"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def name_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` ("DHL Parcel (UK)" is dhl, parcel, uk)."""
    return tuple(word for word in (folded(part) for part in _SEPARATORS.split(text)) if word)


_SEPARATORS = re.compile(r"[\W_]+")


class SearchIndex:
    """The carriers' names folded for search, and one string of them all, so that a search scans
    that string with ``str.find`` (fast, in C) instead of testing 2,600 carriers one by one."""

    def __init__(self, carriers: Iterable[CarrierInfo]) -> None:
        self.carriers = list(carriers)
        self.names: list[tuple[str, ...]] = []
        self.words: list[tuple[str, ...]] = []
        self.starts: list[int] = []
        self.haystacks: list[str] = []
        exact: dict[str, list[CarrierInfo]] = {}
        bases: dict[str, list[CarrierInfo]] = {}
        parts: list[str] = []
        offset = 0
        for info in self.carriers:
            names = tuple(dict.fromkeys(folded(name) for name in info.names))
            self.names.append(names)
            self.words.append(tuple(word for name in info.names for word in name_words(name)))
            for name in names:
                exact.setdefault(name, []).append(info)
            for name in info.names:
                base = folded(_QUALIFIER.sub("", name))
                if base and base not in names:
                    bases.setdefault(base, []).append(info)
            text = "\0".join(names)
            self.starts.append(offset)
            self.haystacks.append(text)
            parts.append(text)
            offset += len(text) + 1
        self.blob = "\n".join(parts)
        self.exact_names = {name: tuple(infos) for name, infos in exact.items()}
        self.base_names = {name: tuple(dict.fromkeys(infos)) for name, infos in bases.items()}

    def exact(self, text: str) -> tuple[CarrierInfo, ...]:
        """The carriers named exactly ``text`` (folded); failing that, those whose name without
        its qualifier is ``text`` ("La Poste" for "La Poste (Colissimo)")."""
        query = folded(text)
        return self.exact_names.get(query) or self.base_names.get(query, ())

    def find(self, text: str, limit: int) -> list[CarrierInfo]:
        query, words = folded(text), name_words(text)
        if not query:
            return []
        first = max(words, key=len)
        found: set[int] = set()
        position = self.blob.find(first)
        while position != -1:
            found.add(bisect.bisect_right(self.starts, position) - 1)
            position = self.blob.find(first, position + 1)
        ranked = []
        for index in found:
            names, mine = self.names[index], self.words[index]
            if not all(word in self.haystacks[index] for word in words):
                continue
            if query in names:
                rank = 0
            elif all(word in mine for word in words):
                rank = 1
            elif any(name.startswith(query) for name in names):
                rank = 2
            elif all(any(own.startswith(word) for own in mine) for word in words):
                rank = 3
            else:
                rank = 4
            info = self.carriers[index]
            ranked.append((rank, len(info.name), info.name, info))
        ranked.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in ranked[:limit]]


_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*")
"""A name's qualifier in brackets: "(Colissimo)" in "La Poste (Colissimo)"."""
