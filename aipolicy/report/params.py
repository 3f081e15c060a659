"""The ``--params`` YAML file and the parameters each notebook receives.

Format: top-level keys are global parameters, applied to every selected notebook that has a
parameter of that name; a top-level key naming a notebook (``"03"``,
``03_ai_infrastructure_stocks`` or ``03_ai_infrastructure_stocks.ipynb``) holds a section of
parameters for that notebook alone::

    start: "2021-01-01"            # global
    rf_annual: 0.04
    01_build_vs_buy:
      draws: 5000
    "03":
      infra_tickers: [NVDA, AMD, AVGO]

Precedence, lowest first: the notebook's defaults, global keys, the notebook's section,
``--source``/``--data-dir`` (market notebooks only). ``as_of``, the valuation date, is one per
run: set at the top level (or by ``--as-of``, which wins), never in a section; the runner
injects it into every notebook. Every key is checked against the
notebook's ``parameters`` cell; an unknown one is an error naming the key, the section and
the names allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aipolicy.errors import InvalidInputError, ReportError
from aipolicy.report.notebooks import NotebookInfo, match_name

GLOBAL = "global"


def _plain(value: Any) -> Any:
    """YAML dates become ISO strings (papermill injects them as literals); recurse into containers."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _decode(raw: bytes, path: Path, flag: str = "--params") -> str:
    """Text of a params file: UTF-8 (with or without BOM), or UTF-16/32 marked by their BOM."""
    import codecs

    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(encoding)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{flag} {path}: not UTF-8 text (byte {exc.start}); save the file "
                          "as UTF-8") from None


def _string_dates_loader() -> type:
    """A YAML SafeLoader that keeps dates as text (``2025-13-45`` reaches the notebook, which
    names the parameter, instead of failing inside YAML)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _yaml_problem(exc: Exception) -> str:
    """One line for a YAML error: where it is and what is wrong."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return " ".join(str(exc).split())


def load_yaml(path: Path, flag: str = "--params") -> Any:
    """Read the YAML document in ``path`` (dates kept as text); None for an empty file.

    Parameters
    ----------
    path : Path
        The file.
    flag : str
        The command-line flag that named it, for the error messages.

    Raises
    ------
    ReportError
        Unreadable file, text not UTF-8 (or UTF-16/32 with a BOM), invalid YAML, a file or a
        document (aliases expanded) above the budget of :mod:`aipolicy.safeyaml`; one line
        naming ``flag`` and ``path``.
    """
    import yaml

    from aipolicy import safeyaml

    try:
        raw = safeyaml.read(path)
        text = _decode(raw, path, flag)
        return safeyaml.load(text, _string_dates_loader())
    except OSError as exc:
        raise ReportError(f"{flag} {path}: cannot read the file ({exc.strerror})") from exc
    except InvalidInputError as exc:
        raise ReportError(f"{flag} {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"{flag} {path}: invalid YAML: {_yaml_problem(exc)}") from exc


def load_params_file(path: Path) -> dict[str, Any]:
    """Read a params YAML file into a mapping.

    Raises
    ------
    ReportError
        Missing file, invalid YAML, or a document that is not a mapping.
    """
    doc = load_yaml(path, "--params")
    if doc is None:
        return {}
    if not isinstance(doc, Mapping):
        raise ReportError(
            f"--params {path}: expected a mapping of parameter names (and notebook sections), "
            f"got {type(doc).__name__}"
        )
    return dict(doc)


def split_sections(
    doc: Mapping[str, Any], available: Sequence[str], origin: str = "--params"
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Split a params document into global parameters and per-notebook sections.

    A top-level key is a section when it names a notebook of the collection; a key ``global``
    holding a mapping is accepted as an explicit global section.
    """
    globals_: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for raw_key, value in doc.items():
        key = str(raw_key)
        if key == GLOBAL and isinstance(value, Mapping):
            globals_.update({str(k): _plain(v) for k, v in value.items()})
            continue
        nb_name = match_name(key, available) if (key[:2].isdigit()) else None
        if nb_name is not None:
            if value is None:
                value = {}
            if not isinstance(value, Mapping):
                raise ReportError(
                    f"{origin}: section {key!r} (notebook {nb_name}) must be a mapping of "
                    f"parameter names to values, got {type(value).__name__}"
                )
            sections.setdefault(nb_name, {}).update({str(k): _plain(v) for k, v in value.items()})
        elif key[:2].isdigit() and isinstance(value, Mapping):
            raise ReportError(
                f"{origin}: section {key!r} names no notebook; available: {', '.join(available)}"
            )
        else:
            globals_[key] = _plain(value)
    return globals_, sections


def take_as_of(flag: str | None, globals_: dict[str, Any],
               sections: Mapping[str, dict[str, Any]], origin: str = "--params") -> str | None:
    """The run's valuation date as given: ``--as-of`` (``flag``), else a global ``as_of`` of
    the params (removed from ``globals_``: the runner injects the one date into every
    notebook); None when neither gives one.

    Raises
    ------
    ReportError
        A notebook section sets ``as_of``: a run has one valuation date.
    """
    for nb_name, section in sections.items():
        if "as_of" in section:
            raise ReportError(
                f"{origin}: section {nb_name!r} sets as_of: a report has one valuation date for "
                "every notebook; set as_of at the top level of the file (or pass --as-of)")
    value = globals_.pop("as_of", None)
    if flag is not None:
        return flag
    return None if value is None else str(value)


def resolve(
    infos: Mapping[str, NotebookInfo],
    selected: Sequence[str],
    globals_: Mapping[str, Any],
    sections: Mapping[str, Mapping[str, Any]],
    *,
    source: str | None = None,
    data_dir: Path | None = None,
    origin: str = "--params",
) -> dict[str, dict[str, Any]]:
    """Return the parameters to inject into each selected notebook.

    Raises
    ------
    ReportError
        A section key the notebook does not accept, or a global key no selected notebook
        accepts; the message names the key, where it came from and the names allowed.
    """
    for nb_name, section in sections.items():
        info = infos[nb_name]
        allowed = sorted(info.parameters)
        for key in section:
            if key not in info.parameters:
                raise ReportError(
                    f"{origin}: unknown parameter {key!r} in section {nb_name!r}; "
                    f"{nb_name} accepts: {', '.join(allowed) or '(no parameters)'}"
                )
    for key in globals_:
        if not any(key in infos[n].parameters for n in selected):
            allowed = sorted({p for n in selected for p in infos[n].parameters})
            raise ReportError(
                f"{origin}: unknown global parameter {key!r}: no selected notebook "
                f"({', '.join(selected)}) has it; parameters accepted: {', '.join(allowed)}"
            )
    out: dict[str, dict[str, Any]] = {}
    for name in selected:
        info = infos[name]
        params = {k: v for k, v in globals_.items() if k in info.parameters}
        params.update(sections.get(name, {}))  # relative paths: already absolute (.paths)
        if info.is_market:
            if source is not None:
                params["data_source"] = source
            if data_dir is not None and "data_dir" in info.parameters:
                params["data_dir"] = str(Path(data_dir).expanduser().resolve())
        out[name] = params
    return out


def effective(info: NotebookInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    """The notebook's defaults overridden by ``params`` (what the notebook will see)."""
    merged = info.default_values()
    merged.update(params)
    return merged
