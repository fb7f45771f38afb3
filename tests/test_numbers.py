"""Number checks before spending quota: public sample numbers, the typos each check digit is
guaranteed to catch, and register(check_digits=...) over HTTP against the sandbox."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import fast_limiter, unique_key
from tests.test_cli import parsed_csv
from track17_facade import Carrier, ErrorCode, Track17Client, check_number
from track17_facade.cli._app import cli
from track17_facade.sandbox import Sandbox

# Known-valid sample numbers, as published: the UPU S10 standard's example (RR123456785..), and
# the samples of the public tracking_number_data project (couriers/*.json), which were taken from
# the carriers' own documentation and labels.
SAMPLES: dict[str, tuple[str, ...]] = {
    "UPU S10": ("RB123456785GB", "RB123456785US", "RR123456785CN", "EE123456785CV"),
    "UPS": ("1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591", "1Z8V92A70367203024"),
    "FedEx Express": ("986578788855", "477179081230", "799531274483", "790535312317", "974367662710"),
    "FedEx Ground": ("041441760228964", "568283610012000", "568283610012734"),
    "GS1 SSCC": ("000123450000000027",),
    "USPS IMpb": (
        "03071790000523483741",
        "71123456789123456787",
        "9505511069605048600624",
        "9101123456789000000013",
        "9400111201080805483016",
        "9361289878700317633795",
        "9405803699300124287899",
    ),
    "DHL Express": ("3318810025", "8487135506", "1099255990", "3821724944", "3318810036", "3318810014"),
}
ALL_SAMPLES = [(fmt, number) for fmt, numbers in SAMPLES.items() for number in numbers]
# ... and the ones those sources give as wrong
WRONG = ("RB123456786US", "996578788855", "568283610012732", "03071790000523483742", "3318810011")


@pytest.mark.parametrize(("fmt", "number"), ALL_SAMPLES)
def test_public_samples_pass(fmt: str, number: str) -> None:
    check = check_number(number)
    assert check.formats == (fmt,) and check.check_digit_ok is True and not check.suspect


@pytest.mark.parametrize("number", WRONG)
def test_published_wrong_numbers_fail(number: str) -> None:
    assert check_number(number).check_digit_ok is False and check_number(number).suspect


def test_likely_carriers() -> None:
    assert check_number("RR123456785CN").likely_carriers == (Carrier.CHINA_POST,)
    assert check_number("RB123456785GB").likely_carriers == (Carrier.ROYAL_MAIL,)
    assert check_number("1Z5R89390357567127").likely_carriers == (Carrier.UPS,)
    assert check_number("3318810025").likely_carriers == (Carrier.DHL_EXPRESS,)


@pytest.mark.parametrize("number", ["HELLO12345", "RR12345678CN", "1Z12", "", "ab-cd"])
def test_a_number_of_no_known_format_is_not_judged(number: str) -> None:
    check = check_number(number)
    assert check.formats == () and check.check_digit_ok is None and not check.suspect


def test_a_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expects a string"):
        check_number(12345)  # type: ignore[arg-type]


def _single_digit_changes(number: str) -> Iterator[tuple[int, str, str]]:
    """Every number that differs from ``number`` in exactly one digit: (position, old, new)."""
    for at, char in enumerate(number):
        if char.isdigit():
            for digit in "0123456789":
                if digit != char:
                    yield at, char, number[:at] + digit + number[at + 1 :]


def _guaranteed(fmt: str, number: str, at: int, old: str, new: str) -> bool:
    """Whether the format's algorithm is sure to catch this one-digit change."""
    last = at == len(number) - 1 - (2 if fmt == "UPU S10" else 0)
    delta = abs(int(old) - int(new))
    if fmt in ("FedEx Ground", "GS1 SSCC", "USPS IMpb"):
        return True  # weights 3 and 1 are both prime to 10
    if fmt == "UPU S10":  # the remainder moves; only checks 5 (remainders 0 and 6) collide
        return last or number[10] != "5"
    if fmt == "FedEx Express":  # likewise; only check 0 (remainders 0 and 10) collides
        return last or number[11] != "0"
    if fmt == "UPS":  # doubled positions lose a difference of 5 ("1Z" changed is not UPS)
        return at >= 2 and (last or (at - 2) % 2 == 0 or delta != 5)
    if fmt == "DHL Express":  # 10^k is never 0 modulo 7, but a difference of 7 is
        return (last and int(new) > 6) or delta != 7
    raise AssertionError(fmt)


@pytest.mark.parametrize(("fmt", "number"), ALL_SAMPLES)
def test_every_guaranteed_single_digit_typo_is_caught(fmt: str, number: str) -> None:
    missed = [
        changed
        for at, old, changed in _single_digit_changes(number)
        if _guaranteed(fmt, number, at, old, changed[at])
        and check_number(changed).check_digit_ok is not False
    ]
    assert missed == []


@pytest.mark.parametrize(
    ("fmt", "number"),
    [(fmt, number) for fmt, number in ALL_SAMPLES if fmt in ("UPU S10", "USPS IMpb", "GS1 SSCC")],
)
def test_adjacent_swaps_are_caught(fmt: str, number: str) -> None:
    """GS1 catches a swap of neighbours unless they differ by 5; S10's weights all differ."""
    digits = [at for at, char in enumerate(number) if char.isdigit()]
    missed = []
    for at in digits[:-1]:
        a, b = number[at], number[at + 1]
        if not b.isdigit() or a == b or (fmt != "UPU S10" and abs(int(a) - int(b)) == 5):
            continue
        if fmt == "UPU S10" and at + 1 == 10 and "5" in (a, b):
            continue  # a swap into the check digit: check 5 is two remainders
        swapped = number[:at] + b + a + number[at + 2 :]
        if check_number(swapped).check_digit_ok is not False:
            missed.append(swapped)
    assert missed == []


@given(
    sample=st.sampled_from([number for _, number in ALL_SAMPLES]),
    spaces=st.lists(st.tuples(st.integers(0, 40), st.sampled_from([" ", "  ", "\t"])), max_size=4),
    lower=st.booleans(),
)
def test_a_passing_number_passes_whatever_its_spacing_and_case(
    sample: str, spaces: list[tuple[int, str]], lower: bool
) -> None:
    typed = sample.lower() if lower else sample
    for at, space in spaces:
        typed = typed[:at] + space + typed[at:]
    check = check_number(typed)
    assert check.number == sample and check.check_digit_ok is True


# -- register(check_digits=...) over HTTP --------------------------------------------------------

GOOD = ["RR123456785CN", "1Z5R89390357567127", "JJD000390007827458123"]  # the last: no known format
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
    assert "fails the UPU S10 check digit" in rejected.message
    assert BAD not in sandbox.engine.registrations and sandbox.stats().quota_used == 3


def test_warn_sends_it_logs_it_and_marks_it(
    sandboxed: tuple[Sandbox, Track17Client], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, client = sandboxed
    with caplog.at_level(logging.WARNING, logger="track17"):
        result = client.register([GOOD[0], BAD], check_digits="warn")
    assert result.ok and [a.number_suspect for a in result.accepted] == [False, True]
    assert BAD in sandbox.engine.registrations
    assert f"{BAD} fails the UPU S10 check digit" in caplog.text


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


def test_the_cli_checks_a_file_and_registers_with_checks(tmp_path: Path) -> None:
    jobs = tmp_path / "numbers.txt"
    jobs.write_text("\n".join([GOOD[0], BAD, GOOD[1], "3318810011"]) + "\n")
    checked = CliRunner().invoke(cli, ["check", str(jobs), "--format", "json"])
    assert checked.exit_code == 1
    rows: list[dict[str, Any]] = json.loads(checked.stdout)
    assert [(row["line"], row["number"], row["check_digit"]) for row in rows] == [
        (2, BAD, "wrong"),
        (4, "3318810011", "wrong"),
    ]
    assert "2 suspect, 2 with a correct check digit" in checked.stderr
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
        ("3318810011", "rejected", "CHECK_DIGIT_FAILED"),
    ]
    assert quota_used == 2 and registered.exit_code == 1
    dry = CliRunner().invoke(cli, ["register", str(jobs), "--check-digits", "reject", "--dry-run"])
    assert [row["outcome"] for row in parsed_csv(dry.stdout)] == ["would send", "rejected"] * 2
    assert "would send 2, rejected 2; nothing was sent" in dry.stderr
