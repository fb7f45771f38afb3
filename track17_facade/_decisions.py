"""``track17_facade.retry``'s decisions after a failed attempt: ``Retry``, ``GiveUp``, ``Abort``
and ``decide``, which that module gives, imported when first named (or when an attempt first
fails), so a process whose requests all succeed does not build their classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from track17_facade.errors import ApiKeyUnavailableError, AuthenticationError, RateLimitError, Track17Error
from track17_facade.retry import retry_delay

if TYPE_CHECKING:
    import random

    from track17_facade.retry import Failed

__all__ = ["Abort", "Decision", "GiveUp", "Retry", "decide"]


@frozen
class Retry:
    """Send the request again after ``delay`` seconds."""

    delay: float
    """Seconds to wait first."""


@frozen
class GiveUp:
    """The request's items fail with ``error``; the rest of the call goes on."""

    error: Track17Error
    """What the request's items fail with."""
    may_have_taken_effect: bool = False
    """An attempt may have been carried out by 17TRACK all the same (a 5xx, a dropped answer, a
    timeout after sending): its items may be registered (and charged), changed or stopped."""


@frozen
class Abort:
    """The whole call stops with ``error``: every other request would fail the same way."""

    error: Track17Error
    """What the call raises."""


Decision = Retry | GiveUp | Abort
"""What `decide` answers after a failed attempt."""


def decide(failed: Failed, attempt: int, max_retries: int, *, rng: random.Random | None = None) -> Decision:
    """What to do after attempt number ``attempt`` failed as ``failed``."""
    if isinstance(failed.error, AuthenticationError | ApiKeyUnavailableError):
        return Abort(failed.error)
    if not failed.retryable or attempt > max_retries:
        return GiveUp(failed.error)
    retry_after = failed.error.retry_after if isinstance(failed.error, RateLimitError) else None
    return Retry(retry_delay(attempt, retry_after, rng=rng))
