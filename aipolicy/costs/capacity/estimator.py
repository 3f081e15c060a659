"""Capacity curves from NVIDIA's aiconfigurator-core: every open model it knows on every GPU.

aiconfigurator-core (Apache-2.0, https://github.com/ai-dynamo/aiconfigurator, PyPI
``aiconfigurator-core``) estimates, for a model, a serving engine (TensorRT-LLM, vLLM, SGLang), a
precision and a tensor-parallel size, the time to first token (TTFT) and the time per output
token (TPOT) of aggregated serving (in-flight batching) at a given concurrency, from
per-operation performance databases measured on each GPU system (``op-level``). For the systems
it has no measured database for (L4, H100 PCIe) it offers only a speed-of-light bound from the
specifications (seen here: 48 requests/s for Llama 3.1 8B at 800/250 tokens on one H100 PCIe,
seven times its op-level figure on an L40S), which is no planning figure: those GPUs are not
covered here and keep the package's own estimate.

A :class:`Curve` is that estimate at concurrencies 1, 2, 4, ... up to the largest batch whose KV
cache fits the GPUs' memory: for each point the requests/s of one replica
(the library's ``seq/s``, about ``concurrency / (TTFT + TPOT x (output tokens - 1))``), its
output tokens/s (requests/s x output tokens) and the speed each
user sees (1000 / TPOT). The saturation throughput is the curve's highest output rate; a latency
target picks the fastest point whose TPOT and TTFT meet it.

Curves are kept on disk (``<cache dir>/capacity/``, one JSON file each), keyed by every input and
the library version, so a sweep or a report pays for each curve once; a cold curve costs about
a second and a half, a warm one a file read. The curves the presets, sample notebooks and tests
use are installed with the package (:mod:`aipolicy.costs.capacity.curve_snapshot`). The
library is imported only when a curve is computed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from aipolicy.config import cache_dir
from aipolicy.costs.capacity import curve_snapshot
from aipolicy.costs.catalog.files import write_atomic

__all__ = ["LIBRARY", "SYSTEMS", "MODELS", "Curve", "CurvePoint", "backends_for", "curve",
           "databases_for",
           "library_version", "system_for"]

LIBRARY = "aiconfigurator-core"

#: Our GPU slug -> aiconfigurator system. A100 80GB is the SXM board (the catalog's rows).
SYSTEMS: dict[str, str] = {
    "h100-sxm": "h100_sxm", "h100-pcie": "h100_pcie", "h200": "h200_sxm", "b200": "b200_sxm",
    "b300": "b300_sxm", "gb200": "gb200", "a100-80gb": "a100_sxm", "l40s": "l40s", "l4": "l4",
    "rtx-pro-6000": "rtx_pro_6000_server",
}
#: Systems the library ships no measured operation database for (speed-of-light only: not used).
SPEC_ONLY = frozenset({"l4", "h100_pcie"})

#: Our open-model slug -> the library's model (Hugging Face path). Llama 3.3 70B has the
#: layers and parameter count of Llama 3.1 70B (a post-trained 3.1 70B).
MODELS: dict[str, str] = {
    "llama-3.1-8b": "meta-llama/Meta-Llama-3.1-8B",
    "llama-3.3-70b": "meta-llama/Meta-Llama-3.1-70B",
    "llama-3.1-405b": "meta-llama/Meta-Llama-3.1-405B",
    "llama-4-scout": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
    "llama-4-maverick": "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
    "gpt-oss-120b": "openai/gpt-oss-120b",
    "gpt-oss-20b": "openai/gpt-oss-20b",
    "qwen3-235b-a22b": "Qwen/Qwen3-235B-A22B",
    "deepseek-v3": "deepseek-ai/DeepSeek-V3",
    "deepseek-r1": "deepseek-ai/DeepSeek-R1",
    "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1",
}

#: Engines in the order tried when none is named (the first with a database for the system).
BACKENDS = ("trtllm", "vllm", "sglang")

#: Weight precision -> (GEMM, KV cache) quantisation modes of the library.
_QUANT: dict[str, tuple[str, str]] = {
    "fp8": ("fp8", "fp8"), "bf16": ("bfloat16", "bfloat16"), "fp16": ("bfloat16", "bfloat16"),
    "nvfp4": ("nvfp4", "fp8"), "fp4": ("nvfp4", "fp8"),
}

#: Concurrencies tried, up to the first whose KV cache does not fit.
BATCHES = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)

_CURVE_FORMAT = 1


@dataclass(frozen=True)
class CurvePoint:
    """One concurrency of a replica: latencies (ms) and rates."""

    concurrency: int
    ttft_ms: float
    tpot_ms: float
    req_s: float
    output_tok_s: float

    @property
    def tokens_per_user_s(self) -> float:
        return 1000.0 / self.tpot_ms


@dataclass(frozen=True)
class Curve:
    """Throughput against interactivity of one replica, as the estimator gives it.

    Attributes
    ----------
    model, gpu : str
        Our slugs; ``system`` and ``backend`` (with ``backend_version``) are the library's.
    precision : str
        Weight precision (``fp8``, ``bf16``, ``nvfp4``).
    tp : int
        GPUs of the replica (tensor-parallel size).
    input_tokens, output_tokens : int
        Request shape.
    points : tuple of CurvePoint
        In order of concurrency; empty when the weights do not fit the replica's memory.
    version : str
        aiconfigurator-core version that computed it.
    """

    model: str
    gpu: str
    system: str
    backend: str
    backend_version: str
    precision: str
    tp: int
    input_tokens: int
    output_tokens: int
    points: tuple[CurvePoint, ...]
    version: str

    @property
    def fits(self) -> bool:
        return bool(self.points)

    @property
    def saturation(self) -> CurvePoint:
        """The point of highest output tokens/s."""
        return max(self.points, key=lambda p: p.output_tok_s)

    def under(self, tokens_per_user_s: float | None, ttft_s: float | None) -> CurvePoint | None:
        """The highest-throughput point with TPOT and TTFT within the target (None: none)."""
        ok = [p for p in self.points
              if (tokens_per_user_s is None or p.tokens_per_user_s >= tokens_per_user_s)
              and (ttft_s is None or p.ttft_ms <= 1000.0 * ttft_s)]
        return max(ok, key=lambda p: p.output_tok_s) if ok else None

    @property
    def named(self) -> str:
        """The source in a few words, for a sentence that compares it with another."""
        return f"{LIBRARY} {self.version} ({self.system} {self.backend} database)"

    @property
    def basis(self) -> str:
        """``estimated by aiconfigurator-core X.Y (op-level, <system> <backend> <version>
        database)``."""
        return (f"estimated by {LIBRARY} {self.version} (op-level, {self.system} {self.backend} "
                f"{self.backend_version} database)")


def library_version() -> str | None:
    """The installed aiconfigurator-core version, or None when it is not installed."""
    try:
        return metadata.version(LIBRARY)
    except metadata.PackageNotFoundError:
        return None


def system_for(gpu: str) -> str | None:
    """The library's system for our GPU slug (None: not covered)."""
    return SYSTEMS.get(gpu)


def backends_for(gpu: str) -> tuple[str, ...]:
    """Engines with a database for the GPU, in :data:`BACKENDS` order; empty when the GPU or
    the library is missing."""
    return tuple(databases_for(gpu))


@lru_cache(maxsize=64)
def databases_for(gpu: str) -> dict[str, str]:
    """Engine -> the version of its latest performance database for the GPU's system, in
    :data:`BACKENDS` order (engines with none left out); empty when the GPU or the library is
    missing or the system has only a specification-only estimate."""
    system = system_for(gpu)
    version = library_version()
    if system is None or system in SPEC_ONLY or version is None:
        return {}
    # the library parses thousands of YAML files to answer (about a second per engine, and
    # again for every curve it computes): the answer is kept on disk beside the curves, named
    # by the library version and the system, and installed with the package
    path = cache_dir() / "capacity" / f"databases-{_key(version, system, BACKENDS)}.json"
    with contextlib.suppress(OSError, ValueError, TypeError):
        return _engine_map(json.loads(path.read_text()))
    installed = curve_snapshot.lookup(path.stem)
    if isinstance(installed, dict):
        return _engine_map(installed)
    from aiconfigurator_core.sdk.perf_database import get_latest_database_version

    with _quiet():
        found = {b: get_latest_database_version(system=system, backend=b) for b in BACKENDS}
    found = {b: str(v) for b, v in found.items() if v is not None}
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps(found).encode())
    return found


def _engine_map(data: Any) -> dict[str, str]:
    """A stored engine -> database version mapping, in :data:`BACKENDS` order."""
    if not isinstance(data, dict):
        raise TypeError("not an engine mapping")
    return {b: str(data[b]) for b in BACKENDS if b in data}


@contextlib.contextmanager
def _quiet():
    """Silence the library's log lines (it logs through the root logger's handlers)."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def curve(model: str, gpu: str, tp: int, precision: str, input_tokens: float,
          output_tokens: float, backend: str | None = None) -> Curve | None:
    """The estimator's curve for one replica, from the disk cache or computed (and stored).

    Returns None when the library is not installed, the model or GPU is not covered, or no
    engine has a database for the GPU. The shape is rounded to whole tokens.
    """
    version = library_version()
    system = system_for(gpu)
    hf = MODELS.get(model)
    if version is None or system is None or hf is None or precision not in _QUANT:
        return None
    engines = backends_for(gpu)
    if backend is not None:
        engines = tuple(b for b in engines if b == backend)
    if not engines:
        return None
    return _first_engine(version, model, gpu, int(tp), precision, int(round(input_tokens)),
                         max(2, int(round(output_tokens))), engines)


@lru_cache(maxsize=512)
def _first_engine(version: str, model: str, gpu: str, tp: int, precision: str, isl: int,
                  osl: int, engines: tuple[str, ...]) -> Curve | None:
    """The curve of the first engine whose database holds the model's operations (None: no
    engine does); remembered, failures included, so a case is tried once per process."""
    for engine in engines:
        try:
            return _cached(version, model, gpu, tp, precision, isl, osl, engine)
        except Exception as exc:  # noqa: BLE001 - the library's own errors (missing op data)
            if type(exc).__module__.split(".")[0] not in {"aiconfigurator_core", "builtins"}:
                raise
    return None


def _path(version: str, model: str, gpu: str, tp: int, precision: str, isl: int, osl: int,
          backend: str) -> Path:
    """The cache file of one curve, named by every input and the library version."""
    key = _key(_CURVE_FORMAT, version, model, gpu, tp, precision, isl, osl, backend)
    return cache_dir() / "capacity" / f"{key}.json"


@lru_cache(maxsize=512)
def _cached(version: str, model: str, gpu: str, tp: int, precision: str, isl: int, osl: int,
            backend: str) -> Curve:
    path = _path(version, model, gpu, tp, precision, isl, osl, backend)
    for read in (lambda: json.loads(path.read_text()), lambda: curve_snapshot.lookup(path.stem)):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = read()
            data["points"] = tuple(CurvePoint(**p) for p in data["points"])
            return Curve(**data)
    found = _compute(version, model, gpu, tp, precision, isl, osl, backend)
    with contextlib.suppress(OSError):  # a read-only cache only costs the next run time
        write_atomic(path, json.dumps(asdict(found)).encode())
    return found


def _compute(version: str, model: str, gpu: str, tp: int, precision: str, isl: int, osl: int,
             backend: str) -> Curve:
    from aiconfigurator_core.sdk.backends.factory import get_backend
    from aiconfigurator_core.sdk.config import RuntimeConfig
    from aiconfigurator_core.sdk.config_builders import build_model_config
    from aiconfigurator_core.sdk.models import get_model
    from aiconfigurator_core.sdk.perf_database import get_database_view

    system = SYSTEMS[gpu]
    gemm, kv = _QUANT[precision]
    with _quiet():
        db_version = databases_for(gpu)[backend]
        db = get_database_view(system, backend, db_version, database_mode="SILICON")
        config = build_model_config(tp_size=tp, pp_size=1, attention_dp_size=1, moe_tp_size=tp,
                                    moe_ep_size=1, gemm_quant_mode=gemm, kvcache_quant_mode=kv)
        hf = MODELS[model]
        engine = get_backend(backend)
        llm = get_model(hf, config, backend)
        points = []
        for b in BATCHES:
            summary = engine.run_agg(llm, db, RuntimeConfig(isl=isl, osl=osl, batch_size=b),
                                     ctx_tokens=isl)
            if summary.check_oom() or summary.check_kv_cache_oom():
                break
            r = summary.get_result_dict()
            ttft, tpot, req_s = float(r["ttft"]), float(r["tpot"]), float(r["seq/s"])
            if not all(math.isfinite(x) and x > 0 for x in (ttft, tpot, req_s)):
                break
            points.append(CurvePoint(b, ttft, tpot, req_s, req_s * osl))
    return Curve(model, gpu, system, backend, str(db_version), precision, tp, isl,
                 osl, tuple(points), version)


def cached_file(c: Curve) -> Path:
    """Where the curve is kept on disk."""
    return _path(c.version, c.model, c.gpu, c.tp, c.precision, c.input_tokens, c.output_tokens,
                 c.backend)


#: Public source and release of the library (as recorded on PyPI).
SOURCE = ("NVIDIA aiconfigurator-core (Apache-2.0; github.com/ai-dynamo/aiconfigurator, PyPI "
          "aiconfigurator-core)")
RELEASED = {"0.12": "2026-09"}

#: Two sources of the same capacity disagree when they differ by more than this share.
DISAGREE = 0.15


def released(version: str) -> str:
    """Release month of a library version (``undated`` when not recorded)."""
    return RELEASED.get(".".join(version.split(".")[:2]), "undated")


def saturation_note(c: Curve) -> str:
    """Where the curve's saturation throughput comes from, in words."""
    s = c.saturation
    return (f"{c.basis}: {c.model} ({MODELS[c.model]}) on {c.tp}x {c.gpu}, {c.precision}, "
            f"{c.input_tokens}/{c.output_tokens} tokens: the highest output rate of its "
            f"curve, {s.output_tok_s:,.0f} tokens/s at {s.concurrency} concurrent requests "
            f"({s.tokens_per_user_s:.1f} tokens/s per user, first token {s.ttft_ms / 1000:.2f} s)")


def disagreement(ours: float, theirs: float, what: str, named: str, used: str) -> str:
    """A note when another source's figure (``theirs``, from the source ``named``: e.g. a
    curve's :attr:`Curve.named`) differs from ours by more than :data:`DISAGREE` (empty
    otherwise): both figures and which one the answer uses (``used``: its basis)."""
    if not (ours > 0 and theirs > 0) or abs(theirs / ours - 1) <= DISAGREE:
        return ""
    return (f"; {named} gives {theirs:,.0f} {what} ({theirs / ours - 1:+.0%}): the answer "
            f"uses the {used} figure")


def clear_memo() -> None:
    """Forget the curves kept in this process (the disk cache stays)."""
    _first_engine.cache_clear()
    _cached.cache_clear()
