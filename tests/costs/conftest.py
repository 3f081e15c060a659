"""Shared fixtures for the cost-model tests."""

from __future__ import annotations

import pytest

from aipolicy.costs.compare.scenario import build_scenario


def simple_scenario(**changes):
    """A scenario whose numbers are easy to work by hand.

    API: input free, output USD 100 per 1M tokens, 100 output tokens -> USD 0.01 a request;
    no API overhead. Self-host: 1 GPU per replica at USD 1/GPU-hour (730 USD/month), 100
    output tok/s at utilisation 1 -> 1 request/s = 86,400 requests/day per replica; no
    staff, platform or implementation; no spare replica and no on-call floor (the
    production topology has its own hand-worked tests). Flat profile, no growth.
    """
    base = dict(
        requests_per_day=10_000.0, input_tokens=0.0, output_tokens=100.0,
        api_input_per_mtok_usd=0.0, api_output_per_mtok_usd=100.0,
        api_cached_input_per_mtok_usd=0.0, api_batch_input_per_mtok_usd=0.0,
        api_batch_output_per_mtok_usd=100.0, api_staff_fte=0.0, api_implementation_usd=0.0,
        throughput_tok_s=100.0, gpus_per_replica=1, planning_utilization=1.0,
        gpu_hour_usd=1.0, staff_fte=0.0, platform_monthly_usd=0.0, implementation_usd=0.0,
        redundancy_replicas=0.0, oncall_share=0.0,
    )
    acquisition = changes.pop("acquisition", "rent")
    base.update(changes)
    return build_scenario(acquisition=acquisition, **base)


@pytest.fixture
def simple():
    return simple_scenario
