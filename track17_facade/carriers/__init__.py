"""Carriers, identified by 17TRACK's integer keys, and 17TRACK's whole carrier directory.

``Carrier`` names the well-known carriers. ``CarrierDirectory`` holds 17TRACK's published list
(``apicarrier.all.json``, 2,600+ carriers): a compact copy ships in the package and is read on
first use, never at import; ``track17 carriers update`` fetches a newer one into the user's cache,
and ``CarrierDirectory.load()`` takes the newer of the two. Nothing is downloaded unless asked.
"""

from __future__ import annotations

from track17_facade._lenient_enum import LenientIntEnum
from track17_facade.carriers._directory import (
    CACHED_NAME,
    CARRIER_LIST_URL,
    CarrierDirectory,
    CarrierInfo,
    CarrierListError,
    CarrierNotFoundError,
    cache_dir,
    default_directory,
)

__all__ = [
    "CACHED_NAME",
    "CARRIER_LIST_URL",
    "Carrier",
    "CarrierDirectory",
    "CarrierInfo",
    "CarrierLike",
    "CarrierListError",
    "CarrierNotFoundError",
    "cache_dir",
    "default_directory",
]


class Carrier(LenientIntEnum):
    """Well-known carriers by 17TRACK key. Any other key becomes ``Carrier.UNKNOWN`` keeping it.

    For the other 2,600 carriers, use their key, their name (``"PostNL"``), or a
    ``CarrierInfo`` from ``CarrierDirectory``.
    """

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

    @property
    def info(self) -> CarrierInfo | None:
        """The carrier's entry in 17TRACK's directory (``default_directory()``), for a member or
        an UNKNOWN key alike; None for a key the directory lacks."""
        return default_directory().get(int(self))

    def __repr__(self) -> str:
        """``<Carrier.UPS: 100002>``; a key without a member is named from the directory:
        ``<Carrier.UNKNOWN: 12021 (Latvia Post)>``."""
        shown = super().__repr__()
        info = None if self.is_known else self.info
        return shown if info is None else f"{shown[:-1]} ({info.name})>"

    def __str__(self) -> str:
        """The carrier's name in the directory ("Latvia Post"), member or not; for a key the
        directory lacks, the member's name, or the key's digits. (``format`` and f-strings still
        give the key, as for any integer.)"""
        info = self.info
        if info is not None:
            return info.name
        return self._name_ if self.is_known else str(int(self))

    def __format__(self, spec: str) -> str:
        return format(int(self), spec)  # the key, as before: messages and requests format keys


CarrierLike = Carrier | CarrierInfo | int | str
"""Wherever a carrier is taken: a key (``Carrier.UPS``, ``100002``, ``"100002"``), a
``CarrierInfo``, or a name that ``CarrierDirectory.resolve`` resolves (``"Royal Mail"``)."""
