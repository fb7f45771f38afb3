from typing import Any

import httpx
from httpx._client import UseClientDefault

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.track_list_request import TrackListRequest
from ...models.track_list_response import TrackListResponse
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
) -> ErrorResponse | TrackListResponse | None:
    if response.status_code == 200:
        response_200 = TrackListResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | TrackListResponse]:
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
) -> Response[ErrorResponse | TrackListResponse]:
    """List registered numbers

     One page (40 numbers) of the account's registered numbers, filtered by number, carrier, tracking
    status, package status and registration time. The `page` object at the top level of the answer says
    how many pages there are. A public TypeScript client sends `page_size` and an integer `track_status`
    to v2.2 instead of `tracking_status`/`package_status`; this contract follows 17TRACK's v2.4
    documentation.

    Args:
        body (TrackListRequest): Filters and page of a track list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TrackListResponse]
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
) -> ErrorResponse | TrackListResponse | None:
    """List registered numbers

     One page (40 numbers) of the account's registered numbers, filtered by number, carrier, tracking
    status, package status and registration time. The `page` object at the top level of the answer says
    how many pages there are. A public TypeScript client sends `page_size` and an integer `track_status`
    to v2.2 instead of `tracking_status`/`package_status`; this contract follows 17TRACK's v2.4
    documentation.

    Args:
        body (TrackListRequest): Filters and page of a track list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TrackListResponse
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
) -> Response[ErrorResponse | TrackListResponse]:
    """List registered numbers

     One page (40 numbers) of the account's registered numbers, filtered by number, carrier, tracking
    status, package status and registration time. The `page` object at the top level of the answer says
    how many pages there are. A public TypeScript client sends `page_size` and an integer `track_status`
    to v2.2 instead of `tracking_status`/`package_status`; this contract follows 17TRACK's v2.4
    documentation.

    Args:
        body (TrackListRequest): Filters and page of a track list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TrackListResponse]
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
) -> ErrorResponse | TrackListResponse | None:
    """List registered numbers

     One page (40 numbers) of the account's registered numbers, filtered by number, carrier, tracking
    status, package status and registration time. The `page` object at the top level of the answer says
    how many pages there are. A public TypeScript client sends `page_size` and an integer `track_status`
    to v2.2 instead of `tracking_status`/`package_status`; this contract follows 17TRACK's v2.4
    documentation.

    Args:
        body (TrackListRequest): Filters and page of a track list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TrackListResponse
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
