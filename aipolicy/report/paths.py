"""Relative paths in a params (or matrix) file: beside the file, or the working directory.

A user writes ``sweep_dir: sweeps/small`` in ``my/params.yaml`` right after running
``aipolicy sweep ... --out sweeps/small``; the kernel runs in ``notebooks/``, so the value must
reach it absolute. A relative value of a path parameter (:data:`PATH_PARAMETERS`) is looked
for in two places: the folder of the file it was written in and the working directory. The
one that exists is used; when both exist and are different places the value is ambiguous and
refused; when neither exists the error names both paths tried. Without a file (parameters
passed as a mapping) only the working directory is tried.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aipolicy.errors import ReportError

__all__ = ["PATH_PARAMETERS", "resolve_path", "resolve_paths"]

#: Notebook parameters that name a file or folder.
PATH_PARAMETERS = ("data_dir", "sweep_dir", "grid")


def resolve_path(value: str, key: str, base: Path | None, origin: str) -> str:
    """The absolute path of a path parameter's ``value`` as given in a params file.

    Parameters
    ----------
    value : str
        The value written (``~`` is expanded; an absolute path is returned as it is).
    key : str
        The parameter's name, for the messages.
    base : Path, optional
        The folder of the file the value was written in; None: only the working directory.
    origin : str
        Where the value came from (``--params FILE``), for the messages.

    Raises
    ------
    ReportError
        Neither candidate exists (the message names both), or both exist and differ.
    """
    given = Path(value).expanduser()
    if given.is_absolute():
        return str(given)
    tried: list[tuple[Path, str]] = []
    if base is not None:
        tried.append(((Path(base).expanduser() / given).absolute(), "beside the file"))
    tried.append((Path.cwd() / given, "the working directory"))
    found: dict[Path, tuple[Path, str]] = {}
    for path, where in tried:
        if path.exists():
            found.setdefault(path.resolve(), (path, where))
    if len(found) == 1:
        return str(next(iter(found.values()))[0])
    shown = " and ".join(f"{p} ({w})" for p, w in tried if p.resolve() in found or not found)
    if found:
        raise ReportError(
            f"{origin}: {key} {value!r} is ambiguous: both {shown} exist; give an absolute path",
            field=key,
            value=value,
        )
    raise ReportError(
        f"{origin}: {key} {value!r}: no such file or folder; tried {shown}", field=key, value=value
    )


def resolve_paths(
    globals_: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]],
    *,
    base: Path | None,
    origin: str,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``globals_`` and ``sections`` with every relative path parameter made absolute
    (:func:`resolve_path`); other values are left as they are."""

    def fix(params: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: resolve_path(v, k, base, origin)
            if k in PATH_PARAMETERS and isinstance(v, str) and v.strip()
            else v
            for k, v in params.items()
        }

    return fix(globals_), {name: fix(section) for name, section in sections.items()}
