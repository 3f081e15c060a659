"""The notebook layer: what the notebooks in ``notebooks/`` call between the analytics and the page.

It validates notebook parameters (:mod:`~aipolicy.nb.params`), loads data with provenance for the
banner (:mod:`~aipolicy.nb.banner`, :mod:`~aipolicy.nb.market`), formats figures and tables for
readers (:mod:`~aipolicy.nb.format`), applies the one seaborn theme (:mod:`~aipolicy.nb.theme`),
lays out the cost tables (:mod:`~aipolicy.nb.costs`), draws the cost and market charts
(:mod:`~aipolicy.nb.cost_plots`, :mod:`~aipolicy.nb.market`) and builds the widget explorer
(:mod:`~aipolicy.nb.explorer`, only when a JupyterLab frontend is attached).

Layering: this package may import everything below it (``costs``, ``marketdata``, ``signals``,
``record``, ``errors``, ``config``); nothing below imports it, and the report runner
(:mod:`aipolicy.report`) does not either. A test reads the import statements and fails on a
back-arrow. Statistics a test would check live below, in ``costs`` or ``signals``.
"""

from __future__ import annotations

from aipolicy.nb.banner import banner_text, show_banner
from aipolicy.nb.params import as_choice, as_date, as_number, as_ticker_list
from aipolicy.nb.theme import set_theme, source_line

__all__ = [
    "as_choice",
    "as_date",
    "as_number",
    "as_ticker_list",
    "banner_text",
    "set_theme",
    "show_banner",
    "source_line",
]
