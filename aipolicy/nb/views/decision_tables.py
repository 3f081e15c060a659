"""Notebook 07's tables: what the sweep holds, the break-evens, and how sure the answer is."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aipolicy.nb.decision_map import best_cells, breakeven_frame, robustness, volume_text
from aipolicy.nb.tables import Col, Table, people_table

__all__ = ["breakeven_view", "robustness_view", "sweep_table"]

#: The grid's axes as a reader names them.
_AXES = {"preset": "preset", "open_model": "open model", "gpu": "GPU",
         "shape": "request shape (input/output tokens)", "slo": "latency target",
         "api_model": "named API"}


def _cells_text(frame: pd.DataFrame) -> str:
    """``220 (2 presets x 110)``: the priced cells of the sweep, per preset."""
    per = frame.groupby("preset", sort=False).size()
    if len(per) == 1:
        return f"{int(per.iloc[0]):,}"
    if per.nunique() == 1:
        return f"{len(frame):,} ({len(per)} presets x {int(per.iloc[0]):,})"
    return f"{len(frame):,} (" + ", ".join(f"{k} {int(v):,}" for k, v in per.items()) + ")"


def sweep_table(frame: pd.DataFrame, manifest: dict[str, Any]) -> Table:
    """What the sweep holds: its axes, cells, draws, seed and the price data it used."""
    grid = manifest["grid"]
    rows = [("priced cells", f"{_cells_text(frame)}, computed in {manifest['chunks']} "
                             f"chunk(s)")]
    for axis in ("preset", "open_model", "gpu", "shape", "slo", "api_model"):
        vals = sorted({str(v) for v in frame[axis if axis != "slo" else "slo_spec"]}) \
            if axis not in ("shape",) else sorted({f"{i:g}/{o:g}" for i, o in zip(
                frame["input_tokens"], frame["output_tokens"], strict=True)})
        rows.append((_AXES[axis], ", ".join(vals)))
    vols = sorted(set(frame["tokens_per_day"]))
    rows.append(("volumes", f"{len(vols)} from {volume_text(vols[0])} to "
                            f"{volume_text(vols[-1])} tokens/day"))
    rows.append(("Monte Carlo", f"{manifest['draws']:,} draws per cell, seed {manifest['seed']}"
                 if manifest["draws"] else "none"))
    cat = manifest["catalog"]
    if grid.get("as_of"):
        rows.append(("valuation date", f"{grid['as_of']}: every cell is priced with the API "
                                       "prices in force on it"))
    rows.append(("price data", f"{cat['price_data']}; aipolicy {cat['aipolicy']}, catalog "
                               f"{cat['catalog_sha256']}"))
    rows.append(("grid", str(grid.get("name", ""))))
    t = pd.DataFrame(rows, columns=["what", "value"]).set_index("what")
    return people_table(t, {"value": Col("text")}, index="")


def breakeven_view(frame: pd.DataFrame) -> Table:
    """The break-even table: one row per preset, open model and GPU (M tokens/day)."""
    be = breakeven_frame(frame)
    named = frame.drop_duplicates("config").set_index("config")
    be["api_model"] = named["api_model"].to_numpy()
    be["match_model"] = named["match_model"].replace("", "—").to_numpy()
    be = be[["preset", "open_model", "gpu", "api_model", "api", "match_model", "api_match",
             "hosted"]]
    def tpd(header: str) -> Col:
        return Col("tokens_per_day", header=header, missing="never")

    return people_table(
        be.set_index(["preset", "open_model", "gpu"]),
        {"api_model": Col("text", header="named API"), "api": tpd("vs named API"),
         "match_model": Col("text", header="cheapest API at least as good"),
         "api_match": tpd("vs that API"), "hosted": tpd("vs hosted open weights")},
        index=["preset", "open model", "GPU"],
        caption="Break-even of self-hosting (rent or buy, whichever comes first)",
        footnote="never: self-hosting stays dearer up to the cost model's search limit.")


def robustness_view(frame: pd.DataFrame, robust: float) -> Table:
    """Cells robustly self-hosted, robustly per token, or a coin toss, per preset."""
    rows = {name: robustness(best_cells(frame[frame["preset"] == name], ["open_model"]), robust)
            for name in dict.fromkeys(frame["preset"])}
    t = pd.DataFrame(rows).T
    t.index.name = "preset"
    return people_table(t, {c: Col("int", header=c) for c in t.columns},
                        caption=f"How sure the answer is, in model-and-volume pairs (best GPU "
                                f"each; robust: P >= {robust:.0%} either way)")
