"""17TRACK's carrier directory: the bundled list, resolution by name, search, freshness, and
carriers by name wherever a carrier is taken (over HTTP against the sandbox)."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import fast_limiter, unique_key
from track17_facade import (
    Carrier,
    CarrierDirectory,
    CarrierInfo,
    CarrierListError,
    CarrierNotFoundError,
    ErrorCode,
    Registration,
    Track17Client,
)
from track17_facade.carriers import CACHED_NAME
from track17_facade.cli._app import cli
from track17_facade.sandbox import Sandbox

BUNDLED = CarrierDirectory.bundled()


# -- the bundled list ----------------------------------------------------------------------------


def test_the_bundled_list_is_17tracks_whole_list() -> None:
    assert len(BUNDLED) == 2621 and str(BUNDLED.published) == "2025-04-13"
    royal_mail = BUNDLED[11031]
    assert (royal_mail.name, royal_mail.country_iso, royal_mail.url) == (
        "Royal Mail",
        "GB",
        "https://www.royalmail.com/",
    )
    assert all(info.name == info.name.strip() and info.name for info in BUNDLED.values())


def test_every_well_known_carrier_is_in_the_list_under_its_key() -> None:
    listed = {member: BUNDLED[int(member)].name for member in Carrier if int(member) in BUNDLED}
    assert len(listed) == len(Carrier)
    assert listed == {
        Carrier.DHL_EXPRESS: "DHL Express",
        Carrier.UPS: "UPS",
        Carrier.FEDEX: "FedEx",
        Carrier.TNT: "TNT",
        Carrier.GLS: "GLS",
        Carrier.DPD_DE: "DPD (DE)",
        Carrier.HERMES_DE: "Hermes (DE)",
        Carrier.USPS: "USPS",
        Carrier.CHINA_POST: "China Post",
        Carrier.CHINA_EMS: "China EMS",
        Carrier.ROYAL_MAIL: "Royal Mail",
        Carrier.PARCELFORCE: "Parcelforce",
        Carrier.DHL_PAKET: "DHL Paket",
        Carrier.DEUTSCHE_POST: "Deutsche Post Mail",
        Carrier.POSTNL: "PostNL",
        Carrier.LA_POSTE: "La Poste (Colissimo)",
        Carrier.CANADA_POST: "Canada Post",
        Carrier.AUSTRALIA_POST: "Australia Post",
        Carrier.CORREIOS: "Correios Brazil",
        Carrier.YANWEN: "YANWEN",
        Carrier.YUNEXPRESS: "YunExpress",
        Carrier.FOUR_PX: "4PX",
        Carrier.CAINIAO: "Cainiao",
    }


def test_a_national_post_is_its_countrys_code_times_ten_plus_one() -> None:
    assert BUNDLED.national_post("cn") == BUNDLED[3011]
    assert BUNDLED.national_post("US") == BUNDLED[21051]
    assert BUNDLED.national_post("XX") is None


# -- resolution ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Royal Mail", 11031),
        ("royal mail", 11031),
        ("ROYAL-MAIL", 11031),
        ("  Royal   Mail ", 11031),
        ("PostNL", 14041),  # exact beats "PostNL International Mail"
        ("postnl", 14041),
        ("DHL Paket", 7041),
        ("La Poste", 6051),  # "La Poste (Colissimo)" without its qualifier
        ("中国邮政", 3011),  # Chinese names
        ("Pošta Srpske", None),  # accents: resolved below by folding
        ("100002", 100002),  # a key as text
        (" 3011 ", 3011),
        (100002, 100002),
        (Carrier.UPS, 100002),
    ],
)
def test_resolve_finds_the_one_carrier_meant(text: Any, key: int | None) -> None:
    info = BUNDLED.resolve(text)
    if key is None:
        assert BUNDLED.resolve("posta srpske") == info  # accent-insensitive both ways
    else:
        assert info.key == key


def test_an_ambiguous_name_lists_its_candidates() -> None:
    with pytest.raises(CarrierNotFoundError) as caught:
        BUNDLED.resolve("DHL")
    names = [info.name for info in caught.value.candidates]
    assert {"DHL Express", "DHL Paket"} <= set(names[:3])
    assert "ambiguous" in str(caught.value) and "DHL Express (100001, DE)" in str(caught.value)
    assert isinstance(caught.value, ValueError)  # an InvalidInputError


@pytest.mark.parametrize("text", ["no such carrier at all", "", 999_999, "999999", True, 3.5])
def test_an_unknown_carrier_is_a_clear_error(text: object) -> None:
    with pytest.raises(CarrierNotFoundError, match=r"no carrier|a carrier is a key"):
        BUNDLED.resolve(text)


def test_find_ranks_exact_names_first() -> None:
    assert BUNDLED.find("royal mail")[0].key == 11031
    assert [info.name for info in BUNDLED.find("dhl", limit=2)] == ["DHL Paket", "DHL Express"]
    assert BUNDLED.find("mail royal")[0].key == 11031  # words in any order
    assert BUNDLED.find("") == [] and BUNDLED.find("zzzzqqqq") == []
    assert len(BUNDLED.find("post", limit=500)) > 100


def test_by_country() -> None:
    german = BUNDLED.by_country("de")
    assert {7041, 7044, 100001} <= {info.key for info in german}
    assert [info.name.casefold() for info in german] == sorted(info.name.casefold() for info in german)


# -- loading and freshness -----------------------------------------------------------------------


def _listing(count: int, name: str = "Carrier") -> list[dict[str, Any]]:
    return [
        {"key": 900000 + i, "_name": f"{name} {i}", "_country_iso": "DE", "_country": 701, "_url": ""}
        for i in range(count)
    ]


def _with_bundled(extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """17TRACK's list as track17 ships it, with ``extra`` carriers added (a newer list)."""
    listed = [
        {
            "key": info.key,
            "_name": info.name,
            "_country_iso": info.country_iso or "",
            "_country": info.country_code or 0,
            "_url": info.url or "",
        }
        for info in BUNDLED.values()
    ]
    return listed + extra


def test_a_malformed_list_names_the_bad_entry(tmp_path: Path) -> None:
    bad = _listing(3)
    bad[2]["key"] = "x"
    with pytest.raises(CarrierListError, match="entry 2"):
        CarrierDirectory.from_json(json.dumps(bad))
    with pytest.raises(CarrierListError, match="not JSON"):
        CarrierDirectory.from_json(json.dumps(_listing(3))[:-20])  # truncated
    with pytest.raises(CarrierListError, match="array"):
        CarrierDirectory.from_json('{"key": 1}')
    with pytest.raises(CarrierListError, match="unreadable"):
        CarrierDirectory.from_compact(gzip.compress(b"[1, 2")[:10])


def test_from_file_reads_17tracks_file_as_published(tmp_path: Path) -> None:
    listing = tmp_path / "apicarrier.all.json"
    listing.write_text(
        '[{"key": 100002, "_country": 2105, "_country_iso": "US", "_url": "https://www.ups.com",'
        ' "_name": "UPS", "_name_zh-cn": "UPS", "_group": ""},'
        ' {"key": 190271, "_country_iso": "CN", "_name": " Cainiao ", "_name_zh-cn": "菜鸟"}]'
    )
    directory = CarrierDirectory.from_file(listing)
    assert len(directory) == 2 and directory[100002].country_iso == "US"
    assert directory[100002].name_zh_cn is None  # the same as the English name
    assert directory.resolve("菜鸟") == directory[190271] and directory[190271].name == "Cainiao"


def test_the_compact_form_keeps_every_field() -> None:
    again = CarrierDirectory.from_compact(BUNDLED.to_compact())
    assert dict(again) == dict(BUNDLED) and again.published == BUNDLED.published
    assert all(again[key].country_code == BUNDLED[key].country_code for key in BUNDLED)


def test_load_prefers_the_newer_list(tmp_path: Path) -> None:
    assert CarrierDirectory.load(tmp_path) is BUNDLED  # no cache yet
    from datetime import date

    newer = CarrierDirectory(
        [*BUNDLED.values(), CarrierInfo(999001, "New Carrier", "DE", None)], date(2030, 1, 1)
    )
    (tmp_path / CACHED_NAME).write_bytes(newer.to_compact())
    assert 999001 in CarrierDirectory.load(tmp_path)
    older = CarrierDirectory(BUNDLED.values(), date(2020, 1, 1))
    (tmp_path / CACHED_NAME).write_bytes(older.to_compact())
    assert CarrierDirectory.load(tmp_path) is BUNDLED
    (tmp_path / CACHED_NAME).write_bytes(b"damaged")
    assert CarrierDirectory.load(tmp_path) is BUNDLED


class _ListServer:
    """A real HTTP server on loopback that serves one body as the carrier list."""

    def __init__(self, body: bytes, modified: str | None = None) -> None:
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if modified:
                    self.send_header("Last-Modified", modified)
                self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                self.wfile.write(served.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.body = body
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/apicarrier.all.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _ListServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACK17_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_carriers_update_saves_a_newer_list_that_load_then_prefers(cache: Path) -> None:
    full = _with_bundled(_listing(150, "Fresh"))
    with _ListServer(json.dumps(full).encode(), "Tue, 01 Jan 2030 00:00:00 GMT") as server:
        result = CliRunner().invoke(cli, ["carriers", "update", "--url", server.url])
    assert result.exit_code == 0, result.output
    assert "Saved 2,771 carriers (published 2030-01-01)" in result.stdout
    loaded = CarrierDirectory.load(cache)
    assert len(loaded) == 2771 and loaded.resolve("fresh 7").key == 900007
    assert loaded.resolve("UPS").key == 100002


def test_a_list_of_made_up_carriers_is_refused_unless_forced(cache: Path, tmp_path: Path) -> None:
    made_up = _saved(tmp_path, _listing(150, "Fake"))
    refused = CliRunner().invoke(cli, ["carriers", "update", "--from", made_up])
    assert refused.exit_code == 2 and "keeps only 0 of the 2,621 carriers" in refused.stderr
    assert "UPS" in refused.stderr and not (cache / CACHED_NAME).exists()
    assert CarrierDirectory.load(cache).resolve("UPS").key == 100002
    forced = CliRunner().invoke(cli, ["carriers", "update", "--from", made_up, "--force"])
    assert forced.exit_code == 0 and (cache / CACHED_NAME).exists()


def test_a_file_s_publication_day_is_what_the_user_says_never_its_mtime(cache: Path, tmp_path: Path) -> None:
    listing = _saved(tmp_path, _with_bundled(_listing(3, "Fresh")))
    unknown = CliRunner().invoke(cli, ["carriers", "update", "--from", listing])
    assert unknown.exit_code == 0 and "publication day unknown" in unknown.stdout
    loaded = CarrierDirectory.load(cache)
    assert loaded.published is None and loaded.resolve("fresh 2").key == 900002  # chosen by hand: used
    said = CliRunner().invoke(cli, ["carriers", "update", "--from", listing, "--published", "2020-01-02"])
    assert said.exit_code == 0 and "published 2020-01-02" in said.stdout
    assert "bundled list is as new or newer" in said.stdout
    assert CarrierDirectory.load(cache) is BUNDLED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (json.dumps(_listing(150))[:-30].encode(), "not valid: carrier list is not JSON"),
        (json.dumps([*_listing(150), {"key": None, "_name": "Broken"}]).encode(), "entry 150"),
        (json.dumps(_listing(5)).encode(), "fewer than 100"),
        (b"<html>maintenance</html>", "not JSON"),
    ],
)
def test_a_bad_download_is_refused_and_keeps_what_was_there(cache: Path, body: bytes, message: str) -> None:
    good = CliRunner().invoke(cli, ["carriers", "update", "--from", _saved(cache.parent, _with_bundled([]))])
    assert good.exit_code == 0, good.output
    before = (cache / CACHED_NAME).read_bytes()
    with _ListServer(body) as server:
        result = CliRunner().invoke(cli, ["carriers", "update", "--url", server.url])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    assert (cache / CACHED_NAME).read_bytes() == before
    assert len(CarrierDirectory.bundled()) == 2621  # the bundled copy is never written


def _saved(folder: Path, listing: list[dict[str, Any]]) -> str:
    path = folder / "apicarrier.all.json"
    path.write_text(json.dumps(listing))
    return str(path)


def test_carriers_search_and_show() -> None:
    found = json.loads(
        CliRunner().invoke(cli, ["carriers", "search", "royal mail", "--format", "json"]).stdout
    )
    assert found[0] == {
        "key": 11031,
        "name": "Royal Mail",
        "country": "GB",
        "url": "https://www.royalmail.com/",
    }
    shown = CliRunner().invoke(cli, ["carriers", "show", "100002", "--format", "json"])
    assert json.loads(shown.stdout)[0]["name"] == "UPS"
    ambiguous = CliRunner().invoke(cli, ["carriers", "show", "DHL"])
    assert ambiguous.exit_code == 2 and "DHL Express (100001, DE)" in ambiguous.stderr
    nothing = CliRunner().invoke(cli, ["carriers", "search", "zzzqqq"])
    assert nothing.exit_code == 1 and "no carrier name matches" in nothing.stderr


# -- carriers by name, over HTTP -----------------------------------------------------------------


@pytest.fixture
def v2_sandbox() -> Iterator[tuple[Sandbox, Track17Client]]:
    key = unique_key()
    with Sandbox(api_keys=(key,), rate=10_000) as sandbox:
        client = Track17Client(
            key,
            api_version="v2.4",
            base_url=sandbox.base_url_for("v2.4"),
            requests_per_second=1000,
            rate_limiter=fast_limiter(key),
        )
        with client:
            yield sandbox, client


def test_register_takes_carrier_names(v2_sandbox: tuple[Sandbox, Track17Client]) -> None:
    sandbox, client = v2_sandbox
    result = client.register(
        [
            ("RR000000001CN", "China Post"),
            ("RR000000002GB", "royal mail"),
            Registration("RR000000003NL", carrier="PostNL", tag="order-3"),
            ("RR000000004DE", BUNDLED[7041]),
            ("RR000000005US", "21051"),
        ]
    )
    assert result.ok
    assert [accepted.carrier for accepted in result.accepted] == [3011, 11031, 14041, 7041, 21051]
    assert {number: reg.carrier for number, reg in sandbox.engine.registrations.items()} == {
        "RR000000001CN": 3011,
        "RR000000002GB": 11031,
        "RR000000003NL": 14041,
        "RR000000004DE": 7041,
        "RR000000005US": 21051,
    }
    assert result.accepted[3].carrier_info == BUNDLED[7041]  # any key, not only Carrier's 23


def test_an_ambiguous_or_unknown_name_is_rejected_before_sending(
    v2_sandbox: tuple[Sandbox, Track17Client],
) -> None:
    sandbox, client = v2_sandbox
    result = client.register([("RR000000001CN", "DHL"), ("RR000000002CN", "Nobody Express")])
    assert [r.code for r in result.rejected] == [ErrorCode.FIELD_VALUE_INVALID] * 2
    assert "DHL Paket (7041, DE)" in result.rejected[0].message
    assert "no carrier is named 'Nobody Express'" in result.rejected[1].message
    assert sandbox.requests() == [] and sandbox.stats().quota_used == 0


def test_change_carrier_takes_names_for_both_carriers(v2_sandbox: tuple[Sandbox, Track17Client]) -> None:
    sandbox, client = v2_sandbox
    assert client.register([("RR000000001CN", "China Post")]).ok
    changed = client.change_carrier([("RR000000001CN", "China Post", "China EMS")])
    assert changed.ok and sandbox.engine.registrations["RR000000001CN"].carrier == 3013
    refused = client.change_carrier([("RR000000001CN", "Nobody Express", "China Post")])
    assert "the old carrier: no carrier is named" in refused.rejected[0].message


def test_a_csv_and_the_cli_take_carrier_names(tmp_path: Path) -> None:
    key = unique_key()
    fast_limiter(key)
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "number,carrier\nRR000000001CN,China Post\nRR000000002GB,Royal Mail\n"
        "RR000000003DE,DHL\nRR000000004FR,\n"
    )
    with Sandbox(api_keys=(key,), rate=10_000) as sandbox:
        result = CliRunner().invoke(
            cli,
            [
                *("--api-key", key, "--base-url", sandbox.base_url_for("v2.4"), "--rate", "1000"),
                *("register", str(jobs), "--carrier", "La Poste", "--format", "json"),
            ],
        )
        registered = {number: reg.carrier for number, reg in sandbox.engine.registrations.items()}
    rows = json.loads(result.stdout)
    assert result.exit_code == 1  # the ambiguous row
    assert [row["outcome"] for row in rows] == ["accepted", "accepted", "rejected", "accepted"]
    assert [row["carrier_name"] for row in rows] == ["China Post", "Royal Mail", None, "La Poste (Colissimo)"]
    assert "line 4: carrier name 'DHL' is ambiguous" in rows[2]["message"]
    assert registered == {"RR000000001CN": 3011, "RR000000002GB": 11031, "RR000000004FR": 6051}


def test_a_carrier_of_the_directory_is_named_with_or_without_a_member() -> None:
    """A v1 answer names carrier 12021, which has no member: the directory knows it as Latvia Post."""
    latvia = Carrier(12021)
    assert not latvia.is_known and latvia.info is not None
    assert str(latvia) == latvia.info.name == "Latvia Post"
    assert repr(latvia) == "<Carrier.UNKNOWN: 12021 (Latvia Post)>"
    assert (str(Carrier.UPS), repr(Carrier.UPS)) == ("UPS", "<Carrier.UPS: 100002>")
    nowhere = Carrier(987654321)
    assert (str(nowhere), repr(nowhere)) == ("987654321", "<Carrier.UNKNOWN: 987654321>")
    assert f"{latvia}" == "12021" and json.dumps(latvia) == "12021"  # the key, where a key is written
