"""A client library for accessing 17TRACK Tracking API v2.4"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
