"""The typed provenance: round trip through ``attrs`` and the one helper that keeps it after
slicing."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from aipolicy.marketdata import load_prices
from aipolicy.marketdata.provenance import ATTR_KEYS, Provenance, keep_provenance


def test_loaded_attrs_round_trip_through_the_dataclass():
    px = load_prices(["NVDA", "NOPE"], source="sample", missing="drop")
    prov = Provenance.from_attrs(px.attrs)
    assert prov.to_attrs() == px.attrs and tuple(px.attrs) == ATTR_KEYS
    assert prov.missing == ("NOPE",) and prov.requested == ("NVDA", "NOPE")
    assert isinstance(px.attrs["missing"], list)  # plain types in attrs


def test_provenance_is_frozen_and_replace_returns_a_copy():
    prov = Provenance(source="csv", provenance="CSV files in /d", missing=["A"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        prov.source = "live"  # type: ignore[misc]
    other = prov.replace(source="live").with_missing(["B", "A"])
    assert prov.source == "csv" and other.source == "live" and other.missing == ("A", "B")


def test_from_attrs_tolerates_partial_and_foreign_keys():
    prov = Provenance.from_attrs({"source": "live", "yf_errors": ["x"]})
    assert prov.as_of is None and prov.missing == () and prov.synthetic is False
    assert Provenance.from_attrs(None).source == "unknown"


def test_keep_provenance_after_operations_that_drop_attrs():
    px = load_prices(["NVDA", "AMD"], source="sample")
    lost = pd.concat([px[["NVDA"]], px[["AMD"]].rename(columns=str.lower)], axis=1)
    lost.attrs = {}
    kept = keep_provenance(lost, px, missing=["X"])
    assert kept is lost
    assert kept.attrs == {**px.attrs, "missing": ["X"]}
    assert keep_provenance(px.iloc[:10].copy(), Provenance.from_attrs(px.attrs)).attrs == px.attrs
