"""Write the tracking-number formats ``track17_facade.numbers`` judges, from public data.

    python generator/number_formats.py [OUTPUT]

Most formats come from jkeen/tracking_number_data (MIT licence; its courier files are copied
verbatim in ``tests/data/tracking_number_data/``, where the suite also reads their test numbers):
each format's pattern, its check-digit algorithm and settings, and how its serial number is
formed. ``EXTRA_FORMATS`` adds formats that data set lacks, each with its published source. This
script adds what track17 decides itself: the 17TRACK carrier keys of each format (``CARRIERS``),
and which formats own their shape (``OWNED``), so that a number of that shape whose check digit
fails is a typo and not a number of some other carrier.

The output, ``track17_facade/data/number_formats.json``, is checked by the suite to equal what
this writes; edit this script or the copied data, never the output.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_SET = ROOT / "tests" / "data" / "tracking_number_data" / "couriers"
OUTPUT = ROOT / "track17_facade" / "data" / "number_formats.json"
SOURCE = "jkeen/tracking_number_data"

CARRIERS: dict[str, tuple[int, ...]] = {
    # the data set's courier code: 17TRACK's carrier keys, the main one first
    "amazon": (100308,),
    "canada_post": (3041,),
    "canpar": (100146,),
    "dhl": (100001,),
    "fedex": (100003,),
    "gofo": (100996,),
    "landmark": (100021,),
    "lasership": (100052,),
    "old_dominion": (100783,),
    "ontrac": (100049,),
    "purolator": (100042, 100999, 101000),
    "speedee": (),  # Spee-Dee Delivery is not in 17TRACK's carrier list
    "ups": (100002,),
    "usps": (21051,),
    "yodel": (100017,),
    "yunexpress": (190008,),
    "s10": (),  # the post of the country the number ends with, found at run time
}
FORMAT_CARRIERS: dict[str, tuple[int, ...]] = {
    # formats whose carrier differs from their courier's
    "dhl_ecommerce": (7047, 7048, 100765),
    "dhl_ecommerce_14": (7047,),
}
DPD_KEYS = (
    # every DPD of 17TRACK's list: the same label specification across the DPD group
    100007, 101108, 100010, 100709, 100072, 100321, 100556, 100815, 100483, 100808, 100404,
    100807, 100584, 100142, 101087, 100810, 100814, 100809, 100811, 100111, 100204, 100177,
    100071, 100813, 100812, 101088,
)  # fmt: skip
OWNED: dict[str, str] = {
    # format id: why no other carrier's number has its shape
    "s10": "two letters, nine digits, and the ISO code of a country's post (UPU S10)",
    "ups": '"1Z" and sixteen letters or digits',
    "ups_waybill": "one of the letters A, H, J, K, T, V and ten digits",
    "ontrac_c": '"C" and fourteen digits',
    "ontrac_d": '"D" and fourteen digits',
}
EXTRA_FORMATS: list[dict[str, Any]] = [
    {
        "id": "japan_post_12",
        "name": "Japan Post (12)",
        "courier": "japan_post",
        "carriers": (10021,),
        "pattern": r"(?P<SerialNumber>[0-9]{11})(?P<CheckDigit>[0-9])",
        "checksum": {"name": "mod7", "modulo": 7},
        "source": (
            "the first eleven digits modulo 7: nayutaya/packtrack (tracker/jppost/package/"
            "tracking_number.py) and TakamoriYamashiro/shipping-jp-js (README, after Yamato's and "
            "Japan Post's published slips)"
        ),
    },
    {
        "id": "yamato_12",
        "name": "Yamato (12)",
        "courier": "yamato",
        "carriers": (100062,),
        "pattern": r"(?P<SerialNumber>[0-9]{11})(?P<CheckDigit>[0-9])",
        "checksum": {"name": "mod7", "modulo": 7},
        "source": (
            "the first eleven digits modulo 7 (7DR): Yamato Transport's slip guide (送り状の準備), as "
            "cited by TakamoriYamashiro/shipping-jp-js"
        ),
    },
    {
        "id": "sagawa_12",
        "name": "Sagawa (12)",
        "courier": "sagawa",
        "carriers": (100040,),
        "pattern": r"(?P<SerialNumber>[0-9]{11})(?P<CheckDigit>[0-9])",
        "checksum": {"name": "mod7", "modulo": 7},
        "source": "the first eleven digits modulo 7 (7DR): TakamoriYamashiro/shipping-jp-js (README)",
    },
]
_CHECKSUM_KEYS = {
    "mod10": ("evens_multiplier", "odds_multiplier", "modulo", "reverse"),
    "mod7": ("modulo",),
    "s10": ("weightings", "modulo"),
    "luhn": ("modulo",),
    "mod_37_36": ("modulo", "alphabet"),
    "sum_product_with_weightings_and_modulo": ("weightings", "modulo1", "modulo2"),
}


def python_pattern(regex: str | list[str]) -> str:
    """The data set's Ruby/JavaScript pattern as a Python one: ``(?<Name>`` is ``(?P<Name>``."""
    text = "".join(regex) if isinstance(regex, list) else regex
    return re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", text)


def _checksum(validation: dict[str, Any]) -> dict[str, Any] | None:
    checksum = validation.get("checksum")
    if not checksum:
        return None
    kept = {"name": checksum["name"]}
    kept.update({key: checksum[key] for key in _CHECKSUM_KEYS[checksum["name"]] if key in checksum})
    return kept


def _format_id(spec: dict[str, Any]) -> str:
    """The data set's id of a format, or one made from its name ("UPS Waybill": "ups_waybill")."""
    return spec.get("id") or re.sub(r"[^a-z0-9]+", "_", spec["name"].lower()).strip("_")


def data_set_formats() -> list[dict[str, Any]]:
    """Every format of the copied data set, as the output holds it."""
    formats = []
    for path in sorted(DATA_SET.glob("*.json")):
        courier = json.loads(path.read_text())
        code = courier["courier_code"]
        for spec in courier["tracking_numbers"]:
            format_id = _format_id(spec)
            validation = spec.get("validation") or {}
            prepend = (validation.get("serial_number_format") or {}).get("prepend_if")
            entry: dict[str, Any] = {
                "id": format_id,
                "name": spec["name"],
                "courier": code,
                "carriers": list(
                    DPD_KEYS if code == "dpd" else FORMAT_CARRIERS.get(format_id, CARRIERS[code])
                ),
                "pattern": python_pattern(spec["regex"]),
                "checksum": _checksum(validation),
                "prepend": None
                if not prepend
                else {"when": python_pattern(prepend["matches_regex"]), "content": prepend["content"]},
                "owned": OWNED.get(format_id),
                "source": f"{SOURCE}, couriers/{path.name}",
            }
            if code == "s10":
                lookup = next(a for a in spec["additional"] if a["name"] == "Courier")["lookup"]
                entry["countries"] = sorted({row["matches"] for row in lookup})
            formats.append(entry)
    return formats


def build() -> dict[str, Any]:
    """The document ``track17_facade.numbers`` reads."""
    extra = [
        {**spec, "carriers": list(spec["carriers"]), "prepend": None, "owned": None} for spec in EXTRA_FORMATS
    ]
    return {
        "format": 1,
        "sources": {SOURCE: f"https://github.com/{SOURCE}"},
        "licence": (DATA_SET.parent / "LICENSE").read_text(),
        "formats": data_set_formats() + extra,
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.write_text(render())


if __name__ == "__main__":
    main()
