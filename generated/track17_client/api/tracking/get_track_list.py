from typing import Any

import httpx
from httpx._client import UseClientDefault

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_response import BatchResponse
from ...models.get_track_list_response_401 import GetTrackListResponse401
from ...models.get_track_list_response_429 import GetTrackListResponse429
from ...models.get_track_list_response_500 import GetTrackListResponse500
from ...models.track_list_request import TrackListRequest
from ...types import Response, http_status, json_response


def _get_kwargs(
    *,
    body: TrackListRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/gettracklist",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
    | None
):
    if response.status_code == 200:
        response_200 = BatchResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = GetTrackListResponse401.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = GetTrackListResponse429.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = GetTrackListResponse500.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
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
    body: TrackListRequest,
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
]:
    """Get Tracking List

     Retrieve a filtered list of tracking numbers registered to your account with optional filters by
    status, date range, and pagination.

    Args:
        body (TrackListRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponse | GetTrackListResponse401 | GetTrackListResponse429 | GetTrackListResponse500]
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
    body: TrackListRequest,
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
    | None
):
    """Get Tracking List

     Retrieve a filtered list of tracking numbers registered to your account with optional filters by
    status, date range, and pagination.

    Args:
        body (TrackListRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponse | GetTrackListResponse401 | GetTrackListResponse429 | GetTrackListResponse500
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
    body: TrackListRequest,
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> Response[
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
]:
    """Get Tracking List

     Retrieve a filtered list of tracking numbers registered to your account with optional filters by
    status, date range, and pagination.

    Args:
        body (TrackListRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponse | GetTrackListResponse401 | GetTrackListResponse429 | GetTrackListResponse500]
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
    body: TrackListRequest,
    timeout: float | httpx.Timeout | None | UseClientDefault = httpx.USE_CLIENT_DEFAULT,
    extensions: dict[str, Any] | None = None,
) -> (
    BatchResponse
    | GetTrackListResponse401
    | GetTrackListResponse429
    | GetTrackListResponse500
    | None
):
    """Get Tracking List

     Retrieve a filtered list of tracking numbers registered to your account with optional filters by
    status, date range, and pagination.

    Args:
        body (TrackListRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponse | GetTrackListResponse401 | GetTrackListResponse429 | GetTrackListResponse500
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
    body: TrackListRequest,
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
    body: TrackListRequest,
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
