"""Number checks before spending quota, judged on public data nobody here wrote: the test numbers
of jkeen/tracking_number_data (``tests/data/tracking_number_data/``) and published Japanese
numbers; the typos each check digit is guaranteed to catch; register(check_digits=...) over HTTP
against the sandbox; and ``track17 check``."""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import fast_limiter, unique_key
from tests.test_cli import parsed_csv
from track17_facade import Carrier, ErrorCode, Track17Client, check_number
from track17_facade.cli._app import cli
from track17_facade.numbers import number_formats
from track17_facade.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent
DATA_SET = Path(__file__).parent / "data" / "tracking_number_data" / "couriers"
_spec = importlib.util.spec_from_file_location("number_formats", ROOT / "generator" / "number_formats.py")
assert _spec is not None and _spec.loader is not None
generated = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generated)
CARRIERS, DPD_KEYS, FORMAT_CARRIERS = generated.CARRIERS, generated.DPD_KEYS, generated.FORMAT_CARRIERS

JAPANESE = {
    # published 12-digit numbers (TakamoriYamashiro/shipping-jp-js, README): the first eleven
    # digits modulo 7 are the twelfth
    "405548424886": 10021,  # Japan Post
    "444413758703": 100062,  # Yamato
    "512547514334": 100040,  # Sagawa
}
CAUGHT_BY_LENGTH = 23
"""How many of the data set's invalid numbers the former rule (every 12-digit number FedEx
Express, every 10-digit one DHL Express, ...) called wrong; the same rule called 10 valid ones
wrong, so it is gone, and the catches now come from the carrier named with a number."""


def _data_set() -> Iterator[tuple[str, str, int | None, str, bool]]:
    """(format id, format name, its main carrier's key, number, valid) for every test number."""
    for path in sorted(DATA_SET.glob("*.json")):
        courier = json.loads(path.read_text())
        code = courier["courier_code"]
        for spec in courier["tracking_numbers"]:
            format_id = spec.get("id") or spec["name"].lower().replace(" ", "_")
            keys = DPD_KEYS if code == "dpd" else FORMAT_CARRIERS.get(format_id, CARRIERS[code])
            for valid in (True, False):
                for number in spec["test_numbers"]["valid" if valid else "invalid"]:
                    yield format_id, spec["name"], (keys[0] if keys else None), number, valid


DATA = list(_data_set())
VALID = [(name, key, number) for _, name, key, number, valid in DATA if valid]
INVALID = [(name, key, number) for _, name, key, number, valid in DATA if not valid]


def test_the_packaged_formats_are_what_the_generator_writes_from_the_data_set() -> None:
    packaged = (ROOT / "track17_facade" / "data" / "number_formats.json").read_text()
    assert packaged == generated.render(), "run: python generator/number_formats.py"


@pytest.mark.parametrize(("name", "key", "number"), VALID)
def test_no_valid_number_is_called_mistyped(name: str, key: int | None, number: str) -> None:
    alone = check_number(number)
    assert alone.check_digit_ok is not False, alone
    if key is not None:
        judged = check_number(number, key)
        assert judged.check_digit_ok is not False, judged
        fits = [fmt for fmt in number_formats() if fmt.name == name and fmt.read(judged.number) != ""]
        if fits and fits[0].checksum is not None:  # its own format, with a check digit: right
            assert judged.check_digit_ok is True and name in judged.formats, judged


@pytest.mark.parametrize(("number", "key"), sorted(JAPANESE.items()))
def test_japanese_numbers_are_right_for_their_carrier_and_never_wrong_alone(number: str, key: int) -> None:
    assert check_number(number, key).check_digit_ok is True
    alone = check_number(number)
    assert alone.check_digit_ok is not False  # twelve digits: FedEx, Purolator, Japan Post, ...
    assert Carrier(key) in alone.likely_carriers
    typo = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    assert check_number(typo, key).check_digit_ok is False
    assert check_number(typo).check_digit_ok is not False  # without the carrier: not judged


def test_every_invalid_number_of_a_shape_one_format_owns_is_caught_without_its_carrier() -> None:
    owned = [fmt for fmt in number_formats() if fmt.owned]
    in_owned_shape = [
        number
        for _, _, number in INVALID
        if any(fmt.read("".join(number.split()).upper()) != "" for fmt in owned)
    ]
    assert in_owned_shape  # S10, UPS, UPS waybill and OnTrac numbers are among them
    assert [n for n in in_owned_shape if check_number(n).check_digit_ok is not False] == []


def test_with_their_carrier_more_typos_are_caught_than_by_length_alone() -> None:
    caught = [number for _, key, number in INVALID if check_number(number, key).check_digit_ok is False]
    assert len(caught) >= CAUGHT_BY_LENGTH, caught


@pytest.mark.parametrize(
    ("number", "named"),
    [
        ("9611020987654312345672", "FedEx Ground 96 (22)"),  # 22 digits, once read as a USPS IMpb
        ("320595463938", "Purolator (12)"),  # 12 digits, once read as FedEx Express
        ("7196 9010 7560 0307 7385", "USPS Legacy"),
    ],
)
def test_numbers_once_called_mistyped_are_right(number: str, named: str) -> None:
    check = check_number(number)
    assert check.check_digit_ok is True and named in check.formats


def test_likely_carriers() -> None:
    assert check_number("RR123456785CN").likely_carriers == (Carrier.CHINA_POST,)
    assert check_number("RB123456785GB").likely_carriers == (Carrier.ROYAL_MAIL,)
    assert check_number("1Z5R89390357567127").likely_carriers == (Carrier.UPS,)
    assert Carrier.DHL_EXPRESS in check_number("3318810025").likely_carriers


@pytest.mark.parametrize("number", ["HELLO12345", "RR12345678CN", "1Z12", "", "ab-cd"])
def test_a_number_of_no_known_format_is_not_judged(number: str) -> None:
    check = check_number(number)
    assert check.formats == () and check.check_digit_ok is None and not check.suspect


def test_a_carrier_with_no_known_format_is_not_judged() -> None:
    check = check_number("RR123456786CN", "DHL Paket")  # a wrong S10, but DHL Paket issues none
    assert check.check_digit_ok is None and check.carrier is Carrier.DHL_PAKET
    assert check_number("RR123456786CN").check_digit_ok is False


def test_a_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expects a string"):
        check_number(12345)  # type: ignore[arg-type]


# -- the typos each check digit is sure to catch --------------------------------------------------

TYPO_SAMPLES: list[tuple[str, str, int | None]] = [
    # (format, number, the carrier to name: None where the format owns its shape)
    ("S10", "RB123456785GB", None),
    ("S10", "RR123456785CN", None),
    ("UPS", "1Z5R89390357567127", None),
    ("UPS", "1Z410E7W0392751591", None),
    ("FedEx Express (12)", "986578788855", Carrier.FEDEX),
    ("FedEx Ground", "041441760228964", Carrier.FEDEX),
    ("USPS IMpb N", "9400111201080805483016", Carrier.USPS),
    ("DHL Express", "3318810025", Carrier.DHL_EXPRESS),
    ("Japan Post (12)", "405548424886", 10021),
]


def _single_digit_changes(number: str) -> Iterator[tuple[int, str, str]]:
    """Every number that differs from ``number`` in exactly one digit: (position, old, new)."""
    for at, char in enumerate(number):
        if char.isdigit():
            for digit in "0123456789":
                if digit != char:
                    yield at, char, number[:at] + digit + number[at + 1 :]


def _guaranteed(fmt: str, number: str, at: int, old: str, new: str) -> bool:
    """Whether the format's algorithm is sure to catch this one-digit change."""
    last = at == len(number) - 1 - (2 if fmt == "S10" else 0)
    delta = abs(int(old) - int(new))
    if fmt == "FedEx Ground":
        return True  # weights 3 and 1 are both prime to 10
    if fmt == "USPS IMpb N":  # likewise, past the "94" that makes the shape an IMpb
        return at >= 2
    if fmt == "S10":  # the remainder moves; only checks 5 (remainders 0 and 6) collide
        return last or number[10] != "5"
    if fmt == "FedEx Express (12)":  # likewise; only check 0 (remainders 0 and 10) collides
        return last or number[11] != "0"
    if fmt == "UPS":  # doubled positions lose a difference of 5 ("1Z" changed is not UPS)
        return at >= 2 and (last or (at - 2) % 2 == 0 or delta != 5)
    if fmt in ("DHL Express", "Japan Post (12)"):  # 10^k is never 0 modulo 7, but a difference of 7 is
        return (last and int(new) > 6) or delta != 7
    raise AssertionError(fmt)


@pytest.mark.parametrize(("fmt", "number", "key"), TYPO_SAMPLES)
def test_every_guaranteed_single_digit_typo_is_caught(fmt: str, number: str, key: int | None) -> None:
    missed = [
        changed
        for at, old, changed in _single_digit_changes(number)
        if _guaranteed(fmt, number, at, old, changed[at])
        and check_number(changed, key).check_digit_ok is not False
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("fmt", "number", "key"), [s for s in TYPO_SAMPLES if s[0] in ("S10", "FedEx Ground")]
)
def test_adjacent_swaps_are_caught(fmt: str, number: str, key: int | None) -> None:
    """GS1's mod 10 catches a swap of neighbours unless they differ by 5; S10's weights all differ."""
    digits = [at for at, char in enumerate(number) if char.isdigit()]
    missed = []
    for at in digits[:-1]:
        a, b = number[at], number[at + 1]
        if not b.isdigit() or a == b or (fmt != "S10" and abs(int(a) - int(b)) == 5):
            continue
        if fmt == "S10" and at + 1 == 10 and "5" in (a, b):
            continue  # a swap into the check digit: check 5 is two remainders
        swapped = number[:at] + b + a + number[at + 2 :]
        if check_number(swapped, key).check_digit_ok is not False:
            missed.append(swapped)
    assert missed == []


@given(
    sample=st.sampled_from([number for _, _, number in VALID]),
    spaces=st.lists(st.tuples(st.integers(0, 40), st.sampled_from([" ", "  ", "\t"])), max_size=4),
    lower=st.booleans(),
)
def test_a_number_reads_the_same_whatever_its_spacing_and_case(
    sample: str, spaces: list[tuple[int, str]], lower: bool
) -> None:
    typed = sample.lower() if lower else sample
    for at, space in spaces:
        typed = typed[:at] + space + typed[at:]
    assert check_number(typed) == check_number(sample)


@given(st.text(max_size=40))
def test_any_text_is_judged_without_an_error(text: str) -> None:
    check = check_number(text)
    assert check.check_digit_ok in (True, False, None)


# -- register(check_digits=...) over HTTP --------------------------------------------------------

GOOD = ["RR123456785CN", "1Z5R89390357567127", "YT2229521272164446"]  # the last: no check digit
BAD = "RR123456786CN"


@pytest.fixture(params=["v1", "v2.4"])
def sandboxed(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, Track17Client]]:
    key = unique_key()
    with (
        Sandbox(api_keys=(key,), rate=10_000, quota=100) as sandbox,
        Track17Client(
            key,
            api_version=request.param,
            base_url=sandbox.base_url_for(request.param),
            requests_per_second=1000,
            rate_limiter=fast_limiter(key),
        ) as client,
    ):
        yield sandbox, client


def test_reject_spends_no_quota_on_a_mistyped_number(sandboxed: tuple[Sandbox, Track17Client]) -> None:
    sandbox, client = sandboxed
    result = client.register([GOOD[0], BAD, *GOOD[1:]], check_digits="reject")
    assert [accepted.number for accepted in result.accepted] == GOOD
    (rejected,) = result.rejected
    assert rejected.code is ErrorCode.CHECK_DIGIT_FAILED and rejected.index == 1
    assert "check digit wrong for S10" in rejected.message
    assert BAD not in sandbox.engine.registrations and sandbox.stats().quota_used == 3


def test_reject_judges_a_number_by_the_carrier_it_names(sandboxed: tuple[Sandbox, Track17Client]) -> None:
    """Real Japan Post numbers are sent even under "reject" (the second is the one a user reported
    refused); the same number with a typo, named as Japan Post, is not."""
    _, client = sandboxed
    typo = "405548424887"
    result = client.register(
        [("405548424886", "Japan Post"), ("317409136693", 10021), (typo, "Japan Post")], check_digits="reject"
    )
    assert [accepted.number for accepted in result.accepted] == ["405548424886", "317409136693"]
    (rejected,) = result.rejected
    assert rejected.number == typo and "check digit wrong for Japan Post (12)" in rejected.message
    assert client.register(["444413758704"], check_digits="reject").ok  # no carrier: not judged


def test_warn_sends_it_logs_it_and_marks_it(
    sandboxed: tuple[Sandbox, Track17Client], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, client = sandboxed
    with caplog.at_level(logging.WARNING, logger="track17"):
        result = client.register([GOOD[0], BAD], check_digits="warn")
    assert result.ok and [a.number_suspect for a in result.accepted] == [False, True]
    assert BAD in sandbox.engine.registrations
    assert f"{BAD}: check digit wrong for S10" in caplog.text


def test_off_is_the_default_and_sends_everything(sandboxed: tuple[Sandbox, Track17Client]) -> None:
    sandbox, client = sandboxed
    assert client.register([BAD]).ok and BAD in sandbox.engine.registrations


def test_a_wrong_mode_is_refused_at_the_call(sandboxed: tuple[Sandbox, Track17Client]) -> None:
    sandbox, client = sandboxed
    with pytest.raises(ValueError, match="check_digits must be 'off', 'warn' or 'reject'"):
        client.register([BAD], check_digits="strict")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="for 'register' only"):
        client.stream("stop_track", [BAD], check_digits="reject")
    assert sandbox.requests() == []


# -- track17 check ---------------------------------------------------------------------------------


def test_the_cli_checks_numbers_given_as_arguments() -> None:
    checked = CliRunner().invoke(
        cli, ["check", "1Z999AA10123456784", "1Z999AA10123456785", "--format", "json"]
    )
    assert checked.exit_code == 1
    (row,) = json.loads(checked.stdout)
    assert (row["line"], row["number"], row["check_digit"]) == (2, "1Z999AA10123456785", "wrong")
    assert row["verdict"] == "check digit wrong for UPS"
    assert "1 with a wrong check digit, 1 right" in checked.stderr
    alone = CliRunner().invoke(cli, ["check", "317409136693", "--all", "--format", "json"])
    assert alone.exit_code == 0 and json.loads(alone.stdout)[0]["check_digit"] == "right"
    assert "Japan Post (10021)" in json.loads(alone.stdout)[0]["likely_carriers"]  # and Yamato, Sagawa
    missing = CliRunner().invoke(cli, ["check", "numbers.txt"])
    assert missing.exit_code == 2 and "no such file: numbers.txt" in missing.stderr


def test_the_cli_honours_a_carrier_column(tmp_path: Path) -> None:
    jobs = tmp_path / "numbers.csv"
    jobs.write_text("number,carrier\n405548424886,Japan Post\n405548424887,10021\n405548424887,\n")
    checked = CliRunner().invoke(cli, ["check", str(jobs), "--all", "--format", "json"])
    rows = json.loads(checked.stdout)
    assert [(row["line"], row["check_digit"]) for row in rows[:2]] == [(2, "right"), (3, "wrong")]
    assert rows[2]["line"] == 4 and rows[2]["check_digit"] != "wrong"  # no carrier: 12 digits, never wrong
    assert (
        rows[1]["carrier"] == "Japan Post (10021, JP)"
        and rows[1]["verdict"] == "check digit wrong for Japan Post (12)"
    )
    assert checked.exit_code == 1


def test_the_cli_registers_with_checks_from_a_file(tmp_path: Path) -> None:
    jobs = tmp_path / "numbers.txt"
    jobs.write_text("\n".join([GOOD[0], BAD, GOOD[1], "1Z5R89390357567128"]) + "\n")
    key = unique_key()
    fast_limiter(key)
    with Sandbox(api_keys=(key,), rate=10_000) as sandbox:
        registered = CliRunner().invoke(
            cli,
            [
                *("--api-key", key, "--base-url", sandbox.base_url_for("v1"), "--rate", "1000"),
                *("register", str(jobs), "--check-digits", "reject", "--format", "json"),
            ],
        )
        quota_used = sandbox.stats().quota_used
    outcomes = [(row["number"], row["outcome"], row["code"]) for row in json.loads(registered.stdout)]
    assert outcomes == [
        (GOOD[0], "accepted", None),
        (BAD, "rejected", "CHECK_DIGIT_FAILED"),
        (GOOD[1], "accepted", None),
        ("1Z5R89390357567128", "rejected", "CHECK_DIGIT_FAILED"),
    ]
    assert quota_used == 2 and registered.exit_code == 1
    dry = CliRunner().invoke(cli, ["register", str(jobs), "--check-digits", "reject", "--dry-run"])
    assert [row["outcome"] for row in parsed_csv(dry.stdout)] == ["would send", "rejected"] * 2
    assert "would send 2, rejected 2; nothing was sent" in dry.stderr


def test_the_module_documents_every_format_it_knows() -> None:
    from track17_facade import numbers

    documented = " ".join((numbers.__doc__ or "").split())
    couriers = {fmt.courier for fmt in number_formats()}
    spoken = {
        "amazon": "Amazon",
        "canada_post": "Canada Post",
        "japan_post": "Japan Post",
        "s10": "S10",
        "speedee": "Spee-Dee",
    }
    missing = [c for c in couriers if spoken.get(c, c.replace("_", " ")).lower() not in documented.lower()]
    assert missing == []
