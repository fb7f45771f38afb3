"""What users are told when they get something wrong: the options the method they called has, the
root a bare base URL was meant to have, and the error codes the guides name, as the code gives them."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Literal

import pytest

from tests.conftest import fast_limiter, unique_key
from track17_facade import ErrorCode, InvalidInputError, Registration, SignatureError, Track17Client
from track17_facade.errors import HTTPStatusError
from track17_facade.sandbox import Sandbox
from track17_facade.shipments import ShipmentStore
from track17_facade.webhooks import WebhookEventType

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guides").glob("*.md"))]


def test_receive_without_a_key_names_receives_own_arguments_not_parse_webhooks() -> None:
    with ShipmentStore("sqlite://") as store, pytest.raises(InvalidInputError) as raised:
        store.receive(b'{"event":"TRACKING_UPDATED","data":{"number":"RR123456789CN"}}', "x", "")
    message = str(raised.value)
    assert "receive(raw_body, sign, api_key)" in message and "verify=" not in message


def test_receive_async_gives_the_same_outcomes_and_errors_as_receive() -> None:
    from track17_facade.webhooks import compute_signature

    key = "k" * 16
    body = b'{"event":"TRACKING_STOPPED","data":{"number":"RR123456789CN","carrier":3011,"tag":null}}'

    async def view(store: ShipmentStore, sign: str, api_key: str) -> str:
        return str((await store.receive_async(body, sign, api_key)).outcome)

    with ShipmentStore("sqlite://") as store:
        signature = compute_signature(body, key)
        assert [asyncio.run(view(store, signature, key)) for _ in range(2)] == ["stopped", "duplicate"]
        assert store.get("RR123456789CN") is not None
        with pytest.raises(InvalidInputError, match=r"receive\(raw_body, sign, api_key\)"):
            asyncio.run(view(store, "x", ""))
        with pytest.raises(SignatureError):
            asyncio.run(view(store, "x", key))


@pytest.mark.parametrize("version", ["v1", "v2.4"])
def test_a_base_url_without_the_version_path_says_which_root_was_meant(
    version: Literal["v1", "v2.4"],
) -> None:
    with Sandbox(api_keys=(unique_key(),), rate=1000) as box:
        bare = f"http://{box.host}:{box.port}"
        root = "/track/v2.4" if version == "v2.4" else "/track/v1"
        with Track17Client(
            box.api_key, api_version=version, base_url=bare, rate_limiter=fast_limiter(box.api_key)
        ) as client:
            (failure,) = client.register(["RR123456789CN"]).failed
            assert isinstance(failure.error, HTTPStatusError) and failure.error.status_code == 404
            assert f"lacks the path '{root}'" in str(failure.error) and f"'{bare}{root}'" in str(
                failure.error
            )
            if version == "v2.4":
                with pytest.raises(HTTPStatusError, match=f"getquota: HTTP 404: base_url '{bare}' lacks"):
                    client.get_quota()
        with Track17Client(
            box.api_key, api_version=version, base_url=box.base_url_for(version) + "/nothing-here"
        ) as client:  # the root is there: a 404 under it is not about the root
            (failure,) = client.register(["RR123456789CN"]).failed
            assert str(failure.error) == "register: HTTP 404"


def _named_codes(text: str) -> set[str]:
    """The error codes a guide names: upper-case words in backticks ending as 17TRACK's codes end
    (``..._INVALID``, ``..._REQUIRED``, ...), but for push events, settings and environment variables."""
    endings = {name.rsplit("_", 1)[-1] for name in ErrorCode.__members__ if "_" in name}
    # Push events, and the entries of Django's TRACK17 setting (contrib.django's _KNOWN).
    others = {*WebhookEventType.__members__, "API_KEY", "STORE_URL", "API_VERSION", "BASE_URL", "MAX_BODY"}
    tokens = re.findall(r"`(?:ErrorCode\.)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`", text)
    return {
        token
        for token in tokens
        if token.rsplit("_", 1)[-1] in endings and token not in others and not token.startswith("TRACK17_")
    }


def test_every_error_code_the_guides_name_is_one_of_codes_py() -> None:
    named = {guide.name: _named_codes(guide.read_text()) for guide in GUIDES}
    assert "FIELD_VALUE_INVALID" in named["api-versions.md"]  # the scan finds them
    unknown = {name: codes - set(ErrorCode.__members__) for name, codes in named.items()}
    assert not any(unknown.values()), unknown


def test_the_code_the_api_versions_guide_names_for_v2_fields_on_v1_is_the_one_given() -> None:
    row = next(
        line
        for line in (ROOT / "docs" / "guides" / "api-versions.md").read_text().splitlines()
        if line.startswith("| `register` items")
    )
    (named,) = _named_codes(row)
    with (
        Sandbox(api_keys=(unique_key(),), rate=1000) as box,
        Track17Client(
            box.api_key, base_url=box.base_url_for("v1"), rate_limiter=fast_limiter(box.api_key)
        ) as client,
    ):
        result = client.register([Registration("RR123456789CN", tag="order-1"), "RR123456790CN"])
    (rejection,) = result.rejected
    assert rejection.code is ErrorCode[named], (rejection.code, named)
    assert [accepted.number for accepted in result.accepted] == ["RR123456790CN"]
