"""The interactive latency target, in one light module (the command line's help reads it).

At least 25 output tokens/s per user (40 ms a token, MLPerf's interactive bound) and the first
token within 1 s; the reasons are in :mod:`aipolicy.costs.capacity.latency`. One home for the
presets, the CLI help and :data:`aipolicy.costs.capacity.latency.INTERACTIVE_SLO`.
"""

INTERACTIVE_SLO_TOKENS_PER_USER = 25.0
INTERACTIVE_SLO_TTFT_S = 1.0
