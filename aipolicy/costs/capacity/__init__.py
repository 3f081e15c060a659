"""Capacity: how much one replica of an open model on a GPU serves, and at what latency.

Replica throughput comes from a per-request service-time model fitted to measured
TensorRT-LLM rows, or a labelled roofline estimate where none exist (:mod:`.throughput`,
:mod:`.rows`); the share of that saturation throughput a replica keeps under a latency target
(tokens/s per user, time to first token) comes from measured concurrency sweeps
(:mod:`.latency`, :mod:`.sweeps`). Capacity reads the catalogs and nothing above them.
"""
