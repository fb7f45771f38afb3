"""Carrier auto-detection from the shape of a tracking number, as 17TRACK does when none is given.

The sandbox detects with the SDK's own number formats and carrier directory
(``track17_facade.numbers``), so the sandbox and ``check_number`` never disagree on whose number
it is: a number whose check digit passes for some format goes to that format's carrier; otherwise
to the first format its shape fits (17TRACK detects by shape, and a test's made-up numbers rarely
carry a right check digit). A UPU S10 number goes to the post of the country it ends with.
"""

from __future__ import annotations

from track17_facade.carriers import Carrier
from track17_facade.numbers import number_formats


def detect_carrier(number: str) -> Carrier | None:
    """The carrier a number's format points to, or None when the format is not recognised."""
    normal = "".join(number.split()).upper()
    fitting = [(fmt, result) for fmt in number_formats() if (result := fmt.read(normal)) != ""]
    ranked = [fmt for fmt, result in fitting if result is True] + [fmt for fmt, _ in fitting]
    for fmt in ranked:
        carriers = fmt.carriers_of(normal)
        if carriers:
            return Carrier(carriers[0])
    return None
