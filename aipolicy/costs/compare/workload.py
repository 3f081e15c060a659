"""Workload: request volume, tokens per request, prompt caching, batch share, 24-hour profile.

Time constants used throughout the cost models: a month is ``365 / 12`` days
(:data:`DAYS_PER_MONTH`) and ``730`` hours (:data:`HOURS_PER_MONTH`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from aipolicy.errors import InvalidInputError

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_MONTH",
    "LOAD_PROFILES",
    "Workload",
    "load_profile",
    "normalise_profile",
]

DAYS_PER_MONTH = 365.0 / 12.0
HOURS_PER_MONTH = 24.0 * DAYS_PER_MONTH  # 730

#: Named 24-hour load shapes (relative weights per hour of day, any scale).
#: ``business_hours`` is an aipolicy assumption: 2x load 08:00-18:00, quiet nights.
LOAD_PROFILES: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    "business_hours": (0.3,) * 7 + (0.8,) + (2.0,) * 10 + (1.0,) * 2 + (0.5,) * 4,
    "evening_peak": (0.4,) * 7 + (0.8,) * 10 + (1.6,) * 5 + (0.8,) * 2,
}


def normalise_profile(profile: Sequence[float], *, name: str = "load_profile") -> tuple[float, ...]:
    """Return the 24 hourly weights scaled to mean 1 (so ``max`` is the peak factor).

    Raises :class:`InvalidInputError` unless there are 24 finite, non-negative weights with a
    positive sum.
    """
    values = [float(x) for x in profile]
    if len(values) != 24:
        raise InvalidInputError(f"{name} must have 24 hourly weights, got {len(values)}",
                                field=name)
    if any(not math.isfinite(x) or x < 0 for x in values) or sum(values) <= 0:
        raise InvalidInputError(f"{name} weights must be finite, >= 0 and not all zero",
                                field=name)
    mean = sum(values) / 24.0
    return tuple(x / mean for x in values)


def load_profile(name_or_values: str | Sequence[float]) -> tuple[float, ...]:
    """A named profile (``flat``, ``business_hours``, ``evening_peak``) or 24 weights, mean 1."""
    if isinstance(name_or_values, str):
        if name_or_values not in LOAD_PROFILES:
            raise InvalidInputError(f"unknown load profile {name_or_values!r}; known: "
                                    f"{', '.join(LOAD_PROFILES)}", field="load_profile",
                                    value=name_or_values)
        return normalise_profile(LOAD_PROFILES[name_or_values])
    return normalise_profile(name_or_values)


@dataclass(frozen=True)
class Workload:
    """What the application asks of the model.

    Parameters
    ----------
    requests_per_day : float
        Mean requests per day (>= 0).
    input_tokens, output_tokens : float
        Mean input (prompt) and output tokens per request (output > 0).
    cached_input_share : float
        Share (0-1) of input tokens served from the API provider's prompt cache.
    batch_share : float
        Share (0-1) of requests that can wait for the API's batch tier.
    profile : tuple of 24 floats
        Hourly load weights; stored scaled to mean 1. The peak factor is its maximum.
    """

    requests_per_day: float
    input_tokens: float
    output_tokens: float
    cached_input_share: float = 0.0
    batch_share: float = 0.0
    profile: tuple[float, ...] = field(default=LOAD_PROFILES["flat"])

    def __post_init__(self) -> None:
        for name in ("requests_per_day", "input_tokens"):
            v = getattr(self, name)
            if not math.isfinite(v) or v < 0:
                raise InvalidInputError(f"{name} must be a finite number >= 0, got {v!r}",
                                        field=name, value=v)
        if not math.isfinite(self.output_tokens) or self.output_tokens <= 0:
            raise InvalidInputError(f"output_tokens must be > 0, got {self.output_tokens!r}",
                                    field="output_tokens", value=self.output_tokens)
        for name in ("cached_input_share", "batch_share"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise InvalidInputError(f"{name} must be between 0 and 1, got {v!r}", field=name,
                                        value=v)
        object.__setattr__(self, "profile", normalise_profile(self.profile))

    @property
    def peak_factor(self) -> float:
        """Peak-hour load divided by the daily mean (1 for a flat profile)."""
        return max(self.profile)

    @property
    def tokens_per_request(self) -> float:
        """Input plus output tokens per request."""
        return self.input_tokens + self.output_tokens

    @property
    def tokens_per_day(self) -> float:
        """Input plus output tokens per day."""
        return self.requests_per_day * self.tokens_per_request

    @property
    def tokens_per_month(self) -> float:
        """Input plus output tokens per month (``DAYS_PER_MONTH`` days)."""
        return self.tokens_per_day * DAYS_PER_MONTH

    @property
    def peak_requests_per_s(self) -> float:
        """Requests per second in the busiest hour."""
        return self.requests_per_day / 86400.0 * self.peak_factor


def effective_profile(profile: Sequence[float], batch_share: float | np.ndarray = 0.0
                      ) -> np.ndarray:
    """Hourly load (mean 1) once the batchable share is moved off-peak (spread evenly).

    ``(1 - batch_share) * profile + batch_share``: interactive requests keep their hourly
    shape, batch requests (which can wait hours) fill the day evenly. Returns 24 values, or a
    (24, n) array when ``batch_share`` is an array of n draws.
    """
    prof = np.asarray(profile, dtype=float)
    b = np.asarray(batch_share, dtype=float)
    if b.ndim == 0:
        return (1.0 - float(b)) * prof + float(b)
    return (1.0 - b)[None, :] * prof[:, None] + b[None, :]


def peak_of(profile: Sequence[float], batch_share: float | np.ndarray = 0.0) -> float | np.ndarray:
    """Peak of :func:`effective_profile` without building it: ``(1 - b) * max(profile) + b``.

    The effective profile is a non-negative blend of the profile and a flat line, so its peak
    is the profile's peak blended the same way (one value per draw when ``batch_share`` is an
    array).
    """
    top = float(np.max(np.asarray(profile, dtype=float)))
    b = np.asarray(batch_share, dtype=float)
    out = (1.0 - b) * top + b
    return float(out) if out.ndim == 0 else out
