"""Tracking-number checks that run before anything is sent: a number's format, and its check digit
where the format has a public one. A mistyped number that 17TRACK accepts costs quota and then
stays "NotFound" forever; a check digit catches every single-digit typo of most formats.

Each format's algorithm and where it is published:

- **UPU S10** (international postal items, ``RR123456785CN``): 2 letters, 8 digits, a check
  digit, the ISO country of the issuing post. Weights 8 6 4 2 3 5 9 7 over the 8 digits; the check
  is 11 minus the sum modulo 11, where 10 becomes 0 and 11 becomes 5. UPU standard S10
  ("Identification of postal items: 13-character identifier"), section on the check digit.
- **UPS** (``1Z`` + 16): the 15 characters after ``1Z`` and before the check digit, letters
  turned into digits as ``(ord(letter) - 63) % 10`` (A is 2 ... Z is 7); every second character
  (the 2nd, 4th, ...) counts twice; the check brings the sum up to a multiple of ten. UPS's
  published check-digit rule for 1Z numbers, as implemented and tested by the public
  tracking_number_data project (jkeen/tracking_number_data, couriers/ups.json and
  CHECKSUM_ALGORITHMS.md).
- **FedEx Express** (12 digits): weights 3 1 7 repeated over the first 11 digits; the check is
  the sum modulo 11, then modulo 10. FedEx Express label specification, as in
  tracking_number_data's couriers/fedex.json.
- **FedEx Ground** (15 digits) and **GS1 SSCC** (18 digits), **USPS IMpb** (20 to 22 digits): the
  GS1 modulo-10 check digit: from the right, the digits count three times and once in turn; the
  check brings the sum up to a multiple of ten. GS1 General Specifications (section 7.9, check
  digit calculation); USPS Publication 199 (IMpb), appendix on the MOD 10 check digit; FedEx
  Ground label layout specification.
- **DHL Express** (10 digits): the first 9 digits as a number, modulo 7. DHL Express waybill
  numbers, as in tracking_number_data's couriers/dhl.json.

Numbers of other formats are not judged: ``check_digit_ok`` is None for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from operator import mul
from typing import NamedTuple

from attrs import frozen

from track17_facade.carriers import Carrier, default_directory

__all__ = ["NumberCheck", "check_number"]


@frozen
class NumberCheck:
    """What a number's format says about it, before anything is sent.

    ``formats`` names the formats its shape matches (``("UPU S10",)``), empty for none;
    ``check_digit_ok`` is True when its check digit is right, False when it is wrong (almost
    surely a typo), None when no known format matches; ``likely_carriers`` are the carriers that
    issue numbers of that format (for S10, the post of the country it ends with).
    """

    number: str
    """The number as checked: spaces removed, letters in capitals."""
    formats: tuple[str, ...]
    check_digit_ok: bool | None
    likely_carriers: tuple[Carrier, ...]

    @property
    def suspect(self) -> bool:
        """Whether the check digit is wrong: the number is almost surely mistyped."""
        return self.check_digit_ok is False


def _digits_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(map(mul, map(int, digits), weights))


_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def _s10_ok(number: str) -> bool:
    check = 11 - _digits_sum(number[2:10], _S10_WEIGHTS) % 11
    return int(number[10]) == {10: 0, 11: 5}.get(check, check)


def _ups_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 63) % 10


def _ups_ok(number: str) -> bool:
    body = number[2:17]
    total = sum(_ups_value(char) * (2 if index % 2 else 1) for index, char in enumerate(body))
    return number[17].isdigit() and int(number[17]) == (10 - total % 10) % 10


_FEDEX_WEIGHTS = (3, 1, 7) * 4


def _fedex_express_ok(number: str) -> bool:
    return _digits_sum(number[:11], _FEDEX_WEIGHTS[:11]) % 11 % 10 == int(number[11])


def _gs1_ok(number: str) -> bool:
    """GS1 modulo 10: the digit left of the check digit counts three times, the next once, ..."""
    total = 3 * sum(map(int, number[-2::-2])) + sum(map(int, number[-3::-2]))
    return (10 - total % 10) % 10 == int(number[-1])


def _dhl_express_ok(number: str) -> bool:
    return int(number[:9]) % 7 == int(number[9])


class _Format(NamedTuple):
    name: str
    ok: Callable[[str], bool]
    carriers: tuple[Carrier, ...]


_S10 = _Format("UPU S10", _s10_ok, ())  # its carrier is the post of the country it ends with
_S10_SHAPE = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")
_UPS = _Format("UPS", _ups_ok, (Carrier.UPS,))
_UPS_SHAPE = re.compile(r"1Z[A-Z0-9]{16}")
_USPS = _Format("USPS IMpb", _gs1_ok, (Carrier.USPS,))
_ALL_DIGITS = {  # the all-digit formats, by length
    10: _Format("DHL Express", _dhl_express_ok, (Carrier.DHL_EXPRESS,)),
    12: _Format("FedEx Express", _fedex_express_ok, (Carrier.FEDEX,)),
    15: _Format("FedEx Ground", _gs1_ok, (Carrier.FEDEX,)),
    18: _Format("GS1 SSCC", _gs1_ok, ()),
    20: _USPS,
    21: _USPS,
    22: _USPS,
}


@cache
def _national_post(country_iso: str) -> tuple[Carrier, ...]:
    """The post that issued an S10 number ending in ``country_iso``, from the carrier list."""
    post = default_directory().national_post(country_iso)
    return () if post is None else (Carrier(post.key),)


def check_number(number: str) -> NumberCheck:
    """Check a tracking number's format and check digit, without sending anything.

    Spaces anywhere and letter case do not matter (``"rr 123 456 785 cn"`` is ``RR123456785CN``).
    Formats: UPU S10, UPS 1Z, FedEx Express (12 digits) and Ground (15), GS1 SSCC (18), USPS IMpb
    (20 to 22 digits), DHL Express (10). The sources of each algorithm are in this module's
    documentation.

    Raises:
        TypeError: ``number`` is not a string.
    """
    if not isinstance(number, str):
        raise TypeError(f"check_number expects a string, got {type(number).__name__}")
    normal = "".join(number.split()).upper()
    if normal.isascii() and normal.isdigit():
        fmt = _ALL_DIGITS.get(len(normal))
        if fmt is not None:
            return NumberCheck(normal, (fmt.name,), fmt.ok(normal), fmt.carriers)
    elif len(normal) == 13 and _S10_SHAPE.fullmatch(normal):
        return NumberCheck(normal, (_S10.name,), _S10.ok(normal), _national_post(normal[-2:]))
    elif len(normal) == 18 and _UPS_SHAPE.fullmatch(normal):
        return NumberCheck(normal, (_UPS.name,), _UPS.ok(normal), _UPS.carriers)
    return NumberCheck(normal, (), None, ())
