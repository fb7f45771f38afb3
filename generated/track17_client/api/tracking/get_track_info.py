from typing import Any

import httpx
from httpx._client import UseClientDefault

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_track_info_response_401 import GetTrackInfoResponse401
from ...models.get_track_info_response_429 import GetTrackInfoResponse429
from ...models.get_track_info_response_500 import GetTrackInfoResponse500
from ...models.track_info_response import TrackInfoResponse
from ...models.track_number_request import TrackNumberRequest
from ...types import Response, http_status, json_response


def _get_kwargs(
    *,
    body: list[TrackNumberRequest],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/gettrackinfo",
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
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
    | None
):
    if response.status_code == 200:
        response_200 = TrackInfoResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = GetTrackInfoResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = GetTrackInfoResponse429.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = GetTrackInfoResponse500.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
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
    body: list[TrackNumberRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
]:
    """Get Tracking Information

     Retrieve detailed tracking information for one or more registered tracking numbers including current
    status and event history.

    Args:
        body (list[TrackNumberRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTrackInfoResponse401 | GetTrackInfoResponse429 | GetTrackInfoResponse500 | TrackInfoResponse]
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
    body: list[TrackNumberRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
    | None
):
    """Get Tracking Information

     Retrieve detailed tracking information for one or more registered tracking numbers including current
    status and event history.

    Args:
        body (list[TrackNumberRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTrackInfoResponse401 | GetTrackInfoResponse429 | GetTrackInfoResponse500 | TrackInfoResponse
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
    body: list[TrackNumberRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
]:
    """Get Tracking Information

     Retrieve detailed tracking information for one or more registered tracking numbers including current
    status and event history.

    Args:
        body (list[TrackNumberRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetTrackInfoResponse401 | GetTrackInfoResponse429 | GetTrackInfoResponse500 | TrackInfoResponse]
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
    body: list[TrackNumberRequest],
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    GetTrackInfoResponse401
    | GetTrackInfoResponse429
    | GetTrackInfoResponse500
    | TrackInfoResponse
    | None
):
    """Get Tracking Information

     Retrieve detailed tracking information for one or more registered tracking numbers including current
    status and event history.

    Args:
        body (list[TrackNumberRequest]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetTrackInfoResponse401 | GetTrackInfoResponse429 | GetTrackInfoResponse500 | TrackInfoResponse
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
    body: list[TrackNumberRequest],
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
    body: list[TrackNumberRequest],
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
