"""Moved: the Redis limiter is now ``track17_facade.ratelimit.RedisRateLimiter`` (in
``track17_facade/ratelimit/_redis.py``, with the rest of the pacing). This module re-exports it, so
that ``from track17_facade.redis_limiter import RedisRateLimiter`` keeps working; new code imports
it from ``track17_facade.ratelimit``.
"""

from __future__ import annotations

from track17_facade.ratelimit._redis import OnUnavailable, RedisRateLimiter

__all__ = ["OnUnavailable", "RedisRateLimiter"]
