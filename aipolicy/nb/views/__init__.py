"""The notebooks' tables for people: one view per table a page shows.

Each view takes the frame a notebook already computes and returns a
:class:`~aipolicy.nb.tables.Table` with units, rounding and a footnote for what ``—`` or
``n/a`` means: the cost notebooks' (:mod:`.cost_tables`), the investor view's
(:mod:`.investor_tables`), the market notebooks' (:mod:`.market_tables`), the IPO tables
(:mod:`.ipo_tables`), the claims check (:mod:`.claims_table`) and the decision map's
(:mod:`.decision_tables`). Nothing here computes a figure.
"""
