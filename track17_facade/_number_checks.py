"""``check_number`` and the carrier formats it reads: ``track17_facade.numbers`` gives them,
imported when first named (a register that checks no check digit does not build them). The rule
of the verdict, the formats and the sources of their algorithms are in that module's
documentation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from attrs import frozen

from track17_facade.carriers import Carrier, CarrierLike, default_directory

__all__ = ["NumberCheck", "NumberFormat", "check_number", "number_formats"]


@frozen
class NumberCheck:
    """What a number's format says about it, before anything is sent (see the module's rule).

    ``check_digit_ok`` is True when the check digit is right for a format the number fits, False
    when it is wrong for every reading (almost surely a typo), None when it cannot be judged.
    ``formats`` names the formats that verdict speaks of: those that passed (True), the one or
    the carrier's ones that failed (False), or those the number fits without a check digit
    (None). ``likely_carriers`` are the carriers that issue numbers of the passing (or
    unchecked) formats.
    """

    number: str
    """The number as checked: spaces removed, letters in capitals."""
    formats: tuple[str, ...]
    """The names of the formats the verdict speaks of (see above), e.g. ("UPU S10",)."""
    check_digit_ok: bool | None
    """True: the check digit is right for a format the number fits; False: wrong for every reading; None: not
    judged."""
    likely_carriers: tuple[Carrier, ...]
    """The carriers that issue numbers of the passing (or unchecked) formats."""
    carrier: Carrier | None = None
    """The carrier the number was judged for, when one was given."""

    @property
    def suspect(self) -> bool:
        """Whether the check digit is wrong for every reading: the number is almost surely mistyped."""
        return self.check_digit_ok is False

    @property
    def verdict(self) -> str:
        """The verdict in words, as messages and the command line give it."""
        named = " or ".join(self.formats)
        if self.check_digit_ok is True:
            return f"check digit right for {named}"
        if self.check_digit_ok is False:
            return f"check digit wrong for {named}"
        if self.formats:
            return f"fits {named}, which has no check digit"
        if self.carrier is not None:
            return "fits no known format of this carrier: not judged"
        return "no format known for certain: not judged"


@frozen
class NumberFormat:
    """One carrier format: its pattern, and the check digit it carries, if any."""

    id: str
    """The format's identifier in the data set (e.g. "s10")."""
    name: str
    """The format's name, as messages give it (e.g. "UPU S10")."""
    courier: str
    """The courier the data set files the format under (e.g. "UPS")."""
    carriers: tuple[int, ...]
    """17TRACK's keys of the carriers that issue it (for UPU S10: the country's post, found per
    number)."""
    pattern: re.Pattern[str]
    """The whole number's regular expression, with named groups such as `SerialNumber` and `CheckDigit`."""
    checksum: Mapping[str, Any] | None
    """The check-digit rule (its `name`, e.g. "mod10", and its parameters), or None for a format
    without one."""
    prepend: tuple[re.Pattern[str], str] | None
    """(when the serial number matches this, text put before it for the check)."""
    owned: str | None
    """Why no other carrier's number has this shape, for the formats that own theirs; else None."""
    countries: frozenset[str] = frozenset()
    """UPU S10 only: the country codes of the posts that issue such numbers."""
    source: str = ""
    """Where the format comes from, when not from the data set (the sources of the Japanese carriers'
    formats)."""

    def read(self, number: str) -> bool | str | None:
        """The number's check against this format: True or False, None when the format has no
        check digit, or "" when the number does not fit the format at all."""
        found = self.pattern.fullmatch(number)
        if found is None:
            return ""
        groups = found.groupdict()
        if self.countries and groups.get("CountryCode") not in self.countries:
            return ""
        if self.checksum is None:
            return None
        serial, check = groups.get("SerialNumber") or "", groups.get("CheckDigit") or ""
        if self.prepend is not None and self.prepend[0].match(serial):
            serial = self.prepend[1] + serial
        return bool(serial and check) and _CHECKSUMS[self.checksum["name"]](serial, check, self.checksum)

    def carriers_of(self, number: str) -> tuple[int, ...]:
        """The carriers that issue ``number`` in this format."""
        if self.countries:
            post = default_directory().national_post(number[-2:])
            return () if post is None else (post.key,)
        return self.carriers


# -- the check-digit algorithms, as jkeen/tracking_number_data documents them ---------------------


def _value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def _complement(total: int, modulo: int) -> int:
    return 0 if total % modulo == 0 else modulo - total % modulo


def _mod10(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    chars = serial[::-1] if spec.get("reverse") else serial
    odds, evens = spec.get("odds_multiplier", 1), spec.get("evens_multiplier", 1)
    total = sum(_value(char) * (odds if index % 2 else evens) for index, char in enumerate(chars))
    return check.isdigit() and _complement(total, spec.get("modulo", 10)) == int(check)


def _mod7(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    return serial.isdigit() and check.isdigit() and int(serial) % spec.get("modulo", 7) == int(check)


def _weighted(serial: str, weights: Sequence[int]) -> int:
    return sum(int(char) * weight for char, weight in zip(serial, weights, strict=False) if char.isdigit())


def _s10(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    modulo = spec.get("modulo", 11)
    remainder = _weighted(serial, spec.get("weightings", (8, 6, 4, 2, 3, 5, 9, 7))) % modulo
    expected = 0 if remainder == 1 else 5 if remainder == 0 else modulo - remainder
    return check.isdigit() and expected == int(check)


def _luhn(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    total = 0
    for index, char in enumerate(reversed(serial)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return serial.isdigit() and check.isdigit() and _complement(total, spec.get("modulo", 10)) == int(check)


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _mod_37_36(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    modulo, alphabet = int(spec.get("modulo", 36)), str(spec.get("alphabet", _BASE36))
    running = modulo
    for char in serial:
        running += _BASE36.index(char) if char in _BASE36 else 0
        if running > modulo:
            running -= modulo
        running *= 2
        if running > modulo:
            running -= modulo + 1
    expected = modulo + 1 - running
    return alphabet[0 if expected == modulo else expected] == check


def _sum_product(serial: str, check: str, spec: Mapping[str, Any]) -> bool:
    total = _weighted(serial, spec.get("weightings", ()))
    return check.isdigit() and total % spec["modulo1"] % spec["modulo2"] == int(check)


_CHECKSUMS: dict[str, Callable[[str, str, Mapping[str, Any]], bool]] = {
    "mod10": _mod10,
    "mod7": _mod7,
    "s10": _s10,
    "luhn": _luhn,
    "mod_37_36": _mod_37_36,
    "sum_product_with_weightings_and_modulo": _sum_product,
}


@cache
def number_formats() -> tuple[NumberFormat, ...]:
    """Every format ``check_number`` knows (read once, on first use)."""
    from importlib import resources  # noqa: PLC0415 (read on first use: importing the SDK stays quick)

    document = json.loads(
        resources.files("track17_facade").joinpath("data", "number_formats.json").read_text()
    )
    formats = []
    for spec in document["formats"]:
        prepend = spec.get("prepend")
        formats.append(
            NumberFormat(
                id=spec["id"],
                name=spec["name"],
                courier=spec["courier"],
                carriers=tuple(spec["carriers"]),
                pattern=re.compile(spec["pattern"]),
                checksum=spec.get("checksum"),
                prepend=None if not prepend else (re.compile(prepend["when"]), prepend["content"]),
                owned=spec.get("owned"),
                countries=frozenset(spec.get("countries", ())),
                source=spec.get("source", ""),
            )
        )
    return tuple(formats)


def _carriers(keys: Sequence[int]) -> tuple[Carrier, ...]:
    return tuple(Carrier(key) for key in dict.fromkeys(keys))


def check_number(number: str, carrier: CarrierLike | None = None) -> NumberCheck:
    """Check a tracking number against the known carrier formats, without sending anything.

    Spaces anywhere and letter case do not matter (``"rr 123 456 785 cn"`` is ``RR123456785CN``).
    The verdict's rule, the formats and the sources of their algorithms are in this module's
    documentation.

    Args:
        number: the tracking number.
        carrier: the carrier it is for, when known (a key, a ``Carrier``, a ``CarrierInfo`` or a
            name): only that carrier's formats are tried.

    Raises:
        TypeError: ``number`` is not a string.
        CarrierNotFoundError: ``carrier`` is a name or text that names no carrier of 17TRACK's
            list (a key it lacks is a carrier of no known format: not judged).
    """
    if not isinstance(number, str):
        raise TypeError(f"check_number expects a string, got {type(number).__name__}")
    normal = "".join(number.split()).upper()
    readings = [(fmt, result) for fmt in number_formats() if (result := fmt.read(normal)) != ""]
    if carrier is not None:
        key = int(carrier) if isinstance(carrier, int) else default_directory().resolve(carrier).key
        readings = [(fmt, result) for fmt, result in readings if key in fmt.carriers_of(normal)]
        return _verdict(normal, readings, Carrier(key), owned_only=False)
    return _verdict(normal, readings, None, owned_only=True)


def _verdict(
    normal: str,
    readings: list[tuple[NumberFormat, bool | str | None]],
    carrier: Carrier | None,
    *,
    owned_only: bool,
) -> NumberCheck:
    passing = [fmt for fmt, result in readings if result is True]
    if passing:
        keys = [key for fmt in passing for key in fmt.carriers_of(normal)]
        return NumberCheck(normal, tuple(fmt.name for fmt in passing), True, _carriers(keys), carrier)
    failing = [fmt for fmt, result in readings if result is False]
    unchecked = [fmt for fmt, result in readings if result is None]
    # Wrong only when every reading fails its check; without a carrier, only for a shape one
    # format owns.
    if failing and not unchecked and (not owned_only or (len(failing) == 1 and failing[0].owned)):
        return NumberCheck(normal, tuple(fmt.name for fmt in failing), False, (), carrier)
    keys = [key for fmt in unchecked for key in fmt.carriers_of(normal)]
    return NumberCheck(normal, tuple(fmt.name for fmt in unchecked), None, _carriers(keys), carrier)
