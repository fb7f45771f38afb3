from typing import Any

import httpx
from httpx._client import UseClientDefault

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_response import BatchResponse
from ...models.register_request import RegisterRequest
from ...models.register_tracking_response_401 import RegisterTrackingResponse401
from ...models.register_tracking_response_429 import RegisterTrackingResponse429
from ...models.register_tracking_response_500 import RegisterTrackingResponse500
from ...models.register_tracking_response_503 import RegisterTrackingResponse503
from ...types import Response, http_status, json_response


def _get_kwargs(
    *,
    body: list[RegisterRequest],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/register",
    }

    _kwargs["json"] = []
    for body_item_data in body:
        # still the decoded JSON (it did not fit the model): given back as it came
        if isinstance(body_item_data, dict):
            _kwargs["json"].append(body_item_data)
            continue
        body_item = body_item_data.to_dict()
        _kwargs["json"].append(body_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
    | None
):
    if response.status_code == 200:
        response_200 = BatchResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = RegisterTrackingResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = RegisterTrackingResponse429.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = RegisterTrackingResponse500.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = RegisterTrackingResponse503.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (ValueError, KeyError, TypeError, AttributeError):
        if response.is_success:
            raise
        parsed = None
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
]:
    """Register Tracking Numbers

     Register one or more tracking numbers for monitoring. Quota is consumed upon registration. Auto
    carrier identification covers 80%+ of shipments when carrier is not specified.

    Args:
        body (list[RegisterRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponse | RegisterTrackingResponse401 | RegisterTrackingResponse429 | RegisterTrackingResponse500 | RegisterTrackingResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
        timeout=timeout,
        extensions=extensions,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
    | None
):
    """Register Tracking Numbers

     Register one or more tracking numbers for monitoring. Quota is consumed upon registration. Auto
    carrier identification covers 80%+ of shipments when carrier is not specified.

    Args:
        body (list[RegisterRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponse | RegisterTrackingResponse401 | RegisterTrackingResponse429 | RegisterTrackingResponse500 | RegisterTrackingResponse503
    """

    return sync_detailed(
        client=client,
        body=body,
        timeout=timeout,
        extensions=extensions,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
]:
    """Register Tracking Numbers

     Register one or more tracking numbers for monitoring. Quota is consumed upon registration. Auto
    carrier identification covers 80%+ of shipments when carrier is not specified.

    Args:
        body (list[RegisterRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponse | RegisterTrackingResponse401 | RegisterTrackingResponse429 | RegisterTrackingResponse500 | RegisterTrackingResponse503]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(
        **kwargs,
        timeout=timeout,
        extensions=extensions,
    )

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    BatchResponse
    | RegisterTrackingResponse401
    | RegisterTrackingResponse429
    | RegisterTrackingResponse500
    | RegisterTrackingResponse503
    | None
):
    """Register Tracking Numbers

     Register one or more tracking numbers for monitoring. Quota is consumed upon registration. Auto
    carrier identification covers 80%+ of shipments when carrier is not specified.

    Args:
        body (list[RegisterRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponse | RegisterTrackingResponse401 | RegisterTrackingResponse429 | RegisterTrackingResponse500 | RegisterTrackingResponse503
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            timeout=timeout,
            extensions=extensions,
        )
    ).parsed


def sync_json(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[Any]:
    """Send the request as ``sync_detailed`` does; ``parsed`` is the body's decoded JSON, not models
    (None for an error status whose body is not JSON).

    Raises:
        ValueError: a 2xx body that is not JSON.
        httpx.TimeoutException: If the request takes longer than Client.timeout.
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
        timeout=timeout,
        extensions=extensions,
    )

    return json_response(response)


async def asyncio_json(
    *,
    client: AuthenticatedClient | Client,
    body: list[RegisterRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[Any]:
    """Send the request as ``asyncio_detailed`` does; ``parsed`` is the body's decoded JSON, not
    models (None for an error status whose body is not JSON).

    Raises:
        ValueError: a 2xx body that is not JSON.
        httpx.TimeoutException: If the request takes longer than Client.timeout.
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(
        **kwargs,
        timeout=timeout,
        extensions=extensions,
    )

    return json_response(response)
