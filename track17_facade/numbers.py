"""Tracking numbers, read once for everything in track17: ``tracking_number`` and
``canonical_number`` read a number as the clients send it and the shipment store and its receiver
keep it; ``check_number`` says, before anything is sent, which carriers' formats a number fits
and whether its check digit is right for them.

**A verdict only where the format is certain.** A wrong "mistyped" costs a real shipment (the
number is refused or flagged); a missed typo costs one quota. So ``check_number`` says
``check_digit_ok=False`` only when no reading of the number could be right:

- **With a carrier** (given by the caller, or by a ``(number, carrier)`` item, a CSV ``carrier``
  column or a ``Registration``), only that carrier's formats are tried. The check digit is right
  (True) when one of them that the number fits passes its check, wrong (False) when the number
  fits some of them and fails every check, and not judged (None) when the number fits none of
  them, or the carrier has no known format, or the formats it fits have no check digit.
- **Without a carrier**, every format is tried. True when any format the number fits passes its
  check (``formats`` names each, ``likely_carriers`` lists their carriers); False only when the
  number fits exactly one format, that format *owns its shape* (no other carrier's numbers look
  like it: UPU S10's letters and country, UPS's ``1Z``, UPS waybills' and OnTrac's letter), and
  its check fails; None otherwise. A number of digits only is never called mistyped without its
  carrier: twelve digits are a FedEx Express number, a Purolator one, or a Japan Post, Yamato or
  Sagawa one, and carriers nobody lists use the same lengths.

**The formats** (``track17_facade/data/number_formats.json``, written by
``generator/number_formats.py``) come from jkeen/tracking_number_data (MIT licence), a public data
set of carriers' number formats with their check-digit rules and test numbers: Amazon, Canada
Post, Canpar, DHL Express and eCommerce, DPD, FedEx Express, Ground, SmartPost, ASTRA and GSN,
GOFO, Landmark, LaserShip, Old Dominion, OnTrac, Purolator, UPU S10, Spee-Dee, UPS, USPS (IMpb,
20-digit, legacy), Yodel and YunExpress. Japan Post, Yamato and Sagawa's 12-digit numbers (the
first eleven digits modulo 7) are added with their sources. The check-digit algorithms are those
the data set documents (its ``CHECKSUM_ALGORITHMS.md``):

- ``mod10``: each character's value (a letter's is ``(ord - 3) % 10``), the even and odd
  positions multiplied by the format's multipliers (from the left, or from the right when
  ``reverse``); the check digit brings the sum to a multiple of ten (UPS, USPS, FedEx Ground, GS1);
- ``mod7``: the serial number as an integer, modulo 7 (DHL Express, the Japanese carriers);
- ``s10``: weights 8 6 4 2 3 5 9 7, 11 minus the sum modulo 11, where 10 is 0 and 11 is 5 (UPU
  standard S10);
- ``luhn``: every second digit from the right doubled, digits of the products summed (Purolator,
  Old Dominion);
- ``mod_37_36``: ISO 7064 MOD 37,36 over digits and letters (DPD's label specification);
- ``sum_product_with_weightings_and_modulo``: the digits times the format's weights, the sum
  modulo one number and then another (FedEx Express: weights 3 1 7, modulo 11 then 10).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from track17_facade._lazy import deferred
from track17_facade._text import shown
from track17_facade.errors import InvalidInputError

if TYPE_CHECKING:
    from track17_facade._number_checks import NumberCheck, NumberFormat, check_number, number_formats

__all__ = [
    "NumberCheck",
    "NumberFormat",
    "canonical_number",
    "check_number",
    "number_formats",
    "tracking_number",
]

NUMBER_PATTERN = re.compile(r"^[a-zA-Z0-9]{5,50}$")
"""What 17TRACK takes as a tracking number: 5 to 50 letters and digits."""


def tracking_number(value: object) -> str:
    """A tracking number as everything in track17 reads one, the clients, the shipment store and
    its receiver alike: surrounding whitespace removed, then 5 to 50 letters and digits. (17TRACK
    compares numbers without regard to letter case; ``canonical_number`` gives that form.)

    Raises:
        InvalidInputError: not a string, or not such a number; the message says which.
    """
    if not isinstance(value, str):
        raise InvalidInputError(
            f"a tracking number must be a string, got {type(value).__name__} {shown(value)}"
        )
    number = value.strip()
    if not NUMBER_PATTERN.match(number):
        raise InvalidInputError(
            f"tracking number {shown(number)} is invalid: expected 5 to 50 letters and digits"
        )
    return number


def canonical_number(value: object) -> str:
    """``tracking_number(value)`` in capitals: one spelling for a number 17TRACK treats as one,
    under which the shipment store keeps it.

    Raises:
        InvalidInputError: as ``tracking_number``.
    """
    return tracking_number(value).upper()


def bulk_items(items: object) -> Iterable[object]:
    """A bulk call's items as every bulk entry point reads them (the clients, the command line and
    ``ShipmentStore.track``). A mapping is its ``(key, value)`` pairs (``{"RR123456785CN": "China
    Post"}`` is a number with its carrier).

    Raises:
        TypeError: a single string (it would be split into characters), or not iterable.
    """
    if isinstance(items, str | bytes):
        raise TypeError("expected a list of items, not a single string; wrap it in a list")
    if isinstance(items, Mapping):
        return list(items.items())
    if not isinstance(items, Iterable):
        raise TypeError(f"expected a list of items, got {type(items).__name__}")
    return items


_LATER: frozenset[str] = frozenset({"NumberCheck", "NumberFormat", "check_number", "number_formats"})
"""The names given when first asked for (from ``_number_checks``): the formats' classes are built
only by a process that checks a number."""


__getattr__, __dir__ = deferred(globals(), "track17_facade._number_checks", _LATER)
