"""Record key figures from a notebook so the report runner and the tests can read them.

In the manner of scrapbook's ``glue``: :func:`record` emits a display output whose data is a
JSON document under a dedicated MIME type, so the figure travels inside the executed
notebook; :func:`read_records` collects them back. When the environment variable
``AIPOLICY_RECORD_PATH`` names a file, each record is also merged into that JSON sidecar.

The MIME type is not compared by nbval (see the project's ``conftest.py``): values are
asserted by the papermill tests, not by text comparison.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MIME_TYPE = "application/vnd.aipolicy.record+json"
SIDECAR_ENV = "AIPOLICY_RECORD_PATH"


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON types.

    NaN and infinities become ``None`` (JSON has no NaN); timestamps become ISO strings.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist") and not isinstance(value, (int, float)):
        return to_jsonable(value.tolist())
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if not math.isfinite(value) else float(value)
    return str(value)


def record(name: str, value: Any, *, display: bool = True) -> Any:
    """Record ``value`` under ``name`` in the running notebook (and the sidecar, if set).

    Parameters
    ----------
    name : str
        Key of the figure, e.g. ``"breakeven_tokens_per_day"``.
    value : Any
        JSON-able value (numpy and pandas scalars are converted).
    display : bool
        Emit the display output (set False outside IPython).

    Returns
    -------
    Any
        The JSON form of ``value``.
    """
    if not name or not isinstance(name, str):
        raise ValueError(f"record name must be a non-empty string, got {name!r}")
    data = to_jsonable(value)
    if display:
        try:
            from IPython import get_ipython
            from IPython.display import display as ipy_display

            if get_ipython() is not None:
                ipy_display(
                    {MIME_TYPE: {"name": name, "value": data}, "text/plain": f"recorded: {name}"},
                    raw=True,
                    metadata={"aipolicy": {"record": name}},
                )
        except ImportError:  # pragma: no cover - IPython is a dependency
            pass
    sidecar = os.environ.get(SIDECAR_ENV)
    if sidecar:
        path = Path(sidecar)
        current: dict[str, Any] = {}
        if path.exists():
            current = json.loads(path.read_text(encoding="utf-8") or "{}")
        current[name] = data
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(current, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    return data


def read_records(notebook: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """Collect every recorded figure from an executed notebook (path or nbformat dict).

    Later records of the same name win, as they would when a cell is re-run.
    """
    if isinstance(notebook, Mapping):
        nb = notebook
    else:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            payload = (output.get("data") or {}).get(MIME_TYPE)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            out[payload["name"]] = payload["value"]
    return out
