"""17TRACK's carrier list: each carrier's entry, the directory that loads, searches and resolves
them, and where its copies live (in the package, and in the user's cache)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from track17_facade.errors import InvalidInputError

if TYPE_CHECKING:
    from track17_facade.carriers._search import SearchIndex

CARRIER_LIST_URL = "https://res.17track.net/asset/carrier/info/apicarrier.all.json"
"""Where 17TRACK publishes its carrier list (its API documentation and error -18019903 point here)."""

COMPACT_FORMAT = 1
"""The version of the compact file this package writes and reads (bundled copy and cache)."""

CACHED_NAME = "carriers.json.gz"
"""The compact list's file name, in the package's ``data`` folder and in the cache directory."""

SHOWN_CANDIDATES = 8
"""An ambiguous name's message lists this many candidates, then how many more there are."""


class CarrierListError(ValueError):
    """A carrier list that cannot be read: not JSON, not a list of carriers, or an entry without
    an integer ``key`` and a ``_name``. The message names the first bad entry."""


@frozen
class CarrierInfo:
    """One carrier of 17TRACK's list. ``str()`` gives its name."""

    key: int
    """The integer key the API uses."""
    name: str
    """The English name, as 17TRACK spells it ("Royal Mail")."""
    country_iso: str | None
    """ISO 3166 alpha-2 country ("GB"), or None for the few carriers without one."""
    url: str | None
    """The carrier's website, as 17TRACK lists it."""
    name_zh_cn: str | None = None
    """The simplified Chinese name, when 17TRACK gives one that differs."""
    name_zh_hk: str | None = None
    """The traditional Chinese name, when 17TRACK gives one that differs."""
    country_code: int | None = None
    """17TRACK's own code of the carrier's country (2105 for the US), as its list gives it."""

    @property
    def is_national_post(self) -> bool:
        """Whether this is a country's national postal operator: 17TRACK keys those as their
        country's code times ten plus one (3011 China Post, 11031 Royal Mail, 21051 USPS)."""
        return self.country_code is not None and self.key == self.country_code * 10 + 1

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it goes by: English first, then the Chinese ones that differ."""
        return tuple(name for name in (self.name, self.name_zh_cn, self.name_zh_hk) if name)

    def __str__(self) -> str:
        return self.name

    def described(self) -> str:
        """``"DHL Paket (7041, DE)"``: the name with its key and country, as messages list it."""
        return f"{self.name} ({self.key}{', ' + self.country_iso if self.country_iso else ''})"


class CarrierDirectory(Mapping[int, CarrierInfo]):
    """17TRACK's carrier list: a read-only mapping from carrier key to ``CarrierInfo``, with
    search and resolution by name.

    ``CarrierDirectory.load()`` (the newer of the bundled copy and ``track17 carriers update``'s
    cache) is the one the clients use for names; ``bundled()`` is the copy in the package;
    ``from_file`` reads a downloaded ``apicarrier.all.json``.
    """

    def __init__(self, entries: Iterable[CarrierInfo], published: date | None = None) -> None:
        self._entries = {info.key: info for info in entries}
        self.published = published
        """The day 17TRACK published this list (its server's Last-Modified, or what the user
        said), when known."""
        self._index: SearchIndex | None = None
        self._countries: dict[int, str] | None = None

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> CarrierDirectory:
        """The copy of 17TRACK's list shipped in this package (read once, on first use)."""
        return _bundled()

    @classmethod
    def load(cls, cache: str | Path | None = None) -> CarrierDirectory:
        """The newer of the bundled list and the one ``track17 carriers update`` saved in
        ``cache`` (default: ``cache_dir()``); a saved list whose publication day is unknown (read
        from a file without ``--published``) was chosen by hand and is used. A cached file that
        cannot be read is ignored (the bundled list is used); ``track17 carriers update``
        replaces it."""
        bundled = cls.bundled()
        path = Path(cache) if cache is not None else cache_dir()
        try:
            cached = cls.from_compact((path / CACHED_NAME).read_bytes())
        except (OSError, CarrierListError):
            return bundled
        if cached.published is None:  # installed with its day unknown (carriers update --from): chosen
            return cached
        if bundled.published is None or cached.published <= bundled.published:
            return bundled
        return cached

    @classmethod
    def from_file(cls, path: str | Path) -> CarrierDirectory:
        """Load 17TRACK's ``apicarrier.all.json`` as downloaded.

        Raises:
            CarrierListError: the file is not a JSON array of objects with an integer ``key`` and
                a string ``_name``; the message names the first bad entry.
        """
        return cls.from_json(Path(path).read_bytes())

    @classmethod
    def from_json(cls, data: bytes | str, published: date | None = None) -> CarrierDirectory:
        """Parse the contents of ``apicarrier.all.json`` (see ``from_file``)."""
        try:
            items: Any = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CarrierListError(f"carrier list is not JSON: {exc}") from None
        if not isinstance(items, list):
            raise CarrierListError("carrier list must be a JSON array of carrier objects")
        entries: list[CarrierInfo] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise CarrierListError(f"carrier list entry {index} is not an object")
            key, name = item.get("key"), item.get("_name")
            if (
                not isinstance(key, int)
                or isinstance(key, bool)
                or not isinstance(name, str)
                or not name.strip()
            ):
                raise CarrierListError(
                    f"carrier list entry {index} needs an integer 'key' and a non-empty '_name', "
                    f"got key={key!r}, _name={name!r}"
                )
            code = item.get("_country")
            entries.append(
                _info(
                    key,
                    name,
                    item.get("_name_zh-cn"),
                    item.get("_name_zh-hk"),
                    item.get("_country_iso"),
                    item.get("_url"),
                    code if isinstance(code, int) and not isinstance(code, bool) else 0,
                )
            )
        return cls(entries, published)

    @classmethod
    def from_compact(cls, data: bytes) -> CarrierDirectory:
        """Read the compact gzip file this package ships and ``to_compact`` writes.

        Raises:
            CarrierListError: not such a file, or an entry that is not a carrier.
        """
        import gzip  # noqa: PLC0415 (read on first use: importing the SDK stays as quick as before)

        try:
            document: Any = json.loads(gzip.decompress(data))
        except (OSError, EOFError, ValueError) as exc:
            raise CarrierListError(f"compact carrier list is unreadable: {exc}") from None
        if not isinstance(document, dict) or document.get("format") != COMPACT_FORMAT:
            raise CarrierListError(f"compact carrier list is not of format {COMPACT_FORMAT}")
        rows = document.get("carriers")
        if not isinstance(rows, list):
            raise CarrierListError("compact carrier list has no 'carriers' array")
        entries: list[CarrierInfo] = []
        for index, row in enumerate(rows):
            if (
                not isinstance(row, list)
                or len(row) != 7
                or not isinstance(row[0], int)
                or not all(isinstance(cell, str) for cell in row[1:6])
                or not isinstance(row[6], int)
                or not row[1].strip()
            ):
                raise CarrierListError(f"compact carrier list entry {index} is not a carrier: {row!r:.80}")
            entries.append(_info(*row))
        try:
            published = date.fromisoformat(document.get("published") or "")
        except (TypeError, ValueError):
            published = None
        return cls(entries, published)

    def to_compact(self) -> bytes:
        """This directory as the compact gzip file (the fields the SDK uses, Chinese names only
        where they differ from the English one)."""
        rows = [
            [
                info.key,
                info.name,
                info.name_zh_cn or "",
                info.name_zh_hk or "",
                info.country_iso or "",
                info.url or "",
                info.country_code or 0,
            ]
            for info in self._entries.values()
        ]
        document = {
            "format": COMPACT_FORMAT,
            "published": self.published.isoformat() if self.published else None,
            "source": CARRIER_LIST_URL,
            "carriers": rows,
        }
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        import gzip  # noqa: PLC0415 (as in from_compact)

        return gzip.compress(text.encode(), mtime=0)

    # -- lookups ------------------------------------------------------------------------------

    def find(self, text: str, limit: int = 10) -> list[CarrierInfo]:
        """Carriers whose names match ``text``, best first: an exact name (after ignoring case,
        accents, punctuation and spaces), then names holding its words as whole words ("DHL
        Paket" for "dhl"), names that start with it, names whose words start with its words, and
        names that contain it; shorter names first within each. English and Chinese names alike."""
        return self._search().find(text, limit)

    def resolve(self, carrier: object) -> CarrierInfo:
        """The one carrier ``carrier`` means: a key (an int, a ``Carrier``, or digits such as
        "100002"), a ``CarrierInfo``, or a name. A name that matches exactly (ignoring case,
        accents, punctuation and spaces) wins, so "PostNL" is PostNL and not "PostNL
        International Mail"; otherwise the name must match a single carrier.

        Raises:
            InvalidInputError: an unknown key or name, or an ambiguous name; the message lists the
                candidates (also in ``.candidates``).
        """
        if isinstance(carrier, CarrierInfo):
            return carrier
        if isinstance(carrier, str) and carrier.strip().isascii() and carrier.strip().isdigit():
            carrier = int(carrier.strip())
        if isinstance(carrier, int) and not isinstance(carrier, bool):
            info = self.get(int(carrier))
            if info is None:
                raise CarrierNotFoundError(f"no carrier has key {int(carrier)} in {self._described()}", ())
            return info
        if not isinstance(carrier, str):
            raise CarrierNotFoundError(
                f"a carrier is a key, a Carrier, a CarrierInfo or a name, got {type(carrier).__name__}", ()
            )
        exact = self._search().exact(carrier)
        if len(exact) == 1:
            return exact[0]
        candidates = tuple(exact) or tuple(self.find(carrier, limit=len(self)))
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise CarrierNotFoundError(
                f"no carrier is named {carrier.strip()!r:.60} in {self._described()}; "
                "`track17 carriers search` finds names",
                (),
            )
        shown = ", ".join(info.described() for info in candidates[:SHOWN_CANDIDATES])
        more = len(candidates) - SHOWN_CANDIDATES
        raise CarrierNotFoundError(
            f"carrier name {carrier.strip()!r:.60} is ambiguous: {shown}"
            f"{f' and {more} more' if more > 0 else ''}; give a key or a fuller name",
            candidates,
        )

    def by_country(self, country_iso: str) -> list[CarrierInfo]:
        """The carriers of a country (ISO 3166 alpha-2, any case), by name."""
        wanted = country_iso.strip().upper()
        return sorted(
            (info for info in self._entries.values() if info.country_iso == wanted),
            key=lambda i: i.name.casefold(),
        )

    def national_post(self, country_iso: str) -> CarrierInfo | None:
        """The national postal operator of a country (ISO 3166 alpha-2), if the list has one."""
        wanted = country_iso.strip().upper()
        for info in self._entries.values():
            if info.country_iso == wanted and info.is_national_post:
                return info
        return None

    def country_iso(self, code: object) -> str | None:
        """The ISO 3166 alpha-2 code of a country in 17TRACK's own numbering (301 is "CN", 2105
        "US"), as v1 answers give origin and destination; None for 0, or a number no carrier of
        the list is based in. The list pairs each carrier's ``_country`` with its ``_country_iso``,
        and every pair agrees, so the map is read from it."""
        if self._countries is None:
            self._countries = {
                info.country_code: info.country_iso
                for info in self._entries.values()
                if info.country_code and info.country_iso
            }
        return self._countries.get(code) if isinstance(code, int) else None

    def _search(self) -> SearchIndex:
        # Built on the first search, not on load: folding 8,000 names is most of a load's cost.
        if self._index is None:
            from track17_facade.carriers._search import SearchIndex  # noqa: PLC0415 (searches only)

            self._index = SearchIndex(self._entries.values())
        return self._index

    def _described(self) -> str:
        when = f" of {self.published.isoformat()}" if self.published else ""
        return f"17TRACK's carrier list{when} ({len(self)} carriers)"

    def __getitem__(self, key: int) -> CarrierInfo:
        return self._entries[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<CarrierDirectory of {len(self)} carriers{f', {self.published}' if self.published else ''}>"


class CarrierNotFoundError(InvalidInputError):
    """A carrier that does not resolve: an unknown key or name, or a name that fits several
    carriers (``candidates``, best first)."""

    def __init__(self, message: str, candidates: tuple[CarrierInfo, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates
        """The carriers a name could mean, best first (empty for an unknown key or a name that fits none)."""


def _info(
    key: int, name: str, zh_cn: object, zh_hk: object, country: object, url: object, code: int
) -> CarrierInfo:
    """One entry, with empty and repeated names dropped and surrounding spaces removed."""
    name = name.strip()

    def other(value: object) -> str | None:
        text = value.strip() if isinstance(value, str) else ""
        return text if text and text != name else None

    country_text = country.strip() if isinstance(country, str) else ""
    url_text = url.strip() if isinstance(url, str) else ""
    zh_cn_name = other(zh_cn)
    zh_hk_name = other(zh_hk)
    return CarrierInfo(
        key=key,
        name=name,
        country_iso=country_text.upper() or None,
        url=url_text or None,
        name_zh_cn=zh_cn_name,
        name_zh_hk=zh_hk_name if zh_hk_name != zh_cn_name else None,
        country_code=code or None,
    )


@cache
def _bundled() -> CarrierDirectory:
    from importlib import resources  # noqa: PLC0415 (as in from_compact)

    data = resources.files("track17_facade").joinpath("data", CACHED_NAME).read_bytes()
    return CarrierDirectory.from_compact(data)


@cache
def default_directory() -> CarrierDirectory:
    """The directory the clients resolve names with: ``CarrierDirectory.load()``, read once per
    process."""
    return CarrierDirectory.load()


def cache_dir() -> Path:
    """Where ``track17 carriers update`` keeps the carrier list: ``TRACK17_CACHE_DIR`` if set,
    else the platform's user cache directory (``~/.cache/track17`` on Linux, honouring
    ``XDG_CACHE_HOME``; ``~/Library/Caches/track17`` on macOS; ``%LOCALAPPDATA%\\track17\\Cache``
    on Windows)."""
    # Written here rather than depending on platformdirs: one directory on three platforms.
    override = os.environ.get("TRACK17_CACHE_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "track17" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "track17"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "track17"
