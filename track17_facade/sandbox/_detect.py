"""Carrier auto-detection from the shape of a tracking number, as 17TRACK does when none is given."""

from __future__ import annotations

import re

from track17_facade.carriers import Carrier

# UPU S10 numbers ("RR123456789CN") end in the ISO country of the posting operator.
_S10 = re.compile(r"^[A-Z]{2}\d{9}([A-Z]{2})$")
_S10_OPERATORS: dict[str, Carrier] = {
    "CN": Carrier.CHINA_POST,
    "GB": Carrier.ROYAL_MAIL,
    "US": Carrier.USPS,
    "DE": Carrier.DEUTSCHE_POST,
    "FR": Carrier.LA_POSTE,
    "NL": Carrier.POSTNL,
    "CA": Carrier.CANADA_POST,
    "AU": Carrier.AUSTRALIA_POST,
    "BR": Carrier.CORREIOS,
}
_PATTERNS: tuple[tuple[re.Pattern[str], Carrier], ...] = (
    (re.compile(r"^1Z[0-9A-Z]{16}$"), Carrier.UPS),
    (re.compile(r"^(?:9[1-5]\d{20}|420\d{5}9[1-5]\d{20})$"), Carrier.USPS),
    (re.compile(r"^(?:\d{12}|\d{15})$"), Carrier.FEDEX),
    (re.compile(r"^(?:\d{10}|JJD\d{18})$"), Carrier.DHL_EXPRESS),
)


def detect_carrier(number: str) -> Carrier | None:
    """The carrier a number's format points to, or None when the format is not recognised."""
    upper = number.upper()
    s10 = _S10.match(upper)
    if s10:
        return _S10_OPERATORS.get(s10.group(1))
    for pattern, carrier in _PATTERNS:
        if pattern.match(upper):
            return carrier
    return None
