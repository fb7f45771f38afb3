"""Carriers, identified by 17TRACK's integer keys.

``Carrier`` names the well-known carriers. The full list (several thousand) is 17TRACK's data,
published as ``apicarrier.all.json``; download it and load it with ``CarrierDirectory.from_file``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from track17_facade._unknown import LenientIntEnum


class Carrier(LenientIntEnum):
    """Well-known carriers by 17TRACK key. Any other key becomes ``Carrier.UNKNOWN`` keeping it."""

    DHL_EXPRESS = 100001
    UPS = 100002
    FEDEX = 100003
    TNT = 100004
    GLS = 100005
    DPD_DE = 100007
    HERMES_DE = 100031
    USPS = 21051
    CHINA_POST = 3011
    CHINA_EMS = 3013
    ROYAL_MAIL = 11031
    PARCELFORCE = 11033
    DHL_PAKET = 7041
    DEUTSCHE_POST = 7044
    POSTNL = 14041
    LA_POSTE = 6051
    CANADA_POST = 3041
    AUSTRALIA_POST = 1151
    CORREIOS = 2151
    YANWEN = 190012
    YUNEXPRESS = 190008
    FOUR_PX = 190094
    CAINIAO = 190271


@frozen
class CarrierInfo:
    """One entry of 17TRACK's carrier list."""

    key: int
    name: str
    country_iso: str | None
    url: str | None


class CarrierDirectory(Mapping[int, CarrierInfo]):
    """17TRACK's carrier list, loaded from the ``apicarrier.all.json`` file the user downloaded.

    It is a read-only mapping from carrier key to ``CarrierInfo``, with a lookup by name.
    """

    def __init__(self, entries: Mapping[int, CarrierInfo]) -> None:
        self._entries = dict(entries)
        self._by_name = {info.name.casefold(): info for info in self._entries.values()}

    @classmethod
    def from_file(cls, path: str | Path) -> CarrierDirectory:
        """Load ``apicarrier.all.json``.

        Raises:
            ValueError: the file is not a JSON array of objects with an integer ``key`` and a
                string ``_name``; the message names the first bad entry.
        """
        return cls.from_json(Path(path).read_bytes())

    @classmethod
    def from_json(cls, data: bytes | str) -> CarrierDirectory:
        """Parse the contents of ``apicarrier.all.json`` (see ``from_file``)."""
        items: Any = json.loads(data)
        if not isinstance(items, list):
            raise ValueError("carrier list must be a JSON array of carrier objects")
        entries: dict[int, CarrierInfo] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise ValueError(f"carrier list entry {index} is not an object")
            key, name = item.get("key"), item.get("_name")
            if not isinstance(key, int) or isinstance(key, bool) or not isinstance(name, str):
                raise ValueError(f"carrier list entry {index} needs an integer 'key' and a '_name'")
            country, url = item.get("_country_iso"), item.get("_url")
            entries[key] = CarrierInfo(
                key=key,
                name=name,
                country_iso=country if isinstance(country, str) else None,
                url=url if isinstance(url, str) else None,
            )
        return cls(entries)

    def find(self, name: str) -> CarrierInfo | None:
        """The carrier with this name (case-insensitive), or None."""
        return self._by_name.get(name.casefold())

    def __getitem__(self, key: int) -> CarrierInfo:
        return self._entries[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<CarrierDirectory of {len(self)} carriers>"
